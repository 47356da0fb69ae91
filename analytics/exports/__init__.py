"""Every download of the dashboard, as bytes or text: chart images, tables, embeds, maps.

A pure package (no Streamlit): each function takes a figure, a DataFrame or a deck and
the provenance to print with it, and returns what the UI hands to
``st.download_button``. One module per engine:

* :mod:`~analytics.exports.chart_images` — PNG/SVG of plotly charts through a kept-open
  headless Chromium (kaleido);
* :mod:`~analytics.exports.tables` — CSV for French Excel and XLSX, French labels,
  display precision, a ``Sources`` sheet per export, rankings with their weights;
* :mod:`~analytics.exports.static_map` — static choropleth PNG (Pillow);
* :mod:`~analytics.exports.embed` — standalone HTML of a chart or a map;
* :mod:`~analytics.exports.common` — error type, the source/date footer, fonts.

The public names are importable from ``analytics.exports``.
"""

from analytics.classes import MISSING_COLOUR, MISSING_LABEL
from analytics.exports.chart_images import (
    DEBIAN_CHROMIUM,
    SOURCE_ANNOTATION,
    ChartRenderer,
    configure_browser_path,
    decorate_figure,
    figure_png,
    figure_svg,
    get_renderer,
    start_renderer,
    stop_renderer,
)
from analytics.exports.common import (
    FONT_DIRS,
    ExportError,
    date_text,
    find_font,
    footer_text,
)
from analytics.exports.embed import figure_html_snippet, map_html
from analytics.exports.static_map import map_png
from analytics.exports.tables import (
    COLUMNS,
    ColumnFormat,
    RankingExport,
    column_format,
    dataframe_csv_fr,
    dataframe_xlsx,
    export_sources,
    ranking_export,
    source_keys,
    sources_sheet_frame,
    table_for_export,
)

__all__ = [
    "COLUMNS",
    "DEBIAN_CHROMIUM",
    "FONT_DIRS",
    "MISSING_COLOUR",
    "MISSING_LABEL",
    "SOURCE_ANNOTATION",
    "ChartRenderer",
    "ColumnFormat",
    "ExportError",
    "RankingExport",
    "column_format",
    "configure_browser_path",
    "dataframe_csv_fr",
    "dataframe_xlsx",
    "date_text",
    "decorate_figure",
    "export_sources",
    "figure_html_snippet",
    "figure_png",
    "figure_svg",
    "find_font",
    "footer_text",
    "get_renderer",
    "map_html",
    "map_png",
    "ranking_export",
    "source_keys",
    "sources_sheet_frame",
    "start_renderer",
    "stop_renderer",
    "table_for_export",
]
