"""Plotly figures: French format, threshold, source line, one trace per territory."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import charts

NNBSP = "\u202f"
SOURCE = "Source : DREES, APL 2015–2023 ; traitement Déserts médicaux"
YEARS = (2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023)
TERRITORIES = (
    "Romans-sur-Isère (commune)",
    "Drôme (département)",
    "Auvergne-Rhône-Alpes (région)",
    "France",
)


def history() -> pd.DataFrame:
    rows = [
        (y, t, 2.4 + 0.3 * i - 0.02 * (y - 2015)) for i, t in enumerate(TERRITORIES) for y in YEARS
    ]
    return pd.DataFrame(rows, columns=["annee", "territoire", "apl"])


CLASSES = pd.DataFrame(
    {
        "classe": ["Sous-dense (APL < 2,5)", "Intermédiaire (2,5 à 4)", "Mieux doté (APL ≥ 4)"],
        "population": [123456, 234567, 98765],
    }
)
COMPARE = pd.DataFrame(
    {
        "territoire": ["Drôme (département)", "Ardèche (département)", "Valence Romans Agglo"],
        "indicateur": "Part de la population en commune sous-dense (APL < 2,5)",
        "cle": "part_pop_apl_sous_2_5_2023",
        "valeur": [0.123, 0.256, None],
    }
)
RANKING = pd.DataFrame(
    {"nom": ["Valence", "Die", "Nyons", "Crest"], "valeur": [3.1, 1.95, 4.2, 2.5]}
)
SCORE = pd.DataFrame(
    {
        "composante": ["Écart à l'APL cible", "Habitants en zone sous-dense", "Part des 75 ans"],
        "contribution": [22.5, 15.25, 8.0],
    }
)

BUILDERS: dict[str, Callable[[], go.Figure]] = {
    "apl_history": lambda: charts.apl_history(history(), title="APL", source_line=SOURCE),
    "population_by_apl_class": lambda: charts.population_by_apl_class(
        CLASSES, title="Population par classe", source_line=SOURCE
    ),
    "compare_bars": lambda: charts.compare_bars(COMPARE, title="Comparer", source_line=SOURCE),
    "ranking_bars": lambda: charts.ranking_bars(RANKING, title="Classement", source_line=SOURCE),
    "score_decomposition": lambda: charts.score_decomposition(
        SCORE, title="Score", source_line=SOURCE
    ),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_figure_is_french_titled_and_sourced(name: str) -> None:
    fig = BUILDERS[name]()
    assert fig.layout.separators == "," + NNBSP  # decimal comma, narrow nbsp thousands
    assert fig.layout.title.text
    assert charts.source_text(fig) == SOURCE
    source = next(a for a in fig.layout.annotations if a.name == "source")
    assert (source.xref, source.yref) == ("paper", "paper") and source.y <= 0
    assert fig.layout.template.layout.colorway == charts.COLOURS
    fig.to_json()  # serialisable


def test_history_one_trace_per_territory_and_threshold() -> None:
    fig = charts.apl_history(history(), title="APL", source_line=SOURCE)
    assert [t.name for t in fig.data] == list(TERRITORIES)
    threshold = [s for s in fig.layout.shapes if s.type == "line" and s.y0 == 2.5 == s.y1]
    assert len(threshold) == 1
    texts = [a.text for a in fig.layout.annotations]
    assert "Seuil de sous-densité (2,5)" in texts
    assert fig.layout.xaxis.title.text == "Millésime"
    assert fig.layout.yaxis.title.text.startswith("APL")


def test_history_breaks_the_lines_at_2020() -> None:
    fig = charts.apl_history(history(), title="APL", source_line=SOURCE)
    for trace in fig.data:
        x, y = list(trace.x), list(trace.y)
        assert y[x.index(2020)] is None
        assert trace.connectgaps is False
    assert any("millésime<br>2020" in (a.text or "") for a in fig.layout.annotations)
    assert 2020 not in fig.layout.xaxis.tickvals
    # hover in French: 2 decimals with a comma
    assert fig.data[0].customdata[0] == "2,40"


def test_history_without_gap_has_no_gap_note() -> None:
    df = history()
    fig = charts.apl_history(df[df["annee"] >= 2021], title="APL", source_line=SOURCE)
    assert not any("millésime" in (a.text or "") for a in fig.layout.annotations)
    assert len(fig.data[0].x) == 3


def test_population_by_class_shows_shares_in_french() -> None:
    fig = charts.population_by_apl_class(CLASSES, title="Population", source_line=SOURCE)
    (bar,) = fig.data
    assert bar.text[0] == f"123{NNBSP}456 hab. (27,0{NNBSP}%)"
    assert bar.marker.color[0] == "#d73027" and bar.marker.color[2] == "#4575b4"


def test_compare_bars_percent_and_missing() -> None:
    fig = charts.compare_bars(COMPARE, title="Comparer", source_line=SOURCE)
    (bar,) = fig.data
    assert list(bar.y) == COMPARE["territoire"].tolist()
    assert bar.text == (f"12,3{NNBSP}%", f"25,6{NNBSP}%", "n.d.")
    assert bar.x[0] == pytest.approx(12.3)
    assert fig.layout.xaxis.ticksuffix == f"{NNBSP}%"


def test_compare_bars_facets_per_indicator() -> None:
    df = pd.DataFrame(
        {
            "territoire": ["Drôme", "Ardèche"] * 2,
            "indicateur": ["APL 2023"] * 2 + ["Population"] * 2,
            "valeur": [2.71, 3.2, 516000, 328000],
        }
    )
    fig = charts.compare_bars(df, title="Comparer", source_line=SOURCE)
    assert len(fig.data) == 2
    assert fig.data[1].text == (f"516{NNBSP}000", f"328{NNBSP}000")
    assert fig.data[0].marker.color == fig.data[1].marker.color  # same colour per territory


def test_ranking_bars_worst_first_with_apl_colours() -> None:
    fig = charts.ranking_bars(RANKING, title="Classement", source_line=SOURCE)
    (bar,) = fig.data
    assert list(bar.y) == ["Die", "Crest", "Valence", "Nyons"]
    assert bar.text == ("1,95", "2,50", "3,10", "4,20")
    assert bar.marker.color[0] == "rgb(215,48,39)"  # sous-dense red
    assert bar.marker.color[1] == "rgb(254,224,144)"  # 2.5 is intermédiaire
    assert any(s.x0 == 2.5 for s in fig.layout.shapes)


def test_score_decomposition_adds_up() -> None:
    fig = charts.score_decomposition(SCORE, title="Score", source_line=SOURCE)
    (wf,) = fig.data
    assert list(wf.measure) == ["relative", "relative", "relative", "total"]
    assert wf.x[-1] == pytest.approx(45.75)
    assert wf.text == ("22,5", "15,3", "8,0", "45,8")  # half up, as in the tables
    assert wf.y[-1] == "Score de besoin"
