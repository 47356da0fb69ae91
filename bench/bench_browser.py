"""What a person waits for, in headless Chromium: ``python -m bench.bench_browser``.

Starts the app itself (:mod:`bench.server`, national database ``DESERTS_DB`` or
``data/deserts.duckdb``, nothing built) and drives the Debian ``chromium`` with Playwright
(``executable_path``; WebGL through SwiftShader, i.e. on the CPU). Each page is opened in a
fresh browser context (a new tab with an empty cache) and timed

* until **idle**: Streamlit's script run is over (the app root's ``data-test-script-state``
  back to ``notRunning`` and staying so for 0,4 s; the time is that of the transition);
* until **drawn**: its main map has coloured pixels (deck.gl canvas, read back from
  screenshots) or its main plotly chart has traces.

Then the in-page interactions are timed the same way, from the click or key press: the
weighting preset, a weight, the level on the priorities page and on the map (until the new
map is drawn), adding a territory to a comparison, the simulation's slider. The first
pass fills the server's caches (« froid »); the medians of the ``--runs`` next passes are
the figures (« médiane »). Targets (perceived speed): every page idle ≤ 2,5 s in a fresh
tab, every interaction ≤ 1 s, a map level change ≤ 3 s drawn.

``--root /path/to/checkout`` serves another checkout of the project with the same
scenarios (a before/after on one machine); the machine's load is printed with the table.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from analytics.db import db_path
from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, machine_load, serve

VIEWPORT = {"width": 1400, "height": 1000}
QUIET_MS = 400  # idle must last this long (a run may chain another: st.rerun, fragments)

# Logs every change of Streamlit's script state with its time (ms since the epoch), and the
# first time a plotly chart has traces: read back by the benchmark.
INIT_SCRIPT = """
window.__bench = {log: [], plot: null};
setInterval(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const s = app ? app.getAttribute('data-test-script-state') : 'absent';
  const log = window.__bench.log;
  if (!log.length || log[log.length - 1][0] !== s) log.push([s, Date.now()]);
  if (window.__bench.plot === null &&
      document.querySelector('.js-plotly-plot .main-svg g.trace')) {
    window.__bench.plot = Date.now();
  }
}, 15);
"""

DECK = '[data-testid="stDeckGlJsonChart"] canvas'


def now_ms() -> float:
    return time.time() * 1000.0


def wait_idle(page, since_ms: float, timeout: float = 180.0) -> float:
    """Epoch ms at which the script run started after ``since_ms`` ended (idle for good)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        log = page.evaluate("window.__bench ? window.__bench.log : []")
        ran = any(s in ("running", "rerunRequested") and t >= since_ms - 50 for s, t in log)
        if ran and log and log[-1][0] == "notRunning" and now_ms() - log[-1][1] >= QUIET_MS:
            return log[-1][1]
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError(page.locator('[data-testid="stException"]').first.inner_text())
        page.wait_for_timeout(50)
    raise TimeoutError(f"pas de fin d'exécution en {timeout:.0f} s ({page.url})")


def _canvas_state(page, index: int) -> tuple[int, str]:
    """(coloured pixels, digest) of the ``index``-th deck.gl canvas."""
    import numpy as np
    from PIL import Image

    png = page.locator(DECK).nth(index).screenshot()
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    spread = img.max(axis=2) - img.min(axis=2)
    return int((spread > 60).sum()), hashlib.sha1(img.tobytes()).hexdigest()


def wait_deck(
    page, threshold: int, index: int = 0, before: str | None = None, timeout: float = 180.0
) -> float:
    """Epoch ms when the ``index``-th map shows ≥ ``threshold`` coloured pixels (and, when
    ``before`` is given, an image different from it, the same on two reads)."""
    page.locator(DECK).nth(index).wait_for(timeout=timeout * 1000)
    deadline = time.time() + timeout
    previous, first_seen = None, 0.0
    while time.time() < deadline:
        t = now_ms()
        pixels, digest = _canvas_state(page, index)
        if pixels >= threshold and (before is None or digest != before):
            if before is None:
                return t
            if digest == previous:
                return first_seen
            previous, first_seen = digest, t
        page.wait_for_timeout(100)
    raise TimeoutError(f"carte non dessinée en {timeout:.0f} s ({page.url})")


TRACES = ".js-plotly-plot .main-svg g.trace"


def wait_plot(page, timeout: float = 60.0) -> float:
    page.locator(TRACES).first.wait_for(timeout=timeout * 1000)
    return page.evaluate("window.__bench.plot") or now_ms()


def wait_more_traces(page, before: int, timeout: float = 60.0) -> float:
    """Epoch ms when the charts hold more traces than ``before`` (a territory added)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if page.locator(TRACES).count() > before:
            return now_ms()
        page.wait_for_timeout(50)
    raise TimeoutError("graphiques non redessinés")


@dataclass
class Step:
    """A page opened in a fresh tab, then interactions in that tab."""

    name: str
    path: str
    figure: str = ""  # "deck", "plot" or nothing
    threshold: int = 5_000
    actions: list[tuple[str, Callable]] = field(default_factory=list)


# --- Interactions: each returns the epoch ms of the user's action and a "drawn" waiter ---


def _select(page, label: str, option: str) -> float:
    """Choose ``option`` in the select box labelled ``label``; epoch ms of the click.

    The list is opened again when a render closed it before the option showed."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    for _attempt in range(5):
        box.locator('[role="combobox"], input').first.click()
        opt = page.get_by_role("option", name=option, exact=True).first
        try:
            opt.wait_for(timeout=5_000)
            t = now_ms()
            opt.click(timeout=5_000)
        except Exception:  # noqa: BLE001 - the list closed under us: open it again
            page.keyboard.press("Escape")
            continue
        return t
    raise TimeoutError(f"option « {option} » introuvable dans « {label} »")


def _slider_key(page, label: str, key: str, container: str = "stSlider") -> float:
    box = page.locator(f'[data-testid="{container}"]').filter(has_text=label).first
    thumb = box.get_by_role("slider").first
    thumb.focus()
    t = now_ms()
    thumb.press(key)
    return t


def preset_change(page):
    return _select(page, "Pondération", "Vieillissement"), None


def weight_change(page):
    page.get_by_text("Ajuster les poids des composantes").first.click()
    page.wait_for_timeout(300)
    return _slider_key(page, "Écart", "ArrowRight"), None


def priorities_level(page):
    label = page.locator('[data-testid="stRadio"] label').filter(has_text="Département").first
    t = now_ms()
    label.click()
    return t, None


def _map_level(option: str, code: str, threshold: int):
    def act(page):
        _pixels, before = _canvas_state(page, 0)
        t = _select(page, "Niveau", option)

        def drawn() -> float:
            # The run that follows the choice writes it into the URL (the permalink).
            page.wait_for_url(f"**niveau={code}**", timeout=60_000)
            return wait_deck(page, threshold, before=before)

        return t, drawn

    return act


def compare_add(page):
    box = page.get_by_label("Ajouter un territoire")
    box.fill("Lacaune")
    box.press("Enter")
    button = page.get_by_role("button", name="Lacaune").first
    button.wait_for(timeout=60_000)
    wait_idle(page, now_ms() - 10_000)
    traces = page.locator(TRACES).count()
    t = now_ms()
    button.click()
    return t, lambda: wait_more_traces(page, traces)


def simulation_slider(page):
    _pixels, before = _canvas_state(page, 1)
    t = _slider_key(page, "Médecins généralistes", "ArrowRight", container="stSlider")
    return t, lambda: wait_deck(page, 1_000, index=1, before=before)


STEPS = [
    Step("accueil", ""),
    Step("carte, départements", "Carte?niveau=departement&indicateur=apl_2023", "deck"),
    Step(
        "carte, communes de France",
        "Carte?niveau=commune&indicateur=apl_2023",
        "deck",
        20_000,
    ),
    Step(
        "carte (dép.)",
        "Carte?niveau=departement&indicateur=apl_2023",
        "deck",
        actions=[
            ("→ niveau communes", _map_level("Commune", "commune", 20_000)),
            ("→ niveau EPCI", _map_level("EPCI", "epci", 5_000)),
            ("→ niveau régions", _map_level("Région", "region", 5_000)),
        ],
    ),
    Step("profil commune (Lacaune)", "Territoire?niveau=commune&code=81124", "plot"),
    Step("profil EPCI", "Territoire?niveau=epci&code=200068781", "plot"),
    Step(
        "priorités (EPCI)",
        "Priorites?niveau=epci",
        "deck",
        actions=[
            ("→ préréglage", preset_change),
            ("→ un poids", weight_change),
            ("→ niveau départements", priorities_level),
        ],
    ),
    Step(
        "comparer (2 territoires)",
        "Comparer?territoires=departement:81,epci:200068781",
        "plot",
        actions=[("→ ajout d'un territoire", compare_add)],
    ),
    Step(
        "simuler (Lacaune, 2 ETP)",
        "Simuler?niveau=commune&code=81124&etp=2",
        "deck",
        actions=[("→ curseur des médecins", simulation_slider)],
    ),
    Step("sources et méthodes", "Sources_et_m%C3%A9thodes"),
]


def run_step(browser, base: str, step: Step) -> dict[str, float | None]:
    """Seconds of each measure of ``step`` in a fresh context (empty cache); ``None`` for
    a measure that failed (timeout, exception shown), the failure printed."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    out: dict[str, float | None] = {}
    measure = "inactif"
    try:
        t0 = now_ms()
        page.goto(f"{base}/{step.path}", wait_until="commit")
        out["inactif"] = (wait_idle(page, t0) - t0) / 1000
        measure = "dessiné"
        if step.figure == "deck":
            out["dessiné"] = (wait_deck(page, step.threshold) - t0) / 1000
        elif step.figure == "plot":
            out["dessiné"] = (wait_plot(page) - t0) / 1000
        for name, act in step.actions:
            measure = name
            t, drawn = act(page)
            out[name] = (wait_idle(page, t) - t) / 1000
            if drawn is not None:
                measure = f"{name}, dessiné"
                out[measure] = (drawn() - t) / 1000
    except Exception as exc:  # noqa: BLE001 - reported, the other steps go on
        out[measure] = None
        print(f"échec : {step.name}, {measure} : {str(exc)[:300]}", file=sys.stderr, flush=True)
    finally:
        context.close()
    return out


def _page_name(path: str) -> str:
    return path.split("?")[0] or "app"


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="passes after the cold one")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout served")
    parser.add_argument("--only", default="", help="steps whose name contains this text")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium absent ({CHROMIUM}) : apt-get install chromium", file=sys.stderr)
        return 1
    steps = [s for s in STEPS if args.only in s.name]
    results: dict[str, dict[str, list[float | None]]] = {s.name: {} for s in steps}
    with serve(db_path(), root=args.root) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        print(f"application : {args.root} ; {machine_load()}", flush=True)
        for run in range(args.runs + 1):
            for step in steps:
                for k, v in run_step(browser, server.url, step).items():
                    results[step.name].setdefault(k, []).append(v)
                    shown = "échec" if v is None else f"{v:.2f} s".replace(".", ",")
                    print(f"  passage {run} — {step.name}, {k} : {shown}", flush=True)
        browser.close()
    print(f"{'étape':<44} {'froid (s)':>9} {'médiane (s)':>11}  cible")
    for step in steps:
        for measure, values in results[step.name].items():
            name = f"{step.name}, {measure}" if not measure.startswith("→") else f"  {measure}"
            target = (
                "≤ 2,5 s"
                if measure == "inactif"
                else "≤ 3 s"
                if "niveau" in measure and "dessiné" in measure and "carte" in step.name
                else "≤ 1 s"
                if measure.startswith("→") and "dessiné" not in measure
                else ""
            )
            cold = "échec" if values[0] is None else f"{values[0]:.2f}"
            ok = [v for v in values[1:] if v is not None]
            warm = f"{statistics.median(ok):.2f}" if ok else "échec"
            failed = sum(v is None for v in values[1:])
            note = f" ({failed} échec(s))" if failed else ""
            print(f"{name:<44} {cold:>9} {warm:>11}  {target}{note}".replace(".", ","), flush=True)
    print(machine_load())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
