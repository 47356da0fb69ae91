"""Parsers on fixture files in the real formats, and every kind of bad input."""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analytics.errors import SourceError
from analytics.parsers import parse_source
from analytics.sources import get_source
from tests.mini_mirror import APL, write_apl_workbook


def parse(key: str, mirror: Path, path: Path | None = None):
    source = get_source(key)
    return parse_source(source, path or mirror / source.mirror_path)


def test_apl_workbook_reads_both_sheets_and_parameters(mini_mirror: Path) -> None:
    tables = parse("apl_drees", mini_mirror)
    apl = tables["stg_apl"]
    assert len(apl) == len(APL[2022]) + len(APL[2023])
    row = apl[(apl["code"] == "01001") & (apl["annee"] == 2023)].iloc[0]
    assert row["apl"] == pytest.approx(1.942)
    assert row["pop_standardisee"] == pytest.approx(838.154)
    assert apl["code"].map(type).eq(str).all()
    params = tables["stg_apl_parametres"]
    bands = params[params["rubrique"] == "decroissance"]
    assert bands["valeur"].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 0])
    assert bands["borne_minutes"].tolist()[:3] == [10, 15, 20]


def test_apl_header_moved_is_found_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "apl.xlsx"
    write_apl_workbook(path, header_row=12)
    tables = parse("apl_drees", tmp_path, path)
    assert len(tables["stg_apl"]) == 18
    warnings = tables["stg_apl_avertissements"]["avertissement"].tolist()
    assert any("ligne 12" in w for w in warnings)


def test_apl_missing_sheet_names_the_sheet(tmp_path: Path) -> None:
    path = tmp_path / "apl.xlsx"
    write_apl_workbook(path, sheets={2022: APL[2022]})
    with pytest.raises(SourceError, match="APL 2023.*absente"):
        parse("apl_drees", tmp_path, path)


def test_apl_header_absent(tmp_path: Path) -> None:
    path = tmp_path / "apl.xlsx"
    write_apl_workbook(path, header_row=40)
    with pytest.raises(SourceError, match="Code commune INSEE") as err:
        parse("apl_drees", tmp_path, path)
    assert err.value.file.endswith("apl.xlsx")


def test_apl_codes_stored_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "apl.xlsx"
    rows = [(1001, "L'Abergement", 1.9, 1.8, 800.0, 800), *APL[2023][1:]]
    write_apl_workbook(path, sheets={2022: APL[2022], 2023: rows})
    with pytest.raises(SourceError, match="zéro initial perdu") as err:
        parse("apl_drees", tmp_path, path)
    assert err.value.column == "Code commune INSEE"
    assert 1001 in err.value.examples


def test_truncated_xlsx(tmp_path: Path, mini_mirror: Path) -> None:
    src = mini_mirror / get_source("apl_drees").mirror_path
    path = tmp_path / "apl.xlsx"
    path.write_bytes(src.read_bytes()[:2000])
    with pytest.raises(SourceError, match="illisible ou tronqué"):
        parse("apl_drees", tmp_path, path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="introuvable") as err:
        parse("rpps_communes", tmp_path)
    assert "rpps2026_medecins_par_commune.csv.gz" in err.value.file


def test_truncated_gzip(tmp_path: Path, mini_mirror: Path) -> None:
    src = mini_mirror / get_source("rpps_communes").mirror_path
    path = tmp_path / "rpps.csv.gz"
    path.write_bytes(src.read_bytes()[:-30])
    with pytest.raises(SourceError, match="gzip tronquée"):
        parse("rpps_communes", tmp_path, path)


def test_other_delimiter_is_named(tmp_path: Path, mini_mirror: Path) -> None:
    src = mini_mirror / get_source("bpe2017").mirror_path
    path = tmp_path / "bpe.csv"
    path.write_text(src.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    with pytest.raises(SourceError, match="séparé par « ; »") as err:
        parse("bpe2017", tmp_path, path)
    assert err.value.column == "code_commune"


def test_latin1_encoding_is_named(tmp_path: Path, mini_mirror: Path) -> None:
    src = mini_mirror / get_source("drees_medecins_55").mirror_path
    path = tmp_path / "dep.csv"
    path.write_bytes(src.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(SourceError, match="UTF-8 attendu") as err:
        parse("drees_medecins_55", tmp_path, path)
    assert "ligne 3" in str(err.value)  # Drôme: header is line 1


def test_codes_read_as_integers(tmp_path: Path) -> None:
    path = tmp_path / "bpe.csv"
    path.write_text(
        "code_commune,nb_medecins_omnipraticiens,population\n1004,10,13000\n26362,70,62000\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="zéro initial perdu") as err:
        parse("bpe2017", tmp_path, path)
    assert err.value.column == "code_commune"
    assert err.value.examples == ["ligne 2 : '1004'"]


def test_non_numeric_value_names_row(tmp_path: Path) -> None:
    path = tmp_path / "bpe.csv"
    path.write_text(
        "code_commune,nb_medecins_omnipraticiens,population\n01004,dix,13000\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="non numérique") as err:
        parse("bpe2017", tmp_path, path)
    assert err.value.column == "nb_medecins_omnipraticiens"


def test_csv_codes_keep_leading_zeros(mini_mirror: Path) -> None:
    df = parse("rpps_communes", mini_mirror)["stg_rpps"]
    assert "01001" in set(df["code"])
    assert "2A004" in set(df["code"])
    assert df.loc[df["code"] == "26362", "nb_medecins_generalistes"].iloc[0] == 80


def test_communes_json_former_codes(mini_mirror: Path) -> None:
    tables = parse("communes", mini_mirror)
    old = tables["stg_anciens_codes"]
    assert old.to_dict("records") == [
        {"ancien_code": "01340", "code": "01015", "type": "commune-actuelle"}
    ]
    types = tables["stg_communes"]["type"].value_counts().to_dict()
    assert types == {"commune-actuelle": 11, "commune-deleguee": 2, "arrondissement-municipal": 4}


def test_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "communes.json"
    path.write_text('[{"code": "01001", "nom": ', encoding="utf-8")
    with pytest.raises(SourceError, match="JSON invalide"):
        parse("communes", tmp_path, path)


def test_every_source_has_a_parser_and_provenance() -> None:
    from analytics.parsers import PARSERS
    from analytics.sources import SOURCES

    for s in SOURCES:
        assert s.parser in PARSERS, s.key
        for field in ("producer", "dataset_page", "url", "licence", "vintage", "mirror_path"):
            assert getattr(s, field), (s.key, field)


def test_every_mirror_file_is_catalogued() -> None:
    from analytics.sources import SOURCES
    from tests.conftest import REAL_MIRROR

    if not REAL_MIRROR.exists():
        pytest.skip("miroir absent")
    files = {
        str(p.relative_to(REAL_MIRROR))
        for p in REAL_MIRROR.rglob("*")
        if p.is_file() and p.suffix not in (".md",)
    }
    catalogued = {s.mirror_path for s in SOURCES}
    assert files - catalogued == set()


def test_gzip_roundtrip_sanity(tmp_path: Path) -> None:
    # A valid gzip of a CSV with a BOM is read (BOM stripped).
    path = tmp_path / "x.csv.gz"
    text = "\ufeffcode_commune,specialite_rpps,nb_medecins\n01004,Pédiatrie,2\n"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    source = replace(get_source("rpps_specialites"))
    df = parse_source(source, path)["stg_rpps_specialites"]
    assert df.to_dict("records") == [
        {"code": "01004", "specialite_rpps": "Pédiatrie", "nb_medecins": 2.0}
    ]
    assert isinstance(df, pd.DataFrame)


# --- Other professions (DREES workbooks of dentists, nurses, midwives) -----------------------


@pytest.mark.parametrize("key", ["apl_dentistes", "apl_infirmieres", "apl_sages_femmes"])
def test_profession_workbook_reads_both_years(key: str, mini_mirror: Path) -> None:
    from tests.mini_mirror import PROFESSION_APL

    source = get_source(key)
    df = parse(key, mini_mirror)["stg_apl_profession"]
    rows = PROFESSION_APL[source.profession.key]
    assert len(df) == len(rows[2022]) + len(rows[2023])
    assert set(df["profession"]) == {source.profession.key}
    expected = next(r for r in rows[2023] if r[0] == "01001")
    got = df[(df["code"] == "01001") & (df["annee"] == 2023)].iloc[0]
    assert (got["apl"], got["pop_standardisee"], got["pop_totale"]) == pytest.approx(expected[2:])
    assert df["code"].map(type).eq(str).all()


def _profession_file(tmp_path: Path, key: str, **kwargs) -> Path:
    from tests.mini_mirror import write_profession_workbook

    path = tmp_path / "prof.xlsx"
    write_profession_workbook(path, get_source(key).profession, **kwargs)
    return path


def test_profession_moved_header_names_file_sheet_and_rows(tmp_path: Path) -> None:
    path = _profession_file(tmp_path, "apl_dentistes", header_row=11)
    with pytest.raises(SourceError, match=r"« APL 2022 ».*attendu ligne 9, trouvé ligne 11") as e:
        parse("apl_dentistes", tmp_path, path)
    assert e.value.file.endswith("prof.xlsx") and e.value.source_key == "apl_dentistes"


def test_profession_changed_unit_row_is_refused(tmp_path: Path) -> None:
    path = _profession_file(tmp_path, "apl_infirmieres", unit="En nombre de consultations")
    with pytest.raises(SourceError, match=r"« APL 2022 ».*unités attendue ligne 10") as e:
        parse("apl_infirmieres", tmp_path, path)
    assert e.value.column == "APL aux infirmières"


def test_profession_missing_sheet_is_named(tmp_path: Path) -> None:
    from tests.mini_mirror import PROFESSION_APL

    rows = {2022: PROFESSION_APL["sages_femmes"][2022]}
    path = _profession_file(tmp_path, "apl_sages_femmes", sheets=rows)
    with pytest.raises(SourceError, match="feuille « APL 2023 » absente"):
        parse("apl_sages_femmes", tmp_path, path)


def test_profession_values_equal_the_workbook_read_by_openpyxl() -> None:
    """The real workbooks, read independently with openpyxl: row 11 is 01001 in both years."""
    import openpyxl

    from tests.conftest import REAL_MIRROR

    for key in ("apl_dentistes", "apl_infirmieres", "apl_sages_femmes"):
        source = get_source(key)
        path = REAL_MIRROR / source.mirror_path
        if not path.exists():
            pytest.skip("miroir absent")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = wb["APL 2023"]
        first = next(sheet.iter_rows(min_row=11, max_row=11, values_only=True))
        unit = next(sheet.iter_rows(min_row=10, max_row=10, values_only=True))[2]
        wb.close()
        assert first[0] == "01001" and unit.startswith("En ETP pour 100 000")
        df = parse_source(source, path)["stg_apl_profession"]
        got = df[(df["code"] == "01001") & (df["annee"] == 2023)].iloc[0]
        assert (got["apl"], got["pop_standardisee"], got["pop_totale"]) == pytest.approx(first[2:5])
