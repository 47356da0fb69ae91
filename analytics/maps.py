"""Choropleth maps with pydeck: classes, colour-blind-safe palettes, legend, view fitting.

Pure module: DataFrames in, a :class:`pydeck.Deck` out; no Streamlit, no file access.

Classification (:func:`classify`)
    * APL (indicator kind ``"apl"``): the fixed classes of the ARS zoning, from the DREES
      APL thresholds (:data:`analytics.indicators.SEUIL_SOUS_DENSE` = 2.5,
      :data:`~analytics.indicators.SEUIL_INTERMEDIAIRE` = 4): *sous-dense* below 2.5,
      *intermédiaire* from 2.5 included to 4 excluded, *mieux doté* from 4. Lower bounds
      are inclusive, so 2.5 is intermédiaire and 4.0 mieux doté — the convention of the
      ``pop_apl_*`` indicators of the catalogue.
    * Other indicators: quantiles (``method="quantile"``, default) or Jenks natural breaks
      (``method="jenks"``: Fisher's exact dynamic programme minimising the within-class
      sum of squared deviations, Fisher 1958 / Jenks 1977, on at most
      :data:`JENKS_SAMPLE` values taken at evenly spaced quantiles of the data when there
      are more). Breaks are rounded to the precision shown in the legend, then
      deduplicated, so a legend never shows two classes with the same bound and the
      label is exactly the rule applied.

Colours
    ColorBrewer schemes flagged colour-blind safe (Brewer, colorbrewer2.org): a 3-class
    selection of RdYlBu for APL (red = sous-dense, blue = mieux doté, light orange in
    between, darker than the white background of a map without tiles); YlOrRd for
    indicators with a direction, flipped so that the *bad* end is always dark red
    (``higher_is_worse=False`` → low values dark red); YlGnBu for context indicators
    without a direction (population, density). Missing data: light grey ``#d9d9d9``.

Payload
    Streamlit sends ``deck.to_json()`` to the browser. pydeck indents that JSON by 2
    spaces, which for nested polygon coordinates quadruples it (national commune map:
    56 MB instead of 13.6 MB, 3–6 s instead of 0.2 s); the decks built here are
    :class:`CompactDeck` objects whose ``to_json`` is compact and inserts the stored
    geometry strings verbatim (:class:`RawJSON`) instead of parsing them. Feature properties
    are only what the tooltip shows (code, name, formatted value, formatted population,
    class); constant text (indicator label, source, vintage) lives in the tooltip template.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from analytics import formatting as fmt
from analytics.indicators import SEUIL_INTERMEDIAIRE, SEUIL_SOUS_DENSE

# --------------------------------------------------------------------------------------
# Palettes (ColorBrewer 2.0, Cynthia Brewer, Penn State; all flagged colour-blind safe)
# --------------------------------------------------------------------------------------

#: APL classes: RdYlBu (7-class scheme, colours 1, 3 and 7): sous-dense, intermédiaire,
#: mieux doté. The middle is the light orange #fee090 rather than the near-white #ffffbf
#: of the 3-class scheme, so it stays visible on a white background.
APL_COLOURS: tuple[str, str, str] = ("#d73027", "#fee090", "#4575b4")
APL_NAMES: tuple[str, str, str] = ("sous-dense", "intermédiaire", "mieux doté")

#: YlOrRd, light to dark, by number of classes.
YLORRD: dict[int, tuple[str, ...]] = {
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    6: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"),
    7: ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"),
}
#: YlGnBu, light to dark, by number of classes (indicators without a direction).
YLGNBU: dict[int, tuple[str, ...]] = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}

#: Fill and legend label of territories without a value (same as analytics.exports).
MISSING_COLOUR = "#d9d9d9"
MISSING_LABEL = "Donnée manquante"

#: Largest number of values given to the Jenks dynamic programme: it holds a few n×n
#: float matrices (≈ 8 MB each at 1,000) and runs in O(k·n²).
JENKS_SAMPLE = 1000

#: Above this many polygons, the fill layer draws no borders: they would grey the map, and
#: stroking is the costly part of drawing (EPCI map in headless Chromium on the CPU:
#: 14.8 s to a drawn map with borders, 6.3 s without; ``python -m bench.bench_browser``).
#: Régions and départements keep white borders; EPCI and communes get the département
#: outlines on top instead.
BORDERLESS_ABOVE = 1000

#: deck.gl/Mapbox world size at zoom 0, in pixels (512-pixel tiles).
WORLD_PX = 512


def _hex_to_rgb(colour: str) -> list[int]:
    c = colour.lstrip("#")
    return [int(c[i : i + 2], 16) for i in (0, 2, 4)]


def sequential_palette(k: int, higher_is_worse: bool | None) -> tuple[str, ...]:
    """``k`` colours from low to high values; the bad end is dark red when there is one.

    ``higher_is_worse=True``: YlOrRd (high = dark red); ``False``: YlOrRd reversed
    (low = dark red); ``None``: YlGnBu (no judgement implied).
    """
    if k < 1:
        return ()
    if k > 7:
        raise ValueError("7 classes au plus")
    scheme = YLGNBU if higher_is_worse is None else YLORRD
    if k == 1:
        colours: tuple[str, ...] = (scheme[3][2],)
    elif k == 2:
        colours = (scheme[3][0], scheme[3][2])
    else:
        colours = scheme[k]
    return tuple(reversed(colours)) if higher_is_worse is False else tuple(colours)


# --------------------------------------------------------------------------------------
# Value formatting by indicator kind (the ``kind`` field of analytics.indicators)
# --------------------------------------------------------------------------------------


def format_value(value: object, kind: str, decimals: int = 1) -> str:
    """A value as the legend and tooltip show it, by indicator kind (French format)."""
    if kind == "apl":
        return fmt.fmt_number(value, 2)
    if kind == "percent":  # stored as a ratio
        return fmt.fmt_percent(value, decimals=decimals)
    if kind == "signed":
        return fmt.fmt_signed(value, decimals=decimals)
    if kind == "int":
        return fmt.fmt_number(value, 0)
    if kind == "minutes":
        return fmt.fmt_minutes(value)
    return fmt.fmt_number(value, decimals)


def format_values(values: np.ndarray | Sequence[object], kind: str, decimals: int = 1) -> list[str]:
    """:func:`format_value` of many values, same strings, faster for fixed-point kinds.

    For ``apl``, ``int`` and plain numbers, Python's ``format`` (correctly rounded on the
    binary value) agrees with the decimal half-up rounding of :mod:`analytics.formatting`
    except next to a tie (``2.675``): those few values, and the other kinds, go through
    :func:`format_value`.
    """
    arr = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    if kind in ("percent", "signed", "minutes"):
        memo = _memo(lambda v: format_value(v, kind, decimals))
        return [memo(v) for v in arr.tolist()]
    d = 2 if kind == "apl" else 0 if kind == "int" else max(0, int(decimals))
    with np.errstate(invalid="ignore"):
        scaled = np.abs(arr) * 10.0**d
        near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    out = []
    for v, tie in zip(arr.tolist(), near_tie.tolist(), strict=True):
        if v != v or v in (math.inf, -math.inf):
            out.append(fmt.MISSING)
        elif tie:
            out.append(fmt.fmt_number(v, d))
        else:
            text = f"{abs(v):,.{d}f}".replace(",", fmt.THOUSANDS_SEP).replace(".", fmt.DECIMAL_SEP)
            negative = v < 0 and text.strip("0,\u202f") != ""
            out.append(fmt.MINUS + text if negative else text)
    return out


def _display_decimals(kind: str, decimals: int) -> int:
    """Decimals of the stored value that the display keeps (breaks are rounded to it)."""
    if kind == "apl":
        return 2
    if kind == "percent":
        return decimals + 2
    if kind in ("int", "minutes"):
        return 0
    return decimals


# --------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classes:
    """Classes of a choropleth.

    A value ``v`` belongs to class ``i`` when ``bounds[i] <= v < bounds[i + 1]``
    (lower bound inclusive); ``bounds`` has one more item than ``labels`` and starts
    at −∞ and ends at +∞. Missing or infinite values are class −1.
    """

    kind: str  # indicator kind: apl, int, float, percent, signed, minutes
    method: str  # apl (fixed thresholds), quantile or jenks
    bounds: tuple[float, ...]
    labels: tuple[str, ...]  # legend: "Sous-dense : moins de 2,5", "de 2,5 à moins de 4"
    names: tuple[str, ...]  # tooltip: "sous-dense" (APL) or the range
    colours: tuple[str, ...]  # "#rrggbb"
    counts: tuple[int, ...] = ()
    missing_count: int = 0
    decimals: int = 1
    higher_is_worse: bool | None = None
    missing_label: str = MISSING_LABEL
    missing_colour: str = MISSING_COLOUR

    @property
    def breaks(self) -> tuple[float, ...]:
        """The inner thresholds (``bounds`` without the infinite ends)."""
        return self.bounds[1:-1]

    def __len__(self) -> int:
        return len(self.labels)

    def assign(self, values: pd.Series | np.ndarray | Sequence[float]) -> np.ndarray:
        """Class index of each value, −1 when missing (NaN, None, ±inf)."""
        v = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce")
        arr = v.to_numpy(dtype=float, na_value=np.nan)
        if not self.labels:
            return np.full(arr.shape, -1, dtype=int)
        idx = np.searchsorted(np.asarray(self.breaks, dtype=float), arr, side="right")
        return np.where(np.isfinite(arr), idx, -1).astype(int)

    def format(self, value: object) -> str:
        """``value`` formatted like the legend (French, by indicator kind)."""
        return format_value(value, self.kind, self.decimals)

    def colour_rgb(self, index: int) -> list[int]:
        """RGB of class ``index`` (−1: the missing-data grey)."""
        return _hex_to_rgb(self.missing_colour if index < 0 else self.colours[index])

    def as_map_classes(self) -> list[tuple[float | None, float | None, str, str]]:
        """The classes as ``analytics.exports.MapClass`` tuples (for the static PNG map)."""
        out = []
        for i, label in enumerate(self.labels):
            lo, hi = self.bounds[i], self.bounds[i + 1]
            out.append(
                (
                    None if math.isinf(lo) else lo,
                    None if math.isinf(hi) else hi,
                    label,
                    self.colours[i],
                )
            )
        return out

    def with_counts(self, values: pd.Series | np.ndarray | Sequence[float]) -> Classes:
        """The same classes with ``counts`` recomputed on ``values``."""
        idx = self.assign(values)
        counts = tuple(int((idx == i).sum()) for i in range(len(self.labels)))
        return replace(self, counts=counts, missing_count=int((idx < 0).sum()))


def _short(x: float) -> str:
    """A threshold with no useless trailing zero: ``4.0`` → ``"4"``, ``2.5`` → ``"2,5"``."""
    decimals = next((d for d in range(4) if round(x, d) == x), 4)
    return fmt.fmt_number(x, decimals)


def _range_labels(breaks: Sequence[float], kind: str, decimals: int) -> tuple[str, ...]:
    f = lambda x: format_value(x, kind, decimals)  # noqa: E731
    if not breaks:
        return ("toutes les valeurs",)
    labels = [f"moins de {f(breaks[0])}"]
    labels += [f"de {f(a)} à moins de {f(b)}" for a, b in zip(breaks[:-1], breaks[1:], strict=True)]
    labels.append(f"{f(breaks[-1])} ou plus")
    return tuple(labels)


def jenks_breaks(values: np.ndarray | Sequence[float], k: int) -> list[float]:
    """Lower bounds of classes 2..k of Fisher–Jenks natural breaks (optimal 1-D k-means).

    Dynamic programme on the sorted values: ``D[j][b]`` is the least within-class sum of
    squared deviations of the first ``b`` values cut in ``j`` classes,
    ``D[j][b] = min_a D[j-1][a] + SSD(a, b)``, with ``SSD`` from prefix sums. Each
    returned break is the smallest data value of its class, so ``v >= break`` starts it.
    More than :data:`JENKS_SAMPLE` values are first replaced by that many evenly spaced
    quantiles (the usual sampled variant; exact on the sample).
    """
    data = np.sort(np.asarray(values, dtype=float))
    data = data[np.isfinite(data)]
    x = data
    if x.size > JENKS_SAMPLE:
        x = np.quantile(data, np.linspace(0.0, 1.0, JENKS_SAMPLE))
    n = x.size
    k = min(k, int(np.unique(x).size))
    if k <= 1 or n == 0:
        return []
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    a = np.arange(n + 1)[:, None]  # start (inclusive)
    b = np.arange(n + 1)[None, :]  # end (exclusive)
    with np.errstate(divide="ignore", invalid="ignore"):
        ssd = (s2[b] - s2[a]) - (s1[b] - s1[a]) ** 2 / (b - a)
    ssd = np.where(b > a, np.maximum(ssd, 0.0), np.inf)
    cost = ssd[0].copy()  # one class: x[0:b]
    choice = np.zeros((k, n + 1), dtype=int)
    for j in range(1, k):
        total = cost[:, None] + ssd  # rows: a, cols: b
        choice[j] = np.argmin(total, axis=0)
        cost = total[choice[j], np.arange(n + 1)]
    starts = []
    end = n
    for j in range(k - 1, 0, -1):
        start = choice[j][end]
        starts.append(start)
        end = start
    # A break lies between the last value of a class and the first of the next; with a
    # sample, the data between those two sampled values are cut at their widest gap
    # (exactly the sampled break without sampling).
    breaks = []
    for s in sorted(starts):
        lo = int(np.searchsorted(data, x[s - 1], side="left"))
        hi = int(np.searchsorted(data, x[s], side="right"))
        seg = data[lo:hi]
        breaks.append(float(seg[int(np.argmax(np.diff(seg))) + 1]) if seg.size > 1 else float(x[s]))
    return sorted(set(breaks))


def classify(
    values: pd.Series | np.ndarray | Sequence[float],
    indicator_kind: str,
    *,
    method: str = "quantile",
    k: int = 5,
    decimals: int = 1,
    higher_is_worse: bool | None = None,
) -> Classes:
    """Classes for ``values`` of an indicator of kind ``indicator_kind``.

    ``indicator_kind == "apl"`` gives the three fixed APL classes whatever ``method``;
    otherwise ``method`` is ``"quantile"`` (``k`` classes of equal counts, before the
    rounding of the breaks; when ties merge quantiles — many zeros — the quantiles of
    the distinct values are used) or ``"jenks"``. ``decimals`` and ``higher_is_worse`` are those
    of the indicator (:class:`analytics.indicators.Indicator`): the first sets the legend
    precision, the second the direction of the palette. Fewer than ``k`` classes come
    back when the data has fewer distinct (rounded) values.
    """
    arr = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    finite = arr[np.isfinite(arr)]
    if indicator_kind == "apl":
        lo_txt, hi_txt = _short(SEUIL_SOUS_DENSE), _short(SEUIL_INTERMEDIAIRE)
        classes = Classes(
            kind="apl",
            method="apl",
            bounds=(-math.inf, SEUIL_SOUS_DENSE, SEUIL_INTERMEDIAIRE, math.inf),
            labels=(
                f"Sous-dense : moins de {lo_txt}",
                f"Intermédiaire : de {lo_txt} à moins de {hi_txt}",
                f"Mieux doté : {hi_txt} ou plus",
            ),
            names=APL_NAMES,
            colours=APL_COLOURS,
            decimals=2,
            higher_is_worse=False,
        )
        return classes.with_counts(arr)
    if method not in ("quantile", "jenks"):
        raise ValueError(f"méthode de classification inconnue : {method!r}")
    if not 2 <= k <= 7:
        raise ValueError("entre 2 et 7 classes")
    if finite.size == 0:
        return Classes(
            kind=indicator_kind,
            method=method,
            bounds=(),
            labels=(),
            names=(),
            colours=(),
            missing_count=int(arr.size),
            decimals=decimals,
            higher_is_worse=higher_is_worse,
        )
    if method == "quantile":
        raw = np.quantile(finite, np.arange(1, k) / k).tolist()
    else:
        raw = jenks_breaks(finite, k)
    nd = _display_decimals(indicator_kind, decimals)
    lo = float(finite.min())
    breaks = sorted({round(b, nd) for b in raw if round(b, nd) > lo})
    if method == "quantile" and len(breaks) + 1 < k:
        # Heavy ties (many zeros) merge quantiles: cut the distinct values instead.
        distinct = np.unique(finite)
        raw = np.quantile(distinct, np.arange(1, k) / k).tolist()
        distinct_breaks = {round(b, nd) for b in raw if round(b, nd) > lo}
        merged = distinct_breaks | set(breaks)
        # Never more than k classes: the union may hold up to 2(k−1) breaks.
        breaks = sorted(merged if len(merged) < k else distinct_breaks)
    ranges = _range_labels(breaks, indicator_kind, decimals)
    classes = Classes(
        kind=indicator_kind,
        method=method,
        bounds=(-math.inf, *breaks, math.inf),
        labels=ranges,
        names=ranges,
        colours=sequential_palette(len(ranges), higher_is_worse),
        decimals=decimals,
        higher_is_worse=higher_is_worse,
    )
    return classes.with_counts(arr)


def legend_items(classes: Classes, *, include_missing: bool = True) -> list[dict[str, Any]]:
    """Legend entries ``{"label", "colour" ("#rrggbb"), "count"}``, low to high values.

    The missing-data entry (grey, « Donnée manquante ») comes last when some values are
    missing and ``include_missing`` is true. ``count`` is the number of territories
    counted by :func:`classify` (or :meth:`Classes.with_counts`).
    """
    items = [
        {"label": label, "colour": colour, "count": count}
        for label, colour, count in zip(
            classes.labels,
            classes.colours,
            classes.counts or (0,) * len(classes.labels),
            strict=True,
        )
    ]
    if include_missing and classes.missing_count:
        items.append(
            {
                "label": classes.missing_label,
                "colour": classes.missing_colour,
                "count": classes.missing_count,
            }
        )
    return items


# --------------------------------------------------------------------------------------
# View fitting
# --------------------------------------------------------------------------------------


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0511), -85.0511)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def view_for_bbox(
    minx: float,
    miny: float,
    maxx: float,
    maxy: float,
    *,
    width: int = 700,
    height: int = 500,
    padding: float = 0.05,
    max_zoom: float = 13.0,
) -> pdk.ViewState:
    """The Web Mercator view that fits a lon/lat bbox in a ``width``×``height`` px map.

    deck.gl's world is 512 px wide at zoom 0 and doubles per zoom level; the zoom is the
    largest that fits both dimensions with ``padding`` (share of each side) left free.
    """
    dx = max(maxx - minx, 1e-9)
    y0, y1 = _merc_y(miny), _merc_y(maxy)
    dy = max(y1 - y0, 1e-9)
    usable = 1.0 - 2.0 * padding
    zoom_x = math.log2(width * usable * 360.0 / (WORLD_PX * dx))
    zoom_y = math.log2(height * usable * 2.0 * math.pi / (WORLD_PX * dy))
    zoom = max(0.0, min(zoom_x, zoom_y, max_zoom))
    lat = math.degrees(2.0 * math.atan(math.exp((y0 + y1) / 2.0)) - math.pi / 2.0)
    return pdk.ViewState(
        longitude=round((minx + maxx) / 2.0, 5),
        latitude=round(lat, 5),
        zoom=round(zoom, 2),
        pitch=0,
        bearing=0,
    )


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


# Every byte that cannot be part of a number becomes a space ("e"/"E" kept for exponents).
_NOT_NUMBER = bytes(c if chr(c) in "0123456789.-+eE" else 0x20 for c in range(256))


def _coordinates(geometries: pd.Series | Sequence[str]) -> np.ndarray:
    """All (lon, lat) vertices of GeoJSON geometry strings, as an ``(n, 2)`` array.

    The numbers of a geometry's JSON are exactly its coordinates; a byte translation and
    a split read them 2× faster than a regular expression (which stays the fallback).
    """
    text = ",".join(g for g in geometries if isinstance(g, str))
    tokens = [t for t in text.encode().translate(_NOT_NUMBER).split() if t not in (b"e", b"E")]
    try:
        nums = np.array(tokens, dtype=float)
    except ValueError:
        nums = np.array(_NUMBER.findall(text), dtype=float)
    return nums.reshape(-1, 2)


def features_bbox(features: pd.DataFrame, *, trim_degrees: float = 20.0) -> tuple[float, ...]:
    """Bbox of the features, leaving out what lies far from the bulk of them.

    Parts more than ``trim_degrees`` from the median are ignored, so a national map fits
    metropolitan France and Corsica rather than the whole globe (the DROM and COM are
    shown on their own). Uses the ``minx``/``miny``/``maxx``/``maxy`` columns of
    :func:`analytics.geometry.prepare_features` when present (territory centres are then
    trimmed), else reads every vertex of ``geometry_json`` (vertices are trimmed).
    """
    if {"minx", "miny", "maxx", "maxy"} <= set(features.columns):
        b = features[["minx", "miny", "maxx", "maxy"]].to_numpy(dtype=float)
        b = b[np.isfinite(b).all(axis=1)]
        x, y = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    else:
        xy = _coordinates(features["geometry_json"])
        b = np.hstack([xy, xy])
        x, y = xy[:, 0], xy[:, 1]
    if b.size == 0:
        raise ValueError("aucune géométrie pour cadrer la carte")
    near = np.hypot(x - np.median(x), y - np.median(y)) <= trim_degrees
    b = b[near] if near.any() else b
    return (
        float(b[:, 0].min()),
        float(b[:, 1].min()),
        float(b[:, 2].max()),
        float(b[:, 3].max()),
    )


# --------------------------------------------------------------------------------------
# Deck
# --------------------------------------------------------------------------------------


class RawJSON:
    """A JSON text to be inserted verbatim by :meth:`CompactDeck.to_json`.

    The geometries come from the database as compact GeoJSON strings; parsing them into
    Python lists only to serialise them again costs more than the rest of the map
    (≈ 1 s for the 35,000 communes). ``value()`` gives the parsed object when needed.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def value(self) -> Any:
        """The parsed JSON value."""
        return json.loads(self.text)

    def to_dict(self, orient: str | None = None) -> Any:
        """The parsed value: lets pydeck's own serialiser (``pydeck.Deck.to_json``,
        which falls back on ``to_dict`` for objects without ``__dict__``) write it too."""
        return self.value()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawJSON) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"RawJSON({self.text[:40]!r}…)"


_RAW_TOKEN = re.compile(r'"\\u0000(\d+)\\u0000"')


class CompactDeck(pdk.Deck):
    """A :class:`pydeck.Deck` with a compact ``to_json`` (what Streamlit sends).

    pydeck's ``to_json`` indents by 2 spaces (every coordinate of a polygon on its own
    indented line: 4× the bytes for a commune map) and escapes non-ASCII characters.
    This one writes the same JSON object without whitespace, in UTF-8, and inserts
    :class:`RawJSON` values (the geometries) verbatim.
    """

    def to_json(self) -> str:
        """The deck as compact JSON (same keys and values as ``pydeck.Deck.to_json``)."""
        return compact_json(self)


def compact_json(obj: Any) -> str:
    """``obj`` as compact UTF-8 JSON, :class:`RawJSON` values inserted verbatim, pydeck
    objects as pydeck serialises them (keys sorted)."""
    raw: list[str] = []

    def default(o: Any) -> Any:
        if isinstance(o, RawJSON):
            raw.append(o.text)
            return f"\x00{len(raw) - 1}\x00"
        return default_serialize(o)

    text = json.dumps(
        obj, sort_keys=True, default=default, separators=(",", ":"), ensure_ascii=False
    )
    if not raw:
        return text
    return _RAW_TOKEN.sub(lambda m: raw[int(m.group(1))], text)


def payload_size(deck: pdk.Deck) -> int:
    """Bytes of ``deck.to_json()`` in UTF-8: what Streamlit sends to the browser."""
    return len(deck.to_json().encode("utf-8"))


def _unit_suffix(unit: str, kind: str) -> str:
    if not unit or unit == "%" or kind in ("percent", "minutes"):
        return ""
    return f"\u00a0{unit}"


def _tooltip(
    indicator_label: str, source: str, vintage: str, extra: Sequence[str]
) -> dict[str, Any]:
    lines = ["{nom}", f"{indicator_label} : {{valeur}}", "Classe : {classe}"]
    lines.append("Population : {population}")
    lines += [f"{label} : {{x{i}}}" for i, label in enumerate(extra)]
    source_line = f"Source : {source}" if source else ""
    if vintage:
        source_line = (
            f"{source_line}, millésime {vintage}" if source_line else f"Millésime {vintage}"
        )
    if source_line:
        lines.append(source_line)
    return {
        "text": "\n".join(lines),
        "style": {
            "backgroundColor": "#ffffff",
            "color": "#222222",
            "fontSize": "12px",
            "border": "1px solid #999999",
            "padding": "6px 8px",
        },
    }


def _line_layer(
    layer_id: str, geometries: Sequence[str], colour: Sequence[int], width_px: float
) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        id=layer_id,
        data=[{"type": "Feature", "geometry": RawJSON(g), "properties": {}} for g in geometries],
        filled=False,
        stroked=True,
        pickable=False,
        get_line_color=list(colour),
        get_line_width=0,
        line_width_min_pixels=width_px,
    )


def _memo(func: Callable[[Any], str]) -> Callable[[Any], str]:
    """``func`` with a per-call cache on hashable arguments (NaN and None share ``n.d.``)."""
    cache: dict[Any, str] = {}

    def call(x: Any) -> str:
        try:
            key = None if x is None or x is pd.NA or (isinstance(x, float) and x != x) else x
            hit = cache.get(key)
        except TypeError:  # unhashable
            return func(x)
        if hit is None:
            hit = cache[key] = func(x)
        return hit

    return call


def _fmt_population(x: Any) -> str:
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return f"{int(x):,}".replace(",", fmt.THOUSANDS_SEP).replace("-", fmt.MINUS)
    return fmt.fmt_int(x)


def _view(view: Mapping[str, float]) -> pdk.ViewState:
    lat = view.get("lat", view.get("latitude"))
    lon = view.get("lon", view.get("longitude"))
    if lat is None or lon is None:
        raise ValueError("la vue doit donner lat, lon et zoom")
    return pdk.ViewState(
        latitude=float(lat), longitude=float(lon), zoom=float(view.get("zoom", 5)), pitch=0
    )


def build_choropleth(
    features: pd.DataFrame,
    data: pd.DataFrame,
    *,
    classes: Classes,
    indicator_label: str,
    unit: str = "",
    vintage: str = "",
    source: str = "DREES",
    outlines: Sequence[pd.DataFrame] | None = None,
    highlight_code: str | None = None,
    view: Mapping[str, float] | None = None,
    points: pd.DataFrame | None = None,
    map_style: str | None = None,
    extra_tooltip: Mapping[str, str] | None = None,
    width: int = 700,
    height: int = 500,
) -> CompactDeck:
    """A choropleth of ``data['value']`` over ``features``, classed by ``classes``.

    Parameters
    ----------
    features
        ``code``, ``geometry_json`` (as stored by the build; optional bbox columns speed
        up the fitting). Every feature is drawn; one without data is grey, « n.d. ».
    data
        ``code``, ``nom``, ``value``, ``population`` and any columns named in
        ``extra_tooltip``. Codes are matched as strings; data rows without a geometry are
        not drawn.
    classes
        From :func:`classify` (its ``kind`` formats the values).
    indicator_label, unit, vintage, source
        Tooltip text: ``"{nom}\\nAPL 2023 : 2,31\\nClasse : sous-dense\\nPopulation :
        1 234\\nSource : DREES, millésime 2023"``.
    outlines
        Context boundaries drawn as lines over the fill, each a ``code``/``geometry_json``
        frame, thin grey for the first, darker and thicker for the next (e.g.
        ``[departements, regions]``).
    highlight_code
        Territory outlined thick black over a white halo; looked up in ``features``, then
        in ``outlines``.
    view
        ``{"lat", "lon", "zoom"}``; by default the view fits the features
        (:func:`features_bbox`, :func:`view_for_bbox` with ``width``×``height``).
    points
        Optional point layer: ``lon``, ``lat`` and ``count`` (disc area proportional to
        ``count``; not pickable, so the tooltip stays the territory's).
    map_style
        ``None``: no basemap tiles at all (``map_provider=None``; Streamlit then adds no
        tiles either, see its ``DeckGlJsonChart``): the map reads on the page background
        with its outlines. Otherwise a pydeck style name or URL with the Carto provider.
    extra_tooltip
        ``{column: label}`` of more ``data`` columns to show in the tooltip (numbers
        formatted in French).
    """
    features = features[features["geometry_json"].notna()]
    data = data.copy()
    data["code"] = data["code"].astype(str)
    data = data.drop_duplicates("code").set_index("code")
    codes = features["code"].astype(str).to_numpy()

    def column(name: str) -> np.ndarray:
        if name not in data.columns:
            return np.full(len(codes), None, dtype=object)
        return data[name].reindex(codes).to_numpy(dtype=object)

    values = column("value")
    idx = classes.assign(values)
    noms = column("nom")
    if "nom" in features.columns:
        noms = np.where(pd.isna(noms), features["nom"].to_numpy(dtype=object), noms)
    noms = np.where(pd.isna(noms), codes, noms)
    pops = column("population")
    suffix = _unit_suffix(unit, classes.kind)
    extra = list((extra_tooltip or {}).items())
    extra_cols = [column(c) for c, _ in extra]
    colour_cache = {i: classes.colour_rgb(i) for i in range(-1, len(classes))}
    names = {i: classes.names[i] for i in range(len(classes))}

    # Formatting goes through analytics.formatting (decimal half-up rounding, so the map
    # shows the same digits as the tables); repeated values are formatted once.
    value_texts = format_values(values, classes.kind, classes.decimals)
    pop_text = _memo(_fmt_population)
    extra_text = _memo(lambda x: x if isinstance(x, str) else fmt.fmt_number(x, 1))
    feats: list[dict[str, Any]] = []
    for row, (code, geom, nom, value, pop, k) in enumerate(
        zip(codes, features["geometry_json"], noms, value_texts, pops, idx.tolist(), strict=True)
    ):
        props: dict[str, Any] = {
            "code": code,
            "nom": str(nom),
            "valeur": value + suffix if k >= 0 else value,
            "population": pop_text(pop),
            "classe": names.get(k, classes.missing_label),
            "f": colour_cache[k],
        }
        for i, col in enumerate(extra_cols):
            props[f"x{i}"] = extra_text(col[row])
        feats.append({"type": "Feature", "geometry": RawJSON(geom), "properties": props})

    many = len(feats) > BORDERLESS_ABOVE
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            id="choroplethe",
            data=feats,
            pickable=True,
            auto_highlight=True,
            highlight_color=[0, 0, 0, 60],
            filled=True,
            stroked=not many,
            get_fill_color="properties.f",
            get_line_color=[255, 255, 255],
            get_line_width=0,
            line_width_min_pixels=0.5,
        )
    ]
    for i, outline in enumerate(outlines or ()):
        colour = [99, 99, 99] if i == 0 else [37, 37, 37]
        layers.append(
            _line_layer(f"contours_{i}", outline["geometry_json"].tolist(), colour, 0.8 + 0.7 * i)
        )
    if points is not None and not points.empty:
        counts = pd.to_numeric(points["count"], errors="coerce").fillna(0).clip(lower=0)
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                id="points",
                data=[
                    {
                        "p": [round(float(x), 5), round(float(y), 5)],
                        "r": round(200 * math.sqrt(c), 1),
                    }
                    for x, y, c in zip(points["lon"], points["lat"], counts, strict=True)
                ],
                get_position="p",
                get_radius="r",
                radius_min_pixels=1,  # national zoom: a pixel, not a blot over the colours
                radius_max_pixels=25,
                get_fill_color=[37, 37, 37, 150],
                stroked=True,
                get_line_color=[255, 255, 255],
                line_width_min_pixels=0.5,
                pickable=False,
            )
        )
    if highlight_code is not None:
        hl = features.loc[codes == str(highlight_code), "geometry_json"].tolist()
        for outline in outlines or ():
            if hl:
                break
            hl = outline.loc[
                outline["code"].astype(str).to_numpy() == str(highlight_code), "geometry_json"
            ].tolist()
        if hl:
            layers.append(_line_layer("surbrillance_halo", hl, [255, 255, 255], 6))
            layers.append(_line_layer("surbrillance", hl, [0, 0, 0], 3))

    if view is not None:
        view_state = _view(view)
    else:
        view_state = view_for_bbox(*features_bbox(features), width=width, height=height)

    tooltip = _tooltip(indicator_label, source, vintage, [label for _, label in extra])
    if map_style is None:
        return CompactDeck(
            layers=layers,
            initial_view_state=view_state,
            map_provider=None,
            tooltip=tooltip,
        )
    return CompactDeck(
        layers=layers, initial_view_state=view_state, map_style=map_style, tooltip=tooltip
    )


# --------------------------------------------------------------------------------------
# Static export
# --------------------------------------------------------------------------------------


def _feature_collection(frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": json.loads(g), "properties": {"code": str(c)}}
            for c, g in zip(frame["code"], frame["geometry_json"], strict=True)
            if isinstance(g, str)
        ],
    }


def static_png(
    features: pd.DataFrame,
    data: pd.DataFrame,
    *,
    classes: Classes,
    title: str,
    source_line: str,
    outlines: pd.DataFrame | None = None,
    legend_title: str | None = None,
    width_px: int = 1200,
    date: Any = None,
) -> bytes:
    """The choropleth of :func:`build_choropleth` as a PNG with legend, source and date
    (``date``: today by default).

    Same inputs (``code``/``geometry_json`` features, ``code``/``value`` data, the same
    classes), rendered on the server by :func:`analytics.exports.map_png`: the file is the
    same for every user and needs no browser nor tiles.
    """
    from analytics.exports import map_png

    values = pd.Series(
        pd.to_numeric(data["value"], errors="coerce").to_numpy(),
        index=data["code"].astype(str),
    )
    return map_png(
        _feature_collection(features),
        values,
        classes=classes.as_map_classes(),
        title=title,
        source_line=source_line,
        outlines=None if outlines is None or outlines.empty else _feature_collection(outlines),
        legend_title=legend_title,
        width_px=width_px,
        date=date,
    )
