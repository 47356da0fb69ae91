"""One road travel-time model between communes, fitted once by the build, read by all.

No national road distancier is open data (the DREES computes the APL with INSEE's
*Metric* distancier, off-peak times, between town halls). This module estimates car
minutes between two communes from the straight-line distance between their *travel
points* (town hall, as Metric; the polygon centroid when the town-hall point is missing
or more than 20 km from it), in two layers fitted on all the road evidence the mirror
holds:

1. a **power law** of the straight-line distance ``d`` (km), fitted by least squares on
   log(minutes) vs log(km) over the Gironde sample of road times (DREES experiment
   comparing OSRM with INSEE Metric; target: Metric off-peak minutes)::

       m0(d) = a × d^b

   The detour-and-speed factor falls with distance (short trips are slow, long ones use
   fast roads): a line fits badly under 20 min, where the APL bands lie. The law goes
   through 0 (a commune to itself: 0 min, APL weight 1) and is monotone.
2. a **regional slowness factor** ``f_c`` per commune, learnt from the DREES road
   minutes from every commune to the nearest emergency service (*Diagnostic d'accès aux
   soins urgents*, 31/12/2019, column ``tps_SU_SMUR``; 0 = the commune has one). The
   communes at 0 minutes are the emergency sites; for every other commune ``i`` the
   log-ratio ``ρ_i = log(observed_i / m0(d_i))``, with ``d_i`` the straight-line km to the
   nearest such site, measures how much slower its roads are than the Gironde law. The
   ratios are smoothed over the ``k`` nearest communes (Gaussian kernel of bandwidth
   ``h`` km, shrunk toward 0 by ``λ`` pseudo-communes)::

       log f_c = Σ_{j≠c} K(d_cj) ρ_j / (Σ_{j≠c} K(d_cj) + λ)

   The factor keeps the emergency times' absolute level (about 1.14 in Gironde itself:
   the law was fitted on random points, the emergency times run between town points).
   Centring it on Gironde (f = 1 there) was tried and validated worse against the
   official APL on the tuning half of the communes (Spearman 0.53 against 0.57).

   Between two communes the factor is the geometric mean ``√(f_i f_j)``, and::

       minutes(i, j) = a × d_ij^b × √(f_i × f_j)

What the emergency times can and cannot identify: they tell how slow roads are *around
a commune on average* over trips of 10–40 min (mountain valleys, coastlines, islands),
not the time of any particular pair; the emergency sites are located at their
commune's point, and the nearest site by straight line is not always the nearest by
road. The factor is therefore smoothed, never taken from the commune's own ratio, and
each commune whose own ratio stays far from the smoothed model (islands, enclaves, high
valleys) is flagged ``incertitude`` — shown in the app where its times are used.

Public API (stable; used by the accessibility engine, the simulation, the modality
rule, the derived distances and the planner)::

    model = stored_model(con)                         # TravelTimeModel, from the database
    model.minutes(distance_km, factor=1.0)            # a·d^b·factor, vectorised
    model.pair_factor(codes_from, codes_to)           # √(f_i f_j), 1 where unknown
    model.minutes_between(codes_from, codes_to)       # pairwise (same length) minutes
                                                      # between stored travel points
    model.points(codes)                               # DataFrame code, lat, lon, facteur
    model.pairs_within(codes_from, codes_to, max_minutes)
        # sparse search: DataFrame i, j (positions in the two lists), km, minutes ≤ max
    model.distance_km(minutes, factor=1.0)            # inverse of minutes()
    model.reach_km(minutes)                           # search radius (fastest factor)

Pure module (numpy/scipy/pandas) except :func:`stored_model`, which reads the two
relations the build writes (``temps_trajet_modele``, ``temps_trajet_commune``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from analytics.geodesy import EARTH_RADIUS_KM, chord_to_km, haversine_km, km_to_chord, unit_vectors

__all__ = [
    "EARTH_RADIUS_KM",
    "TravelTimeModel",
    "calibrate",
    "fit_power",
    "fit_regional_factors",
    "haversine_km",
    "stored_model",
]

#: APL distance-decay band limits in minutes (DREES workbook, sheet ``Paramètres``):
#: used only to score how often the estimate falls in the right band.
APL_BAND_LIMITS_MIN: tuple[float, ...] = (10.0, 15.0, 20.0)

DEFAULT_TARGET = "metric_duree_heures_creuses_min"
DISTANCE_COLUMN = "distance_vol_oiseau_km"

#: Smoothing of the emergency-time ratios: neighbours, kernel bandwidth (km), shrinkage
#: (pseudo-communes at ratio 1), bounds of the factor. Chosen on the tuning half of the
#: communes (bench/bench_accessibility.py), never on the reported half.
FACTOR_NEIGHBOURS = 30
FACTOR_BANDWIDTH_KM = 15.0
FACTOR_SHRINK = 2.0
FACTOR_BOUNDS = (0.6, 2.5)
#: Département where the power law was fitted: the factor is 1 there on average.
REFERENCE_DEPARTEMENT = "33"
#: A commune's own emergency time off the model by more than this ratio (either way) is
#: flagged uncertain (islands, enclaves, high valleys).
UNCERTAINTY_RATIO = 1.5
#: A town-hall point farther than this from the centroid is distrusted (mirror
#: PROVENANCE: 203 such rows, mostly large Guyane communes or wrong points).
MAX_MAIRIE_CENTROIDE_KM = 20.0


@dataclass(frozen=True, eq=False)
class TravelTimeModel:
    """Estimated road minutes = ``coefficient`` × km ^ ``exponent`` × pair factor.

    ``target`` names the road time the power law was fitted on and ``n_fit`` the number
    of pairs used. ``communes`` (optional) is one row per commune: ``code``, ``lat``,
    ``lon`` (travel point), ``facteur`` (regional slowness, 1 = Gironde); without it
    every factor is 1 and :meth:`minutes_between` / :meth:`pairs_within` are unavailable.
    """

    coefficient: float
    exponent: float
    target: str = DEFAULT_TARGET
    n_fit: int = 0
    communes: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not (self.coefficient > 0 and self.exponent > 0):
            raise ValueError(
                f"modèle de temps de trajet invalide : a={self.coefficient}, b={self.exponent} "
                "(les deux doivent être > 0)"
            )
        if self.communes is not None:
            c = self.communes.assign(code=self.communes["code"].astype(str))
            c = c.drop_duplicates("code").set_index("code", drop=False)
            object.__setattr__(self, "communes", c)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TravelTimeModel):
            return NotImplemented
        same = (self.coefficient, self.exponent, self.target, self.n_fit) == (
            other.coefficient,
            other.exponent,
            other.target,
            other.n_fit,
        )
        if self.communes is None or other.communes is None:
            return same and self.communes is other.communes
        return same and self.communes.equals(other.communes)

    __hash__ = None  # type: ignore[assignment]

    # ----- the law -------------------------------------------------------------------

    def minutes(
        self, distance_km: np.ndarray | float, factor: np.ndarray | float = 1.0
    ) -> np.ndarray:
        """Estimated road minutes for straight-line km (0 km → 0 min), times ``factor``."""
        d = np.asarray(distance_km, dtype=float)
        if np.any(d < 0):
            raise ValueError("distance négative")
        return self.coefficient * np.power(d, self.exponent) * np.asarray(factor, dtype=float)

    def distance_km(
        self, minutes: np.ndarray | float, factor: np.ndarray | float = 1.0
    ) -> np.ndarray:
        """Inverse of :meth:`minutes`: the straight-line km reached in ``minutes``."""
        t = np.asarray(minutes, dtype=float) / np.asarray(factor, dtype=float)
        return np.power(t / self.coefficient, 1.0 / self.exponent)

    def reach_km(self, minutes: float) -> float:
        """Largest straight-line km any pair can cover in ``minutes`` (fastest factor):
        the radius of a neighbour search that must miss no pair."""
        return float(self.distance_km(minutes, self.min_factor))

    @property
    def min_factor(self) -> float:
        if self.communes is None or self.communes.empty:
            return 1.0
        return float(min(1.0, self.communes["facteur"].min()))

    @property
    def regional(self) -> bool:
        """True when per-commune factors are stored (not all 1)."""
        return self.communes is not None and bool((self.communes["facteur"] != 1.0).any())

    # ----- per commune ---------------------------------------------------------------

    def factor(self, codes: Sequence[str] | np.ndarray | pd.Series) -> np.ndarray:
        """Slowness factor of each commune code (1 where unknown)."""
        if self.communes is None:
            return np.ones(len(codes))
        f = self.communes["facteur"].reindex(pd.Index(np.asarray(codes, dtype=object)))
        return f.fillna(1.0).to_numpy(dtype=float)

    def pair_factor(self, codes_from: Sequence[str], codes_to: Sequence[str]) -> np.ndarray:
        """Geometric mean √(f_i f_j) of the two communes' factors, pair by pair."""
        return np.sqrt(self.factor(codes_from) * self.factor(codes_to))

    def points(self, codes: Sequence[str] | None = None) -> pd.DataFrame:
        """Travel points: ``code, lat, lon, facteur`` (NaN coordinates where unknown)."""
        if self.communes is None:
            raise ValueError("modèle sans communes : points de trajet inconnus")
        if codes is None:
            return self.communes[["code", "lat", "lon", "facteur"]].reset_index(drop=True)
        idx = pd.Index(np.asarray(codes, dtype=object).astype(str))
        out = self.communes[["lat", "lon", "facteur"]].reindex(idx)
        out.insert(0, "code", idx.to_numpy())
        out["facteur"] = out["facteur"].fillna(1.0)
        return out.reset_index(drop=True)

    def minutes_between(self, codes_from: Sequence[str], codes_to: Sequence[str]) -> np.ndarray:
        """Minutes between the travel points of ``codes_from[k]`` and ``codes_to[k]``
        (same length; NaN when a commune has no point)."""
        a, b = self.points(codes_from), self.points(codes_to)
        km = haversine_km(a["lat"], a["lon"], b["lat"], b["lon"])
        with np.errstate(invalid="ignore"):
            return (
                self.coefficient
                * np.power(km, self.exponent)
                * np.sqrt(a["facteur"].to_numpy() * b["facteur"].to_numpy())
            )

    def pairs_within(
        self,
        codes_from: Sequence[str],
        codes_to: Sequence[str],
        max_minutes: float,
    ) -> pd.DataFrame:
        """Every pair (i in ``codes_from``, j in ``codes_to``) within ``max_minutes``.

        Returns ``i``, ``j`` (positions in the two lists), ``km`` and ``minutes``; a
        commune in both lists is paired with itself at 0 min. Communes without a point
        are never paired. Sparse: a k-d tree search within :meth:`reach_km`.
        """
        a, b = self.points(codes_from), self.points(codes_to)
        return pairs_within_points(
            self, a["lat"], a["lon"], b["lat"], b["lon"], max_minutes, a["facteur"], b["facteur"]
        )

    # ----- text ----------------------------------------------------------------------

    def describe_fr(self) -> str:
        """The formula in one French sentence, with the distances reached at 10/15/20 min."""
        reach = ", ".join(
            f"{_fr(float(self.distance_km(m)), 1)} km en {m:g} min" for m in APL_BAND_LIMITS_MIN
        )
        text = f"Temps routier estimé (minutes) = {_fr(self.coefficient, 3)} × d^{_fr(self.exponent, 3)}"
        if self.regional:
            q = self.communes["facteur"].quantile([0.05, 0.95]).to_numpy()
            text += (
                " × facteur régional de lenteur, où d est la distance à vol d'oiseau en km "
                "entre les mairies ; loi ajustée sur "
                f"{self.n_fit} trajets de l'échantillon girondin "
                f"({_TARGET_LABELS.get(self.target, self.target)}), facteur appris des temps "
                "d'accès aux urgences de la DREES (de "
                f"{_fr(q[0], 2)} à {_fr(q[1], 2)} pour 90 % des communes) — en Gironde, "
                f"{reach}."
            )
        else:
            text += (
                f", où d est la distance à vol d'oiseau en km entre les communes ; modèle "
                f"ajusté sur {self.n_fit} trajets de l'échantillon girondin "
                f"({_TARGET_LABELS.get(self.target, self.target)}) — soit {reach}."
            )
        return text + " C'est une estimation, pas un distancier routier."


def pairs_within_points(
    model: TravelTimeModel,
    lat_from: np.ndarray,
    lon_from: np.ndarray,
    lat_to: np.ndarray,
    lon_to: np.ndarray,
    max_minutes: float,
    factor_from: np.ndarray | float = 1.0,
    factor_to: np.ndarray | float = 1.0,
) -> pd.DataFrame:
    """:meth:`TravelTimeModel.pairs_within` on explicit points and factors."""
    la, lo = np.asarray(lat_from, float), np.asarray(lon_from, float)
    lb, lob = np.asarray(lat_to, float), np.asarray(lon_to, float)
    fa = np.broadcast_to(np.asarray(factor_from, float), la.shape)
    fb = np.broadcast_to(np.asarray(factor_to, float), lb.shape)
    ok_a = np.flatnonzero(np.isfinite(la) & np.isfinite(lo))
    ok_b = np.flatnonzero(np.isfinite(lb) & np.isfinite(lob))
    empty = pd.DataFrame({"i": [], "j": [], "km": [], "minutes": []}).astype(
        {"i": np.int64, "j": np.int64}
    )
    if len(ok_a) == 0 or len(ok_b) == 0:
        return empty
    tb = cKDTree(unit_vectors(lb[ok_b], lob[ok_b]))
    fb_min = float(fb[ok_b].min())
    # Origins grouped by their factor: each group searches within the radius its own
    # slowest-possible pair allows (√(f_i · min f_j)), not the fastest commune's of France.
    groups = np.unique(np.quantile(fa[ok_a], np.linspace(0, 1, 9)[:-1]), return_inverse=False)
    group = np.searchsorted(groups, fa[ok_a], side="right") - 1
    parts = []
    for g in np.unique(group):
        sel = ok_a[group == g]
        radius = float(model.distance_km(max_minutes, np.sqrt(fa[sel].min() * fb_min)))
        ta = cKDTree(unit_vectors(la[sel], lo[sel]))
        found = ta.sparse_distance_matrix(
            tb, km_to_chord(radius * (1 + 1e-9)), output_type="ndarray"
        )
        i, j = sel[found["i"]], ok_b[found["j"]]
        km = chord_to_km(found["v"])
        t = model.minutes(km, np.sqrt(fa[i] * fb[j]))
        keep = t <= max_minutes
        parts.append(pd.DataFrame({"i": i[keep], "j": j[keep], "km": km[keep], "minutes": t[keep]}))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["i", "j"], kind="stable").reset_index(drop=True)


_TARGET_LABELS = {
    "metric_duree_heures_creuses_min": "temps Metric de l'Insee en heures creuses",
    "osrm_duree_min": "temps OSRM",
}


def _fr(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


@dataclass(frozen=True)
class CalibrationResult:
    """A fitted :class:`TravelTimeModel` and its errors on held-out pairs.

    Error metrics are computed on the held-out pairs only (never seen by the fit):
    ``mae_min`` mean absolute error (minutes), ``median_ae_min``, ``bias_min`` (mean of
    estimate − observed), ``mape`` (mean absolute percentage error, on pairs with an
    observed time > 0), ``r2`` (on minutes), ``band_accuracy`` (share of pairs whose
    estimate falls in the same APL band 0–10 / 10–15 / 15–20 / > 20 min as the observed
    time, bands closed on the right: 10 min is in 0–10), and ``band_accuracy_le30``, the
    same on pairs with an observed time ≤ 30 min (most sample pairs are far apart, so the
    overall figure is inflated by the easy "> 20 min" class).
    ``median_road_straight_ratio`` is the median of road km / straight-line km (OSRM
    distance) over all rows where both are known.
    """

    model: TravelTimeModel
    target: str
    n_rows: int
    n_missing_target: int
    n_nonpositive: int
    n_train: int
    n_test: int
    mae_min: float
    median_ae_min: float
    bias_min: float
    mape: float
    r2: float
    band_accuracy: float
    band_accuracy_le30: float
    n_test_le30: int
    median_road_straight_ratio: float

    def summary_fr(self) -> str:
        """Short French report of the calibration."""
        return (
            f"{self.model.describe_fr()} Sur {self.n_test} trajets tenus à l'écart : erreur "
            f"absolue moyenne {_fr(self.mae_min, 1)} min (médiane {_fr(self.median_ae_min, 1)}), "
            f"MAPE {_fr(100 * self.mape, 1)} %, R² {_fr(self.r2, 3)}, bonne tranche APL "
            f"{_fr(100 * self.band_accuracy, 1)} % ({_fr(100 * self.band_accuracy_le30, 1)} % "
            f"pour les {self.n_test_le30} trajets de 30 min ou moins). {self.n_missing_target} "
            f"trajets sans temps observé écartés."
        )


def apl_band(minutes: np.ndarray) -> np.ndarray:
    """APL band index: 0 for t ≤ 10, 1 for 10 < t ≤ 15, 2 for 15 < t ≤ 20, 3 beyond."""
    return np.searchsorted(np.asarray(APL_BAND_LIMITS_MIN), np.asarray(minutes, float), "left")


def fit_power(
    distance_km: np.ndarray, minutes: np.ndarray, target: str = DEFAULT_TARGET
) -> TravelTimeModel:
    """Least squares of log(minutes) on log(km); pairs with a zero km or minute are unusable."""
    d = np.asarray(distance_km, dtype=float)
    t = np.asarray(minutes, dtype=float)
    ok = (d > 0) & (t > 0) & np.isfinite(d) & np.isfinite(t)
    if ok.sum() < 2:
        raise ValueError("au moins deux trajets de distance et durée > 0 sont nécessaires")
    slope, intercept = np.polyfit(np.log(d[ok]), np.log(t[ok]), 1)
    return TravelTimeModel(
        coefficient=float(np.exp(intercept)),
        exponent=float(slope),
        target=target,
        n_fit=int(ok.sum()),
    )


def calibrate(
    sample: pd.DataFrame,
    target: str = DEFAULT_TARGET,
    holdout_fraction: float = 0.3,
    seed: int = 0,
) -> CalibrationResult:
    """Fit :class:`TravelTimeModel` on ``sample`` and measure it on held-out pairs.

    ``sample`` needs ``distance_vol_oiseau_km`` and the ``target`` column (minutes);
    ``osrm_distance_km``, if present, gives the median road/straight-line ratio. Rows
    with a missing target are dropped (counted in ``n_missing_target``); rows with a
    zero distance or time cannot enter a log fit (counted in ``n_nonpositive``) but stay
    in the test set. The split is a seeded permutation of the rows in their given order:
    same input, same seed → same result.
    """
    if not 0 < holdout_fraction < 1:
        raise ValueError("holdout_fraction doit être dans ]0, 1[")
    for col in (DISTANCE_COLUMN, target):
        if col not in sample.columns:
            raise KeyError(f"colonne « {col} » absente de l'échantillon")
    n_rows = len(sample)
    data = sample.dropna(subset=[target, DISTANCE_COLUMN])
    n_missing = n_rows - len(data)
    d = data[DISTANCE_COLUMN].to_numpy(dtype=float)
    t = data[target].to_numpy(dtype=float)

    order = np.random.default_rng(seed).permutation(len(data))
    n_test = int(round(len(data) * holdout_fraction))
    test, train = order[:n_test], order[n_test:]
    model = fit_power(d[train], t[train], target=target)

    pred, obs = model.minutes(d[test]), t[test]
    err = pred - obs
    pos = obs > 0
    ss_tot = float(np.sum((obs - obs.mean()) ** 2))
    short = obs <= 30
    same_band = apl_band(pred) == apl_band(obs)

    ratio = float("nan")
    if "osrm_distance_km" in sample.columns:
        both = sample[["osrm_distance_km", DISTANCE_COLUMN]].dropna()
        both = both[both[DISTANCE_COLUMN] > 0]
        ratio = float(np.median(both["osrm_distance_km"] / both[DISTANCE_COLUMN]))

    return CalibrationResult(
        model=model,
        target=target,
        n_rows=n_rows,
        n_missing_target=int(n_missing),
        n_nonpositive=int(np.sum((d <= 0) | (t <= 0))),
        n_train=len(train),
        n_test=len(test),
        mae_min=float(np.mean(np.abs(err))),
        median_ae_min=float(np.median(np.abs(err))),
        bias_min=float(np.mean(err)),
        mape=float(np.mean(np.abs(err[pos]) / obs[pos])),
        r2=float(1 - np.sum(err**2) / ss_tot) if ss_tot > 0 else float("nan"),
        band_accuracy=float(np.mean(same_band)),
        band_accuracy_le30=float(np.mean(same_band[short])) if short.any() else float("nan"),
        n_test_le30=int(short.sum()),
        median_road_straight_ratio=ratio,
    )


# ----- regional factors from the DREES emergency road times -----------------------------

#: Départements mostly inside a mountain massif (Alpes, Pyrénées, Massif central, Jura,
#: Corse; massifs of the loi n° 85-30 du 9 janvier 1985, « loi Montagne », art. 5): a
#: département-level relief proxy, since no elevation data is in the mirror. A commune
#: is *montagne* when it lies in one of them and is not urban (module :func:`terrain`).
MOUNTAIN_DEPARTEMENTS = frozenset(
    {"04", "05", "06", "09", "15", "19", "2A", "2B", "39", "43", "48", "63", "65", "66", "73", "74"}
)
#: Urban: more than 150 inhabitants per km² (the INSEE density grid's "intermediate
#: density" cells start at 300/km² at 1 km; at commune scale, 150/km² keeps towns and
#: their suburbs, 17 % of communes and two thirds of the population).
URBAN_DENSITY = 150.0
TERRAINS = ("urbain", "rural", "montagne")


def terrain(
    departement: pd.Series | np.ndarray,
    population: pd.Series | np.ndarray,
    superficie_km2: pd.Series | np.ndarray,
) -> np.ndarray:
    """``urbain`` (density ≥ :data:`URBAN_DENSITY`), else ``montagne`` in a département of
    :data:`MOUNTAIN_DEPARTEMENTS`, else ``rural``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        dens = np.asarray(population, float) / np.asarray(superficie_km2, float)
    dep = pd.Series(np.asarray(departement, dtype=object)).isin(MOUNTAIN_DEPARTEMENTS)
    return np.where(dens >= URBAN_DENSITY, "urbain", np.where(dep, "montagne", "rural"))


def tuning_half(codes: Sequence[str] | pd.Series) -> np.ndarray:
    """Deterministic split of commune codes in two halves: True = tuning half.

    Parameters are chosen on the tuning half; figures are reported on the other half
    only. The split is a hash of the code (last digit of the sum of its characters'
    code points, weighted by position), stable across builds and machines.
    """
    out = np.empty(len(codes), dtype=bool)
    for k, code in enumerate(np.asarray(codes, dtype=object)):
        s = str(code)
        out[k] = sum((p + 1) * ord(ch) for p, ch in enumerate(s)) % 2 == 0
    return out


def travel_points(referentiel: pd.DataFrame) -> pd.DataFrame:
    """Travel point of each commune: its town hall (the points Metric and the APL use),
    the centroid when the town hall is missing or more than
    :data:`MAX_MAIRIE_CENTROIDE_KM` km away. Input columns: ``code, lat, lon``
    (centroid), ``mairie_lat, mairie_lon``. Returns ``code, lat, lon, point``."""
    r = referentiel
    gap = haversine_km(r["lat"], r["lon"], r["mairie_lat"], r["mairie_lon"])
    use = r["mairie_lat"].notna().to_numpy() & (gap <= MAX_MAIRIE_CENTROIDE_KM)
    return pd.DataFrame(
        {
            "code": r["code"].astype(str).to_numpy(),
            "lat": np.where(use, r["mairie_lat"], r["lat"]),
            "lon": np.where(use, r["mairie_lon"], r["lon"]),
            "point": np.where(use, "mairie", "centroïde"),
        }
    )


def _nearest_sites(xyz: np.ndarray, sites: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    tree = cKDTree(xyz[sites])
    k = min(k, int(sites.sum()))
    chord, idx = tree.query(xyz, k=k)
    chord, idx = chord.reshape(len(xyz), k), idx.reshape(len(xyz), k)
    return chord_to_km(chord), np.flatnonzero(sites)[idx]


def fit_regional_factors(
    communes: pd.DataFrame,
    law: TravelTimeModel,
    fit_mask: np.ndarray | None = None,
    *,
    neighbours: int = FACTOR_NEIGHBOURS,
    bandwidth_km: float = FACTOR_BANDWIDTH_KM,
    shrink: float = FACTOR_SHRINK,
    reference: str | None = REFERENCE_DEPARTEMENT,
) -> pd.DataFrame:
    """Per-commune slowness factor from the DREES emergency road minutes (module docstring).

    ``communes``: ``code``, ``lat``, ``lon`` (travel points), ``departement``,
    ``minutes_urgences`` (NaN where unknown; 0 = an emergency site). ``law``: the power
    law (its factors are ignored). ``fit_mask``: communes whose observed ratio may be
    used (default all) — pass the tuning half to measure the model on the other half.
    A commune's own ratio never enters its own factor.

    Returns ``code``, ``facteur``, ``km_urgence`` (straight-line km to the nearest
    emergency site), ``log_ratio`` (own log(observed / law), NaN where unusable).
    """
    c = communes.reset_index(drop=True)
    n = len(c)
    lat, lon = c["lat"].to_numpy(float), c["lon"].to_numpy(float)
    has_xy = np.isfinite(lat) & np.isfinite(lon)
    obs = pd.to_numeric(c["minutes_urgences"], errors="coerce").to_numpy(float)
    sites = has_xy & (obs == 0)
    km = np.full(n, np.nan)
    if sites.any():
        xyz = unit_vectors(np.where(has_xy, lat, 0.0), np.where(has_xy, lon, 0.0))
        d, _ = _nearest_sites(xyz, sites, 1)
        km = np.where(has_xy, d[:, 0], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.log(obs / law.minutes(np.where(km > 0, km, np.nan)))
    usable = np.isfinite(rho) & (obs > 0)
    if fit_mask is not None:
        usable &= np.asarray(fit_mask, bool)
    factor = np.ones(n)
    if usable.sum() > neighbours:
        ref = 0.0
        if reference is not None:
            in_ref = usable & (c["departement"].astype(str).to_numpy() == reference)
            ref = float(np.median(rho[in_ref])) if in_ref.any() else 0.0
        xyz_u = unit_vectors(lat[usable], lon[usable])
        tree = cKDTree(xyz_u)
        q = np.flatnonzero(has_xy)
        chord, idx = tree.query(unit_vectors(lat[q], lon[q]), k=neighbours + 1)
        dist = chord_to_km(chord)
        # drop the commune itself (its own ratio never enters its factor)
        own = np.flatnonzero(usable)[idx] == q[:, None]
        w = np.exp(-0.5 * (dist / bandwidth_km) ** 2) * ~own
        vals = rho[usable][idx] - ref
        g = (w * vals).sum(axis=1) / (w.sum(axis=1) + shrink)
        factor[q] = np.clip(np.exp(g), *FACTOR_BOUNDS)
    return pd.DataFrame(
        {
            "code": c["code"].astype(str).to_numpy(),
            "facteur": factor,
            "km_urgence": km,
            "log_ratio": np.where(np.isfinite(rho), rho, np.nan),
        }
    )


def predict_emergency_minutes(
    communes: pd.DataFrame, model: TravelTimeModel, candidates: int = 5
) -> np.ndarray:
    """Estimated minutes from each commune to its nearest emergency site under ``model``
    (min over the ``candidates`` nearest sites by straight line; 0 at a site).

    ``communes``: ``code``, ``lat``, ``lon``, ``minutes_urgences`` (sites are the 0s).
    """
    c = communes.reset_index(drop=True)
    lat, lon = c["lat"].to_numpy(float), c["lon"].to_numpy(float)
    has_xy = np.isfinite(lat) & np.isfinite(lon)
    obs = pd.to_numeric(c["minutes_urgences"], errors="coerce").to_numpy(float)
    sites = has_xy & (obs == 0)
    out = np.full(len(c), np.nan)
    if not sites.any():
        return out
    q = np.flatnonzero(has_xy)
    xyz = unit_vectors(lat[q], lon[q])
    all_xyz = np.zeros((len(c), 3))
    all_xyz[q] = xyz
    km, site_idx = _nearest_sites(all_xyz, sites, candidates)
    codes = c["code"].astype(str).to_numpy()
    f_i = model.factor(codes)[:, None]
    f_j = model.factor(codes[site_idx.ravel()]).reshape(site_idx.shape)
    t = model.minutes(km, np.sqrt(f_i * f_j)).min(axis=1)
    out[q] = t[q]
    out[sites] = 0.0
    return out


def emergency_errors(
    communes: pd.DataFrame, models: dict[str, TravelTimeModel], report: np.ndarray
) -> pd.DataFrame:
    """Error on the emergency road minutes, by terrain, on the ``report`` communes only.

    ``communes``: ``code, lat, lon, minutes_urgences, terrain``. Returns one row per
    (model name, terrain incl. ``ensemble``): ``n``, ``mae_min``, ``median_ae_min``,
    ``biais_min`` (estimate − observed), ``mape`` — over communes with an observed
    time > 0.
    """
    obs = pd.to_numeric(communes["minutes_urgences"], errors="coerce").to_numpy(float)
    keep = np.asarray(report, bool) & (obs > 0)
    rows = []
    for name, model in models.items():
        err = predict_emergency_minutes(communes, model) - obs
        for ter in ("ensemble", *TERRAINS):
            m = keep & np.isfinite(err)
            if ter != "ensemble":
                m &= communes["terrain"].to_numpy() == ter
            e = err[m]
            rows.append(
                {
                    "jeu": "urgences",
                    "modele": name,
                    "terrain": ter,
                    "n": int(m.sum()),
                    "mae_min": float(np.mean(np.abs(e))) if m.any() else np.nan,
                    "median_ae_min": float(np.median(np.abs(e))) if m.any() else np.nan,
                    "biais_min": float(np.mean(e)) if m.any() else np.nan,
                    "mape": float(np.mean(np.abs(e) / obs[m])) if m.any() else np.nan,
                }
            )
    return pd.DataFrame(rows)


#: Paris, Lyon, Marseille: the DREES publishes their emergency times by arrondissement.
_PLM = frozenset({"75056", "69123", "13055"})


def uncertainty(
    observed: np.ndarray,
    predicted: np.ndarray,
    terrain_: np.ndarray,
    codes: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-commune flag (and French reason) where the estimated times are least sure:

    - no DREES road time at all (the DREES road distancier leaves out islands without a
      bridge — Ouessant, Sein, Yeu, Les Saintes… — and communes without a road, as on
      the rivers of Guyane; also a few communes created since 2019);
    - its own emergency time off the model by more than :data:`UNCERTAINTY_RATIO` either
      way (enclaves, valleys, islands with a ferry counted);
    - a mountain commune.
    """
    obs, pred = np.asarray(observed, float), np.asarray(predicted, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = obs / pred
    off = (obs > 0) & (pred > 0) & ((ratio > UNCERTAINTY_RATIO) | (ratio < 1 / UNCERTAINTY_RATIO))
    missing = np.isnan(obs)
    if codes is not None:
        missing &= ~pd.Series(np.asarray(codes, dtype=object)).isin(_PLM).to_numpy()
    mountain = np.asarray(terrain_) == "montagne"
    reason = np.select(
        [missing, off, mountain],
        [
            "aucun temps routier publié par la DREES (île sans pont, commune sans route ou "
            "commune récente)",
            "temps d'accès aux urgences observé loin du modèle (île, enclave ou vallée)",
            "commune de montagne : routes plus lentes que ne le dit la distance",
        ],
        default=None,
    )
    return missing | off | mountain, reason


# ----- the stored model ------------------------------------------------------------------


def stored_model(con) -> TravelTimeModel:
    """The model the build fitted and stored (relations ``temps_trajet_modele`` and
    ``temps_trajet_commune``). Every caller uses this one; nothing refits at run time."""
    from analytics.db import query

    params = query(con, "temps_trajet_modele").set_index("parametre")["valeur"]
    communes = query(con, "temps_trajet_communes")
    return TravelTimeModel(
        coefficient=float(params["coefficient"]),
        exponent=float(params["exposant"]),
        target=DEFAULT_TARGET,
        n_fit=int(params["trajets_ajustement"]),
        communes=communes[["code", "lat", "lon", "facteur"]],
    )


# ----- the build's fit ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ModelFit:
    """Everything the build fits and stores about travel times.

    ``model``: the stored model (law + factors learnt from every commune);
    ``model_tuning``: the same fitted on the tuning half of the communes only, used for
    every figure reported on the other half; ``calibration``: the power law's fit and
    held-out errors on the Gironde pairs; ``communes``: the relation
    ``temps_trajet_commune``; ``parameters``: ``temps_trajet_modele``; ``errors``:
    ``temps_trajet_ajustement`` (held-out errors by data set, model and terrain);
    ``tuning``: the tuning-half mask, aligned on ``communes``.
    """

    model: TravelTimeModel
    model_tuning: TravelTimeModel
    law: TravelTimeModel
    calibration: CalibrationResult
    communes: pd.DataFrame
    parameters: pd.DataFrame
    errors: pd.DataFrame
    tuning: np.ndarray
    centroids: pd.DataFrame

    def summary_lines(self) -> list[str]:
        e = self.errors[(self.errors["jeu"] == "urgences")].set_index(["modele", "terrain"])
        lines = [self.model.describe_fr()]
        for ter in ("ensemble", *TERRAINS):
            before = e.loc[(LAW_LABEL, ter), "mae_min"]
            after = e.loc[(MODEL_LABEL, ter), "mae_min"]
            lines.append(
                f"urgences, communes tenues à l'écart, {ter} : erreur absolue moyenne "
                f"{_fr(before, 2)} → {_fr(after, 2)} min"
            )
        return lines


LAW_LABEL = "loi girondine seule"
MODEL_LABEL = "loi + facteur régional"


def fit_model(distancier: pd.DataFrame, inputs: pd.DataFrame) -> ModelFit:
    """Fit the power law on the Gironde pairs and the regional factors on the emergency
    minutes; measure both on held-out data.

    ``inputs``: one row per commune with ``code, departement, population,
    superficie_km2, lat, lon`` (centroid), ``mairie_lat, mairie_lon``,
    ``minutes_urgences``.
    """
    calib = calibrate(distancier)
    law = calib.model
    pts = travel_points(inputs)
    c = inputs.drop(columns=["lat", "lon"]).assign(code=inputs["code"].astype(str))
    c = c.merge(pts, on="code", how="left")
    c["terrain"] = terrain(c["departement"], c["population"], c["superficie_km2"])
    tune = tuning_half(c["code"])

    def with_factors(mask: np.ndarray | None) -> TravelTimeModel:
        f = fit_regional_factors(c, law, mask, reference=None)
        return TravelTimeModel(
            law.coefficient,
            law.exponent,
            law.target,
            law.n_fit,
            communes=c[["code", "lat", "lon"]].assign(facteur=f["facteur"].to_numpy()),
        )

    model_tuning = with_factors(tune)
    model = with_factors(None)
    errors = pd.concat(
        [
            emergency_errors(c, {LAW_LABEL: law, MODEL_LABEL: model_tuning}, ~tune),
            pd.DataFrame(
                [
                    {
                        "jeu": "gironde",
                        "modele": LAW_LABEL,
                        "terrain": "ensemble",
                        "n": calib.n_test,
                        "mae_min": calib.mae_min,
                        "median_ae_min": calib.median_ae_min,
                        "biais_min": calib.bias_min,
                        "mape": calib.mape,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    observed = pd.to_numeric(c["minutes_urgences"], errors="coerce").to_numpy(float)
    predicted = predict_emergency_minutes(c, model)
    flag, reason = uncertainty(observed, predicted, c["terrain"].to_numpy(), c["code"].to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        density = c["population"].to_numpy(float) / c["superficie_km2"].to_numpy(float)
    communes = pd.DataFrame(
        {
            "code": c["code"],
            "lat": c["lat"],
            "lon": c["lon"],
            "point": c["point"],
            "facteur": model.factor(c["code"]),
            "terrain": c["terrain"],
            "densite": density,
            "minutes_urgences_observees": observed,
            "minutes_urgences_estimees": predicted,
            "incertitude": flag,
            "motif_incertitude": reason,
            "moitie_reglage": tune,
        }
    )
    parameters = pd.DataFrame(
        [
            ("coefficient", law.coefficient, "a de minutes = a × km^b × facteur"),
            ("exposant", law.exponent, "b de minutes = a × km^b × facteur"),
            ("trajets_ajustement", law.n_fit, "trajets girondins de l'ajustement de la loi"),
            ("voisins", FACTOR_NEIGHBOURS, "communes voisines lissant le facteur"),
            ("largeur_noyau_km", FACTOR_BANDWIDTH_KM, "largeur du noyau gaussien (km)"),
            ("retrait", FACTOR_SHRINK, "communes fictives au facteur 1 (retrait)"),
            ("facteur_min", FACTOR_BOUNDS[0], "borne basse du facteur"),
            ("facteur_max", FACTOR_BOUNDS[1], "borne haute du facteur"),
            ("seuil_incertitude", UNCERTAINTY_RATIO, "écart observé/estimé signalé"),
        ],
        columns=["parametre", "valeur", "definition"],
    )
    centroids = inputs[["code", "lat", "lon"]].assign(code=inputs["code"].astype(str))
    return ModelFit(model, model_tuning, law, calib, communes, parameters, errors, tune, centroids)
