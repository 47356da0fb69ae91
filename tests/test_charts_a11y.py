"""Charts for every reader: contrasted labels, a text alternative, one colour per territory."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import charts


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [("#000000", 21.0), ("#ffffff", 1.0), ("#767676", 4.54)],  # WCAG's own examples
)
def test_contrast_ratio_matches_wcag(colour: str, ratio: float) -> None:
    assert charts.contrast_ratio(colour) == pytest.approx(ratio, abs=0.01)


def _history() -> pd.DataFrame:
    rows = [
        (2015, "Lacaune", 2.41),
        (2023, "Lacaune", 1.87),
        (2015, "France", 4.06),
        (2023, "France", 3.74),
    ]
    return pd.DataFrame(rows, columns=["annee", "territoire", "apl"])


def _text_colours(fig) -> list[str]:
    colours = [fig.layout.template.layout.font.color]
    colours += [a.font.color for a in fig.layout.annotations if a.font and a.font.color]
    return [c for c in colours if c]


def test_chart_labels_meet_wcag_aa_contrast() -> None:
    fig = charts.apl_history(_history(), title="APL", source_line="Source : DREES")
    for colour in _text_colours(fig):
        assert charts.contrast_ratio(colour) >= charts.WCAG_AA_TEXT, colour


def test_text_alternative_gives_the_values_shown() -> None:
    fig = charts.apl_history(_history(), title="APL de Lacaune", source_line="Source : DREES")
    alt = charts.alt_text(fig)
    assert alt.startswith("APL de Lacaune.")
    assert "Lacaune : 2015 2,41" in alt and "2023 1,87" in alt
    assert "France : 2015 4,06" in alt
    assert alt.endswith("Source : DREES.")


def test_a_territory_keeps_its_colour_across_line_and_bar_charts() -> None:
    names = ["Lacaune", "Murat-sur-Vèbre", "France"]
    colours = charts.territory_colours(names)
    assert colours["France"] == charts.FRANCE_STYLE["color"]
    assert len({colours["Lacaune"], colours["Murat-sur-Vèbre"]}) == 2
    # The bars list the territories in another order: the colours follow the names.
    bars = pd.DataFrame(
        {
            "territoire": ["Murat-sur-Vèbre", "Lacaune"],
            "indicateur": ["APL 2023", "APL 2023"],
            "valeur": [1.5, 1.87],
        }
    )
    fig = charts.compare_bars(bars, title="APL", source_line="Source", colours=colours)
    bar_colours = dict(zip(fig.data[0].y, fig.data[0].marker.color, strict=True))
    lines = charts.apl_history(_history(), title="APL", source_line="S", colours=colours)
    line_colour = next(t.line.color for t in lines.data if t.name == "Lacaune")
    assert bar_colours["Lacaune"] == line_colour == colours["Lacaune"]
    assert bar_colours["Murat-sur-Vèbre"] == colours["Murat-sur-Vèbre"]
