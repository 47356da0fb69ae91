"""Choropleth classes, palettes, view fitting and the pydeck deck."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pydeck as pdk
import pytest

from analytics.classes import (
    APL_COLOURS,
    MISSING_COLOUR,
    YLGNBU,
    YLORRD,
    classify,
    jenks_breaks,
    legend_items,
)
from analytics.formatting import format_value, format_values
from analytics.geometry import prepare_features
from analytics.maps import build_choropleth as build
from analytics.maps import features_bbox, payload_size, view_for_bbox

NNBSP = "\u202f"


# --- Classes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("apl", "expected"),
    [
        (0.0, "sous-dense"),
        (2.49, "sous-dense"),
        (2.4999, "sous-dense"),
        (2.5, "intermédiaire"),
        (3.99, "intermédiaire"),
        (4.0, "mieux doté"),
        (7.3, "mieux doté"),
        (float("nan"), None),
        (None, None),
        (float("inf"), None),
    ],
)
def test_apl_class_boundaries(apl: float | None, expected: str | None) -> None:
    classes = classify(pd.Series([1.0, 3.0, 5.0]), "apl")
    (idx,) = classes.assign([apl])
    assert (classes.names[idx] if idx >= 0 else None) == expected


def test_apl_classes_labels_colours_counts() -> None:
    classes = classify(pd.Series([2.49, 2.5, 4.0, np.nan, 1.0, 5.0]), "apl")
    assert classes.bounds == (-math.inf, 2.5, 4.0, math.inf)
    assert classes.labels == (
        "Sous-dense : moins de 2,5",
        "Intermédiaire : de 2,5 à moins de 4",
        "Mieux doté : 4 ou plus",
    )
    assert classes.colours == APL_COLOURS
    assert classes.counts == (2, 1, 2) and classes.missing_count == 1


def test_quantile_classes_on_a_known_series() -> None:
    classes = classify(pd.Series(range(1, 101)), "float", decimals=1, higher_is_worse=True)
    assert classes.method == "quantile"
    assert classes.breaks == (20.8, 40.6, 60.4, 80.2)
    assert classes.counts == (20, 20, 20, 20, 20)
    assert classes.labels[0] == "moins de 20,8"
    assert classes.labels[2] == "de 40,6 à moins de 60,4"
    assert classes.labels[-1] == "80,2 ou plus"


def test_quantile_ties_give_fewer_distinct_classes() -> None:
    values = pd.Series([0.0] * 80 + [1.0, 2.0, 3.0, 4.0] * 5)
    classes = classify(values, "int")
    assert len(set(classes.breaks)) == len(classes.breaks)
    assert classes.breaks == (1.0, 2.0, 3.0)
    assert classes.counts == (80, 5, 5, 10)


def test_percent_breaks_are_rounded_to_the_shown_precision() -> None:
    rng = np.random.default_rng(0)
    classes = classify(rng.random(500) * 0.3, "percent", decimals=1)
    for b in classes.breaks:
        assert round(b, 3) == b
    assert classes.labels[0].endswith(f"{NNBSP}%")


def test_jenks_finds_obvious_clusters() -> None:
    toy = [1.0, 1.1, 1.2, 5.0, 5.1, 5.2, 10.0, 10.1, 10.2]
    assert jenks_breaks(toy, 3) == [5.0, 10.0]
    classes = classify(toy, "float", method="jenks", k=3)
    assert classes.method == "jenks"
    assert classes.counts == (3, 3, 3)
    assert classes.assign([1.2, 5.0, 10.2]).tolist() == [0, 1, 2]


def test_user_defined_bounds_include_their_lower_bound() -> None:
    # mapclassify's own intervals include the upper bound (2.5 would be class 0); the
    # DREES convention, « APL inférieure à 2,5 », puts 2.5 in the upper class.
    classes = classify([1.0, 2.5, 3.0, 4.0, None], "float", method="seuils", bounds=(2.5, 4))
    assert classes.assign([2.4999, 2.5, 3.999, 4.0]).tolist() == [0, 1, 1, 2]
    assert classes.counts == (1, 2, 1) and classes.missing_count == 1
    assert classes.labels == ("moins de 2,5", "de 2,5 à moins de 4,0", "4,0 ou plus")
    with pytest.raises(ValueError, match="croissants"):
        classify([1.0], "float", method="seuils", bounds=(4, 2.5))


def test_jenks_matches_fisher_by_hand() -> None:
    # Fisher's optimum for 2 classes of [1, 2, 3, 10, 11, 12, 30], by hand: cutting
    # before 30 gives a within-class sum of squares of 125.5 + 0; before 10, 2 + 272.75;
    # so the break is 30. With 3 classes: {1, 2, 3} {10, 11, 12} {30}.
    values = [1, 2, 3, 10, 11, 12, 30]
    assert jenks_breaks(values, 2) == [30.0]
    assert jenks_breaks(values, 3) == [10.0, 30.0]


def test_jenks_on_a_large_sample_is_fast_and_ordered() -> None:
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(1, 0.1, 20000), rng.normal(4, 0.1, 20000)])
    (brk,) = jenks_breaks(values, 2)
    # the break is the smallest value of the upper cluster
    assert brk == pytest.approx(values[values > 2].min(), abs=0.05)


def test_all_missing_gives_no_class() -> None:
    classes = classify([np.nan, None], "float")
    assert len(classes) == 0 and classes.missing_count == 2
    assert classes.assign([1.0]).tolist() == [-1]


@pytest.mark.parametrize(
    ("higher_is_worse", "low", "high"),
    [
        (True, YLORRD[5][0], YLORRD[5][-1]),  # high values dark red
        (False, YLORRD[5][-1], YLORRD[5][0]),  # low values dark red
        (None, YLGNBU[5][0], YLGNBU[5][-1]),  # no judgement: blues
    ],
)
def test_palette_direction(higher_is_worse: bool | None, low: str, high: str) -> None:
    classes = classify(pd.Series(range(100)), "float", higher_is_worse=higher_is_worse)
    assert classes.colours[0] == low and classes.colours[-1] == high


def test_legend_items() -> None:
    items = legend_items(classify(pd.Series([1.0, 3.0, 3.5, None]), "apl"))
    assert items == [
        {"label": "Sous-dense : moins de 2,5", "colour": "#d73027", "count": 1},
        {"label": "Intermédiaire : de 2,5 à moins de 4", "colour": "#fee090", "count": 2},
        {"label": "Mieux doté : 4 ou plus", "colour": "#4575b4", "count": 0},
        {"label": "Donnée manquante", "colour": MISSING_COLOUR, "count": 1},
    ]


def test_class_names_and_text_alternative_of_a_map() -> None:
    from analytics.classes import alt_text, class_names

    values = pd.Series([1.0, 3.0, 3.5, None, 4.0])
    classes = classify(values, "apl")
    # APL thresholds 2,5 and 4 (DREES): 1,0 sous-dense, 3,0 and 3,5 intermédiaire, 4 mieux doté
    assert class_names(classes, values) == [
        "sous-dense",
        "intermédiaire",
        "intermédiaire",
        "Donnée manquante",
        "mieux doté",
    ]
    assert alt_text("APL 2023", classes) == (
        "Carte. APL 2023. Territoires par classe — Sous-dense : moins de 2,5 : 1; "
        "Intermédiaire : de 2,5 à moins de 4 : 2; Mieux doté : 4 ou plus : 1; "
        "Donnée manquante : 1."
    )


@pytest.mark.parametrize(
    ("kind", "decimals"), [("apl", 2), ("float", 1), ("int", 0), ("percent", 1)]
)
def test_format_values_matches_format_value(kind: str, decimals: int) -> None:
    values = [2.675, 2.345, -0.004, 0.005, 1234567.891, 12.25, float("nan"), None, -1234.5]
    assert format_values(values, kind, decimals) == [
        format_value(v, kind, decimals) for v in values
    ]


# --- View ------------------------------------------------------------------------------


def test_view_for_metropolitan_france() -> None:
    view = view_for_bbox(-5.14, 41.33, 9.56, 51.09, width=700, height=500)
    assert 4.2 < view.zoom < 4.8
    assert view.longitude == pytest.approx(2.21, abs=0.01)
    assert 46.0 < view.latitude < 46.8  # Mercator middle, north of the plain mean


def test_view_for_a_point_is_capped() -> None:
    assert view_for_bbox(5.0, 45.0, 5.0, 45.0).zoom == 13.0


def test_bbox_leaves_out_far_territories() -> None:
    features = pd.DataFrame(
        {
            "code": ["01001", "26281", "2A004", "97411"],
            "minx": [5.0, 4.9, 8.7, 55.4],
            "miny": [46.0, 45.0, 41.9, -21.0],
            "maxx": [5.1, 5.0, 8.8, 55.5],
            "maxy": [46.1, 45.1, 42.0, -20.9],
        }
    )
    assert features_bbox(features) == (4.9, 41.9, 8.8, 46.1)


# --- Deck ------------------------------------------------------------------------------


def squares() -> pd.DataFrame:
    def sq(x: float) -> dict:
        ring = [[x, 45.0], [x + 0.1, 45.0], [x + 0.1, 45.1], [x, 45.1], [x, 45.0]]
        return {"type": "Polygon", "coordinates": [ring]}

    fc = {
        "features": [
            {"type": "Feature", "properties": {"code": c}, "geometry": sq(x)}
            for c, x in (("01001", 5.0), ("2A004", 5.1), ("97411", 5.2))
        ]
    }
    return prepare_features(fc, precision=3)


DATA = pd.DataFrame(
    {
        "code": ["01001", "2A004", "97411"],
        "nom": ["Ambérieu", "Ajaccio", "Saint-Denis"],
        "value": [2.31, 3.2, np.nan],
        "population": [1234, 72000, 150000],
    }
)


def deck(**kwargs: object) -> pdk.Deck:
    classes = classify(DATA["value"], "apl")
    args: dict = {
        "classes": classes,
        "indicator_label": "APL 2023",
        "vintage": "2023",
        "highlight_code": "2A004",
    }
    args.update(kwargs)
    return build(squares()[["code", "geometry_json"]], DATA, **args)


def test_deck_carries_french_tooltip_values() -> None:
    d = deck()
    spec = json.loads(d.to_json())
    layer = next(x for x in spec["layers"] if x["id"] == "choroplethe")
    props = {f["properties"]["code"]: f["properties"] for f in layer["data"]}
    assert props["01001"]["valeur"] == "2,31"
    assert props["01001"]["population"] == f"1{NNBSP}234"
    assert props["01001"]["classe"] == "sous-dense"
    assert props["01001"]["nom"] == "Ambérieu"
    assert props["97411"]["valeur"] == "n.d." and props["97411"]["classe"] == "Donnée manquante"
    assert props["97411"]["f"] == [217, 217, 217]
    assert props["01001"]["f"] == [215, 48, 39]
    assert set(props["01001"]) == {"code", "nom", "valeur", "population", "classe", "f"}
    text = d._tooltip["text"]
    assert text.splitlines() == [
        "{nom}",
        "APL 2023 : {valeur}",
        "Classe : {classe}",
        "Population : {population}",
        "Source : DREES, millésime 2023",
    ]
    assert "2,31" in d.to_json() and f"1{NNBSP}234" in d.to_json()


def test_deck_highlights_the_selected_territory() -> None:
    spec = json.loads(deck().to_json())
    ids = [x["id"] for x in spec["layers"]]
    assert ids[-2:] == ["surbrillance_halo", "surbrillance"]
    hl = spec["layers"][-1]
    assert hl["lineWidthMinPixels"] == 3 and hl["filled"] is False
    assert len(hl["data"]) == 1
    ring = hl["data"][0]["geometry"]["coordinates"][0]
    assert {tuple(p) for p in ring} == {(5.1, 45.0), (5.2, 45.0), (5.2, 45.1), (5.1, 45.1)}


def test_highlight_found_in_outlines() -> None:
    outline = squares().iloc[:1].assign(code="01")
    spec = json.loads(deck(outlines=[outline], highlight_code="01").to_json())
    ids = [x["id"] for x in spec["layers"]]
    assert ids == ["choroplethe", "contours_0", "surbrillance_halo", "surbrillance"]


def test_no_tiles_without_map_style() -> None:
    d = deck()
    text = d.to_json()
    spec = json.loads(text)
    assert "mapProvider" not in spec
    assert "cartocdn" not in text and "mapbox://" not in text
    # pydeck's sentinel: Streamlit's DeckGlJsonChart draws no basemap for it
    assert spec["mapStyle"] == "__MAP_STYLE__"
    with_tiles = json.loads(deck(map_style="light").to_json())
    assert "cartocdn" in with_tiles["mapStyle"]


def test_compact_json_is_pydeck_json() -> None:
    d = deck(points=pd.DataFrame({"lon": [5.05], "lat": [45.05], "count": [4]}))
    assert json.loads(d.to_json()) == json.loads(pdk.Deck.to_json(d))
    assert len(d.to_json()) < len(pdk.Deck.to_json(d))
    points = next(x for x in json.loads(d.to_json())["layers"] if x["id"] == "points")
    assert points["data"] == [{"p": [5.05, 45.05], "r": 400.0}]


def test_view_auto_fit_and_explicit() -> None:
    auto = deck().initial_view_state
    assert auto.longitude == pytest.approx(5.15) and auto.latitude == pytest.approx(45.05, abs=0.01)
    fixed = deck(view={"lat": 46.0, "lon": 2.0, "zoom": 5}).initial_view_state
    assert (fixed.latitude, fixed.longitude, fixed.zoom) == (46.0, 2.0, 5.0)


def test_extra_tooltip_and_unit() -> None:
    data = DATA.assign(medecins=[3, 12, None])
    d = deck(extra_tooltip={"medecins": "Médecins généralistes"}, unit="consult./an")
    d2 = build(
        squares()[["code", "geometry_json"]],
        data,
        classes=classify(data["value"], "apl"),
        indicator_label="APL 2023",
        extra_tooltip={"medecins": "Médecins généralistes"},
    )
    props = json.loads(d2.to_json())["layers"][0]["data"][1]["properties"]
    assert props["x0"] == "12,0"
    assert "Médecins généralistes : {x0}" in d2._tooltip["text"]
    first = json.loads(d.to_json())["layers"][0]["data"][0]["properties"]
    assert first["valeur"] == "2,31\u00a0consult./an"


def test_payload_shrinks_with_precision() -> None:
    n = 80
    ring = [
        [
            round(5 + 0.05 * math.cos(2 * math.pi * i / n), 7),
            round(45 + 0.05 * math.sin(2 * math.pi * i / n), 7),
        ]
        for i in range(n)
    ]
    fc = {
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "01001"},
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            }
        ]
    }
    classes = classify(DATA["value"], "apl")
    sizes = [
        payload_size(
            build(prepare_features(fc, precision=p), DATA, classes=classes, indicator_label="APL")
        )
        for p in (5, 4, 3)
    ]
    assert sizes[0] > sizes[1] > sizes[2]


def test_borders_only_on_small_maps() -> None:
    """Régions/départements keep white borders; EPCI and commune maps (≥ 1 000) do not."""
    from analytics.maps import BORDERLESS_ABOVE, build_choropleth, classify

    def deck(n: int):
        square = '{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}'
        features = pd.DataFrame({"code": [f"{i:05d}" for i in range(n)], "geometry_json": square})
        data = pd.DataFrame({"code": features["code"], "nom": "x", "value": 3.0, "population": 10})
        d = build_choropleth(
            features, data, classes=classify(data["value"], "apl"), indicator_label="APL"
        )
        return next(layer for layer in d.layers if layer.id == "choroplethe")

    assert deck(109).stroked is True
    assert deck(BORDERLESS_ABOVE + 1).stroked is False


def test_quantiles_with_heavy_ties_never_exceed_k_classes() -> None:
    """Many zeros and a long tail (share of people in well-served communes by EPCI)."""
    rng = np.random.default_rng(3)
    values = np.concatenate([np.zeros(700), rng.uniform(0, 1, 500), np.ones(55)])
    for k in range(2, 8):
        classes = classify(values, "percent", k=k)
        assert 1 <= len(classes) <= k
        assert len(classes.colours) == len(classes.labels)
