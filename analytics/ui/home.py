"""Panels of the home page: the national figures on patients without a médecin traitant."""

from __future__ import annotations

import streamlit as st

from analytics.formatting import fmt_periode_fr
from analytics.ui.cache import run

#: The national figures shown on the home page, most recent of each.
MT_NATIONAL = (
    ("part_patients_sans_medecin_traitant", "Patients de 17 ans et plus sans médecin traitant"),
    ("nb_patients_sans_medecin_traitant", "Patients de 17 ans et plus sans médecin traitant"),
    ("part_patients_ald_sans_medecin_traitant", "Patients en ALD sans médecin traitant"),
)


def patients_without_gp_national() -> None:
    """The latest national CNAM figures, each with its perimeter, date and source."""
    from analytics.reconcile import mt_value, source_label

    df = run("medecin_traitant_national")
    if df.empty:
        return
    st.subheader("Patients sans médecin traitant")
    cols = st.columns(len(MT_NATIONAL))
    for col, (key, label) in zip(cols, MT_NATIONAL, strict=True):
        rows = df[df["indicateur"] == key]
        if rows.empty:
            continue
        r = rows.sort_values("date_reference").iloc[-1]
        col.metric(label, mt_value(float(r["valeur"]), str(r["unite"])), help=str(r["perimetre"]))
        col.caption(
            f"{r['perimetre']}, {fmt_periode_fr(r['date_reference'])} — "
            f"Source : {source_label(r['source_primaire'])}"
        )
    st.caption(
        "Chiffres publiés par l'Assurance maladie et cités par la presse, pas un jeu de données "
        "ouvert : leur définition varie (âge, régime) — voir « Sources et méthodes »."
    )
