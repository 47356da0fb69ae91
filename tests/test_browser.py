"""Every page in a real headless Chromium (Debian package, driven by Playwright).

Starts the app on a free local port against the national database, loads each page,
waits for Streamlit to finish running it, checks the key elements are there and that no
exception is shown, and saves a screenshot under ``artifacts/screenshots``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.mirror]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"


def open_page(browser, url: str, shot: str, expect: str, timeout: float = 60_000):
    """Load ``url``, wait for ``expect`` to be shown and the script run to finish."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text(expect, exact=False).first.wait_for(timeout=timeout)
    # Streamlit shows a status widget while the script runs: wait until it is gone.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""",
        timeout=timeout,
    )
    page.wait_for_timeout(1000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")
    return page


def test_home(browser, app_url) -> None:
    page = open_page(browser, app_url, "accueil", "France : chiffres clés")
    text = page.inner_text("body")
    assert "France : chiffres clés" in text
    assert "APL 2023" in text
    assert "3,74" in text
    page.close()


def _deck_pixels(page) -> int:
    """Coloured (non-grey, non-white) pixels drawn by deck.gl in the first map."""
    import io

    import numpy as np
    from PIL import Image

    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(timeout=60_000)
    img = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")).astype(int)
    spread = img.max(axis=2) - img.min(axis=2)
    return int((spread > 60).sum())


def test_map_page_draws_the_choropleth(browser, app_url) -> None:
    start = time.perf_counter()
    page = open_page(
        browser,
        f"{app_url}/Carte?niveau=departement&indicateur=apl_2023&annee=2023",
        "carte_departements",
        "par département",
    )
    deadline = time.time() + 60
    while _deck_pixels(page) < 5000 and time.time() < deadline:
        page.wait_for_timeout(500)
    print(f"\ncarte départements rendue en {time.perf_counter() - start:.1f} s")
    assert _deck_pixels(page) >= 5000, "la carte deck.gl n'a rien dessiné"
    page.screenshot(path=str(SHOTS / "carte_departements.png"), full_page=True)
    text = page.inner_text("body")
    assert "Sous-dense : moins de 2,5" in text  # the legend
    assert "Mo envoyés au navigateur" in text
    page.close()


def test_national_commune_map_renders(browser, app_url) -> None:
    start = time.perf_counter()
    page = open_page(
        browser,
        f"{app_url}/Carte?niveau=commune&indicateur=apl_2023&annee=2023",
        "carte_communes",
        "par commune",
        timeout=120_000,
    )
    deadline = time.time() + 120
    while _deck_pixels(page) < 20000 and time.time() < deadline:
        page.wait_for_timeout(500)
    elapsed = time.perf_counter() - start
    print(f"\ncarte nationale des communes rendue en {elapsed:.1f} s")
    assert _deck_pixels(page) >= 20000
    page.screenshot(path=str(SHOTS / "carte_communes.png"), full_page=True)
    page.close()


def test_profile_page_and_downloads(browser, app_url, tmp_path) -> None:
    import io

    from pypdf import PdfReader

    page = open_page(
        browser,
        f"{app_url}/Territoire?niveau=commune&code=26198",
        "profil_montelimar",
        "Montélimar",
    )
    text = page.inner_text("body")
    assert "Indicateurs, comparés au département" in text
    assert "Score de besoin" in text

    with page.expect_download() as info:
        page.get_by_role("button", name="Données (CSV)").first.click()
    csv = Path(info.value.path()).read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    assert b";" in csv.splitlines()[0]

    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Fiche du territoire (PDF, une page)").click()
    pdf = Path(info.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "Montélimar" in reader.pages[0].extract_text()
    page.close()


def test_map_png_download(browser, app_url) -> None:
    from PIL import Image

    page = open_page(
        browser,
        f"{app_url}/Carte?niveau=region&indicateur=apl_2023&annee=2023",
        "carte_regions",
        "par région",
    )
    page.get_by_role("button", name="Télécharger la carte").click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Carte (PNG, légende et source)").click()
    img = Image.open(info.value.path())
    assert img.format == "PNG" and img.width == 1200
    page.close()


@pytest.mark.parametrize(
    ("path", "shot", "expect"),
    [
        (
            "/Comparer?territoires=departement:23,departement:75",
            "comparer",
            "Indicateurs côte à côte",
        ),
        ("/Priorites?niveau=epci", "priorites", "Pourquoi"),
        ("/Sources_et_m%C3%A9thodes", "sources", "Définitions des indicateurs"),
        ("/Simuler?niveau=commune&code=58062&etp=3", "simulation", "Habitants sortis"),
        ("/Territoire?niveau=commune&code=abc%3Cscript%3E", "parametre_invalide", "invalide"),
    ],
)
def test_other_pages(browser, app_url, path, shot, expect) -> None:
    page = open_page(browser, f"{app_url}{path}", shot, expect)
    page.close()
