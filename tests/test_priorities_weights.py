"""The priorities page's weights: kept across pages, reproduced from the URL, totalled."""

from __future__ import annotations

import pytest

from tests.test_app_pages import _page


@pytest.fixture(autouse=True)
def _mini(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))


def _sliders(at) -> dict[str, int]:
    return {s.label: s.value for s in at.slider}


def _preset(at) -> str:
    return next(s.value for s in at.selectbox if s.label == "Pondération")


def test_leaving_and_coming_back_keeps_the_ranking() -> None:
    # Every second visit used to lose the sliders' values while the « preset applied »
    # flag survived: « Donnez un poids positif… » and an empty page.
    at = _page("priorites", niveau="commune")
    first = at.dataframe[0].value["Territoire"].tolist()
    for _ in range(2):
        at.switch_page("pages/1_Carte.py").run()
        assert not at.exception
        at.switch_page("pages/4_Priorites.py").run()
        assert not at.exception
        assert not at.error, [e.value for e in at.error]
        assert _preset(at) == "Équilibré"
        assert _sliders(at)["Écart à l'APL cible"] == 25  # the preset's weight, not 0
        assert at.dataframe[0].value["Territoire"].tolist() == first


def test_hand_weights_survive_a_visit_elsewhere() -> None:
    at = _page("priorites")  # EPCI, the level the menu opens
    before = at.dataframe[0].value["Territoire"].tolist()
    for slider in at.slider:
        slider.set_value(100 if slider.label == "Part des 75 ans et plus" else 0)
    at.run()
    hand = at.dataframe[0].value["Territoire"].tolist()
    assert hand != before
    at.switch_page("pages/3_Comparer.py").run()
    at.switch_page("pages/4_Priorites.py").run()
    assert not at.error
    assert _preset(at) == "Personnalisé"
    assert _sliders(at)["Part des 75 ans et plus"] == 100
    assert at.dataframe[0].value["Territoire"].tolist() == hand


def test_moving_a_weight_says_personnalise_and_writes_the_weights_in_the_url() -> None:
    at = _page("priorites", niveau="commune", preset="Équilibré")
    assert at.query_params["preset"] == "Équilibré"
    next(s for s in at.slider if s.label == "Écart à l'APL cible").set_value(45).run()
    assert not at.exception
    assert _preset(at) == "Personnalisé"
    assert "preset" not in at.query_params
    # Équilibré with the APL gap at 45 instead of 25: the other weights unchanged.
    assert at.query_params["poids"] == (
        "ecart_apl:45,personnes_concernees:20,tendance:10,vieillissement:10,"
        "offre_plus_65:10,medecins_55_plus:5,distance:10,urgences:10"
    )
    # Total 120: said, with the share each weight really carries (45/120 = 37,5 %).
    warning = " ".join(w.value for w in at.warning)
    assert "totalisent 120" in warning and "Écart à l'APL cible 37,5 %" in warning
    # Back to the named preset: its weights, its name in the URL.
    next(s for s in at.selectbox if s.label == "Pondération").set_value("Tendance").run()
    assert _sliders(at)["Baisse de l'APL depuis 2015"] == 50
    assert at.query_params["preset"] == "Tendance" and "poids" not in at.query_params


def test_permalink_of_a_hand_weighted_ranking_reproduces_it() -> None:
    # The 75+ share alone: the mini mirror gives Ajaccio the oldest population (14 %) and
    # Paris the youngest (5,7 %; tests/mini_mirror.py).
    at = _page("priorites", niveau="commune", poids="vieillissement:100")
    assert not at.exception and not at.warning
    assert _preset(at) == "Personnalisé"
    sliders = _sliders(at)
    assert sliders["Part des 75 ans et plus"] == 100
    assert sum(sliders.values()) == 100
    table = at.dataframe[0].value
    order = table["Territoire"].tolist()
    # Territories without a score (Nouméa: too many components missing) come last, unranked.
    scored = table.loc[table["Score (0–100)"].notna(), "Territoire"].tolist()
    assert scored[0] == "Ajaccio" and scored[-1] == "Paris"
    assert at.query_params["poids"] == "vieillissement:100"
    # The same URL opened again (another session): the same ranking.
    again = _page("priorites", niveau="commune", poids=at.query_params["poids"])
    assert again.dataframe[0].value["Territoire"].tolist() == order


def test_link_with_other_weights_replaces_the_session_ones() -> None:
    at = _page("priorites", niveau="commune", poids="vieillissement:100")
    at.query_params["poids"] = "ecart_apl:100"
    at.run()
    assert _sliders(at)["Écart à l'APL cible"] == 100
    assert _sliders(at)["Part des 75 ans et plus"] == 0
    # APL gap only: L'Abergement-Clémenciat (APL 1,94) first.
    assert at.dataframe[0].value["Territoire"].tolist()[0] == "L'Abergement-Clémenciat"


@pytest.mark.parametrize(
    ("poids", "said"),
    [
        ("inconnue:30", "composante inconnue"),
        ("ecart_apl:30.5", "entier de 0 à 100"),
        ("ecart_apl:500", "entier de 0 à 100"),
        ("ecart_apl:0", "tous les poids sont nuls"),
        ("ecart_apl", "composante:poids"),
    ],
)
def test_bad_weights_in_the_url_are_named(poids: str, said: str) -> None:
    at = _page("priorites", niveau="commune", poids=poids)
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "« poids »" in warning and said in warning
    assert _preset(at) == "Équilibré"  # the default weighting instead
