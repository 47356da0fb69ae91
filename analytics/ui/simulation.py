"""Panels of the simulation page and the links that lead to it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.formatting import fmt_number, fmt_signed
from analytics.simulation import etp_param, medecins_etp
from analytics.ui.widgets import SIMULATION_PAGE, download_buttons, french, legend, map_alt


def simulation_link(code: str, nom: str, etp: float | None = None) -> None:
    """Link to the simulation page for a commune (with the recommended FTE when known)."""
    params = {"niveau": "commune", "code": code}
    if (value := etp_param(etp)) is not None:
        params["etp"] = value
    st.page_link(
        SIMULATION_PAGE,
        label=f"Simuler l'ouverture d'un centre de santé à {nom}",
        query_params=params,
        icon=":material/add_location_alt:",
    )


def simulation_for(row: pd.Series, niveau: str) -> None:
    """The simulation link of a ranked territory: at its pole (the commune whose 15-minute
    zone holds most of the deficit) with the pole's missing FTE, else at the commune."""
    pole = row.get("commune_pole")
    if isinstance(pole, str) and pole:
        simulation_link(pole, str(row.get("nom_pole") or pole), row.get("etp_pole"))
    elif niveau == "commune":
        simulation_link(str(row["code"]), str(row["nom"]), row.get("etp_manquants"))


def simulation_result(view) -> None:
    """Key figures, before/after maps, the communes in reach and the assumptions."""
    from analytics.formatting import fmt_apl
    from analytics.indicators import get_indicator
    from analytics.views import simulation_maps, simulation_table

    sim = view.simulation
    c = st.columns(4)
    c[0].metric(
        "Habitants sortis de la sous-densité",
        fmt_number(sim.habitants_sortis),
        help="Habitants des communes dont l'APL passe de moins de 2,5 à 2,5 ou plus.",
    )
    c[1].metric(
        "APL moyenne de la zone",
        fmt_apl(sim.apl_zone_apres),
        delta=(
            f"{fmt_signed(sim.apl_zone_apres - sim.apl_zone_avant, 2)} "
            f"(avant {fmt_apl(sim.apl_zone_avant)})"
        ),
        help="Moyenne des communes à moins de 20 minutes, pondérée par la population "
        "standardisée, comme la DREES.",
    )
    c[2].metric(
        "Habitants à moins de 20 minutes",
        fmt_number(sim.habitants_zone),
        help="Population des communes atteintes (celle de l'APL 2023 : recensement 2021), "
        "en temps routier estimé.",
    )
    c[3].metric(
        "Consultations ajoutées par an",
        fmt_number(sim.consultations),
        help=f"{medecins_etp(sim.etp)} × {fmt_number(sim.consultations_par_etp)} consultations : "
        "l'activité que la DREES impute à un généraliste libéral nouvellement installé "
        "(classeur APL, feuille « Paramètres »).",
    )
    if sim.habitants_incertains > 0:
        st.caption(
            f"Temps de trajet moins sûrs pour {fmt_number(sim.habitants_incertains)} "
            "habitants de la zone (communes de montagne, îles ou enclaves : temps d'accès aux "
            "urgences observé loin de notre estimation) ; leur tranche de 10, 15 ou 20 "
            "minutes peut différer de celle du distancier de la DREES."
        )
    ind = get_indicator("apl_2023")
    decks = simulation_maps(view)
    left, right = st.columns(2)
    for col, (title, deck, classes) in zip((left, right), decks, strict=True):
        with col:
            st.markdown(f"**{title}**")
            st.pydeck_chart(
                deck, height=380, key=f"simulation_{title[:5]}", alt=map_alt(title, classes)
            )
    legend(decks[1][2], ind.label, ind.unit)
    st.subheader("Communes atteintes, de la plus proche à la plus lointaine")
    table = simulation_table(sim)
    st.dataframe(
        french(
            table,
            {
                "Minutes de route (estimées)": 0,
                "APL 2023": 2,
                "APL après": 2,
                "Gain d'APL": "signed",
            },
        ),
        hide_index=True,
        width="stretch",
    )
    download_buttons(
        table,
        f"simulation_{sim.code}",
        f"Simulation : centre à {sim.nom}",
        formats={"Gain": 3, "Minutes de route (estimées)": 0},  # as on screen
        sources_of=pd.DataFrame(columns=["apl_2023", "population"]),
    )
