"""Serve the app with its map layer files precompressed: ``streamlit run serve.py``.

Same app as ``streamlit run app.py`` (this file only wraps ``app.py`` in ``st.App``),
plus one ASGI middleware (:class:`analytics.ui.layer_files.PrecompressedLayers`) that
answers ``app/static/cartes/<hash>.json`` with the gzip file written next to it once,
instead of letting Streamlit's HTTP middleware compress 13,5 MB again at every request.
"""

import streamlit as st
from starlette.middleware import Middleware

from analytics.ui.layer_files import PrecompressedLayers

app = st.App("app.py", middleware=[Middleware(PrecompressedLayers)])
