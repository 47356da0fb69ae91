"""Choropleth map at the chosen level, indicator and APL year."""

import streamlit as st

from analytics import ui
from analytics.db import NIVEAUX
from analytics.indicators import APL_YEARS, INDICATORS_BY_KEY
from analytics.permalink import PageState, to_params
from analytics.views import MAP_INDICATORS, MAP_LEVELS, map_page_state

ui.page_setup("Carte")
st.title("Carte de l'accès aux médecins généralistes")
state = map_page_state(st.query_params.to_dict())
ui.show_param_errors(state.errors)

c1, c2, c3 = st.columns([1, 2, 1])
niveau = c1.selectbox(
    "Niveau", MAP_LEVELS, index=MAP_LEVELS.index(state.niveau), format_func=NIVEAUX.get
)
indicateur = c2.selectbox(
    "Indicateur",
    MAP_INDICATORS,
    index=MAP_INDICATORS.index(state.indicateur),
    format_func=lambda k: (
        "APL aux médecins généralistes (millésime ci-contre)"
        if k == "apl_2023"
        else INDICATORS_BY_KEY[k].label
    ),
)
apl = indicateur == "apl_2023"
annee = c3.select_slider("Millésime APL", APL_YEARS, value=state.annee) if apl else state.annee
departement = ui.departement_filter(niveau, state.departement)
chosen = ui.choropleth(niveau, indicateur, annee, departement, state)
keys = ("niveau", "departement", "indicateur", *(("annee",) if apl else ()))
ui.sync_query_params(
    to_params(
        PageState(
            niveau=niveau,
            departement=departement,
            indicateur=indicateur,
            annee=annee,
            methode=chosen["methode"] if not apl else "quantile",
            points=chosen["points"],
            fond=chosen["fond"],
        ),
        (*keys, "methode", "points", "fond"),
    )
)
ui.build_footer()
