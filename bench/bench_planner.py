"""Benchmark the fixed-centre planner: ``python -m bench.bench_planner [--runs 3]``.

On the national database (``data/deserts.duckdb``), HiGHS on one thread:

- Tarn (81) and Drôme (26), K = 5 sites / B = 10 FTE and K = 10 / B = 20, objectives
  « people lifted out of the sous-dense class » and « missing consultations filled »
  (target: optimal in ≤ 2 s);
- Occitanie (région 76), K = 20 / B = 40 (target: ≤ 30 s, gap ≤ 1 %);
- France, maximal covering of the people more than 20 estimated minutes from a GP
  practice, K = 100 (target: best plan and gap within 60 s);
- PySAL ``spopt`` MCLP (``MCLP.from_cost_matrix`` through PuLP + HiGHS) against our model
  on the same instance (Tarn, every commune weighted by its population, p = 5, 15 min):
  same covered population, and the time ratio.

Prints, per instance, the median over ``--runs`` runs of the input building (road minutes
and gains) and of the solve, the status, the gap, the greedy value and the optimum.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import duckdb
import numpy as np

from analytics.planning.centres import CentreLocation
from analytics.planning.coverage import MaximalCovering
from analytics.planning.data import (
    load_communes,
    nearest_minutes,
    planning_inputs,
    road_minutes,
    travel_model,
)

ROOT = Path(__file__).resolve().parent.parent


def _median(times: list[float]) -> float:
    return statistics.median(times)


def centres(con, communes, niveau, code, k, budget, objective, runs, limit) -> None:
    t_in, t_solve, model = [], [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        inp = planning_inputs(con, niveau, [code], communes=communes)
        t_in.append(time.perf_counter() - t0)
        zone = inp.zone
        model = CentreLocation.from_matrices(
            inp.gain_per_etp[:, np.flatnonzero(zone)],
            inp.communes["apl"],
            inp.communes["population"],
            inp.communes["pop_standardisee"],
            k=k,
            budget=budget,
            etp_max=min(budget, 10),
            objective=objective,
            counted=zone,
        ).solve(time_limit=limit)
        t_solve.append(model.solve_seconds)
    print(
        f"{niveau} {code:>3} K={k:<3} B={budget:<3} {objective:<13} inputs "
        f"{_median(t_in):6.2f} s  solve {_median(t_solve):6.2f} s "
        f"(min {min(t_solve):5.2f}, max {max(t_solve):5.2f}, {runs} runs)  {model.status:<10} "
        f"gap {100 * model.gap:5.2f} %  greedy {model.greedy_value:10.0f}  "
        f"best {model.objective_value:10.0f}  binaries {model.n_variables}"
    )


def national_mclp(con, communes, runs, limit, k=100, minutes=20.0) -> None:
    model_tt = travel_model(con)
    lat, lon = communes["lat"].to_numpy(float), communes["lon"].to_numpy(float)
    f = communes["facteur"].to_numpy(float)
    gp = communes["generaliste_sur_place"].to_numpy(bool)
    t_in, t_solve, m = [], [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        before = nearest_minutes(model_tt, lat, lon, lat[gp], lon[gp], f, f[gp])
        demand = np.flatnonzero(before > minutes)
        cost = road_minutes(model_tt, lat[demand], lon[demand], lat, lon, minutes, f[demand], f)
        t_in.append(time.perf_counter() - t0)
        m = MaximalCovering.from_cost_matrix(
            cost, communes["population"].to_numpy(float)[demand], minutes, k
        ).solve(time_limit=limit)
        t_solve.append(m.solve_seconds)
    print(
        f"France MCLP K={k} T={minutes:g} min: {len(demand)} communes beyond "
        f"({communes['population'].to_numpy()[demand].sum():,.0f} people); inputs "
        f"{_median(t_in):.2f} s  solve {_median(t_solve):.2f} s  {m.status}  gap "
        f"{100 * m.gap:.2f} %  greedy {m.greedy_value:,.0f}  best {m.objective_value:,.0f}"
    )


def spopt_ratio(con, communes, runs, p=5, minutes=15.0) -> None:
    import pulp
    from spopt.locate import MCLP

    inp = planning_inputs(con, "departement", ["81"], communes=communes)
    zone = np.flatnonzero(inp.zone)
    sub = inp.minutes[zone][:, zone].toarray()
    cost = np.where(sub > 0, sub, np.inf)
    np.fill_diagonal(cost, 0.0)
    weights = inp.communes["population"].to_numpy(float)[zone]
    ours, theirs, a, b = [], [], None, None
    for _ in range(runs):
        t0 = time.perf_counter()
        a = MaximalCovering.from_cost_matrix(cost, weights, minutes, p).solve()
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        dense = np.where(np.isfinite(cost), cost, 1e6)
        b = MCLP.from_cost_matrix(dense, weights, minutes, p).solve(pulp.HiGHS(msg=False))
        theirs.append(time.perf_counter() - t0)
    sites_b = sorted(int(j) for j, row in enumerate(b.fac2cli) if len(row))
    x = np.zeros(len(zone))
    x[sites_b] = 1
    covered_b = float(weights[((cost <= minutes) @ x) > 0].sum())
    print(
        f"MCLP Tarn p={p} T={minutes:g} min: ours {_median(ours):.3f} s ({a.objective_value:,.0f} "
        f"people, sites {sorted(a.sites.tolist())}) vs spopt {_median(theirs):.3f} s "
        f"({covered_b:,.0f} people, sites {sites_b}); ratio spopt/ours "
        f"{_median(theirs) / _median(ours):.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--region-runs", type=int, default=1, help="runs for Occitanie (30 s each)")
    ap.add_argument("--centres-only", action="store_true", help="skip MCLP and spopt")
    ap.add_argument("--db", type=Path, default=ROOT / "data" / "deserts.duckdb")
    args = ap.parse_args()
    con = duckdb.connect(str(args.db), read_only=True)
    communes = load_communes(con)
    for code in ("81", "26"):
        for k, b in ((5, 10), (10, 20)):
            for objective in ("sous_densite", "consultations"):
                centres(con, communes, "departement", code, k, b, objective, args.runs, 30.0)
    for objective in ("sous_densite", "consultations"):
        centres(con, communes, "region", "76", 20, 40, objective, args.region_runs, 30.0)
    if not args.centres_only:
        national_mclp(con, communes, 1, 60.0)
        spopt_ratio(con, communes, args.runs)


if __name__ == "__main__":
    main()
