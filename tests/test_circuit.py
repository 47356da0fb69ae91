"""Médicobus circuit: toy instances solved by hand, bad inputs, and one Tarn zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import icalendar
import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analytics.planning import circuit as circuit_module
from analytics.planning.circuit import (
    CONSULTATIONS_PAR_JOUR,
    CircuitParams,
    MedicobusCircuit,
    plan_circuit,
)
from analytics.planning.errors import PlanningError
from analytics.planning.timetable import (
    JOURS_FR,
    calendrier_ics,
    etaler,
    par_semaine,
    repartir_visites,
)


def line(positions, **cols) -> tuple[pd.DataFrame, np.ndarray]:
    """Villages on a road, at ``positions`` minutes from its start."""
    x = np.asarray(positions, float)
    n = len(x)
    df = pd.DataFrame({"code": [f"8100{k}" for k in range(n)], "nom": list("ABCDEFGH"[:n])})
    for k, v in cols.items():
        df[k] = v
    return df, np.abs(x[:, None] - x[None, :])


def six_villages():
    # 8 minutes apart. Deficit max(0, 2.5 − APL) × population (population_standardisee
    # defaults to population): A 150, B 100, C 0, D 600, E 750, F 0 → 1 600 a year.
    return line(
        [0, 8, 16, 24, 32, 40],
        population=[100, 200, 300, 400, 500, 600],
        apl=[1, 2, 3, 1, 1, 3],
        medecins_generalistes=[0, 0, 1, 0, 0, 2],
    )


def stops(plan) -> list[str]:
    return sorted(plan.arrets["nom"])


# ----- stop choice -----------------------------------------------------------------------


def test_two_stops_cover_the_deficit_and_keep_the_deficit_trips_short():
    # Full cover of A, B, D, E with 2 stops: {A or B} × {D or E}. Trip weights
    # w = d/Σd + g/Σg: A 0.177, B 0.229, D 0.708, E 0.885; {B, E} leaves A and D at
    # 8 min (8 × 0.885 = 7.08), the best of the four ({A, E}: 7.50).
    communes, minutes = six_villages()
    plan = plan_circuit(
        communes,
        minutes,
        "81000",
        CircuitParams(jours_par_semaine=2, semaines_cycle=2, nb_arrets=2),
    )
    assert stops(plan) == ["B", "E"]
    assert plan.statut == "optimal"
    assert plan.deficit_total == pytest.approx(1600)
    assert plan.deficit_couvert == pytest.approx(1600)
    assert plan.personnes_atteintes == pytest.approx(2100)
    assert plan.personnes_hors_couverture == pytest.approx(0)
    row = plan.arrets.set_index("nom").loc["E"]
    assert row["minutes_base"] == pytest.approx(32)
    assert row["deficit_desservi"] == pytest.approx(1350)  # D, E, F
    assert "aucun médecin généraliste" in row["raison"]
    assert "32\xa0min de route depuis A" in row["raison"]


def test_saturated_coverage_is_broken_by_short_trips():
    # Every pair of stops covers all four villages within 15 min (a coverage-only model
    # may return any pair); the deficit sits in A and D, so {A, D} puts it at 0 min.
    communes, minutes = line(
        [0, 6, 12, 18],
        population=[1000, 50, 50, 1000],
        apl=[1.5, 2.4, 2.4, 1.5],
        medecins_generalistes=[0, 1, 1, 0],
    )
    plan = plan_circuit(
        communes,
        minutes,
        "81001",
        CircuitParams(jours_par_semaine=1, semaines_cycle=2, nb_arrets=2),
    )
    assert stops(plan) == ["A", "D"]
    assert plan.deficit_couvert == pytest.approx(plan.deficit_total)


def test_extra_stop_says_coverage_was_complete_without_it():
    # One stop at B covers the three villages; the second stop adds no coverage.
    communes, minutes = line(
        [0, 6, 12], population=[300, 300, 300], apl=[1, 1, 1], medecins_generalistes=[0, 0, 0]
    )
    plan = plan_circuit(
        communes,
        minutes,
        "81000",
        CircuitParams(
            jours_par_semaine=2, semaines_cycle=1, nb_arrets=2, arrets_imposes=("81001",)
        ),
    )
    raisons = plan.arrets.set_index("nom")["raison"]
    assert raisons["B"].startswith("Arrêt imposé")
    other = [n for n in raisons.index if n != "B"][0]
    assert "l'est aussi par un autre arrêt" in raisons[other]


def test_village_without_a_gp_is_preferred():
    # A (the need) is excluded; B and C are both 5 min from A and 10 min apart, equal in
    # everything but B's GP: the stop goes to C.
    communes = pd.DataFrame(
        {
            "code": ["81001", "81002", "81003"],
            "nom": ["A", "B", "C"],
            "population": [500, 80, 80],
            "apl": [1.0, 4.0, 4.0],
            "medecins_generalistes": [0, 1, 0],
        }
    )
    minutes = np.array([[0, 5, 5], [5, 0, 10], [5, 10, 0]], float)
    params = CircuitParams(
        jours_par_semaine=1, semaines_cycle=1, nb_arrets=1, arrets_exclus=["81001"]
    )
    plan = plan_circuit(communes, minutes, "81002", params)
    assert stops(plan) == ["C"]


def test_p_median_objective_picks_the_middle_village():
    communes, minutes = line(
        [0, 10, 20, 30, 40], population=[100] * 5, apl=[3.0] * 5, medecins_generalistes=[1] * 5
    )
    params = CircuitParams(objectif="temps", jours_par_semaine=1, semaines_cycle=1, nb_arrets=1)
    plan = plan_circuit(communes, minutes, "81000", params)
    assert stops(plan) == ["C"]
    # 20 min from A and E: beyond the 15-minute coverage
    assert plan.personnes_hors_couverture == pytest.approx(200)
    assert plan.avertissements  # no under-served commune: said so


def test_no_gp_objective_covers_the_population_without_a_gp():
    # A (no GP, 900 inhabitants) and D (no GP, 100) are 30 min apart; B has a GP and a
    # deficit. One stop: coverage of people without a GP is best at A.
    communes, minutes = line(
        [0, 16, 32, 30],
        population=[900, 2000, 10, 100],
        apl=[3.0, 1.0, 3.0, 3.0],
        medecins_generalistes=[0, 1, 1, 0],
    )
    params = CircuitParams(
        objectif="sans_medecin", jours_par_semaine=1, semaines_cycle=1, nb_arrets=1
    )
    assert stops(plan_circuit(communes, minutes, "81001", params)) == ["A"]
    deficit = CircuitParams(objectif="deficit", jours_par_semaine=1, semaines_cycle=1, nb_arrets=1)
    assert stops(plan_circuit(communes, minutes, "81001", deficit)) == ["B"]


def test_sparse_matrix_gives_the_same_plan_and_greedy_fallback_is_worse(monkeypatch):
    communes, minutes = six_villages()
    params = CircuitParams(jours_par_semaine=2, semaines_cycle=2, nb_arrets=2)
    m = minutes.copy()
    m[m > 30] = 0  # beyond 30 minutes: not stored
    sp = sparse.csr_array(m)
    assert stops(plan_circuit(communes, sp, "81000", params)) == ["B", "E"]

    def no_solver(self, *a, **k):
        raise circuit_module._NoSolution

    monkeypatch.setattr(MedicobusCircuit, "_solve_highs", no_solver)
    plan = plan_circuit(communes, minutes, "81000", params)
    assert plan.statut == "heuristique"
    # Greedy: D and E alone both cover 1 350; D's trips are shorter alone (weighted,
    # capped at 30 min: 15.0 vs 16.5), then B completes the cover: {B, D}, whose trips
    # (8 × (0.177 + 0.885) = 8.5) are worse than the exact {B, E} (7.08).
    assert stops(plan) == ["B", "D"]
    assert plan.deficit_couvert == pytest.approx(1600)


# ----- visits, capacity, cycle, timetable ---------------------------------------------------


def test_visits_proportional_to_need_and_capped_by_capacity():
    # 2-week cycle, 2 days a week = 4 days. Need per cycle = deficit × 2 / 45 weeks:
    # B serves A, B, C (250 a year → 11.1 per cycle → 1 visit of 24 fills it), E serves
    # D, E, F (1 350 → 60 → 3 visits). Quotas 0.625 / 3.375 → 1 / 3.
    communes, minutes = six_villages()
    plan = plan_circuit(
        communes,
        minutes,
        "81000",
        CircuitParams(jours_par_semaine=2, semaines_cycle=2, nb_arrets=2),
    )
    a = plan.arrets.set_index("nom")
    assert a.loc["B", "visites"] == 1 and a.loc["E", "visites"] == 3
    assert a.loc["B", "consultations_par_visite"] == pytest.approx(250 * 2 / 45)
    assert a.loc["E", "consultations_par_visite"] == pytest.approx(1350 * 2 / 45 / 3)
    assert (a["consultations_par_visite"] <= a["capacite"]).all()
    assert a["capacite"].iloc[0] == pytest.approx(24.0)


def test_capacity_caps_expected_consultations_and_warns_when_days_exceed_need():
    communes, minutes = six_villages()
    low = CircuitParams(
        jours_par_semaine=2, semaines_cycle=2, nb_arrets=2, consultations_par_jour=5
    )
    a = plan_circuit(communes, minutes, "81000", low).arrets.set_index("nom")
    # E: 60 consultations per cycle needs 12 days at 5 a day; it gets 3 → full, 5 each
    assert a.loc["E", "consultations_par_visite"] == pytest.approx(5)
    assert a.loc["E", "taux_remplissage"] == pytest.approx(1)
    # 5 days × 4 weeks = 20 days for 71 consultations per cycle: 4 days would do
    many = CircuitParams(jours_par_semaine=5, semaines_cycle=4, nb_arrets=2)
    plan = plan_circuit(communes, minutes, "81000", many)
    assert plan.arrets["visites"].sum() == 20
    assert any("capacité du cycle dépasse" in w for w in plan.avertissements)


@pytest.mark.parametrize(
    ("total", "besoins", "plafonds", "expected"),
    [
        (7, [5, 3, 2], None, [4, 2, 1]),  # quotas 3.5, 2.1, 1.4: largest remainder to A
        (10, [8, 1, 1], [2, 10, 10], [2, 4, 4]),  # A capped at 2: the rest shared
        (5, [8, 1, 1], [2, 1, 1], [3, 1, 1]),  # all capped: the rest by quota
        (3, [100, 0, 0], None, [1, 1, 1]),  # everyone gets one day
        (4, [0, 0], None, [2, 2]),  # no need at all: equal shares
    ],
)
def test_largest_remainder_apportionment(total, besoins, plafonds, expected):
    assert repartir_visites(total, besoins, plafonds).tolist() == expected


def test_apportionment_needs_a_day_per_stop():
    with pytest.raises(PlanningError, match="Trop peu de jours"):
        repartir_visites(2, [1, 1, 1])


def test_timetable_spreads_visits_evenly():
    t = etaler([4, 2, 2], 2, (0, 1, 2, 3))
    assert "".join("ABC"[k] for k in t["arret"]) == "ABACABAC"
    assert t["semaine"].tolist() == [1, 1, 1, 1, 2, 2, 2, 2]
    assert t["jour_nom"].tolist()[:4] == ["lundi", "mardi", "mercredi", "jeudi"]


def test_plan_timetable_respects_cycle_days_and_visits():
    communes, minutes = six_villages()
    params = CircuitParams(jours_par_semaine=3, semaines_cycle=4, nb_arrets=3)
    plan = plan_circuit(communes, minutes, "81000", params)
    cal = plan.calendrier
    assert len(cal) == 12
    assert sorted(cal["semaine"].unique()) == [1, 2, 3, 4]
    for _, week in cal.groupby("semaine"):
        assert week["jour_nom"].tolist() == ["lundi", "mercredi", "vendredi"]
    counts = cal["code"].value_counts()
    for row in plan.arrets.itertuples():
        assert counts[row.code] == row.visites
        # even spread: cyclic gaps within one slot of 12 / visits. (Here B, D, E get
        # 2, 4, 6 days; E takes every other slot, so D's gaps can only be 2 or 4.)
        slots = np.flatnonzero(cal["code"].to_numpy() == row.code)
        gaps = np.diff(np.r_[slots, slots[0] + 12])
        assert gaps.max() <= np.ceil(12 / row.visites) + 1
        assert gaps.min() >= np.floor(12 / row.visites) - 1


# ----- iCalendar -----------------------------------------------------------------------------


def test_ics_parses_back_with_dates_times_and_places():
    communes, minutes = six_villages()
    plan = plan_circuit(
        communes,
        minutes,
        "81000",
        CircuitParams(jours_par_semaine=2, semaines_cycle=2, nb_arrets=2),
    )
    # 2 September 2026 is a Wednesday: week 1 starts on Monday 7 September; 2 days a week
    # are mardi and jeudi.
    data = plan.ics(dt.date(2026, 9, 2), heure_debut=dt.time(9), heure_fin=dt.time(17), cycles=3)
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 4
    paris = ZoneInfo("Europe/Paris")
    got = sorted((e.decoded("dtstart"), str(e["location"])) for e in events)
    expected_days = [
        dt.date(2026, 9, 8),
        dt.date(2026, 9, 10),
        dt.date(2026, 9, 15),
        dt.date(2026, 9, 17),
    ]
    assert [d.date() for d, _ in got] == expected_days
    assert all(d.tzinfo is not None and d.utcoffset() == dt.timedelta(hours=2) for d, _ in got)
    assert all(d.astimezone(paris).hour == 9 for d, _ in got)
    assert {loc for _, loc in got} == {"B", "E"}
    assert all(e["rrule"]["INTERVAL"] == [2] and e["rrule"]["COUNT"] == [3] for e in events)
    assert "Consultations attendues" in str(events[0]["description"])
    assert len({str(e["uid"]) for e in events}) == 4
    assert cal.walk("VTIMEZONE")


def test_ics_bad_hours():
    cal = pd.DataFrame({"semaine": [1], "jour": [0], "nom": ["A"], "description": ["x"]})
    with pytest.raises(PlanningError, match="fin"):
        calendrier_ics(cal, dt.date(2026, 9, 7), heure_debut=dt.time(17), heure_fin=dt.time(9))


# ----- bad inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"consultations_par_jour": 0}, "Consultations par jour"),
        ({"jours_par_semaine": 0}, "Jours de service par semaine"),
        ({"jours_par_semaine": 6}, "Jours de service par semaine"),
        ({"semaines_cycle": 0}, "Semaines du cycle"),
        ({"minutes_couverture": -5}, "Temps de couverture"),
        ({"objectif": "profit"}, "Objectif inconnu"),
        (
            {"jours_par_semaine": 1, "semaines_cycle": 2, "arrets_imposes": ("1", "2", "3")},
            "Trop d'arrêts imposés",
        ),
        (
            {"jours_par_semaine": 2, "semaines_cycle": 2, "nb_arrets": 5},
            "supérieur aux jours de service",
        ),
        ({"nb_arrets": 1, "arrets_imposes": ("1", "2")}, "Plus d'arrêts imposés"),
        ({"arrets_imposes": ("81001",), "arrets_exclus": ["81001"]}, "à la fois imposés et exclus"),
        ({"jours_par_semaine": 2, "jours": (0, 0)}, "Jours de service"),
        ({"nb_arrets": 2.5}, "entier"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(PlanningError, match=message):
        CircuitParams(**kwargs)


def test_bad_zone_inputs():
    communes, minutes = six_villages()
    p = CircuitParams(jours_par_semaine=2, semaines_cycle=2, nb_arrets=2)
    with pytest.raises(PlanningError, match="départ 75056 hors de la zone"):
        plan_circuit(communes, minutes, "75056", p)
    with pytest.raises(PlanningError, match="imposés hors de la zone"):
        plan_circuit(
            communes, minutes, "81000", CircuitParams(nb_arrets=2, arrets_imposes=("75056",))
        )
    with pytest.raises(PlanningError, match="forme"):
        plan_circuit(communes, minutes[:3, :3], "81000", p)
    with pytest.raises(PlanningError, match="négatif"):
        plan_circuit(communes, -minutes, "81000", p)
    with pytest.raises(PlanningError, match="medecins_generalistes"):
        plan_circuit(communes.drop(columns="medecins_generalistes"), minutes, "81000", p)
    with pytest.raises(PlanningError, match="population"):
        plan_circuit(communes.drop(columns="population"), minutes, "81000", p)
    with pytest.raises(PlanningError, match="Zone vide"):
        plan_circuit(communes.iloc[:0], minutes[:0, :0], "81000", p)
    with pytest.raises(PlanningError, match="candidates"):
        plan_circuit(
            communes, minutes, "81000", CircuitParams(nb_arrets=6, arrets_exclus=("81000",))
        )


def test_zone_without_under_served_commune():
    communes, minutes = line(
        [0, 10], population=[100, 100], apl=[3.0, 4.0], medecins_generalistes=[1, 0]
    )
    p = CircuitParams(jours_par_semaine=1, semaines_cycle=1, nb_arrets=1)
    with pytest.raises(PlanningError, match="Aucune commune sous-dense"):
        plan_circuit(communes, minutes, "81000", p)
    # the user can still plan by population without a GP; the plan says so
    plan = plan_circuit(
        communes,
        minutes,
        "81000",
        CircuitParams(objectif="sans_medecin", jours_par_semaine=1, semaines_cycle=1, nb_arrets=1),
    )
    assert stops(plan) == ["B"]
    assert any("Aucune commune sous-dense" in w for w in plan.avertissements)
    everyone_has_a_gp = communes.assign(medecins_generalistes=[1, 1])
    with pytest.raises(PlanningError, match="ont au moins un médecin"):
        plan_circuit(
            everyone_has_a_gp, minutes, "81000", CircuitParams(objectif="sans_medecin", nb_arrets=1)
        )


def test_default_capacity_is_a_new_gp_year_over_working_days():
    # DREES APL workbook, Paramètres: 5 400 consultations imputed to a new liberal GP;
    # 225 working days → 24 a day.
    assert CONSULTATIONS_PAR_JOUR == pytest.approx(24.0)


# ----- a real zone -------------------------------------------------------------------------------


@pytest.mark.mirror
def test_three_rural_communautes_of_the_tarn(national_db):
    from bench.bench_circuit import LACAUNE, TARN_3_EPCI, load_zone

    con = duckdb.connect(str(national_db), read_only=True)
    try:
        communes, minutes, _ = load_zone(con, "epci", TARN_3_EPCI)
    finally:
        con.close()
    assert 40 <= len(communes) <= 60 and LACAUNE in set(communes["code"])
    params = CircuitParams(
        jours_par_semaine=5, semaines_cycle=9, nb_arrets=9, arrets_imposes=(LACAUNE,)
    )
    plan = plan_circuit(communes, minutes, LACAUNE, params)
    zone = set(communes["code"])
    assert plan.statut == "optimal"
    assert len(plan.arrets) == 9 and set(plan.arrets["code"]) <= zone
    assert LACAUNE in set(plan.arrets["code"])
    assert plan.arrets["visites"].sum() == 45 and (plan.arrets["visites"] >= 1).all()
    assert len(plan.calendrier) == 45 and set(plan.calendrier["semaine"]) == set(range(1, 10))
    assert (plan.arrets["consultations_par_visite"] <= plan.arrets["capacite"] + 1e-9).all()
    assert plan.personnes_atteintes + plan.personnes_hors_couverture == pytest.approx(
        communes["population"].sum()
    )
    assert 0 < plan.deficit_couvert <= plan.deficit_total + 1e-6
    assert plan.arrets["raison"].str.len().gt(40).all()

    # imposing a stop can only cost coverage against 9 free stops, never below 8 free ones
    def free(k):
        return plan_circuit(
            communes,
            minutes,
            LACAUNE,
            CircuitParams(jours_par_semaine=5, semaines_cycle=9, nb_arrets=k),
        )

    nine, eight = free(9), free(8)
    assert eight.deficit_couvert - 1e-6 <= plan.deficit_couvert <= nine.deficit_couvert + 1e-6
    # saturation: 9 free stops cover the whole deficit within 15 minutes
    assert nine.deficit_couvert == pytest.approx(nine.deficit_total)
    covered_by_stop = plan.communes.dropna(subset=["arret"])
    assert set(covered_by_stop["arret"]) <= set(plan.arrets["code"])
    ics = icalendar.Calendar.from_ical(plan.ics(dt.date(2026, 9, 7)))
    assert len(list(ics.walk("VEVENT"))) == 45


# ----- « par semaine » mode (the Tarn programme) ----------------------------------------------


def three_communautes():
    """Three communautés de communes (X, Y, Z) of three villages each, on one road: X's
    villages 2, 4, 6 minutes from the base (km 0), Y's 20, 22, 24, Z's 40, 42, 44 — each
    commune more than 15 minutes from every other group, all under-served, no GP."""
    pos = [2, 4, 6, 20, 22, 24, 40, 42, 44, 0]
    n = len(pos)
    x = np.asarray(pos, float)
    df = pd.DataFrame(
        {
            "code": [f"810{k:02d}" for k in range(n)],
            "nom": ["X1", "X2", "X3", "Y1", "Y2", "Y3", "Z1", "Z2", "Z3", "Base"],
            "population": [300] * 9 + [0],
            "apl": [1.0] * 9 + [np.nan],
            "medecins_generalistes": [0] * 9 + [1],
            "groupe": ["X"] * 3 + ["Y"] * 3 + ["Z"] * 3 + ["X"],
        }
    )
    return df, np.abs(x[:, None] - x[None, :])


def test_week_mode_gives_the_tarn_nine_week_cycle():
    # 9 stops among 9 villages + the base (no population, excluded): each village is a
    # stop. 9 weeks for 9 stops → one week each, 5 days; each village's need (1,5 × 300 =
    # 450 a year → 90 per 9-week cycle) fills under a week of 5 × 24 = 120, so the cap is
    # one week. Groups follow their nearest village to the base: X (2 min), Y, Z; inside
    # a group, nearest first.
    communes, minutes = three_communautes()
    params = CircuitParams(
        jours_par_semaine=5,
        semaines_cycle=9,
        nb_arrets=9,
        arrets_exclus=("81009",),
        mode="semaine",
    )
    plan = plan_circuit(communes, minutes, "81009", params)
    cal = plan.calendrier
    assert len(cal) == 45
    weekly = cal.groupby("semaine")["nom"].agg(lambda s: sorted(set(s)))
    assert weekly.tolist() == [
        ["X1"],
        ["X2"],
        ["X3"],
        ["Y1"],
        ["Y2"],
        ["Y3"],
        ["Z1"],
        ["Z2"],
        ["Z3"],
    ]
    for _, week in cal.groupby("semaine"):
        assert tuple(week["jour_nom"]) == JOURS_FR
    assert (plan.arrets["visites"] == 5).all()
    assert "une semaine entière par village" in plan.resume()
    assert plan.arrets["consultations_par_visite"].to_numpy() == pytest.approx([90 / 5] * 9)


def test_week_mode_shares_weeks_by_need_and_keeps_groups_together():
    # Cycle of 6 weeks, 3 days a week, 3 stops, one per group (each group's villages are
    # 2 minutes apart, so one stop covers its group). Needs: X 3 × 300 × 1,5 = 1 350,
    # Y 3 × 300 × 0,5 = 450 (APL 2), Z 1 350 → quotas 2,57 / 0,86 / 2,57 → 2, 1, 2 +
    # the remaining week to the largest remainder (X before Z, input order): 3, 1, 2.
    communes, minutes = three_communautes()
    communes.loc[3:5, "apl"] = 2.0
    params = CircuitParams(
        jours_par_semaine=3,
        semaines_cycle=6,
        nb_arrets=3,
        arrets_exclus=("81009",),
        mode="semaine",
        consultations_par_jour=60,
    )
    plan = plan_circuit(communes, minutes, "81009", params)
    by_group = plan.calendrier.assign(g=plan.calendrier["nom"].str[0])
    weeks = by_group.groupby("semaine")["g"].agg(lambda s: "".join(sorted(set(s))))
    assert "".join(weeks) == "XXXYZZ"
    assert sorted(plan.arrets["visites"]) == [3, 6, 9]


def test_week_mode_needs_a_week_per_stop():
    with pytest.raises(PlanningError, match="semaines du cycle"):
        CircuitParams(semaines_cycle=4, nb_arrets=5, jours_par_semaine=5, mode="semaine")
    with pytest.raises(PlanningError, match="Mode de passage inconnu"):
        CircuitParams(mode="mensuel")
    with pytest.raises(PlanningError, match="semaines de passage"):
        par_semaine([1, 1], None, [0, 1], 3, (0, 1))


def test_block_timetable_orders_groups_by_their_first_stop():
    # stops 0..3, groups a, b, a, b; visiting order 1, 0, 3, 2 → group b first (stop 1),
    # then its other stop 3; then a: 0 (2 weeks), 2.
    t = par_semaine([2, 1, 1, 1], ["a", "b", "a", "b"], [1, 0, 3, 2], 5, (0, 2))
    assert t.groupby("semaine")["arret"].first().tolist() == [1, 3, 0, 0, 2]
    assert len(t) == 10 and t["jour_nom"].tolist()[:2] == ["lundi", "mercredi"]


def test_week_mode_in_the_url():
    from analytics.planning.state import PlannerState

    state = PlannerState.from_query({"passage": "semaine", "semaines": "9"})
    assert state.passage == "semaine" and not state.errors
    assert state.to_query() == {"passage": "semaine", "semaines": "9"}
    bad = PlannerState.from_query({"passage": "mensuel"})
    assert bad.passage == "reparti"
    assert any("« passage »" in e for e in bad.errors)


def test_week_mode_on_the_page(mini_db, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
    at.switch_page("pages/7_Planifier.py")
    # CC de la Dombes in the mini mirror (one under-served commune); one stop, 2 weeks
    # of 5 days: in « par semaine » mode the stop has both weeks, every day.
    for key, value in dict(
        niveau="epci",
        zone="200069193",
        ressource="medicobus",
        arrets="1",
        jours="5",
        semaines="2",
        passage="semaine",
    ).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    radio = next(r for r in at.radio if r.label == "Passages")
    assert radio.value == "semaine"
    table = next(d.value for d in at.dataframe if "Semaine" in d.value.columns)
    assert len(table) == 2 and len(set(table.iloc[:, 1:].to_numpy().ravel())) == 1
