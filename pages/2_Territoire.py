"""Territory profile: every indicator next to département, région and France."""

import streamlit as st

from analytics import charts, ui
from analytics.db import NIVEAUX
from analytics.page_state import ProfileState
from analytics.ui import groups as groupes
from analytics.ui import profile as panels
from analytics.ui import userdata as mes_donnees
from analytics.ui.header import membership_links
from analytics.ui.professions import profession_sections

ui.page_setup("Profil d'un territoire", search=False)
st.title("Profil d'un territoire")
state = ProfileState.from_query(st.query_params.to_dict())
ui.show_param_errors(state.errors)
ui.territory_search(key="recherche_profil", label="Changer de territoire")
if "groupe" in st.query_params:  # a user's group of territories (analytics.groups)
    groupes.profile(st.query_params.get_all("groupe"))
    ui.build_footer()
    st.stop()

code = "FR" if state.niveau == "france" else state.code
if code is None:
    st.info(
        f"Aucun code de territoire donné pour le niveau « {NIVEAUX[state.niveau]} » : "
        "cherchez-le par son nom ci-dessus."
    )
    ui.build_footer()
    st.stop()
view = ui.view("profile", niveau=state.niveau, code=code)
if view is None:
    st.error(
        f"Aucun territoire de niveau « {NIVEAUX[state.niveau]} » ne porte le code "
        f"« {code} ». Cherchez-le par son nom ci-dessus."
    )
    ui.build_footer()
    st.stop()
ui.sync_query_params(ProfileState(niveau=view.niveau, code=view.code).to_query())

st.header(f"{view.nom} ({NIVEAUX[view.niveau]}, {view.code})")
membership_links(view.niveau, view.code)
panels.profile_header(view)
panels.report_button(view.niveau, view.code, view.nom)
st.subheader("Indicateurs, comparés au département, à la région et à la France")
panels.indicator_table(view.comparison)
panels.access_30(view)
profession_sections(view)
if view.niveau == "departement":
    panels.patients_without_gp_departement(view.code)
ui.download_buttons(view.raw, f"profil_{view.code}", "Indicateurs du territoire")

left, right = st.columns(2)
with left:
    fig = charts.apl_history(
        view.history,
        title=f"APL aux médecins généralistes, {view.nom}",
        source_line=ui.APL_SOURCE_LINE,
    )
    ui.chart(fig, f"apl_historique_{view.code}", view.history)
with right:
    if not view.classes.empty:
        fig = charts.population_by_apl_class(
            view.classes,
            # The APL's own population (census 2021), not the legal population 2023 above.
            title=f"Population par classe d'APL 2023 (recensement 2021), {view.nom}",
            source_line=ui.source_line_for("pop_apl_sous_2_5_2023"),
        )
        ui.chart(fig, f"classes_apl_{view.code}", view.classes)

panels.need_section(view.niveau, view.code)
mes_donnees.territory_section(view.niveau, view.code)
panels.territory_map(view.niveau, view.code)

if not view.communes.empty:
    st.subheader("Communes du territoire classées par APL 2023 (les moins bien dotées d'abord)")
    panels.communes_table(view.communes)
if not view.neighbours.empty:
    st.subheader("Territoires voisins")
    panels.neighbours_table(view.neighbours, view.niveau, view.code, view.nom)
ui.build_footer()
