"""Plan the response: where to open K health centres, and a médicobus circuit."""

import streamlit as st

from analytics import ui
from analytics.planning.state import PlannerState
from analytics.ui import planner

ui.page_setup("Planifier")
st.title("Planifier : centres de santé et médicobus")
st.caption(
    "Choisissez une zone et une réponse : le plan est optimisé sur l'APL de la DREES, "
    "chaque site ou arrêt est expliqué, et comparé au choix naïf par le classement."
)
state = PlannerState.from_query(st.query_params.to_dict())
ui.show_param_errors(state.errors)
state = planner.zone_picker(state)
if state.niveau != "france" and not state.zone:
    ui.sync_query_params(state.to_query())
    st.info("Choisissez au moins un territoire ci-dessus.")
    ui.build_footer()
    st.stop()
state = planner.parameters(state, planner.zone_communes(state))
ui.sync_query_params(state.to_query())
result = planner.plan(state)
st.header(result.titre)
for message in result.erreurs:
    st.warning(message)
map_data = None
if result.centres is not None:
    st.subheader("Centres de santé fixes")
    map_data = planner.centres_result(result)
if result.circuit is not None:
    st.subheader("Médicobus")
    planner.circuit_result(result)
planner.downloads(result, state, map_data)
planner.method_note(result.inputs.consultations_par_etp)
ui.build_footer()
