"""Panels of « Sources et méthodes »: APL parameters, our engine against the official APL,
figures people quote, the sources table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.formatting import fmt_number
from analytics.ui.cache import run
from analytics.ui.widgets import french


def apl_parameters(
    params: pd.DataFrame, activity: str = "Activité comptabilisée (consultations par an)"
) -> None:
    labels = {
        "decroissance": "Décroissance avec le temps de trajet (poids)",
        "activite": activity,
        "poids_age": "Poids des tranches d'âge (2022 ; 2023)",
        "champ": "Champ",
    }
    for rubrique, title in labels.items():
        part = params[params["rubrique"] == rubrique]
        if part.empty:
            continue
        st.markdown(f"**{title}**")
        if rubrique == "champ":
            st.write(part["libelle"].iloc[0])
            continue
        shown = part[["libelle", "valeur"] + (["valeur_2023"] if rubrique == "poids_age" else [])]
        st.dataframe(
            french(
                shown.rename(
                    columns={"libelle": "Tranche", "valeur": "Valeur", "valeur_2023": "Valeur 2023"}
                )
            ),
            hide_index=True,
        )


def accessibility_validation() -> None:
    """Our E2SFCA engine against the official APL 2023 (computed at build time)."""
    from analytics.accessibility import travel_error_table

    metrics = run("validation_accessibilite")
    if metrics.empty:
        return
    st.subheader("Notre moteur d'accessibilité face à l'APL officielle 2023")
    m = metrics.set_index("mesure")

    def text(key: str, value: float, dec: int) -> str:
        if key == "accord_sous_2_5":
            return fmt_number(value * 100, 1) + " %"
        return fmt_number(value, dec)

    cols = st.columns(4)
    for col, key, label, dec in (
        (cols[0], "spearman", "Corrélation de Spearman", 3),
        (cols[1], "mae", "Écart absolu moyen", 2),
        (cols[2], "accord_sous_2_5", "Accord sur la classe < 2,5", 3),
        (cols[3], "communes", "Communes comparées", 0),
    ):
        if key not in m.index:
            continue
        value = float(m.loc[key, "valeur"])
        before = m.loc[key].get("valeur_avant") if "valeur_avant" in m.columns else None
        shown = before is not None and pd.notna(before) and key != "communes"
        col.metric(
            label,
            text(key, value, dec),
            delta=f"avant : {text(key, float(before), dec)}" if shown else None,
            delta_color="off",
            delta_arrow="off" if shown else "auto",
            help=(
                "Avant : loi de temps girondine seule entre centroïdes et effectifs RPPS 2026 ; "
                "après : modèle de temps stocké et offre retenue sur l'autre moitié des "
                "communes. Mesuré sur la moitié des communes jamais utilisée pour régler."
                if shown
                else None
            ),
        )
    if "explication" in metrics.columns:
        st.write(str(metrics["explication"].dropna().iloc[0]))
    errors = travel_error_table(metrics)
    if not errors.empty:
        st.markdown("**Temps de trajet estimés : erreur sur des communes tenues à l'écart**")
        if "modele_temps" in metrics.columns:
            st.caption(str(metrics["modele_temps"].dropna().iloc[0]))
        st.dataframe(french(errors), hide_index=True)


def reconciliation_cards(table: pd.DataFrame) -> None:
    """Each quoted figure beside what our data give: two cards a row, readable in full."""
    for start in range(0, len(table), 2):
        for col, (_, row) in zip(
            st.columns(2), table.iloc[start : start + 2].iterrows(), strict=False
        ):
            with col.container(border=True):
                st.markdown(f"**« {row['Chiffre cité']} »**")
                st.caption(f"[{row['Source']}, {row['Date']}]({row['Lien']}) — {row['Définition']}")
                st.markdown(f"**Nos données :** {row['Ce que donnent nos données']}")
                st.caption(row["Pourquoi ça diffère"])


def sources_table(sources: pd.DataFrame) -> None:
    shown = sources.rename(
        columns={
            "titre": "Jeu de données",
            "producteur": "Producteur",
            "millesime": "Millésime",
            "licence": "Licence",
            "url": "Adresse officielle",
            "page": "Page du jeu de données",
            "fichier": "Fichier",
            "sha256": "SHA-256",
            "partiel": "Couverture partielle",
            "derive": "Réduction du fichier officiel",
            "lignes_non_rattachees": "Lignes non rattachées",
        }
    )
    st.dataframe(
        shown[
            [
                "Jeu de données",
                "Producteur",
                "Millésime",
                "Licence",
                "Adresse officielle",
                "Page du jeu de données",
                "Fichier",
                "Couverture partielle",
                "Réduction du fichier officiel",
                "Lignes non rattachées",
                "SHA-256",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "Adresse officielle": st.column_config.LinkColumn(),
            "Page du jeu de données": st.column_config.LinkColumn(),
        },
    )
