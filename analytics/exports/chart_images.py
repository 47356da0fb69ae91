"""Chart images (PNG, SVG) rendered server-side by plotly with kaleido 1.x.

Kaleido drives a headless Chrome/Chromium through the DevTools protocol. Its one-shot
calls (``plotly.io.to_image``, ``kaleido.calc_fig_sync``) start a browser for every image,
about 2–3 s each; :class:`ChartRenderer` keeps one browser open in a background thread so
that later images take a few hundred milliseconds. The browser is Debian's
``/usr/bin/chromium``, found through ``BROWSER_PATH``; kaleido's own browser download is
never used. Numbers written inside images follow French typography (``1 234,5``).
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import html
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from analytics.exports.common import ExportError, footer_text, wrap_chars
from analytics.formatting import THOUSANDS_SEP

#: Debian's Chromium package; kaleido finds it through ``BROWSER_PATH``.
DEBIAN_CHROMIUM = "/usr/bin/chromium"
#: ``name`` of the source annotation that :mod:`analytics.charts` puts on its figures.
SOURCE_ANNOTATION = "source"


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
    ``source_line=None`` no footer is added (HTML embeds put the source in a caption); the
    chart's own source annotation is removed either way.
    """
    out = go.Figure(fig)  # a deep copy for Figure and dict alike
    # The footer (or the embed's caption) replaces the chart's own source annotation:
    # one source line, not two.
    out.layout.annotations = [a for a in out.layout.annotations if a.name != SOURCE_ANNOTATION]
    layout = out.layout
    left = _margin(layout.margin, "l", 70)
    right = _margin(layout.margin, "r", 30)
    title_lines = wrap_chars(title, max(20, int((width - 24) / (_TITLE_FONT_PX * 0.55))))
    title_block = _TITLE_BLOCK_PX + _TITLE_LINE_PX * (len(title_lines) - 1)
    top = max(_margin(layout.margin, "t", title_block), title_block)
    bottom = _margin(layout.margin, "b", 60)
    if source_line is not None:
        # Plotly does not wrap annotations: wrap on an estimate of 0.55 em per character.
        max_chars = max(20, int((width - 24) / (_FOOTER_FONT_PX * 0.55)))
        lines = wrap_chars(footer_text(source_line, date), max_chars)
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
