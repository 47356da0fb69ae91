"""Territory codes: one format per level, every overseas kind accepted in every URL
parameter, and every code of the national database well formed."""

from __future__ import annotations

import duckdb
import pytest

from analytics import codes
from analytics.page_state import CompareState, MapState, PrioritiesState, ProfileState

# (level, code, what it is) — codes from INSEE's COG 2026.
OVERSEAS = [
    ("commune", "97411", "Saint-Denis (La Réunion, DROM)"),
    ("commune", "97611", "Mamoudzou (Mayotte)"),
    ("commune", "97502", "Saint-Pierre (Saint-Pierre-et-Miquelon)"),
    ("commune", "97701", "Saint-Barthélemy"),
    ("commune", "97801", "Saint-Martin"),
    ("commune", "98411", "Îles Saint-Paul et Nouvelle-Amsterdam (TAAF)"),
    ("commune", "98611", "Alo (Wallis-et-Futuna)"),
    ("commune", "98735", "Papeete (Polynésie française)"),
    ("commune", "98818", "Nouméa (Nouvelle-Calédonie)"),
    ("commune", "98901", "Île de Clipperton"),
    ("departement", "971", "Guadeloupe"),
    ("departement", "976", "Mayotte"),
    ("departement", "975", "Saint-Pierre-et-Miquelon"),
    ("departement", "977", "Saint-Barthélemy"),
    ("departement", "978", "Saint-Martin"),
    ("departement", "984", "TAAF"),
    ("departement", "986", "Wallis-et-Futuna"),
    ("departement", "987", "Polynésie française"),
    ("departement", "988", "Nouvelle-Calédonie"),
    ("departement", "989", "Clipperton"),
    ("region", "01", "Guadeloupe"),
    ("region", "06", "Mayotte"),
    ("region", "988", "Nouvelle-Calédonie (collectivité, sans région)"),
    ("region", "975", "Saint-Pierre-et-Miquelon"),
]
METROPOLE = [
    ("commune", "01001"),
    ("commune", "2A004"),
    ("commune", "2B033"),
    ("arrondissement_municipal", "75101"),
    ("arrondissement_municipal", "69389"),
    ("arrondissement_municipal", "13216"),
    ("epci", "200068781"),
    ("departement", "01"),
    ("departement", "2A"),
    ("departement", "95"),
    ("region", "84"),
    ("france", "FR"),
]
BAD = [
    ("commune", "1001"),  # lost its leading zero
    ("commune", "2C004"),
    ("commune", "9741"),
    ("arrondissement_municipal", "75121"),  # Paris has 20
    ("arrondissement_municipal", "13217"),  # Marseille has 16
    ("epci", "20006878"),
    ("departement", "2C"),
    ("departement", "9"),
    ("departement", "9740"),
    ("departement", "999"),
    ("region", "1"),
    ("commune", "01001 OR 1=1"),
    ("commune", " 01001"),
]


@pytest.mark.parametrize(("niveau", "code", "_what"), OVERSEAS)
def test_overseas_codes_are_valid(niveau: str, code: str, _what: str) -> None:
    assert codes.valid_code(niveau, code)


@pytest.mark.parametrize(("niveau", "code"), METROPOLE)
def test_metropolitan_codes_are_valid(niveau: str, code: str) -> None:
    assert codes.valid_code(niveau, code)


@pytest.mark.parametrize(("niveau", "code"), BAD)
def test_malformed_codes_are_rejected(niveau: str, code: str) -> None:
    assert not codes.valid_code(niveau, code)


@pytest.mark.parametrize(("niveau", "code", "_what"), OVERSEAS)
def test_every_overseas_code_survives_the_code_parameter(niveau, code, _what) -> None:
    # The profile of « Nouvelle-Calédonie (département, 988) », offered by the search.
    state = ProfileState.from_query({"niveau": niveau, "code": code})
    assert state.errors == [] and state.niveau == niveau and state.code == code
    assert ProfileState.from_query(state.to_query()).code == code


@pytest.mark.parametrize("code", [c for n, c, _ in OVERSEAS if n == "departement"])
def test_every_overseas_departement_survives_the_map_filter(code: str) -> None:
    # A map filtered on département 987 kept after a reload.
    state = MapState.from_query({"niveau": "commune", "departement": code})
    assert state.errors == [] and state.departement == code
    again = MapState.from_query(state.to_query())
    assert again.departement == code


@pytest.mark.parametrize("code", [c for n, c, _ in OVERSEAS if n == "region"])
def test_every_overseas_region_survives_the_priorities_filter(code: str) -> None:
    state = PrioritiesState.from_query({"region": code})
    assert state.errors == [] and state.region == code


def test_every_overseas_kind_survives_the_compare_list() -> None:
    keys = [f"{n}:{c}" for n, c, _ in OVERSEAS][:6]
    state = CompareState.from_query({"territoires": ",".join(keys)})
    assert state.errors == []
    assert [f"{n}:{c}" for n, c in state.territoires] == keys
    assert state.to_query() == {"territoires": ",".join(keys)}


def test_bad_codes_are_named_and_dropped() -> None:
    state = ProfileState.from_query({"niveau": "departement", "code": "9740"})
    assert state.code is None
    assert any("« code »" in e and "9740" in e for e in state.errors)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("97411", "974"), ("2A004", "2A"), ("98735", "987"), ("26198", "26"), ("75101", "75")],
)
def test_departement_of_commune(code: str, expected: str) -> None:
    assert codes.departement_of_commune(code) == expected


def test_patterns_are_the_same_in_duckdb() -> None:
    con = duckdb.connect()
    for niveau, code, _ in OVERSEAS:
        sql = f"SELECT regexp_full_match(?, '{codes.sql_pattern(niveau)}')"
        assert con.execute(sql, [code]).fetchone()[0] is True
    for niveau, code in BAD:
        sql = f"SELECT regexp_full_match(?, '{codes.sql_pattern(niveau)}')"
        assert con.execute(sql, [code]).fetchone()[0] is False


@pytest.mark.mirror
def test_every_territory_of_the_national_database_has_a_valid_code(national_db) -> None:
    """Whatever the search can offer opens: every (level, code) of the database."""
    con = duckdb.connect(str(national_db), read_only=True)
    try:
        rows = con.execute("SELECT niveau, code FROM territoire").fetchall()
    finally:
        con.close()
    assert len(rows) > 36_000
    bad = [(n, c) for n, c in rows if not codes.valid_code(n, c)]
    assert bad == []
    assert ("departement", "988") in rows and ("commune", "98818") in rows


@pytest.mark.mirror
@pytest.mark.parametrize(
    ("page", "params", "kept"),
    [
        # The search offers « Nouvelle-Calédonie (département, 988) »: its profile opens.
        ("pages/2_Territoire.py", {"niveau": "departement", "code": "988"}, "code"),
        ("pages/2_Territoire.py", {"niveau": "commune", "code": "98818"}, "code"),
        # A map filtered on département 987 keeps its filter on reload.
        ("pages/1_Carte.py", {"niveau": "commune", "departement": "987"}, "departement"),
    ],
)
def test_overseas_pages_open_from_their_url(national_db, monkeypatch, page, params, kept) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DESERTS_DB", str(national_db))
    app = Path(__file__).resolve().parent.parent / "app.py"
    at = AppTest.from_file(str(app), default_timeout=120)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert not [w.value for w in at.warning if "Paramètre" in w.value]
    assert at.query_params[kept] == params[kept]
