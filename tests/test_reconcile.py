"""The « chiffres clés » cards: each quoted figure with a real source, date and link."""

from __future__ import annotations

import pytest

from analytics import db, views
from analytics.reconcile import source_label


@pytest.fixture(scope="module")
def cards(national_db):
    """The cards from the national database (the real CNAM figures table)."""
    con = db.connect(national_db)
    yield views.methods(con).reconciliation
    con.close()


@pytest.mark.mirror
def test_every_card_has_a_source_a_date_and_a_web_link(cards) -> None:
    assert len(cards) >= 5
    for card in cards.to_dict("records"):
        assert card["Source"] and card["Date"], card
        assert card["Lien"].startswith("https://"), card
        text = " ".join(map(str, card.values()))
        assert "DOMAIN" not in text and "exemple de terrain" not in text


@pytest.mark.mirror
def test_six_million_card_links_to_a_page_about_that_figure(cards) -> None:
    card = cards[cards["Chiffre cité"].str.startswith("6 millions")].iloc[0]
    # Not the Quotidien du médecin article on 620 000 ALD patients.
    assert "620-000" not in card["Lien"]
    assert "6-millions" in card["Lien"]


@pytest.mark.mirror
def test_three_point_eight_million_card_has_its_year_and_link(cards) -> None:
    card = cards[cards["Chiffre cité"].str.startswith("3,8 millions")].iloc[0]
    assert "2018" in card["Chiffre cité"] and "2020" in card["Date"]
    assert "38-millions" in card["Lien"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Cnam (communique a Egora)", "Cnam (communiqué à Egora)"),
        ("Cnam (cite par la presse)", "Cnam (cité par la presse)"),
        ("Cnam (ameli.fr, bilan plan d actions)", "Cnam (ameli.fr, bilan du plan d'actions)"),
        ("Cnam", "Cnam"),
    ],
)
def test_source_labels_get_their_accents(raw: str, shown: str) -> None:
    assert source_label(raw) == shown
