"""Dentists, nurses, midwives beside GPs: the profile sections of each profession."""

from __future__ import annotations

import streamlit as st

from analytics.indicators import NO_THRESHOLD
from analytics.professions import PROFESSIONS_BY_KEY


def profession_sections(view) -> None:
    """One section per profession present in the database, with its unit and a note that
    no official under-served threshold exists for it."""
    from analytics.ui.profile import indicator_table

    if not view.professions:
        return
    st.subheader("Autres professions de santé (APL DREES)")
    for key, table in view.professions.items():
        p = PROFESSIONS_BY_KEY[key]
        with st.expander(f"{p.label.capitalize()} — unité : {p.unit}", expanded=False):
            st.caption(
                f"APL en {p.unit_long}, pondérée par la {p.weight_label} de la profession. "
                f"{NO_THRESHOLD} Le repère affiché est le cinquième de la population française "
                "le moins bien doté."
            )
            indicator_table(table)


def profession_methods(view) -> None:
    """Methods page: the unit, weight and marker of each profession, and its parameters."""
    from analytics.ui.methods import apl_parameters

    if view.professions.empty:
        return
    st.header("Les autres professions : dentistes, infirmières, sages-femmes")
    st.markdown(
        "Leur APL ne se lit pas comme celle des généralistes : elle compte des "
        "**équivalents temps plein (ETP) pour 100 000 habitants standardisés** (sages-femmes : "
        "pour 100 000 femmes standardisées), avec les seuils d'activité et les poids d'âge "
        "propres à chaque profession. Paramètres lus dans la feuille **Paramètres** de chaque "
        "classeur DREES."
    )
    st.dataframe(view.professions, hide_index=True, width="stretch")
    params = view.parametres_professions
    for key in params["profession"].drop_duplicates():
        p = PROFESSIONS_BY_KEY.get(key)
        if p is None:
            continue
        with st.expander(f"Paramètres de l'APL aux {p.label}"):
            apl_parameters(
                params[params["profession"] == key],
                activity="Activité comptabilisée (honoraires sans dépassement)",
            )
