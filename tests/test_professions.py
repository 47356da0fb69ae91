"""Dentists, nurses and midwives beside GPs: the long indicator mart and its catalogue.

Expected figures are worked by hand from the fixture workbooks (tests/mini_mirror.py) or
read from the DREES workbooks themselves; never copied from the app's output.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analytics.build import build
from analytics.checks import STRUCTURAL_CHECKS
from analytics.db import MODEL_DIR
from analytics.professions import PROFESSIONS, Profession
from analytics.sources import get_source
from tests.conftest import MINI_SOURCES
from tests.mini_mirror import PROFESSION_APL, write_profession_workbook

LEVELS = {"commune", "arrondissement_municipal", "epci", "departement", "region", "france"}
ROOT = Path(__file__).resolve().parent.parent


def _value(con, niveau: str, code: str, indicateur: str) -> float | None:
    row = con.execute(
        "SELECT valeur FROM indicateur_valeur WHERE niveau = ? AND code = ? AND indicateur = ?",
        [niveau, code, indicateur],
    ).fetchone()
    return None if row is None else row[0]


def test_dentists_departement_is_weighted_by_dentists_standardised_population(mini_con):
    # Ain 2023: 01001 35.27 × 852.421, 01004 58 × 15 000, 01015 20 × 300, former 01340
    # (merged into 01015) 40 × 100.
    expected = (35.27 * 852.421 + 58 * 15000 + 20 * 300 + 40 * 100) / (852.421 + 15000 + 300 + 100)
    assert _value(mini_con, "departement", "01", "apl_dentistes_2023") == pytest.approx(expected)
    # the plain mean of the four units would be 38.3: the weighting matters
    assert abs(expected - (35.27 + 58 + 20 + 40) / 4) > 10
    evolution = expected - (36.743 * 826.751 + 60 * 14000 + 30 * 400 + 20 * 300) / (
        826.751 + 14000 + 400 + 300
    )
    got = _value(mini_con, "departement", "01", "evolution_apl_dentistes_2022_2023")
    assert got == pytest.approx(evolution)


def test_midwives_are_weighted_by_standardised_women(mini_con):
    # Drôme 2023: Romans 24 × 16 000 and Valence 28 × 33 000 (standardised women), not
    # by total population (33 000 and 64 000), which would give 26.64.
    expected = (24 * 16000 + 28 * 33000) / (16000 + 33000)
    assert _value(mini_con, "departement", "26", "apl_sages_femmes_2023") == pytest.approx(expected)


def test_lowest_national_fifth_counts_total_population(mini_con):
    # Dentists 2023, units by APL with total population: 20 (400), 30 (4 883), 35.27 (832),
    # 40 (300), 45 (33 000), 58 (14 854), 72 (73 000), 75, 90, 95, 100, 110; total 292 269,
    # 20 % = 58 453.8; the cumulative population reaches it at 72 (127 269 people ≤ 72).
    seuil = mini_con.execute(
        "SELECT seuil_quintile_bas FROM apl_profession_seuil "
        "WHERE profession = 'dentistes' AND annee = 2023"
    ).fetchone()[0]
    assert seuil == pytest.approx(72.0)
    assert _value(mini_con, "france", "FR", "pop_quintile_bas_dentistes_2023") == 127269
    assert _value(mini_con, "departement", "26", "pop_quintile_bas_dentistes_2023") == 33000


def test_every_profession_at_every_level_with_catalogue_entry(mini_con):
    for p in PROFESSIONS:
        levels = {
            r[0]
            for r in mini_con.execute(
                "SELECT DISTINCT niveau FROM indicateur_valeur WHERE indicateur = ?",
                [p.indicator(2023)],
            ).fetchall()
        }
        assert levels == LEVELS, p.key
        entry = mini_con.execute(
            "SELECT profession, unite, poids, seuils_officiels, sources FROM indicateur "
            "WHERE indicateur = ?",
            [p.indicator(2023)],
        ).fetchone()
        assert entry[0] == p.key and entry[1].startswith("ETP/100 000")
        assert entry[2] == p.weight_label and "Aucun seuil officiel" in entry[3]
        assert "2,5" not in entry[3].replace("le seuil de 2,5 concerne", "")
        assert entry[4] == p.source


def test_a_fictitious_profession_needs_only_a_catalogue_entry(mini_mirror, tmp_path):
    """Physiotherapists, added as one source with its profession entry and a workbook."""
    kines = Profession(
        key="kines",
        label="masseurs-kinésithérapeutes",
        source="apl_kines",
        apl_header="APL aux masseurs-kinésithérapeutes",
        weight_header="Population standardisée",
    )
    source = replace(
        get_source("apl_dentistes"),
        key="apl_kines",
        mirror_path="health/apl_kines.xlsx",
        profession=kines,
        sha256=None,
    )
    mirror = tmp_path / "mirror"
    shutil.copytree(mini_mirror, mirror)
    write_profession_workbook(
        mirror / source.mirror_path, kines, sheets=PROFESSION_APL["dentistes"]
    )
    target = build(
        tmp_path / "db.duckdb",
        mirror=mirror,
        sources=(*MINI_SOURCES, source),
        checks=STRUCTURAL_CHECKS,
        out=lambda _m: None,
    )
    con = duckdb.connect(str(target), read_only=True)
    try:
        levels = {
            r[0]
            for r in con.execute(
                "SELECT niveau FROM indicateur_valeur WHERE indicateur = 'apl_kines_2023'"
            ).fetchall()
        }
        same = con.execute(
            "SELECT k.apl_kines_2023 - k.apl_dentistes_2023 FROM indicateurs AS k "
            "WHERE niveau = 'departement' AND code = '01'"
        ).fetchone()[0]
        label = con.execute(
            "SELECT libelle FROM indicateur WHERE indicateur = 'apl_kines_2023'"
        ).fetchone()[0]
    finally:
        con.close()
    assert levels == LEVELS
    assert same == pytest.approx(0.0)  # same rows as the dentists' fixture
    assert label == "APL aux masseurs-kinésithérapeutes 2023"


# --- SQL model structure ---------------------------------------------------------------------


def test_one_relation_per_model_file_and_none_changed_after():
    for path in sorted(MODEL_DIR.glob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        created = re.findall(r"CREATE\s+(?:TABLE|VIEW)\s+(\w+)", text, flags=re.I)
        assert created == [path.stem.split("_", 1)[1]], path.name
        assert not re.search(r"\b(INSERT|UPDATE|ALTER|DELETE)\b", text, flags=re.I), path.name


def test_app_queries_read_no_staging_table():
    for path in (ROOT / "analytics" / "sql" / "queries").glob("*.sql"):
        assert not re.search(r"\bstg_\w+", path.read_text(encoding="utf-8")), path.name


# --- Pages -------------------------------------------------------------------------------------


def _page(name: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(name)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_map_of_dentists_from_permalink(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = _page("pages/1_Carte.py", niveau="departement", indicateur="apl_dentistes_2023")
    assert not at.exception
    profession = next(s for s in at.selectbox if s.label == "Profession")
    assert profession.value == "dentistes"
    assert at.selectbox[1].value == "apl_dentistes_2023"
    text = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert (
        "APL aux chirurgiens-dentistes" in text or "chirurgiens-dentistes" in at.subheader[0].value
    )


def test_profile_has_a_section_per_profession(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = _page("pages/2_Territoire.py", niveau="departement", code="26")
    assert not at.exception
    labels = [e.label for e in at.expander]
    for p in PROFESSIONS:
        assert any(label.startswith(p.label.capitalize()) for label in labels), p.key


# --- National database (the DREES workbooks) ----------------------------------------------------


@pytest.fixture()
def national(national_db):
    con = duckdb.connect(str(national_db), read_only=True)
    yield con
    con.close()


def test_national_means_in_the_published_band(national):
    # DREES national means 2023 (weighted): about 61 dentists, 156 nurses, 22 midwives.
    for p in PROFESSIONS:
        value = _value(national, "france", "FR", p.indicator(2023))
        low, high = p.national_band
        assert low <= value <= high, (p.key, value)
        share = _value(national, "france", "FR", f"part_pop_quintile_bas_{p.key}_2023")
        assert 0.19 <= share <= 0.26, (p.key, share)


def test_national_commune_value_is_the_workbook_value(national):
    # Read in the workbook (sheet APL 2023, row 11): L'Abergement-Clémenciat, 35.27
    # dentists, 122.416 nurses, 26.842 midwives (01001 is a commune with a single unit).
    for key, expected in (("dentistes", 35.27), ("infirmieres", 122.416), ("sages_femmes", 26.842)):
        assert _value(national, "commune", "01001", f"apl_{key}_2023") == pytest.approx(expected)


def test_mayotte_is_ranked_on_the_components_it_has(national):
    from analytics import views
    from analytics.score import DEFAULT_WEIGHTS

    ranked = views.rank(views.priorities(national, "departement"), DEFAULT_WEIGHTS)
    mayotte = ranked[ranked["code"] == "976"].iloc[0]
    assert mayotte["score"] == mayotte["score"]  # scored (not NaN)
    assert "Écart à l'APL cible" in mayotte["composantes_manquantes"]


def test_methods_page_gives_units_parameters_and_no_threshold(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = _page("pages/5_Sources_et_méthodes.py")
    assert not at.exception
    headers = " ".join(h.value for h in at.header)
    assert "dentistes, infirmières, sages-femmes" in headers
    table = next(df.value for df in at.dataframe if "Unité de l'APL" in df.value.columns)
    assert set(table["Profession"]) == {p.label.capitalize() for p in PROFESSIONS}
    assert table["Seuil officiel"].str.contains("Aucun seuil officiel").all()
    # midwives' decay bands differ (10, 20, 30 min in their workbook's Paramètres sheet)
    labels = [e.label for e in at.expander]
    assert "Paramètres de l'APL aux sages-femmes" in labels


def test_report_has_a_line_per_profession_on_one_page(mini_con):
    import datetime as dt
    import io

    from pypdf import PdfReader

    from analytics.report import render_pdf
    from analytics.views import territory_report

    report = territory_report(mini_con, "departement", "26", report_date=dt.date(2026, 12, 2))
    labels = report.key_figures["indicateur"].tolist()
    for p in PROFESSIONS:
        assert f"APL aux {p.label} 2023" in labels
    reader = PdfReader(io.BytesIO(render_pdf(report)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "APL aux sages-femmes 2023" in text and "ETP/100 000" in text


def test_fixture_territories_of_every_kind(mini_con):
    """Paris by arrondissement, a commune without EPCI, Mayotte without APL, Nouméa."""
    paris = _value(mini_con, "commune", "75056", "apl_dentistes_2023")
    assert paris == pytest.approx((100 * 15000 + 90 * 25000) / 40000)
    assert _value(mini_con, "arrondissement_municipal", "75102", "apl_dentistes_2023") == 90
    assert _value(mini_con, "commune", "85113", "apl_dentistes_2023") == 30
    yeu = mini_con.execute("SELECT epci FROM commune WHERE code = '85113'").fetchone()
    assert yeu == (None,)
    assert _value(mini_con, "commune", "97611", "apl_dentistes_2023") is None
    assert _value(mini_con, "commune", "97611", "generalistes_pour_10000") == pytest.approx(
        10000 * 40 / 71437
    )
    # Nouméa has its own rows but is outside the France total (INSEE: DROM included)
    france = _value(mini_con, "france", "FR", "population")
    assert france == 860 + 14000 + 700 + 33000 + 64000 + 61000 + 73000 + 40000 + 4883 + 71437


def test_mayotte_fixture_is_ranked_with_missing_components_named(mini_con):
    from analytics import views
    from analytics.score import DEFAULT_WEIGHTS

    ranked = views.rank(views.priorities(mini_con, "departement"), DEFAULT_WEIGHTS)
    row = ranked[ranked["code"] == "976"].iloc[0]
    assert row["score"] == row["score"] and row["rang"] >= 1
    assert "Écart à l'APL cible" in row["composantes_manquantes"]


def test_compare_lists_every_profession(mini_con):
    from analytics.views import compare

    view = compare(mini_con, [("departement", "26"), ("departement", "01")])
    labels = view.table["Indicateur"].tolist()
    for p in PROFESSIONS:
        assert f"APL aux {p.label} 2023" in labels
    line = view.table[view.table["Indicateur"] == "APL aux sages-femmes 2023"].iloc[0]
    # Drôme 2023 midwives, by standardised women: (24 × 16 000 + 28 × 33 000) / 49 000
    assert line.iloc[2].replace("\u202f", " ") == "26,7"
