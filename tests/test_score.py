"""Need score: toy territories whose scores are computed by hand."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from analytics.score import (
    COMPONENT_BY_KEY,
    COMPONENTS,
    DEFAULT_WEIGHTS,
    PRESETS,
    explain,
    percentile_rank,
    prepare_components,
    score,
    validate_weights,
)

NNBSP = "\u202f"


def _norms(**columns: list[float]) -> pd.DataFrame:
    """A components frame with the given ``norm_<key>`` columns only."""
    return pd.DataFrame({f"norm_{k}": v for k, v in columns.items()}, dtype=float)


# --- percentile normalisation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10, 20, 20, 40, np.nan], [0.0, 0.5, 0.5, 1.0, np.nan]),
        ([3, 1, 2], [1.0, 0.0, 0.5]),
        ([5, 5, 5], [0.5, 0.5, 0.5]),
        ([7, np.nan], [0.5, np.nan]),
        ([np.nan, np.nan], [np.nan, np.nan]),
        ([1, np.inf, 2], [0.0, np.nan, 1.0]),
    ],
)
def test_percentile_rank_known_vectors(values, expected):
    np.testing.assert_allclose(percentile_rank(values), expected)


# --- components ------------------------------------------------------------------------


def test_components_are_documented():
    keys = [c.key for c in COMPONENTS]
    assert len(keys) == len(set(keys))
    for c in COMPONENTS:
        assert c.label and c.definition and c.why and c.phrase and c.unit, c.key
        assert c.columns, c.key
        assert c.direction in (-1, 1), c.key
    prepared = prepare_components(pd.DataFrame({"apl_2023": [1.0]}))
    assert {f"raw_{k}" for k in keys} | {f"norm_{k}" for k in keys} | {"sans_apl"} == set(
        prepared.columns
    )


def test_prepare_components_raw_values_and_missing_stay_missing():
    df = pd.DataFrame(
        {
            "niveau": "epci",
            "apl_2023": [1.0, 3.0, 5.0, np.nan],
            "evolution_apl_2015_2023": [-0.5, 0.2, 0.0, -0.1],
            "part_75_plus": [0.10, np.nan, 0.12, 0.08],
            "pop_apl_sous_2_5_2023": [40000.0, 0.0, 0.0, 10.0],
        },
        index=["a", "b", "c", "d"],
    )
    comp = prepare_components(df)
    assert list(comp.index) == ["a", "b", "c", "d"]
    # APL gap: max(0, 4 − APL) / 4
    np.testing.assert_allclose(comp["raw_ecart_apl"], [0.75, 0.25, 0.0, np.nan])
    np.testing.assert_allclose(comp["norm_ecart_apl"], [1.0, 0.5, 0.0, np.nan])
    # trend: minus the evolution (a fall is need)
    np.testing.assert_allclose(comp["raw_tendance"], [0.5, -0.2, 0.0, 0.1])
    # missing input → NaN in raw and norm, never 0; ranks among the three others
    assert np.isnan(comp.loc["b", "raw_vieillissement"])
    assert np.isnan(comp.loc["b", "norm_vieillissement"])
    np.testing.assert_allclose(comp["norm_vieillissement"], [0.5, np.nan, 1.0, 0.0])
    # a column the caller did not give: missing everywhere
    assert comp["raw_distance"].isna().all() and comp["norm_ald_sans_mt"].isna().all()


def test_people_affected_rank_equals_rank_of_log():
    """Ranking is invariant under a monotone transform: log-scaling changes nothing."""
    pop = np.array([0.0, 120.0, 800.0, 45000.0, 2_100_000.0, 800.0])
    comp = prepare_components(pd.DataFrame({"pop_apl_sous_2_5_2023": pop}))
    np.testing.assert_allclose(comp["norm_personnes_concernees"], percentile_rank(np.log1p(pop)))


def test_prepare_components_rejects_mixed_levels():
    df = pd.DataFrame({"niveau": ["epci", "departement"], "apl_2023": [2.0, 3.0]})
    with pytest.raises(ValueError, match="un seul niveau"):
        prepare_components(df)


# --- score ------------------------------------------------------------------------------


def test_score_by_hand_and_decomposition():
    comp = _norms(ecart_apl=[1.0, 0.5, 0.0], vieillissement=[0.0, 1.0, 0.5])
    out = score(comp, {"ecart_apl": 3, "vieillissement": 1})
    # score = 100 × (3/4 × gap + 1/4 × ageing)
    np.testing.assert_allclose(out["score"], [75.0, 62.5, 12.5])
    np.testing.assert_allclose(out["contrib_ecart_apl"], [75.0, 37.5, 0.0])
    np.testing.assert_allclose(out["contrib_vieillissement"], [0.0, 25.0, 12.5])
    contribs = out.filter(like="contrib_").to_numpy()
    np.testing.assert_allclose(np.nansum(contribs, axis=1), out["score"], rtol=0, atol=1e-12)
    assert out["rang"].tolist() == [1, 2, 3]
    assert (out["nb_territoires"] == 3).all()
    assert out["complet"].all() and (out["composantes_manquantes"] == "").all()
    assert (out["contrib_tendance"] == 0).all()  # zero weight: contributes nothing


def test_score_components_lists_the_points_of_each_component_that_brings_some():
    from analytics.score import COMPONENT_BY_KEY, score_components

    comp = _norms(ecart_apl=[1.0, 0.5, 0.0], vieillissement=[0.0, 1.0, 0.5])
    out = score(comp, {"ecart_apl": 3, "vieillissement": 1})
    # second territory: 100 × 3/4 × 0,5 = 37,5 and 100 × 1/4 × 1 = 25 (by hand, as above)
    parts = score_components(out.iloc[1])
    assert parts["composante"].tolist() == [
        COMPONENT_BY_KEY["ecart_apl"].label,
        COMPONENT_BY_KEY["vieillissement"].label,
    ]
    np.testing.assert_allclose(parts["contribution"], [37.5, 25.0])
    # first territory: ageing brings 0 point and is left out; the zero-weight ones too
    assert score_components(out.iloc[0])["composante"].tolist() == [
        COMPONENT_BY_KEY["ecart_apl"].label
    ]
    # an unscored row: an empty table that still has its two columns (the PDF reads them)
    empty = score_components(pd.Series({"score": float("nan")}))
    assert empty.empty and list(empty.columns) == ["composante", "contribution"]


def test_flipping_weights_flips_the_order():
    """A is worse on the APL gap, B on ageing: the weights decide who comes first."""
    df = pd.DataFrame({"apl_2023": [1.0, 3.5], "part_75_plus": [0.05, 0.20]}, index=["A", "B"])
    comp = prepare_components(df)
    acces = score(comp, {"ecart_apl": 5, "vieillissement": 1})
    age = score(comp, {"ecart_apl": 1, "vieillissement": 5})
    assert acces.loc["A", "rang"] == 1 and acces.loc["B", "rang"] == 2
    assert age.loc["B", "rang"] == 1 and age.loc["A", "rang"] == 2
    np.testing.assert_allclose(acces["score"], [100 * 5 / 6, 100 * 1 / 6])


def test_missing_component_is_flagged_and_renormalised_not_zero():
    comp = _norms(ecart_apl=[0.8, 0.8], urgences=[0.2, np.nan])
    out = score(comp, {"ecart_apl": 3, "urgences": 1})
    # complete territory: 3/4 × 0.8 + 1/4 × 0.2
    assert out["score"].iloc[0] == pytest.approx(65.0)
    # missing emergency time: the weight goes to the APL gap (0.8 → 80), not a 0 (→ 60)
    assert out["score"].iloc[1] == pytest.approx(80.0)
    assert out["contrib_ecart_apl"].iloc[1] == pytest.approx(80.0)
    assert np.isnan(out["contrib_urgences"].iloc[1])
    assert not out["complet"].iloc[1] and out["complet"].iloc[0]
    label = COMPONENT_BY_KEY["urgences"].label
    assert out["composantes_manquantes"].tolist() == ["", label]


def test_unweighted_missing_component_is_not_flagged():
    comp = _norms(ecart_apl=[0.5], ald_sans_mt=[np.nan])
    out = score(comp, {"ecart_apl": 1, "ald_sans_mt": 0})
    assert out["complet"].iloc[0] and out["composantes_manquantes"].iloc[0] == ""


def test_territory_with_too_little_data_is_not_scored():
    comp = _norms(ecart_apl=[0.5, np.nan], distance=[0.5, 1.0])
    out = score(comp, {"ecart_apl": 3, "distance": 1})
    assert out["score"].iloc[0] == pytest.approx(50.0)
    assert np.isnan(out["score"].iloc[1]) and pd.isna(out["rang"].iloc[1])
    assert out["nb_territoires"].iloc[0] == 1
    assert "Écart à l'APL cible" in out["composantes_manquantes"].iloc[1]
    assert explain(out.iloc[1]).startswith("Score non calculé")


def test_ties_share_the_best_rank():
    out = score(_norms(ecart_apl=[0.5, 1.0, 0.5, 0.0]), {"ecart_apl": 1})
    assert out["rang"].tolist() == [2, 1, 2, 4]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"ecart_apl": 1, "mystere": 2}, "mystere"),
        ({"ecart_apl": -1}, "négatif"),
        ({"ecart_apl": 0, "tendance": 0}, "nuls"),
        ({}, "nuls"),
        ({"ecart_apl": float("nan")}, "non fini"),
        ({"ecart_apl": "beaucoup"}, "non numérique"),
    ],
)
def test_weights_validation(weights, message):
    with pytest.raises(ValueError, match=message):
        score(_norms(ecart_apl=[0.5]), weights)


def test_weighted_component_without_column_is_an_error():
    with pytest.raises(ValueError, match="norm_urgences"):
        score(_norms(ecart_apl=[0.5]), {"ecart_apl": 1, "urgences": 1})


def test_presets_are_valid():
    assert DEFAULT_WEIGHTS == PRESETS["Équilibré"]
    assert set(PRESETS) == {
        "Équilibré",
        "Accès actuel",
        "Vieillissement",
        "Tendance",
        "Centre pluriprofessionnel",
    }
    for name, weights in PRESETS.items():
        assert validate_weights(weights) == weights, name
        assert weights["ald_sans_mt"] == 0, name  # partial data: off by default
    acces = PRESETS["Accès actuel"]
    assert acces["ecart_apl"] + acces["personnes_concernees"] > 0.5 * sum(acces.values())
    assert max(PRESETS["Tendance"], key=PRESETS["Tendance"].get) == "tendance"
    age = PRESETS["Vieillissement"]
    assert age["vieillissement"] + age["offre_plus_65"] + age["medecins_55_plus"] >= 75


def test_score_is_fast_on_35000_territories():
    rng = np.random.default_rng(0)
    n = 35_000
    df = pd.DataFrame(
        {
            "apl_2023": rng.uniform(0, 6, n),
            "pop_apl_sous_2_5_2023": rng.integers(0, 5000, n).astype(float),
            "evolution_apl_2015_2023": rng.normal(0, 0.5, n),
            "part_75_plus": rng.uniform(0.03, 0.2, n),
            "part_offre_medecins_plus_65_2023": rng.uniform(0, 0.4, n),
            "part_medecins_55_plus": rng.uniform(0.3, 0.6, n),
            "km_generaliste": rng.uniform(0, 15, n),
            "minutes_urgences": np.where(rng.random(n) < 0.01, np.nan, rng.uniform(5, 60, n)),
        }
    )
    comp = prepare_components(df)
    score(comp, DEFAULT_WEIGHTS)  # warm-up
    start = time.perf_counter()
    out = score(comp, PRESETS["Vieillissement"])
    elapsed = time.perf_counter() - start
    assert elapsed < 0.3, f"score() took {elapsed:.3f} s"
    assert out["rang"].min() == 1 and out["score"].between(0, 100).all()


# --- explain ----------------------------------------------------------------------------


def _row(**values: float) -> pd.Series:
    base = {f"contrib_{c.key}": 0.0 for c in COMPONENTS}
    base.update({"composantes_manquantes": "", "complet": True})
    base.update(values)
    return pd.Series(base, dtype=object)


def test_explain_french_sentence():
    row = _row(
        score=72.4,
        rang=15,
        nb_territoires=1255,
        contrib_ecart_apl=30.2,
        contrib_personnes_concernees=20.1,
        contrib_tendance=22.1,
    )
    assert explain(row) == (
        f"Score 72/100 (rang 15 sur 1{NNBSP}255) : l'écart d'APL apporte 30 points, "
        "la baisse de l'APL 22 points et les habitants en zone sous-dense 20 points."
    )


def test_explain_points_add_up_to_the_displayed_score():
    row = _row(
        score=100.0,
        rang=1,
        nb_territoires=3,
        contrib_ecart_apl=33.4,
        contrib_vieillissement=33.3,
        contrib_urgences=33.3,
    )
    text = explain(row)
    assert text.startswith("Score 100/100 (rang 1 sur 3) : l'écart d'APL apporte 34 points")
    assert "la part des 75 ans et plus 33 points" in text
    assert "l'éloignement des urgences 33 points" in text


def test_explain_names_missing_components():
    comp = _norms(ecart_apl=[0.8, 0.8], urgences=[0.2, np.nan])
    out = score(comp, {"ecart_apl": 3, "urgences": 1})
    text = explain(out.iloc[1])
    assert text.startswith("Score 80/100 (rang 1 sur 2) : l'écart d'APL apporte 80 points.")
    assert "Non disponible : Temps d'accès aux urgences (poids réparti" in text


def test_no_need_brings_no_points() -> None:
    """Nobody under 2.5, APL above the target, a GP in the commune, no decline: 0 points
    on those components even when most territories tie at 0 (average ranks would not)."""
    df = pd.DataFrame(
        {
            "apl_2023": [4.5, 4.2, 5.0, 2.0],
            "pop_apl_sous_2_5_2023": [0.0, 0.0, 0.0, 800.0],
            "evolution_apl_2015_2023": [0.1, 0.0, 0.2, -0.5],
            "km_generaliste": [0.0, 0.0, 0.0, 7.0],
        }
    )
    comp = prepare_components(df)
    for key in ("ecart_apl", "personnes_concernees", "tendance", "distance"):
        assert comp[f"norm_{key}"].tolist()[:3] == [0.0, 0.0, 0.0], key
        assert comp[f"norm_{key}"].iloc[3] == 1.0, key


def test_territory_without_apl_is_scored_on_what_it_has_and_names_the_rest():
    """Hand-solved: three territories, the third without any APL (as Mayotte).

    Weights: ecart_apl 50, distance 25, urgences 25. Territory C has no APL, so the APL
    component is missing by design: the floor is taken on distance + urgences (50), which
    C has in full; C's score = (25 · 1 + 25 · 1) / 50 × 100 = 100 (worst distance and
    worst emergency time of the three) and the missing component is named.
    """
    df = pd.DataFrame(
        {
            "apl_2023": [2.0, 5.0, np.nan],
            "km_generaliste": [1.0, 2.0, 9.0],
            "minutes_urgences": [10.0, 20.0, 40.0],
        }
    )
    weights = {"ecart_apl": 50, "distance": 25, "urgences": 25}
    out = score(prepare_components(df), weights)
    assert out["score"].iloc[2] == pytest.approx(100.0)
    assert out["rang"].iloc[2] == 1
    assert out["composantes_manquantes"].iloc[2] == "Écart à l'APL cible"
    # A territory WITH an APL but missing most weights is still refused by the floor.
    df2 = df.assign(apl_2023=[2.0, 5.0, 3.0], km_generaliste=[1.0, 2.0, np.nan])
    df2.loc[2, "minutes_urgences"] = np.nan
    refused = score(prepare_components(df2), {"ecart_apl": 40, "distance": 30, "urgences": 30})
    assert np.isnan(refused["score"].iloc[2])  # 40 of 100 available: under the half


def test_dental_component_ranks_by_lowest_dentist_apl():
    """Preset « Centre pluriprofessionnel » weighs the dentists' APL: lower APL, more need."""
    df = pd.DataFrame({"apl_2023": [3.0, 3.0], "apl_dentistes_2023": [30.0, 80.0]})
    out = score(prepare_components(df), {"acces_dentaire": 1})
    assert out["score"].tolist() == pytest.approx([100.0, 0.0])
    assert PRESETS["Centre pluriprofessionnel"]["acces_dentaire"] > 0
    assert all(
        w["acces_dentaire"] == 0 for n, w in PRESETS.items() if n != "Centre pluriprofessionnel"
    )
