"""Compare 2 to 6 territories of any level side by side."""

import streamlit as st

from analytics import charts, ui
from analytics.page_state import CompareState
from analytics.ui import groups as groupes
from analytics.ui import userdata as mes_donnees
from analytics.ui.compare import compare_table, similar_links, territory_multiselect

ui.page_setup("Comparer des territoires")
st.title("Comparer des territoires")
state = CompareState.from_query(st.query_params.to_dict())
ui.show_param_errors(state.errors)

selected = territory_multiselect(state.territoires)
groupe = st.query_params.get("groupe")  # a user's group of territories (analytics.groups)
ui.sync_query_params(
    CompareState(territoires=selected).to_query() | ({"groupe": groupe} if groupe else {})
)
if groupe:
    groupes.compare_section(groupe, selected)
if len(selected) < 2:
    st.info("Choisissez au moins deux territoires (jusqu'à six), de n'importe quel niveau.")
    ui.build_footer()
    st.stop()

view = ui.view("compare", territoires=selected)
st.subheader("Indicateurs côte à côte")
compare_table(view.table)
ui.download_buttons(view.raw, "comparaison", "Comparaison de territoires")
mes_donnees.compare_section(selected)

# One colour per territory in every chart of the page (lines and bars).
colours = charts.territory_colours(view.raw["territoire"].astype(str).tolist())
fig = charts.apl_history(
    view.history,
    title="APL aux médecins généralistes, 2015–2023",
    source_line=ui.APL_SOURCE_LINE,
    colours=colours,
)
ui.chart(fig, "comparaison_apl", view.history)
for key in ("apl_2023", "part_pop_apl_sous_2_5_2023", "generalistes_pour_10000", "part_75_plus"):
    data = view.raw[view.raw["cle"] == key]
    fig = charts.compare_bars(
        data,
        title=data["indicateur"].iloc[0],
        source_line=ui.source_line_for(key),
        colours=colours,
    )
    ui.chart(fig, f"comparaison_{key}", data)

if not view.similar.empty:
    st.subheader("Territoires comparables")
    st.caption(
        "Les plus proches du premier territoire sur l'APL 2023, son évolution depuis 2015, la "
        "part de population sous-dense, la densité, la part des 75 ans et plus et la densité "
        "de généralistes (écarts standardisés)."
    )
    similar_links(view.similar, selected)
ui.build_footer()
