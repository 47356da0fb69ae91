"""A user's group of territories: strict parsing, and figures aggregated like the database's."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import groups
from analytics.groups import Group, GroupError, load_group, parse_group

# --- Parsing -----------------------------------------------------------------------------------


def test_parse_round_trip() -> None:
    g = parse_group("Médicobus du Tarn:epci-200040905,epci-248100497,commune-81124")
    assert g.nom == "Médicobus du Tarn"
    assert g.membres == (("epci", "200040905"), ("epci", "248100497"), ("commune", "81124"))
    assert parse_group(g.to_param()) == g


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("", "vide"),
        ("epci-200040905,epci-248100497", "sans nom"),
        (":epci-200040905,epci-248100497", "nom de groupe invalide"),
        ("=cmd|' /C calc'!A0:epci-200040905,epci-248100497", "nom de groupe invalide"),
        ("Nom:epci-200040905", "au moins 2"),
        ("Nom:epci-200040905,epci-200040905", "au moins 2"),
        ("Nom:epci-20004090,epci-248100497", "membre(s) invalide(s)"),
        ("Nom:departement-81,epci-248100497", "membre(s) invalide(s)"),
        ("Nom:commune-2C004,epci-248100497", "membre(s) invalide(s)"),
        ("Nom:" + ",".join(f"commune-{81000 + i}" for i in range(45)), "au plus 40"),
    ],
)
def test_bad_groups_are_refused_whole_with_the_parameter_named(raw: str, needle: str) -> None:
    with pytest.raises(GroupError) as err:
        parse_group(raw)
    assert "« groupe »" in str(err.value)
    assert needle in str(err.value)


def test_unknown_member_is_refused(mini_con) -> None:
    with pytest.raises(GroupError, match="inconnu.*epci-999999999"):
        load_group(mini_con, parse_group("X:epci-200068781,epci-999999999"))


# --- Aggregation, by hand on the mini database ----------------------------------------------------


def test_group_apl_is_weighted_by_standardised_population(mini_con) -> None:
    # Romans-sur-Isère (APL 2023 2,50; standardised population 34 000) and Valence (4,00;
    # 63 500), as written in tests/mini_mirror.py.
    view = load_group(mini_con, parse_group("Valence Romans:commune-26281,commune-26362"))
    expected = (2.50 * 34000 + 4.00 * 63500) / (34000 + 63500)
    assert view.row["apl_2023"] == pytest.approx(expected, rel=1e-12)
    assert view.row["population"] == 33000 + 64000
    # Romans is at 2,50: not under 2,5 (strict threshold); nobody is.
    assert view.row["pop_apl_sous_2_5_2023"] == 0
    assert view.row["generalistes_pour_10000"] == pytest.approx(10000 * (30 + 80) / 97000)


def test_people_under_threshold_are_counted_per_published_unit(mini_con) -> None:
    # The two Ain EPCI: 01001 (APL 1,942, 832 inh.), 01004 (3,083), and 01015 whose two
    # published units are Arboys (2,40, 400 inh.) and the former commune 01340 (2,60,
    # 300 inh.). Counting per unit: 832 + 400 = 1 232 inhabitants under 2,5 (counting the
    # merged commune at its mean APL 2,48 would wrongly give 832 + 700).
    view = load_group(mini_con, parse_group("Ain:epci-200069193,epci-240100883"))
    assert view.row["pop_apl_sous_2_5_2023"] == 1232
    num = 1.942 * 838.154 + 3.083 * 14575.887 + 2.40 * 420 + 2.60 * 280
    den = 838.154 + 14575.887 + 420 + 280
    assert view.row["apl_2023"] == pytest.approx(num / den, rel=1e-12)
    assert view.row["nb_communes"] == 3


def test_a_commune_in_two_members_counts_once(mini_con) -> None:
    both = load_group(mini_con, parse_group("X:epci-200068781,commune-26281"))
    alone = load_group(mini_con, parse_group("Y:commune-26362,commune-26281"))
    assert both.row["population"] == alone.row["population"] == 97000


# --- The national database: a group equal to an EPCI is that EPCI ------------------------------


@pytest.fixture(scope="module")
def national(national_db):
    con = duckdb.connect(str(national_db), read_only=True)
    yield con
    con.close()


COMPARED = (
    "nb_communes",
    "population",
    "superficie_km2",
    "densite",
    "medecins_generalistes",
    "generalistes_pour_10000",
    "medecins_pour_10000",
    "omnipraticiens_liberaux_2017_pour_10000",
    "apl_2015",
    "apl_2019",
    "apl_2022",
    "apl_2023",
    "evolution_apl_2015_2023",
    "evolution_apl_2022_2023",
    "apl_moins_65_2023",
    "part_offre_medecins_plus_65_2023",
    "pop_apl_sous_2_5_2023",
    "part_pop_apl_sous_2_5_2023",
    "pop_apl_sous_2_5_2022",
    "part_75_plus",
    "minutes_urgences",
    "communes_avec_msp",
    "part_medecins_55_plus",
)


@pytest.mark.parametrize("epci", ["200040905", "248100737", "200046977"])
def test_group_of_an_epcis_communes_equals_the_epci(national, epci: str) -> None:
    """Python aggregation of commune rows vs the SQL aggregation of the database (EPCI row):
    two independent computations of the same figures (Lyon's métropole includes the
    arrondissements, whose APL is published separately)."""
    codes = [
        r[0] for r in national.execute("SELECT code FROM commune WHERE epci = ?", [epci]).fetchall()
    ]
    view = load_group(national, Group("Test", tuple(("commune", c) for c in codes)))
    ref = (
        national.execute("SELECT * FROM indicateurs WHERE niveau = 'epci' AND code = ?", [epci])
        .df()
        .iloc[0]
    )
    for key in COMPARED:
        mine, theirs = view.row[key], ref[key]
        if pd.isna(theirs):
            assert pd.isna(mine), key
        else:
            assert float(mine) == pytest.approx(float(theirs), rel=1e-9, abs=1e-12), key


def test_three_tarn_communautes_de_communes(national) -> None:
    """Carmausin-Ségala, Val 81 and Monts d'Alban et Villefranchois (about 42 000
    inhabitants together, the order of magnitude the press gives for the territory of the
    Tarn médicobus): the group's figures from the three EPCI rows, by a second route."""
    members = ("200040905", "248100497", "200034031")
    group = parse_group("Médicobus du Tarn:" + ",".join(f"epci-{c}" for c in members))
    view = load_group(national, group)
    rows = national.execute(
        "SELECT * FROM indicateurs WHERE niveau = 'epci' AND list_contains(?, code)",
        [list(members)],
    ).df()
    assert len(rows) == 3
    assert view.row["population"] == rows["population"].sum()
    assert 40_000 < view.row["population"] < 44_000
    w = rows["pop_standardisee_2023"]
    assert view.row["apl_2023"] == pytest.approx((rows["apl_2023"] * w).sum() / w.sum(), rel=1e-9)
    assert view.row["pop_apl_sous_2_5_2023"] == rows["pop_apl_sous_2_5_2023"].sum()
    assert view.row["densite"] == pytest.approx(
        rows["population"].sum() / rows["superficie_km2"].sum(), rel=1e-9
    )
    assert view.row["generalistes_pour_10000"] == pytest.approx(
        10000 * rows["medecins_generalistes"].sum() / rows["population"].sum(), rel=1e-9
    )
    # Not the plain mean of the three APL (the common mistake), unless by chance.
    assert abs(view.row["apl_2023"] - rows["apl_2023"].mean()) > 1e-6
    assert list(view.members["membre"]) == list(members)
    assert view.row["nb_communes"] == rows["nb_communes"].sum()


def test_group_ranked_against_epci(national) -> None:
    from analytics.score import DEFAULT_WEIGHTS
    from analytics.views import priorities

    group = parse_group("Tarn:epci-200040905,epci-248100497,epci-200034031")
    view = load_group(national, group)
    data = priorities(national, groups.group_level(group))
    placed = groups.rank_against(data.territories, view.row, dict(DEFAULT_WEIGHTS))
    assert 1 <= placed["rang"] <= placed["nb_territoires"]
    assert placed["nb_territoires"] >= len(data.territories) - 50
    assert 0 <= placed["score"] <= 100


def test_aggregate_ignores_missing_context_instead_of_zero() -> None:
    communes = pd.DataFrame(
        {
            "code": ["a", "b"],
            "population": [100.0, 300.0],
            "superficie_km2": [1.0, 3.0],
            "medecins_generalistes": [1, 0],
            "medecins_total": [1, 0],
            "communes_avec_generaliste": [1, 0],
            "omnipraticiens_liberaux_2017": [np.nan, np.nan],
            "part_75_plus": [0.2, np.nan],
            "minutes_urgences": [10.0, 30.0],
            "communes_avec_msp": [0, 1],
            "part_medecins_55_plus": [0.5, 0.5],
            "tcam_effectif_medecins_pct": [np.nan, np.nan],
            "departement": ["81", "81"],
            "region": ["76", "76"],
        }
    )
    apl = pd.DataFrame(
        columns=[
            "code",
            "annee",
            "apl",
            "apl_moins_65",
            "pop_standardisee",
            "pop_couverte",
            "pop_apl_sous_2_5",
            "pop_apl_2_5_4",
            "pop_apl_4_plus",
        ]
    )
    row = groups.aggregate(communes, apl)
    assert row["part_75_plus"] == pytest.approx(0.2)  # b has no value: not counted as 0
    assert row["minutes_urgences"] == pytest.approx((10 * 100 + 30 * 300) / 400)
    assert np.isnan(row["omnipraticiens_liberaux_2017_pour_10000"])
    assert row["densite"] == pytest.approx(100.0)
    assert np.isnan(row["apl_2023"])


# --- In the app ------------------------------------------------------------------------------


def _page(mini_db, monkeypatch, page: str, **params: str):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "app.py"), default_timeout=60)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_group_profile_page(mini_db, monkeypatch) -> None:
    at = _page(
        mini_db, monkeypatch, "pages/2_Territoire.py", groupe="Ain:epci-200069193,epci-240100883"
    )
    assert not at.exception
    assert at.header[0].value == "Ain (groupe de 2 territoires)"
    table = at.dataframe[0].value
    assert list(table.columns[2:]) == [
        "Ain",
        "CC de la Dombes (EPCI)",
        "CC de la Plaine de l'Ain (EPCI)",
        "France",
    ]
    pop = table.set_index("Indicateur").loc["Population", "Ain"]
    assert pop.replace("\u202f", " ") == "15 560"  # 860 + 14 000 + 700


def test_bad_group_in_the_url_shows_only_a_french_message(mini_db, monkeypatch) -> None:
    at = _page(mini_db, monkeypatch, "pages/2_Territoire.py", groupe="Ain:epci-1,epci-240100883")
    assert not at.exception
    assert any("« groupe »" in e.value for e in at.error)
    assert not at.header and not at.dataframe


def test_group_beside_compared_territories(mini_db, monkeypatch) -> None:
    at = _page(
        mini_db,
        monkeypatch,
        "pages/3_Comparer.py",
        groupe="VR:commune-26281,commune-26362",
        territoires="departement:26,departement:01",
    )
    assert not at.exception
    assert at.query_params["groupe"] == "VR:commune-26281,commune-26362"
    table = at.dataframe[0].value
    assert "VR (groupe)" in table.columns
