"""« Mes données »: reading, checking and matching a user's file (pure module)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from analytics import userdata as u
from analytics.userdata import UserDataError


@pytest.fixture()
def ref(mini_con) -> u.Reference:
    return u.load_reference(mini_con)


def _parse(ref, text: str | bytes, name: str = "f.csv", **kw) -> u.UserData:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return u.parse_upload(data, name, ref, **kw)


def _values(d: u.UserData) -> dict[str, float]:
    return dict(zip(d.values["code"], d.values["valeur"], strict=True))


# --- Reading CSV: encodings, delimiters, decimals ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        ("code_insee;adhérents\n26281;12,5\n26362;1 000\n".encode(), "utf-8-sig", ";"),
        (b"\xef\xbb\xbfcode_insee;adh\xc3\xa9rents\n26281;12,5\n26362;1000\n", "utf-8-sig", ";"),
        ("code_insee;adhérents\n26281;12,5\n26362;1000\n".encode("cp1252"), "cp1252", ";"),
        (b'code_insee,adherents\n26281,"12,5"\n26362,"1,000.0"\n', "utf-8-sig", ","),
        (b"code_insee\tadherents\n26281\t12.5\n26362\t1000\n", "utf-8-sig", "\t"),
    ],
)
def test_csv_encodings_delimiters_and_decimals(ref, data, encoding, delimiter) -> None:
    raw = u.read_table(data, "f.csv")
    assert raw.encoding == encoding and raw.delimiter == delimiter
    d = _parse(ref, data)
    assert _values(d) == {"26281": 12.5, "26362": 1000.0}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("12", 12.0),
        ("1\u202f234", 1234.0),
        ("0,25", 0.25),
        (" 7 ", 7.0),
    ],
)
def test_numbers_in_french_and_english_writing(text: str, value: float) -> None:
    assert u._parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "12 %", "inf", "nan", "1e400", "--3", "12abc"])
def test_non_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        u._parse_number(text)


# --- Matching: former codes, arrondissements, postcodes, names ----------------------------------


def test_former_codes_arrondissements_and_lost_zeros_map_to_2026(ref) -> None:
    d = _parse(ref, "code_insee;n\n01340;3\n69381;10\n69382;5\n1001;2\n99999;7\n26281;\n")
    # 01340 is Arbignieu, merged into Arboys en Bugey (01015); 69381/69382 are Lyon's
    # arrondissements (69123); 1001 is 01001 after a spreadsheet ate its zero.
    assert _values(d) == {"01015": 3.0, "69123": 15.0, "01001": 2.0}
    assert d.report.converties == {"ancien code": 1, "arrondissement municipal": 2}
    assert d.report.codes_completes == 1
    assert d.report.lignes_vides == 1
    assert d.unmatched[["ligne", "cle", "valeur"]].values.tolist() == [[6, "99999", 7.0]]
    assert d.report.total_lu == 27 and d.report.total_rattache == 20
    text = " ".join(d.report.lines())
    assert "ancien code" in text and "20,0 sur 27,0" in text


def test_a_postcode_shared_by_communes_is_split_by_population(ref) -> None:
    # In the mini reference every Ain commune has the postcode 01000: 01001 (860 inh.),
    # 01004 (14 000), 01015 (700).
    d = _parse(ref, "code_postal;n\n01000;1000\n26000;10\n")
    v = _values(d)
    assert v["01001"] == pytest.approx(1000 * 860 / 15560)
    assert v["01004"] == pytest.approx(1000 * 14000 / 15560)
    assert sum(v[c] for c in ("01001", "01004", "01015")) == pytest.approx(1000)
    assert d.report.codes_postaux_partages == 2  # 26000 too: Romans and Valence


def test_names_with_departement(ref) -> None:
    d = _parse(
        ref,
        "nom;departement;n\nVALENCE;26;1\nArbignieu;1;2\nLyon 1er Arrondissement;69;3\n"
        "Valence;01;4\n",
    )
    assert _values(d) == {"26362": 1.0, "01015": 2.0, "69123": 3.0}
    assert d.unmatched["raison"].tolist() == ["nom inconnu dans le département 01"]


# --- Bad files: a French message naming the problem -----------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        (b"", "f.csv", "vide"),
        (b"   \n\n", "f.csv", "vide"),
        (b"code_insee;n\n", "f.csv", "vide"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "carte.png", "image PNG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "photo.csv", "image JPEG"),
        (b"%PDF-1.7\n...", "f.csv", "PDF"),
        (b"abc\x00def\x00", "f.csv", "binaire"),
        (b"code_insee;n\n26281;1\n", "f.xlsx", "XLSX mais n'en est pas un"),
        (b"PK\x03\x04garbage", "f.xlsx", "archive endommagée"),
        (b"ville;n\nValence;1\n", "f.csv", "département"),
        (b"foo;bar\nx;1\n", "f.csv", "Aucune colonne ne désigne les communes"),
        (b"code_insee;nom\n26281;Romans\n", "f.csv", "Aucune colonne de valeurs"),
    ],
)
def test_bad_files(ref, data: bytes, name: str, needle: str) -> None:
    with pytest.raises(UserDataError) as err:
        u.parse_upload(data, name, ref)
    assert needle in str(err.value)


def test_negative_and_text_values_name_the_column_and_rows(ref) -> None:
    with pytest.raises(UserDataError, match=r"« membres ».*négatives \(lignes 3\)"):
        _parse(ref, "code_insee;membres\n26281;1\n26362;-4\n")
    with pytest.raises(UserDataError, match=r"« membres ».*ligne 3 \(« beaucoup »\)"):
        _parse(
            ref, "code_insee;membres;autre\n26281;1;1\n26362;beaucoup;2\n", value_column="membres"
        )
    with pytest.raises(UserDataError, match="« absente » n'existe pas"):
        _parse(ref, "code_insee;membres\n26281;1\n", value_column="absente")


def test_duplicate_communes_are_refused_unless_added(ref) -> None:
    text = "code_insee;n\n26281;1\n26362;2\n26281;4\n"
    with pytest.raises(UserDataError, match=r"1 commune\(s\) figurent sur plusieurs lignes.*2, 4"):
        _parse(ref, text)
    d = _parse(ref, text, add_duplicates=True)
    assert _values(d) == {"26281": 5.0, "26362": 2.0}
    assert d.report.doublons == 1
    assert any("additionnées" in line for line in d.report.lines())


def test_row_and_size_limits(ref, monkeypatch) -> None:
    monkeypatch.setattr(u, "MAX_ROWS", 3)
    with pytest.raises(UserDataError, match="dépasse 3 lignes"):
        _parse(ref, "code_insee;n\n" + "26281;1\n" * 4)
    monkeypatch.setattr(u, "MAX_BYTES", 100)
    with pytest.raises(UserDataError, match="au plus 0 Mo|Mo"):
        _parse(ref, "code_insee;n\n" + "26281;1\n" * 40)


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_numbers_codes_and_formulas(ref) -> None:
    data = _xlsx(
        [
            ["Code INSEE", "Patients sans médecin traitant"],
            [26281, 120],
            ["26362", 80.5],
            [1001, "=1+1"],  # a formula without a cached value: read as empty
            ["=cmd|' /C calc'!A0", 3],  # written as a formula: no cached value either
        ]
    )
    d = _parse(ref, data, "f.xlsx")
    assert _values(d) == {"26281": 120.0, "26362": 80.5}
    assert d.report.format.startswith("XLSX")
    assert d.unmatched[["cle", "raison"]].values.tolist() == [["", "commune non renseignée"]]


def _bomb(member_size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * member_size)
    return buf.getvalue()


def test_xlsx_bomb_is_refused_before_opening(ref, monkeypatch) -> None:
    data = _bomb(5_000_000)  # 5 MB of zeros compress to about 5 kB: ratio ~1 000
    assert len(data) < 50_000
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    with pytest.raises(UserDataError, match="compressé plus de 100 fois"):
        u.parse_upload(data, "f.xlsx", ref)
    monkeypatch.setattr(u, "MAX_XLSX_UNCOMPRESSED", 1_000_000)
    with pytest.raises(UserDataError, match="se décompresse en 5 Mo"):
        u.parse_upload(data, "f.xlsx", ref)
    assert not opened


def test_zip_that_is_not_a_workbook(ref) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(UserDataError, match="pas un classeur Excel"):
        u.parse_upload(buf.getvalue(), "f.zip", ref)


# --- Formula cells are inert in exports --------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_cells_neutralised_in_every_returned_table(ref, start: str) -> None:
    from analytics import exports

    header = f"{start}SUM(A1)"
    d = _parse(ref, f"code_insee;{header}\n{start}1+2;5\n26281;1\n")
    assert d.label == f"'{header}"
    assert d.report.colonne_valeur == f"'{header}"
    assert d.unmatched["cle"].iloc[0] == f"'{start}1+2"
    csv_text = exports.dataframe_csv_fr(d.unmatched).decode("utf-8-sig")
    assert f"\n{start}" not in csv_text and f";{start}" not in csv_text


# --- Aggregation -----------------------------------------------------------------------------


def test_aggregate_sum_and_rate_per_1000_at_every_level(ref) -> None:
    d = _parse(ref, "code_insee;n\n26281;10\n26362;5\n01004;7\n")
    deps = u.aggregate(d, ref.communes, "departement").set_index("code")
    assert deps.loc["26", "valeur"] == 15
    assert deps.loc["26", "pour_1000"] == pytest.approx(1000 * 15 / 97000)
    assert deps.loc["01", "pour_1000"] == pytest.approx(1000 * 7 / (860 + 14000 + 700))
    assert deps.loc["2A", "valeur"] == 0 and deps.loc["2A", "communes_renseignees"] == 0
    epci = u.aggregate(d, ref.communes, "epci").set_index("code")
    assert epci.loc["200068781", "valeur"] == 15
    france = u.aggregate(d, ref.communes, "france")
    assert france["valeur"].tolist() == [22]
    # France = metropolitan France + the five DROM; Nouméa (988, a collectivity) is not in it.
    com = ref.communes["departement"].astype(str).str.match(r"97[578]|98")
    assert france["population"].iloc[0] == ref.communes.loc[~com, "population"].sum()
    assert u.territory_values(d, ref.communes, "region", "84")["valeur"] == 22
    with pytest.raises(ValueError):
        u.aggregate(d, ref.communes, "canton")


def test_commune_values_for_the_planner(ref) -> None:
    d = _parse(ref, "code_insee;n\n26281;10\n01340;2\n")
    s = u.commune_values(d, pd.Series(["01015", "26281", "2A004"]))
    assert s.to_dict() == {"01015": 2.0, "26281": 10.0, "2A004": 0.0}


def test_user_component_in_the_need_score_by_hand() -> None:
    from analytics.score import prepare_components, score

    df = pd.DataFrame(
        {"code": ["a", "b", "c"], "apl_2023": [1.0, 2.0, 3.0], "population": [1, 1, 1]}
    )
    ranked = pd.concat([df, score(prepare_components(df), {"ecart_apl": 1})], axis=1)
    # APL gap (4 − APL)/4 = 0,75 / 0,5 / 0,25 → percentile ranks 1 / 0,5 / 0.
    # User values 0 / 20 / 10 → ranks 0 (zero: no need) / 1 / 0,5. Equal weights:
    # scores 50·1 + 50·0 = 50, 50·0,5 + 50·1 = 75, 0 + 50·0,5 = 25.
    out = u.add_score_component(
        ranked, pd.Series({"a": 0.0, "b": 20.0, "c": 10.0}), {"ecart_apl": 1}, 1.0
    ).set_index("code")
    assert out["score"].to_dict() == pytest.approx({"a": 50.0, "b": 75.0, "c": 25.0})
    assert out["rang"].to_dict() == {"a": 2, "b": 1, "c": 3}
    assert out["contrib_donnees_utilisateur"].to_dict() == pytest.approx(
        {"a": 0.0, "b": 50.0, "c": 25.0}
    )
    assert np.allclose(out["score"], out["contrib_ecart_apl"] + out["contrib_donnees_utilisateur"])
