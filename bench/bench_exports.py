"""Benchmark the exports: ``python -m bench.bench_exports [--runs 5] [--geo ../shared/data/geo]``.

Prints the median wall time over ``--runs`` of: a chart PNG cold (browser start included;
the shared renderer is closed before each cold run) and warm, for comparison one
``plotly.io.to_image`` call (kaleido's default, one browser per image), an SVG; the CSV
and XLSX of 35,000 communes (French labels, display rounding); the map PNG of the Drôme's
and the Seine-Maritime's communes (100 m geometry) and of all communes of France (500 m
overview, département borders on top), each with the Pillow renderer of
:mod:`analytics.exports.static_map` and its peer built on geopandas + matplotlib
(:func:`geopandas_map_png`, same classes, legend, title and footer), with their ratio;
and the one-page territory PDF. Targets on the 2-core reference machine: chart PNG ≤ 2 s
(warm), PDF ≤ 5 s, département map < 2 s. ``--no-charts`` skips the browser part.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import exports
from analytics.classes import Classes, classify, legend_items
from analytics.report import TerritoryReport, render_pdf

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "Source : DREES, APL 2023 ; INSEE, populations légales 2023 ; traitement Déserts médicaux"


def _classes(values: pd.Series) -> Classes:
    """Classes at 1,5 / 2,5 / 4, counted on ``values`` (as the app does, once)."""
    return classify(values, "float", method="seuils", bounds=(1.5, 2.5, 4.0), decimals=1)


def geopandas_map_png(
    features: dict,
    values: pd.Series,
    *,
    classes: Classes,
    title: str,
    source_line: str,
    outlines: dict | None = None,
    legend_title: str | None = None,
    width_px: int = 1200,
) -> bytes:
    """The peer of :func:`analytics.exports.map_png` on geopandas + matplotlib: the same
    fills, borders, outlines, legend (with the classes' counts), title and footer, drawn
    by ``GeoDataFrame.plot`` (overseas insets left out: it only makes it faster)."""
    import io

    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    gdf = gpd.GeoDataFrame.from_features(features["features"], crs="EPSG:4326")
    gdf = gdf[gdf.geometry.notna()]
    idx = classes.assign(values.reindex(gdf["code"].astype(str)).to_numpy())
    palette = np.array([*classes.colours, classes.missing_colour])
    colours = palette[np.where(idx >= 0, idx, len(classes.colours))]
    dpi = 100
    fig = plt.figure(figsize=(width_px / dpi, width_px * 0.75 / dpi), dpi=dpi)
    ax = fig.add_axes((0.02, 0.08, 0.68, 0.82))
    edge = "white" if len(gdf) <= 5000 else "none"
    gdf.plot(ax=ax, color=colours, edgecolor=edge, linewidth=0.3)
    if outlines:
        lines = gpd.GeoDataFrame.from_features(outlines["features"], crs="EPSG:4326")
        lines.boundary.plot(ax=ax, color="#3c3c3c", linewidth=0.8)
    ax.set_aspect(1 / np.cos(np.radians(gdf.total_bounds[[1, 3]].mean())))
    ax.set_axis_off()
    fig.suptitle(title, x=0.02, ha="left", fontsize=18, fontweight="bold")
    handles = [
        Patch(facecolor=i["colour"], edgecolor="#777777", label=f"{i['label']}  ({i['count']})")
        for i in legend_items(classes)
    ]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.72, 0.88), title=legend_title)
    fig.text(0.02, 0.02, exports.footer_text(source_line), fontsize=9, color="#555555")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _time(
    fn: Callable[[], Any], runs: int, before: Callable[[], None] | None = None
) -> list[float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def _report(label: str, times: list[float], target: str = "") -> None:
    line = f"{label:<48} median {statistics.median(times):6.2f} s"
    line += f"  (min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"
    print(line + (f"  target {target}" if target else ""), flush=True)


def _chart() -> go.Figure:
    years = list(range(2015, 2024))
    fig = go.Figure()
    for name, start, slope in (
        ("CC du Diois", 3.2, -0.1),
        ("Drôme", 3.5, -0.05),
        ("Auvergne-Rhône-Alpes", 3.6, -0.03),
        ("France", 3.5, -0.03),
    ):
        fig.add_scatter(x=years, y=[start + slope * i for i in range(len(years))], name=name)
    fig.update_layout(yaxis_title="Consultations par an et par habitant")
    return fig


def _load(path: Path) -> dict:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def _values(features: dict, seed: int = 0) -> pd.Series:
    codes = [str(f["properties"]["code"]) for f in features["features"]]
    values = pd.Series(np.random.default_rng(seed).gamma(6, 0.5, len(codes)), index=codes)
    values.iloc[::50] = np.nan  # a few communes without a value
    return values


def _territory(map_bytes: bytes) -> TerritoryReport:
    return TerritoryReport(
        nom="Communauté de communes du Diois",
        niveau="EPCI",
        code="200040624",
        parent_label="Drôme, Auvergne-Rhône-Alpes",
        key_figures=pd.DataFrame(
            {
                "indicateur": [
                    "APL aux médecins généralistes",
                    "Population",
                    "Médecins généralistes",
                    "Part des 75 ans et plus",
                    "Densité de population",
                    "Patients sans médecin traitant",
                ],
                "territoire": [2.345, 12345.0, 8.0, 12.3, 9.6, None],
                "departement": [3.1, 516762.0, 420.0, 10.9, 79.1, 7.5],
                "region": [3.4, 8114361.0, 7300.0, 9.8, 115.9, 6.1],
                "france": [3.3, 68_000_000.0, 99000.0, 10.1, 106.0, 6.8],
                "unite": ["consult./an/hab.", "habitants", "médecins", "%", "hab./km²", "%"],
            }
        ),
        apl_history=pd.DataFrame(
            {
                "annee": [2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023],
                "territoire": [3.2, 3.1, 3.0, 2.9, 2.8, 2.6, 2.5, 2.35],
                "departement": [3.5, 3.4, 3.4, 3.3, 3.3, 3.2, 3.1, 3.1],
                "region": [3.6, 3.6, 3.5, 3.5, 3.5, 3.4, 3.4, 3.4],
                "france": [3.5, 3.5, 3.4, 3.4, 3.4, 3.3, 3.3, 3.3],
            }
        ),
        ranking_text="12e sur 1\u202f255 EPCI par score de besoin : APL parmi les 10\u202f% "
        "les plus faibles, population âgée, médecins proches de la retraite.",
        score_components=pd.DataFrame(
            {
                "composante": ["APL faible", "Population âgée", "Médecins de 60 ans et plus"],
                "contribution": [32.5, 18.2, 12.0],
            }
        ),
        recommendation="Priorité à l'installation : maison de santé pluriprofessionnelle.",
        map_png=map_bytes,
        sources=[SOURCE, "Contours : IGN ADMIN EXPRESS 2025, Etalab – Licence Ouverte 2.0"],
        build_date="22 novembre 2026",
    )


def main() -> int:
    default_geo = Path(os.environ.get("DESERTS_MIRROR", ROOT.parent / "shared" / "data")) / "geo"
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--geo", type=Path, default=default_geo)
    parser.add_argument("--no-charts", action="store_true", help="skip the Chromium part")
    args = parser.parse_args()
    runs = args.runs
    kw = {"title": "APL aux médecins généralistes, 2015–2023", "source_line": SOURCE}

    fig = _chart()
    if args.no_charts:
        print("chart PNG/SVG: skipped (--no-charts)")
    elif Path(exports.DEBIAN_CHROMIUM).exists() or os.environ.get("BROWSER_PATH"):
        cold_runs = max(1, min(3, runs))
        _report(
            "chart PNG, cold (browser start)",
            _time(lambda: exports.figure_png(fig, **kw), cold_runs, before=exports.stop_renderer),
            "≤ 2 s warm",
        )
        _report("chart PNG, warm", _time(lambda: exports.figure_png(fig, **kw), runs), "≤ 2 s")
        _report("chart SVG, warm", _time(lambda: exports.figure_svg(fig, **kw), runs))
        import plotly.io as pio

        decorated = exports.decorate_figure(fig, title=kw["title"], source_line=SOURCE)
        _report(
            "chart PNG, plotly.io.to_image (no renderer)",
            _time(lambda: pio.to_image(decorated, format="png", scale=2), max(1, min(2, runs))),
        )
        exports.stop_renderer()
    else:
        print("chart PNG/SVG: skipped, no Chromium (apt-get install chromium)")

    t0 = time.perf_counter()
    communes = _load(args.geo / "communes_100m.geojson.gz")
    drome, seine_maritime = (
        {
            "type": "FeatureCollection",
            "features": [f for f in communes["features"] if f["properties"]["departement"] == d],
        }
        for d in ("26", "76")
    )
    del communes
    france = _load(args.geo / "communes_500m_overview.geojson.gz")
    departements = _load(args.geo / "departements.geojson")
    print(f"(GeoJSON loading, not timed below: {time.perf_counter() - t0:.1f} s)")

    france_values = _values(france)
    table = pd.DataFrame(
        {
            "code": france_values.index,
            "nom": [f["properties"].get("nom", "") for f in france["features"]],
            "apl_2023": france_values.to_numpy(),
            "population": np.arange(len(france_values), dtype=float),
            "etp_manquants": france_values.to_numpy() / 7,
        }
    )
    _report(f"CSV, {len(table)} communes", _time(lambda: exports.dataframe_csv_fr(table), runs))
    _report(
        f"XLSX, {len(table)} communes",
        _time(lambda: exports.dataframe_xlsx(table, pd.DataFrame()), max(1, min(3, runs))),
    )

    cases = [
        (f"Drôme ({len(drome['features'])} communes, 100 m)", drome, None, runs),
        (
            f"Seine-Maritime ({len(seine_maritime['features'])} communes, 100 m)",
            seine_maritime,
            None,
            runs,
        ),
        (f"France ({len(france['features'])} communes, 500 m)", france, departements, 3),
    ]
    for label, features, outlines, n in cases:
        values = _values(features)
        kwargs = {
            "classes": _classes(values),
            "title": "APL",
            "outlines": outlines,
            **_map_kwargs(),
        }
        pillow = _time(lambda f=features, v=values, k=kwargs: exports.map_png(f, v, **k), n)
        _report(f"map PNG, {label}, Pillow", pillow, "< 2 s")
        peer = _time(lambda f=features, v=values, k=kwargs: geopandas_map_png(f, v, **k), n)
        _report(f"map PNG, {label}, geopandas", peer)
        ratio = statistics.median(peer) / statistics.median(pillow)
        print(f"{'':<48} geopandas / Pillow = {ratio:.1f}×", flush=True)

    diois = {
        "type": "FeatureCollection",
        "features": [f for f in drome["features"] if f["properties"].get("epci") == "200040624"]
        or drome["features"],
    }
    small_map = exports.map_png(
        diois,
        _values(diois),
        classes=_classes(_values(diois)),
        title="APL par commune",
        width_px=500,
        **_map_kwargs(),
    )
    territory = _territory(small_map)
    _report("territory PDF (one page)", _time(lambda: render_pdf(territory), runs), "≤ 5 s")
    _report(
        "territory PDF including its map",
        _time(
            lambda: render_pdf(
                _territory(
                    exports.map_png(
                        diois,
                        _values(diois),
                        classes=_classes(_values(diois)),
                        title="APL par commune",
                        width_px=500,
                        **_map_kwargs(),
                    )
                )
            ),
            runs,
        ),
        "≤ 5 s",
    )
    return 0


def _map_kwargs() -> dict[str, Any]:
    """Source and legend title shared by the benchmark maps."""
    return {"source_line": SOURCE, "legend_title": "Consultations par an et par habitant"}


if __name__ == "__main__":
    raise SystemExit(main())
