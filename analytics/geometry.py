"""Geometry preparation at build time: compact GeoJSON strings ready for the map layer.

The build stores the output of :func:`prepare_features` in DuckDB (one row per territory:
``code``, ``geometry_json``, bounding box, centroid), so the app never parses the big
GeoJSON files of ``shared/data/geo`` at run time: a map only ``json.loads`` the strings of
the territories it draws.

What :func:`prepare_features` does to each geometry, in this order (shapely 2 / GEOS):

1. optional topology-preserving simplification (``simplify_tolerance``, in degrees), done
   feature by feature: neighbours are simplified independently, so shared borders may
   drift apart by up to the tolerance — use it only for views where that is invisible;
2. snap to a grid of ``10**-precision`` degrees with ``shapely.set_precision`` in its
   ``valid_output`` mode: it rounds every coordinate, removes the consecutive duplicates
   the rounding creates, drops the rings and parts that collapse, and returns valid
   polygons (GEOS OverlayNG snap-rounding). 3 decimals is about 110 m in latitude and
   80 m in longitude at 45° N, below the 500 m vertex spacing of the overview layer;
3. a territory whose geometry collapses entirely at that precision (a very small commune)
   is snapped again at a finer precision (one more decimal at a time), so no territory
   ever disappears from the map; the number of such fallbacks is reported;
4. exterior rings counter-clockwise, holes clockwise (RFC 7946 § 3.1.6);
5. serialised by the GEOS GeoJSON writer: compact, shortest decimal representation.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

#: Columns of the frame returned by :func:`prepare_features` (before kept properties).
FEATURE_COLUMNS: tuple[str, ...] = (
    "code",
    "geometry_json",
    "minx",
    "miny",
    "maxx",
    "maxy",
    "centroid_lon",
    "centroid_lat",
)

#: Finest precision tried when a geometry collapses (6 decimals ≈ 0.1 m).
MAX_PRECISION = 6

_POLYGONAL = {"Polygon", "MultiPolygon"}


def load_geojson(path: str | PathLike[str]) -> dict[str, Any]:
    """Read a GeoJSON file, gzip-compressed when its name ends in ``.gz``."""
    p = Path(path)
    opener = gzip.open if p.suffix == ".gz" else open
    with opener(p, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@dataclass
class PrepareReport:
    """What :func:`prepare_features` did, for the build log and the benchmark."""

    features: int = 0
    vertices_in: int = 0
    vertices_out: int = 0
    raw_bytes: int = 0  # compact JSON of the input geometries
    prepared_bytes: int = 0  # sum of the geometry_json strings
    seconds: float = 0.0
    refined: list[str] = field(default_factory=list)  # codes snapped at a finer precision


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of ``geom`` (drops stray lines and points of a collection)."""
    if geom is None or geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL and not p.is_empty]
    if not parts:
        return shapely.MultiPolygon()
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _snap(geoms: np.ndarray, precision: int) -> np.ndarray:
    """Snap-round to ``10**-precision`` degrees, valid output, polygonal parts only."""
    out = shapely.set_precision(geoms, 10.0**-precision, mode="valid_output")
    kinds = shapely.get_type_id(out)
    # 3 = Polygon, 6 = MultiPolygon; anything else (collection) keeps its polygonal parts
    for i in np.flatnonzero((kinds != 3) & (kinds != 6)):
        out[i] = _polygonal(out[i])
    return out


def prepare_features(
    geojson: Mapping[str, Any],
    *,
    code_property: str = "code",
    precision: int = 3,
    simplify_tolerance: float | None = None,
    keep_properties: Sequence[str] = (),
    report: PrepareReport | None = None,
) -> pd.DataFrame:
    """One row per feature: ``code``, ``geometry_json``, bbox and centroid.

    Parameters
    ----------
    geojson
        A FeatureCollection (WGS84 lon/lat) whose features carry ``code_property``.
    code_property
        Property holding the territory code; always returned as a string (``01001``,
        ``2A004``), never cast to a number.
    precision
        Decimals kept in the coordinates (3 ≈ 100 m, 4 ≈ 10 m).
    simplify_tolerance
        Optional simplification tolerance in degrees before rounding (see module doc).
    keep_properties
        Other properties copied as columns (e.g. ``("nom", "departement")``).
    report
        Filled with counts, sizes and timing when given.

    Returns
    -------
    DataFrame with the columns of :data:`FEATURE_COLUMNS` (``minx``… and
    ``centroid_lon``/``centroid_lat`` in degrees; the centroid is planar in lon/lat, good
    enough for a label or a zoom target, not for distances) plus ``keep_properties``.

    Raises
    ------
    ValueError
        A feature has no code, no geometry or no polygonal geometry, or a code repeats.
    """
    t0 = time.perf_counter()
    features = list(geojson.get("features", ()))
    codes: list[str] = []
    raw: list[str] = []
    missing_code, missing_geom = [], []
    for i, feat in enumerate(features):
        props = feat.get("properties") or {}
        code = props.get(code_property)
        if code is None or str(code).strip() == "":
            missing_code.append(i)
            code = ""
        codes.append(str(code))
        geom = feat.get("geometry")
        if not geom:
            missing_geom.append(str(code) or f"#{i}")
            raw.append('{"type":"GeometryCollection","geometries":[]}')
        else:
            raw.append(json.dumps(geom, separators=(",", ":")))
    if missing_code:
        raise ValueError(
            f"{len(missing_code)} entité(s) sans propriété {code_property!r} "
            f"(indices {missing_code[:5]}…)"
        )
    if missing_geom:
        raise ValueError(f"{len(missing_geom)} entité(s) sans géométrie : {missing_geom[:10]}")
    dup = pd.Series(codes)[pd.Series(codes).duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"codes en double : {dup[:10]}")

    geoms = shapely.from_geojson(raw)
    vertices_in = int(shapely.get_num_coordinates(geoms).sum())
    kinds = shapely.get_type_id(geoms)
    for i in np.flatnonzero((kinds != 3) & (kinds != 6)):
        geoms[i] = _polygonal(geoms[i])
    empty_in = [codes[i] for i in np.flatnonzero(shapely.is_empty(geoms))]
    if empty_in:
        raise ValueError(f"{len(empty_in)} entité(s) sans surface : {empty_in[:10]}")
    if simplify_tolerance:
        geoms = shapely.simplify(geoms, simplify_tolerance, preserve_topology=True)

    out = _snap(geoms, precision)
    refined: list[str] = []
    p = precision
    collapsed = np.flatnonzero(shapely.is_empty(out))
    while collapsed.size and p < MAX_PRECISION:
        p += 1
        out[collapsed] = _snap(geoms[collapsed], p)
        refined.extend(codes[i] for i in collapsed[~shapely.is_empty(out[collapsed])])
        collapsed = collapsed[shapely.is_empty(out[collapsed])]
    if collapsed.size:  # a polygon smaller than 0.1 m: keep its unrounded shape
        out[collapsed] = geoms[collapsed]
        refined.extend(codes[i] for i in collapsed)
    invalid = np.flatnonzero(~shapely.is_valid(out))
    for i in invalid:  # not expected from valid_output; belt and braces
        out[i] = _polygonal(shapely.make_valid(out[i]))
    out = shapely.orient_polygons(out, exterior_cw=False)

    geometry_json = shapely.to_geojson(out)
    bounds = shapely.bounds(out)
    centroids = shapely.centroid(out)
    df = pd.DataFrame(
        {
            "code": pd.array(codes, dtype="string"),
            "geometry_json": pd.array(geometry_json, dtype="string"),
            "minx": bounds[:, 0],
            "miny": bounds[:, 1],
            "maxx": bounds[:, 2],
            "maxy": bounds[:, 3],
            "centroid_lon": shapely.get_x(centroids),
            "centroid_lat": shapely.get_y(centroids),
        }
    )
    for name in keep_properties:
        df[name] = [(f.get("properties") or {}).get(name) for f in features]
    if report is not None:
        report.features = len(df)
        report.vertices_in = vertices_in
        report.vertices_out = int(shapely.get_num_coordinates(out).sum())
        report.raw_bytes = sum(len(s) for s in raw)
        report.prepared_bytes = int(sum(len(s) for s in geometry_json))
        report.refined = refined
        report.seconds = time.perf_counter() - t0
    return df


def features_to_geojson(
    features: pd.DataFrame, properties: Sequence[str] = ("code",)
) -> dict[str, Any]:
    """A FeatureCollection dict back from a :func:`prepare_features` frame.

    Used by exports and tests; the map builder assembles its own lighter features.
    """
    cols = [c for c in properties if c in features.columns]
    records = features[cols].to_dict("records") if cols else [{}] * len(features)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(g), "properties": props}
            for g, props in zip(features["geometry_json"], records, strict=True)
        ],
    }
