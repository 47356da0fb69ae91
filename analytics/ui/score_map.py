"""The priorities' score map, built once per ranking and sent without its fixed layers.

Every session opening « Priorités » with a preset (most visits) ranks the same way and
used to build the same map again: the per-territory tooltip texts, the classes, the
bounding box and the deck's 4 MB of JSON for the EPCI (about 0,6 s holding the
interpreter lock, per run of each session). The deck is now a shared
``st.cache_resource`` entry keyed by the content of the ranking (codes, names, scores,
populations, ranks) and the build, so a second session with the same weights, or a rerun
of the page without a weight change, reuses it, serialised once
(:func:`analytics.ui.deck.for_browser`).

The département (or région) outlines drawn over the scores are the same for every weight:
as on the « Carte » page, that layer is a static file the browser fetches once and keeps
(0,76 MB for the départements). The score layer stays inline: its colours and tooltips
change with every weight, and a file per weight change would fill the disk.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from analytics.ui import cache
from analytics.ui.deck import ServedDeck, for_browser

#: Rankings whose map is kept (a few presets × levels × filters, a few weight changes).
MAX_MAPS = 16

_COLUMNS = ["code", "nom", "score", "population", "rang"]


def ranking_digest(ranked: pd.DataFrame) -> str:
    """A hash of what the map shows of ``ranked`` (row order and values)."""
    hashed = pd.util.hash_pandas_object(ranked[_COLUMNS], index=False)
    return hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()


@st.cache_resource(max_entries=MAX_MAPS, ttl=cache.CACHE_TTL_S, show_spinner=False)
def _score_deck(
    key: cache.DbKey, niveau: str, digest: str, _ranked: pd.DataFrame
) -> tuple[ServedDeck, object]:
    from analytics.views import GEOMETRY_LAYER, priority_map_deck

    couche = "commune" if niveau == "commune" else GEOMETRY_LAYER[niveau]
    deck, classes = priority_map_deck(
        _ranked,
        cache.run("geometrie", couche=couche),
        cache.run("geometrie", couche="departement" if niveau != "departement" else "region"),
    )
    served = for_browser(deck, inline=("choroplethe",))
    return served, classes


def score_deck(ranked: pd.DataFrame, niveau: str, key: cache.DbKey) -> tuple[ServedDeck, object]:
    """(deck as served, classes) of the need score of ``ranked`` territories at ``niveau``
    (build ``key``); shared by every session showing the same ranking."""
    served, classes = _score_deck(key, niveau, ranking_digest(ranked), ranked)
    served.ensure_files()
    return served, classes
