"""Geometry preparation: rounding, validity, codes as strings, sizes."""

from __future__ import annotations

import gzip
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import shapely

from analytics.geometry import (
    FEATURE_COLUMNS,
    PrepareReport,
    features_to_geojson,
    load_geojson,
    prepare_features,
)
from tests.conftest import REAL_MIRROR


def circle(cx: float, cy: float, r: float, n: int = 60) -> list[list[float]]:
    """A closed ring of ``n`` points with 8 decimals (like an unrounded source)."""
    pts = [
        [
            round(cx + r * math.cos(2 * math.pi * i / n), 8),
            round(cy + r * math.sin(2 * math.pi * i / n), 8),
        ]
        for i in range(n)
    ]
    return [*pts, pts[0]]


def square(x: float, y: float, size: float) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(code: str, geometry: dict, **props: object) -> dict:
    return {"type": "Feature", "properties": {"code": code, **props}, "geometry": geometry}


@pytest.fixture()
def collection() -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            feature(
                "01001", {"type": "Polygon", "coordinates": [circle(5.0, 46.0, 0.05)]}, nom="A"
            ),
            feature(
                "2A004", {"type": "Polygon", "coordinates": [circle(8.7, 41.9, 0.05)]}, nom="B"
            ),
            feature(
                "97411",
                {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [circle(55.45, -20.9, 0.05)],
                        # a sliver part that collapses at 3 decimals: dropped
                        [square(55.6, -20.9, 0.0001)],
                    ],
                },
                nom="C",
            ),
        ],
    }


def test_codes_stay_strings_and_every_feature_is_kept(collection: dict) -> None:
    df = prepare_features(collection, precision=3, keep_properties=("nom",))
    assert list(df.columns) == [*FEATURE_COLUMNS, "nom"]
    assert df["code"].tolist() == ["01001", "2A004", "97411"]
    assert all(isinstance(c, str) for c in df["code"])
    assert df["nom"].tolist() == ["A", "B", "C"]


def test_rounding_gives_valid_polygons_with_at_most_precision_decimals(collection: dict) -> None:
    df = prepare_features(collection, precision=3)
    geoms = shapely.from_geojson(df["geometry_json"].to_numpy(dtype=object))
    assert shapely.is_valid(geoms).all()
    assert set(shapely.get_type_id(geoms)) <= {3, 6}  # Polygon, MultiPolygon
    for text in df["geometry_json"]:
        assert not re.search(r"\.\d{4,}", text)
        assert " " not in text  # compact
    # the collapsed sliver part of 97411 is gone, its main part kept
    assert shapely.get_num_geometries(geoms[2]) == 1
    # no consecutive duplicate points, exterior rings counter-clockwise (RFC 7946)
    for g in geoms:
        for poly in shapely.get_parts(g):
            ring = np.asarray(poly.exterior.coords)
            assert not (np.diff(ring, axis=0) == 0).all(axis=1).any()
            assert poly.exterior.is_ccw


def test_rounding_reduces_size(collection: dict) -> None:
    r3, r4 = PrepareReport(), PrepareReport()
    prepare_features(collection, precision=3, report=r3)
    prepare_features(collection, precision=4, report=r4)
    assert r3.features == r4.features == 3
    assert r3.prepared_bytes < r4.prepared_bytes < r3.raw_bytes


def test_bbox_and_centroid(collection: dict) -> None:
    df = prepare_features(collection, precision=3).set_index("code")
    row = df.loc["2A004"]
    assert row["minx"] == pytest.approx(8.65, abs=1e-3)
    assert row["maxy"] == pytest.approx(41.95, abs=1e-3)
    assert row["centroid_lon"] == pytest.approx(8.7, abs=1e-3)
    assert row["centroid_lat"] == pytest.approx(41.9, abs=1e-3)


def test_a_tiny_territory_is_kept_at_a_finer_precision() -> None:
    tiny = feature("33103", {"type": "Polygon", "coordinates": [square(-0.5, 44.8, 0.0003)]})
    report = PrepareReport()
    df = prepare_features({"features": [tiny]}, precision=3, report=report)
    assert report.refined == ["33103"]
    geom = shapely.from_geojson(df["geometry_json"].iloc[0])
    assert not geom.is_empty and geom.is_valid


def test_collapsed_hole_is_dropped() -> None:
    outer = square(2.0, 45.0, 0.1)
    hole = square(2.05, 45.05, 0.0002)[::-1]
    geo = feature("26281", {"type": "Polygon", "coordinates": [outer, hole]})
    df = prepare_features({"features": [geo]}, precision=3)
    geom = shapely.from_geojson(df["geometry_json"].iloc[0])
    assert geom.geom_type == "Polygon" and len(geom.interiors) == 0


def test_simplify_tolerance_reduces_vertices(collection: dict) -> None:
    plain, simple = PrepareReport(), PrepareReport()
    prepare_features(collection, precision=4, report=plain)
    prepare_features(collection, precision=4, simplify_tolerance=0.01, report=simple)
    assert simple.vertices_out < plain.vertices_out


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ([feature("", {"type": "Polygon", "coordinates": [square(0, 0, 1)]})], "sans propriété"),
        (
            [{"type": "Feature", "properties": {"code": "01001"}, "geometry": None}],
            "sans géométrie",
        ),
        (
            [
                feature("01001", {"type": "Polygon", "coordinates": [square(0, 0, 1)]}),
                feature("01001", {"type": "Polygon", "coordinates": [square(2, 0, 1)]}),
            ],
            "en double",
        ),
    ],
)
def test_bad_input_is_refused(features: list[dict], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        prepare_features({"features": features})


def test_load_geojson_plain_and_gzip(tmp_path: Path, collection: dict) -> None:
    plain = tmp_path / "a.geojson"
    plain.write_text(json.dumps(collection), encoding="utf-8")
    packed = tmp_path / "a.geojson.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as fh:
        json.dump(collection, fh)
    assert load_geojson(plain) == load_geojson(packed) == collection


def test_features_to_geojson_round_trip(collection: dict) -> None:
    df = prepare_features(collection, precision=3, keep_properties=("nom",))
    fc = features_to_geojson(df, ("code", "nom"))
    assert [f["properties"]["code"] for f in fc["features"]] == ["01001", "2A004", "97411"]
    assert fc["features"][0]["geometry"]["type"] == "Polygon"


ARRONDISSEMENTS = REAL_MIRROR / "geo" / "arrondissements_municipaux.geojson"


@pytest.mark.mirror
@pytest.mark.skipif(not ARRONDISSEMENTS.exists(), reason="miroir de données absent")
def test_real_layer_arrondissements() -> None:
    report = PrepareReport()
    df = prepare_features(load_geojson(ARRONDISSEMENTS), precision=3, report=report)
    assert len(df) == 45 and df["code"].is_unique
    assert {"75101", "69381", "13201"} <= set(df["code"])
    assert report.prepared_bytes < report.raw_bytes
    assert shapely.is_valid(shapely.from_geojson(df["geometry_json"].to_numpy(dtype=object))).all()
