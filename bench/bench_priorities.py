"""Re-ranking after a weight change, and the territory PDF: ``python -m bench.bench_priorities``.

On the national database (``DESERTS_DB`` or ``data/deserts.duckdb``), for the communes
(≈ 35,000), the EPCI and the départements: the median time of :func:`analytics.views.rank`
(score, decomposition and sort, what the priorities page does when a slider moves; the
component normalisation is cached at build of the view), against a naive version that
scores each territory in a Python loop over its row. Then the median time of the one-page
PDF report (data, small map PNG, PDF) for a commune, an EPCI and a département.
Then the what-if simulation (a centre of 3 FTE) in three communes.
Targets: re-ranking ≤ 300 ms (also with the dental component of the « Centre
pluriprofessionnel » preset); PDF ≤ 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from analytics import views
from analytics.db import connect
from analytics.report import render_pdf
from analytics.score import COMPONENTS, PRESETS
from analytics.simulation import simulate_centre


def naive_rank(data: views.PriorityData, weights: dict[str, float]) -> pd.DataFrame:
    """The same weighted mean, one territory at a time (the obvious loop; no floor)."""
    rows = []
    for i, comp in data.components.iterrows():
        total, parts = 0.0, {}
        for c in COMPONENTS:
            v = comp.get(f"norm_{c.key}")
            if weights.get(c.key, 0) > 0 and pd.notna(v):
                total += weights[c.key]
                parts[c.key] = weights[c.key] * v
        score = 100 * sum(parts.values()) / total if total else np.nan
        rows.append({"i": i, "score": score})
    out = pd.DataFrame(rows).set_index("i")
    return pd.concat([data.territories, out], axis=1).sort_values("score", ascending=False)


def timed(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    con = connect()
    presets = list(PRESETS.values())
    print(f"{'niveau':<12} {'territoires':>11} {'rank (ms)':>10} {'naïf (ms)':>10} {'ratio':>7}")
    for niveau in views.PRIORITY_LEVELS:
        data = views.priorities(con, niveau)
        # Each fast run takes the next preset: a real weight change every time.
        turns = iter(range(10**9))
        fast = timed(
            lambda d=data, t=turns: views.rank(d, presets[next(t) % len(presets)]), args.runs
        )
        slow = timed(lambda d=data: naive_rank(d, presets[0]), max(1, args.runs // 3))
        print(
            f"{niveau:<12} {len(data.territories):>11} {fast * 1000:>10.1f} "
            f"{slow * 1000:>10.0f} {slow / fast:>6.0f}×"
        )
        # The dental component on: the multi-professional centre preset alone.
        pluri = PRESETS["Centre pluriprofessionnel"]
        fast = timed(lambda d=data, w=pluri: views.rank(d, w), args.runs)
        slow = timed(lambda d=data, w=pluri: naive_rank(d, w), max(1, args.runs // 3))
        print(
            f"{'  + dentaire':<12} {len(data.territories):>11} {fast * 1000:>10.1f} "
            f"{slow * 1000:>10.0f} {slow / fast:>6.0f}×"
        )
    print()
    print(f"{'fiche PDF':<28} {'médiane (s)':>11} {'octets':>9}")
    for niveau, code in (("commune", "26198"), ("epci", "200040715"), ("departement", "23")):
        size = 0

        def make(niveau: str = niveau, code: str = code) -> None:
            nonlocal size
            size = len(render_pdf(views.territory_report(con, niveau, code)))

        med = timed(make, max(1, args.runs // 2))
        print(f"{niveau + ' ' + code:<28} {med:>11.2f} {size:>9}")
    print()
    print(f"{'simulation (3 ETP)':<28} {'médiane (s)':>11} {'communes':>9}")
    for code in ("58062", "26198", "75056"):
        sim = simulate_centre(con, code, 3)
        med = timed(lambda c=code: simulate_centre(con, c, 3), args.runs)
        print(f"{sim.nom[:28]:<28} {med:>11.3f} {len(sim.communes):>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
