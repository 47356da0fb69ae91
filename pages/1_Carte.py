"""Choropleth map at the chosen level, indicator and APL year."""

import streamlit as st

from analytics import ui
from analytics.db import NIVEAUX
from analytics.indicators import APL_YEARS, INDICATORS_BY_KEY
from analytics.permalink import PageState, to_params
from analytics.ui import map as carte
from analytics.ui.widgets import departement_filter
from analytics.views import (
    MAP_LEVELS,
    PROFESSION_LABELS,
    map_indicators_for,
    map_page_state,
    profession_of,
)

ui.page_setup("Carte")
st.title("Carte de l'accès aux soins de proximité")
state = map_page_state(st.query_params.to_dict())
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
chosen = carte.choropleth(niveau, indicateur, annee, departement, state)
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
