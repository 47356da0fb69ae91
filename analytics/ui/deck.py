"""Maps whose large layers the browser fetches once by URL, instead of in every rerun.

The national commune map is a 13.5 MB deck spec. Sent inline, Streamlit serialises it,
hashes it and (with websocket compression) deflates it on its single event loop at every
run of the page, and a fresh tab receives it inside the page's messages, so the page is
not idle before it all arrived. Here each layer whose data weighs more than
:data:`INLINE_MAX_BYTES` is written once to ``static/cartes/<content hash>.json`` —
served by Streamlit's static file serving (``server.enableStaticServing``, at
``app/static/``), cached by the browser like any file — and the deck sent over the
websocket names it by URL (deck.gl loads a layer's ``data`` given as a URL itself:
``pydeck.Layer(data=url)``). The file's name is the hash of its content, so a rebuild or
another indicator gives another file, and a browser never draws a stale one.

At most :data:`MAX_FILES` files are kept (the oldest are removed); a file missing when its
map is shown again is written again. Without static serving (another configuration), decks
are sent inline as before.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import os
import threading
from collections.abc import Collection
from pathlib import Path

import pydeck as pdk

from analytics.maps import compact_json

#: Folder served at ``app/static/`` (``static/`` next to ``app.py``), and our part of it.
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
DECK_DIR = STATIC_DIR / "cartes"
URL_PREFIX = "app/static/cartes/"  # relative: resolves under the app's base URL
#: Layers smaller than this stay inline (the URL's round trip would cost more).
INLINE_MAX_BYTES = 200_000
#: Files kept in :data:`DECK_DIR` (a national commune map is about 13 MB).
MAX_FILES = 48
#: Compression of the gzip twins, made once per file (13,6 MB → 2,26 MB in 1,5 s).
GZIP_LEVEL = 9

_lock = threading.Lock()


def static_serving() -> bool:
    """Whether Streamlit serves ``static/`` (``server.enableStaticServing``)."""
    import streamlit as st

    try:
        return bool(st.get_option("server.enableStaticServing"))
    except Exception:  # noqa: BLE001 - an unknown option: not served
        return False


def _write(name: str, text: str) -> None:
    """``name`` and its gzip twin ``name.gz`` (served as is by
    :mod:`analytics.ui.layer_files`), each replaced atomically; the oldest pruned."""
    path = DECK_DIR / name
    twin = DECK_DIR / f"{name}.gz"
    with _lock:
        if path.exists() and twin.exists():
            return
        DECK_DIR.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        # The twin first: a browser asking for ``name`` never gets an older twin.
        for target, content in ((twin, gzip.compress(data, GZIP_LEVEL, mtime=0)), (path, data)):
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(content)
            os.replace(tmp, target)  # a browser never reads half a file
        files = sorted(DECK_DIR.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in files[:-MAX_FILES]:
            old.with_name(f"{old.name}.gz").unlink(missing_ok=True)
            old.unlink(missing_ok=True)


class ServedDeck:
    """A deck for the browser (large layers by URL) and what to write for it.

    Layers whose id is in ``inline`` stay in the deck whatever their size: a layer that
    changes with every widget move (the priorities' scores) would write a new file each
    time, while the context layers around it (outlines) are the same for every move.
    """

    def __init__(self, deck: pdk.Deck, inline: Collection[str] = ()) -> None:
        self.full = deck
        self.files: dict[str, pdk.Layer] = {}
        browser = copy.copy(deck)
        layers = []
        for layer in deck.layers:
            data = layer.data
            if isinstance(data, list) and data and getattr(layer, "id", None) not in inline:
                text = compact_json(data)
                if len(text.encode("utf-8")) > INLINE_MAX_BYTES:
                    name = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24] + ".json"
                    _write(name, text)
                    self.files[name] = layer
                    layer = copy.copy(layer)
                    layer._data = URL_PREFIX + name  # pydeck's data setter keeps a str as is
            layers.append(layer)
        browser.layers = layers
        _memoise_json(browser)
        self.browser = browser

    def ensure_files(self) -> None:
        """Write again a file removed since (pruned, or ``make clean``)."""
        for name, layer in self.files.items():
            if not (DECK_DIR / name).exists() or not (DECK_DIR / f"{name}.gz").exists():
                _write(name, compact_json(layer.data))


def _memoise_json(deck: pdk.Deck) -> None:
    """Serialise ``deck`` once: ``st.pydeck_chart`` calls ``to_json()`` at every run of
    every session showing it, and a cached deck never changes (4 MB, 0,06 s for the
    priorities' EPCI map)."""
    text = deck.to_json()
    deck.to_json = lambda: text  # instance attribute: shadows the class's method


def for_browser(deck: pdk.Deck | None, inline: Collection[str] = ()) -> ServedDeck | None:
    """The deck to send (large layers by URL when static files are served, except the
    layers named in ``inline``), serialised once."""
    if deck is None:
        return None
    if not static_serving():
        served = ServedDeck.__new__(ServedDeck)
        served.full, served.browser, served.files = deck, copy.copy(deck), {}
        _memoise_json(served.browser)
        return served
    return ServedDeck(deck, inline)
