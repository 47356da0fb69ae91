"""What-if simulation on the mini database, checked against the E2SFCA formula by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.db import query
from analytics.geodesy import haversine_km
from analytics.simulation import simulate_centre
from analytics.traveltime import stored_model

#: DREES APL workbook, sheet « Paramètres », « Exceptions » : 5 400 consultations or visits
#: are imputed to a liberal GP without liberal activity the year before.
NEW_GP = 5400.0


def _expected_gains(con, code: str, consultations: float) -> dict[str, float]:
    """Δ_i = w(t_ij)·ΔS / Σ_k w(t_kj)·P_k, with the DREES bands 10/15/20 min → 1, 2/3, 1/3."""
    communes = query(con, "simulation_communes").set_index("code")
    model = stored_model(con)
    site = communes.loc[code]
    km = haversine_km(
        site["lat"], site["lon"], communes["lat"].to_numpy(), communes["lon"].to_numpy()
    )
    factor = np.sqrt(model.factor([code])[0] * model.factor(communes.index))
    minutes = np.asarray(model.minutes(km, factor))
    weights = np.select([minutes <= 10, minutes <= 15, minutes <= 20], [1.0, 2 / 3, 1 / 3], 0.0)
    demand = float(np.sum(weights * communes["pop_standardisee"].to_numpy()))
    return {
        c: w * consultations / demand for c, w in zip(communes.index, weights, strict=True) if w > 0
    }


def test_gains_follow_the_e2sfca_formula(mini_con) -> None:
    sim = simulate_centre(mini_con, "01004", etp=2)
    expected = _expected_gains(mini_con, "01004", 2 * NEW_GP)
    assert sim.consultations == 2 * NEW_GP
    got = dict(zip(sim.communes["code"], sim.communes["gain"], strict=True))
    assert set(got) == set(expected)
    for code, gain in expected.items():
        assert got[code] == pytest.approx(gain, rel=1e-9)
    assert sim.communes.iloc[0]["code"] == "01004"  # the site, 0 minutes
    after = sim.communes.set_index("code")
    assert (after["apl_apres"] - after["apl_avant"]).to_numpy() == pytest.approx(
        after["gain"].to_numpy()
    )


def test_people_leaving_the_sous_dense_class_are_counted(mini_con) -> None:
    sim = simulate_centre(mini_con, "01001", etp=10)
    t = sim.communes
    before = t.loc[t["apl_avant"] < 2.5, "population"].sum()
    after = t.loc[t["apl_apres"] < 2.5, "population"].sum()
    assert sim.sous_dense_avant == before and sim.sous_dense_apres == after
    assert sim.habitants_sortis == before - after
    assert sim.habitants_sortis > 0  # 10 FTE lift L'Abergement-Clémenciat (APL 1,94)
    assert sim.apl_zone_apres > sim.apl_zone_avant


def test_out_of_range_etp_and_unknown_commune(mini_con) -> None:
    with pytest.raises(ValueError, match="entre 0,5 et 30"):
        simulate_centre(mini_con, "01001", etp=0)
    with pytest.raises(ValueError):
        simulate_centre(mini_con, "01001", etp=100)
    assert simulate_centre(mini_con, "99999", etp=2) is None


def test_every_caller_uses_the_stored_travel_model(mini_db, tmp_path) -> None:
    """Speed the stored model up (coefficient × 1.05) in a copy of the database: the
    simulation reaches more communes and the stored model's minutes change; nothing is
    refitted at run time."""
    import shutil

    import duckdb

    from analytics.modality import ModalityParams, recommend

    copy = tmp_path / "slow.duckdb"
    shutil.copy(mini_db, copy)
    con = duckdb.connect(str(copy))
    try:
        fast = stored_model(con)
        site = "01004"
        before = simulate_centre(con, site, etp=2)
        con.execute(
            "UPDATE temps_trajet_modele SET valeur = valeur * 0.1 WHERE parametre = 'coefficient'"
        )
        slow = stored_model(con)
        assert slow.coefficient == pytest.approx(0.1 * fast.coefficient)
        after = simulate_centre(con, site, etp=2)
        # ten times faster: every minute × 0.1, fewer communes within 20 minutes
        common = before.communes.merge(after.communes, on="code", suffixes=("_a", "_b"))
        np.testing.assert_allclose(common["minutes_b"], 0.1 * common["minutes_a"])
        far = after.communes["code"].iloc[-1]
        assert fast.minutes_between([site], [far])[0] == pytest.approx(
            after.communes["minutes"].iloc[-1] / 0.1
        )
        assert len(after.communes) > len(before.communes)  # faster roads, wider reach
        # the modality rule follows the model it is given
        communes = query(con, "simulation_communes").rename(columns={"apl_avant": "apl"})
        membership = pd.DataFrame(
            {"niveau": "commune", "territoire": communes["code"], "commune": communes["code"]}
        )
        zone_fast = recommend(communes, membership, ModalityParams(), model=fast)
        zone_slow = recommend(communes, membership, ModalityParams(), model=slow)
        assert (zone_fast["raison"] != zone_slow["raison"]).any()
    finally:
        con.close()


def test_assumptions_state_the_workbook_activity_of_a_new_gp(mini_con) -> None:
    from analytics.simulation import hypotheses_fr

    sim = simulate_centre(mini_con, "01004", etp=1)
    assert sim.consultations_par_etp == NEW_GP and sim.consultations == NEW_GP
    text = hypotheses_fr(sim)
    assert "5\u202f400 consultations par an" in text and "Paramètres" in text
    # an explicit figure still wins
    assert (
        simulate_centre(mini_con, "01004", etp=1, consultations_par_etp=5000.0).consultations
        == 5000.0
    )


@pytest.mark.parametrize(
    ("etp", "text"),
    [
        (1.0, "1 médecin à temps plein"),
        (1.5, "1,5 médecin à temps plein"),
        (2.0, "2 médecins à temps plein"),
        (2.5, "2,5 médecins à temps plein"),
    ],
)
def test_medecins_etp_in_french(etp: float, text: str) -> None:
    from analytics.simulation import medecins_etp

    assert medecins_etp(etp) == text


@pytest.mark.parametrize(
    ("etp", "param"),
    [(1.26, "1.5"), (1.24, "1"), (0.1, "0.5"), (57.0, "30"), (0.0, None), (None, None)],
)
def test_simulation_link_etp_is_the_sliders_nearest_half(etp, param) -> None:
    from analytics.simulation import etp_param

    assert etp_param(etp) == param
    if etp is not None:
        assert etp_param(float("nan")) is None
