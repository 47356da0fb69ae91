"""Choropleth maps with pydeck: classes, colour-blind-safe palettes, legend, view fitting.

Pure module: DataFrames in, a :class:`pydeck.Deck` out; no Streamlit, no file access.

Classes, palettes and legend counts come from :mod:`analytics.classes` (one type shared
by this map, the static PNG of :mod:`analytics.exports` and the PDF report); values are
formatted by :func:`analytics.formatting.format_value`, the one formatter per indicator.

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
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from analytics import formatting as fmt
from analytics.classes import (  # noqa: F401 - the map's public names, re-exported
    APL_COLOURS,
    APL_NAMES,
    METHODS,
    MISSING_COLOUR,
    MISSING_LABEL,
    Classes,
    classify,
    jenks_breaks,
    legend_items,
    sequential_palette,
)
from analytics.formatting import format_value, format_values  # noqa: F401 - re-exported

#: Above this many polygons, the fill layer draws no borders: they would grey the map, and
#: stroking is the costly part of drawing (EPCI map in headless Chromium on the CPU:
#: 14.8 s to a drawn map with borders, 6.3 s without; ``python -m bench.bench_browser``).
#: Régions and départements keep white borders; EPCI and communes get the département
#: outlines on top instead.
BORDERLESS_ABOVE = 1000

#: deck.gl/Mapbox world size at zoom 0, in pixels (512-pixel tiles).
WORLD_PX = 512


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
    classes, whose legend counts it shows), rendered on the server by
    :func:`analytics.exports.map_png`: the file is the same for every user and needs no
    browser nor tiles.
    """
    from analytics.exports import map_png

    values = pd.Series(
        pd.to_numeric(data["value"], errors="coerce").to_numpy(),
        index=data["code"].astype(str),
    )
    return map_png(
        _feature_collection(features),
        values,
        classes=classes,
        title=title,
        source_line=source_line,
        outlines=None if outlines is None or outlines.empty else _feature_collection(outlines),
        legend_title=legend_title,
        width_px=width_px,
        date=date,
    )
