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
