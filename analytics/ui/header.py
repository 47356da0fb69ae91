"""A territory's place on its profile: the EPCI, département and région it belongs to."""

from __future__ import annotations

import streamlit as st

from analytics.db import NIVEAUX

#: What a membership is called before its name.
MEMBERSHIP_LABELS = {"epci": "Intercommunalité", "departement": "Département", "region": "Région"}


def membership_links(niveau: str, code: str) -> None:
    """« Intercommunalité : CC du Haut-Languedoc · Département : Tarn · Région :
    Occitanie », each a link to that territory's profile."""
    from analytics.ui.cache import run
    from analytics.ui.widgets import PROFILE_PAGE

    if niveau == "france":
        return
    parents = run("appartenance", niveau=niveau, code=code)
    if parents.empty:
        return
    cols = st.columns(len(parents))
    for col, row in zip(cols, parents.itertuples(), strict=True):
        col.page_link(
            PROFILE_PAGE,
            label=f"{MEMBERSHIP_LABELS.get(row.niveau, NIVEAUX[row.niveau])} : {row.nom}",
            query_params={"niveau": row.niveau, "code": row.code},
            icon=":material/account_tree:",
            help=f"Profil de {row.nom} ({NIVEAUX[row.niveau]}, {row.code})",
        )
