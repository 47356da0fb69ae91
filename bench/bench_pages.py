"""Server-side run time of each page, warm: ``python -m bench.bench_pages``.

Runs every page with Streamlit's AppTest against the national database, once cold and
then N times warm (caches filled), and prints the median per page (target ≤ 1 s warm).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES: dict[str, dict[str, str]] = {
    "app.py": {},
    "pages/1_Carte.py": {"niveau": "departement", "indicateur": "apl_2023"},
    "pages/1_Carte.py?communes": {"niveau": "commune", "indicateur": "apl_2023"},
    "pages/2_Territoire.py": {"niveau": "epci", "code": "200068781"},
    "pages/2_Territoire.py?commune": {"niveau": "commune", "code": "26198"},
    "pages/3_Comparer.py": {"territoires": "departement:26,departement:07,epci:200068781"},
    "pages/4_Priorites.py": {"niveau": "epci"},
    "pages/5_Sources_et_méthodes.py": {},
    "pages/6_Simuler.py": {"niveau": "commune", "code": "58062", "etp": "3"},
}


def run_once(page: str, params: dict[str, str]) -> float:
    # app.py is the entry point, as in the running app (page links resolve against it).
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if page != "app.py":
        at.switch_page(page.split("?")[0])
    for k, v in params.items():
        at.query_params[k] = v
    t0 = time.perf_counter()
    at.run()
    dt = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    return dt


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'page':<40} {'cold (s)':>9} {'warm median (s)':>16}")
    for page, params in PAGES.items():
        if not (ROOT / page.split("?")[0]).exists():
            continue
        cold = run_once(page, params)
        warm = [run_once(page, params) for _ in range(args.runs)]
        print(f"{page:<40} {cold:9.2f} {statistics.median(warm):16.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
