"""Fixed-centre and maximal-covering models on instances solved by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analytics.planning.centres import CentreLocation, check_limits
from analytics.planning.coverage import MaximalCovering
from analytics.planning.data import PlanningInputs, gain_matrix, new_gp_consultations
from analytics.planning.errors import PlanningError
from analytics.planning.plan import CentreParams, effect_of
from analytics.traveltime import TravelTimeModel

SEUIL = 2.5


def _greedy_trap() -> CentreLocation:
    """Communes D (110 inhabitants), E (200), F (10), each 1 consultation short of 2,5.
    Site X lifts D with 1 FTE, site Y lifts E only with 2 FTE (0,5 per FTE), site Z
    lifts F with 1 FTE. K = 2 sites, B = 2 FTE.

    By hand: the greedy takes X first (110 people per FTE, more than Y's 200 / 2 = 100),
    then the last FTE can only go to Z: 120 people. The optimum spends both FTE at Y:
    200 people."""
    a = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 1.0]])
    return CentreLocation.from_matrices(
        a,
        apl=np.full(3, SEUIL - 1.0),
        population=np.array([110.0, 200.0, 10.0]),
        pop_standardisee=np.array([100.0, 100.0, 100.0]),
        k=2,
        budget=2,
        etp_min=1,
        etp_max=2,
    )


def test_greedy_is_suboptimal_and_the_milp_finds_the_optimum() -> None:
    model = _greedy_trap().solve(time_limit=10)
    assert model.greedy_value == pytest.approx(120.0)
    assert list(model.greedy_etp) == [1, 0, 1]
    assert model.status == "optimal"
    assert model.objective_value == pytest.approx(200.0)
    assert list(model.etp) == [0, 2, 0]
    assert model.gap == pytest.approx(0.0)


def test_missing_consultations_objective_caps_each_commune_at_its_deficit() -> None:
    """Two communes of 1 000 standardised inhabitants, 0,5 and 1,5 under 2,5 (deficits
    500 and 1 500 consultations). One site reaching both with 1 per FTE; B = 1: commune 1
    gets 1 → fills its 500 (capped), commune 2 gets 1 → 1 000 of 1 500: 1 500 in all."""
    a = sparse.csr_array(np.array([[1.0 / 1000], [1.0 / 1000]]) * 1000)
    model = CentreLocation.from_matrices(
        a,
        apl=np.array([2.0, 1.0]),
        population=np.array([1000.0, 1000.0]),
        pop_standardisee=np.array([1000.0, 1000.0]),
        k=1,
        budget=1,
        objective="consultations",
    ).solve()
    assert model.status == "optimal"
    assert model.objective_value == pytest.approx(500.0 + 1000.0)


def test_zero_sites_changes_nothing() -> None:
    model = CentreLocation.from_matrices(
        np.array([[1.0]]),
        apl=np.array([1.0]),
        population=np.array([500.0]),
        pop_standardisee=np.array([500.0]),
        k=0,
        budget=3,
    ).solve()
    assert model.etp.sum() == 0
    assert model.objective_value == 0.0


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"k": 2, "budget": 0, "etp_min": 1, "etp_max": 2}, "budget"),
        ({"k": 1, "budget": 3, "etp_min": 4, "etp_max": 6}, "budget"),
        ({"k": 1, "budget": 3, "etp_min": 3, "etp_max": 2}, "etp_max"),
        ({"k": -1, "budget": 3, "etp_min": 1, "etp_max": 2}, "sites"),
    ],
)
def test_impossible_limits_get_a_french_message_naming_the_parameter(kwargs, word) -> None:
    with pytest.raises(PlanningError, match=word):
        check_limits(**kwargs)


def test_more_sites_than_candidates_is_refused_in_french() -> None:
    with pytest.raises(PlanningError, match="« sites » : 5 sites demandés pour 2 communes"):
        MaximalCovering.from_cost_matrix(np.zeros((3, 2)), np.ones(3), 10.0, 5)


def test_unknown_objective_is_named() -> None:
    with pytest.raises(PlanningError, match="objectif"):
        CentreParams(objectif="bonheur")


def test_maximal_covering_by_hand() -> None:
    """Demand 1..4 with weights 10, 20, 30, 40; site A covers {1, 2}, B {2, 3}, C {4},
    D {1, 4}. p = 2: the best pair is B + D (20 + 30 + 10 + 40 = 100)."""
    inf = np.inf
    cost = np.array(
        [
            [5, inf, inf, 5],
            [5, 5, inf, inf],
            [inf, 5, inf, inf],
            [inf, inf, 5, 5],
        ]
    )
    model = MaximalCovering.from_cost_matrix(cost, np.array([10, 20, 30, 40.0]), 10, 2).solve()
    assert model.status == "optimal"
    assert sorted(model.sites.tolist()) == [1, 3]
    assert model.objective_value == pytest.approx(100.0)
    assert model.covered.all()


def test_gain_matrix_is_the_e2sfca_step_one() -> None:
    """Site at commune 0; commune 0 at 0 min (weight 1), commune 1 at 12 min (2/3),
    commune 2 at 25 min (0). Standardised populations 1 000, 500, 800. D = 1 000 +
    2/3 × 500 = 4 000 / 3; one FTE of 5 400 consultations gives 5 400 × 3 / 4 000 = 4,05
    to commune 0 and 2/3 of it, 2,7, to commune 1."""
    minutes = sparse.csr_array(np.array([[1e-6], [12.0], [25.0]]))
    a = gain_matrix(minutes, np.array([1000.0, 500.0, 800.0]), 5400.0)
    assert a.toarray().ravel() == pytest.approx([4.05, 2.7, 0.0])


def test_the_plan_effect_is_recomputed_by_the_engine() -> None:
    """The same toy zone: 2 FTE at commune 0 add 8,1 and 5,4 to the official APL."""
    communes = pd.DataFrame(
        {
            "code": ["01001", "01002", "01003"],
            "nom": ["A", "B", "C"],
            "lat": [45.0, 45.1, 45.3],
            "lon": [5.0, 5.0, 5.0],
            "facteur": [1.0, 1.0, 1.0],
            "population": [1000.0, 500.0, 800.0],
            "pop_standardisee": [1000.0, 500.0, 800.0],
            "apl": [1.0, 2.0, 3.0],
            "dans_zone": [True, True, True],
        }
    )
    minutes = sparse.csr_array(
        np.array([[1e-6, 12.0, 25.0], [12.0, 1e-6, 13.0], [25.0, 13.0, 1e-6]])
    )
    inputs = PlanningInputs(
        communes=communes,
        minutes=minutes,
        gain_per_etp=gain_matrix(minutes, communes["pop_standardisee"].to_numpy(), 5400.0),
        consultations_par_etp=5400.0,
        model=TravelTimeModel(coefficient=1.0, exponent=1.0),
        bands=((10.0, 1.0), (15.0, 2 / 3), (20.0, 1 / 3)),
        gp_lat=np.array([44.0]),
        gp_lon=np.array([5.0]),
        gp_factor=np.array([1.0]),
    )
    effect = effect_of(inputs, np.array([0]), np.array([2]))
    assert effect.communes["gain"].tolist() == pytest.approx([8.1, 5.4, 0.0])
    # commune A (1 000 people) and B (500) leave the sous-dense class; C was above it.
    assert effect.sous_dense_avant == 1500.0
    assert effect.sous_dense_apres == 0.0
    nothing = effect_of(inputs, np.array([], dtype=int), np.array([], dtype=int))
    assert nothing.communes["apl_apres"].tolist() == [1.0, 2.0, 3.0]


def test_new_gp_activity_is_read_from_the_parameters_sheet(mini_con) -> None:
    from analytics.db import query

    # The DREES workbook: « une offre de 5 400 consultations ou visites est imputée ».
    assert new_gp_consultations(query(mini_con, "apl_parametres")) == 5400.0


def test_a_site_that_lifts_alone_is_found_when_no_level_is_partial() -> None:
    """One commune 1 short of 2,5, one site giving 2 per FTE: 1 FTE lifts its 500 people."""
    model = CentreLocation.from_matrices(
        np.array([[2.0]]),
        apl=np.array([1.5]),
        population=np.array([500.0]),
        pop_standardisee=np.array([500.0]),
        k=1,
        budget=1,
    ).solve()
    assert model.status == "optimal"
    assert model.objective_value == 500.0
    assert list(model.etp) == [1]


def _brute_force(a, apl, pop, pstd, k, budget, etp_min, etp_max, objective) -> float:
    """Best value over every plan (FTE 0 or etp_min..etp_max per candidate), by the
    definitions: people in communes reaching 2,5, or missing consultations filled."""
    import itertools

    need = SEUIL - apl
    best = 0.0
    levels = [0, *range(etp_min, etp_max + 1)]
    for x in itertools.product(levels, repeat=a.shape[1]):
        x = np.asarray(x, dtype=float)
        if (x > 0).sum() > k or x.sum() > budget:
            continue
        gain = a @ x
        if objective == "sous_densite":
            value = pop[(need > 0) & (gain >= need - 1e-9)].sum()
        else:
            value = (pstd * np.clip(np.minimum(gain, need), 0, None)).sum()
        best = max(best, float(value))
    return best


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("objective", ["sous_densite", "consultations"])
def test_the_model_reaches_the_brute_force_optimum_on_random_instances(seed, objective) -> None:
    """Seeded random zones of 9 communes and 4 candidates, sparse gains: the MILP's plan
    has the value of the best plan found by enumerating every plan."""
    rng = np.random.default_rng(seed)
    n, m = 9, 4
    a = rng.uniform(0.1, 1.2, (n, m)) * (rng.random((n, m)) < 0.45)
    apl = rng.uniform(0.5, 3.0, n)
    pop = rng.integers(50, 2000, n).astype(float)
    pstd = pop * rng.uniform(0.8, 1.2, n)
    k, budget, etp_min, etp_max = int(rng.integers(1, 4)), int(rng.integers(2, 7)), 1, 3
    model = CentreLocation.from_matrices(
        a,
        apl,
        pop,
        pstd,
        k=k,
        budget=budget,
        etp_min=etp_min,
        etp_max=etp_max,
        objective=objective,
    ).solve(time_limit=10)
    expected = _brute_force(a, apl, pop, pstd, k, budget, etp_min, etp_max, objective)
    assert model.status == "optimal"
    assert model.objective_value == pytest.approx(expected, rel=1e-6)
    assert (model.etp > 0).sum() <= k and model.etp.sum() <= budget


def test_two_far_apart_clusters_are_solved_apart_and_combined() -> None:
    """Cluster 1: site M lifts G (105 people, 1 short, 1 per FTE) and, with 3 FTE, H (1
    person, 3 short). Cluster 2, far away (no common commune): site Y gives E (200
    people, 1 short) 0,5 per FTE. K = 1, B = 3.

    By hand: the greedy opens M (105 per FTE, more than Y's 200 / 2 = 100), the single
    site is spent, and M's third FTE lifts H: 106. The optimum puts 2 FTE at Y: 200 —
    found in the cluster solved apart (M, with more levels, stays in the main model)."""
    a = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 0.5]])
    model = CentreLocation.from_matrices(
        a,
        apl=np.array([SEUIL - 1.0, SEUIL - 3.0, SEUIL - 1.0]),
        population=np.array([105.0, 1.0, 200.0]),
        pop_standardisee=np.full(3, 100.0),
        k=1,
        budget=3,
        etp_min=1,
        etp_max=3,
    ).solve(time_limit=10)
    assert model.greedy_value == pytest.approx(106.0)
    assert model.status == "optimal"
    assert model.objective_value == pytest.approx(200.0)
    assert list(model.etp) == [0, 2]
