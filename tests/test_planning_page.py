"""The « Planifier » page with Streamlit's AppTest, on the mini database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/7_Planifier.py"
# In the mini mirror, the CC de la Dombes holds one commune under 2,5 (L'Abergement-
# Clémenciat, APL 2023 1,942); CA Valence Romans none (Romans 3,2, Valence 4,4).
DOMBES, VALENCE_ROMANS = "200069193", "200068781"


@pytest.fixture(autouse=True)
def _mini(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))


def _page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page(PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.markdown, *at.caption, *at.info, *at.warning])


def test_without_a_zone_the_page_asks_for_one() -> None:
    at = _page()
    assert not at.exception, at.exception
    assert "Choisissez au moins un territoire" in " ".join(i.value for i in at.info)


def test_a_plan_of_one_centre_lifts_the_under_served_commune() -> None:
    at = _page(niveau="epci", zone=DOMBES, sites="1", budget="1", etp_max="1")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    text = _text(at)
    assert "L'Abergement-Clémenciat" in text
    assert "Solveur HiGHS" in text
    metric = next(m for m in at.metric if m.label == "Médecins à temps plein placés")
    assert metric.value == "1"
    assert len(at.get("deck_gl_json_chart")) == 2  # before / after


def test_a_zone_without_under_served_commune_gets_a_french_message() -> None:
    at = _page(niveau="epci", zone=VALENCE_ROMANS)
    assert not at.exception, at.exception
    assert any("n'est sous-dense" in e.value for e in at.error), [e.value for e in at.error] + [
        w.value for w in at.warning
    ]


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"sites": "abc"}, "« sites »"),
        ({"budget": "0"}, "« budget »"),
        ({"ressource": "fusee"}, "« ressource »"),
        ({"zone": "??"}, "« zone »"),
    ],
)
def test_bad_parameters_are_named_in_french(params, word) -> None:
    at = _page(niveau="epci", **{"zone": DOMBES, **params})
    assert not at.exception, at.exception
    # a bad parameter is named, its default used, and the page goes on
    shown = [m.value for m in [*at.warning, *at.error]]
    assert any(word in m for m in shown), shown


def test_more_sites_than_candidates_is_named() -> None:
    at = _page(niveau="epci", zone=DOMBES, sites="5", budget="5")
    assert not at.exception, at.exception
    assert any("« sites » : 5 sites demandés pour 1 commune" in e.value for e in at.error), [
        e.value for e in at.error
    ]


def test_medicobus_mode_shows_the_stops_and_the_timetable() -> None:
    at = _page(
        niveau="epci", zone=DOMBES, ressource="medicobus", arrets="1", jours="1", semaines="2"
    )
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    headers = [h.value for h in at.subheader]
    assert "Calendrier du cycle" in headers
    assert "Arrêts et pourquoi" in headers
