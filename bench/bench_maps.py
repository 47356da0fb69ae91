"""Map payload and build time: ``python -m bench.bench_maps [--mirror DIR] [--runs 5]``.

Options: ``--precisions 4 3 2`` (decimals compared), ``--departement 26``,
``--skip-layers`` (only the two maps).

For every layer of ``shared/data/geo``: features, vertices, time to prepare, and the
geometry JSON at 3 and 4 decimals against the raw file. Then, for the national commune
map (34,969 communes, overview file) and for one département from the 100 m file: the
full deck payload (``CompactDeck.to_json``, what Streamlit sends) at precision 3 and 4,
and the median of ``--runs`` deck builds and ``to_json`` calls.

The indicator values are synthetic (a fixed random APL-like series): the payload depends
on the geometry and on the length of the formatted strings, not on the values.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics.geometry import PrepareReport, load_geojson, prepare_features
from analytics.maps import build_choropleth, classify, payload_size

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MIRROR = Path(os.environ.get("DESERTS_MIRROR", ROOT.parent / "shared" / "data"))
LAYERS = (
    "communes_500m_overview.geojson.gz",
    "communes_100m.geojson.gz",
    "epci.geojson",
    "departements.geojson",
    "regions.geojson",
    "arrondissements_municipaux.geojson",
)


def mb(n: int) -> str:
    return f"{n / 1e6:.2f}"


def median_time(func: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def layer_table(geo: Path) -> dict[str, dict[str, Any]]:
    """Prepare every layer at 3 and 4 decimals; print and return the loaded collections."""
    print("## Couches : préparation (build)")
    print(
        f"{'couche':<38} {'entités':>8} {'sommets':>9} {'chargt s':>8} "
        f"{'p3 s':>6} {'p4 s':>6} {'brut o':>11} {'p4 o':>11} {'p3 o':>11} {'p3/brut':>7} "
        f"{'affinées':>8}"
    )
    loaded = {}
    for name in LAYERS:
        path = geo / name
        if not path.exists():
            print(f"{name:<38} absent")
            continue
        t0 = time.perf_counter()
        collection = load_geojson(path)
        load_s = time.perf_counter() - t0
        loaded[name] = collection
        r3, r4 = PrepareReport(), PrepareReport()
        prepare_features(collection, precision=3, report=r3)
        prepare_features(collection, precision=4, report=r4)
        print(
            f"{name:<38} {r3.features:>8} {r3.vertices_in:>9} {load_s:>8.2f} "
            f"{r3.seconds:>6.2f} {r4.seconds:>6.2f} {r3.raw_bytes:>11} {r4.prepared_bytes:>11} "
            f"{r3.prepared_bytes:>11} {r3.prepared_bytes / r3.raw_bytes:>7.1%} "
            f"{len(r3.refined):>8}"
        )
    print()
    return loaded


def synthetic_data(features: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(features)
    value = np.round(rng.gamma(6.0, 0.6, n), 3)  # APL-like: mean ≈ 3.6, 3 decimals
    value[rng.random(n) < 0.005] = np.nan  # a few missing
    return pd.DataFrame(
        {
            "code": features["code"],
            "nom": features["nom"],
            "value": value,
            "population": rng.integers(20, 30000, n),
        }
    )


def map_case(
    label: str,
    collection: dict[str, Any],
    outlines_collection: dict[str, Any],
    runs: int,
    highlight: str | None,
    precisions: tuple[int, ...] = (4, 3),
) -> None:
    print(f"## {label}")
    print(
        f"{'précision':>9} {'prépa s':>8} {'géom. o':>11} {'payload o':>11} {'payload Mo':>10} "
        f"{'deck s (méd.)':>13} {'to_json s (méd.)':>16} {'deflate Mo':>10} {'deflate s':>9}"
    )
    for precision in precisions:
        report = PrepareReport()
        features = prepare_features(
            collection, precision=precision, keep_properties=("nom",), report=report
        )
        outlines = prepare_features(outlines_collection, precision=precision)
        data = synthetic_data(features)
        classes = classify(data["value"], "apl")
        # as the app gets them from the database: code and geometry only
        geometry = features[["code", "geometry_json"]]

        kwargs = {
            "classes": classes,
            "indicator_label": "APL 2023",
            "vintage": "2023",
            "outlines": [outlines],
            "highlight_code": highlight,
        }
        build_s, deck = median_time(
            lambda g=geometry, d=data, kw=kwargs: build_choropleth(g, d, **kw), runs
        )
        json_s, _ = median_time(deck.to_json, runs)
        size = payload_size(deck)
        # What the browser receives with server.enableWebsocketCompression (Tornado's
        # permessage-deflate at zlib's default level).
        raw = deck.to_json().encode("utf-8")
        t0 = time.perf_counter()
        z = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
        deflated = len(z.compress(raw) + z.flush())
        deflate_s = time.perf_counter() - t0
        print(
            f"{precision:>9} {report.seconds:>8.2f} {report.prepared_bytes:>11} {size:>11} "
            f"{mb(size):>10} {build_s:>13.3f} {json_s:>16.3f} {mb(deflated):>10} {deflate_s:>9.2f}"
        )
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--departement", default="26")
    parser.add_argument(
        "--precisions", type=int, nargs="+", default=[4, 3], help="décimales à comparer"
    )
    parser.add_argument("--skip-layers", action="store_true", help="sans le tableau des couches")
    args = parser.parse_args()
    geo = args.mirror / "geo"
    if not geo.exists():
        print(f"miroir absent : {geo}")
        return 1
    loaded = (
        {name: load_geojson(geo / name) for name in LAYERS if (geo / name).exists()}
        if args.skip_layers
        else layer_table(geo)
    )
    overview = loaded.get("communes_500m_overview.geojson.gz")
    departements = loaded.get("departements.geojson")
    detailed = loaded.get("communes_100m.geojson.gz")
    if overview and departements:
        map_case(
            f"Carte nationale des communes ({len(overview['features'])} communes, fichier 500 m, "
            "contours des départements)",
            overview,
            departements,
            args.runs,
            highlight=None,
            precisions=tuple(args.precisions),
        )
    if detailed and departements:
        dep = args.departement
        one = {
            "type": "FeatureCollection",
            "features": [
                f for f in detailed["features"] if f["properties"].get("departement") == dep
            ],
        }
        outline = {
            "type": "FeatureCollection",
            "features": [f for f in departements["features"] if f["properties"]["code"] == dep],
        }
        map_case(
            f"Département {dep} ({len(one['features'])} communes, fichier 100 m, "
            "contour du département, une commune en surbrillance)",
            one,
            outline,
            args.runs,
            highlight=one["features"][0]["properties"]["code"],
            precisions=tuple(args.precisions),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
