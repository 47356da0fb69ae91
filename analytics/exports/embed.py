"""Embeds: a chart or a map as a small standalone HTML file to publish or put in an iframe.

Each file is a whole document (``<meta charset="utf-8">``, ``lang="fr"``), so it reads
right when opened alone, and carries its source line once, in the caption. The libraries
come from their public CDNs instead of being inlined: a chart's file weighs a few
kilobytes plus its data (plotly.js inlined made it 4,8 MB), a map's file its geometry
(``pydeck`` loads deck.gl from jsDelivr).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from analytics.exports.chart_images import decorate_figure
from analytics.exports.common import footer_text

_CAPTION_STYLE = "font:0.85em/1.4 system-ui,sans-serif;color:#555;margin:0.4em 0 0;"


def _document(title: str, head: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n{head}</head>\n<body>\n{body}</body>\n</html>\n"
    )


def _caption(source_line: str, date: dt.date | str | None, link: str | None) -> str:
    text = html.escape(footer_text(source_line, date))
    if link:
        text += f' · <a href="{html.escape(link)}">Voir dans le tableau de bord</a>'
    return text


def figure_html_snippet(
    fig: go.Figure | Mapping[str, Any],
    *,
    title: str,
    source_line: str,
    date: dt.date | str | None = None,
    height: int = 480,
    link: str | None = None,
) -> str:
    """A standalone HTML page holding the interactive chart, to publish or embed (iframe).

    The title is in the chart, the source line and date once in the ``<figcaption>`` (the
    chart's own source annotation is removed); plotly.js is loaded from its CDN
    (``cdn.plot.ly``, the version of the installed plotly), so the file holds the figure's
    data only. ``link``: the address of the same view in the dashboard, printed after
    the source.
    """
    decorated = decorate_figure(fig, title=title, source_line=None)
    decorated.update_layout(autosize=True, width=None, height=height)
    chart = decorated.to_html(
        full_html=False,
        include_plotlyjs="cdn",
        default_width="100%",
        default_height=f"{height}px",
        config={"displaylogo": False, "responsive": True},
    )
    body = (
        f'<figure class="deserts-medicaux-figure" aria-label="{html.escape(title)}" '
        'style="margin:1em 0;max-width:100%;">\n'
        f"{chart}\n"
        f'<figcaption style="{_CAPTION_STYLE}">{_caption(source_line, date, link)}</figcaption>\n'
        "</figure>\n"
    )
    return _document(title, "", body)


def map_html(
    deck: Any,
    *,
    title: str,
    source_line: str,
    date: dt.date | str | None = None,
    link: str | None = None,
) -> str:
    """A standalone HTML page of an interactive map (a :class:`pydeck.Deck`).

    pydeck writes the page (deck.gl from its CDN, the map's JSON inline: a département's
    communes ≈ 0,3 MB, the départements of France ≈ 0,8 MB); here it gets a French
    language tag, an explicit UTF-8 charset, the map's title as its title and one caption
    with the source line and date under the map.
    """
    page = deck.to_html(as_string=True, notebook_display=False)
    caption = (
        '<div style="position:absolute;left:0;right:0;bottom:0;z-index:2;padding:4px 8px;'
        f'background:rgba(255,255,255,.9);{_CAPTION_STYLE}">'
        f"<strong>{html.escape(title)}</strong><br>{_caption(source_line, date, link)}</div>\n"
    )
    page = page.replace("<html>", '<html lang="fr">', 1)
    page = page.replace("<head>", '<head>\n    <meta charset="utf-8">', 1)
    page = page.replace("<title>pydeck</title>", f"<title>{html.escape(title)}</title>", 1)
    return page.replace("</body>", caption + "</body>", 1)
