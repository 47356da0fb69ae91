"""The only Streamlit-aware module: cached wrappers, error display, shared widgets.

The connection follows rebuilds (:mod:`analytics.ui.cache`); query results and views are
shared read-only between sessions with ``st.cache_resource`` — no copy, no pickling on each
rerun — keyed on the database file's identity, so a rebuild invalidates every cached
result, and bounded (``max_entries`` and :data:`~analytics.ui.cache.CACHE_TTL_S`).
"""

from __future__ import annotations

import os

import duckdb
import pandas as pd
import streamlit as st

from analytics import db
from analytics.errors import DatabaseMissingError, QueryError
from analytics.formatting import fmt_date_fr, fmt_number, fmt_periode_fr, fmt_signed
from analytics.profile import KeyFigure
from analytics.ui import cache

APP_TITLE = "Déserts médicaux — l'accès aux médecins généralistes en France"


def _db_key() -> cache.DbKey:
    return cache.db_key()


def _connection(key: cache.DbKey | None = None) -> duckdb.DuckDBPyConnection:
    return cache.connection(key)


def connection() -> duckdb.DuckDBPyConnection:
    """The read-only connection, or a French error and ``st.stop()`` when unusable."""
    try:
        return _connection()
    except DatabaseMissingError as exc:
        st.error(str(exc), icon=":material/build:")
        st.info(
            "Sur une machine sans Internet, indiquez le dossier miroir des données : "
            "`DESERTS_MIRROR=../shared/data make data`."
        )
        st.stop()
        raise  # unreachable: st.stop() raises


@st.cache_resource(max_entries=256, ttl=cache.CACHE_TTL_S, show_spinner=False)
def _query(key: cache.DbKey, name: str, params: tuple) -> pd.DataFrame:
    return db.query(_connection(key), name, **dict(params))


def run(name: str, **params: object) -> pd.DataFrame:
    """Run a named query (cached); a failure shows a French error and stops the page."""
    connection()
    try:
        # Cached frames are shared between sessions: hand out a shallow copy, which under
        # pandas' copy-on-write costs nothing and cannot change the original.
        return _query(_db_key(), name, tuple(sorted(params.items()))).copy(deep=False)
    except QueryError as exc:
        st.error(
            "Une requête a échoué. Reconstruisez la base (`make data`) ; si le problème "
            f"persiste, signalez ce message : {exc}"
        )
        st.stop()
        raise


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
    connection()
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


def environment_banner() -> None:
    if os.environ.get("DESERTS_DEMO_BANNER"):
        st.info(os.environ["DESERTS_DEMO_BANNER"])


# --- Views, search, permalinks -----------------------------------------------------------


@st.cache_resource(max_entries=64, ttl=cache.CACHE_TTL_S, show_spinner=False)
def _view(key: cache.DbKey, name: str, params: tuple) -> object:
    from analytics import views

    return getattr(views, name)(_connection(key), **dict(params))


def view(name: str, **params: object) -> object:
    """A function of :mod:`analytics.views`, cached on the database and its parameters.

    Returned objects are shared between sessions, never copied: pages must not mutate
    them (pandas' copy-on-write makes any frame derived from them a new one).
    """
    connection()
    try:
        return _view(_db_key(), name, tuple(sorted((k, _hashable(v)) for k, v in params.items())))
    except QueryError as exc:
        st.error(f"Une requête a échoué : {exc}. Reconstruisez la base avec `make data`.")
        st.stop()
        raise


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


@st.cache_resource(max_entries=2, ttl=cache.CACHE_TTL_S)
def _search_index(key: cache.DbKey):
    from analytics.search import TerritoryIndex

    return TerritoryIndex(db.query(_connection(key), "territoires_recherche"))


PROFILE_PAGE = "pages/2_Territoire.py"


SIMULATION_PAGE = "pages/6_Simuler.py"


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
    connection()
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
    results = _search_index(_db_key()).search(text, niveaux=niveaux, limit=10)
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


# --- Rendering helpers shared by pages ------------------------------------------------------

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
    c1.download_button(
        f"{label} (CSV)",
        data=lambda: exports.dataframe_csv_fr(df, formats),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        on_click="ignore",
    )
    c2.download_button(
        f"{label} (XLSX)",
        data=lambda: exports.dataframe_xlsx(
            df, sources, sheet_name=title, formats=formats, parameters=parameters
        ),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{name}",
        on_click="ignore",
    )


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
            st.download_button(
                label,
                data=lambda render=render: render(fig, title=title, source_line=source),
                file_name=f"{name}.{ext}",
                mime=mime,
                key=f"{ext}_{name}",
                on_click="ignore",
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
    from analytics.formatting import fmt_signed

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


def indicator_table(table: pd.DataFrame) -> None:
    """Indicators side by side; definitions and sources in the table (nothing hidden)."""
    shown = table.drop(columns=["indicateur"])
    # The figures first (territory, département, région, France), then what they mean.
    notes = ["Unité", "Définition", "Source"]
    values = [c for c in shown.columns if c not in ("Indicateur", *notes)]
    shown = shown[["Indicateur", *values, *[c for c in notes if c in shown.columns]]]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "Indicateur": st.column_config.TextColumn(width="large", pinned=True),
            "Définition": st.column_config.TextColumn(width="large"),
        },
    )


def profile_header(view) -> None:
    row = view.raw.set_index("indicateur")
    col = view.raw.columns[1]
    from analytics.profile import key_figures

    keys = ("population", "apl_2023", "part_pop_apl_sous_2_5_2023", "generalistes_pour_10000")
    figures = key_figures({k: row.loc[k, col] for k in keys}, keys)
    key_figure_cards(figures, columns=4)


#: Rows of a styled table shown on screen: pandas' Styler formats every cell in Python
#: (4 500 communes of a région: 2,1 s per run; 35 000 exceed its cell limit); the
#: downloads hold every row.
STYLED_ROWS_MAX = 500


def communes_table(communes: pd.DataFrame) -> None:
    if len(communes) > STYLED_ROWS_MAX:
        st.caption(
            f"Les {fmt_number(STYLED_ROWS_MAX)} premières des {fmt_number(len(communes))} "
            "communes sont affichées ; toutes sont dans les téléchargements (CSV, XLSX)."
        )
    df = communes.head(STYLED_ROWS_MAX).rename(
        columns={
            "code": "Code",
            "nom": "Commune",
            "population": "Population",
            "apl_2023": "APL 2023",
            "apl_2015": "APL 2015",
            "evolution_apl_2015_2023": "Évolution 2015→2023",
            "medecins_generalistes": "Généralistes (RPPS 2026)",
            "km_generaliste": "Km du généraliste le plus proche",
            "minutes_generaliste": "Minutes de route estimées",
            "temps_incertain": "Temps incertain",
        }
    )
    if "Temps incertain" in df.columns:
        df["Temps incertain"] = df["Temps incertain"].map({True: "oui"}).fillna("")
    st.dataframe(
        french(
            df,
            {
                "APL 2023": 2,
                "APL 2015": 2,
                "Évolution 2015→2023": "signed",
                "Km du généraliste le plus proche": 1,
                "Minutes de route estimées": 0,
            },
        ),
        hide_index=True,
        width="stretch",
    )
    if (df.get("Temps incertain", pd.Series(dtype=str)) == "oui").any():
        st.caption(
            "Minutes de route estimées depuis la distance à vol d'oiseau entre mairies, "
            "corrigée de la lenteur des routes de la région (temps d'accès aux urgences, "
            "DREES 2019) : estimation moins sûre pour les communes marquées « oui » "
            "(montagne, îles sans pont, enclaves)."
        )
    download_buttons(communes, "communes_du_territoire", "Communes du territoire")


def neighbours_table(neighbours: pd.DataFrame, niveau: str, code: str, nom: str) -> None:
    """Links to the nearest territories of the same level, and to a comparison with them."""
    for r in neighbours.itertuples():
        apl = "n.d." if pd.isna(r.apl_2023) else fmt_number(r.apl_2023, 2)
        st.page_link(
            PROFILE_PAGE,
            label=f"{r.nom} — APL 2023 {apl} — à {fmt_number(r.km, 0)} km",
            query_params={"niveau": r.niveau, "code": r.code},
        )
    keys = [f"{niveau}:{code}", *(f"{r.niveau}:{r.code}" for r in neighbours.head(4).itertuples())]
    st.page_link(
        "pages/3_Comparer.py",
        label=f"Comparer {nom} à ses {len(keys) - 1} plus proches voisins",
        query_params={"territoires": ",".join(keys)},
        icon=":material/compare:",
    )


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
    results = _search_index(_db_key()).search(text, limit=8)
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


def apl_parameters(
    params: pd.DataFrame, activity: str = "Activité comptabilisée (consultations par an)"
) -> None:
    labels = {
        "decroissance": "Décroissance avec le temps de trajet (poids)",
        "activite": activity,
        "poids_age": "Poids des tranches d'âge (2022 ; 2023)",
        "champ": "Champ",
    }
    for rubrique, title in labels.items():
        part = params[params["rubrique"] == rubrique]
        if part.empty:
            continue
        st.markdown(f"**{title}**")
        if rubrique == "champ":
            st.write(part["libelle"].iloc[0])
            continue
        shown = part[["libelle", "valeur"] + (["valeur_2023"] if rubrique == "poids_age" else [])]
        st.dataframe(
            french(
                shown.rename(
                    columns={"libelle": "Tranche", "valeur": "Valeur", "valeur_2023": "Valeur 2023"}
                )
            ),
            hide_index=True,
        )


def accessibility_validation() -> None:
    """Our E2SFCA engine against the official APL 2023 (computed at build time)."""
    from analytics.accessibility import travel_error_table
    from analytics.formatting import fmt_number

    metrics = run("validation_accessibilite")
    if metrics.empty:
        return
    st.subheader("Notre moteur d'accessibilité face à l'APL officielle 2023")
    m = metrics.set_index("mesure")

    def text(key: str, value: float, dec: int) -> str:
        if key == "accord_sous_2_5":
            return fmt_number(value * 100, 1) + " %"
        return fmt_number(value, dec)

    cols = st.columns(4)
    for col, key, label, dec in (
        (cols[0], "spearman", "Corrélation de Spearman", 3),
        (cols[1], "mae", "Écart absolu moyen", 2),
        (cols[2], "accord_sous_2_5", "Accord sur la classe < 2,5", 3),
        (cols[3], "communes", "Communes comparées", 0),
    ):
        if key not in m.index:
            continue
        value = float(m.loc[key, "valeur"])
        before = m.loc[key].get("valeur_avant") if "valeur_avant" in m.columns else None
        shown = before is not None and pd.notna(before) and key != "communes"
        col.metric(
            label,
            text(key, value, dec),
            delta=f"avant : {text(key, float(before), dec)}" if shown else None,
            delta_color="off",
            delta_arrow="off" if shown else "auto",
            help=(
                "Avant : loi de temps girondine seule entre centroïdes et effectifs RPPS 2026 ; "
                "après : modèle de temps stocké et offre retenue sur l'autre moitié des "
                "communes. Mesuré sur la moitié des communes jamais utilisée pour régler."
                if shown
                else None
            ),
        )
    if "explication" in metrics.columns:
        st.write(str(metrics["explication"].dropna().iloc[0]))
    errors = travel_error_table(metrics)
    if not errors.empty:
        st.markdown("**Temps de trajet estimés : erreur sur des communes tenues à l'écart**")
        if "modele_temps" in metrics.columns:
            st.caption(str(metrics["modele_temps"].dropna().iloc[0]))
        st.dataframe(french(errors), hide_index=True)


def reconciliation_cards(table: pd.DataFrame) -> None:
    """Each quoted figure beside what our data give: two cards a row, readable in full."""
    for start in range(0, len(table), 2):
        for col, (_, row) in zip(
            st.columns(2), table.iloc[start : start + 2].iterrows(), strict=False
        ):
            with col.container(border=True):
                st.markdown(f"**« {row['Chiffre cité']} »**")
                st.caption(f"[{row['Source']}, {row['Date']}]({row['Lien']}) — {row['Définition']}")
                st.markdown(f"**Nos données :** {row['Ce que donnent nos données']}")
                st.caption(row["Pourquoi ça diffère"])


def sources_table(sources: pd.DataFrame) -> None:
    shown = sources.rename(
        columns={
            "titre": "Jeu de données",
            "producteur": "Producteur",
            "millesime": "Millésime",
            "licence": "Licence",
            "url": "Adresse officielle",
            "page": "Page du jeu de données",
            "fichier": "Fichier",
            "sha256": "SHA-256",
            "partiel": "Couverture partielle",
            "derive": "Réduction du fichier officiel",
            "lignes_non_rattachees": "Lignes non rattachées",
        }
    )
    st.dataframe(
        shown[
            [
                "Jeu de données",
                "Producteur",
                "Millésime",
                "Licence",
                "Adresse officielle",
                "Page du jeu de données",
                "Fichier",
                "Couverture partielle",
                "Réduction du fichier officiel",
                "Lignes non rattachées",
                "SHA-256",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "Adresse officielle": st.column_config.LinkColumn(),
            "Page du jeu de données": st.column_config.LinkColumn(),
        },
    )


# --- Priorities ---------------------------------------------------------------------------


def priority_filters(niveau: str, initial=None) -> dict[str, object]:
    """Région, département, population band and recommendation filters (initial values
    from the URL state); returns the filters of :func:`analytics.views.filter_ranking`
    plus ``population`` (the band's key) for the permalink."""
    from analytics.modality import RECOMMANDATIONS
    from analytics.permalink import POPULATION_BANDS, PageState

    initial = initial or PageState()
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
    _simulation_for(row, niveau)


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
    from analytics.score import COMPONENTS, explain

    st.write(explain(row))
    if pd.notna(row.get("recommandation")):
        st.markdown(f"**Recommandation : {row['recommandation']}.** {row['raison']}")
    _planner_link(row, niveau)
    parts = pd.DataFrame(
        [
            {"composante": c.label, "contribution": float(row[f"contrib_{c.key}"])}
            for c in COMPONENTS
            if pd.notna(row.get(f"contrib_{c.key}")) and row[f"contrib_{c.key}"] > 0
        ]
    )
    if not parts.empty:
        fig = charts.score_decomposition(
            parts,
            title=f"Décomposition du score de besoin, {row['nom']}",
            source_line="Source : DREES, INSEE, RPPS ; score Déserts médicaux",
        )
        chart(fig, f"score_{row['code']}", parts)


def need_section(niveau: str, code: str) -> None:
    """On a profile: the need score (default weights) and the modality recommendation."""
    from analytics.score import DEFAULT_WEIGHTS
    from analytics.views import PRIORITY_LEVELS, rank

    if niveau not in PRIORITY_LEVELS:
        return
    ranked = rank(view("priorities", niveau=niveau), dict(DEFAULT_WEIGHTS))
    match = ranked[ranked["code"] == code]
    if match.empty:
        return
    st.subheader("Score de besoin et recommandation")
    row = match.iloc[0]
    score_detail(row, niveau)
    _simulation_for(row, niveau)
    st.page_link(
        "pages/4_Priorites.py",
        label="Changer les pondérations et voir le classement complet",
        query_params={"niveau": niveau},
    )


# --- Maps ------------------------------------------------------------------------------------

MAP_METHOD_LABELS = {"quantile": "Quantiles (effectifs égaux)", "jenks": "Seuils naturels (Jenks)"}
BASEMAP_STYLE = "light"  # Carto Positron, only when the user asks for tiles


@st.cache_resource(max_entries=8, ttl=cache.CACHE_TTL_S, show_spinner="Préparation de la carte…")
def _deck(key: cache.DbKey, params: tuple) -> tuple:
    """(map data, classes, deck as served, payload bytes) of a map; never mutated after.

    The deck's large layers go to static files fetched by URL (:mod:`analytics.ui.deck`)."""
    from analytics import maps, views

    p = dict(params)
    con = _connection(key)
    if p["kind"] == "territoire":
        md = views.territory_map(con, p["niveau"], p["code"])
    else:
        md = views.map_data(con, p["niveau"], p["indicateur"], p["annee"], p["departement"])
    if md is None:
        return None, None, None, 0
    ind = md.indicator
    classes = maps.classify(
        md.data["value"],
        ind.kind,
        method=p.get("method", "quantile"),
        decimals=ind.decimals,
        higher_is_worse=ind.higher_is_worse,
    )
    points = None
    if p.get("points"):
        pts = views.map_points(con, p.get("departement"))
        column = "medecins_generalistes" if p["points"] == "generalistes" else "msp"
        pts = pts[pts[column] > 0]
        points = pd.DataFrame({"lon": pts["lon"], "lat": pts["lat"], "count": pts[column]})
    from analytics.profile import source_line

    deck = maps.build_choropleth(
        md.features,
        md.data,
        classes=classes,
        indicator_label=ind.label,
        unit=ind.unit,
        vintage=ind.vintage,
        source=source_line(ind).removeprefix("Source : ").split(",")[0],
        outlines=[md.outlines],
        highlight_code=md.highlight,
        points=points,
        map_style=BASEMAP_STYLE if p.get("basemap") else None,
        height=p.get("height", 600),
    )
    from analytics.ui.deck import for_browser

    return md, classes, for_browser(deck), maps.payload_size(deck)


def _map_alt(title: str, classes) -> str:
    """Text alternative of a map: its title and how many territories fall in each class."""
    from analytics import maps

    counts = "; ".join(
        f"{i['label']} : {fmt_number(i['count'])}" for i in maps.legend_items(classes)
    )
    return f"Carte. {title}. Territoires par classe — {counts}."


def _legend(classes, title: str, unit: str = "") -> None:
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


def _map_downloads(md, classes, name: str, deck=None) -> None:
    from analytics import exports, maps
    from analytics.profile import source_line

    ind = md.indicator
    source = source_line(ind)
    table = md.data.copy()
    table["classe"] = [
        classes.names[k] if k >= 0 else classes.missing_label
        for k in classes.assign(md.data["value"])
    ]
    unit = "%" if ind.kind == "percent" else ind.unit
    value_format = exports.ColumnFormat(f"{ind.label} ({unit})", ind.kind, ind.decimals)
    with st.popover("Télécharger la carte", icon=":material/download:"):
        st.download_button(
            "Carte (PNG, légende et source)",
            data=lambda: maps.static_png(
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
            on_click="ignore",
        )
        if deck is not None:
            st.download_button(
                "Carte interactive à intégrer (HTML)",
                data=lambda: exports.map_html(deck, title=md.title, source_line=source),
                file_name=f"{name}.html",
                mime="text/html",
                key=f"html_{name}",
                on_click="ignore",
            )
        download_buttons(
            table,
            name,
            md.title,
            formats={"value": value_format},
            sources_of=pd.DataFrame(columns=[ind.key]),
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


def choropleth(
    niveau: str, indicateur: str, annee: int, departement: str | None, options=None
) -> dict[str, object]:
    """The map page's map: options, map, legend, profile links, downloads, payload.

    ``options`` (a :class:`analytics.permalink.PageState`) gives the initial
    classification, point layer and basemap; the chosen ones are returned for the URL.
    """
    from analytics.indicators import get_indicator
    from analytics.permalink import MAP_METHODS, MAP_POINTS, PageState
    from analytics.views import indicator_for_year

    options = options or PageState()
    ind = indicator_for_year(indicateur, annee)
    c1, c2, c3 = st.columns([2, 2, 1])
    method = "quantile"
    if ind.kind != "apl":
        method = c1.radio(
            "Classes",
            MAP_METHODS,
            index=MAP_METHODS.index(options.methode),
            format_func=MAP_METHOD_LABELS.get,
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
    md, classes, served, size = _deck(_db_key(), tuple(sorted(params.items())))
    served.ensure_files()
    st.subheader(md.title)
    left, right = st.columns([3, 1])
    with left:
        event = st.pydeck_chart(
            served.browser,
            height=600,
            alt=_map_alt(md.title, classes),
            on_select="rerun",
            selection_mode="single-object",
            key="carte",
        )
    with right:
        _legend(classes, ind.label, ind.unit)
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
    _map_downloads(
        md,
        classes,
        f"carte_{ind.key}_{niveau}{'_' + departement if departement else ''}",
        served.full,
    )
    return {"methode": method, "points": layer, "fond": basemap}


def territory_map(niveau: str, code: str) -> None:
    """On a profile: the communes around the territory, by APL 2023, territory outlined."""
    params = {"kind": "territoire", "niveau": niveau, "code": code, "height": 380}
    md, classes, served, _size = _deck(_db_key(), tuple(sorted(params.items())))
    if md is None:
        return
    served.ensure_files()
    st.subheader("Carte")
    left, right = st.columns([3, 1])
    with left:
        st.pydeck_chart(
            served.browser, height=380, key="carte_territoire", alt=_map_alt(md.title, classes)
        )
    with right:
        _legend(classes, md.indicator.label, md.indicator.unit)
        st.caption(md.title)
        departement = run("territoire", niveau=niveau, code=code).get("departement")
        if departement is not None and pd.notna(departement.iloc[0]) and niveau != "region":
            st.page_link(
                "pages/1_Carte.py",
                label="Toutes les communes du département sur la carte",
                query_params={"niveau": "commune", "departement": str(departement.iloc[0])},
                icon=":material/map:",
            )
    _map_downloads(md, classes, f"carte_{niveau}_{code}", served.full)


def report_button(niveau: str, code: str, nom: str) -> None:
    """The one-page PDF report of a commune, EPCI or département, made on click."""
    from analytics import views
    from analytics.report import render_pdf

    if niveau not in views.REPORT_LEVELS:
        return

    from analytics.ui.deferred import kept_until_fetched

    def make() -> bytes:  # dated the day it is made, like every export
        return render_pdf(views.territory_report(_connection(), niveau, code))

    file_name, mime = f"fiche_{niveau}_{code}.pdf", "application/pdf"
    st.download_button(
        "Fiche du territoire (PDF, une page)",
        data=kept_until_fetched(make, mime, file_name),
        file_name=file_name,
        mime=mime,
        key=f"pdf_{niveau}_{code}",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        help=f"Chiffres clés de {nom} face au département, à la région et à la France, "
        "carte, historique de l'APL, rang et recommandation, sources.",
    )


# --- What-if simulation ---------------------------------------------------------------------


def medecins_etp(etp: float) -> str:
    """« 1 médecin à temps plein », « 2,5 médecins à temps plein » (French plural from 2)."""
    return f"{fmt_number(etp, 1 if etp % 1 else 0)} médecin{'s' if etp >= 2 else ''} à temps plein"


def simulation_link(code: str, nom: str, etp: float | None = None) -> None:
    """Link to the simulation page for a commune (with the recommended FTE when known)."""
    params = {"niveau": "commune", "code": code}
    if etp is not None and pd.notna(etp) and etp > 0:
        params["etp"] = f"{min(max(round(float(etp) * 2) / 2, 0.5), 30.0):g}"
    st.page_link(
        SIMULATION_PAGE,
        label=f"Simuler l'ouverture d'un centre de santé à {nom}",
        query_params=params,
        icon=":material/add_location_alt:",
    )


def _simulation_for(row: pd.Series, niveau: str) -> None:
    """The simulation link of a ranked territory: at its pole (the commune whose 15-minute
    zone holds most of the deficit) with the pole's missing FTE, else at the commune."""
    pole = row.get("commune_pole")
    if isinstance(pole, str) and pole:
        simulation_link(pole, str(row.get("nom_pole") or pole), row.get("etp_pole"))
    elif niveau == "commune":
        simulation_link(str(row["code"]), str(row["nom"]), row.get("etp_manquants"))


def simulation_result(view) -> None:
    """Key figures, before/after maps, the communes in reach and the assumptions."""
    from analytics import maps
    from analytics.formatting import fmt_apl
    from analytics.indicators import get_indicator

    sim = view.simulation
    c = st.columns(4)
    c[0].metric(
        "Habitants sortis de la sous-densité",
        fmt_number(sim.habitants_sortis),
        help="Habitants des communes dont l'APL passe de moins de 2,5 à 2,5 ou plus.",
    )
    c[1].metric(
        "APL moyenne de la zone",
        fmt_apl(sim.apl_zone_apres),
        delta=(
            f"{fmt_signed(sim.apl_zone_apres - sim.apl_zone_avant, 2)} "
            f"(avant {fmt_apl(sim.apl_zone_avant)})"
        ),
        help="Moyenne des communes à moins de 20 minutes, pondérée par la population "
        "standardisée, comme la DREES.",
    )
    c[2].metric(
        "Habitants à moins de 20 minutes",
        fmt_number(sim.habitants_zone),
        help="Population des communes atteintes (celle de l'APL 2023 : recensement 2021), "
        "en temps routier estimé.",
    )
    c[3].metric(
        "Consultations ajoutées par an",
        fmt_number(sim.consultations),
        help=f"{medecins_etp(sim.etp)} × {fmt_number(sim.consultations_par_etp)} consultations : "
        "l'activité que la DREES impute à un généraliste libéral nouvellement installé "
        "(classeur APL, feuille « Paramètres »).",
    )
    if sim.habitants_incertains > 0:
        st.caption(
            f"Temps de trajet moins sûrs pour {fmt_number(sim.habitants_incertains)} "
            "habitants de la zone (communes de montagne, îles ou enclaves : temps d'accès aux "
            "urgences observé loin de notre estimation) ; leur tranche de 10, 15 ou 20 "
            "minutes peut différer de celle du distancier de la DREES."
        )
    ind = get_indicator("apl_2023")
    features = view.features
    decks = []
    for column, title in (("apl_avant", "Avant (APL 2023 officielle)"), ("apl_apres", "Après")):
        data = pd.DataFrame(
            {
                "code": sim.communes["code"],
                "nom": sim.communes["nom"],
                "value": sim.communes[column],
                "population": sim.communes["population"],
            }
        )
        classes = maps.classify(data["value"], "apl")
        deck = maps.build_choropleth(
            features,
            data,
            classes=classes,
            indicator_label=f"APL {title.split(' ')[0].lower()}",
            unit=ind.unit,
            vintage=ind.vintage,
            source="DREES ; simulation Déserts médicaux",
            outlines=[view.outlines],
            highlight_code=sim.code,
            height=380,
        )
        decks.append((title, deck, classes))
    left, right = st.columns(2)
    for col, (title, deck, classes) in zip((left, right), decks, strict=True):
        with col:
            st.markdown(f"**{title}**")
            st.pydeck_chart(
                deck, height=380, key=f"simulation_{title[:5]}", alt=_map_alt(title, classes)
            )
    _legend(decks[1][2], ind.label, ind.unit)
    st.subheader("Communes atteintes, de la plus proche à la plus lointaine")
    table = sim.communes.rename(
        columns={
            "code": "Code",
            "nom": "Commune",
            "departement": "Dép.",
            "population": "Population (APL 2023 : recensement 2021)",
            "minutes": "Minutes de route (estimées)",
            "apl_avant": "APL 2023",
            "apl_apres": "APL après",
            "gain": "Gain d'APL",
            "motif_incertitude": "Temps moins sûr",
        }
    ).drop(columns=["incertitude"], errors="ignore")
    if "Temps moins sûr" in table.columns:
        table["Temps moins sûr"] = table["Temps moins sûr"].fillna("")
    st.dataframe(
        french(
            table,
            {
                "Minutes de route (estimées)": 0,
                "APL 2023": 2,
                "APL après": 2,
                "Gain d'APL": "signed",
            },
        ),
        hide_index=True,
        width="stretch",
    )
    download_buttons(
        table,
        f"simulation_{sim.code}",
        f"Simulation : centre à {sim.nom}",
        formats={"Gain": 3, "Minutes de route (estimées)": 0},  # as on screen
        sources_of=pd.DataFrame(columns=["apl_2023", "population"]),
    )


# --- Patients without a médecin traitant (published figures, cited) -------------------------

#: The national figures shown on the home page, most recent of each.
MT_NATIONAL = (
    ("part_patients_sans_medecin_traitant", "Patients de 17 ans et plus sans médecin traitant"),
    ("nb_patients_sans_medecin_traitant", "Patients de 17 ans et plus sans médecin traitant"),
    ("part_patients_ald_sans_medecin_traitant", "Patients en ALD sans médecin traitant"),
)


def _mt_value(valeur: float, unite: str) -> str:
    return f"{fmt_number(valeur, 1)} %" if unite.startswith("%") else fmt_number(valeur)


def patients_without_gp_national() -> None:
    """The latest national CNAM figures, each with its perimeter, date and source."""
    from analytics.reconcile import source_label

    df = run("medecin_traitant_national")
    if df.empty:
        return
    st.subheader("Patients sans médecin traitant")
    cols = st.columns(len(MT_NATIONAL))
    for col, (key, label) in zip(cols, MT_NATIONAL, strict=True):
        rows = df[df["indicateur"] == key]
        if rows.empty:
            continue
        r = rows.sort_values("date_reference").iloc[-1]
        col.metric(label, _mt_value(float(r["valeur"]), str(r["unite"])), help=str(r["perimetre"]))
        col.caption(
            f"{r['perimetre']}, {fmt_periode_fr(r['date_reference'])} — "
            f"Source : {source_label(r['source_primaire'])}"
        )
    st.caption(
        "Chiffres publiés par l'Assurance maladie et cités par la presse, pas un jeu de données "
        "ouvert : leur définition varie (âge, régime) — voir « Sources et méthodes »."
    )


def patients_without_gp_departement(code: str) -> None:
    """ALD patients without a médecin traitant in a département, where it was published."""
    from analytics.reconcile import source_label

    df = run("ald_sans_mt")
    rows = df[df["departement"] == code]
    if rows.empty:
        return
    parts = [
        f"{'part' if r.indicateur.startswith('part') else 'nombre'} : "
        f"{_mt_value(float(r.valeur), str(r.unite))}"
        for r in rows.itertuples()
    ]
    first = rows.iloc[0]
    n_deps = int(df.loc[df["departement"] != "FR", "departement"].nunique())
    st.info(
        f"Patients en ALD sans médecin traitant ({fmt_periode_fr(first['date_reference'])}) — "
        + " ; ".join(parts)
        + f". Source : {source_label(first['source_primaire'])}. Publié pour "
        f"{n_deps} département{'s' if n_deps > 1 else ''} seulement.",
        icon=":material/info:",
    )


# --- Priorities map --------------------------------------------------------------------------

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
    served, classes = score_deck(ranked, niveau, _db_key())
    title = f"Score de besoin par {LEVEL_WORDS[niveau]}"
    left, right = st.columns([3, 1])
    with left:
        st.pydeck_chart(
            served.browser, height=520, key="carte_priorites", alt=_map_alt(title, classes)
        )
    with right:
        _legend(classes, title, "points sur 100, pondération choisie")
        st.caption("Classes par quantiles du score des territoires affichés.")
