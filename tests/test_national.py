"""The national database built from the open-data mirror: figures DREES publishes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.mirror
APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def con(national_db):
    c = duckdb.connect(str(national_db), read_only=True)
    yield c
    c.close()


def test_national_apl_matches_drees_published_means(con) -> None:
    # DREES: national mean weighted by standardised population 3.79 (2022), 3.75 (2023).
    apl22, apl23 = con.execute(
        "SELECT apl_2022, apl_2023 FROM indicateurs WHERE niveau = 'france'"
    ).fetchone()
    assert apl22 == pytest.approx(3.79, abs=0.005)
    assert apl23 == pytest.approx(3.75, abs=0.01)


def test_every_commune_has_a_row_and_codes_are_strings(con) -> None:
    n, corsica, ain = con.execute(
        "SELECT count(*), count_if(code LIKE '2A%'), count_if(code = '01001') "
        "FROM indicateurs WHERE niveau = 'commune'"
    ).fetchone()
    assert n == 34_969 and corsica > 100 and ain == 1


def test_all_apl_rows_mapped_and_unmapped_reported(con) -> None:
    apl = con.execute("SELECT count(*) FROM non_rattache WHERE source = 'apl_drees'").fetchone()
    assert apl[0] == 0
    meta = con.execute(
        "SELECT lignes_non_rattachees FROM source WHERE key = 'apl_historique'"
    ).fetchone()
    assert (
        meta[0]
        == con.execute(
            "SELECT count(*) FROM non_rattache WHERE source = 'apl_historique'"
        ).fetchone()[0]
    )


def test_home_page_on_national_database(national_db, monkeypatch) -> None:
    monkeypatch.setenv("DESERTS_DB", str(national_db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["APL 2023"] == "3,74"
    # France = metropolitan France + the five DROM (Mayotte included), as INSEE counts it.
    assert labels["Population"].replace("\u202f", " ") == "68 350 798"


def test_france_excludes_the_overseas_collectivities(con) -> None:
    france = con.execute("SELECT population FROM territoire WHERE niveau = 'france'").fetchone()[0]
    drom_metro = con.execute(
        "SELECT sum(population) FROM commune WHERE departement < '975' OR departement = '976'"
    ).fetchone()[0]
    assert france == drom_metro
    in_france = con.execute(
        "SELECT count(*) FROM appartenance AS a JOIN commune AS c ON c.code = a.commune "
        "WHERE a.niveau = 'france' AND c.departement IN ('975', '977', '978', '987', '988')"
    ).fetchone()[0]
    assert in_france == 0


def test_every_indicator_exists_at_every_level(con) -> None:
    """France has every indicator; every département with communes in the APL's scope
    (metropolitan France and the DROM but Mayotte) has the main ones; EPCI nearly all."""
    from analytics.indicators import INDICATORS

    france = con.execute("SELECT * FROM indicateurs WHERE niveau = 'france'").df().iloc[0]
    missing = [i.key for i in INDICATORS if france[i.key] is None or france[i.key] != france[i.key]]
    assert missing == []

    main = (
        "apl_2023",
        "apl_2022",
        "part_pop_apl_sous_2_5_2023",
        "generalistes_pour_10000",
        "part_75_plus",
        "part_medecins_55_plus",
    )
    deps = con.execute(
        "SELECT * FROM indicateurs WHERE niveau = 'departement' "
        "AND (code < '97' OR code IN ('971', '972', '973', '974')) ORDER BY code"
    ).df()
    assert len(deps) == 100
    for key in main:
        assert deps[key].notna().all(), (key, deps.loc[deps[key].isna(), "code"].tolist())
    # The historic series has no APL for Paris, Lyon, Marseille and Corsica, and no
    # emergency time for the three cities (said in the definitions): Paris and the two
    # Corsican départements have no 2015 value; Rhône and Bouches-du-Rhône do.
    assert sorted(deps.loc[deps["apl_2015"].isna(), "code"]) == ["2A", "2B", "75"]
    assert sorted(deps.loc[deps["minutes_urgences"].isna(), "code"]) == ["75"]

    epci = con.execute(
        "SELECT apl_2023, generalistes_pour_10000 FROM indicateurs WHERE niveau = 'epci'"
    ).df()
    assert len(epci) > 1200
    assert epci["apl_2023"].notna().mean() > 0.99
    assert epci["generalistes_pour_10000"].notna().all()


def test_every_mappable_indicator_classifies_at_every_level(con) -> None:
    """The map page's classes for each indicator and level on the real distribution
    (ties, zeros, long tails): 1 to 7 classes, every territory counted once."""
    from analytics import maps, views

    for niveau in ("region", "departement", "epci"):
        for key in views.MAP_INDICATORS:
            md = views.map_data(con, niveau, key, 2023)
            ind = md.indicator
            for method in ("quantile", "jenks"):
                c = maps.classify(
                    md.data["value"],
                    ind.kind,
                    method=method,
                    decimals=ind.decimals,
                    higher_is_worse=ind.higher_is_worse,
                )
                assert 1 <= len(c) <= 7, (niveau, key, method)
                assert sum(c.counts) + c.missing_count == len(md.data), (niveau, key)
