"""Home page: national key figures, each with its definition, source and vintage."""

import streamlit as st

from analytics import ui
from analytics.profile import key_figures
from analytics.ui import home
from analytics.ui.widgets import key_figure_cards

ui.page_setup("Déserts médicaux — accueil", search=False)
st.title(ui.APP_TITLE)
st.write(
    "Où manque-t-il des médecins généralistes, pour combien d'habitants, et où un centre de "
    "santé ou un médicobus servirait-il le plus ? Chiffres officiels (DREES, INSEE, RPPS), "
    "méthode publique, chaque indicateur avec sa définition et sa source."
)

ui.territory_search(key="recherche_accueil", label="Trouver ma commune, mon EPCI, mon département")

france = ui.run("indicateurs_territoire", niveau="france", code="FR")
if france.empty:
    st.error("La base ne contient pas la ligne « France » : reconstruisez-la avec `make data`.")
    st.stop()

st.subheader("France : chiffres clés")
key_figure_cards(key_figures(france.iloc[0]))

home.patients_without_gp_national()

st.subheader("Explorer")
c1, c2, c3, c4 = st.columns(4)
c1.page_link(
    "pages/1_Carte.py", label="Carte par commune, EPCI, département", icon=":material/map:"
)
c2.page_link(
    "pages/4_Priorites.py",
    label="Où un centre ou un médicobus servirait le plus",
    icon=":material/format_list_numbered:",
)
c3.page_link("pages/3_Comparer.py", label="Comparer des territoires", icon=":material/compare:")
c4.page_link(
    "pages/5_Sources_et_méthodes.py",
    label="Sources, méthodes et chiffres qui circulent",
    icon=":material/menu_book:",
)

with st.expander("Comment lire l'APL ?"):
    st.markdown(
        "L'**accessibilité potentielle localisée** (APL, DREES) compte les consultations de "
        "médecine générale accessibles par an et par habitant, en tenant compte des médecins "
        "des communes voisines (à moins de 20 minutes) et de la demande qui s'y adresse. "
        "Sous **2,5** consultations par an et par habitant, une commune est dite "
        "**sous-dense** : c'est le seuil retenu pour le zonage des ARS. La moyenne nationale "
        "est pondérée par la population standardisée (âge), comme la DREES le prescrit ; "
        "les habitants sous un seuil sont comptés en population totale."
    )

ui.build_footer()
