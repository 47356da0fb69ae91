"""In Chromium: what the priorities, sharing and accessibility changes look like to a user."""

from __future__ import annotations

import pytest

from tests.test_browser import open_page

pytestmark = [pytest.mark.browser, pytest.mark.mirror]


def _wait_idle(page) -> None:
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=60_000
    )
    page.wait_for_timeout(800)


def test_priorities_survive_a_visit_to_the_map(browser, app_url) -> None:
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


def test_document_is_french_and_the_link_can_be_copied(browser, app_url) -> None:
    page = open_page(browser, f"{app_url}/Priorites?niveau=epci", "priorites_fr", "Pourquoi")
    page.wait_for_function("() => document.documentElement.lang === 'fr'", timeout=30_000)
    text = page.inner_text("body")
    assert "Skip to main content" not in text
    button = page.get_by_role("button", name="Copier le lien")
    assert button.count() == 1
    # Keyboard focus on a menu link is visible (an outline is drawn).
    link = page.get_by_role("link", name="Carte").first
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = link.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("none", "")
    page.close()
