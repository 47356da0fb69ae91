"""Sources, definitions, the APL method as DREES states it, and the figures people quote."""

import streamlit as st

from analytics import ui
from analytics.ui import methods
from analytics.ui.professions import profession_methods

ui.page_setup("Sources et méthodes")
st.title("Sources et méthodes")
view = ui.view("methods")

st.header("Les chiffres qui circulent, et ce qu'ils mesurent")
st.caption(
    "Chaque chiffre cité avec sa définition et sa source, et ce que donnent les données "
    "ouvertes pour la même définition ou la plus proche."
)
methods.reconciliation_cards(view.reconciliation)
ui.download_buttons(view.reconciliation, "chiffres_cles", "Chiffres qui circulent")

st.header("Définitions des indicateurs")
st.dataframe(view.indicators, hide_index=True, width="stretch")
ui.download_buttons(view.indicators, "definitions_indicateurs", "Définitions")

st.header("La méthode APL, telle que la DREES l'énonce")
st.markdown(
    "Paramètres lus dans la feuille **Paramètres** du classeur officiel de la DREES : "
    "décroissance de l'accessibilité avec le temps de trajet, prise en compte de "
    "l'activité des médecins, poids des tranches d'âge de la population standardisée."
)
methods.apl_parameters(view.parametres)
methods.accessibility_validation()
profession_methods(view)

st.header("Sources")
methods.sources_table(view.sources)
if not view.unmapped.empty:
    st.subheader("Lignes non rattachées au code officiel géographique 2026")
    st.caption(
        "Codes de communes des sources que la table de passage (anciens codes, communes "
        "déléguées, arrondissements) ne rattache à aucune commune de 2026 : conservés, "
        "comptés ici, exclus des agrégats."
    )
    st.dataframe(ui.french(view.unmapped), hide_index=True, width="stretch")
ui.build_footer()
