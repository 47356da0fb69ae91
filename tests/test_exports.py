"""Exports, each opened with the library a user's tool would use.

Chart images need Chromium (Debian ``chromium``): those tests are marked ``browser``
(``make test-fast`` leaves them out), share one browser through a module fixture and are
skipped, with the reason, when ``/usr/bin/chromium`` is absent. Everything else (CSV,
XLSX, HTML, maps) runs without a browser.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from analytics import exports
from analytics.classes import classify
from analytics.exports import (
    MISSING_COLOUR,
    dataframe_csv_fr,
    dataframe_xlsx,
    decorate_figure,
    figure_html_snippet,
    figure_png,
    figure_svg,
    map_html,
    map_png,
    ranking_export,
)
from analytics.exports.static_map import _collect_polygons, _territory_name

SOURCE = "Source : DREES, APL 2023 ; traitement Déserts médicaux"
TITLE = "APL aux médecins généralistes, 2023"
DATE = dt.date(2026, 11, 22)


@pytest.fixture
def fig() -> go.Figure:
    return go.Figure(
        go.Bar(x=["Drôme", "Ardèche", "Isère"], y=[2.35, 1234.5, 3.1]),
        layout={"title": {"text": "ancien titre"}},
    )


@pytest.fixture(scope="module")
def renderer():
    if not Path(exports.DEBIAN_CHROMIUM).exists():
        pytest.skip(f"Chromium absent ({exports.DEBIAN_CHROMIUM}): apt-get install chromium")
    exports.start_renderer()
    yield exports.get_renderer()
    exports.stop_renderer()


# --------------------------------------------------------------------------------------
# Provenance text and figure decoration (no browser)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 11, 22), "22 novembre 2026"),
        ("2026-03-01", "1er mars 2026"),
        ("mars 2026", "mars 2026"),
    ],
)
def test_date_text(date: object, expected: str) -> None:
    assert exports.date_text(date) == expected


def test_footer_text_says_source_and_date() -> None:
    assert exports.footer_text(SOURCE, DATE) == f"{SOURCE} · Édité le 22 novembre 2026"
    assert exports.footer_text(SOURCE, "mars 2026") == f"{SOURCE} · mars 2026"


def test_decorate_figure_is_a_copy_with_title_and_footer(fig: go.Figure) -> None:
    before = fig.to_dict()
    out = decorate_figure(fig, title=TITLE, source_line=SOURCE, date=DATE)
    assert fig.to_dict() == before  # the caller's figure is untouched
    assert out.layout.title.text == TITLE
    footer = out.layout.annotations[-1].text
    assert "Source : DREES, APL 2023" in footer and "22 novembre 2026" in footer
    assert out.layout.separators == ",\u202f"  # decimal comma, narrow no-break space
    assert out.layout.margin.b > 60  # room reserved for the footer band


def test_decorate_figure_escapes_markup_and_wraps(fig: go.Figure) -> None:
    long_source = "Source : INSEE <recensement> & DREES " * 8
    out = decorate_figure(fig, title="A < B", source_line=long_source, width=500)
    assert out.layout.title.text == "A &lt; B"
    long_title = "Accessibilité potentielle localisée aux médecins généralistes " * 2
    wrapped = decorate_figure(fig, title=long_title, source_line=None, width=500)
    assert wrapped.layout.title.text.count("<br>") >= 1
    assert wrapped.layout.margin.t > out.layout.margin.t
    text = out.layout.annotations[-1].text
    assert "&lt;recensement&gt; &amp; DREES" in text
    assert text.count("<br>") >= 2


def test_decorate_figure_keeps_caller_separators(fig: go.Figure) -> None:
    fig.update_layout(separators=". ")
    assert decorate_figure(fig, title=TITLE, source_line=SOURCE).layout.separators == ". "


def test_configure_browser_path_keeps_user_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/opt/my-chrome")
    assert exports.configure_browser_path() == "/opt/my-chrome"
    monkeypatch.delenv("BROWSER_PATH")
    expected = exports.DEBIAN_CHROMIUM if Path(exports.DEBIAN_CHROMIUM).exists() else None
    assert exports.configure_browser_path() == expected


def test_missing_browser_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    renderer = exports.ChartRenderer(start_timeout=30)
    with pytest.raises(exports.ExportError, match="BROWSER_PATH"):
        renderer.render(go.Figure(), fmt="png", width=100, height=100, scale=1)
    assert not renderer.is_running()


# --------------------------------------------------------------------------------------
# PNG and SVG through Chromium
# --------------------------------------------------------------------------------------


@pytest.mark.browser
def test_png_has_the_requested_size(renderer, fig: go.Figure) -> None:
    png = figure_png(fig, title=TITLE, source_line=SOURCE, date=DATE, width=500, height=300)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        assert img.size == (500 * 2, 300 * 2)


@pytest.mark.browser
def test_png_source_line_is_drawn_in_the_bottom_band(renderer, fig: go.Figure) -> None:
    kwargs = {"title": TITLE, "date": DATE, "width": 500, "height": 300, "scale": 1}
    a = figure_png(fig, source_line="Source : DREES, APL 2023", **kwargs)
    b = figure_png(fig, source_line="Source : INSEE, RP 2021", **kwargs)
    with Image.open(io.BytesIO(a)) as ia, Image.open(io.BytesIO(b)) as ib:
        diff = ImageChops.difference(ia.convert("RGB"), ib.convert("RGB")).getbbox()
    assert diff is not None, "the source line does not change the image"
    assert diff[1] > 300 - 40, f"differences outside the footer band: {diff}"


@pytest.mark.browser
def test_png_without_footer_differs(renderer, fig: go.Figure) -> None:
    plain = renderer.render(
        decorate_figure(fig, title=TITLE, source_line=None),
        fmt="png",
        width=500,
        height=300,
        scale=1,
    )
    sourced = figure_png(fig, title=TITLE, source_line=SOURCE, width=500, height=300, scale=1)
    assert plain != sourced


@pytest.mark.browser
def test_svg_carries_title_source_and_date_as_text(renderer, fig: go.Figure) -> None:
    svg = figure_svg(fig, title=TITLE, source_line=SOURCE, date=DATE, width=700, height=400)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    texts = [" ".join(el.itertext()) for el in root.iter() if el.tag.endswith("text")]
    joined = re.sub(r"\s+", " ", " ".join(texts))
    assert TITLE in joined
    assert SOURCE in joined
    assert "22 novembre 2026" in joined


@pytest.mark.browser
def test_renderer_restarts_a_browser_that_died(renderer, fig: go.Figure) -> None:
    process = renderer._kaleido.subprocess  # the Chromium this renderer started
    process.kill()
    process.wait(10)
    assert not renderer.is_running()
    png = figure_png(fig, title=TITLE, source_line=SOURCE, width=300, height=200, scale=1)
    assert png.startswith(b"\x89PNG")
    assert renderer.is_running()


# --------------------------------------------------------------------------------------
# HTML snippet
# --------------------------------------------------------------------------------------


def test_html_embed_is_small_standalone_and_cites_its_source_once(fig: go.Figure) -> None:
    fig.add_annotation(text=SOURCE, name="source", showarrow=False)  # as charts.py does
    page = figure_html_snippet(fig, title=TITLE, source_line=SOURCE, date=DATE)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in page and '<meta charset="utf-8">' in page
    caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", page, re.S)
    assert caption and "Source : DREES, APL 2023 ; traitement Déserts médicaux" in caption.group(1)
    assert "22 novembre 2026" in caption.group(1)
    assert page.count("Source : DREES, APL 2023") == 1  # the chart's annotation removed
    assert "Plotly.newPlot" in page
    assert re.search(r'<script[^>]+src="https://cdn\.plot\.ly/plotly-[0-9.]+\.min\.js"', page)
    assert len(page.encode("utf-8")) < 50_000  # plotly.js (4,5 MB) is not inlined


def test_html_embed_reads_right_when_opened_alone(fig: go.Figure) -> None:
    page = figure_html_snippet(fig, title="Médecins généralistes", source_line=SOURCE)
    data = page.encode("utf-8")
    # A browser reads the declared charset: the accents decode as written.
    declared = re.search(rb'<meta charset="([^"]+)"', data).group(1).decode()
    assert "Médecins généralistes" in data.decode(declared)


# --------------------------------------------------------------------------------------
# CSV for French Excel
# --------------------------------------------------------------------------------------


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["01001", "2A004", "97411", "26198"],
            "nom": ["L'Abergement-Clémenciat", "Ajaccio", "Saint-Denis", "Valence; centre"],
            "apl": [2.345, 3.5, np.nan, 1234.5],
            "population": [832, 71361, 153001, 64726],
        }
    )


def test_csv_starts_with_bom_and_uses_french_conventions(table: pd.DataFrame) -> None:
    data = dataframe_csv_fr(table)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert (
        text.splitlines()[0] == "Code;Nom;APL (consultations/an/hab. std.);Population (habitants)"
    )
    # APL to its 2 displayed decimals, half up (2,345 → 2,35, as on screen)
    assert "01001;L'Abergement-Clémenciat;2,35;832" in text
    assert '"Valence; centre"' in text  # a separator inside a value is quoted


def test_csv_reads_back_with_codes_as_text_and_display_rounding(table: pd.DataFrame) -> None:
    back = pd.read_csv(
        io.BytesIO(dataframe_csv_fr(table)),
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype={"Code": str},
    )
    assert back["Code"].tolist() == ["01001", "2A004", "97411", "26198"]
    assert back["APL (consultations/an/hab. std.)"].tolist()[:2] == [2.35, 3.5]
    assert back["APL (consultations/an/hab. std.)"].isna().tolist() == [False, False, True, False]
    assert back["Population (habitants)"].tolist() == [832, 71361, 153001, 64726]


@pytest.mark.parametrize(
    ("column", "value", "label", "cell"),
    [
        # French label and the precision shown on screen (one decimal), never raw floats
        ("etp_manquants", 88.4342575885, "Médecins à temps plein manquants", "88,4"),
        # a whole number stored as a float is written as an integer, not « 2464,0 »
        ("population", 2464.0, "Population (habitants)", "2464"),
        # a share is exported in percent with its displayed decimal
        ("part_pop_apl_sous_2_5_2023", 0.12345, None, "12,3"),
        # minutes to the minute, as displayed
        ("minutes_urgences", 75.4, None, "75"),
    ],
)
def test_csv_french_labels_and_displayed_precision(column, value, label, cell) -> None:
    from analytics.indicators import INDICATORS_BY_KEY

    text = dataframe_csv_fr(pd.DataFrame({"code": ["81124"], column: [value]})).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    expected = label or INDICATORS_BY_KEY[column].label
    assert header.split(";")[1].startswith(expected)
    assert column not in header
    assert row == f"81124;{cell}"


# --------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------


@pytest.fixture
def sources() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "producer": ["DREES"],
            "title": ["Accessibilité potentielle localisée (APL)"],
            "licence": ["Licence Ouverte 2.0"],
            "vintage": ["2023"],
            "url": ["https://data.drees.solidarites-sante.gouv.fr/"],
        }
    )


def test_xlsx_has_data_and_sources_sheets(table: pd.DataFrame, sources: pd.DataFrame) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(dataframe_xlsx(table, sources)))
    assert wb.sheetnames == ["Données", "Sources"]
    data = wb["Données"]
    assert [c.value for c in data[1]] == [
        "Code",
        "Nom",
        "APL (consultations/an/hab. std.)",
        "Population (habitants)",
    ]
    codes = [row[0].value for row in data.iter_rows(min_row=2)]
    assert codes == ["01001", "2A004", "97411", "26198"]
    assert all(isinstance(c, str) for c in codes)
    assert data["A2"].number_format == "@"
    assert data["C2"].value == 2.35  # the displayed precision
    assert data["C4"].value is None  # NaN → empty cell
    assert data["D3"].value == 71361 and isinstance(data["D3"].value, int)
    assert data.freeze_panes == "A2"
    assert 8 <= data.column_dimensions["B"].width <= 60
    assert data.column_dimensions["B"].width > data.column_dimensions["A"].width

    src = wb["Sources"]
    header = [c.value for c in src[1]]
    assert header == ["Producteur", "Jeu de données", "Licence", "Millésime", "Adresse"]
    assert [c.value for c in src[2]][0] == "DREES"
    assert src["E2"].hyperlink.target.startswith("https://")


def test_xlsx_never_writes_a_formula(sources: pd.DataFrame) -> None:
    df = pd.DataFrame({"nom": ['=HYPERLINK("http://x")'], "code": ["01001"]})
    wb = openpyxl.load_workbook(io.BytesIO(dataframe_xlsx(df, sources, sheet_name="A/B")))
    assert wb.sheetnames[0] == "A B"
    cell = wb["A B"]["A2"]
    assert cell.value == '=HYPERLINK("http://x")'  # kept as written, typed as text
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_sources_sheet_accepts_french_names_and_keeps_extras() -> None:
    frame = exports.sources_sheet_frame(
        pd.DataFrame({"producteur": ["INSEE"], "millesime": ["2021"], "note": ["RP"]})
    )
    assert list(frame.columns)[:5] == [
        "Producteur",
        "Jeu de données",
        "Licence",
        "Millésime",
        "Adresse",
    ]
    assert frame.loc[0, "Producteur"] == "INSEE" and frame.loc[0, "note"] == "RP"
    assert frame.loc[0, "Licence"] is None


# --------------------------------------------------------------------------------------
# Maps (Pillow, no browser)
# --------------------------------------------------------------------------------------


def _classes(values: pd.Series):
    """Classes at 1,5 / 2,5 / 4 (user-defined bounds), counted on ``values``."""
    return classify(values, "float", method="seuils", bounds=(1.5, 2.5, 4.0), decimals=1)


def _square(x: float, y: float, size: float = 0.1) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def _feature(code: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


@pytest.fixture
def toy_map() -> dict:
    """Six communes of the Drôme area: squares, a MultiPolygon, one with a hole and its
    enclave, in the lon/lat order of GeoJSON."""
    return {
        "type": "FeatureCollection",
        "features": [
            _feature("26001", {"type": "Polygon", "coordinates": [_square(5.0, 44.5)]}),
            _feature("26002", {"type": "Polygon", "coordinates": [_square(5.1, 44.5)]}),
            _feature(
                "26003",
                {
                    "type": "MultiPolygon",
                    "coordinates": [[_square(5.0, 44.6)], [_square(5.25, 44.75, 0.05)]],
                },
            ),
            _feature(
                "26004",
                {
                    "type": "Polygon",
                    "coordinates": [_square(5.1, 44.6), _square(5.13, 44.63, 0.04)[::-1]],
                },
            ),
            _feature("26005", {"type": "Polygon", "coordinates": [_square(5.13, 44.63, 0.04)]}),
            _feature("26006", {"type": "Polygon", "coordinates": [_square(5.2, 44.5)]}),
        ],
    }


def _colours(png: bytes, min_pixels: int = 2000) -> set[tuple[int, int, int]]:
    """Colours covering at least ``min_pixels``: map fills, not legend swatches or text."""
    with Image.open(io.BytesIO(png)) as img:
        counts = img.convert("RGB").getcolors(maxcolors=1 << 24)
    return {c for n, c in counts if n >= min_pixels}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def test_map_png_size_and_colours(toy_map: dict) -> None:
    values = pd.Series(
        {"26001": 1.0, "26002": 2.0, "26003": 3.0, "26004": 5.0, "26005": 1.2, "26006": None}
    )  # 26006 has no value
    classes = _classes(values)
    png = map_png(
        toy_map,
        values,
        classes=classes,
        title="APL par commune",
        source_line=SOURCE,
        date=DATE,
        legend_title="Consultations par an et par habitant",
    )
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        assert img.width == 1200
        assert 300 < img.height < 2000
    colours = _colours(png)
    for colour in classes.colours:
        assert _rgb(colour) in colours
    assert _rgb(MISSING_COLOUR) in colours
    assert len(_colours(png, min_pixels=1)) > 20  # text and edges: not a blank canvas


def test_map_png_narrow_layout_and_outlines(toy_map: dict) -> None:
    values = pd.Series([1.0, 2.0, 3.0, 5.0, 1.2, 2.2], index=[f"2600{i}" for i in range(1, 7)])
    outline = {
        "type": "FeatureCollection",
        "features": [
            _feature("26", {"type": "Polygon", "coordinates": [_square(5.0, 44.5, 0.3)]}),
            _feature("x", {"type": "LineString", "coordinates": [[5.0, 44.5], [5.3, 44.8]]}),
        ],
    }
    png = map_png(
        toy_map,
        values,
        classes=_classes(values),
        title="APL",
        source_line=SOURCE,
        outlines=outline,
        width_px=500,
    )
    with Image.open(io.BytesIO(png)) as img:
        assert img.width == 500
    assert (60, 60, 60) in _colours(png, min_pixels=50)  # the outline colour
    assert _rgb(MISSING_COLOUR) not in _colours(png)  # no missing value, no grey area


def test_map_png_codes_are_matched_as_text(toy_map: dict) -> None:
    # Codes are compared as strings on both sides (a number in the GeoJSON or the index).
    values = pd.Series([1.0] * 6, index=range(26001, 26007))
    classes = _classes(values)
    toy_map["features"][0]["properties"]["code"] = 26001
    png = map_png(toy_map, values, classes=classes, title="APL", source_line=SOURCE)
    assert _rgb(classes.colours[0]) in _colours(png)
    assert _rgb(MISSING_COLOUR) not in _colours(png)
    # A code that lost its leading zero upstream matches nothing: drawn as missing.
    toy_map["features"][0]["properties"]["code"] = "01001"
    png = map_png(
        toy_map, pd.Series({"1001": 1.0}), classes=classes, title="APL", source_line=SOURCE
    )
    assert _rgb(classes.colours[0]) not in _colours(png)


def test_map_png_handles_altitudes_and_empty_geometries(toy_map: dict) -> None:
    toy_map["features"][0]["geometry"]["coordinates"][0] = [
        [*p, 120.0] for p in toy_map["features"][0]["geometry"]["coordinates"][0]
    ]
    toy_map["features"].append(_feature("26999", None))
    values = pd.Series({"26001": 1.0})
    classes = _classes(values)
    png = map_png(toy_map, values, classes=classes, title="APL", source_line=SOURCE)
    assert _rgb(classes.colours[0]) in _colours(png)


def test_map_png_rejects_empty_input() -> None:
    with pytest.raises(ValueError):
        map_png(
            {"type": "FeatureCollection", "features": []},
            pd.Series(dtype=float),
            classes=_classes(pd.Series([1.0])),
            title="APL",
            source_line=SOURCE,
        )


def test_map_png_puts_overseas_territories_in_insets(toy_map: dict) -> None:
    reunion = _feature("97411", {"type": "Polygon", "coordinates": [_square(55.4, -21.0)]})
    spm = _feature("97502", {"type": "Polygon", "coordinates": [_square(-56.2, 46.8)]})
    toy_map["features"] += [reunion, spm]
    polys = _collect_polygons(toy_map)
    names = [_territory_name(t) for t in polys.feature_territory()]
    assert names[0] == "France métropolitaine"
    assert names[-2:] == ["La Réunion", "Saint-Pierre-et-Miquelon"]
    values = pd.Series({"26001": 1.0, "97411": 5.0})
    classes = _classes(values)
    png = map_png(toy_map, values, classes=classes, title="APL", source_line=SOURCE)
    assert _rgb(classes.colours[3]) in _colours(png)  # La Réunion drawn in its inset


def test_map_png_legend_counts_are_the_screen_counts(toy_map: dict) -> None:
    """A collectivity without data is not drawn (named in the footer), but it counts in
    « Donnée manquante » as on screen: the legend shows the classes' own counts."""
    spm = _feature("97502", {"type": "Polygon", "coordinates": [_square(-56.2, 46.8)]})
    toy_map["features"].append(spm)
    values = pd.Series(
        [1.0, 2.0, 3.0, 5.0, 1.2, 2.2, None], index=[*map(str, range(26001, 26007)), "97502"]
    )
    classes = _classes(values)
    assert classes.missing_count == 1  # the count the screen legend shows
    png = map_png(toy_map, values, classes=classes, title="APL", source_line=SOURCE)
    # No grey area on the map (Saint-Pierre-et-Miquelon is left out)…
    assert _rgb(MISSING_COLOUR) not in _colours(png, min_pixels=2000)
    # …but the legend has its « Donnée manquante » swatch (28 × 18 px).
    assert _rgb(MISSING_COLOUR) in _colours(png, min_pixels=200)


@pytest.mark.browser
def test_chart_source_annotation_is_replaced_by_the_footer(renderer) -> None:
    """A chart from analytics.charts carries its source; the export writes it once."""
    import pandas as pd

    from analytics import charts

    history = pd.DataFrame(
        {
            "annee": [2022, 2023, 2022, 2023],
            "territoire": ["A", "A", "B", "B"],
            "apl": [2.1, 2.0, 3.5, 3.6],
        }
    )
    source = "Source : DREES, APL 2022–2023 ; traitement Déserts médicaux"
    fig = charts.apl_history(history, title="APL", source_line=source)
    svg = figure_svg(fig, title="APL", source_line=source, date=DATE, width=700, height=400)
    texts = [" ".join(el.itertext()) for el in ET.fromstring(svg).iter() if el.tag.endswith("text")]
    joined = re.sub(r"\s+", " ", " ".join(texts))
    assert joined.count("Source : DREES") == 1
    assert "22 novembre 2026" in joined
    # The caller's figure keeps its annotation (the page shows it under the chart).
    assert any(a.name == "source" for a in fig.layout.annotations)


def test_csv_neutralises_formulas_and_float_noise() -> None:
    df = pd.DataFrame(
        {
            "nom": ['=HYPERLINK("x")', "Saint-Denis", "-2+3", "@SUM(A1)"],
            "v": [0.1 + 0.2, 1.0, -1.0989999999999998, None],
        }
    )
    text = dataframe_csv_fr(df).decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Nom;v"
    # Formulas start with an apostrophe; float noise is gone (an unknown column keeps
    # 2 decimals): 0.1 + 0.2 is 0,3, never 0,30000000000000004.
    assert lines[1:5] == [
        '"\'=HYPERLINK(""x"")";0,3',
        "Saint-Denis;1,0",
        "'-2+3;-1,1",
        "'@SUM(A1);",
    ]
    assert "0000000" not in text


# --------------------------------------------------------------------------------------
# Ranking exports, per-export sources, map embed
# --------------------------------------------------------------------------------------


def _ranked() -> pd.DataFrame:
    from analytics.score import score

    components = pd.DataFrame(
        {"norm_ecart_apl": [0.5, 0.1], "norm_personnes_concernees": [1.0, np.nan]}
    )
    territories = pd.DataFrame(
        {
            "code": ["200068781", "248100430"],
            "nom": ["CC A", "CC B"],
            "departement": ["81", "81"],
            "population": [2464.0, 1200.0],
            "apl_2023": [2.3456, 3.0],
            "etp_manquants": [1.4342575885, None],
            "recommandation": ["Médicobus", None],
            "raison": ["=cause", None],
        }
    )
    weights = {"ecart_apl": 30.0, "personnes_concernees": 10.0}
    return pd.concat([territories, score(components, weights, min_weight_share=0.1)], axis=1)


def test_ranking_export_carries_weights_points_and_build_date(sources: pd.DataFrame) -> None:
    weights = {"ecart_apl": 30.0, "personnes_concernees": 10.0}
    export = ranking_export(_ranked(), weights, built_at="2026-12-02T07:29:41+00:00")
    table = export.table
    # Points by hand: 100 × 30/40 × 0.5 = 37.5 and 100 × 10/40 × 1.0 = 25; score 62.5.
    apl_points = "Points : Écart à l'APL cible (poids 75 %)"
    people_points = "Points : Habitants en zone sous-dense (poids 25 %)"
    assert table.loc[0, apl_points] == 37.5
    assert table.loc[0, people_points] == 25.0
    assert table.loc[0, "Score de besoin (0 à 100)"] == 62.5
    # CC B lacks a component: its points renormalise over the other, 100 × 0.1 = 10.
    assert table.loc[1, apl_points] == 10.0 and pd.isna(table.loc[1, people_points])
    assert table["Base de données construite le"].tolist() == ["2026-12-02"] * 2
    params = dict(zip(export.parameters["Paramètre"], export.parameters["Valeur"], strict=True))
    assert params["Pondération"] == "Personnalisée"
    assert params["Poids : Écart à l'APL cible"] == "30,0 (75,0 %)"
    assert params["Poids : Distance au généraliste le plus proche"].startswith("0,0")
    assert params["Base de données construite le"] == "2026-12-02"

    wb = openpyxl.load_workbook(
        io.BytesIO(dataframe_xlsx(table, sources, "Classement", parameters=export.parameters))
    )
    assert wb.sheetnames == ["Classement", "Paramètres", "Sources"]
    header = [c.value for c in wb["Classement"][1]]
    assert header[:8] == [
        "Rang",
        "Code",
        "Nom",
        "Département (code)",
        "Population (habitants)",
        "Score de besoin (0 à 100)",
        apl_points,
        people_points,
    ]
    row = {h: c.value for h, c in zip(header, wb["Classement"][2], strict=True)}
    assert row["Code"] == "200068781" and row["Médecins à temps plein manquants"] == 1.4
    assert row["APL aux médecins généralistes 2023 (consultations/an/hab. std.)"] == 2.35
    assert row[apl_points] == 37.5
    csv = dataframe_csv_fr(table).decode("utf-8-sig")
    assert "(poids 75 %)" in csv.splitlines()[0] and "'=cause" in csv


def test_sources_sheet_lists_the_export_sources_only() -> None:
    from analytics.exports import export_sources, source_keys
    from analytics.indicators import get_indicator
    from analytics.sources import SOURCES

    catalogue = pd.DataFrame(
        {"key": [s.key for s in SOURCES], "producteur": [s.producer for s in SOURCES]}
    )
    table = pd.DataFrame({"code": ["81124"], "apl_2023": [2.1], "population": [2464]})
    keys = source_keys(table)
    expected = list(
        dict.fromkeys([*get_indicator("apl_2023").sources, *get_indicator("population").sources])
    )
    assert keys == expected
    sheet = export_sources(catalogue, keys)
    assert len(sheet) == len(expected) < len(SOURCES)
    # A ranking's points bring the sources of their components' indicators.
    assert set(get_indicator("apl_2023").sources) <= set(source_keys(_ranked()))


def test_map_embed_is_a_standalone_french_page() -> None:
    from analytics.classes import classify
    from analytics.maps import build_choropleth

    features = pd.DataFrame(
        {
            "code": ["26001"],
            "geometry_json": [
                '{"type":"Polygon","coordinates":[[[5,44],[5.1,44],[5.1,44.1],[5,44]]]}'
            ],
        }
    )
    data = pd.DataFrame({"code": ["26001"], "nom": ["Valence"], "value": [2.1], "population": [1]})
    deck = build_choropleth(
        features, data, classes=classify(data["value"], "apl"), indicator_label="APL 2023"
    )
    page = map_html(deck, title="APL par commune", source_line=SOURCE, date=DATE)
    assert '<html lang="fr">' in page and '<meta charset="utf-8">' in page
    assert "<title>APL par commune</title>" in page
    assert page.count("22 novembre 2026") == 1 and "Valence" in page


@pytest.mark.mirror
def test_national_missing_data_count_is_one_figure(national_db) -> None:
    """« Donnée manquante » on the départements map: the legend on screen, in the PNG and
    in the PDF all show ``classes.missing_count`` — the 9 départements and collectivities
    without an APL 2023 (Mayotte and the 8 COM of the COG list), counted here in SQL."""
    import duckdb

    from analytics import maps, views

    con = duckdb.connect(str(national_db), read_only=True)
    try:
        (expected,) = con.execute(
            "SELECT count(*) FROM indicateurs WHERE niveau = 'departement' AND apl_2023 IS NULL"
        ).fetchone()
        md = views.map_data(con, "departement", "apl_2023", 2023)
    finally:
        con.close()
    assert expected == 9
    classes = maps.classify(md.data["value"], md.indicator.kind)
    assert classes.missing_count == expected
    assert maps.legend_items(classes)[-1] == {
        "label": "Donnée manquante",
        "colour": MISSING_COLOUR,
        "count": expected,
    }
    png = maps.static_png(
        md.features, md.data, classes=classes, title=md.title, source_line=SOURCE, date=DATE
    )
    # Drawn: only Mayotte is grey (the 8 collectivities are named in the footer instead).
    assert _rgb(MISSING_COLOUR) in _colours(png, min_pixels=50)
