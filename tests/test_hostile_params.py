"""Hostile input everywhere: every page's URL parameters and the upload parser, fuzzed.

Property-based (hypothesis): whatever arrives, no traceback, a French message naming the
parameter or the column, and never a partial state (each value is either valid or the
default; a bad file changes nothing).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import groups, userdata
from analytics.db import NIVEAUX
from analytics.indicators import APL_YEARS, INDICATORS_BY_KEY
from analytics.page_state import (
    CompareState,
    MapState,
    PrioritiesState,
    ProfileState,
    SimulationState,
)
from analytics.permalink import (
    MAP_METHODS,
    MAP_POINTS,
    MAX_COMPARE,
    POPULATION_BANDS,
    valid_code,
)
from analytics.ranking import full_weights
from analytics.views import MAP_INDICATORS, MAP_LEVELS, PRIORITY_LEVELS

ROOT = Path(__file__).resolve().parent.parent
PARAMS = (
    "niveau",
    "code",
    "departement",
    "indicateur",
    "annee",
    "etp",
    "methode",
    "points",
    "fond",
    "preset",
    "region",
    "population",
    "recommandation",
    "territoires",
    "groupe",
)
PLAUSIBLE = (
    "commune",
    "epci",
    "departement",
    "region",
    "france",
    "arrondissement_municipal",
    "26281",
    "2A004",
    "69381",
    "200068781",
    "26",
    "84",
    "FR",
    "apl_2023",
    "apl_2017",
    "2023",
    "2020",
    "2,5",
    "1e9",
    "jenks",
    "msp",
    "1",
    "Équilibré",
    "commune:26281,epci:200068781",
    "commune:26281,commune:26281,x:y,epci:1",
    "Tarn:epci-200068781,commune-26281",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "",
)
values = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(max_size=60),
    st.text(alphabet="0123456789AB:,-_ ", max_size=30),
    st.text(min_size=190, max_size=400),
)
param_dicts = st.dictionaries(
    st.one_of(st.sampled_from(PARAMS), st.text(max_size=10)),
    st.one_of(values, st.lists(values, max_size=3)),
    max_size=8,
)


MESSAGE_STARTS = ("Paramètre « ", "Au plus ", "Niveau « ", "Cet indicateur")


def _assert_valid(state) -> None:
    """Each value the state holds is valid (or the default); each message names its cause."""
    if hasattr(state, "niveau"):
        assert state.niveau in NIVEAUX
    if hasattr(state, "code"):
        niveau = getattr(state, "niveau", "commune")
        assert state.code is None or valid_code(niveau, state.code)
    if hasattr(state, "departement"):
        assert state.departement is None or valid_code("departement", state.departement)
    if hasattr(state, "indicateur"):
        assert state.indicateur in INDICATORS_BY_KEY and state.annee in APL_YEARS
    if hasattr(state, "etp"):
        assert 0.5 <= state.etp <= 30
    if hasattr(state, "methode"):
        assert state.methode in MAP_METHODS and state.points in MAP_POINTS
    if hasattr(state, "region"):
        assert state.region is None or valid_code("region", state.region)
        assert state.population is None or state.population in POPULATION_BANDS
        assert state.poids is None or full_weights(state.poids) == state.poids
    if hasattr(state, "territoires"):
        assert len(state.territoires) <= MAX_COMPARE
        assert all(valid_code(n, c) for n, c in state.territoires)
    for message in state.errors:
        assert message.startswith(MESSAGE_STARTS)


@pytest.mark.parametrize(
    "page", [MapState, ProfileState, CompareState, PrioritiesState, SimulationState]
)
def test_page_states_never_fail_and_keep_only_valid_values(page) -> None:
    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(param_dicts)
    def check(params) -> None:
        state = page.from_query(params)
        _assert_valid(state)
        # What the state writes back reads again without a message, to the same state.
        again = page.from_query(state.to_query())
        assert again.errors == [] and again.to_query() == state.to_query()

    check()


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(param_dicts)
def test_map_state_keeps_what_the_map_can_show(params) -> None:
    state = MapState.from_query(params)
    assert state.niveau in MAP_LEVELS and state.indicateur in MAP_INDICATORS


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(param_dicts)
def test_priorities_and_simulation_states_keep_their_levels(params) -> None:
    assert PrioritiesState.from_query(params).niveau in PRIORITY_LEVELS
    sim = SimulationState.from_query(params)
    assert sim.code is None or valid_code("commune", sim.code)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.one_of(values, st.lists(values, max_size=2), st.none(), st.integers()))
def test_group_parameter_is_all_or_nothing(raw) -> None:
    try:
        group = groups.parse_group(raw)
    except groups.GroupError as exc:
        assert "« groupe »" in str(exc)
        return
    assert groups.MIN_MEMBERS <= len(group.membres) <= groups.MAX_MEMBERS
    assert all(n in groups.MEMBER_LEVELS and valid_code(n, c) for n, c in group.membres)
    assert groups.parse_group(group.to_param()) == group


# --- The upload parser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(mini_db):
    import duckdb

    con = duckdb.connect(str(mini_db), read_only=True)
    try:
        yield userdata.load_reference(con)
    finally:
        con.close()


def _check_upload(data: bytes, name: str, reference) -> None:
    try:
        result = userdata.parse_upload(data, name, reference)
    except userdata.UserDataError as exc:
        message = str(exc)
        assert message and message[0].isupper(), message
        return
    # A usable result: every value is matched to a 2026 commune, positive, and the report
    # accounts for every non-empty value (matched + unmatched = read).
    assert set(result.values["code"]) <= set(reference.communes["code"])
    assert (result.values["valeur"] >= 0).all()
    assert result.report.total_rattache + result.unmatched["valeur"].sum() == pytest.approx(
        result.report.total_lu
    )


cells = st.one_of(
    st.sampled_from(["26281", "1001", "01340", "69381", "99999", "2A004", "26000", "", "x"]),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["1 234,5", "=1+2", "@SUM(A1)", "-3", "+4", '"', "'", ";", "\t"]),
)
headers = st.lists(
    st.one_of(
        st.sampled_from(["code_insee", "code_postal", "nom", "departement", "valeur", "n"]),
        st.text(max_size=12),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    headers,
    st.lists(st.lists(cells, max_size=5), max_size=12),
    st.sampled_from([";", ",", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]),
)
def test_upload_parser_on_csv_like_files(reference, header, rows, sep, encoding) -> None:
    text = "\n".join(sep.join(r) for r in [header, *rows])
    data = text.encode(encoding, errors="replace")
    _check_upload(data, "f.csv", reference)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=200).map(lambda b: b"\x89PNG" + b),
    ),
    st.sampled_from(["f.csv", "f.xlsx", "f.txt", ""]),
)
def test_upload_parser_on_arbitrary_bytes(reference, data, name) -> None:
    _check_upload(data, name, reference)


# --- Every page with random query parameters (AppTest) ---------------------------------------------

PAGES = (
    "pages/1_Carte.py",
    "pages/2_Territoire.py",
    "pages/3_Comparer.py",
    "pages/4_Priorites.py",
    "pages/5_Sources_et_méthodes.py",
    "pages/6_Simuler.py",
    "pages/8_Mes_donnees.py",
)
#: The pages that write their state back into the URL, and that state.
SYNCING_PAGES = {
    "pages/1_Carte.py": MapState,
    "pages/3_Comparer.py": CompareState,
    "pages/4_Priorites.py": PrioritiesState,
}
page_params = st.dictionaries(
    st.sampled_from(PARAMS), st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=40)), max_size=4
)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_random_query_params(page, mini_db, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DESERTS_DB", str(mini_db))

    @settings(max_examples=5, deadline=None, derandomize=True, database=None)
    @given(page_params)
    def run(params) -> None:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, (params, at.exception)
        for element in (*at.warning, *at.error):
            assert "Traceback" not in element.value
        # Pages that write their state back into the URL write a valid one (no partial
        # state); the others ignore parameters they do not use.
        if page in SYNCING_PAGES:
            written = {k: v for k, v in at.query_params.items() if k != "groupe"}
            assert not SYNCING_PAGES[page].from_query(written).errors, (
                params,
                dict(at.query_params),
            )

    run()
