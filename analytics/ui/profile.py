"""Panels of the territory profile: key figures, indicator table, need score, map, PDF
report, communes and neighbours."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.formatting import fmt_number, fmt_periode_fr
from analytics.ui import cache
from analytics.ui.cache import connection as _connection
from analytics.ui.cache import run, view
from analytics.ui.priorities import score_detail
from analytics.ui.simulation import simulation_for
from analytics.ui.widgets import (
    PROFILE_PAGE,
    deferred_download,
    download_buttons,
    french,
    key_figure_cards,
    legend,
    map_alt,
    map_downloads,
)


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
    simulation_for(row, niveau)
    st.page_link(
        "pages/4_Priorites.py",
        label="Changer les pondérations et voir le classement complet",
        query_params={"niveau": niveau},
    )


def territory_map(niveau: str, code: str) -> None:
    """On a profile: the communes around the territory, by APL 2023, territory outlined."""
    params = {"kind": "territoire", "niveau": niveau, "code": code, "height": 380}
    md, classes, served, _size = cache.map_deck(**params)
    if md is None:
        return
    served.ensure_files()
    st.subheader("Carte")
    left, right = st.columns([3, 1])
    with left:
        st.pydeck_chart(
            served.browser, height=380, key="carte_territoire", alt=map_alt(md.title, classes)
        )
    with right:
        legend(classes, md.indicator.label, md.indicator.unit)
        st.caption(md.title)
        departement = run("territoire", niveau=niveau, code=code).get("departement")
        if departement is not None and pd.notna(departement.iloc[0]) and niveau != "region":
            st.page_link(
                "pages/1_Carte.py",
                label="Toutes les communes du département sur la carte",
                query_params={"niveau": "commune", "departement": str(departement.iloc[0])},
                icon=":material/map:",
            )
    map_downloads(md, classes, f"carte_{niveau}_{code}", served.full)


def report_button(niveau: str, code: str, nom: str) -> None:
    """The one-page PDF report of a commune, EPCI or département, made on click."""
    from analytics import views
    from analytics.report import render_pdf

    if niveau not in views.REPORT_LEVELS:
        return

    def make() -> bytes:  # dated the day it is made, like every export
        return render_pdf(views.territory_report(_connection(), niveau, code))

    deferred_download(
        st,
        "Fiche du territoire (PDF, une page)",
        make,
        file_name=f"fiche_{niveau}_{code}.pdf",
        mime="application/pdf",
        key=f"pdf_{niveau}_{code}",
        icon=":material/picture_as_pdf:",
        help=f"Chiffres clés de {nom} face au département, à la région et à la France, "
        "carte, historique de l'APL, rang et recommandation, sources.",
    )


def patients_without_gp_departement(code: str) -> None:
    """ALD patients without a médecin traitant in a département, where it was published."""
    from analytics.reconcile import mt_value, source_label

    df = run("ald_sans_mt")
    rows = df[df["departement"] == code]
    if rows.empty:
        return
    parts = [
        f"{'part' if r.indicateur.startswith('part') else 'nombre'} : "
        f"{mt_value(float(r.valeur), str(r.unite))}"
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


def access_30(view) -> None:
    """Under the indicators: people more than 30 estimated minutes from a GP."""
    from analytics.views import acces_30_sentence

    sentence = acces_30_sentence(view.acces_30, view.nom)
    if sentence:
        st.caption(sentence)
