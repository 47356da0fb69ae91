"""« Trouver mon territoire » on a small table of real territories (COG 2026 codes)."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.search import (
    MAX_QUERY_LENGTH,
    RESULT_COLUMNS,
    SCORE_CODE,
    SCORE_EXACT,
    SCORE_POSTCODE,
    TerritoryIndex,
    normalise,
)

C, E, D, R = "commune", "epci", "departement", "region"

# niveau, code, nom, departement, departement_nom, codes_postaux, population
ROWS = [
    (C, "42218", "Saint-Étienne", "42", "Loire", "42000 42100 42230", 173136),
    (C, "01350", "Saint-Étienne-du-Bois", "01", "Ain", "01370", 2584),
    (C, "42095", "Firminy", "42", "Loire", "42700", 17060),
    (C, "33390", "Sainte-Colombe", "33", "Gironde", "33350", 423),
    (C, "69189", "Sainte-Colombe", "69", "Rhône", "69560", 2036),
    (C, "77404", "Sainte-Colombe", "77", "Seine-et-Marne", "77650", 1781),
    (C, "42209", "Sainte-Colombe-sur-Gand", "42", "Loire", "42540", 384),
    (C, "2A004", "Ajaccio", "2A", "Corse-du-Sud", "20000 20090 20167", 76320),
    (C, "01001", "L'Abergement-Clémenciat", "01", "Ain", "01400", 860),
    (C, "01093", "Châtillon-sur-Chalaronne", "01", "Ain", "01400", 5250),
    (C, "01328", "Romans", "01", "Ain", "01400", 640),
    (C, "26281", "Romans-sur-Isère", "26", "Drôme", "26100", 33464),
    (C, "26362", "Valence", "26", "Drôme", "26000", 64458),
    (C, "81124", "Lacaune", "81", "Tarn", "81230", 2464),
    (C, "81230", "Rosières", "81", "Tarn", "81400", 1010),
    (C, "25391", "Mont-de-Laval", "25", "Doubs", "25210", 170),
    (C, "2A331", "Urbalacone", "2A", "Corse-du-Sud", "20128", 170),
    (C, "13055", "Marseille", "13", "Bouches-du-Rhône", "13001 13002", 873076),
    (C, "34150", "Marseillan", "34", "Hérault", "34340", 8200),
    (C, "97411", "Saint-Denis", "974", "La Réunion", "97400 97417 97490", 155634),
    (E, "244200770", "Saint-Étienne Métropole", None, None, None, 401_000),
    (E, "200068781", "CA Valence Romans Agglo", None, None, None, 225_000),
    (E, "200069193", "CC de la Dombes", None, None, None, 40_000),
    (E, "200066553", "CC du Haut-Languedoc", None, None, None, 7954),
    (D, "01", "Ain", None, None, None, 670_000),
    (D, "2A", "Corse-du-Sud", None, None, None, 160_000),
    (D, "26", "Drôme", None, None, None, 520_000),
    (D, "42", "Loire", None, None, None, 770_000),
    (D, "974", "La Réunion", None, None, None, 885_000),
    (R, "84", "Auvergne-Rhône-Alpes", None, None, None, 8_200_000),
    (R, "01", "Guadeloupe", None, None, None, 380_000),
]
COLUMNS = ["niveau", "code", "nom", "departement", "departement_nom", "codes_postaux"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=[*COLUMNS, "population"])


@pytest.fixture(scope="module")
def index(frame: pd.DataFrame) -> TerritoryIndex:
    return TerritoryIndex(frame)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("St-Étienne", "saint etienne"),
        ("saint etienne", "saint etienne"),
        ("SAINT-ETIENNE", "saint etienne"),
        ("  St.  Etienne ", "saint etienne"),
        ("Ste-Colombe", "sainte colombe"),
        ("L'Abergement-Clémenciat", "l abergement clemenciat"),
        ("L’Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("Stenay", "stenay"),  # « st » only as a whole word
        ("Paris 15e Arrondissement", "paris 15e arrondissement"),
        ("'; DROP TABLE", "drop table"),
        (".*", ""),
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def _codes(result: pd.DataFrame) -> list[str]:
    return result["code"].tolist()


def test_result_columns(index: TerritoryIndex) -> None:
    result = index.search("Valence")
    assert list(result.columns) == RESULT_COLUMNS
    assert result.iloc[0]["libelle"] == "Valence (Drôme, 26)"


@pytest.mark.parametrize(
    "query", ["Saint-Étienne", "saint etienne", "SAINT-ETIENNE", "St Etienne", "st-étienne"]
)
def test_accents_case_hyphens_and_abbreviation(index: TerritoryIndex, query: str) -> None:
    result = index.search(query)
    assert result.iloc[0]["code"] == "42218"
    assert result.iloc[0]["score"] == SCORE_EXACT
    # Prefix matches follow, larger population first.
    assert _codes(result)[1:3] == ["244200770", "01350"]


def test_homonyms_have_distinct_labels(index: TerritoryIndex) -> None:
    result = index.search("Sainte-Colombe")
    exact = result[result["score"] == SCORE_EXACT]
    assert _codes(exact) == ["69189", "77404", "33390"]  # by population
    assert exact["libelle"].tolist() == [
        "Sainte-Colombe (Rhône, 69)",
        "Sainte-Colombe (Seine-et-Marne, 77)",
        "Sainte-Colombe (Gironde, 33)",
    ]
    assert _codes(result)[3] == "42209"  # Sainte-Colombe-sur-Gand: prefix, after


@pytest.mark.parametrize("query", ["sainte colombe gironde", "Ste-Colombe 33"])
def test_name_with_departement_disambiguates(index: TerritoryIndex, query: str) -> None:
    result = index.search(query)
    assert _codes(result)[0] == "33390"
    # The other Sainte-Colombe follow only as approximate names.
    assert set(result["correspondance"].iloc[1:]) <= {"nom approché"}


def test_exact_name_before_prefix(index: TerritoryIndex) -> None:
    # « Romans » (Ain, 640 inhabitants) before « Romans-sur-Isère » (33,464).
    assert _codes(index.search("romans"))[:2] == ["01328", "26281"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("abergement", ["01001"]),  # inside the name
        ("labergement", ["01001"]),  # apostrophe dropped
        ("colombe", ["69189", "77404", "33390", "42209"]),  # a word of the name
    ],
)
def test_partial_names(index: TerritoryIndex, query: str, expected: list[str]) -> None:
    assert _codes(index.search(query)) == expected


def test_postcode_returns_every_commune(index: TerritoryIndex) -> None:
    result = index.search("01400")
    assert _codes(result) == ["01093", "01001", "01328"]
    assert set(result["score"]) == {SCORE_POSTCODE}
    assert _codes(index.search("42100")) == ["42218"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("2A004", ["2A004"]),
        ("2a004", ["2A004"]),
        ("01001", ["01001"]),
        ("97411", ["97411"]),
        ("244200770", ["244200770"]),
        ("2A", ["2A"]),
        ("974", ["974"]),
        ("42", ["42"]),
        ("01", ["01", "01"]),  # département Ain, then région Guadeloupe
    ],
)
def test_codes(index: TerritoryIndex, query: str, expected: list[str]) -> None:
    result = index.search(query)
    assert _codes(result) == expected
    assert result.iloc[0]["score"] == SCORE_CODE


def test_departement_code_before_region_code(index: TerritoryIndex) -> None:
    result = index.search("01")
    assert result["niveau"].tolist() == [D, R]
    assert result["libelle"].tolist() == ["Ain (département, 01)", "Guadeloupe (région)"]


@pytest.mark.parametrize("query", ["1001", "2A04", "4200", "24420077"])
def test_codes_are_not_numbers(index: TerritoryIndex, query: str) -> None:
    assert index.search(query).empty


def test_labels_per_level(index: TerritoryIndex) -> None:
    result = index.search("valence")
    labels = dict(zip(result["code"], result["libelle"], strict=True))
    assert labels["200068781"] == "CA Valence Romans Agglo (EPCI)"
    assert index.search("drome").iloc[0]["libelle"] == "Drôme (département, 26)"
    assert index.search("auvergne").iloc[0]["libelle"] == "Auvergne-Rhône-Alpes (région)"


def test_niveaux_filter_and_limit(index: TerritoryIndex) -> None:
    assert _codes(index.search("saint etienne", niveaux=["epci"])) == ["244200770"]
    assert index.search("saint", niveaux=["commune"])["niveau"].eq(C).all()
    assert len(index.search("saint", limit=2)) == 2
    assert index.search("saint", limit=0).empty


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Saint-Etiene", "42218"),
        ("valense", "26362"),
        ("chatillon sur chalarone", "01093"),
        ("ajacio", "2A004"),
    ],
)
def test_typo_fallback(index: TerritoryIndex, query: str, expected: str) -> None:
    result = index.search(query)
    assert result.iloc[0]["code"] == expected
    assert result.iloc[0]["score"] < SCORE_EXACT


def test_departement_name_taken_from_departement_rows(frame: pd.DataFrame) -> None:
    index = TerritoryIndex(frame.drop(columns=["departement_nom"]))
    labels = index.search("Sainte-Colombe")["libelle"].tolist()
    # Loire (42) has a département row; 69, 77 and 33 do not: code only.
    assert labels[:4] == [
        "Sainte-Colombe (69)",
        "Sainte-Colombe (77)",
        "Sainte-Colombe (33)",
        "Sainte-Colombe-sur-Gand (Loire, 42)",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE territoire; --",
        ".*",
        "(a+)+$",
        "[",
        "\\",
        "%_%",
        "\x00\x1f",
        "",
        "   ",
        "é" * 10_000,
        "saint " * 1_000,
        "0" * 5_000,
    ],
)
def test_untrusted_input_never_raises(index: TerritoryIndex, query: str) -> None:
    result = index.search(query)
    assert list(result.columns) == RESULT_COLUMNS
    assert len(result) <= 20


def test_regex_and_empty_queries_return_nothing(index: TerritoryIndex) -> None:
    for query in [".*", "", "  ", "'; --", "[", "%"]:
        assert index.search(query).empty


def test_long_query_is_truncated(index: TerritoryIndex) -> None:
    query = "Valence" + " " * MAX_QUERY_LENGTH + "zzzz"
    assert _codes(index.search(query))[0] == "26362"


def test_non_string_query(index: TerritoryIndex) -> None:
    assert index.search(None).empty  # type: ignore[arg-type]


def test_empty_index() -> None:
    index = TerritoryIndex(pd.DataFrame(ROWS[:0], columns=[*COLUMNS, "population"]))
    assert len(index) == 0
    assert index.search("saint etienne").empty
    assert index.search("marseile").empty


def test_niveaux_filter_applies_to_codes(index: TerritoryIndex) -> None:
    assert _codes(index.search("01", niveaux=["region"])) == ["01"]
    assert index.search("2A004", niveaux=["epci"]).empty


def test_abbreviation_being_typed_also_matches_literally() -> None:
    frame = pd.DataFrame(
        [
            (C, "55502", "Stenay", "55", "Meuse", "55700", 2600),
            (C, "42218", "Saint-Étienne", "42", "Loire", "42000", 173136),
            (C, "33390", "Sainte-Colombe", "33", "Gironde", "33350", 423),
        ],
        columns=[*COLUMNS, "population"],
    )
    index = TerritoryIndex(frame)
    # Sainte-* first; then, tied at a lower score and by population, Saint-Étienne
    # (« sainte » once spaces are ignored) and Stenay (« ste » read literally).
    assert _codes(index.search("Ste")) == ["33390", "42218", "55502"]
    assert _codes(index.search("ste colombe")) == ["33390"]


# --- Forgiving search: typos, sounds, usual EPCI names, the kind of match ---------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lacone", "81124"),  # written as it sounds: « au » heard « o »
        ("Lacaunne", "81124"),
        ("marseile", "13055"),
        ("Marseile", "13055"),
        ("romanss-sur-isere", "26281"),
        ("valance", "26362"),
    ],
)
def test_typos_find_the_territory_first(index: TerritoryIndex, query: str, expected: str) -> None:
    result = index.search(query)
    assert _codes(result)[0] == expected
    assert result["correspondance"].iloc[0] == "nom approché"


def test_typo_tolerance_runs_even_when_something_else_matches(index: TerritoryIndex) -> None:
    # « lacone » is inside « Urbalacone »: that match no longer hides Lacaune.
    assert _codes(index.search("lacone"))[:2] == ["81124", "2A331"]


@pytest.mark.parametrize(
    "query",
    [
        "Monts de Lacaune",
        "monts de lacaune et de la montagne du haut languedoc",
        "Communauté de communes des Monts de Lacaune",
        "CC des Monts de Lacaune",
    ],
)
def test_usual_epci_names(index: TerritoryIndex, query: str) -> None:
    result = index.search(query)
    assert _codes(result)[0] == "200066553"  # not Mont-de-Laval
    assert result["nom"].iloc[0] == "CC du Haut-Languedoc"  # shown by its official name
    assert result["correspondance"].iloc[0] == "nom usuel"
    assert _codes(result).count("200066553") == 1


@pytest.mark.parametrize(
    "query", ["communauté de communes de la Dombes", "CC de la Dombes", "cc dombes"]
)
def test_epci_legal_form_spelt_out_or_not(index: TerritoryIndex, query: str) -> None:
    assert _codes(index.search(query))[0] == "200069193"


def test_the_kind_of_match_is_said(index: TerritoryIndex) -> None:
    # 81230 is Rosières' INSEE code and Lacaune's postcode.
    result = index.search("81230")
    assert _codes(result) == ["81230", "81124"]
    assert result["correspondance"].tolist() == ["code INSEE", "code postal"]
    assert index.search("200069193")["correspondance"].iloc[0] == "numéro SIREN"
    assert index.search("26")["correspondance"].iloc[0] == "code du département"
    assert index.search("Valence")["correspondance"].iloc[0] == "nom"


@pytest.mark.parametrize(
    ("a", "b"),
    [("lacaune", "lacone"), ("marseille", "marseile"), ("philippe", "filipe")],
)
def test_phonetic_keys_of_same_sounds_are_equal(a: str, b: str) -> None:
    from analytics.search import phonetic

    assert phonetic(a) == phonetic(b)


def test_phonetic_keys_keep_different_names_apart() -> None:
    from analytics.search import phonetic

    assert phonetic("lacaune") != phonetic("lacanche")
    assert phonetic("valence") != phonetic("vence")


def test_match_note() -> None:
    from analytics.search import match_note

    assert match_note("code INSEE", " 81230 ") == "code INSEE 81230"
    assert match_note("code postal", "81230") == "code postal 81230"
    assert match_note("nom approché", "lacone") == "nom approché"
    assert match_note("nom", "Lacaune") == ""
