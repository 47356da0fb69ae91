"""Views on the mini database: profile, comparison, similar territories, neighbours."""

from __future__ import annotations

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


def test_map_data_follows_year_and_level(mini_con) -> None:
    m23 = views.map_data(mini_con, "departement", "apl_2023", 2023)
    m15 = views.map_data(mini_con, "departement", "apl_2023", 2015)
    assert m15.indicator.key == "apl_2015"
    assert not m23.data["value"].equals(m15.data["value"])
    communes = views.map_data(mini_con, "commune", "part_75_plus", 2023, departement="01")
    assert set(communes.data["code"]) == {"01001", "01004", "01015"}
    with pytest.raises(ValueError):
        views.map_data(mini_con, "canton", "apl_2023", 2023)
