"""Time to a drawn map in headless Chromium: ``python -m bench.bench_browser``.

Starts the app on the national database (``DESERTS_DB`` or ``data/deserts.duckdb``),
opens the map page in the Debian ``chromium`` (Playwright, ``executable_path``; WebGL
through SwiftShader, i.e. on the CPU) and measures, for each map, the time from
navigation to a deck.gl canvas with the choropleth drawn (coloured pixels counted on
canvas screenshots every 0.2 s), and the time to the home page's key figures. The first load fills the server caches (cold); the
median of the next ``--runs`` loads is the warm figure. The payload column is the deck
spec Streamlit sends (before websocket compression).
"""

from __future__ import annotations

import argparse
import statistics
import time

from analytics.db import db_path
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, _deck_pixels, serve_app

MAPS = {
    "régions": ("niveau=region&indicateur=apl_2023&annee=2023", 5_000),
    "départements": ("niveau=departement&indicateur=apl_2023&annee=2023", 5_000),
    "EPCI": ("niveau=epci&indicateur=apl_2023&annee=2023", 5_000),
    "communes, France": ("niveau=commune&indicateur=apl_2023&annee=2023", 20_000),
    "communes, Drôme": ("niveau=commune&departement=26&indicateur=apl_2023&annee=2023", 5_000),
}


def time_to_map(browser, url: str, threshold: int, timeout: float = 120.0) -> tuple[float, str]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    t0 = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(timeout=timeout * 1000)
    while _deck_pixels(page) < threshold:
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(url)
        page.wait_for_timeout(200)
    elapsed = time.perf_counter() - t0
    caption = page.get_by_text("envoyés au navigateur").first.inner_text()
    page.close()
    return elapsed, caption.split(";")[-1].strip()


def time_to_text(browser, url: str, text: str, timeout: float = 60.0) -> float:
    """Seconds from navigation to ``text`` shown (the page's first useful render)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    t0 = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text(text).first.wait_for(timeout=timeout * 1000)
    elapsed = time.perf_counter() - t0
    page.close()
    return elapsed


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with serve_app(db_path(), DESERTS_WARM_EXPORTS="0") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        home = [time_to_text(browser, base, "France : chiffres clés") for _ in range(args.runs + 1)]
        print(
            f"accueil, chiffres clés affichés : premier {home[0]:.2f} s, "
            f"médiane suivante {statistics.median(home[1:]):.2f} s (cible ≤ 2 s)"
        )
        print(f"{'carte':<20} {'froid (s)':>9} {'chaud méd. (s)':>14}  envoi")
        for name, (query, threshold) in MAPS.items():
            url = f"{base}/Carte?{query}"
            cold, payload = time_to_map(browser, url, threshold)
            warm = [time_to_map(browser, url, threshold)[0] for _ in range(args.runs)]
            print(f"{name:<20} {cold:>9.2f} {statistics.median(warm):>14.2f}  {payload}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
