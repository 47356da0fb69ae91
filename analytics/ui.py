"""The only Streamlit-aware module: cached wrappers, error display, shared widgets.

``st.cache_resource`` holds only the read-only connection; ``st.cache_data`` wraps query
results, bounded, and keyed on the database file's identity (path, size, mtime), so a
rebuild — which replaces the file atomically — invalidates every cached result.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from analytics import db
from analytics.errors import DatabaseMissingError, QueryError
from analytics.formatting import fmt_date_fr
from analytics.profile import KeyFigure

APP_TITLE = "Déserts médicaux — l'accès aux médecins généralistes en France"


def _db_key() -> tuple[str, int, int]:
    path = db.db_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (str(path), 0, 0)
    return (str(path), stat.st_size, stat.st_mtime_ns)


@st.cache_resource(max_entries=2)
def _connection(key: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
    return db.connect(Path(key[0]))


def connection() -> duckdb.DuckDBPyConnection:
    """The read-only connection, or a French error and ``st.stop()`` when unusable."""
    try:
        return _connection(_db_key())
    except DatabaseMissingError as exc:
        st.error(str(exc), icon="🛠️")
        st.info(
            "Sur une machine sans Internet, indiquez le dossier miroir des données : "
            "`DESERTS_MIRROR=../shared/data make data`."
        )
        st.stop()
        raise  # unreachable: st.stop() raises


@st.cache_data(max_entries=256, show_spinner=False)
def _query(key: tuple[str, int, int], name: str, params: tuple) -> pd.DataFrame:
    return db.query(_connection(key), name, **dict(params))


def run(name: str, **params: object) -> pd.DataFrame:
    """Run a named query (cached); a failure shows a French error and stops the page."""
    connection()
    try:
        # Cached objects are shared between sessions: hand out a copy, never the original.
        return _query(_db_key(), name, tuple(sorted(params.items()))).copy()
    except QueryError as exc:
        st.error(
            "Une requête a échoué. Reconstruisez la base (`make data`) ; si le problème "
            f"persiste, signalez ce message : {exc}"
        )
        st.stop()
        raise


def page_setup(title: str) -> None:
    st.set_page_config(page_title=title, page_icon="🩺", layout="wide")


def key_figure_cards(figures: list[KeyFigure], columns: int = 3) -> None:
    """Metrics with their definition (help tooltip) and source line under each."""
    cols = st.columns(columns)
    for i, fig in enumerate(figures):
        with cols[i % columns]:
            st.metric(
                fig.indicator.label,
                fig.text,
                help=fig.indicator.definition,
            )
            st.caption(f"{fig.indicator.unit} — {fig.source_line}")


def build_footer() -> None:
    """Build date and source vintages, on every page."""
    info = run("build_info")
    sources = run("sources")
    if info.empty:
        return
    built = pd.Timestamp(info.loc[0, "built_at"])
    vintages = " · ".join(
        f"{r.attribution or r.producteur} ({r.millesime})"
        for r in sources.drop_duplicates("attribution").itertuples()
    )
    st.divider()
    st.caption(
        f"Base construite le {fmt_date_fr(built.date())} (identifiant {info.loc[0, 'build_id']}). "
        f"Sources : {vintages}."
    )


def environment_banner() -> None:
    if os.environ.get("DESERTS_DEMO_BANNER"):
        st.info(os.environ["DESERTS_DEMO_BANNER"])
