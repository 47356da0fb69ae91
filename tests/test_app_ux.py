"""AppTest: a profile's memberships, how a search result matched, sharing and a11y helpers."""

from __future__ import annotations

import pytest

from tests.test_app_pages import _page


@pytest.fixture(autouse=True)
def _mini(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))


def _links(at) -> dict[str, str]:
    return {link.proto.label: link.proto.query_string for link in at.get("page_link")}


def test_commune_profile_names_and_links_its_epci_departement_and_region() -> None:
    # tests/mini_mirror.py: Romans-sur-Isère is in the CA Valence Romans Agglo, the
    # Drôme (26) and Auvergne-Rhône-Alpes (84).
    at = _page("territoire", niveau="commune", code="26281")
    assert not at.exception
    links = _links(at)
    assert sorted(links["Intercommunalité : CA Valence Romans Agglo"].split("&")) == [
        "code=200068781",
        "niveau=epci",
    ]
    assert "code=26" in links["Département : Drôme"]
    assert "code=84" in links["Région : Auvergne-Rhône-Alpes"]


def test_region_profile_has_no_membership_links() -> None:
    at = _page("territoire", niveau="region", code="84")
    assert not at.exception
    assert not [label for label in _links(at) if label.startswith(("Intercommunalité", "Région :"))]


def test_search_result_says_it_matched_a_postcode() -> None:
    at = _page("territoire")
    at.text_input(key="recherche_profil").input("26000").run()
    labels = list(_links(at))
    assert any(
        label.startswith("Romans-sur-Isère (Drôme, 26) — code postal 26000") for label in labels
    ), labels
