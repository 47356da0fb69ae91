"""The only Streamlit-aware package: it places on screen what pure builders return.

- :mod:`analytics.ui.cache` — the connection that follows rebuilds and every shared,
  bounded cache (queries, views, search index, map decks);
- :mod:`analytics.ui.widgets` — page setup and menu, search box, French tables, charts,
  downloads, map legend, footer;
- one panel module per page: :mod:`~analytics.ui.home`, :mod:`~analytics.ui.map`,
  :mod:`~analytics.ui.profile`, :mod:`~analytics.ui.compare`,
  :mod:`~analytics.ui.priorities`, :mod:`~analytics.ui.simulation`,
  :mod:`~analytics.ui.planner`, :mod:`~analytics.ui.userdata`, :mod:`~analytics.ui.methods`.

The names below are the widgets every page uses, re-exported for ``ui.page_setup(…)``.
"""

from __future__ import annotations

from analytics.ui.cache import run, view
from analytics.ui.widgets import (
    APL_SOURCE_LINE,
    APP_TITLE,
    build_footer,
    chart,
    download_buttons,
    french,
    page_setup,
    show_param_errors,
    source_line_for,
    sync_query_params,
    territory_search,
)

__all__ = [
    "APL_SOURCE_LINE",
    "APP_TITLE",
    "build_footer",
    "chart",
    "download_buttons",
    "french",
    "page_setup",
    "run",
    "show_param_errors",
    "source_line_for",
    "sync_query_params",
    "territory_search",
    "view",
]
