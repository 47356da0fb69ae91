"""E2SFCA engine (DREES APL method) on toy instances computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analytics.accessibility import (
    DREES_BANDS,
    E2SFCA,
    AccessibilityError,
    band_weights,
    validate_against_official,
)
from analytics.geodesy import haversine_km
from analytics.traveltime import TravelTimeModel

INF = np.inf

# Toy: four communes A, B, C, D (standardised population P) and two GP sites X, Y
# (consultations a year S). Times in minutes, one pair in every band:
#        X    Y
#   A    5   25      A–X band 0–10 (w 1), A–Y beyond 20 (w 0)
#   B   12   17      B–X 10–15 (w 2/3),   B–Y 15–20 (w 1/3)
#   C   17    5      C–X 15–20 (w 1/3),   C–Y 0–10 (w 1)
#   D   25   30      nothing in reach: APL 0
# Step 1: D_X = 100 + 2/3·200 + 1/3·300 = 1000/3 → R_X = 600 / (1000/3) = 1.8
#         D_Y = 1/3·200 + 300 = 1100/3           → R_Y = 300 / (1100/3) = 9/11
# Step 2: A = 1.8; B = 2/3·1.8 + 1/3·9/11 = 1.2 + 3/11; C = 1/3·1.8 + 9/11 = 0.6 + 9/11; D = 0
POP = np.array([100.0, 200.0, 300.0, 50.0])
SUPPLY = np.array([600.0, 300.0])
TIMES = np.array([[5.0, 25.0], [12.0, 17.0], [17.0, 5.0], [25.0, 30.0]])
EXPECTED_APL = np.array([1.8, 1.2 + 3 / 11, 0.6 + 9 / 11, 0.0])


def toy() -> E2SFCA:
    return E2SFCA.from_travel_times(
        SUPPLY, POP, TIMES, supply_ids=["X", "Y"], demand_ids=["A", "B", "C", "D"]
    ).solve()


def test_hand_computed_e2sfca() -> None:
    eng = toy()
    assert eng.status == "solved"
    np.testing.assert_allclose(eng.weighted_demand, [1000 / 3, 1100 / 3], rtol=1e-15)
    np.testing.assert_allclose(eng.supply_ratio, [1.8, 9 / 11], rtol=1e-15)
    np.testing.assert_allclose(eng.apl, EXPECTED_APL, rtol=1e-15, atol=0)
    assert eng.apl[3] == 0.0 and not np.isnan(eng.apl).any()
    # every consultation is assigned once: Σ P_i·APL_i = Σ S_j
    assert float(POP @ eng.apl) == pytest.approx(SUPPLY.sum(), rel=1e-14)
    res = eng.results()
    assert res["code"].tolist() == ["A", "B", "C", "D"]
    assert res["apl"].iloc[3] == 0.0


def test_band_edges_are_closed_on_the_right() -> None:
    t = np.array([0.0, 10.0, 10.000001, 15.0, 15.5, 20.0, 20.0001, np.nan, INF])
    np.testing.assert_array_equal(
        band_weights(t), [1.0, 1.0, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 0.0, 0.0, 0.0]
    )
    # A pair at exactly 10 min gets weight 1, at 20 min weight 1/3, at 20.5 min nothing.
    eng = E2SFCA.from_travel_times([90.0], [10.0, 10.0, 10.0], np.array([[10.0], [20.0], [20.5]]))
    eng.solve()
    # D = 10 + 10/3 = 40/3, R = 90 / (40/3) = 6.75
    np.testing.assert_allclose(eng.apl, [6.75, 2.25, 0.0], rtol=1e-15)


def test_bands_are_a_parameter_and_validated() -> None:
    bands = ((30.0, 1.0),)  # plain 2SFCA, 30-minute catchment
    eng = E2SFCA.from_travel_times(SUPPLY, POP, TIMES, bands=bands).solve()
    # X reaches A, B, C, D (all ≤ 30): R_X = 600/650; Y reaches all too: R_Y = 300/650
    np.testing.assert_allclose(eng.apl, np.full(4, 900 / 650), rtol=1e-15)
    with pytest.raises(ValueError):
        band_weights(np.array([1.0]), ((15.0, 1.0), (10.0, 0.5)))
    with pytest.raises(ValueError):
        band_weights(np.array([1.0]), ((10.0, -1.0),))
    with pytest.raises(ValueError):
        band_weights(np.array([-1.0]))


def test_sparse_pairs_dense_and_dataframe_paths_agree() -> None:
    rng = np.random.default_rng(7)
    n_d, n_s = 40, 12
    times = rng.uniform(0, 30, (n_d, n_s))
    times[rng.random((n_d, n_s)) < 0.3] = INF  # unreachable
    times[0, 0] = 0.0  # a 0-minute pair (the commune's own doctors)
    pop = rng.uniform(0, 1000, n_d)
    sup = rng.uniform(0, 5000, n_s)
    dense = E2SFCA.from_travel_times(sup, pop, times).solve().apl

    i, j = np.nonzero(np.isfinite(times))
    t = times[i, j]
    as_tuple = E2SFCA.from_travel_times(sup, pop, (i, j, t)).solve().apl
    frame = pd.DataFrame({"demand": i, "supply": j, "minutes": t})
    as_frame = E2SFCA.from_travel_times(sup, pop, frame).solve().apl
    # stored entries are the pairs: the explicit 0 at (0, 0) must be kept
    coo = sparse.coo_array((t, (i, j)), shape=(n_d, n_s))
    as_sparse = E2SFCA.from_travel_times(sup, pop, coo).solve().apl
    core = E2SFCA(sup, pop, i, j, t).solve().apl

    for other in (as_tuple, as_frame, as_sparse, core):
        np.testing.assert_array_equal(other, dense)
    assert dense[0] > 0


def test_coordinates_path_equals_dense_haversine_times() -> None:
    rng = np.random.default_rng(1)
    lat = 45.0 + rng.uniform(0, 0.5, 60)
    lon = 3.0 + rng.uniform(0, 0.7, 60)
    pop = rng.uniform(10, 2000, 60)
    s_idx = np.arange(0, 60, 4)  # GP sites at 15 communes
    sup = rng.uniform(1000, 20000, s_idx.size)
    model = TravelTimeModel(coefficient=1.9, exponent=0.84)

    eng = E2SFCA.from_coordinates(
        sup, lat[s_idx], lon[s_idx], pop, lat, lon, model, supply_ids=[f"S{k}" for k in s_idx]
    ).solve()
    km = haversine_km(lat[:, None], lon[:, None], lat[s_idx][None, :], lon[s_idx][None, :])
    ref = E2SFCA.from_travel_times(sup, pop, model.minutes(km)).solve()
    np.testing.assert_allclose(eng.apl, ref.apl, rtol=1e-12, atol=1e-15)
    assert (eng.apl > 0).any() and (eng.apl == 0).any()  # some communes out of reach


def test_supply_without_demand_gives_zero_ratio_not_nan() -> None:
    # Site Z only reaches a commune with no population: its consultations are lost.
    eng = E2SFCA.from_travel_times([100.0, 50.0], [0.0, 10.0], np.array([[5.0, INF], [INF, 5.0]]))
    eng.solve()
    np.testing.assert_array_equal(eng.supply_ratio, [0.0, 5.0])
    np.testing.assert_array_equal(eng.apl, [0.0, 5.0])
    assert eng.n_supply_without_demand == 1 and eng.supply_without_demand == 100.0


def test_engine_checks_inputs() -> None:
    with pytest.raises(AccessibilityError):
        E2SFCA.from_travel_times(SUPPLY, POP, TIMES[:3])
    with pytest.raises(AccessibilityError):
        E2SFCA(SUPPLY, POP, [0], [2], [5.0])  # supply index out of range
    with pytest.raises(AccessibilityError):
        E2SFCA([-1.0, 0.0], POP, [0], [0], [5.0])
    with pytest.raises(AccessibilityError):
        E2SFCA.from_travel_times(SUPPLY, POP, TIMES).results()  # not solved


def test_what_if_added_supply_raises_apl_only_within_reach() -> None:
    base = toy()
    # +110 consultations at Y: R_Y += 110 / (1100/3) = 0.3; B gets 1/3·0.3, C gets 0.3
    more = base.with_added_supply("Y", 110.0)
    np.testing.assert_allclose(more.apl - base.apl, [0.0, 0.1, 0.3, 0.0], atol=1e-15)
    assert more.apl[0] == base.apl[0] and more.apl[3] == 0.0
    np.testing.assert_allclose(base.apl, EXPECTED_APL, rtol=1e-15)  # base unchanged
    assert base.supply[1] == 300.0
    np.testing.assert_array_equal(base.with_added_supply(1, 110.0).apl, more.apl)

    # a new site reaching only D (5 min) and C (18 min): D_new = 50 + 300/3 = 150
    new = base.with_new_site_pairs(np.array([3, 2]), np.array([5.0, 18.0]), 300.0, "Z")
    # R_Z = 2 → D: +2, C: +2/3; A and B unchanged
    np.testing.assert_allclose(new.apl - base.apl, [0.0, 0.0, 2 / 3, 2.0], atol=1e-15)
    assert new.supply_ids == ["X", "Y", "Z"] and len(base.supply) == 2
    with pytest.raises(AccessibilityError):
        base.with_added_supply("nowhere", 1.0)
    with pytest.raises(AccessibilityError):
        base.with_new_site(45.0, 3.0, 1.0)  # no coordinates in this engine


def test_what_if_opens_a_site_at_a_commune_on_coordinates_engine() -> None:
    # Three communes on a meridian: 01001 and 01002 are 0.05° (5.6 km) apart, 2A004 is far.
    lat, lon = np.array([45.0, 45.05, 47.0]), np.array([3.0, 3.0, 3.0])
    model = TravelTimeModel(coefficient=1.5, exponent=1.0)
    eng = E2SFCA.from_coordinates(
        np.array([1000.0]),
        lat[:1],
        lon[:1],
        np.array([100.0, 100.0, 100.0]),
        lat,
        lon,
        model,
        supply_ids=["01001"],
        demand_ids=["01001", "01002", "2A004"],
    ).solve()
    # 5.56 km × 1.5 = 8.3 min: both neighbours in band 0–10 → R = 1000/200 = 5
    np.testing.assert_allclose(eng.apl, [5.0, 5.0, 0.0], rtol=1e-12)
    opened = eng.with_added_supply("2A004", 500.0)  # no GP there yet: a new site
    np.testing.assert_allclose(opened.apl, [5.0, 5.0, 5.0], rtol=1e-12)
    assert opened.supply_ids == ["01001", "2A004"]
    np.testing.assert_allclose(eng.apl, [5.0, 5.0, 0.0], rtol=1e-12)


def _toy_validation_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Communes ≥ 200 km apart: each sees only its own GPs (0 min, weight 1), APL = S/P.
    communes = pd.DataFrame(
        {
            "code": ["01001", "2A004", "97411", "75056", "13055"],
            "lat": [43.0, 45.0, 47.0, 49.0, 51.0],
            "lon": [2.0, 2.0, 2.0, 2.0, 2.0],
            "pop_standardisee": [1000.0, 1000.0, 2000.0, 500.0, 100.0],
            "pop_totale": [900.0, 1100.0, 2100.0, 400.0, 100.0],
            "apl_officiel": [3.0, 1.5, 0.5, 5.0, np.nan],  # 13055 not compared
        }
    )
    supply = pd.DataFrame(
        {
            "code": ["01001", "2A004", "75056", "97601"],
            "nb_medecins_generalistes": [2, 1, 3, 5],  # 97601 (Mayotte): outside the APL
        }
    )
    return communes, supply


def test_validation_metrics_on_a_toy() -> None:
    communes, supply = _toy_validation_inputs()
    model = TravelTimeModel(coefficient=1.5, exponent=1.0)
    v = validate_against_official(communes, supply, model, 1000.0)
    # estimated APL = 1000 × GPs / P: 2, 1, 0, 6 ; official 3, 1.5, 0.5, 5
    assert v.communes["code"].tolist() == ["01001", "2A004", "97411", "75056"]
    np.testing.assert_allclose(v.communes["apl_estime"], [2.0, 1.0, 0.0, 6.0], rtol=1e-12)
    assert v.n_communes == 4 and v.scaling == "chiffre fixe"
    assert v.mae == pytest.approx(0.75) and v.median_ae == pytest.approx(0.75)
    assert v.spearman == pytest.approx(1.0)
    # < 2.5: official F T T F, estimated T T T F → accuracy 3/4, TP 2, precision 2/3,
    # recall 1, p_o = 0.75, p_e = 0.5·0.75 + 0.5·0.25 = 0.5 → kappa 0.5
    assert v.accuracy == pytest.approx(0.75)
    assert v.precision == pytest.approx(2 / 3) and v.recall == pytest.approx(1.0)
    assert v.kappa == pytest.approx(0.5)
    assert v.pop_sous_dense_officiel == 3200.0 and v.pop_sous_dense_estime == 4100.0
    assert v.n_supply_codes_unmatched == 1 and v.medecins_unmatched == 5.0
    assert "Metric" in v.explication and "RPPS" in v.explication
    assert v.metrics()["kappa"] == pytest.approx(0.5)


def test_validation_scaling_to_the_official_national_mean() -> None:
    communes, supply = _toy_validation_inputs()
    v = validate_against_official(communes, supply, TravelTimeModel(1.5, 1.0), None)
    # k = Σ P·APL_off / Σ P·(GPs/P) = (3000 + 1500 + 1000 + 2500) / 6 GPs
    assert v.consultations_per_gp == pytest.approx(8000 / 6)
    assert v.mean_estime == pytest.approx(v.mean_officiel)
    assert v.mean_officiel == pytest.approx(8000 / 4500)


def test_default_bands_are_the_drees_ones() -> None:
    assert DREES_BANDS == ((10.0, 1.0), (15.0, 2 / 3), (20.0, 1 / 3))


def test_methods_page_shows_the_validation_before_after_and_errors_by_terrain(
    mini_db, monkeypatch
) -> None:
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = AppTest.from_file(str(root / "app.py"), default_timeout=60)
    at.switch_page("pages/5_Sources_et_méthodes.py")
    at.run()
    assert not at.exception
    metrics = {m.label: m for m in at.metric}
    spearman = metrics["Corrélation de Spearman"]
    assert spearman.proto.delta.startswith("avant : ")
    tables = [d.value for d in at.dataframe if "Terrain" in d.value.columns]
    assert tables and "Toutes les communes" in tables[0]["Terrain"].tolist()
    text = " ".join(m.value for m in at.markdown)
    assert "jamais utilisée pour régler" in text and "Un effectif n'est pas une activité" in text
