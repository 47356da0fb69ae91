"""Panels of the priorities page: the weighting (preset box, one slider per component,
their total), the filters, the ranking with the detail of a score, the map of scores.

Streamlit forgets a widget's value when its page is left (the widget is not drawn on the
other page), but keeps plain ``session_state`` keys. The weights therefore live in one
plain key, :data:`STORE`, written by the widgets' callbacks; the widgets are re-seeded
from it on every visit. A link carrying another weighting (``preset=…`` or ``poids=…``)
replaces it; a link carrying none (the menu) keeps it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.formatting import fmt_number
from analytics.page_state import PrioritiesState
from analytics.ranking import (
    MAX_WEIGHT,
    PERSONNALISE,
    WEIGHT_STEP,
    full_weights,
    preset_of,
    weight_shares,
    weights_param,
)
from analytics.score import COMPONENTS, DEFAULT_PRESET, PRESETS
from analytics.ui.cache import db_key, run
from analytics.ui.simulation import simulation_for
from analytics.ui.widgets import (
    PROFILE_PAGE,
    chart,
    download_buttons,
    french,
    legend,
    map_alt,
)

#: The weights in force, kept across pages (a plain key: Streamlit never drops it).
STORE = "_poids"
#: The weighting of the URL last applied or written: a link carrying another one wins.
URL_SEEN = "_poids_url"
PRESET_KEY = "preset"


def slider_key(component_key: str) -> str:
    return f"poids_{component_key}"


def _apply(weights: dict[str, float]) -> None:
    """Make ``weights`` the current ones: the store and every slider."""
    full = full_weights(weights)
    st.session_state[STORE] = full
    for key, value in full.items():
        st.session_state[slider_key(key)] = int(round(value))


def _on_preset() -> None:
    name = st.session_state[PRESET_KEY]
    if name in PRESETS:
        _apply(PRESETS[name])


def _on_weight() -> None:
    weights = {c.key: float(st.session_state[slider_key(c.key)]) for c in COMPONENTS}
    st.session_state[STORE] = weights
    st.session_state[PRESET_KEY] = preset_of(weights)


def url_weighting(preset: str | None, weights: dict[str, float]) -> tuple[str | None, str | None]:
    """What the URL carries for ``weights``: the preset's name when they are a preset's,
    else ``poids=…`` (so a hand-tuned ranking is reproduced from its link)."""
    name = preset if preset in PRESETS else preset_of(weights)
    if name in PRESETS and preset_of(weights) == name:
        return name, None
    return None, weights_param(weights)


def weight_panel(
    url_preset: str | None, url_weights: dict[str, float] | None
) -> tuple[str | None, dict[str, float]]:
    """Preset box, sliders and their total; returns ``(preset, weights)``, ``preset``
    None when the weights are hand-tuned (the URL must then carry the weights)."""
    ss = st.session_state
    if url_weights is not None:
        wanted = full_weights(url_weights)
    elif url_preset is not None:
        wanted = full_weights(PRESETS[url_preset])
    else:
        wanted = None
    url_key = url_weighting(url_preset, wanted) if wanted is not None else None
    if STORE not in ss or (url_key is not None and url_key != ss.get(URL_SEEN)):
        _apply(wanted or PRESETS[DEFAULT_PRESET])
        ss.pop(PRESET_KEY, None)
    # Widgets left behind on another page lost their values: seed them again.
    for c in COMPONENTS:
        if slider_key(c.key) not in ss:
            ss[slider_key(c.key)] = int(round(ss[STORE][c.key]))
    if PRESET_KEY not in ss:
        ss[PRESET_KEY] = preset_of(ss[STORE])

    st.selectbox(
        "Pondération",
        [*PRESETS, PERSONNALISE],
        key=PRESET_KEY,
        on_change=_on_preset,
        help="« Personnalisé » dès qu'un poids ne correspond plus à une pondération nommée.",
    )
    custom = ss[PRESET_KEY] == PERSONNALISE
    with st.expander("Ajuster les poids des composantes", expanded=custom):
        cols = st.columns(3)
        for i, comp in enumerate(COMPONENTS):
            cols[i % 3].slider(
                comp.label,
                0,
                MAX_WEIGHT,
                step=WEIGHT_STEP,
                key=slider_key(comp.key),
                help=comp.definition,
                on_change=_on_weight,
            )
    weights = dict(ss[STORE])
    if not any(weights.values()):
        st.error("Donnez un poids positif à au moins une composante.")
        st.stop()
    _weights_summary(weights)
    ss[URL_SEEN] = url_weighting(ss[PRESET_KEY], weights)
    return ss[URL_SEEN][0], weights


def _weights_summary(weights: dict[str, float]) -> None:
    """The weights in force and their share of the total, a warning when ≠ 100."""
    total = sum(weights.values())
    shares = weight_shares(weights)
    parts = "; ".join(
        f"{c.label} {fmt_number(shares[c.key], 0 if shares[c.key] % 1 == 0 else 1)} %"
        for c in COMPONENTS
        if weights[c.key] > 0
    )
    if round(total) != 100:
        st.warning(
            f"Les poids totalisent {fmt_number(total)} et non 100 : seules leurs proportions "
            f"comptent, chaque composante pèse sa part du total. Parts appliquées : {parts}.",
            icon=":material/balance:",
        )
    else:
        st.caption(f"Poids appliqués (total 100) : {parts}.")


def priority_filters(niveau: str, initial: PrioritiesState | None = None) -> dict[str, object]:
    """Région, département, population band and recommendation filters (initial values
    from the URL state); returns the filters of :func:`analytics.views.filter_ranking`
    plus ``population`` (the band's key) for the permalink."""
    from analytics.modality import RECOMMANDATIONS
    from analytics.permalink import POPULATION_BANDS

    initial = initial or PrioritiesState()
    regions = run("indicateurs_niveau", niveau="region")[["code", "nom"]]
    deps = run("indicateurs_niveau", niveau="departement")[["code", "nom", "region"]]
    c1, c2, c3, c4 = st.columns(4)
    reg_names = dict(zip(regions["code"], regions["nom"], strict=True))
    reg_options = ["", *regions["code"]]
    region = c1.selectbox(
        "Région",
        reg_options,
        index=reg_options.index(initial.region) if initial.region in reg_options else 0,
        format_func=lambda c: reg_names.get(c, "Toutes"),
    )
    dep_rows = deps[deps["region"] == region] if region else deps
    dep_names = dict(zip(dep_rows["code"], dep_rows["nom"], strict=True))
    departement = None
    if niveau != "departement":
        dep_options = ["", *dep_rows["code"]]
        departement = c2.selectbox(
            "Département",
            dep_options,
            index=(
                dep_options.index(initial.departement) if initial.departement in dep_options else 0
            ),
            format_func=lambda c: f"{dep_names[c]} ({c})" if c else "Tous",
        )
    band_options = ["", *POPULATION_BANDS]
    band = c3.selectbox(
        "Population",
        band_options,
        index=band_options.index(initial.population) if initial.population in band_options else 0,
        format_func=lambda b: POPULATION_BANDS[b][2] if b else "Toutes",
    )
    rec_options = ["", *RECOMMANDATIONS]
    rec = c4.selectbox(
        "Recommandation",
        rec_options,
        index=(
            rec_options.index(initial.recommandation)
            if initial.recommandation in rec_options
            else 0
        ),
        format_func=lambda r: r or "Toutes",
    )
    low, high = (POPULATION_BANDS[band][0], POPULATION_BANDS[band][1]) if band else (0, None)
    return {
        "region": region or None,
        "departement": departement or None,
        "population_min": low,
        "population_max": high,
        "recommandation": rec or None,
        "population": band or None,
    }


PRIORITY_COLUMNS = {
    "rang": "Rang",
    "nom": "Territoire",
    "departement": "Dép.",
    "population": "Population",
    "score": "Score (0–100)",
    "apl_2023": "APL 2023",
    "etp_manquants": "Médecins à temps plein manquants",
    "recommandation": "Recommandation",
    "composantes_manquantes": "Données manquantes",
}


def priority_table(ranked: pd.DataFrame, niveau: str, top: int = 200) -> None:
    if ranked.empty:
        st.info("Aucun territoire ne correspond à ces filtres : élargissez-les.")
        return
    scored = int(ranked["score"].notna().sum())
    unscored = len(ranked) - scored
    st.write(
        f"{fmt_number(len(ranked))} territoires"
        + (
            f", dont {fmt_number(unscored)} sans score (données insuffisantes, en fin de liste)"
            if unscored
            else ""
        )
        + f" ; les {min(top, len(ranked))} premiers sont affichés. Cliquez une ligne pour "
        "voir le détail de son score."
    )
    shown = ranked.head(top)
    table = shown[list(PRIORITY_COLUMNS)].rename(columns=PRIORITY_COLUMNS)
    event = st.dataframe(
        french(table, {"APL 2023": 2, "Médecins à temps plein manquants": 1}),
        column_config={
            "Territoire": st.column_config.TextColumn(width="medium", pinned=True),
            "Recommandation": st.column_config.TextColumn(width="large"),
            "Score (0–100)": st.column_config.ProgressColumn(
                format="%.0f", min_value=0, max_value=100
            ),
        },
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="classement",
    )
    rows = event.selection.rows if event and event.selection else []
    # A selection made before the filters changed may point past the shorter table.
    rows = [r for r in rows if 0 <= r < len(shown)]
    row = shown.iloc[rows[0]] if rows else (shown.iloc[0] if not shown.empty else None)
    if row is None:
        st.info("Aucun territoire ne correspond aux filtres.")
        return
    st.subheader(f"Pourquoi {row['nom']} est classé ici")
    score_detail(row, niveau)
    st.page_link(
        PROFILE_PAGE,
        label=f"Profil complet de {row['nom']}",
        query_params={"niveau": niveau, "code": str(row["code"])},
        icon=":material/location_on:",
    )
    simulation_for(row, niveau)


def _planner_link(row: pd.Series, niveau: str) -> None:
    """« Planifier pour ce territoire »: the territory itself, or a commune's EPCI."""
    from analytics.ui.planner import planner_link

    if niveau == "commune" and isinstance(row.get("epci"), str) and row.get("epci"):
        planner_link("epci", str(row["epci"]), "Planifier pour l'intercommunalité")
    else:
        planner_link(niveau, str(row["code"]))


def score_detail(row: pd.Series, niveau: str) -> None:
    """Explanation, recommendation and decomposition chart of one ranked territory."""
    from analytics import charts
    from analytics.score import explain, score_components

    st.write(explain(row))
    if pd.notna(row.get("recommandation")):
        st.markdown(f"**Recommandation : {row['recommandation']}.** {row['raison']}")
    _planner_link(row, niveau)
    parts = score_components(row)
    if not parts.empty:
        fig = charts.score_decomposition(
            parts,
            title=f"Décomposition du score de besoin, {row['nom']}",
            source_line="Source : DREES, INSEE, RPPS ; score Déserts médicaux",
        )
        chart(fig, f"score_{row['code']}", parts)


def ranking_downloads(
    ranked: pd.DataFrame, niveau: str, weights: dict[str, float], preset: str | None
) -> None:
    """The ranking's CSV/XLSX: every territory with each component's points, the weights
    (as set and as shares) and the build date (:func:`analytics.exports.ranking_export`)."""
    from analytics import exports

    info = run("build_info")
    built_at = str(info.loc[0, "built_at"]) if not info.empty else ""
    export = exports.ranking_export(ranked, weights, built_at=built_at, preset=preset)
    st.caption(
        "Classement téléchargeable avec les points de chaque composante, les poids et la "
        "date de construction de la base, pour le reproduire."
    )
    download_buttons(
        export.table,
        f"priorites_{niveau}",
        "Classement",
        parameters=export.parameters,
        sources_of=ranked,
    )


#: Largest number of communes the priorities map draws (a département or a région).
PRIORITY_MAP_MAX_COMMUNES = 6000


def priority_map(ranked: pd.DataFrame, niveau: str) -> None:
    """The need score of the ranked (filtered) territories on a map, under the current weights.

    Communes are mapped once a région or a département narrows them (a national commune
    map would be rebuilt at each slider move); territories filtered out are not drawn.
    """
    from analytics.ui.score_map import score_deck
    from analytics.views import LEVEL_WORDS

    if ranked.empty:
        return
    if niveau == "commune" and len(ranked) > PRIORITY_MAP_MAX_COMMUNES:
        st.caption("Carte des scores : choisissez une région ou un département pour les communes.")
        return
    served, classes = score_deck(ranked, niveau, db_key())
    title = f"Score de besoin par {LEVEL_WORDS[niveau]}"
    left, right = st.columns([3, 1])
    with left:
        st.pydeck_chart(
            served.browser, height=520, key="carte_priorites", alt=map_alt(title, classes)
        )
    with right:
        legend(classes, title, "points sur 100, pondération choisie")
        st.caption("Classes par quantiles du score des territoires affichés.")
