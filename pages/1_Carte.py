"""Choropleth map at the chosen level, indicator and APL year."""

import streamlit as st

from analytics import ui
from analytics.db import NIVEAUX
from analytics.indicators import APL_YEARS, INDICATORS_BY_KEY
from analytics.permalink import PageState, parse_state, to_params
from analytics.views import MAP_INDICATORS, MAP_LEVELS

ui.page_setup("Carte")
st.title("Carte de l'accès aux médecins généralistes")
state = parse_state(st.query_params.to_dict(), PageState(niveau="departement"))
if state.niveau not in MAP_LEVELS:
    state.errors.append(f"Niveau « {state.niveau} » indisponible sur la carte : départements.")
    state.niveau = "departement"
if state.indicateur not in MAP_INDICATORS:
    state.errors.append("Cet indicateur n'est pas cartographiable : APL affichée.")
    state.indicateur = "apl_2023"
ui.show_param_errors(state.errors)

c1, c2, c3 = st.columns([1, 2, 1])
niveau = c1.selectbox(
    "Niveau", MAP_LEVELS, index=MAP_LEVELS.index(state.niveau), format_func=NIVEAUX.get
)
indicateur = c2.selectbox(
    "Indicateur",
    MAP_INDICATORS,
    index=MAP_INDICATORS.index(state.indicateur),
    format_func=lambda k: INDICATORS_BY_KEY[k].label,
)
annee = c3.select_slider("Millésime APL", APL_YEARS, value=state.annee)
departement = ui.departement_filter(niveau, state.departement)
ui.sync_query_params(
    to_params(
        PageState(niveau=niveau, departement=departement, indicateur=indicateur, annee=annee),
        ("niveau", "departement", "indicateur", "annee"),
    )
)
ui.choropleth(niveau, indicateur, annee, departement)
ui.build_footer()
