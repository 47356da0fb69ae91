"""URL parameters: valid ones restore the state, bad ones are reported and ignored."""

from __future__ import annotations

import pytest

from analytics.page_state import (
    CompareState,
    MapState,
    PrioritiesState,
    ProfileState,
    SimulationState,
)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"niveau": "commune", "code": "26281"}, ("commune", "26281")),
        ({"niveau": "commune", "code": "2A004"}, ("commune", "2A004")),
        ({"niveau": "epci", "code": "200068781"}, ("epci", "200068781")),
        ({"niveau": "departement", "code": "974"}, ("departement", "974")),
        ({"niveau": ["region"], "code": ["84"]}, ("region", "84")),
        ({}, ("france", None)),
    ],
)
def test_valid_parameters_restore_the_profile(params, expected) -> None:
    state = ProfileState.from_query(params)
    assert (state.niveau, state.code) == expected
    assert state.errors == []


def test_valid_parameters_restore_the_map() -> None:
    state = MapState.from_query({"indicateur": "part_75_plus", "annee": "2019"})
    assert (state.niveau, state.indicateur, state.annee) == ("departement", "part_75_plus", 2019)
    assert state.errors == []
    # An older link naming a yearly APL hands its year to the slider.
    old = MapState.from_query({"indicateur": "apl_2017"})
    assert (old.indicateur, old.annee, old.errors) == ("apl_2023", 2017, [])


@pytest.mark.parametrize(
    ("page", "params", "parameter"),
    [
        (ProfileState, {"niveau": "'; DROP TABLE indicateurs; --"}, "« niveau »"),
        (ProfileState, {"niveau": "commune", "code": "1001"}, "« code »"),
        (ProfileState, {"niveau": "commune", "code": "26281' OR 1=1"}, "« code »"),
        (MapState, {"indicateur": "population; SELECT"}, "« indicateur »"),
        (MapState, {"indicateur": "__class__"}, "« indicateur »"),
        (MapState, {"annee": "2020"}, "« annee »"),
        (MapState, {"annee": "9" * 500}, "« annee »"),
        (MapState, {"niveau": "commune", "departement": "1"}, "« departement »"),
        (PrioritiesState, {"niveau": "commune", "region": "9"}, "« region »"),
        (PrioritiesState, {"niveau": "commune", "population": "tous"}, "« population »"),
        (SimulationState, {"niveau": "commune", "etp": "0"}, "« etp »"),
        (CompareState, {"territoires": "commune:26281,foo:bar"}, "« territoires »"),
    ],
)
def test_bad_parameters_are_named_and_ignored(page, params, parameter) -> None:
    state = page.from_query(params)
    assert len(state.errors) == 1 and parameter in state.errors[0]
    default = page()
    bad = parameter.strip("« »")
    for name, raw in params.items():
        if name == bad and name == "territoires":
            assert state.territoires == [("commune", "26281")]  # the valid key only
        elif name == bad:
            # The bad value is never kept: the default takes its place.
            assert getattr(state, name) == getattr(default, name) != raw
        elif hasattr(state, name):
            assert getattr(state, name) == raw  # a valid neighbour parameter is kept


def test_each_page_reads_its_own_fallbacks() -> None:
    # A level the page cannot show: named, and the page's own level instead.
    carte = MapState.from_query({"niveau": "france"})
    assert carte.niveau == "departement" and "indisponible sur la carte" in carte.errors[0]
    prio = PrioritiesState.from_query({"niveau": "region"})
    assert prio.niveau == "epci" and "« niveau »" in prio.errors[0]
    assert "n'est pas classé ici" in prio.errors[0]
    sim = SimulationState.from_query({"niveau": "epci", "code": "200068781"})
    assert sim.code is None and sim.errors == [
        "Paramètre « niveau » : la simulation se fait dans une commune."
    ]
    # A parameter of another page is not this page's business.
    assert ProfileState.from_query({"niveau": "commune", "etp": "x"}).errors == []


def test_bad_code_is_not_kept() -> None:
    state = ProfileState.from_query({"niveau": "commune", "code": "26281' OR 1=1"})
    assert state.code is None


def test_compare_list_is_capped_and_roundtrips() -> None:
    keys = ",".join(f"commune:2628{i}" for i in range(8))
    state = CompareState.from_query({"territoires": keys})
    assert len(state.territoires) == 6
    assert any("Au plus 6" in e for e in state.errors)
    again = CompareState.from_query(state.to_query())
    assert again.territoires == state.territoires
    assert CompareState().to_query() == {}


def test_to_query_roundtrip() -> None:
    profile = ProfileState(niveau="epci", code="200068781")
    assert profile.to_query() == {"niveau": "epci", "code": "200068781"}
    back = ProfileState.from_query(profile.to_query())
    assert (back.niveau, back.code, back.errors) == ("epci", "200068781", [])

    # A single-vintage indicator carries no year; its classes only when not quantiles.
    carte = MapState(niveau="epci", indicateur="part_75_plus", annee=2019, methode="jenks")
    assert carte.to_query() == {"niveau": "epci", "indicateur": "part_75_plus", "methode": "jenks"}
    apl = MapState(niveau="commune", departement="26", annee=2019, methode="jenks", fond=True)
    assert apl.to_query() == {
        "niveau": "commune",
        "departement": "26",
        "indicateur": "apl_2023",
        "annee": "2019",
        "fond": "1",
    }
    again = MapState.from_query(apl.to_query())
    assert (again.niveau, again.departement, again.annee, again.fond) == (
        "commune",
        "26",
        2019,
        True,
    )


def test_etp_is_read_in_range_with_a_french_message_otherwise() -> None:
    assert SimulationState.from_query({"etp": "2,5"}).etp == 2.5
    state = SimulationState.from_query({"etp": "1e9"})
    assert state.etp == 2.0 and any("« etp »" in e for e in state.errors)
    assert SimulationState.from_query({"etp": "nan"}).errors
    assert SimulationState(code="26281", etp=3.0).to_query() == {
        "niveau": "commune",
        "code": "26281",
        "etp": "3",
    }


# --- Hand weights of the priorities page ---------------------------------------------------


def test_hand_weights_round_trip_through_the_url() -> None:
    from analytics.ranking import PERSONNALISE, parse_weights, preset_of, weights_param

    state = PrioritiesState.from_query({"poids": "distance:20,ecart_apl:30"})
    assert not state.errors
    assert state.poids["ecart_apl"] == 30 and state.poids["distance"] == 20
    assert sum(state.poids.values()) == 50  # every other component 0
    assert preset_of(state.poids) == PERSONNALISE
    # Written back in the components' order, zero weights left out.
    assert state.to_query() == {"niveau": "epci", "poids": "ecart_apl:30,distance:20"}
    assert parse_weights(weights_param(state.poids)) == state.poids


def test_a_preset_written_by_hand_is_recognised() -> None:
    from analytics.ranking import parse_weights, preset_of

    accès = "ecart_apl:40,personnes_concernees:35,distance:15,urgences:10"
    assert preset_of(parse_weights(accès)) == "Accès actuel"


def test_weight_shares_are_the_weights_over_their_total() -> None:
    from analytics.ranking import weight_shares

    # 45 + 20 + 55 = 120: 37,5 %, 16,7 %, 45,8 %.
    shares = weight_shares({"ecart_apl": 45, "tendance": 20, "distance": 55})
    assert shares["ecart_apl"] == pytest.approx(37.5)
    assert shares["tendance"] == pytest.approx(100 * 20 / 120)
    assert shares["urgences"] == 0
    assert sum(shares.values()) == pytest.approx(100)


def test_component_points_add_up_to_the_score() -> None:
    import pandas as pd

    from analytics.ranking import component_points
    from analytics.score import prepare_components, score

    # Two territories, APL gap and 75+ share weighted 50/50. APL 1 and 3 → gaps 0,75
    # and 0,25 → norm 1 and 0; 75+ shares 0,10 and 0,20 → norm 0 and 1.
    df = pd.DataFrame(
        {"code": ["a", "b"], "nom": ["A", "B"], "apl_2023": [1.0, 3.0], "part_75_plus": [0.1, 0.2]}
    )
    ranked = pd.concat(
        [df, score(prepare_components(df), {"ecart_apl": 50, "vieillissement": 50})], axis=1
    )
    points = component_points(ranked).set_index("code")
    assert points.loc["a", "Points : Écart à l'APL cible"] == pytest.approx(50)
    assert points.loc["a", "Points : Part des 75 ans et plus"] == pytest.approx(0)
    assert points.loc["b", "Points : Part des 75 ans et plus"] == pytest.approx(50)
    assert points.loc["a", "Points : Distance au généraliste le plus proche"] == 0
