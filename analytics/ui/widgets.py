"""Widgets shared by pages: page setup and menu, search box, French tables, charts,
downloads, map legend, footer. They place on screen what pure builders return."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from analytics.formatting import fmt_date_fr, fmt_number, fmt_signed
from analytics.profile import KeyFigure
from analytics.ui import cache
from analytics.ui.cache import require_connection, run, search_index

APP_TITLE = "Déserts médicaux — l'accès aux médecins généralistes en France"


#: The menu: (script, label, icon). Streamlit's own menu is off (``showSidebarNavigation``)
#: because it would label the home page after its file name, « app ».
NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("app.py", "Accueil", ":material/home:"),
    ("pages/1_Carte.py", "Carte", ":material/map:"),
    ("pages/2_Territoire.py", "Territoire", ":material/location_on:"),
    ("pages/3_Comparer.py", "Comparer", ":material/compare:"),
    ("pages/4_Priorites.py", "Priorités", ":material/format_list_numbered:"),
    ("pages/6_Simuler.py", "Simuler un centre", ":material/add_location_alt:"),
    ("pages/7_Planifier.py", "Planifier", ":material/route:"),
    ("pages/8_Mes_donnees.py", "Mes données", ":material/upload_file:"),
    ("pages/5_Sources_et_méthodes.py", "Sources et méthodes", ":material/menu_book:"),
)


PROFILE_PAGE = "pages/2_Territoire.py"


SIMULATION_PAGE = "pages/6_Simuler.py"


def page_setup(title: str, *, search: bool = True) -> None:
    """Page config, the database check (a missing one stops the page with the command),
    then the sidebar: the menu and, unless the page has its own, the territory search."""
    st.set_page_config(page_title=title, page_icon="🩺", layout="wide")
    cache.start_collector()
    with st.sidebar:
        for script, label, icon in NAVIGATION:
            st.page_link(script, label=label, icon=icon)
        from analytics.ui.a11y import copy_link_button

        copy_link_button()
    from analytics.ui.a11y import french_document

    french_document()
    require_connection()
    if search:
        with st.sidebar:
            st.divider()
            territory_search(key="recherche_globale", label="Trouver un territoire")


def key_figure_cards(figures: list[KeyFigure], columns: int = 3) -> None:
    """Metrics with their definition (help tooltip) and source line under each."""
    cols = st.columns(columns)
    for i, fig in enumerate(figures):
        with cols[i % columns]:
            st.metric(
                fig.card_label,
                fig.text,
                help=f"**{fig.indicator.label}** — {fig.indicator.definition}",
            )
            st.caption(f"{fig.indicator.unit} — {fig.source_line}")


def build_footer() -> None:
    """Build date and source vintages, on every page."""
    info = run("build_info")
    sources = run("sources")
    if info.empty:
        return
    built = pd.Timestamp(info.loc[0, "built_at"])
    vintages = " · ".join(
        f"{r.attribution or r.producteur} ({r.millesime})"
        for r in sources.drop_duplicates("attribution").itertuples()
    )
    st.divider()
    st.caption(
        f"Base construite le {fmt_date_fr(built.date())} (identifiant {info.loc[0, 'build_id']}). "
        f"Sources : {vintages}."
    )


def territory_search(
    key: str = "recherche",
    label: str | None = None,
    *,
    page: str = PROFILE_PAGE,
    niveaux: tuple[str, ...] | None = None,
    extra_params: dict[str, str] | None = None,
) -> None:
    """Search box: results are links to ``page`` (the profile by default) with the permalink.

    ``niveaux`` restricts the levels (the simulation page takes communes only).
    """
    require_connection()
    text = st.text_input(
        label or "Trouver un territoire",
        key=key,
        placeholder=(
            "Nom de commune, code postal, code INSEE…"
            if niveaux == ("commune",)
            else "Nom de commune, code postal, code INSEE, EPCI, département…"
        ),
        max_chars=100,
    )
    if not text:
        return
    results = search_index().search(text, niveaux=niveaux, limit=10)
    if results.empty:
        st.warning(f"Aucun territoire ne correspond à « {text} ».")
        return
    from analytics.search import match_note

    for r in results.itertuples():
        pop = fmt_number(r.population) if pd.notna(r.population) else "n.d."
        note = match_note(r.correspondance, text)
        st.page_link(
            page,
            label=f"{r.libelle} — {note + ' — ' if note else ''}{pop} hab.",
            query_params={"niveau": r.niveau, "code": r.code, **(extra_params or {})},
            icon=":material/location_on:",
        )


def show_param_errors(errors: list[str]) -> None:
    for message in errors:
        st.warning(message, icon=":material/warning:")


def sync_query_params(params: dict[str, str]) -> None:
    """Write the page state into the URL (a permalink), only when it changed.

    The whole query string is compared: a parameter the state no longer has (the last
    compared territory removed, a département filter on a level without one) goes away.
    """
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


APL_SOURCE_LINE = (
    "Source : DREES, APL aux médecins généralistes 2015–2023 ; traitement Déserts médicaux"
)


def _sources_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The catalogue rows of the sources behind ``df`` (its indicators), for its XLSX."""
    from analytics import exports

    src = run("sources")[["key", "titre", "producteur", "licence", "millesime", "url"]]
    return exports.export_sources(src, exports.source_keys(df)).rename(
        columns={
            "titre": "Jeu de données",
            "producteur": "Producteur",
            "licence": "Licence",
            "millesime": "Millésime",
            "url": "Adresse",
        }
    )


def deferred_download(
    container: Any,
    label: str,
    make: Callable[[], bytes | str],
    *,
    file_name: str,
    mime: str,
    key: str,
    **kwargs: Any,
) -> None:
    """A download button whose file is made on click and stays served until the browser
    fetches it (:func:`analytics.ui.deferred.kept_until_fetched`: Streamlit would otherwise
    drop it when two other sessions finish a run first)."""
    from analytics.ui.deferred import kept_until_fetched

    container.download_button(
        label,
        data=kept_until_fetched(make, mime, file_name),
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        **kwargs,
    )


def download_buttons(
    df: pd.DataFrame,
    name: str,
    title: str,
    *,
    formats: dict | None = None,
    parameters: pd.DataFrame | None = None,
    sources_of: pd.DataFrame | None = None,
    own_source: pd.DataFrame | None = None,
    label: str = "Données",
) -> None:
    """CSV (French Excel) and XLSX (data sheet named ``title``, ``Paramètres`` when given,
    then the sources of this table). ``formats``: labels/decimals of columns the catalogue
    does not know (:func:`analytics.exports.table_for_export`); ``sources_of``: the frame
    whose indicators name the sources, when ``df`` is already relabelled; ``own_source``:
    a first row for the Sources sheet (a user's own file)."""
    from analytics import exports

    sources = _sources_frame(df if sources_of is None else sources_of)
    if own_source is not None:
        sources = pd.concat([own_source, sources], ignore_index=True)
    c1, c2 = st.columns(2)
    deferred_download(
        c1,
        f"{label} (CSV)",
        lambda: exports.dataframe_csv_fr(df, formats),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
    )
    deferred_download(
        c2,
        f"{label} (XLSX)",
        lambda: exports.dataframe_xlsx(
            df, sources, sheet_name=title, formats=formats, parameters=parameters
        ),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
    )


@st.cache_resource(show_spinner=False)
def _warm_exports() -> bool:
    """Start the export browser in the background, once per server (first PNG: 2–3 s → 0,2 s).

    ``DESERTS_WARM_EXPORTS=0`` turns it off (the tests do, to keep Chromium out of AppTest).
    """
    import threading

    from analytics import exports

    if os.environ.get("DESERTS_WARM_EXPORTS", "1") == "0":
        return False

    def start() -> None:
        try:
            exports.start_renderer()
        except exports.ExportError:
            pass  # the download itself will report the problem, in French

    threading.Thread(target=start, name="warm-exports", daemon=True).start()
    return True


def chart(fig, name: str, data: pd.DataFrame) -> None:
    """A plotly chart with PNG/SVG (source written inside), HTML embed and data downloads."""
    from analytics import exports
    from analytics.charts import alt_text

    _warm_exports()
    # theme=None: the figure's own template (contrasted labels, the exported colours),
    # not Streamlit's grey axis labels (3,7:1 on white).
    st.plotly_chart(fig, width="stretch", key=f"chart_{name}", theme=None, alt=alt_text(fig))
    title = fig.layout.title.text or name
    source = _chart_source(fig)
    formats = (
        ("Image PNG", exports.figure_png, "png", "image/png"),
        ("Image SVG", exports.figure_svg, "svg", "image/svg+xml"),
        (
            "Graphique interactif à intégrer (HTML)",
            exports.figure_html_snippet,
            "html",
            "text/html",
        ),
    )
    with st.popover("Télécharger", icon=":material/download:"):
        for label, render, ext, mime in formats:
            deferred_download(
                st,
                label,
                lambda render=render: render(fig, title=title, source_line=source),
                file_name=f"{name}.{ext}",
                mime=mime,
                key=f"{ext}_{name}",
            )
        download_buttons(data, name, title)


def _chart_source(fig) -> str:
    from analytics.charts import source_text

    return source_text(fig) or APL_SOURCE_LINE


def french(df: pd.DataFrame, formats: dict[str, int | str] | None = None):
    """``df`` styled with French numbers (``1 234,5``) whatever the browser's language.

    The cells keep their numeric values (sorting a column sorts numbers); only the display
    goes through :mod:`analytics.formatting`. ``formats`` maps a column to its decimals or
    to ``"signed"`` (``+0,12``); other numeric columns get 0 decimals when every value is
    whole, else 2.
    """

    formats = formats or {}
    formatters = {}
    for col in df.columns:
        if not pd.api.types.is_numeric_dtype(df[col]) or pd.api.types.is_bool_dtype(df[col]):
            continue
        spec = formats.get(col)
        if spec is None:
            values = df[col].dropna()
            spec = 0 if values.empty or (values % 1 == 0).all() else 2
        if spec == "signed":
            formatters[col] = lambda x: fmt_signed(x, 2)
        else:
            formatters[col] = lambda x, d=int(spec): fmt_number(x, d)
    return df.style.format(formatters, na_rep="n.d.")


def source_line_for(key: str) -> str:
    from analytics.indicators import get_indicator
    from analytics.profile import source_line

    return source_line(get_indicator(key))


def departement_filter(niveau: str, current: str | None) -> str | None:
    """For the commune and EPCI maps: one département (zoomed, lighter) or all France."""
    if niveau not in ("commune", "epci"):
        return None
    deps = run("indicateurs_niveau", niveau="departement")[["code", "nom"]]
    options = ["", *deps["code"].tolist()]
    names = dict(zip(deps["code"], deps["nom"], strict=True))
    index = options.index(current) if current in options else 0
    choice = st.selectbox(
        "Département",
        options,
        index=index,
        format_func=lambda c: (
            ("France entière (contours simplifiés)" if niveau == "commune" else "France entière")
            if not c
            else f"{names[c]} ({c})"
        ),
    )
    return choice or None


def map_alt(title: str, classes) -> str:
    """Text alternative of a map (:func:`analytics.classes.alt_text`)."""
    from analytics.classes import alt_text

    return alt_text(title, classes)


def legend(classes, title: str, unit: str = "") -> None:
    from analytics import maps

    rows = "".join(
        f'<div style="display:flex;align-items:center;gap:.5em;margin:.15em 0">'
        f'<span style="display:inline-block;width:1.4em;height:1em;background:{i["colour"]};'
        f'border:1px solid #888"></span><span>{i["label"]}</span>'
        f'<span style="color:#666;margin-left:auto">{fmt_number(i["count"])}</span></div>'
        for i in maps.legend_items(classes)
    )
    st.markdown(
        f'<div role="list" aria-label="Légende"><strong>{title}</strong>'
        f'<div style="color:#555;font-size:.85em">{unit}</div>{rows}</div>',
        unsafe_allow_html=True,
    )


def map_downloads(md, classes, name: str, deck=None) -> None:
    from analytics import exports, maps
    from analytics.classes import class_names
    from analytics.profile import source_line

    ind = md.indicator
    source = source_line(ind)
    table = md.data.copy()
    table["classe"] = class_names(classes, md.data["value"])
    unit = "%" if ind.kind == "percent" else ind.unit
    value_format = exports.ColumnFormat(f"{ind.label} ({unit})", ind.kind, ind.decimals)
    with st.popover("Télécharger la carte", icon=":material/download:"):
        deferred_download(
            st,
            "Carte (PNG, légende et source)",
            lambda: maps.static_png(
                md.features,
                md.data,
                classes=classes,
                title=md.title,
                source_line=source,
                outlines=md.outlines,
                legend_title=ind.label,
            ),
            file_name=f"{name}.png",
            mime="image/png",
            key=f"png_{name}",
        )
        if deck is not None:
            deferred_download(
                st,
                "Carte interactive à intégrer (HTML)",
                lambda: exports.map_html(deck, title=md.title, source_line=source),
                file_name=f"{name}.html",
                mime="text/html",
                key=f"html_{name}",
            )
        download_buttons(
            table,
            name,
            md.title,
            formats={"value": value_format},
            sources_of=pd.DataFrame(columns=[ind.key]),
        )
