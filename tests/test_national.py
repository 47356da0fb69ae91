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
    assert labels["APL aux médecins généralistes 2023"] == "3,74"
    assert labels["Population"].replace("\u202f", " ") == "68 952 941"
