"""Panels of the compare page: the territory picker, the table (six territories readable
side by side without scrolling) and links to comparable territories."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.ui.cache import run, search_index


def compare_table(table: pd.DataFrame) -> None:
    """Indicators in rows, one narrow column per territory (2 to 6), the indicator's
    name pinned on the left so that it stays in view when the table scrolls."""
    fixed = {"Indicateur", "Unité"}
    config: dict[str, object] = {
        "Indicateur": st.column_config.TextColumn(width="medium", pinned=True),
        "Unité": st.column_config.TextColumn(width="small"),
    }
    for column in table.columns:
        if column not in fixed:
            # The full name stays in the header's tooltip when the column is narrow.
            config[column] = st.column_config.TextColumn(width="small", help=str(column))
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)


def _selection_labels(selected: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    from analytics.db import NIVEAUX

    labels = {}
    for niveau, code in selected:
        row = run("territoire", niveau=niveau, code=code)
        nom = row.loc[0, "nom"] if not row.empty else f"code inconnu {code}"
        labels[(niveau, code)] = f"{nom} ({NIVEAUX[niveau]})"
    return labels


@st.fragment
def _compare_search(selected: list[tuple[str, str]], limit: int) -> None:
    """The search box of the comparison: typing reruns this fragment only; adding a
    territory reruns the page (``selected`` is the session's list)."""
    text = st.text_input(
        "Ajouter un territoire",
        key="recherche_comparaison",
        placeholder="Commune, code postal, EPCI, département, région…",
        max_chars=100,
    )
    if not text:
        return
    results = search_index().search(text, limit=8)
    if results.empty:
        st.warning(f"Aucun territoire ne correspond à « {text} ».")
    from analytics.search import match_note

    for r in results.itertuples():
        key = (r.niveau, r.code)
        disabled = key in selected or len(selected) >= limit
        note = match_note(r.correspondance, text)
        if st.button(
            f"{r.libelle} — {note}" if note else r.libelle,
            key=f"ajout_{r.niveau}_{r.code}",
            disabled=disabled,
            icon=":material/add:",
        ):
            selected.append(key)
            st.rerun(scope="app")


def territory_multiselect(initial: list[tuple[str, str]], limit: int = 6) -> list[tuple[str, str]]:
    """Pick 2 to ``limit`` territories: search, add, remove. Starts from the URL."""
    # A link opened in the same session (a new URL) replaces the selection.
    if "comparaison" not in st.session_state or tuple(initial) != st.session_state.get(
        "comparaison_url", tuple(initial)
    ):
        st.session_state["comparaison"] = list(initial)
    selected: list[tuple[str, str]] = st.session_state["comparaison"]
    st.session_state["comparaison_url"] = tuple(selected)
    _compare_search(selected, limit)
    labels = _selection_labels(selected)
    if selected:
        st.write("Territoires comparés :")
        cols = st.columns(min(len(selected), 3))
        for i, key in enumerate(list(selected)):
            if cols[i % len(cols)].button(
                f"✕ {labels[key]}", key=f"retrait_{key[0]}_{key[1]}", help="Retirer"
            ):
                selected.remove(key)
                st.rerun()
    return list(selected)


def similar_links(similar: pd.DataFrame, selected: list[tuple[str, str]]) -> None:
    from analytics.permalink import MAX_COMPARE

    if len(selected) >= MAX_COMPARE:
        st.caption(
            f"{MAX_COMPARE} territoires au plus : retirez-en un pour ajouter un territoire "
            "comparable."
        )
        return
    for r in similar.itertuples():
        keys = ",".join(f"{n}:{c}" for n, c in [*selected, (r.niveau, r.code)][:6])
        st.page_link(
            "pages/3_Comparer.py",
            label=f"Ajouter {r.nom} à la comparaison",
            query_params={"territoires": keys},
        )
