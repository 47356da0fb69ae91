"""Travel-time model: haversine, power model, calibration on synthetic samples."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analytics.traveltime import (
    EARTH_RADIUS_KM,
    TravelTimeModel,
    apl_band,
    calibrate,
    haversine_km,
)

KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # 111.195 km


def test_haversine_known_distances_vectorised() -> None:
    lat1 = np.array([0.0, 45.0, 0.0, 48.0])
    lon1 = np.array([0.0, 3.0, 0.0, 2.0])
    lat2 = np.array([1.0, 46.0, 0.0, 48.0])
    lon2 = np.array([0.0, 3.0, 1.0, 2.0])
    d = haversine_km(lat1, lon1, lat2, lon2)
    assert d.shape == (4,)
    # one degree along a meridian, along the equator; zero for the same point
    np.testing.assert_allclose(d, [KM_PER_DEGREE, KM_PER_DEGREE, KM_PER_DEGREE, 0.0], atol=1e-9)
    # antipodes: half the circumference
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_power_model_minutes_inverse_and_sentence() -> None:
    m = TravelTimeModel(coefficient=2.0, exponent=0.5)
    np.testing.assert_allclose(m.minutes(np.array([0.0, 4.0, 25.0])), [0.0, 4.0, 10.0])
    np.testing.assert_allclose(m.distance_km(np.array([4.0, 10.0, 20.0])), [4.0, 25.0, 100.0])
    text = m.describe_fr()
    assert "2,000 × d^0,500" in text and "vol d'oiseau" in text
    assert "100,0 km en 20 min" in text
    with pytest.raises(ValueError):
        m.minutes(np.array([-1.0]))
    with pytest.raises(ValueError):
        TravelTimeModel(coefficient=0.0, exponent=1.0)


def test_apl_band_is_closed_on_the_right() -> None:
    np.testing.assert_array_equal(
        apl_band(np.array([0, 10, 10.01, 15, 15.01, 20, 20.01])), [0, 0, 1, 1, 2, 2, 3]
    )


def _linear_sample(n: int = 200) -> pd.DataFrame:
    d = np.linspace(0.5, 60.0, n)
    t = 1.5 * d  # known relation: 1.5 min per straight-line km (40 km/h as the crow flies)
    t[[3, 50, 120]] = np.nan  # Metric "route not computed"
    return pd.DataFrame(
        {
            "distance_vol_oiseau_km": d,
            "metric_duree_heures_creuses_min": t,
            "osrm_duree_min": 1.2 * d,
            "osrm_distance_km": 1.25 * d,
        }
    )


def test_calibrate_recovers_a_known_linear_relation() -> None:
    res = calibrate(_linear_sample(), holdout_fraction=0.3, seed=0)
    assert res.model.coefficient == pytest.approx(1.5, rel=1e-12)
    assert res.model.exponent == pytest.approx(1.0, rel=1e-12)
    assert res.n_rows == 200 and res.n_missing_target == 3
    assert res.n_test == round(197 * 0.3) == 59 and res.n_train == 138
    assert res.model.n_fit == 138
    assert res.mae_min == pytest.approx(0.0, abs=1e-9)
    assert res.median_ae_min == pytest.approx(0.0, abs=1e-9)
    assert res.mape == pytest.approx(0.0, abs=1e-12)
    assert res.r2 == pytest.approx(1.0)
    assert res.band_accuracy == 1.0
    assert res.median_road_straight_ratio == pytest.approx(1.25)
    osrm = calibrate(_linear_sample(), target="osrm_duree_min")
    assert osrm.model.coefficient == pytest.approx(1.2) and osrm.n_missing_target == 0


def test_calibrate_recovers_power_law_with_noise_and_is_deterministic() -> None:
    rng = np.random.default_rng(42)
    d = rng.uniform(1, 80, 3000)
    t = 1.9 * d**0.84 * np.exp(rng.normal(0, 0.1, d.size))
    df = pd.DataFrame({"distance_vol_oiseau_km": d, "metric_duree_heures_creuses_min": t})
    a, b = calibrate(df, seed=3), calibrate(df, seed=3)
    # same input, same seed: same split, same model, same metrics (NaN ratio aside)
    assert replace(a, median_road_straight_ratio=0.0) == replace(b, median_road_straight_ratio=0.0)
    assert a.model.coefficient == pytest.approx(1.9, rel=0.05)
    assert a.model.exponent == pytest.approx(0.84, abs=0.01)
    assert 0.05 < a.mape < 0.12 and a.r2 > 0.95
    assert math.isnan(a.median_road_straight_ratio)  # no road distance column
    assert calibrate(df, seed=4).model != a.model  # another split, another fit


def test_calibrate_rejects_bad_input() -> None:
    with pytest.raises(KeyError):
        calibrate(pd.DataFrame({"distance_vol_oiseau_km": [1.0]}))
    with pytest.raises(ValueError):
        calibrate(_linear_sample(), holdout_fraction=1.0)
