"""Views on the mini database: profile, comparison, similar territories, neighbours."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import views


def test_profile_sets_territory_beside_parents(mini_con) -> None:
    view = views.profile(mini_con, "commune", "26281")
    assert view.nom == "Romans-sur-Isère"
    cols = list(view.comparison.columns)
    assert "Département : Drôme" in cols and "Région : Auvergne-Rhône-Alpes" in cols
    assert "France" in cols
    apl = view.comparison.set_index("indicateur").loc["apl_2023"]
    assert apl["Romans-sur-Isère"] == "2,50"
    # every row carries a definition and a source line
    assert view.comparison["Définition"].str.len().min() > 20
    assert view.comparison["Source"].str.startswith("Source : ").all()
    assert set(view.history["annee"]) == {2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023}


def test_profile_population_by_class(mini_con) -> None:
    view = views.profile(mini_con, "departement", "01")
    classes = view.classes.set_index("classe")["population"]
    assert classes.iloc[0] == 832 + 400  # under 2.5
    assert view.classes["part"].sum() == pytest.approx(1.0)
    # communes ranked by APL 2023, worst first
    assert view.communes["code"].tolist()[0] == "01001"


def test_profile_unknown_territory(mini_con) -> None:
    assert views.profile(mini_con, "commune", "99999") is None
    with pytest.raises(ValueError):
        views.profile(mini_con, "canton", "01")


def test_neighbours_are_same_level_sorted_by_distance(mini_con) -> None:
    view = views.profile(mini_con, "commune", "26281")
    assert view.neighbours["code"].iloc[0] == "26362"
    assert view.neighbours["km"].is_monotonic_increasing


def test_compare_and_similar(mini_con) -> None:
    cmp = views.compare(mini_con, [("commune", "26281"), ("departement", "26")])
    assert list(cmp.table.columns[2:]) == ["Romans-sur-Isère (Commune)", "Drôme (Département)"]
    assert set(cmp.history["territoire"]) == {"Romans-sur-Isère (Commune)", "Drôme (Département)"}
    assert "26281" not in set(cmp.similar["code"])


def _drees_workbook(mini_mirror, year: int) -> dict[str, tuple[float, float]]:
    """(APL, standardised population) of each commune in the mirror's DREES workbook."""
    import openpyxl

    path = mini_mirror / "health" / "drees_apl_medecins_generalistes_2022_2023.xlsx"
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = wb[f"APL {year}"].iter_rows(min_row=11, values_only=True)  # header 9, units 10
    return {str(r[0]): (float(r[2]), float(r[4])) for r in rows if r[0]}


def test_map_data_follows_year_and_level(mini_con, mini_mirror) -> None:
    for year in (2022, 2023):
        wb = _drees_workbook(mini_mirror, year)
        communes = views.map_data(mini_con, "commune", "apl_2023", year, departement="26")
        assert communes.indicator.key == f"apl_{year}"
        got = communes.data.set_index("code")["value"]
        # Each commune carries the workbook's value of that year (2023: Valence 4,00,
        # Romans 2,50; 2022: 4,40 and 3,20).
        assert got["26362"] == pytest.approx(wb["26362"][0], abs=1e-9)
        assert got["26281"] == pytest.approx(wb["26281"][0], abs=1e-9)
        # The Drôme: mean weighted by standardised population, as the DREES prescribes.
        # 2023: (2,50 × 34 000 + 4,00 × 63 500) / 97 500 = 3,4769…
        (a, pa), (b, pb) = wb["26281"], wb["26362"]
        deps = views.map_data(mini_con, "departement", "apl_2023", year).data.set_index("code")
        assert deps.loc["26", "value"] == pytest.approx((a * pa + b * pb) / (pa + pb), abs=1e-6)
    assert views.map_data(mini_con, "departement", "apl_2023", 2015).indicator.key == "apl_2015"
    communes = views.map_data(mini_con, "commune", "part_75_plus", 2023, departement="01")
    assert set(communes.data["code"]) == {"01001", "01004", "01015"}
    with pytest.raises(ValueError):
        views.map_data(mini_con, "canton", "apl_2023", 2023)


def test_territory_map_of_a_commune_is_its_epci_with_the_commune_outlined(mini_con) -> None:
    from analytics.views import territory_map

    md = territory_map(mini_con, "commune", "26281")
    assert sorted(md.data["code"]) == ["26281", "26362"]
    assert md.highlight == "26281"
    assert md.outlines["code"].tolist() == ["200068781"]  # the EPCI's outline
    assert md.indicator.key == "apl_2023"
    assert md.data.set_index("code").loc["26281", "value"] == 2.5
    assert territory_map(mini_con, "france", "FR") is None
    assert territory_map(mini_con, "commune", "99999") is None


def test_map_points_are_communes_with_gps_or_msp(mini_con) -> None:
    from analytics.views import map_points

    pts = map_points(mini_con)
    assert ((pts["medecins_generalistes"] > 0) | (pts["msp"] > 0)).all()
    # L'Abergement-Clémenciat: no GP but a maison de santé in the mini mirror.
    assert pts.set_index("code").loc["01001", ["medecins_generalistes", "msp"]].tolist() == [0, 1]
    assert pts.set_index("code").loc["26362", "medecins_generalistes"] == 80
    assert set(map_points(mini_con, "26")["code"]) <= {"26281", "26362"}


def test_territory_report_pdf_has_one_page_with_the_name_and_figures(mini_con) -> None:
    import io
    import re

    from pypdf import PdfReader

    from analytics.report import render_pdf
    from analytics.views import territory_report

    report = territory_report(mini_con, "epci", "200068781", report_date=dt.date(2026, 11, 29))
    figures = report.key_figures.set_index("indicateur")
    # Percentages are shown ×100; the EPCI's population is Romans + Valence.
    assert figures.loc["Population", "territoire"] == 97000
    assert figures.loc["Population", "departement"] is not None
    share = figures.loc[figures.index.str.startswith("Part de la population"), "territoire"]
    assert 0 <= share.iloc[0] <= 100
    assert list(report.apl_history.columns) == [
        "annee",
        "territoire",
        "departement",
        "region",
        "france",
    ]
    assert report.map_png and report.map_png.startswith(b"\x89PNG")
    pdf = render_pdf(report)
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert len(reader.pages) == 1
    assert "CA Valence Romans Agglo" in text
    assert text.count("Sources :") == 1 and "DREES" in text  # one combined source line
    assert "29 novembre 2026" in text
    assert territory_report(mini_con, "epci", "000000000") is None
    with pytest.raises(ValueError):
        territory_report(mini_con, "region", "84")


def test_priority_map_rank_is_out_of_the_territories_scored() -> None:
    import pandas as pd

    from analytics.views import priority_map_data

    ranked = pd.DataFrame(
        {
            "code": ["26", "07", "38"],
            "nom": ["Drôme", "Ardèche", "Isère"],
            "score": [80.0, 40.0, None],
            "population": [500_000, 300_000, 1_200_000],
            "rang": [1, 2, None],
        }
    )
    data = priority_map_data(ranked)
    assert data["rang"].tolist() == ["1 sur 2", "2 sur 2", "non classé"]
    assert data["value"].tolist()[:2] == [80.0, 40.0]


def test_acces_30_sentence_reads_the_territory_then_france() -> None:
    from analytics.views import acces_30_sentence

    # Guyane and France as the build measures them (hand-written rows, not read back).
    rows = pd.DataFrame(
        {
            "niveau": ["departement", "france"],
            "code": ["973", "FR"],
            "population": [293_996.0, 68_350_798.0],
            "population_au_dela_30_minutes": [38_130.0, 42_444.0],
            "part_au_dela_30_minutes": [38_130 / 293_996, 42_444 / 68_350_798],
            "communes_au_dela_30_minutes": [12, 39],
        }
    )
    text = acces_30_sentence(rows, "la Guyane")
    assert "38\u202f130 habitants de la Guyane (13,0\u202f%, 12 communes)" in text
    assert "France : 42\u202f444 (0,06\u202f%)" in text
    alone = acces_30_sentence(rows[rows["niveau"] == "france"], "France")
    assert "42\u202f444 habitants de France (0,1\u202f%, 39 communes)" in alone
    assert "; France :" not in alone
    assert acces_30_sentence(rows.iloc[0:0], "Paris 1er") is None
