"""« Mes données » on screen: upload, report, map, and the small sections other pages show.

Privacy: the user's values live in ``st.session_state`` only (one browser session). They
are never written to disk, to the database, to the logs or to the URL, and never go
through ``st.cache_data`` / ``st.cache_resource`` (both are shared by every session of
the server): maps and tables built from them are rebuilt on each run. Streamlit keeps an
uploaded file in memory (its ``MemoryUploadedFileManager``) and drops it when the widget
is cleared or the session ends. Only the public reference (communes, passage table) is
cached, keyed on the database.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import userdata as u
from analytics.formatting import fmt_date_fr, fmt_number

#: The session_state key holding the matched :class:`analytics.userdata.UserData`.
SESSION_KEY = "mes_donnees"
PAGE = "pages/8_Mes_donnees.py"
LEVEL_LABELS = {
    "region": "Région",
    "departement": "Département",
    "epci": "EPCI",
    "commune": "Commune (un département)",
}
MEASURES = {"pour_1000": "Pour 1 000 habitants", "valeur": "Total"}
NOTICE = (
    "Vos données sont gardées en mémoire sur le serveur pour votre seule session : elles "
    "ne sont jamais écrites sur disque, ni dans la base, ni dans l'adresse de la page, "
    "aucune autre session ne les voit, et elles disparaissent quand vous fermez l'onglet "
    "ou cliquez sur « Effacer mes données »."
)


@st.cache_resource(max_entries=2, show_spinner=False)
def _reference(key: tuple[str, int, int]) -> u.Reference:
    """Public reference only (communes, passage table, names): shared safely."""
    from analytics.ui.cache import connection as _connection

    return u.load_reference(_connection(key))


def reference() -> u.Reference:
    from analytics.ui.cache import db_key as _db_key
    from analytics.ui.cache import require_connection as connection

    connection()
    return _reference(_db_key())


def current() -> u.UserData | None:
    """The data this session loaded, if any."""
    data = st.session_state.get(SESSION_KEY)
    return data if isinstance(data, u.UserData) else None


def limits_text() -> str:
    return (
        f"Fichier CSV (séparateur point-virgule, virgule ou tabulation ; UTF-8 ou Windows) "
        f"ou XLSX (première feuille), {fmt_number(u.MAX_BYTES / 1e6)} Mo et "
        f"{fmt_number(u.MAX_ROWS)} lignes au plus. Une ligne par commune, désignée par son "
        "code INSEE (« code_insee »), son code postal (« code_postal ») ou son nom et son "
        "département (« nom », « departement ») ; une ou plusieurs colonnes de nombres "
        "positifs. Les anciens codes de communes fusionnées et les arrondissements de Paris, "
        "Lyon et Marseille sont rattachés aux communes de 2026."
    )


def upload_panel() -> None:
    """Upload, read and match a file; the report shows before anything is used.

    A bad file shows a French message and leaves the session's data as it was.
    """
    st.caption(limits_text())
    file = st.file_uploader(
        "Fichier de valeurs par commune",
        type=["csv", "txt", "xlsx"],
        key="mes_donnees_fichier",
        max_upload_size=int(u.MAX_BYTES / 1024 / 1024),
    )
    if file is None:
        return
    try:
        raw = u.read_table(file.getvalue(), file.name)
        columns = u.detect_columns(raw)
    except u.UserDataError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    c1, c2 = st.columns([2, 1])
    value_column = c1.selectbox("Colonne de valeurs", columns.values, key="mes_donnees_colonne")
    add = c2.checkbox(
        "Additionner les lignes d'une même commune",
        key="mes_donnees_additionner",
        help="Sinon, une commune présente sur plusieurs lignes fait refuser le fichier.",
    )
    try:
        data = u.match(
            raw,
            reference(),
            value_column=value_column,
            columns=columns,
            fichier=file.name,
            add_duplicates=add,
        )
    except u.UserDataError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    st.subheader("Ce que le fichier contient")
    st.info("\n\n".join(data.report.lines()), icon=":material/fact_check:")
    if not data.unmatched.empty:
        st.warning(
            f"{fmt_number(len(data.unmatched))} lignes non rattachées à une commune de 2026, "
            f"pour un total de {fmt_number(data.unmatched['valeur'].sum(), 1)} : elles ne "
            "seront pas utilisées.",
            icon=":material/warning:",
        )
        st.dataframe(
            data.unmatched.rename(
                columns={"ligne": "Ligne", "cle": "Commune", "valeur": "Valeur", "raison": "Raison"}
            ),
            hide_index=True,
            width="stretch",
        )
    if st.button("Utiliser ces données", type="primary", icon=":material/check:"):
        st.session_state[SESSION_KEY] = data
        st.success(f"« {data.label} » chargé : {fmt_number(data.report.communes)} communes.")


def loaded_panel() -> u.UserData | None:
    """What is loaded, with the button that forgets it."""
    data = current()
    if data is None:
        st.info("Aucune donnée chargée dans cette session.", icon=":material/info:")
        return None
    st.success(
        f"Données chargées : « {data.label} » du fichier « {data.report.fichier} », "
        f"{fmt_number(data.report.communes)} communes, total "
        f"{fmt_number(data.report.total_rattache, 1)}.",
        icon=":material/database:",
    )
    if st.button("Effacer mes données", icon=":material/delete:"):
        del st.session_state[SESSION_KEY]
        st.rerun()
    return data


def _table(data: u.UserData, niveau: str, departement: str | None = None) -> pd.DataFrame:
    ref = reference()
    table = u.aggregate(data, ref.communes, niveau)
    if niveau == "commune":
        names = ref.communes.set_index("code")
        table["nom"] = table["code"].map(names["nom"])
        table["departement"] = table["code"].map(names["departement"])
        if departement:
            table = table[table["departement"] == departement]
    else:
        from analytics.ui.cache import run

        names = run("indicateurs_niveau", niveau=niveau)[["code", "nom"]]
        table = table.merge(names, on="code", how="left")
    return table.reset_index(drop=True)


def export_frame(data: u.UserData, table: pd.DataFrame) -> pd.DataFrame:
    """A table of user values as exported: French labels, the origin said on every row,
    text cells made inert for spreadsheets."""
    out = pd.DataFrame(
        {
            "Code": table["code"],
            "Territoire": table.get("nom"),
            f"{data.label} (total)": table["valeur"],
            "Population (populations légales)": table["population"],
            f"{data.label} pour 1 000 habitants": table["pour_1000"],
            "Communes présentes dans le fichier": table["communes_renseignees"],
            "Origine": f"Données importées par l'utilisateur (fichier « {data.report.fichier} »)",
        }
    )
    return u.neutralise_frame(out)


def downloads(data: u.UserData, table: pd.DataFrame, name: str) -> None:
    """CSV and XLSX of a table built from the user's data; both say where it comes from."""
    from analytics.ui.widgets import download_buttons

    frame = export_frame(data, table)
    own = pd.DataFrame(
        [
            {
                "Jeu de données": f"Vos données : « {data.label} »",
                "Producteur": "Fichier importé par l'utilisateur (non publié)",
                "Licence": "—",
                "Millésime": fmt_date_fr(dt.date.today()),
                "Adresse": str(u.neutralise(data.report.fichier)),
            }
        ]
    )
    st.caption("Ces fichiers contiennent vos données importées (colonne « Origine »).")
    download_buttons(
        frame,
        f"mes_donnees_{name}",
        "Vos données",
        sources_of=table,
        own_source=own,
        label="Vos données",
    )


def map_panel(data: u.UserData) -> None:
    """The user's values as a map layer, at the chosen level (never cached)."""
    from analytics import maps
    from analytics.ui.cache import run
    from analytics.ui.widgets import departement_filter, legend

    c1, c2 = st.columns(2)
    niveau = c1.radio(
        "Niveau", list(LEVEL_LABELS), index=1, format_func=LEVEL_LABELS.get, horizontal=True
    )
    measure = c2.radio("Mesure", list(MEASURES), format_func=MEASURES.get, horizontal=True)
    departement = departement_filter(niveau, None) if niveau == "commune" else None
    if niveau == "commune" and not departement:
        st.info("Choisissez un département pour voir ses communes.")
        return
    table = _table(data, niveau, departement)
    if niveau == "commune":
        features = run("geometrie_codes", couche="commune", codes=table["code"].tolist())
        outlines = run("geometrie_codes", couche="departement", codes=[departement])
    else:
        features = run("geometrie", couche=niveau)
        up = {"departement": "region", "epci": "departement"}.get(niveau)
        outlines = run("geometrie", couche=up) if up else features.iloc[0:0]
    label = f"{data.label} — {MEASURES[measure].lower()}"
    kind = "float" if measure == "pour_1000" else "int"
    values = pd.DataFrame(
        {
            "code": table["code"],
            "nom": table["nom"],
            "value": table[measure],
            "population": table["population"],
        }
    )
    classes = maps.classify(values["value"], kind, decimals=2 if kind == "float" else 0)
    deck = maps.build_choropleth(
        features,
        values,
        classes=classes,
        indicator_label=label,
        unit="pour 1 000 hab." if measure == "pour_1000" else "",
        vintage="fichier importé",
        source="Vos données",
        outlines=[outlines],
        height=520,
    )
    left, right = st.columns([3, 1])
    with left:
        st.pydeck_chart(deck, height=520, key="carte_mes_donnees", alt=f"Carte. {label}.")
    with right:
        legend(classes, label, MEASURES[measure])
        st.caption(
            "Taux : 1 000 × total ÷ population légale du territoire (toutes ses communes ; "
            "une commune absente du fichier compte pour 0). Source : vos données ; "
            "populations légales INSEE."
        )
    downloads(data, table, f"{niveau}{'_' + departement if departement else ''}")


def territory_section(niveau: str, code: str, nom: str | None = None) -> None:
    """On a profile: the user's values for this territory (only when data is loaded)."""
    data = current()
    if data is None or niveau not in u.LEVELS:
        return
    values = u.territory_values(data, reference().communes, niveau, code)
    if values is None:
        return
    st.subheader(f"Vos données : {data.label}")
    c1, c2, c3 = st.columns(3)
    c1.metric("Total", fmt_number(values["valeur"], 1))
    c2.metric("Pour 1 000 habitants", fmt_number(values["pour_1000"], 2))
    c3.metric("Communes présentes dans le fichier", fmt_number(values["communes_renseignees"]))
    st.caption(f"Fichier « {data.report.fichier} », importé dans cette session. {NOTICE}")


def compare_section(territoires: list[tuple[str, str]]) -> None:
    """On the compare page: one line per territory (only when data is loaded)."""
    data = current()
    if data is None:
        return
    communes = reference().communes
    rows = []
    for niveau, code in territoires:
        if niveau not in u.LEVELS:
            continue
        values = u.territory_values(data, communes, niveau, code)
        if values is not None:
            rows.append({"niveau": niveau, "code": code, **values})
    if not rows:
        return
    st.subheader(f"Vos données : {data.label}")
    table = pd.DataFrame(rows)
    st.dataframe(
        pd.DataFrame(
            {
                "Territoire": [
                    f"{n}:{c}" for n, c in zip(table["niveau"], table["code"], strict=True)
                ],
                "Total": [fmt_number(v, 1) for v in table["valeur"]],
                "Pour 1 000 habitants": [fmt_number(v, 2) for v in table["pour_1000"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(NOTICE)


def score_component(ranked: pd.DataFrame, niveau: str, weights: dict[str, float]) -> pd.DataFrame:
    """On the priorities page: the user's values as one more component, with its weight
    (0 by default: the ranking is unchanged until the user gives it one)."""
    data = current()
    if data is None or niveau not in u.LEVELS:
        return ranked
    with st.expander(f"Vos données dans le score : « {data.label} »", expanded=False):
        c1, c2 = st.columns(2)
        weight = c1.slider(
            "Poids de vos données",
            0.0,
            100.0,
            0.0,
            step=5.0,
            format="%.0f",
            key="poids_mes_donnees",
        )
        measure = c2.radio(
            "Mesure",
            list(MEASURES),
            format_func=MEASURES.get,
            horizontal=True,
            key="mesure_mes_donnees",
        )
        st.caption(
            "Même méthode que les autres composantes : rang centile parmi les territoires du "
            "niveau (0 point à la valeur 0), pondéré et ajouté ; plus la valeur est élevée, "
            f"plus le besoin compte. {NOTICE}"
        )
    if weight <= 0:
        return ranked
    table = u.aggregate(data, reference().communes, niveau).set_index("code")[measure]
    out = u.add_score_component(ranked, table, weights, weight)
    note = (
        f" Score calculé avec vos données importées (« {data.label} », "
        f"{MEASURES[measure].lower()}, poids {fmt_number(weight)})."
    )
    # The ranking's exports carry this column: they say they contain the user's data.
    out["raison"] = out["raison"].fillna("").astype(str) + note
    st.warning(
        f"Le classement et ses exports intègrent vos données (« {data.label} », poids "
        f"{fmt_number(weight)}).",
        icon=":material/info:",
    )
    return out
