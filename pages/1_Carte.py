"""Choropleth map at the chosen level, indicator and APL year."""

from dataclasses import replace

import streamlit as st

from analytics import ui
from analytics.db import NIVEAUX
from analytics.indicators import APL_YEARS, INDICATORS_BY_KEY
from analytics.page_state import MapState
from analytics.ui import map as carte
from analytics.ui.widgets import departement_filter
from analytics.views import (
    MAP_LEVELS,
    PROFESSION_LABELS,
    map_indicators_for,
    profession_of,
)

ui.page_setup("Carte")
st.title("Carte de l'accès aux soins de proximité")
state = MapState.from_query(st.query_params.to_dict())
ui.show_param_errors(state.errors)

c1, c2, c3, c4 = st.columns([1, 2, 1, 1])
professions = list(PROFESSION_LABELS)
profession = c4.selectbox(
    "Profession",
    professions,
    index=professions.index(profession_of(state.indicateur)),
    format_func=PROFESSION_LABELS.get,
)
niveau = c1.selectbox(
    "Niveau", MAP_LEVELS, index=MAP_LEVELS.index(state.niveau), format_func=NIVEAUX.get
)
choices = map_indicators_for(profession)
indicateur = c2.selectbox(
    "Indicateur",
    choices,
    index=choices.index(state.indicateur) if state.indicateur in choices else 0,
    format_func=lambda k: (
        "APL aux médecins généralistes (millésime ci-contre)"
        if k == "apl_2023"
        else INDICATORS_BY_KEY[k].label
    ),
)
apl = indicateur == "apl_2023"
annee = c3.select_slider("Millésime APL", APL_YEARS, value=state.annee) if apl else state.annee
departement = departement_filter(niveau, state.departement)
chosen = replace(state, niveau=niveau, indicateur=indicateur, annee=annee, departement=departement)
ui.sync_query_params(carte.choropleth(chosen).to_query())
ui.build_footer()
