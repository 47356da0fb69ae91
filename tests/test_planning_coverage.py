"""Our maximal covering model against PySAL spopt's MCLP on a real instance."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from analytics.planning.coverage import MaximalCovering
from analytics.planning.data import load_communes, planning_inputs


def test_same_optimum_as_spopt_mclp_on_the_tarn(national_db) -> None:
    """Tarn communes weighted by population, p = 5 sites, 15 estimated minutes: spopt's
    MCLP (Church & ReVelle, through PuLP and HiGHS) is the reference optimum."""
    pulp = pytest.importorskip("pulp")
    from spopt.locate import MCLP

    con = duckdb.connect(str(national_db), read_only=True)
    try:
        inputs = planning_inputs(con, "departement", ["81"], communes=load_communes(con))
    finally:
        con.close()
    zone = np.flatnonzero(inputs.zone)
    sub = inputs.minutes[zone][:, zone].toarray()
    cost = np.where(sub > 0, sub, np.inf)
    np.fill_diagonal(cost, 0.0)
    weights = inputs.communes["population"].to_numpy(float)[zone]

    ours = MaximalCovering.from_cost_matrix(cost, weights, 15.0, 5).solve()
    ref = MCLP.from_cost_matrix(np.where(np.isfinite(cost), cost, 1e6), weights, 15.0, 5)
    ref.solve(pulp.HiGHS(msg=False))
    ref_sites = [j for j, served in enumerate(ref.fac2cli) if len(served)]
    x = np.zeros(len(zone))
    x[ref_sites] = 1
    ref_value = float(weights[((cost <= 15.0) @ x) > 0].sum())

    assert ours.status == "optimal"
    assert len(ours.sites) == 5
    assert ours.objective_value == pytest.approx(ref_value)
