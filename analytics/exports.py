"""Every download of the dashboard, as bytes: chart images, tables, HTML snippets, maps.

A pure module (no Streamlit): each function takes a figure or a DataFrame and the
provenance to print with it, and returns the bytes the UI hands to ``st.download_button``.
Provenance is data (see ``analytics/sources.py``): every image carries its title, its source
line and its date *inside* the picture, every spreadsheet a ``Sources`` sheet, every HTML
snippet a ``<figcaption>``, so a chart pasted into an article or a report keeps its origin.

Chart images (PNG, SVG) are rendered server-side by plotly with kaleido 1.x, which drives a
headless Chrome/Chromium through the DevTools protocol. Kaleido's one-shot calls
(``plotly.io.to_image``, ``kaleido.calc_fig_sync``) start a browser for every image, about
2–3 s each; :class:`ChartRenderer` keeps one browser open in a background thread so that
later images take a few hundred milliseconds. The browser is Debian's ``/usr/bin/chromium``,
found through ``BROWSER_PATH``; kaleido's own browser download is never used.

Maps (:func:`map_png`) are drawn with Pillow from the GeoJSON polygons, without web tiles
and without a browser, so they work offline and for 35,000 communes.

CSV and XLSX carry the raw numbers (never the display strings of ``analytics.formatting``);
numbers written *inside* images follow French typography (``1 234,5``).
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import html
import io
import math
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.formatting import THOUSANDS_SEP, fmt_date_fr, fmt_int

#: Debian's Chromium package; kaleido finds it through ``BROWSER_PATH``.
DEBIAN_CHROMIUM = "/usr/bin/chromium"
#: ``name`` of the source annotation that :mod:`analytics.charts` puts on its figures.
SOURCE_ANNOTATION = "source"

#: A class of a choropleth map: (lower bound, upper bound, legend label, colour "#rrggbb").
#: ``None`` bounds are open (−∞ / +∞).
MapClass = tuple[float | None, float | None, str, str]

#: Fill of the areas without a value, and its legend label.
MISSING_COLOUR = "#d9d9d9"
MISSING_LABEL = "Donnée manquante"

# Font families searched for text drawn by Pillow (maps) and fpdf2 (report). DejaVu covers
# French accents, the narrow no-break space U+202F and the minus sign U+2212.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian/Ubuntu fonts-dejavu-core
    Path("/usr/share/fonts/dejavu"),  # Fedora, Arch
    Path("/usr/share/fonts/TTF"),
    Path("/Library/Fonts"),
)
FONT_REGULAR = "DejaVuSans.ttf"
FONT_BOLD = "DejaVuSans-Bold.ttf"


class ExportError(Exception):
    """An export could not be produced; the message says what to install or change."""


# --------------------------------------------------------------------------------------
# Provenance text
# --------------------------------------------------------------------------------------


def date_text(date: dt.date | str | None = None) -> str:
    """The date printed under an export: ``"22 novembre 2026"`` (today when ``None``).

    A string that is not an ISO date (``"mars 2026"``) is printed as given.
    """
    if date is None:
        date = dt.date.today()
    text = fmt_date_fr(date)
    if text == "n.d." and isinstance(date, str) and date.strip():
        return date.strip()
    return text


def footer_text(source_line: str, date: dt.date | str | None = None) -> str:
    """``"Source : DREES, APL 2023 · Édité le 22 novembre 2026"``."""
    when = date_text(date)
    parsed = fmt_date_fr(date if date is not None else dt.date.today()) != "n.d."
    stamp = f"Édité le {when}" if parsed else when
    source_line = source_line.strip()
    return f"{source_line} · {stamp}" if source_line else stamp


def _wrap_chars(text: str, max_chars: int) -> list[str]:
    """Greedy word wrap on an estimated number of characters per line."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if len(candidate) <= max_chars or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return lines


# --------------------------------------------------------------------------------------
# Chart images: a persistent kaleido browser
# --------------------------------------------------------------------------------------


def configure_browser_path() -> str | None:
    """Point kaleido at Debian's Chromium (``BROWSER_PATH``) unless the caller chose one.

    Returns the browser path kaleido will use, or ``None`` when none is known.
    """
    if "BROWSER_PATH" not in os.environ and Path(DEBIAN_CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = DEBIAN_CHROMIUM
    return os.environ.get("BROWSER_PATH")


class ChartRenderer:
    """One headless Chromium kept open (kaleido 1.x) to render plotly figures quickly.

    Kaleido is asynchronous: the browser lives in an event loop run by a daemon thread,
    and :meth:`render` submits a coroutine to it and waits, with a timeout, so a caller
    never hangs on a dead browser (kaleido's own ``start_sync_server`` waits forever when
    the browser fails to start). Calls are serialised by a lock (one tab is enough for
    interactive exports on a 2-core machine); a browser that died is restarted on the next
    call. Measured on the 2-core reference machine: first image ≈ 2–3 s (browser start),
    then ≈ 0.2–0.4 s per image (``python -m bench.bench_exports``).
    """

    def __init__(self, *, timeout: float = 60.0, start_timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    # -- lifecycle ---------------------------------------------------------------------

    def is_running(self) -> bool:
        """Whether a browser is open and its process alive."""
        k = self._kaleido
        if k is None:
            return False
        proc = getattr(k, "subprocess", None)
        return proc is not None and proc.poll() is None

    def start(self) -> None:
        """Open the browser now (e.g. in a background thread at app start-up)."""
        with self._lock:
            self._ensure_started()

    def close(self) -> None:
        """Close the browser and stop the thread; :meth:`render` reopens it if called."""
        with self._lock:
            self._shutdown()

    def _ensure_started(self) -> None:
        if self.is_running():
            return
        self._shutdown()
        browser = configure_browser_path()
        try:
            import kaleido
        except ImportError as exc:  # pragma: no cover - kaleido is a pinned requirement
            raise ExportError("L'export d'images demande le paquet kaleido>=1.") from exc

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-renderer", daemon=True)
        thread.start()

        opened: list[Any] = []

        async def _open() -> Any:
            # mathjax=False: no CDN request (the app runs offline); plotly.js comes from
            # the plotly package, so the page needs no network either.
            k = kaleido.Kaleido(n=1, timeout=self.timeout, mathjax=False)
            opened.append(k)  # so a failed or slow start can still be closed
            await k.open()
            return k

        fut = asyncio.run_coroutine_threadsafe(_open(), loop)
        try:
            self._kaleido = fut.result(self.start_timeout)
        except BaseException as exc:
            fut.cancel()
            try:
                closing = _close_browser(opened[0] if opened else None)
                asyncio.run_coroutine_threadsafe(closing, loop).result(20)
            except Exception:  # noqa: BLE001 - best effort, the start error is the news
                pass
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            loop.close()
            # kaleido's own advice (download a Chrome) is not ours: keep the first sentence.
            detail = str(exc).split(" Kaleido v1", 1)[0]
            raise ExportError(
                "Impossible de démarrer Chromium pour l'export d'images "
                f"(navigateur : {browser or 'introuvable'}). Installez le paquet Debian "
                "« chromium » ou définissez BROWSER_PATH. Détail : "
                f"{type(exc).__name__}: {detail}"
            ) from exc
        self._loop, self._thread = loop, thread

    def _shutdown(self) -> None:
        loop, thread, k = self._loop, self._thread, self._kaleido
        self._loop = self._thread = self._kaleido = None
        if loop is None:
            return
        if not loop.is_closed():
            try:
                asyncio.run_coroutine_threadsafe(_close_browser(k), loop).result(20)
            except Exception:  # noqa: BLE001 - best effort: the process may be gone already
                pass
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)
        if not loop.is_running():
            loop.close()

    # -- rendering ---------------------------------------------------------------------

    def render(
        self, fig: go.Figure | Mapping[str, Any], *, fmt: str, width: int, height: int, scale: float
    ) -> bytes:
        """The image bytes of ``fig`` (``fmt`` one of png, svg, jpeg, webp, pdf)."""
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        with self._lock:
            for attempt in (1, 2):
                self._ensure_started()
                assert self._loop is not None
                fut = asyncio.run_coroutine_threadsafe(
                    self._kaleido.calc_fig(fig, opts=opts), self._loop
                )
                try:
                    return fut.result(self.timeout + 5)
                except Exception as exc:
                    fut.cancel()
                    if attempt == 1 and not self.is_running():
                        continue  # the browser died under us: restart it once
                    raise ExportError(
                        f"Le rendu de l'image {fmt.upper()} a échoué : {type(exc).__name__}: {exc}"
                    ) from exc
        raise AssertionError("unreachable")  # pragma: no cover


async def _close_browser(k: Any) -> None:
    """Close kaleido, then end the tasks it leaves (its watchdog) so the loop stops clean."""
    if k is not None:
        try:
            await asyncio.wait_for(k.close(), 15)
        except Exception:  # noqa: BLE001 - a dead browser may fail to close politely
            pass
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


_RENDERER: ChartRenderer | None = None
_RENDERER_GUARD = threading.Lock()


def get_renderer() -> ChartRenderer:
    """The process-wide renderer (created on first use, closed at interpreter exit)."""
    global _RENDERER
    with _RENDERER_GUARD:
        if _RENDERER is None:
            _RENDERER = ChartRenderer()
            atexit.register(_RENDERER.close)
        return _RENDERER


def start_renderer() -> None:
    """Start the shared browser ahead of the first export (it takes 2–3 s)."""
    get_renderer().start()


def stop_renderer() -> None:
    """Close the shared browser (tests, shutdown)."""
    if _RENDERER is not None:
        _RENDERER.close()


# --------------------------------------------------------------------------------------
# Chart images: title and source inside the picture
# --------------------------------------------------------------------------------------

_FOOTER_FONT_PX = 11
_FOOTER_LINE_PX = 15
_TITLE_FONT_PX = 18
_TITLE_LINE_PX = 24
_TITLE_BLOCK_PX = 64


def _margin(layout_margin: Any, side: str, default: int) -> int:
    value = getattr(layout_margin, side, None) if layout_margin is not None else None
    return int(value) if value is not None else default


def decorate_figure(
    fig: go.Figure | Mapping[str, Any],
    *,
    title: str,
    source_line: str | None,
    date: dt.date | str | None = None,
    width: int = 1000,
) -> go.Figure:
    """A copy of ``fig`` with ``title`` on top and the source line and date at the bottom.

    The caller's figure is never modified. Margins are set explicitly so the footer sits in
    its own band under the axes; ``layout.separators`` defaults to French (decimal comma,
    narrow no-break space for thousands) unless the figure sets it. With
    ``source_line=None`` no footer is added (HTML snippets put the source in a caption).
    """
    out = go.Figure(fig)  # a deep copy for Figure and dict alike
    if source_line is not None:
        # The footer replaces the chart's own source annotation (one source line, not two).
        kept = [a for a in out.layout.annotations if a.name != SOURCE_ANNOTATION]
        out.layout.annotations = kept
    layout = out.layout
    left = _margin(layout.margin, "l", 70)
    right = _margin(layout.margin, "r", 30)
    title_lines = _wrap_chars(title, max(20, int((width - 24) / (_TITLE_FONT_PX * 0.55))))
    title_block = _TITLE_BLOCK_PX + _TITLE_LINE_PX * (len(title_lines) - 1)
    top = max(_margin(layout.margin, "t", title_block), title_block)
    bottom = _margin(layout.margin, "b", 60)
    if source_line is not None:
        # Plotly does not wrap annotations: wrap on an estimate of 0.55 em per character.
        max_chars = max(20, int((width - 24) / (_FOOTER_FONT_PX * 0.55)))
        lines = _wrap_chars(footer_text(source_line, date), max_chars)
        footer_px = _FOOTER_LINE_PX * len(lines) + 14
        bottom += footer_px
        out.add_annotation(
            text="<br>".join(html.escape(line, quote=False) for line in lines),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="bottom",
            # paper y=0 is the bottom of the plot area: shift down to the image's bottom edge
            xshift=-(left - 12),
            yshift=-(bottom - 8),
            align="left",
            showarrow=False,
            font={"size": _FOOTER_FONT_PX, "color": "#555555"},
        )
    out.update_layout(
        title={
            "text": "<br>".join(html.escape(line, quote=False) for line in title_lines),
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            # plotly.js sets a multi-line title ~13 px higher than a single line
            "pad": {"l": 12, "t": 14 if len(title_lines) == 1 else 27},
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": _TITLE_FONT_PX},
        },
        margin={"l": left, "r": right, "t": top, "b": bottom},
    )
    if not layout.separators:
        out.update_layout(separators="," + THOUSANDS_SEP)
    return out


def _render(
    fig: go.Figure | Mapping[str, Any],
    *,
    fmt: str,
    title: str,
    source_line: str | None,
    date: dt.date | str | None,
    width: int,
    height: int,
    scale: float,
) -> bytes:
    decorated = decorate_figure(fig, title=title, source_line=source_line, date=date, width=width)
    decorated.update_layout(width=width, height=height)
    return get_renderer().render(decorated, fmt=fmt, width=width, height=height, scale=scale)


def figure_png(
    fig: go.Figure | Mapping[str, Any],
    *,
    title: str,
    source_line: str,
    date: dt.date | str | None = None,
    width: int = 1000,
    height: int = 600,
    scale: float = 2,
) -> bytes:
    """A PNG of ``width*scale`` × ``height*scale`` pixels with title, source and date inside.

    Raises :class:`ExportError` when no Chromium can be started.
    """
    return _render(
        fig,
        fmt="png",
        title=title,
        source_line=source_line,
        date=date,
        width=width,
        height=height,
        scale=scale,
    )


def figure_svg(
    fig: go.Figure | Mapping[str, Any],
    *,
    title: str,
    source_line: str,
    date: dt.date | str | None = None,
    width: int = 1000,
    height: int = 600,
    scale: float = 1,
) -> bytes:
    """An SVG (UTF-8 bytes) with title, source line and date as text elements."""
    return _render(
        fig,
        fmt="svg",
        title=title,
        source_line=source_line,
        date=date,
        width=width,
        height=height,
        scale=scale,
    )


def figure_html_snippet(
    fig: go.Figure | Mapping[str, Any],
    *,
    title: str,
    source_line: str,
    date: dt.date | str | None = None,
    height: int = 480,
) -> str:
    """A self-contained ``<figure>`` to paste into an article.

    The interactive chart (plotly.js inlined, ~4.5 MB, so it works without a CDN and
    keeps working if the CDN changes) spans the column width; the title is in the chart,
    the source line and date in the ``<figcaption>``. Being a fragment, it embeds in any
    page or CMS block that allows scripts; to view it alone, save it as ``.html``.
    """
    decorated = decorate_figure(fig, title=title, source_line=None)
    decorated.update_layout(autosize=True, width=None, height=height)
    chart = decorated.to_html(
        full_html=False,
        include_plotlyjs=True,
        default_width="100%",
        default_height=f"{height}px",
        config={"displaylogo": False, "responsive": True},
    )
    caption = html.escape(footer_text(source_line, date))
    return (
        f'<figure class="deserts-medicaux-figure" aria-label="{html.escape(title)}" '
        'style="margin:1.5em 0;max-width:100%;">\n'
        f"{chart}\n"
        '<figcaption style="font:0.85em/1.4 system-ui,sans-serif;color:#555;'
        f'margin-top:0.4em;">{caption}</figcaption>\n'
        "</figure>\n"
    )


# --------------------------------------------------------------------------------------
# Tables: CSV for French Excel, XLSX with a Sources sheet
# --------------------------------------------------------------------------------------


def dataframe_csv_fr(df: pd.DataFrame) -> bytes:
    """CSV as French Excel opens it: ``;`` separator, decimal comma, UTF-8 with BOM, CRLF.

    Text columns (INSEE codes) are written as they are, so ``01001`` keeps its zero in the
    file; read it back with ``dtype=str`` for code columns. Excel itself turns such a
    field into a number when it opens a CSV: the XLSX export is the one to give to Excel
    users who need the codes. Missing values are empty fields; no index.
    """
    text = _export_frame(df).to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return b"\xef\xbb\xbf" + text.encode("utf-8")


#: A text cell starting with one of these would run as a formula in a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _export_frame(df: pd.DataFrame, *, quote_formulas: bool = True) -> pd.DataFrame:
    """``df`` as exported: floats rounded to 10 decimals (no ``2,9999999999999996``
    noise from derived values) and, for CSV, text cells that a spreadsheet would run as
    a formula prefixed with an apostrophe (OWASP CSV injection advice; the XLSX writer
    types every text cell as text instead)."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_float_dtype(series):
            out[col] = series.round(10)
        elif quote_formulas and (
            pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)
        ):
            out[col] = series.map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


_SOURCE_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Producteur", ("producer", "producteur")),
    ("Jeu de données", ("dataset", "title", "titre", "jeu_de_donnees", "jeu de données")),
    ("Licence", ("licence", "license")),
    ("Millésime", ("vintage", "millesime", "millésime")),
    ("Adresse", ("address", "url", "adresse", "dataset_page", "page")),
)

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sources_sheet_frame(sources: pd.DataFrame) -> pd.DataFrame:
    """The ``Sources`` sheet: producer, dataset, licence, vintage, address, then extras.

    Accepts English or French column names (``producer``/``producteur``, ``title``/
    ``dataset``, ``vintage``/``millesime``, ``url``/``address``…); absent ones stay empty.
    """
    lower = {str(c).strip().lower(): c for c in sources.columns}
    out = pd.DataFrame(index=range(len(sources)))
    used: set[Any] = set()
    for label, aliases in _SOURCE_COLUMNS:
        column = next((lower[a] for a in aliases if a in lower), None)
        if column is None:
            out[label] = pd.Series([None] * len(sources), dtype=object)
        else:
            used.add(column)
            out[label] = sources[column].to_numpy(dtype=object)
    for column in sources.columns:
        if column not in used:
            out[str(column)] = sources[column].to_numpy(dtype=object)
    return out


def _cell_value(value: Any) -> Any:
    """A value openpyxl can write: missing → None, numpy → Python, tz-aware → naive."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value


def _column_values(column: pd.Series) -> list[Any]:
    """The cells of one column as Python values (vectorised for the common dtypes)."""
    if pd.api.types.is_bool_dtype(column) and not column.hasnans:
        return column.astype(bool).tolist()
    if pd.api.types.is_integer_dtype(column) and not column.hasnans:
        return column.astype("int64").tolist()
    if pd.api.types.is_numeric_dtype(column):
        floats = pd.to_numeric(column, errors="coerce").astype("float64").tolist()
        return [v if math.isfinite(v) else None for v in floats]
    if pd.api.types.is_datetime64_any_dtype(column):
        if getattr(column.dt, "tz", None) is not None:
            column = column.dt.tz_localize(None)  # Excel has no time zones: wall time
        return [None if v is pd.NaT else v.to_pydatetime() for v in column]
    return [_cell_value(v) for v in column.tolist()]


def _write_sheet(ws: Any, df: pd.DataFrame, *, link_column: str | None = None) -> None:
    """Stream ``df`` into a write-only worksheet: bold frozen header, filter, widths.

    Text cells are written as explicit strings with the ``@`` (text) format: INSEE codes
    keep their zeros when edited in Excel, and a value starting with "=" is never read
    as a formula.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    n_cols = len(df.columns)
    columns = [_column_values(df.iloc[:, i]) for i in range(n_cols)]
    names = [str(c) for c in df.columns]
    # Width: the longest of the header and the first 2,000 values, within 8–60 characters.
    for i, (name, values) in enumerate(zip(names, columns, strict=True), start=1):
        longest = max([len(name)] + [len(str(v)) for v in values[:2000] if v is not None])
        if pd.api.types.is_float_dtype(df.iloc[:, i - 1]):
            longest = min(longest, 14)  # full float precision need not widen the column
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(60, longest + 2))
    ws.freeze_panes = "A2"
    if n_cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{len(df) + 1}"

    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8ECF1")
    header_alignment = Alignment(vertical="top", wrap_text=True)
    header = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = header_font, header_fill, header_alignment
        header.append(cell)
    ws.append(header)

    def text_cell(value: str) -> Any:
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        cell.number_format = "@"
        return cell

    link = names.index(link_column) if link_column in names else -1
    for row in zip(*columns, strict=True) if n_cols else ():
        out = [text_cell(v) if isinstance(v, str) else v for v in row]
        if (
            link >= 0
            and isinstance(row[link], str)
            and row[link].startswith(("http://", "https://"))
        ):
            out[link].hyperlink = row[link]
            out[link].style = "Hyperlink"
        ws.append(out)


def dataframe_xlsx(df: pd.DataFrame, sources: pd.DataFrame, sheet_name: str = "Données") -> bytes:
    """An Excel workbook: ``sheet_name`` with the data, then ``Sources`` with provenance.

    Text columns are stored as text cells with the ``@`` format, so INSEE codes keep their
    leading zeros; numbers stay numbers (raw values, not display strings). The header row
    is bold and frozen, with a filter; column widths follow the content; source addresses
    are links. Written in openpyxl's streaming mode (35,000 communes × 10 columns ≈ 2 s).
    """
    from openpyxl import Workbook

    name = _INVALID_SHEET_CHARS.sub(" ", sheet_name).strip()[:31] or "Données"
    if name.lower() == "sources":
        name = "Données"
    wb = Workbook(write_only=True)
    _write_sheet(wb.create_sheet(name), _export_frame(df, quote_formulas=False))
    _write_sheet(wb.create_sheet("Sources"), sources_sheet_frame(sources), link_column="Adresse")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------------------
# Static choropleth maps (Pillow)
# --------------------------------------------------------------------------------------

# Where each part of France lies (lon min, lon max, lat min, lat max), to draw the
# overseas territories as insets beside metropolitan France. Located by coordinates rather
# than by code so it works at every level (commune, EPCI, département, région).
_TERRITORIES: tuple[tuple[str, tuple[float, float, float, float], bool], ...] = (
    # (name, box, always drawn when mixed with others: the DROM; COM only with data)
    ("France métropolitaine", (-6.0, 11.0, 41.0, 52.0), True),
    ("Guadeloupe", (-62.0, -60.8, 15.7, 16.7), True),
    ("Martinique", (-61.4, -60.7, 14.2, 15.0), True),
    ("Guyane", (-55.0, -51.0, 1.5, 6.5), True),
    ("La Réunion", (55.0, 56.0, -21.6, -20.6), True),
    ("Mayotte", (44.8, 45.5, -13.2, -12.5), True),
    ("Saint-Pierre-et-Miquelon", (-56.6, -56.0, 46.6, 47.3), False),
    ("Saint-Barthélemy", (-63.0, -62.75, 17.8, 18.0), False),
    ("Saint-Martin", (-63.2, -62.95, 18.0, 18.2), False),
    ("Wallis-et-Futuna", (-178.5, -175.5, -14.7, -12.9), False),
    ("Polynésie française", (-155.0, -134.0, -28.5, -7.0), False),
    ("Nouvelle-Calédonie", (158.0, 172.0, -23.5, -17.5), False),
)
_OTHER_TERRITORY = "Autres territoires"
_SUPERSAMPLE = 2  # polygons are drawn at 2× and reduced: cheap anti-aliasing


def _iter_polygons(geometry: Mapping[str, Any] | None) -> Iterator[Sequence[Any]]:
    if not geometry:
        return
    kind = geometry.get("type")
    if kind == "Polygon":
        yield geometry["coordinates"]
    elif kind == "MultiPolygon":
        yield from geometry["coordinates"]
    elif kind == "GeometryCollection":
        for g in geometry.get("geometries", []):
            yield from _iter_polygons(g)


def _iter_lines(geometry: Mapping[str, Any] | None) -> Iterator[Sequence[Any]]:
    if not geometry:
        return
    kind = geometry.get("type")
    if kind == "LineString":
        yield geometry["coordinates"]
    elif kind == "MultiLineString":
        yield from geometry["coordinates"]
    elif kind in ("Polygon", "MultiPolygon", "GeometryCollection"):
        for polygon in _iter_polygons(geometry):
            yield from polygon
    if kind == "GeometryCollection":
        for g in geometry.get("geometries", []):
            if g.get("type") in ("LineString", "MultiLineString"):
                yield from _iter_lines(g)


def _territory_index(lon: float, lat: float) -> int:
    """Index in :data:`_TERRITORIES` of the box holding the point (``len`` if none)."""
    for i, (_name, (x0, x1, y0, y1), _always) in enumerate(_TERRITORIES):
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            return i
    return len(_TERRITORIES)


def _territory_name(index: int) -> str:
    return _TERRITORIES[index][0] if index < len(_TERRITORIES) else _OTHER_TERRITORY


@dataclass
class _Polygons:
    """Every polygon of a FeatureCollection in one coordinate array.

    Holding all rings in one array lets bounding boxes, territories and the projection be
    computed with a few numpy calls instead of a few per polygon (35,000 communes).
    Rings are stored polygon by polygon, exterior first.
    """

    codes: list[str]  # one per feature that has at least one polygon
    xy: np.ndarray  # (n_points, 2) longitude, latitude
    ring_start: list[int]  # first point of each ring
    ring_end: list[int]  # one past its last point
    poly_feature: np.ndarray  # feature index of each polygon
    poly_first_ring: list[int]  # exterior ring of each polygon, plus a final sentinel
    ring_bbox: np.ndarray  # (n_rings, 4): lon min, lat min, lon max, lat max
    ring_mean: np.ndarray  # (n_rings, 2): mean lon, mean lat

    @property
    def poly_bbox(self) -> np.ndarray:
        return self.ring_bbox[self.poly_first_ring[:-1]]

    @property
    def poly_area(self) -> np.ndarray:
        """Area of each polygon's exterior bounding box (degrees²), to order the drawing."""
        b = self.poly_bbox
        return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])

    def feature_territory(self) -> np.ndarray:
        """Territory index of each feature, from the mean point of its first exterior."""
        first_poly = np.searchsorted(self.poly_feature, np.arange(len(self.codes)))
        means = self.ring_mean[np.asarray(self.poly_first_ring)[first_poly]]
        out = np.full(len(self.codes), len(_TERRITORIES))
        for i, (_name, (x0, x1, y0, y1), _always) in reversed(list(enumerate(_TERRITORIES))):
            inside = (means[:, 0] >= x0) & (means[:, 0] <= x1)
            inside &= (means[:, 1] >= y0) & (means[:, 1] <= y1)
            out[inside] = i  # reversed: the first matching box wins
        return out

    def bbox(self, poly_mask: np.ndarray) -> tuple[float, float, float, float]:
        b = self.poly_bbox[poly_mask]
        return (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())

    def project(self, poly_territory: np.ndarray, frames: Mapping[int, _Frame]) -> np.ndarray:
        """Pixel coordinates of every point, each territory with its own frame."""
        lengths = np.diff(self.poly_first_ring)
        ring_territory = np.repeat(poly_territory, lengths)
        point_territory = np.repeat(
            ring_territory, np.asarray(self.ring_end) - np.asarray(self.ring_start)
        )
        out = np.zeros_like(self.xy)
        for t, frame in frames.items():
            mask = point_territory == t
            out[mask] = frame.project(self.xy[mask])
        return out


def _collect_polygons(features: Mapping[str, Any]) -> _Polygons:
    codes: list[str] = []
    rings: list[Sequence[Any]] = []
    poly_feature: list[int] = []
    poly_first_ring: list[int] = []
    for feature in features.get("features", []):
        before = len(poly_feature)
        for polygon in _iter_polygons(feature.get("geometry")):
            if not polygon or len(polygon[0]) < 3:
                continue  # no exterior ring: nothing to fill
            poly_feature.append(len(codes))
            poly_first_ring.append(len(rings))
            rings.extend(ring for ring in polygon if len(ring) >= 3)
        if len(poly_feature) > before:
            codes.append(str((feature.get("properties") or {}).get("code", "")))
    if not codes:
        raise ValueError("Aucun polygone à dessiner dans les contours fournis.")
    poly_first_ring.append(len(rings))
    lengths = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    try:
        xy = np.array(list(chain.from_iterable(rings)), dtype=float)
    except ValueError:  # positions of mixed dimension (some with an altitude)
        xy = np.array([p[:2] for r in rings for p in r], dtype=float)
    xy = np.ascontiguousarray(xy[:, :2])
    ends = np.cumsum(lengths)
    starts = ends - lengths
    x, y = xy[:, 0], xy[:, 1]
    ring_bbox = np.column_stack(
        [
            np.minimum.reduceat(x, starts),
            np.minimum.reduceat(y, starts),
            np.maximum.reduceat(x, starts),
            np.maximum.reduceat(y, starts),
        ]
    )
    ring_mean = np.column_stack(
        [np.add.reduceat(x, starts) / lengths, np.add.reduceat(y, starts) / lengths]
    )
    return _Polygons(
        codes=codes,
        xy=xy,
        ring_start=starts.tolist(),
        ring_end=ends.tolist(),
        poly_feature=np.asarray(poly_feature),
        poly_first_ring=poly_first_ring,
        ring_bbox=ring_bbox,
        ring_mean=ring_mean,
    )


def _classify(values: np.ndarray, classes: Sequence[MapClass]) -> np.ndarray:
    """Class index of each value (−1 when missing).

    A value goes to the last class whose lower bound it reaches; values below the first
    lower bound go to the first class (classes are meant to cover the range; use ``None``
    for open bounds).
    """
    lowers = np.array([-np.inf if c[0] is None else float(c[0]) for c in classes])
    if np.any(np.diff(lowers) < 0):
        raise ValueError("Les classes de la carte doivent être triées par borne inférieure.")
    idx = np.searchsorted(lowers, values, side="right") - 1
    idx = np.clip(idx, 0, len(classes) - 1)
    return np.where(np.isfinite(values), idx, -1)


def _load_font(size: int, *, bold: bool = False) -> Any:
    from PIL import ImageFont

    name = FONT_BOLD if bold else FONT_REGULAR
    for folder in FONT_DIRS:
        path = folder / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def find_font(bold: bool = False) -> Path | None:
    """The DejaVu Sans file (regular or bold) if installed (``fonts-dejavu-core``)."""
    name = FONT_BOLD if bold else FONT_REGULAR
    return next((d / name for d in FONT_DIRS if (d / name).exists()), None)


def _wrap_px(text: str, font: Any, max_width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if not current or font.getlength(candidate) <= max_width:
                current = candidate
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return lines


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    from PIL import ImageColor

    rgb = ImageColor.getrgb(colour)
    return rgb[0], rgb[1], rgb[2]


@dataclass
class _Frame:
    """Projection of one territory into a pixel box (equirectangular at the mean latitude)."""

    lon0: float
    lat_top: float
    kx: float  # pixels per degree of longitude
    ky: float  # pixels per degree of latitude
    ox: float
    oy: float

    @classmethod
    def fit(
        cls, bbox: tuple[float, float, float, float], box: tuple[float, float, float, float]
    ) -> _Frame:
        """Fit ``bbox`` (lon/lat) centred in ``box`` (x, y, w, h pixels)."""
        x0, y0, x1, y1 = bbox
        # cos(latitude) keeps shapes right at the territory's latitude (France: < 4 % error
        # across its extent for a département, ~15 % for the whole metropole).
        c = math.cos(math.radians((y0 + y1) / 2))
        w_deg = max((x1 - x0) * c, 1e-9)
        h_deg = max(y1 - y0, 1e-9)
        bx, by, bw, bh = box
        k = min(bw / w_deg, bh / h_deg)
        ox = bx + (bw - w_deg * k) / 2
        oy = by + (bh - h_deg * k) / 2
        return cls(lon0=x0, lat_top=y1, kx=k * c, ky=k, ox=ox, oy=oy)

    def project(self, ring: np.ndarray) -> np.ndarray:
        out = np.empty_like(ring)
        out[:, 0] = self.ox + (ring[:, 0] - self.lon0) * self.kx
        out[:, 1] = self.oy + (self.lat_top - ring[:, 1]) * self.ky
        return out


def _aspect(bbox: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = bbox
    c = math.cos(math.radians((y0 + y1) / 2))
    return max(y1 - y0, 1e-9) / max((x1 - x0) * c, 1e-9)


def map_png(
    features: Mapping[str, Any],
    values: pd.Series,
    *,
    classes: Sequence[MapClass],
    title: str,
    source_line: str,
    date: dt.date | str | None = None,
    outlines: Mapping[str, Any] | None = None,
    width_px: int = 1200,
    legend_title: str | None = None,
) -> bytes:
    """A static choropleth PNG, ``width_px`` wide, with title, legend, source and date.

    ``features`` is a GeoJSON FeatureCollection (WGS84 lon/lat) whose properties hold a
    ``code``; ``values`` a Series indexed by the same codes (as strings). Each area is
    filled with the colour of its class (see :data:`MapClass`); areas without a value in
    light grey, with a « Donnée manquante » legend entry. ``outlines`` (e.g. the EPCI or
    département borders) are drawn as dark lines on top. Polygons and MultiPolygons are
    supported, holes included.

    When the areas span metropolitan France and overseas territories, the overseas ones
    are drawn as insets on the left (the DROM always, the COM only when one of their areas
    has a value — others are listed as not shown in the footer). No web tiles, no browser:
    ~0.3 s for a département of 700 communes, ~2–3 s for the 35,000 communes.
    """
    from PIL import Image, ImageDraw

    if not classes:
        raise ValueError("La carte demande au moins une classe de valeurs.")
    # Text keeps its nominal size on narrow maps (readable when printed small) and
    # grows with wide ones.
    scale = max(1.0, width_px / 1200)
    series = pd.to_numeric(values, errors="coerce")
    series.index = series.index.astype(str)
    series = series[~series.index.duplicated(keep="first")]

    # -- features → one coordinate array, a class per feature, a territory per polygon ---
    polys = _collect_polygons(features)
    feature_values = series.reindex(polys.codes).to_numpy(dtype=float, na_value=np.nan)
    feature_class = _classify(feature_values, classes)
    feature_territory = polys.feature_territory()
    present = sorted(set(feature_territory.tolist()))
    always = {i for i, (_name, _box, flag) in enumerate(_TERRITORIES) if flag}
    omitted: list[int] = []
    if len(present) > 1:
        for t in present:
            if t not in always and np.all(feature_class[feature_territory == t] < 0):
                omitted.append(t)
    shown = [t for t in present if t not in omitted]
    n_shown = {t: int((feature_territory == t).sum()) for t in shown}
    main = max(shown, key=lambda t: (t == 0, n_shown[t]))  # 0: France métropolitaine
    insets = [t for t in shown if t != main]
    poly_territory = feature_territory[polys.poly_feature]
    bboxes = {t: polys.bbox(poly_territory == t) for t in shown}

    # -- layout (final pixels) ----------------------------------------------------------
    pad = round(24 * scale)
    title_font = _load_font(round(26 * scale), bold=True)
    text_font = _load_font(round(16 * scale))
    small_font = _load_font(round(13 * scale))
    # Wide maps put the legend on the right; narrow ones (a report's inset) under the map.
    legend_right = width_px >= 900
    if legend_right:
        legend_w = round(340 * scale)
        map_w = width_px - legend_w - 3 * pad
    else:
        legend_w = width_px - 2 * pad
        map_w = width_px - 2 * pad
    inset_cols = math.ceil(len(insets) / 6) if insets else 0
    inset_w = round(map_w * 0.15) if insets else 0
    main_w = map_w - inset_cols * (inset_w + pad // 2)
    map_h = round(main_w * _aspect(bboxes[main]))
    map_h = int(min(max(map_h, 0.45 * map_w), 1.25 * map_w))

    title_lines = _wrap_px(title, title_font, width_px - 2 * pad)
    title_line_h = round(34 * scale)
    title_h = title_line_h * len(title_lines)

    drawn_class = feature_class[~np.isin(feature_territory, omitted)]
    counts = np.bincount(drawn_class[drawn_class >= 0], minlength=len(classes))
    n_missing = int((drawn_class < 0).sum())
    entries = [(c[2], c[3], int(n)) for c, n in zip(classes, counts, strict=True)]
    if n_missing:
        entries.append((MISSING_LABEL, MISSING_COLOUR, n_missing))
    swatch_w, swatch_h = round(28 * scale), round(18 * scale)
    entry_h = round(28 * scale)
    # Two legend columns only when each has room for « Intermédiaire : de 2,5 à moins de 4 ».
    legend_cols = 1 if legend_right or width_px < 800 else 2
    legend_rows = math.ceil(len(entries) / legend_cols)
    legend_title_lines = _wrap_px(legend_title, text_font, legend_w) if legend_title else []
    legend_title_h = len(legend_title_lines) * round(22 * scale)
    if legend_title_lines:
        legend_title_h += round(6 * scale)
    legend_h = legend_title_h + legend_rows * entry_h

    foot = footer_text(source_line, date)
    if omitted:
        foot += " · Non représentés (sans donnée) : " + ", ".join(
            _territory_name(t) for t in omitted
        )
    footer_lines = _wrap_px(foot, small_font, width_px - 2 * pad)
    footer_h = round(18 * scale) * len(footer_lines)

    map_x, map_y = pad, pad + title_h + pad // 2
    if legend_right:
        body_h = max(map_h, legend_h)
        legend_x, legend_y = map_x + map_w + pad, map_y
    else:
        body_h = map_h + pad // 2 + legend_h
        legend_x, legend_y = pad, map_y + map_h + pad // 2
    height = map_y + body_h + pad // 2 + footer_h + pad

    # -- polygons, drawn at 2× then reduced ---------------------------------------------
    s = _SUPERSAMPLE
    layer = Image.new("RGB", (map_w * s, map_h * s), "white")
    draw = ImageDraw.Draw(layer)
    frames: dict[int, _Frame] = {}
    main_x = inset_cols * (inset_w + pad // 2)
    frames[main] = _Frame.fit(bboxes[main], (main_x * s, 0, main_w * s, map_h * s))
    label_h = round(18 * scale)
    inset_boxes: list[tuple[str, tuple[int, int, int, int]]] = []
    if insets:
        per_col = math.ceil(len(insets) / inset_cols)
        box_h = map_h // per_col
        for i, t in enumerate(insets):
            col, row = divmod(i, per_col)
            bx, by = col * (inset_w + pad // 2), row * box_h
            inner = (bx + 4, by + label_h + 4, inset_w - 8, box_h - label_h - 12)
            frames[t] = _Frame.fit(
                bboxes[t], (inner[0] * s, inner[1] * s, inner[2] * s, inner[3] * s)
            )
            inset_boxes.append((_territory_name(t), (bx, by, inset_w, box_h - 6)))

    flat = polys.project(poly_territory, frames).ravel().tolist()
    fills = [_hex_rgb(c[3]) for c in classes]
    missing_rgb = _hex_rgb(MISSING_COLOUR)
    poly_colour = [
        fills[k] if k >= 0 else missing_rgb for k in feature_class[polys.poly_feature].tolist()
    ]
    to_draw = np.flatnonzero(np.isin(poly_territory, shown))
    # Borders between areas help up to a few thousand areas; beyond, they grey the map.
    edge = (255, 255, 255) if len(to_draw) <= 5000 else None
    # Larger polygons first: an enclave (smaller, inside its neighbour's hole) comes after.
    to_draw = to_draw[np.argsort(-polys.poly_area[to_draw], kind="stable")]
    starts, ends, first_ring = polys.ring_start, polys.ring_end, polys.poly_first_ring
    for p in to_draw.tolist():
        r0, r1 = first_ring[p], first_ring[p + 1]
        draw.polygon(flat[2 * starts[r0] : 2 * ends[r0]], fill=poly_colour[p], outline=edge)
        for r in range(r0 + 1, r1):  # holes
            draw.polygon(flat[2 * starts[r] : 2 * ends[r]], fill="white", outline=edge)

    if outlines:
        line_rgb = (60, 60, 60)
        line_w = max(1, round(1.6 * scale * s))
        for feature in outlines.get("features", []):
            for line in _iter_lines(feature.get("geometry")):
                arr = np.asarray(line, dtype=float)
                if arr.ndim != 2 or len(arr) < 2:
                    continue
                arr = arr[:, :2]
                t = _territory_index(float(arr[:, 0].mean()), float(arr[:, 1].mean()))
                frame = frames.get(t)
                if frame is None:
                    continue
                draw.line(frame.project(arr).ravel().tolist(), fill=line_rgb, width=line_w)

    map_img = layer.reduce(s)

    # -- canvas: title, map, insets labels, legend, footer -------------------------------
    canvas = Image.new("RGB", (width_px, height), "white")
    canvas.paste(map_img, (map_x, map_y))
    pen = ImageDraw.Draw(canvas)
    y = pad
    for line in title_lines:
        pen.text((pad, y), line, font=title_font, fill=(25, 25, 25))
        y += title_line_h
    for name, (bx, by, bw, bh) in inset_boxes:
        pen.rectangle(
            (map_x + bx, map_y + by, map_x + bx + bw, map_y + by + bh), outline=(190, 190, 190)
        )
        pen.text((map_x + bx + 6, map_y + by + 3), name, font=small_font, fill=(80, 80, 80))

    ly = legend_y
    for line in legend_title_lines:
        pen.text((legend_x, ly), line, font=text_font, fill=(25, 25, 25))
        ly += round(22 * scale)
    col_w = legend_w // legend_cols
    for i, (label, colour, count) in enumerate(entries):
        col, row = divmod(i, legend_rows)
        ex, ey = legend_x + col * col_w, legend_y + legend_title_h + row * entry_h
        pen.rectangle(
            (ex, ey, ex + swatch_w, ey + swatch_h), fill=_hex_rgb(colour), outline=(120, 120, 120)
        )
        count_x = ex + col_w - (0 if col == legend_cols - 1 else pad)
        count_w = pen.textlength(fmt_int(count), font=small_font)
        room = count_x - count_w - round(8 * scale) - (ex + swatch_w + 10)
        font = text_font if pen.textlength(label, font=text_font) <= room else small_font
        while pen.textlength(label, font=font) > room and len(label) > 4:
            label = label[:-2].rstrip() + "…"
        pen.text((ex + swatch_w + 10, ey - 1), label, font=font, fill=(40, 40, 40))
        pen.text(
            (count_x, ey + 1), fmt_int(count), font=small_font, fill=(110, 110, 110), anchor="ra"
        )

    y = height - pad - footer_h
    for line in footer_lines:
        pen.text((pad, y), line, font=small_font, fill=(85, 85, 85))
        y += round(18 * scale)

    buf = io.BytesIO()
    canvas.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
