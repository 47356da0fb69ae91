"""What if a health centre opened in a commune: the APL change around it."""

import streamlit as st

from analytics import ui
from analytics.formatting import fmt_number
from analytics.page_state import SimulationState
from analytics.simulation import ETP_OPTIONS, hypotheses_fr, medecins_etp
from analytics.ui import simulation as panels
from analytics.ui.widgets import SIMULATION_PAGE

ui.page_setup("Simuler un centre de santé")
st.title("Et si un centre de santé ouvrait ici ?")
st.caption(
    "L'APL de chaque commune à moins de 20 minutes, avant et après l'installation de "
    "médecins généralistes, calculée avec la méthode de la DREES (E2SFCA)."
)
state = SimulationState.from_query(st.query_params.to_dict())
ui.show_param_errors(state.errors)

ui.territory_search(
    key="recherche_simulation",
    label="Commune où ouvrir le centre",
    page=SIMULATION_PAGE,
    niveaux=("commune",),
)
if not state.code:
    st.info("Cherchez une commune ci-dessus, ou ouvrez la simulation depuis son profil.")
    ui.build_footer()
    st.stop()


@st.fragment
def simulation(code: str, initial_etp: float) -> None:
    """The slider and what it changes: moving it reruns this part only (``st.fragment``)."""
    etp = st.select_slider(
        "Médecins généralistes à temps plein dans le centre",
        options=ETP_OPTIONS,
        value=min(ETP_OPTIONS, key=lambda v: abs(v - initial_etp)),
        format_func=lambda v: fmt_number(v, 1),
    )
    ui.sync_query_params(SimulationState(code=code, etp=etp).to_query())
    view = ui.view("simulation", code=code, etp=float(etp))
    if view is None:
        st.error(
            f"La commune « {code} » n'a pas d'APL officielle 2023 (Mayotte, collectivités "
            "d'outre-mer) ou n'existe pas : simulation impossible."
        )
        return
    st.header(f"Un centre de {medecins_etp(etp)} à {view.simulation.nom}")
    panels.simulation_result(view)
    with st.expander("Méthode et hypothèses", expanded=False):
        st.markdown(
            "L'APL est une accessibilité à deux étapes (E2SFCA) : l'offre d'un lieu est "
            "partagée entre les habitants qui l'atteignent en moins de 20 minutes, avec les poids "
            "de la DREES (1 jusqu'à 10 minutes, 2/3 jusqu'à 15, 1/3 jusqu'à 20). Ajouter des "
            "consultations dans une commune augmente l'APL des seules communes à moins de 20 "
            "minutes, de *poids × consultations ajoutées ÷ population standardisée pondérée à "
            "portée*. Ce gain est ajouté à l'APL 2023 publiée.\n\n" + hypotheses_fr(view.simulation)
        )


simulation(state.code, state.etp)
ui.build_footer()
