"""Where a fixed centre or a médicobus is most needed: a transparent, re-weightable ranking."""

import streamlit as st

from analytics import ui
from analytics.db import NIVEAUX
from analytics.page_state import PrioritiesState
from analytics.ui import userdata as mes_donnees
from analytics.ui.priorities import (
    priority_filters,
    priority_map,
    priority_table,
    ranking_downloads,
    weight_panel,
)
from analytics.views import PRIORITY_LEVELS, filter_ranking, rank

ui.page_setup("Priorités")
st.title("Où un centre de santé ou un médicobus servirait-il le plus ?")
st.caption(
    "Classement par un score de besoin transparent : chaque composante est normalisée par "
    "son rang centile parmi les territoires du même niveau, pondérée (poids modifiables) et "
    "additionnée. Le détail de chaque score et la recommandation sont affichés."
)
state = PrioritiesState.from_query(st.query_params.to_dict())
ui.show_param_errors(state.errors)

niveau = st.radio(
    "Territoires à classer",
    PRIORITY_LEVELS,
    index=PRIORITY_LEVELS.index(state.niveau),
    format_func=NIVEAUX.get,
    horizontal=True,
)
preset, weights = weight_panel(state.preset, state.poids)
filters = priority_filters(niveau, state)
band = filters.pop("population")
ui.sync_query_params(
    PrioritiesState(
        niveau=niveau,
        preset=preset,
        poids=None if preset else weights,  # hand weights: the URL carries them
        region=filters["region"],
        departement=filters["departement"],
        population=band,
        recommandation=filters["recommandation"],
    ).to_query()
)

data = ui.view("priorities", niveau=niveau)
ranked = filter_ranking(
    mes_donnees.score_component(rank(data, weights), niveau, weights), **filters
)
priority_table(ranked, niveau)

ranking_downloads(ranked, niveau, weights, preset)
with st.expander("Carte des scores", expanded=True):
    priority_map(ranked, niveau)
ui.build_footer()
