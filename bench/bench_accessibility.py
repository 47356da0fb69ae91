"""Benchmark and check the E2SFCA engine: ``python -m bench.bench_accessibility``.

Builds the national inputs straight from the open-data mirror with pandas (no database):

- demand: standardised population of the DREES APL 2023 sheet, codes of 2023 brought to
  the 2026 commune list (Paris/Lyon/Marseille arrondissements summed to 75056/69123/13055,
  merged communes to their current commune through ``admin/communes.json``);
- points: commune centroids (``geo/communes_centroids.csv``);
- supply: RPPS 2026 GP headcount per commune × the consultations per GP implied by the
  validation scaling (the engine is linear in supply: the figure changes no timing).

The travel-time model is the build's (:func:`analytics.traveltime.fit_model`), refitted
here from the built database (``--db``, default ``data/deserts.duckdb``) to time it.

Then prints: the travel-time fit (Gironde held-out pairs; DREES emergency minutes on the
reporting half of the communes, by terrain, power law alone vs with the regional
factor), the validation against the official APL 2023 before/after on the reporting half
(and the supply choice on the tuning half), the engine's national run time (neighbour
search + both steps; median and min of ``--runs``), PySAL ``access`` E2SFCA on the same
pairs and weights (no normalisation) with the max absolute difference and the speed
ratio, and the peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics import derived
from analytics.accessibility import (
    DREES_BANDS,
    E2SFCA,
    bands_from_parameters,
    validation_runs,
)
from analytics.traveltime import calibrate, fit_model

ROOT = Path(__file__).resolve().parent.parent
PLM = {"751": "75056", "693": "69123", "132": "13055"}


def default_mirror() -> Path:
    return Path(os.environ.get("DESERTS_MIRROR", ROOT.parent / "shared" / "data"))


def code_map_2026(mirror: Path) -> dict[str, str]:
    """Old / delegated / arrondissement code → current commune code (COG 2026)."""
    with open(mirror / "admin" / "communes.json", encoding="utf-8") as f:
        rows = json.load(f)
    current = {r["code"] for r in rows if r["type"] == "commune-actuelle"}
    out: dict[str, str] = {}
    for r in rows:
        if r["type"] == "commune-actuelle":
            for old in r.get("anciensCodes", []):
                out.setdefault(old, r["code"])
        elif r["type"] == "arrondissement-municipal":
            out[r["code"]] = r["commune"]
        elif r.get("chefLieu") in current and r["code"] not in current:
            out.setdefault(r["code"], r["chefLieu"])
    for c in current:
        out[c] = c
    return out


def load_inputs(mirror: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(communes, supply, gironde sample); prints what could not be mapped."""
    cent = pd.read_csv(mirror / "geo" / "communes_centroids.csv", dtype={"code": str})
    apl = pd.read_csv(
        mirror / "health" / "drees_apl_medecins_generalistes_2022_2023_long.csv.gz", dtype=str
    )
    apl = apl[apl["millesime_apl"] == "2023"].copy()
    for col in ("apl_mg", "pop_standardisee_mg", "pop_totale"):
        apl[col] = pd.to_numeric(apl[col])
    cmap = code_map_2026(mirror)
    plm = apl["code_commune"].str[:3].map(PLM)
    apl["code"] = plm.where(apl["code_commune"].str.startswith(("751", "6938", "132")))
    apl["code"] = apl["code"].fillna(apl["code_commune"].map(cmap))
    n_plm = int(apl["code_commune"].ne(apl["code"]).sum())
    unmapped = apl["code"].isna()
    print(
        f"APL 2023: {len(apl)} lignes; {n_plm} codes ramenés à une commune 2026 "
        f"(arrondissements PLM, communes fusionnées); non rattachées: {int(unmapped.sum())} "
        f"({apl.loc[unmapped, 'code_commune'].tolist()[:10]})"
    )
    apl = apl[~unmapped]
    apl["w_apl"] = apl["apl_mg"] * apl["pop_standardisee_mg"]
    g = apl.groupby("code", as_index=False).agg(
        pop_standardisee=("pop_standardisee_mg", "sum"),
        pop_totale=("pop_totale", "sum"),
        w_apl=("w_apl", "sum"),
    )
    g["apl_officiel"] = g["w_apl"] / g["pop_standardisee"]
    communes = cent[["code", "lat", "lon"]].merge(
        g.drop(columns="w_apl"), on="code", how="left", validate="one_to_one"
    )
    lost = ~g["code"].isin(cent["code"])
    print(
        f"communes: {len(cent)} centroïdes, {int(communes['pop_standardisee'].notna().sum())} "
        f"avec population standardisée; codes APL sans centroïde: {int(lost.sum())}"
    )
    rpps = pd.read_csv(
        mirror / "health" / "rpps2026_medecins_par_commune.csv.gz", dtype={"code_commune": str}
    )
    supply = rpps.rename(columns={"code_commune": "code"})[["code", "nb_medecins_generalistes"]]
    sample = pd.read_csv(mirror / "health" / "distancier_gironde_osrm_vs_metric_2500_couples.csv")
    return communes, supply, sample


def pysal_e2sfca(eng: E2SFCA) -> tuple[np.ndarray, float]:
    """PySAL ``access`` E2SFCA on the engine's own pairs; APL per demand point, seconds."""
    from access import Access, weights

    cost = pd.DataFrame(
        {
            "origin": np.asarray(eng.demand_ids)[eng.pair_demand],
            "dest": np.asarray(eng.supply_ids)[eng.pair_supply],
            "cost": eng.minutes,
        }
    )
    demand_df = pd.DataFrame({"code": eng.demand_ids, "pop": eng.demand}).set_index("code")
    supply_df = pd.DataFrame({"code": eng.supply_ids, "supply": eng.supply}).set_index("code")
    t0 = time.perf_counter()
    acc = Access(
        demand_df=demand_df,
        demand_index=True,
        demand_value="pop",
        supply_df=supply_df,
        supply_index=True,
        supply_value="supply",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    out = acc.enhanced_two_stage_fca(
        name="e2sfca",
        weight_fn=weights.step_fn(dict(DREES_BANDS)),
        max_cost=max(u for u, _ in DREES_BANDS),
        normalize=False,
    )
    elapsed = time.perf_counter() - t0
    # PySAL leaves communes without any pair as NaN; the APL (and our engine) says 0.
    values = out["e2sfca_supply"].reindex(eng.demand_ids).fillna(0.0).to_numpy(float)
    return values, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=default_mirror())
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pysal-runs", type=int, default=3)
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "deserts.duckdb")
    args = parser.parse_args()

    communes, supply, sample = load_inputs(args.mirror)

    print("\n== Temps de trajet (calibration, échantillon Gironde) ==")
    for target in ("metric_duree_heures_creuses_min", "osrm_duree_min"):
        cal = calibrate(sample, target=target)
        m = cal.model
        print(
            f"{target}: minutes = {m.coefficient:.4f} × km^{m.exponent:.4f}  "
            f"(train {cal.n_train}, test {cal.n_test}, cible manquante {cal.n_missing_target}) | "
            f"MAE {cal.mae_min:.2f} min, MedAE {cal.median_ae_min:.2f}, biais {cal.bias_min:+.2f}, "
            f"MAPE {100 * cal.mape:.1f} %, R² {cal.r2:.3f}, bonne tranche {100 * cal.band_accuracy:.1f} % "
            f"(≤ 30 min: {100 * cal.band_accuracy_le30:.1f} % sur {cal.n_test_le30}), "
            f"20 min ↔ {float(m.distance_km(20)):.2f} km"
        )
    cal = calibrate(sample)
    print(f"ratio route / vol d'oiseau médian (OSRM): {cal.median_road_straight_ratio:.3f}")

    print("\n== Modèle de temps stocké (loi girondine + facteur régional) ==")
    con = duckdb.connect(str(args.db), read_only=True)
    try:
        inputs = derived.traveltime_inputs(con)
        t0 = time.perf_counter()
        fit = fit_model(sample, inputs)
        t_fit = time.perf_counter() - t0
        official = con.execute(
            "SELECT code, pop_standardisee, pop_totale, apl AS apl_officiel "
            "FROM apl_officiel WHERE annee = 2023"
        ).df()
        sup = con.execute(
            "SELECT c.code, coalesce(r.medecins_generalistes, 0) AS rpps_2026, "
            "b.omnipraticiens_2017 AS bpe_2017 FROM commune AS c "
            "LEFT JOIN rpps_commune AS r USING (code) LEFT JOIN bpe2017_commune AS b USING (code)"
        ).df()
        bands = bands_from_parameters(con.execute("SELECT * FROM apl_parametres").df())
    finally:
        con.close()
    model = fit.model
    print(model.describe_fr())
    print(
        f"ajustement (loi + facteurs, deux fois : moitié de réglage et toutes communes): {t_fit:.2f} s"
    )
    e = fit.errors
    print("erreur sur les temps d'accès aux urgences, moitié de restitution (min):")
    for ter in ("ensemble", "urbain", "rural", "montagne"):
        r = e[(e["jeu"] == "urgences") & (e["terrain"] == ter)].set_index("modele")
        a, b = r.loc["loi girondine seule"], r.loc["loi + facteur régional"]
        print(
            f"  {ter:<9} n={int(b['n']):>5}  MAE {a['mae_min']:5.2f} → {b['mae_min']:5.2f}  "
            f"MedAE {a['median_ae_min']:5.2f} → {b['median_ae_min']:5.2f}  "
            f"biais {a['biais_min']:+6.2f} → {b['biais_min']:+6.2f}  "
            f"MAPE {100 * a['mape']:4.1f} % → {100 * b['mape']:4.1f} %"
        )
    flagged = fit.communes["incertitude"]
    print(f"communes signalées « temps incertain »: {int(flagged.sum())} sur {len(flagged)}")

    print("\n== Validation contre l'APL officielle 2023 (moitié de restitution) ==")
    t0 = time.perf_counter()
    runs = validation_runs(fit, official, sup, bands)
    t_val = time.perf_counter() - t0
    for key in ("choix_rpps", "choix_bpe", "avant", "apres"):
        v = runs[key]
        print(
            f"  {key:<11} ({v.supply_label}): Spearman {v.spearman:.3f}, Pearson {v.pearson:.3f}, "
            f"MAE {v.mae:.3f}, accord < 2,5 {100 * v.accuracy:.1f} %, kappa {v.kappa:.3f}, "
            f"communes {v.n_communes}"
        )
    print(f"  (choix_* : moitié de réglage ; avant/après : moitié de restitution) {t_val:.2f} s")
    val = runs["apres"]
    print(val.explication)

    print("\n== Moteur national ==")
    c = communes.dropna(subset=["lat", "lon", "pop_standardisee"]).reset_index(drop=True)
    s = supply[supply["nb_medecins_generalistes"] > 0].merge(c[["code", "lat", "lon"]], on="code")
    consult = s["nb_medecins_generalistes"].to_numpy(float) * runs["avant"].consultations_per_gp
    arrays = dict(
        supply=consult,
        supply_lat=s["lat"].to_numpy(float),
        supply_lon=s["lon"].to_numpy(float),
        demand=c["pop_standardisee"].to_numpy(float),
        demand_lat=c["lat"].to_numpy(float),
        demand_lon=c["lon"].to_numpy(float),
        model=model,
        supply_ids=s["code"].tolist(),
        demand_ids=c["code"].tolist(),
    )
    full, solve_only = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        eng = E2SFCA.from_coordinates(**arrays)
        t1 = time.perf_counter()
        eng.solve()
        t2 = time.perf_counter()
        full.append(t2 - t0)
        solve_only.append(t2 - t1)
    print(
        f"{len(c)} communes (demande), {len(s)} lieux d'offre, {len(eng.pair_demand)} paires "
        f"≤ 20 min; lieux d'offre sans demande: {eng.n_supply_without_demand}"
    )
    print(
        f"moteur (recherche de voisins + 2 étapes), {args.runs} exécutions: médiane "
        f"{statistics.median(full):.3f} s, min {min(full):.3f} s; 2 étapes seules: médiane "
        f"{statistics.median(solve_only) * 1000:.1f} ms"
    )
    t0 = time.perf_counter()
    what_if = eng.with_added_supply(eng.supply_ids[0], 5000.0)
    print(
        f"what-if (+5 000 consultations à {eng.supply_ids[0]}): {time.perf_counter() - t0:.3f} s, "
        f"{int(np.sum(what_if.apl > eng.apl))} communes améliorées"
    )

    print("\n== PySAL access (même paires, même poids, sans normalisation) ==")
    ref, pysal_times = None, []
    for _ in range(max(1, args.pysal_runs)):
        ref, elapsed = pysal_e2sfca(eng)
        pysal_times.append(elapsed)
    diff = np.abs(ref - eng.apl)
    med_pysal = statistics.median(pysal_times)
    print(
        f"PySAL médiane {med_pysal:.3f} s ({len(pysal_times)} exécutions, table de coûts donnée); "
        f"écart absolu max {np.nanmax(diff):.3e} (NaN/inf: {int(np.sum(~np.isfinite(diff)))}); "
        f"{'OK' if np.nanmax(diff) <= 1e-9 else 'ÉCHEC'} (≤ 1e-9)"
    )
    print(
        f"rapport de vitesse PySAL / moteur: {med_pysal / statistics.median(full):.1f}× "
        f"(moteur complet), {med_pysal / statistics.median(solve_only):.0f}× (2 étapes seules)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mémoire pic (ru_maxrss du processus): {peak:.0f} Mio")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
