"""Panels of the map page: options, choropleth, legend, profile links, downloads."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from analytics.formatting import fmt_number
from analytics.page_state import MapState
from analytics.ui import cache
from analytics.ui.widgets import (
    PROFILE_PAGE,
    legend,
    map_alt,
    map_downloads,
    source_line_for,
)


def _selected_code(event, layer: str = "choroplethe") -> dict | None:
    objects = (event.selection.objects if event and event.selection else {}) or {}
    picked = objects.get(layer) or []
    return picked[0].get("properties") if picked else None


def _profile_picker(md, niveau: str, departement: str | None) -> None:
    """A list of the territories on the map leading to their profile (works everywhere,
    keyboard included; the whole national commune list is left to the search box)."""
    if niveau == "commune" and not departement:
        st.caption("Choisissez un département pour lister ses communes, ou cherchez-en une.")
        return
    names = md.data.sort_values("nom")
    labels = dict(zip(names["code"].astype(str), names["nom"], strict=True))
    code = st.selectbox(
        "Ouvrir le profil de…",
        ["", *labels],
        format_func=lambda c: labels.get(c, "—"),
        key=f"profil_{niveau}_{departement or ''}",
    )
    if code:
        st.page_link(
            PROFILE_PAGE,
            label=f"Profil : {labels[code]}",
            query_params={"niveau": niveau, "code": code},
            icon=":material/location_on:",
        )


def choropleth(state: MapState) -> MapState:
    """The map page's map: options, map, legend, profile links, downloads, payload.

    ``state`` holds the level, indicator, year and département chosen on the page and the
    initial classification, point layer and basemap; the state returned has the options
    chosen here (for the URL).
    """
    from analytics.classes import METHODS
    from analytics.indicators import get_indicator
    from analytics.permalink import MAP_METHODS, MAP_POINTS
    from analytics.views import indicator_for_year

    options = state
    niveau, indicateur, annee, departement = (
        state.niveau,
        state.indicateur,
        state.annee,
        state.departement,
    )
    ind = indicator_for_year(indicateur, annee)
    c1, c2, c3 = st.columns([2, 2, 1])
    method = "quantile"
    if ind.kind != "apl":
        method = c1.radio(
            "Classes",
            MAP_METHODS,
            index=MAP_METHODS.index(options.methode),
            format_func=METHODS.get,
            horizontal=True,
        )
    else:
        c1.caption("Classes APL fixes : sous-dense < 2,5 ≤ intermédiaire < 4 ≤ mieux doté.")
    layer = c2.radio(
        "Couche de points",
        list(MAP_POINTS),
        index=MAP_POINTS.index(options.points),
        format_func={
            "": "Aucune",
            "generalistes": "Généralistes par commune",
            "msp": "Maisons de santé",
        }.get,
        horizontal=True,
    )
    basemap = c3.toggle(
        "Fond de carte", value=options.fond, help="Tuiles Carto : nécessite un accès à Internet."
    )
    params = {
        "kind": "carte",
        "niveau": niveau,
        "indicateur": ind.key,
        "annee": annee,
        "departement": departement,
        "method": method,
        "points": layer,
        "basemap": basemap,
    }
    md, classes, served, size = cache.map_deck(**params)
    served.ensure_files()
    st.subheader(md.title)
    left, right = st.columns([3, 1])
    with left:
        event = st.pydeck_chart(
            served.browser,
            height=600,
            alt=map_alt(md.title, classes),
            on_select="rerun",
            selection_mode="single-object",
            key="carte",
        )
    with right:
        legend(classes, ind.label, ind.unit)
        if layer:
            st.caption(
                "Disques noirs : "
                + (
                    "nombre de généralistes (RPPS 2026)"
                    if layer == "generalistes"
                    else "communes avec une maison de santé pluriprofessionnelle (DREES)"
                )
                + ", surface proportionnelle."
            )
        picked = _selected_code(event)
        if picked:  # a click on the map, where the browser reports it
            st.page_link(
                PROFILE_PAGE,
                label=f"Profil : {picked.get('nom')}",
                query_params={"niveau": niveau, "code": str(picked.get("code"))},
                icon=":material/location_on:",
            )
        _profile_picker(md, niveau, departement)
    outre_mer = (
        ""
        if departement
        else "Outre-mer hors du cadre : faites glisser la carte, choisissez un département, "
        "ou téléchargez l'image, qui les montre en encarts. "
    )
    st.caption(
        f"{get_indicator(ind.key).definition} {source_line_for(ind.key)}. {outre_mer}"
        f"{fmt_number(len(md.features))} territoires dessinés ; "
        f"{fmt_number(size / 1e6, 1)} Mo envoyés au navigateur."
    )
    map_downloads(
        md,
        classes,
        f"carte_{ind.key}_{niveau}{'_' + departement if departement else ''}",
        served.full,
    )
    return replace(state, methode=method, points=layer, fond=basemap)
