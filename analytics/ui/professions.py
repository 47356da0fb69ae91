"""Dentists, nurses, midwives beside GPs: the profile sections of each profession."""

from __future__ import annotations

import streamlit as st

from analytics.indicators import NO_THRESHOLD
from analytics.professions import PROFESSIONS_BY_KEY


def profession_sections(view) -> None:
    """One section per profession present in the database, with its unit and a note that
    no official under-served threshold exists for it."""
    from analytics.ui import indicator_table

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
