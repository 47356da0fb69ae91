"""« Mes données »: the user's own values per commune, on the map, kept in this session only."""

import streamlit as st

from analytics import ui
from analytics.ui import groups as groupes
from analytics.ui import userdata as mes_donnees

ui.page_setup("Mes données")
st.title("Mes données : vos propres chiffres par commune")
st.write(
    "Adhérents d'une mutuelle, patients sans médecin traitant d'une CPTS, consultations "
    "d'un médicobus… Déposez un fichier de valeurs par commune : elles s'affichent sur la "
    "carte, dans les profils et les comparaisons, et peuvent compter dans le score de besoin "
    "des priorités."
)
st.caption(mes_donnees.NOTICE)

with st.container(border=True):
    mes_donnees.upload_panel()

data = mes_donnees.loaded_panel()
if data is not None:
    st.header(f"Carte : {data.label}")
    mes_donnees.map_panel(data)

st.header("Mon groupe de territoires")
st.write(
    "Plusieurs EPCI ou communes réunis sous un nom (les communautés de communes qui "
    "financent un médicobus, une CPTS…) : le groupe a son profil, se compare et se classe "
    "comme un territoire ; il est gardé dans l'adresse de la page, que vous pouvez partager."
)
groupes.builder()
ui.build_footer()
