"""Map layer files sent precompressed, and cached by browsers for good.

Streamlit serves ``static/`` at ``app/static/`` through Starlette's ``GZipMiddleware``,
which compresses a response again at every request and never keeps the result (only
Streamlit's own ``/static/`` bundle is exempt, ``starlette_gzip_middleware.py``): the
national commune layer is 13,6 MB of JSON, about 0,3–0,5 s of CPU per fetch at level 5,
once per new browser tab, 25 times when 25 people open the map.

:mod:`analytics.ui.deck` writes each layer file once with its gzip twin
(``<hash>.json.gz``); :class:`PrecompressedLayers`, an ASGI middleware placed before
Streamlit's by ``serve.py`` (``st.App(middleware=…)`` runs user middleware first), answers
a ``GET`` of ``…/app/static/cartes/<hash>.json`` from a browser accepting gzip with the
twin's bytes and ``Content-Encoding: gzip`` — no compression at request time. The file's
name is the hash of its content, so it can be cached for a year (``immutable``). Any
other request goes to Streamlit unchanged; so does one whose twin is missing.
"""

from __future__ import annotations

import re

from starlette.responses import FileResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from analytics.ui.deck import DECK_DIR

#: ``/app/static/cartes/<24 hex>.json`` at the end of the path (after any base URL).
_LAYER_PATH = re.compile(r"/app/static/cartes/([0-9a-f]{24}\.json)$")
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _accepts_gzip(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept-encoding":
            return any(
                part.split(b";")[0].strip() == b"gzip" and not part.endswith(b"q=0")
                for part in value.split(b",")
            )
    return False


class PrecompressedLayers:
    """ASGI middleware: layer files from their ``.json.gz`` twin (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            match = _LAYER_PATH.search(scope.get("path", ""))
            if match and _accepts_gzip(scope):
                twin = DECK_DIR / f"{match.group(1)}.gz"
                if twin.is_file():
                    response = FileResponse(
                        twin,
                        media_type="application/json",
                        headers={
                            "Content-Encoding": "gzip",
                            "Vary": "Accept-Encoding",
                            "Cache-Control": CACHE_CONTROL,
                            "Access-Control-Allow-Origin": "*",
                            "X-Content-Type-Options": "nosniff",
                        },
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
