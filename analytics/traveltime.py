"""Road travel time estimated from straight-line distance, calibrated on a road sample.

No national road distancier is open data (DREES computes the APL with INSEE's *Metric*
distancier, off-peak times). This module turns a straight-line (great-circle) distance
into an estimated car time with a **power model**

    minutes = a × d^b        (d: straight-line km, a > 0, 0 < b ≤ 1 in practice)

fitted by least squares on log(minutes) vs log(km) over a sample of point pairs whose
road time is known: the Gironde sample of the DREES experiment comparing OSRM with INSEE
Metric (``distancier_gironde_osrm_vs_metric_2500_couples.csv``). The target by default is
the Metric off-peak time (``metric_duree_heures_creuses_min``), the time the DREES APL
uses; OSRM (``osrm_duree_min``) can be fitted the same way for comparison.

Why a power law: the detour-and-speed factor falls with distance (short trips are slow,
urban, with detours; long trips use fast roads), which a single ``a + b·d`` line fits
badly at the short distances (< 20 min) that matter to the APL. The power law has two
parameters, goes through 0 (a commune to itself = 0 min, weight 1, as in the APL), and
is monotone, so the distance reached in 20 min is a clean search radius.

Pure module: no file I/O, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

#: APL distance-decay band limits in minutes (DREES workbook, sheet ``Paramètres``):
#: used only to score how often the estimate falls in the right band.
APL_BAND_LIMITS_MIN: tuple[float, ...] = (10.0, 15.0, 20.0)

DEFAULT_TARGET = "metric_duree_heures_creuses_min"
DISTANCE_COLUMN = "distance_vol_oiseau_km"


def haversine_km(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km between points given in WGS84 degrees (vectorised)."""
    la1, lo1, la2, lo2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class TravelTimeModel:
    """Estimated road minutes = ``coefficient`` × (straight-line km) ^ ``exponent``.

    ``target`` names the road time it was fitted on, ``n_fit`` the number of pairs used.
    """

    coefficient: float
    exponent: float
    target: str = DEFAULT_TARGET
    n_fit: int = 0

    def __post_init__(self) -> None:
        if not (self.coefficient > 0 and self.exponent > 0):
            raise ValueError(
                f"modèle de temps de trajet invalide : a={self.coefficient}, b={self.exponent} "
                "(les deux doivent être > 0)"
            )

    def minutes(self, distance_km: np.ndarray | float) -> np.ndarray:
        """Estimated road minutes for straight-line distances in km (0 km → 0 min)."""
        d = np.asarray(distance_km, dtype=float)
        if np.any(d < 0):
            raise ValueError("distance négative")
        return self.coefficient * np.power(d, self.exponent)

    def distance_km(self, minutes: np.ndarray | float) -> np.ndarray:
        """Inverse of :meth:`minutes`: the straight-line km reached in ``minutes``."""
        t = np.asarray(minutes, dtype=float)
        return np.power(t / self.coefficient, 1.0 / self.exponent)

    def describe_fr(self) -> str:
        """The formula in one French sentence, with the distances reached at 10/15/20 min."""
        reach = ", ".join(
            f"{_fr(float(self.distance_km(m)), 1)} km en {m:g} min" for m in APL_BAND_LIMITS_MIN
        )
        return (
            f"Temps routier estimé (minutes) = {_fr(self.coefficient, 3)} × d^{_fr(self.exponent, 3)}, "
            f"où d est la distance à vol d'oiseau en km entre les centroïdes ; modèle ajusté "
            f"sur {self.n_fit} trajets de l'échantillon girondin ({_TARGET_LABELS.get(self.target, self.target)}) "
            f"— soit {reach}. C'est une estimation, pas un distancier routier."
        )


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
