"""The build on the mini mirror: code mapping, aggregation, checks, atomicity, metadata."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from analytics.build import BuildError, build
from analytics.checks import STRUCTURAL_CHECKS, run_checks
from analytics.errors import CheckError, SourceError
from analytics.fetch import FetchError
from analytics.sources import get_source
from tests.conftest import MINI_SOURCES
from tests.mini_mirror import APL


def quiet(_m: str) -> None:
    pass


def test_former_code_is_mapped_and_aggregated_weighted(mini_con) -> None:
    # 01340 (merged into 01015 in the COG) keeps its APL, aggregated by standardised pop.
    row = mini_con.execute(
        "SELECT apl, pop_standardisee, pop_totale, unites FROM apl_officiel "
        "WHERE code = '01015' AND annee = 2023"
    ).fetchone()
    expected = (2.40 * 420.0 + 2.60 * 280.0) / (420.0 + 280.0)
    assert row[0] == pytest.approx(expected)
    assert row[1:] == (700.0, 700.0, 2)


def test_arrondissements_kept_and_aggregated_to_lyon(mini_con) -> None:
    arr = mini_con.execute(
        "SELECT code, apl_2023 FROM indicateurs WHERE niveau = 'arrondissement_municipal' "
        "AND apl_2023 IS NOT NULL ORDER BY code"
    ).fetchall()
    assert [a[0] for a in arr] == ["69381", "69382"]
    lyon = mini_con.execute(
        "SELECT apl_2023 FROM indicateurs WHERE niveau = 'commune' AND code = '69123'"
    ).fetchone()[0]
    assert lyon == pytest.approx((5.20 * 28500 + 3.90 * 32500) / (28500 + 32500))


def test_department_apl_is_weighted_not_plain_mean(mini_con) -> None:
    rows = [r for r in APL[2023] if r[0].startswith("01")]
    weighted = sum(r[2] * r[4] for r in rows) / sum(r[4] for r in rows)
    plain = sum(r[2] for r in rows) / len(rows)
    got = mini_con.execute(
        "SELECT apl_2023 FROM indicateurs WHERE niveau = 'departement' AND code = '01'"
    ).fetchone()[0]
    assert got == pytest.approx(weighted)
    assert got != pytest.approx(plain)


def test_people_under_threshold_use_total_population_and_boundaries(mini_con) -> None:
    # 2023: 01001 (1.942), 01015 unit (2.40) under 2.5; 01340 (2.60) and 26281 (2.50, on
    # the boundary) are not: 2.5 belongs to the intermediate class.
    under = mini_con.execute(
        "SELECT pop_apl_sous_2_5_2023, pop_apl_2_5_4_2023, pop_apl_4_plus_2023 FROM "
        "indicateurs WHERE niveau = 'region' AND code = '84'"
    ).fetchone()
    assert under[0] == 832 + 400
    assert under[1] == 14854 + 300 + 33000 + 31000
    assert under[2] == 64000 + 30000


def test_every_level_has_indicators(mini_con) -> None:
    levels = dict(
        mini_con.execute("SELECT niveau, count(*) FROM indicateurs GROUP BY 1").fetchall()
    )
    assert levels == {
        "commune": 11,
        "arrondissement_municipal": 4,
        "epci": 7,
        "departement": 8,
        "region": 6,
        "france": 1,
    }


def test_codes_are_strings(mini_con) -> None:
    types = dict(
        mini_con.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE column_name = 'code'"
        ).fetchall()
    )
    assert types and set(types.values()) == {"VARCHAR"}


def test_metadata_records_sources_and_checksums(mini_con) -> None:
    info = mini_con.execute("SELECT build_id, schema_version FROM build_info").fetchone()
    assert len(info[0]) == 12
    src = mini_con.execute(
        "SELECT key, sha256, origine, lignes, millesime FROM source WHERE key = 'apl_drees'"
    ).fetchone()
    assert len(src[1]) == 64 and src[2] == "miroir"
    assert json.loads(src[3])["stg_apl"] == 18
    assert "2023" in src[4]


def test_unknown_code_is_reported_not_dropped(mini_mirror: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(mini_mirror, mirror)
    bpe = mirror / get_source("bpe2017").mirror_path
    bpe.write_text(bpe.read_text(encoding="utf-8") + "99999,3,1200.0\n", encoding="utf-8")
    target = build(
        tmp_path / "db.duckdb",
        mirror=mirror,
        checks=STRUCTURAL_CHECKS,
        sources=MINI_SOURCES,
        out=quiet,
    )
    con = duckdb.connect(str(target), read_only=True)
    try:
        rows = con.execute(
            "SELECT source, code, population FROM non_rattache WHERE source = 'bpe2017'"
        ).fetchall()
        meta = con.execute(
            "SELECT lignes_non_rattachees, population_non_rattachee FROM source "
            "WHERE key = 'bpe2017'"
        ).fetchone()
    finally:
        con.close()
    assert rows == [("bpe2017", "99999", 1200.0)]
    assert meta == (1, 1200.0)


def test_unknown_apl_code_fails_check_with_file_and_column(mini_mirror, tmp_path) -> None:
    from tests.mini_mirror import write_apl_workbook

    mirror = tmp_path / "mirror"
    shutil.copytree(mini_mirror, mirror)
    rows = [*APL[2023], ("99999", "Inconnue", 2.0, 2.0, 50000.0, 50000)]
    write_apl_workbook(
        mirror / get_source("apl_drees").mirror_path, sheets={2022: APL[2022], 2023: rows}
    )
    with pytest.raises(CheckError) as err:
        build(
            tmp_path / "db.duckdb",
            mirror=mirror,
            checks=STRUCTURAL_CHECKS,
            sources=MINI_SOURCES,
            out=quiet,
        )
    text = str(err.value)
    assert "apl_non_rattachee" in text
    assert "drees_apl_medecins_generalistes_2022_2023.xlsx" in text
    assert "Code commune INSEE" in text


def _previous_db(tmp_path: Path, mini_db: Path) -> Path:
    target = tmp_path / "deserts.duckdb"
    shutil.copy(mini_db, target)
    return target


def _build_id(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT build_id FROM build_info").fetchone()[0]
    finally:
        con.close()


def test_failed_build_leaves_previous_database_untouched(mini_mirror, mini_db, tmp_path) -> None:
    target = _previous_db(tmp_path, mini_db)
    before = (target.read_bytes(), _build_id(target))
    with pytest.raises(BuildError):
        build(
            target,
            mirror=mini_mirror,
            checks=STRUCTURAL_CHECKS,
            sources=MINI_SOURCES,
            out=quiet,
            fail_after_models=True,
        )
    assert target.read_bytes() == before[0]
    assert list(tmp_path.glob("*.tmp-*")) == []


def test_bad_source_leaves_previous_database_untouched(mini_mirror, mini_db, tmp_path) -> None:
    target = _previous_db(tmp_path, mini_db)
    before = target.read_bytes()
    mirror = tmp_path / "mirror"
    shutil.copytree(mini_mirror, mirror)
    rpps = mirror / get_source("rpps_communes").mirror_path
    rpps.write_bytes(rpps.read_bytes()[:-20])  # truncated gzip
    with pytest.raises(SourceError, match="gzip"):
        build(target, mirror=mirror, checks=STRUCTURAL_CHECKS, sources=MINI_SOURCES, out=quiet)
    assert target.read_bytes() == before
    assert list(tmp_path.glob("*.tmp-*")) == []


def test_successful_rebuild_replaces_database(mini_mirror, mini_db, tmp_path) -> None:
    target = _previous_db(tmp_path, mini_db)
    old = _build_id(target)
    build(target, mirror=mini_mirror, checks=STRUCTURAL_CHECKS, sources=MINI_SOURCES, out=quiet)
    assert _build_id(target) != old


def test_duplicate_commune_codes_fail_the_check(mini_con) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE commune AS SELECT * FROM (VALUES ('01001'), ('01001')) t(code)")
    check = next(c for c in STRUCTURAL_CHECKS if c.name == "unique_commune_code")
    with pytest.raises(CheckError, match="01001") as err:
        run_checks(con, (check,))
    assert "communes.json" in str(err.value)


def test_check_failure_lists_examples() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('1001'), ('2A004')) v(code)")
    from analytics.checks import code_format

    with pytest.raises(CheckError, match="'1001'") as err:
        run_checks(con, (code_format("t", "code", "bpe2017"),))
    message = str(err.value)
    assert "insee_bpe2017_medecins_omnipraticiens_par_commune.csv" in message
    assert len(err.value.failures) == 1
    # The failure names the column and lists the bad row, not the valid one.
    assert "t.code" in err.value.failures[0]
    assert "'1001'" in err.value.failures[0] and "2A004" not in err.value.failures[0]


def test_missing_optional_profession_file_is_named_and_others_build(mini_mirror, tmp_path) -> None:
    """The profession workbooks are optional sources: a missing one is named, not fatal."""
    mirror = tmp_path / "mirror"
    shutil.copytree(mini_mirror, mirror)
    missing = get_source("apl_infirmieres")
    assert missing.optional and not get_source("apl_drees").optional
    (mirror / missing.mirror_path).unlink()
    lines: list[str] = []
    target = build(
        tmp_path / "db.duckdb",
        mirror=mirror,
        checks=STRUCTURAL_CHECKS,
        sources=MINI_SOURCES,
        out=lines.append,
    )
    assert any("apl_infirmieres" in m and missing.file_name in m for m in lines)
    con = duckdb.connect(str(target), read_only=True)
    try:
        professions = {
            r[0] for r in con.execute("SELECT profession FROM stg_apl_profession").fetchall()
        }
        origin = con.execute("SELECT origine FROM source WHERE key = 'apl_infirmieres'").fetchone()
    finally:
        con.close()
    assert professions == {"dentistes", "sages_femmes"}
    assert origin == ("absente (source facultative)",)


def test_missing_required_file_stops_the_build(mini_mirror, tmp_path) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(mini_mirror, mirror)
    (mirror / get_source("apl_drees").mirror_path).unlink()
    with pytest.raises(FetchError, match="drees_apl_medecins_generalistes"):
        build(
            tmp_path / "db.duckdb",
            mirror=mirror,
            checks=STRUCTURAL_CHECKS,
            sources=MINI_SOURCES,
            out=quiet,
        )
