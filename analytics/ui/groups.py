"""« Mon groupe de territoires » on screen: building one, its profile, its comparison.

The group lives in the URL (``?groupe=Nom:epci-…,epci-…``), so it can be shared; it is
public information (a list of territories), unlike « Mes données ».
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import groups
from analytics.db import NIVEAUX
from analytics.formatting import fmt_number

PROFILE_PAGE = "pages/2_Territoire.py"
COMPARE_PAGE = "pages/3_Comparer.py"


@st.cache_data(max_entries=32, show_spinner=False)
def _load(key: tuple[str, int, int], param: str) -> groups.GroupView:
    from analytics.ui.cache import connection as _connection

    return groups.load_group(_connection(key), groups.parse_group(param))


def load(param: object) -> groups.GroupView | None:
    """The group of a URL parameter, or a French error (nothing else is shown of it)."""
    from analytics.ui.cache import db_key as _db_key
    from analytics.ui.cache import require_connection as connection

    connection()
    try:
        group = groups.parse_group(param)
        return _load(_db_key(), group.to_param())
    except groups.GroupError as exc:
        st.error(str(exc), icon=":material/error:")
        return None


def builder() -> None:
    """Name a group, pick its EPCI or communes, and open its profile or comparison."""
    from analytics.ui.cache import run

    epci = run("indicateurs_niveau", niveau="epci")[["code", "nom", "departement"]]
    labels = {
        f"epci-{c}": f"{n} ({d})"
        for c, n, d in zip(epci["code"], epci["nom"], epci["departement"], strict=True)
    }
    nom = st.text_input("Nom du groupe", max_chars=groups.MAX_NAME, key="groupe_nom")
    membres = st.multiselect(
        "EPCI du groupe",
        list(labels),
        format_func=labels.get,
        max_selections=groups.MAX_MEMBERS,
        key="groupe_membres",
        placeholder="Choisissez au moins deux EPCI",
    )
    communes = st.text_input(
        "Communes à ajouter (codes INSEE séparés par des virgules, facultatif)",
        key="groupe_communes",
        max_chars=400,
    )
    items = membres + [f"commune-{c.strip().upper()}" for c in communes.split(",") if c.strip()]
    if not nom or not items:
        st.caption("Le groupe s'affiche comme un territoire : profil, comparaison, rang, export.")
        return
    try:
        group = groups.parse_group(f"{nom}:{','.join(items)}")
    except groups.GroupError as exc:
        st.error(str(exc).replace("Paramètre « groupe »", "Groupe"), icon=":material/error:")
        return
    param = group.to_param()
    c1, c2 = st.columns(2)
    c1.page_link(
        PROFILE_PAGE,
        label=f"Profil du groupe « {group.nom} »",
        query_params={"groupe": param},
        icon=":material/location_on:",
    )
    c2.page_link(
        COMPARE_PAGE,
        label="Comparer le groupe",
        query_params={"groupe": param},
        icon=":material/compare:",
    )


def _table(rows: list[tuple[str, pd.Series]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Formatted and numeric tables: one line per indicator, one column per territory."""
    from analytics.indicators import get_indicator
    from analytics.profile import format_value
    from analytics.views import PROFILE_INDICATORS

    shown, raw = [], []
    for key in PROFILE_INDICATORS:
        ind = get_indicator(key)
        line = {"Indicateur": ind.label, "Unité": ind.unit}
        for label, row in rows:
            value = row.get(key)
            line[label] = format_value(ind, value)
            raw.append(
                {
                    "territoire": label,
                    "indicateur": ind.label,
                    "cle": key,
                    "valeur": None if value is None or pd.isna(value) else float(value),
                }
            )
        shown.append(line)
    return pd.DataFrame(shown), pd.DataFrame(raw)


def _member_rows(view: groups.GroupView) -> list[tuple[str, pd.Series]]:
    from analytics.ui.cache import run

    out = []
    for r in view.members.itertuples():
        df = run("indicateurs_territoire", niveau=r.niveau, code=r.membre)
        if not df.empty:
            out.append((f"{r.nom_membre} ({NIVEAUX[r.niveau]})", df.iloc[0]))
    return out


def profile(param: object) -> None:
    """The group's profile: members, every indicator beside its members and France, the
    APL history, its rank among territories of its members' level, downloads."""
    from analytics import charts
    from analytics.score import DEFAULT_WEIGHTS
    from analytics.ui.cache import run, view
    from analytics.ui.widgets import APL_SOURCE_LINE, chart, download_buttons

    g = load(param)
    if g is None:
        return
    row = g.row
    st.header(f"{g.group.nom} (groupe de {len(g.group.membres)} territoires)")
    st.caption(
        f"{fmt_number(row['nb_communes'])} communes, {fmt_number(row['population'])} habitants. "
        "Chiffres agrégés comme ceux de la base : APL moyenne pondérée par la population "
        "standardisée, habitants sous 2,5 comptés en population totale, densités recalculées "
        "à partir des sommes ; une commune présente dans deux membres compte une fois."
    )
    for r in g.members.itertuples():
        st.page_link(
            PROFILE_PAGE,
            label=f"{r.nom_membre} ({NIVEAUX[r.niveau]}, {fmt_number(r.communes)} communes)",
            query_params={"niveau": r.niveau, "code": r.membre},
            icon=":material/location_on:",
        )
    france = run("indicateurs_territoire", niveau="france", code="FR")
    rows = [(g.group.nom, row), *_member_rows(g)]
    if not france.empty:
        rows.append(("France", france.iloc[0]))
    table, raw = _table(rows)
    st.subheader("Indicateurs du groupe, de ses membres et de la France")
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(raw, "groupe", f"Groupe {g.group.nom}")

    niveau = groups.group_level(g.group)
    data = view("priorities", niveau=niveau)
    placed = groups.rank_against(data.territories, row, dict(DEFAULT_WEIGHTS))
    if placed["rang"] is not None:
        st.info(
            f"Score de besoin {fmt_number(placed['score'], 0)}/100 avec les poids par défaut : "
            f"rang {fmt_number(placed['rang'])} sur {fmt_number(placed['nb_territoires'])} si "
            f"le groupe était un {NIVEAUX[niveau]} de plus (la distance au généraliste et les "
            "patients en ALD, calculés par la base territoire par territoire, manquent pour "
            "le groupe : leur poids est réparti sur les autres composantes).",
            icon=":material/format_list_numbered:",
        )
    history = g.history.assign(territoire=g.group.nom)[["annee", "territoire", "apl"]]
    fig = charts.apl_history(
        history, title=f"APL aux médecins généralistes, {g.group.nom}", source_line=APL_SOURCE_LINE
    )
    chart(fig, "apl_historique_groupe", history)


def compare_section(param: object, territoires: list[tuple[str, str]]) -> None:
    """On the compare page: the group beside the compared territories."""
    from analytics.ui.cache import run
    from analytics.ui.widgets import download_buttons

    g = load(param)
    if g is None:
        return
    rows = [(g.group.nom + " (groupe)", g.row)]
    for niveau, code in territoires:
        df = run("indicateurs_territoire", niveau=niveau, code=code)
        if not df.empty:
            rows.append((f"{df.iloc[0]['nom']} ({NIVEAUX[niveau]})", df.iloc[0]))
    table, raw = _table(rows)
    st.subheader(f"Votre groupe « {g.group.nom} » et les territoires comparés")
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(raw, "comparaison_groupe", "Comparaison avec le groupe")
