"""URL parameters: valid ones restore the state, bad ones are reported and ignored."""

from __future__ import annotations

import pytest

from analytics.permalink import PageState, parse_state, to_params


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"niveau": "commune", "code": "26281"}, ("commune", "26281", "apl_2023", 2023)),
        ({"niveau": "commune", "code": "2A004"}, ("commune", "2A004", "apl_2023", 2023)),
        ({"niveau": "epci", "code": "200068781"}, ("epci", "200068781", "apl_2023", 2023)),
        ({"niveau": "departement", "code": "974"}, ("departement", "974", "apl_2023", 2023)),
        (
            {"indicateur": "part_75_plus", "annee": "2019"},
            ("departement", None, "part_75_plus", 2019),
        ),
        ({"niveau": ["region"], "code": ["84"]}, ("region", "84", "apl_2023", 2023)),
    ],
)
def test_valid_parameters_restore_state(params, expected) -> None:
    state = parse_state(params)
    assert (state.niveau, state.code, state.indicateur, state.annee) == expected
    assert state.errors == []


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"niveau": "'; DROP TABLE indicateurs; --"}, "« niveau »"),
        ({"niveau": "commune", "code": "1001"}, "« code »"),
        ({"niveau": "commune", "code": "26281' OR 1=1"}, "« code »"),
        ({"indicateur": "population; SELECT"}, "« indicateur »"),
        ({"indicateur": "__class__"}, "« indicateur »"),
        ({"annee": "2020"}, "« annee »"),
        ({"annee": "9" * 500}, "« annee »"),
        ({"territoires": "commune:26281,foo:bar"}, "« territoires »"),
    ],
)
def test_bad_parameters_are_named_and_ignored(params, parameter) -> None:
    state = parse_state(params)
    assert len(state.errors) == 1 and parameter in state.errors[0]
    default = PageState()
    bad = parameter.strip("« »")
    for name, raw in params.items():
        if name == bad and name == "territoires":
            assert state.territoires == [("commune", "26281")]  # the valid key only
        elif name == bad:
            # The bad value is never kept: the default takes its place.
            assert getattr(state, name) == getattr(default, name) != raw
        else:
            assert getattr(state, name) == raw  # a valid neighbour parameter is kept


def test_bad_code_is_not_kept() -> None:
    state = parse_state({"niveau": "commune", "code": "26281' OR 1=1"})
    assert state.code is None


def test_compare_list_is_capped_and_roundtrips() -> None:
    keys = ",".join(f"commune:2628{i}" for i in range(8))
    state = parse_state({"territoires": keys})
    assert len(state.territoires) == 6
    assert any("Au plus 6" in e for e in state.errors)
    again = parse_state(to_params(state, ("territoires",)))
    assert again.territoires == state.territoires


def test_to_params_roundtrip() -> None:
    state = PageState(niveau="epci", code="200068781", indicateur="part_75_plus", annee=2019)
    params = to_params(state, ("niveau", "code", "indicateur", "annee"))
    assert params == {
        "niveau": "epci",
        "code": "200068781",
        "indicateur": "part_75_plus",
        "annee": "2019",
    }
    back = parse_state(params)
    assert (back.niveau, back.code, back.indicateur, back.annee) == (
        "epci",
        "200068781",
        "part_75_plus",
        2019,
    )


def test_etp_is_read_in_range_with_a_french_message_otherwise() -> None:
    from analytics.permalink import PageState, parse_state, to_params

    assert parse_state({"etp": "2,5"}).etp == 2.5
    state = parse_state({"etp": "1e9"})
    assert state.etp == 2.0 and any("« etp »" in e for e in state.errors)
    assert parse_state({"etp": "nan"}).errors
    assert to_params(PageState(etp=3.0), ("etp",)) == {"etp": "3"}


# --- Hand weights of the priorities page ---------------------------------------------------


def test_hand_weights_round_trip_through_the_url() -> None:
    from analytics.ranking import PERSONNALISE, parse_weights, preset_of, weights_param

    state = parse_state({"poids": "distance:20,ecart_apl:30"})
    assert not state.errors
    assert state.poids["ecart_apl"] == 30 and state.poids["distance"] == 20
    assert sum(state.poids.values()) == 50  # every other component 0
    assert preset_of(state.poids) == PERSONNALISE
    # Written back in the components' order, zero weights left out.
    assert to_params(state, ("poids",)) == {"poids": "ecart_apl:30,distance:20"}
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
