"""In Chromium: what the priorities, sharing and accessibility changes look like to a user."""

from __future__ import annotations

import pytest

from tests.test_browser import app_url, browser, open_page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.mirror]


def _wait_idle(page) -> None:
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=60_000
    )
    page.wait_for_timeout(800)


def test_priorities_survive_a_visit_to_the_map(browser, app_url) -> None:  # noqa: F811
    page = open_page(browser, f"{app_url}/Priorites?niveau=epci", "priorites_aller", "Pourquoi")
    for _ in range(2):  # the bug struck on every second visit
        page.get_by_role("link", name="Carte").first.click()
        page.get_by_text("Niveau", exact=False).first.wait_for(timeout=60_000)
        _wait_idle(page)
        page.get_by_role("link", name="Priorités").first.click()
        page.get_by_text("Pourquoi", exact=False).first.wait_for(timeout=60_000)
        _wait_idle(page)
        text = page.inner_text("body")
        assert "Donnez un poids positif" not in text
        assert "Poids appliqués (total 100)" in text
    page.close()
