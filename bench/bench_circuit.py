"""Benchmark the médicobus planner: ``python -m bench.bench_circuit [--runs 7]``.

Two zones of the Tarn, read from the database (``data/deserts.duckdb``):

- three contiguous rural communautés de communes around the Monts de Lacaune: CC du
  Haut-Languedoc (Lacaune), CC Sidobre Vals et Plateaux (Brassac), CC des Monts d'Alban
  et du Villefranchois (Alban) — the size of the Tarn médicobus programme;
- the whole département (81).

Communes and road minutes exactly as the « Planifier » page gets them
(:func:`analytics.planning.data.planning_inputs` then
:func:`analytics.planning.plan.circuit_inputs`): the travel-time model the build fitted
and stored (:func:`analytics.traveltime.stored_model`), pairs up to an hour apart. Prints the median (and min) solve time over
``--runs`` runs of :func:`analytics.planning.circuit.plan_circuit` (target ≤ 2 s for the
3-EPCI zone), and the plan's figures. Matrix building is timed apart.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import duckdb
import pandas as pd
from scipy import sparse

from analytics.planning.circuit import CircuitParams, plan_circuit
from analytics.planning.data import planning_inputs
from analytics.planning.plan import circuit_inputs
from analytics.traveltime import TravelTimeModel

ROOT = Path(__file__).resolve().parent.parent
#: CC du Haut-Languedoc, CC Sidobre Vals et Plateaux, CC des Monts d'Alban et du
#: Villefranchois (SIREN of the EPCI, BANATIC).
TARN_3_EPCI = ("200066553", "200066561", "200034031")
LACAUNE = "81124"


def load_zone(
    con: duckdb.DuckDBPyConnection, niveau: str, codes: tuple[str, ...]
) -> tuple[pd.DataFrame, sparse.csr_array, TravelTimeModel]:
    """Communes of the territories ``codes`` of level ``niveau`` (APL 2023, population,
    GPs) and their estimated road minutes (stored model), as the page builds them."""
    inputs = planning_inputs(con, niveau, codes, max_minutes=30.0)
    communes, minutes = circuit_inputs(inputs)
    return communes, minutes, inputs.model


def _median_time(communes, minutes, base, params, runs: int):
    times, plan = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        plan = plan_circuit(communes, minutes, base, params)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), plan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(ROOT / "data" / "deserts.duckdb"))
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    con = duckdb.connect(args.db, read_only=True)
    cases = [
        (
            "Tarn, 3 EPCI, 9 arrêts, 5 j × 9 sem.",
            ("epci", TARN_3_EPCI),
            CircuitParams(jours_par_semaine=5, semaines_cycle=9, nb_arrets=9),
        ),
        (
            "Tarn, 3 EPCI, 9 arrêts, une semaine par village, 9 sem.",
            ("epci", TARN_3_EPCI),
            CircuitParams(jours_par_semaine=5, semaines_cycle=9, nb_arrets=9, mode="semaine"),
        ),
        ("Tarn, 3 EPCI, défaut (3 j × 4 sem.)", ("epci", TARN_3_EPCI), CircuitParams()),
        (
            "Tarn, 3 EPCI, objectif temps",
            ("epci", TARN_3_EPCI),
            CircuitParams(objectif="temps", nb_arrets=9, jours_par_semaine=5, semaines_cycle=2),
        ),
        ("Tarn (81) entier, 12 arrêts", ("departement", ("81",)), CircuitParams()),
        (
            "Tarn (81) entier, 20 arrêts, 5 j × 4 sem.",
            ("departement", ("81",)),
            CircuitParams(jours_par_semaine=5, semaines_cycle=4, nb_arrets=20),
        ),
    ]
    for label, (niveau, codes), params in cases:
        t0 = time.perf_counter()
        communes, minutes, _ = load_zone(con, niveau, codes)
        t_load = time.perf_counter() - t0
        base = LACAUNE
        med, best, plan = _median_time(communes, minutes, base, params, args.runs)
        print(
            f"{label}: {len(communes)} communes, {int(communes['population'].sum())} hab. — "
            f"plan médian {med:.3f} s (min {best:.3f} s, {args.runs} runs; chargement + "
            f"matrice {t_load:.2f} s), statut {plan.statut}, {len(plan.arrets)} arrêts, "
            f"déficit couvert {plan.deficit_couvert:.0f}/{plan.deficit_total:.0f}, "
            f"atteints {plan.personnes_atteintes:.0f}, hors couverture "
            f"{plan.personnes_hors_couverture:.0f}"
        )
        print(
            "   arrêts : "
            + ", ".join(
                f"{r.nom} ({r.visites} j, {r.minutes_base:.0f} min)"
                for r in plan.arrets.itertuples()
            )
        )
    con.close()


if __name__ == "__main__":
    main()
