"""Static choropleth maps as PNG: title, legend, source and date inside the picture.

Drawn with Pillow from the GeoJSON polygons, without web tiles and without a browser, so
they work offline and for 35,000 communes. Classes, colours and legend counts are those
of :class:`analytics.classes.Classes` — the same object the interactive map and the PDF
use, so the « Donnée manquante » count is the one shown on screen.

Why Pillow rather than geopandas + matplotlib: both renderers draw the same map (fills,
borders, outlines, legend with the classes' counts, title, footer) in
``python -m bench.bench_exports``; medians on the 2-core reference machine (busy):
the Drôme's 362 communes 0,27 s (Pillow) vs 1,22 s (geopandas, 4,6×), the Seine-Maritime's
707 communes 0,22 s vs 1,09 s (5,0×), the 34,969 communes of France 2,0 s vs 15,0 s (7,4×;
building the GeoDataFrame alone takes longer than the whole Pillow map). The output being
equivalent, the faster is kept; the geopandas renderer stays in the benchmark as its peer.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from analytics.classes import Classes, legend_items
from analytics.exports.common import footer_text, load_font, wrap_words
from analytics.formatting import fmt_int

# Where each part of France lies (lon min, lon max, lat min, lat max), to draw the
# overseas territories as insets beside metropolitan France. Located by coordinates rather
# than by code so it works at every level (commune, EPCI, département, région).
_TERRITORIES: tuple[tuple[str, tuple[float, float, float, float], bool], ...] = (
    # (name, box, always drawn when mixed with others: the DROM; COM only with data)
    ("France métropolitaine", (-6.0, 11.0, 41.0, 52.0), True),
    ("Guadeloupe", (-62.0, -60.8, 15.7, 16.7), True),
    ("Martinique", (-61.4, -60.7, 14.2, 15.0), True),
    ("Guyane", (-55.0, -51.0, 1.5, 6.5), True),
    ("La Réunion", (55.0, 56.0, -21.6, -20.6), True),
    ("Mayotte", (44.8, 45.5, -13.2, -12.5), True),
    ("Saint-Pierre-et-Miquelon", (-56.6, -56.0, 46.6, 47.3), False),
    ("Saint-Barthélemy", (-63.0, -62.75, 17.8, 18.0), False),
    ("Saint-Martin", (-63.2, -62.95, 18.0, 18.2), False),
    ("Wallis-et-Futuna", (-178.5, -175.5, -14.7, -12.9), False),
    ("Polynésie française", (-155.0, -134.0, -28.5, -7.0), False),
    ("Nouvelle-Calédonie", (158.0, 172.0, -23.5, -17.5), False),
)
_OTHER_TERRITORY = "Autres territoires"
_SUPERSAMPLE = 2  # polygons are drawn at 2× and reduced: cheap anti-aliasing


def _iter_polygons(geometry: Mapping[str, Any] | None) -> Iterator[Sequence[Any]]:
    if not geometry:
        return
    kind = geometry.get("type")
    if kind == "Polygon":
        yield geometry["coordinates"]
    elif kind == "MultiPolygon":
        yield from geometry["coordinates"]
    elif kind == "GeometryCollection":
        for g in geometry.get("geometries", []):
            yield from _iter_polygons(g)


def _iter_lines(geometry: Mapping[str, Any] | None) -> Iterator[Sequence[Any]]:
    if not geometry:
        return
    kind = geometry.get("type")
    if kind == "LineString":
        yield geometry["coordinates"]
    elif kind == "MultiLineString":
        yield from geometry["coordinates"]
    elif kind in ("Polygon", "MultiPolygon", "GeometryCollection"):
        for polygon in _iter_polygons(geometry):
            yield from polygon
    if kind == "GeometryCollection":
        for g in geometry.get("geometries", []):
            if g.get("type") in ("LineString", "MultiLineString"):
                yield from _iter_lines(g)


def _territory_index(lon: float, lat: float) -> int:
    """Index in :data:`_TERRITORIES` of the box holding the point (``len`` if none)."""
    for i, (_name, (x0, x1, y0, y1), _always) in enumerate(_TERRITORIES):
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            return i
    return len(_TERRITORIES)


def _territory_name(index: int) -> str:
    return _TERRITORIES[index][0] if index < len(_TERRITORIES) else _OTHER_TERRITORY


@dataclass
class _Polygons:
    """Every polygon of a FeatureCollection in one coordinate array.

    Holding all rings in one array lets bounding boxes, territories and the projection be
    computed with a few numpy calls instead of a few per polygon (35,000 communes).
    Rings are stored polygon by polygon, exterior first.
    """

    codes: list[str]  # one per feature that has at least one polygon
    xy: np.ndarray  # (n_points, 2) longitude, latitude
    ring_start: list[int]  # first point of each ring
    ring_end: list[int]  # one past its last point
    poly_feature: np.ndarray  # feature index of each polygon
    poly_first_ring: list[int]  # exterior ring of each polygon, plus a final sentinel
    ring_bbox: np.ndarray  # (n_rings, 4): lon min, lat min, lon max, lat max
    ring_mean: np.ndarray  # (n_rings, 2): mean lon, mean lat

    @property
    def poly_bbox(self) -> np.ndarray:
        return self.ring_bbox[self.poly_first_ring[:-1]]

    @property
    def poly_area(self) -> np.ndarray:
        """Area of each polygon's exterior bounding box (degrees²), to order the drawing."""
        b = self.poly_bbox
        return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])

    def feature_territory(self) -> np.ndarray:
        """Territory index of each feature, from the mean point of its first exterior."""
        first_poly = np.searchsorted(self.poly_feature, np.arange(len(self.codes)))
        means = self.ring_mean[np.asarray(self.poly_first_ring)[first_poly]]
        out = np.full(len(self.codes), len(_TERRITORIES))
        for i, (_name, (x0, x1, y0, y1), _always) in reversed(list(enumerate(_TERRITORIES))):
            inside = (means[:, 0] >= x0) & (means[:, 0] <= x1)
            inside &= (means[:, 1] >= y0) & (means[:, 1] <= y1)
            out[inside] = i  # reversed: the first matching box wins
        return out

    def bbox(self, poly_mask: np.ndarray) -> tuple[float, float, float, float]:
        b = self.poly_bbox[poly_mask]
        return (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())

    def project(self, poly_territory: np.ndarray, frames: Mapping[int, _Frame]) -> np.ndarray:
        """Pixel coordinates of every point, each territory with its own frame."""
        lengths = np.diff(self.poly_first_ring)
        ring_territory = np.repeat(poly_territory, lengths)
        point_territory = np.repeat(
            ring_territory, np.asarray(self.ring_end) - np.asarray(self.ring_start)
        )
        out = np.zeros_like(self.xy)
        for t, frame in frames.items():
            mask = point_territory == t
            out[mask] = frame.project(self.xy[mask])
        return out


def _collect_polygons(features: Mapping[str, Any]) -> _Polygons:
    codes: list[str] = []
    rings: list[Sequence[Any]] = []
    poly_feature: list[int] = []
    poly_first_ring: list[int] = []
    for feature in features.get("features", []):
        before = len(poly_feature)
        for polygon in _iter_polygons(feature.get("geometry")):
            if not polygon or len(polygon[0]) < 3:
                continue  # no exterior ring: nothing to fill
            poly_feature.append(len(codes))
            poly_first_ring.append(len(rings))
            rings.extend(ring for ring in polygon if len(ring) >= 3)
        if len(poly_feature) > before:
            codes.append(str((feature.get("properties") or {}).get("code", "")))
    if not codes:
        raise ValueError("Aucun polygone à dessiner dans les contours fournis.")
    poly_first_ring.append(len(rings))
    lengths = np.fromiter((len(r) for r in rings), dtype=np.int64, count=len(rings))
    try:
        xy = np.array(list(chain.from_iterable(rings)), dtype=float)
    except ValueError:  # positions of mixed dimension (some with an altitude)
        xy = np.array([p[:2] for r in rings for p in r], dtype=float)
    xy = np.ascontiguousarray(xy[:, :2])
    ends = np.cumsum(lengths)
    starts = ends - lengths
    x, y = xy[:, 0], xy[:, 1]
    ring_bbox = np.column_stack(
        [
            np.minimum.reduceat(x, starts),
            np.minimum.reduceat(y, starts),
            np.maximum.reduceat(x, starts),
            np.maximum.reduceat(y, starts),
        ]
    )
    ring_mean = np.column_stack(
        [np.add.reduceat(x, starts) / lengths, np.add.reduceat(y, starts) / lengths]
    )
    return _Polygons(
        codes=codes,
        xy=xy,
        ring_start=starts.tolist(),
        ring_end=ends.tolist(),
        poly_feature=np.asarray(poly_feature),
        poly_first_ring=poly_first_ring,
        ring_bbox=ring_bbox,
        ring_mean=ring_mean,
    )


def _wrap_px(text: str, font: Any, max_width: float) -> list[str]:
    return wrap_words(text, lambda line: font.getlength(line) <= max_width)


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    from PIL import ImageColor

    rgb = ImageColor.getrgb(colour)
    return rgb[0], rgb[1], rgb[2]


@dataclass
class _Frame:
    """Projection of one territory into a pixel box (equirectangular at the mean latitude)."""

    lon0: float
    lat_top: float
    kx: float  # pixels per degree of longitude
    ky: float  # pixels per degree of latitude
    ox: float
    oy: float

    @classmethod
    def fit(
        cls, bbox: tuple[float, float, float, float], box: tuple[float, float, float, float]
    ) -> _Frame:
        """Fit ``bbox`` (lon/lat) centred in ``box`` (x, y, w, h pixels)."""
        x0, y0, x1, y1 = bbox
        # cos(latitude) keeps shapes right at the territory's latitude (France: < 4 % error
        # across its extent for a département, ~15 % for the whole metropole).
        c = math.cos(math.radians((y0 + y1) / 2))
        w_deg = max((x1 - x0) * c, 1e-9)
        h_deg = max(y1 - y0, 1e-9)
        bx, by, bw, bh = box
        k = min(bw / w_deg, bh / h_deg)
        ox = bx + (bw - w_deg * k) / 2
        oy = by + (bh - h_deg * k) / 2
        return cls(lon0=x0, lat_top=y1, kx=k * c, ky=k, ox=ox, oy=oy)

    def project(self, ring: np.ndarray) -> np.ndarray:
        out = np.empty_like(ring)
        out[:, 0] = self.ox + (ring[:, 0] - self.lon0) * self.kx
        out[:, 1] = self.oy + (self.lat_top - ring[:, 1]) * self.ky
        return out


def _aspect(bbox: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = bbox
    c = math.cos(math.radians((y0 + y1) / 2))
    return max(y1 - y0, 1e-9) / max((x1 - x0) * c, 1e-9)


def map_png(
    features: Mapping[str, Any],
    values: pd.Series,
    *,
    classes: Classes,
    title: str,
    source_line: str,
    date: dt.date | str | None = None,
    outlines: Mapping[str, Any] | None = None,
    width_px: int = 1200,
    legend_title: str | None = None,
) -> bytes:
    """A static choropleth PNG, ``width_px`` wide, with title, legend, source and date.

    ``features`` is a GeoJSON FeatureCollection (WGS84 lon/lat) whose properties hold a
    ``code``; ``values`` a Series indexed by the same codes (as strings). Each area is
    filled with the colour of its class (:meth:`Classes.assign`); areas without a value in
    the missing-data grey. The legend shows ``classes``' own entries and counts
    (:func:`analytics.classes.legend_items`): the counts of every territory classified,
    as on screen, including those of overseas collectivities not drawn (named in the
    footer). ``outlines`` (e.g. the EPCI or
    département borders) are drawn as dark lines on top. Polygons and MultiPolygons are
    supported, holes included.

    When the areas span metropolitan France and overseas territories, the overseas ones
    are drawn as insets on the left (the DROM always, the COM only when one of their areas
    has a value — others are listed as not shown in the footer). No web tiles, no browser:
    ~0.3 s for a département of 700 communes, ~2–3 s for the 35,000 communes.
    """
    from PIL import Image, ImageDraw

    if not len(classes) and not classes.missing_count:
        raise ValueError("La carte demande au moins une classe de valeurs.")
    # Text keeps its nominal size on narrow maps (readable when printed small) and
    # grows with wide ones.
    scale = max(1.0, width_px / 1200)
    series = pd.to_numeric(values, errors="coerce")
    series.index = series.index.astype(str)
    series = series[~series.index.duplicated(keep="first")]

    # -- features → one coordinate array, a class per feature, a territory per polygon ---
    polys = _collect_polygons(features)
    feature_values = series.reindex(polys.codes).to_numpy(dtype=float, na_value=np.nan)
    feature_class = classes.assign(feature_values)
    feature_territory = polys.feature_territory()
    present = sorted(set(feature_territory.tolist()))
    always = {i for i, (_name, _box, flag) in enumerate(_TERRITORIES) if flag}
    omitted: list[int] = []
    if len(present) > 1:
        for t in present:
            if t not in always and np.all(feature_class[feature_territory == t] < 0):
                omitted.append(t)
    shown = [t for t in present if t not in omitted]
    n_shown = {t: int((feature_territory == t).sum()) for t in shown}
    main = max(shown, key=lambda t: (t == 0, n_shown[t]))  # 0: France métropolitaine
    insets = [t for t in shown if t != main]
    poly_territory = feature_territory[polys.poly_feature]
    bboxes = {t: polys.bbox(poly_territory == t) for t in shown}

    # -- layout (final pixels) ----------------------------------------------------------
    pad = round(24 * scale)
    title_font = load_font(round(26 * scale), bold=True)
    text_font = load_font(round(16 * scale))
    small_font = load_font(round(13 * scale))
    # Wide maps put the legend on the right; narrow ones (a report's inset) under the map.
    legend_right = width_px >= 900
    if legend_right:
        legend_w = round(340 * scale)
        map_w = width_px - legend_w - 3 * pad
    else:
        legend_w = width_px - 2 * pad
        map_w = width_px - 2 * pad
    inset_cols = math.ceil(len(insets) / 6) if insets else 0
    inset_w = round(map_w * 0.15) if insets else 0
    main_w = map_w - inset_cols * (inset_w + pad // 2)
    map_h = round(main_w * _aspect(bboxes[main]))
    map_h = int(min(max(map_h, 0.45 * map_w), 1.25 * map_w))

    title_lines = _wrap_px(title, title_font, width_px - 2 * pad)
    title_line_h = round(34 * scale)
    title_h = title_line_h * len(title_lines)

    entries = [(i["label"], i["colour"], int(i["count"])) for i in legend_items(classes)]
    swatch_w, swatch_h = round(28 * scale), round(18 * scale)
    entry_h = round(28 * scale)
    # Two legend columns only when each has room for « Intermédiaire : de 2,5 à moins de 4 ».
    legend_cols = 1 if legend_right or width_px < 800 else 2
    legend_rows = math.ceil(len(entries) / legend_cols)
    legend_title_lines = _wrap_px(legend_title, text_font, legend_w) if legend_title else []
    legend_title_h = len(legend_title_lines) * round(22 * scale)
    if legend_title_lines:
        legend_title_h += round(6 * scale)
    legend_h = legend_title_h + legend_rows * entry_h

    foot = footer_text(source_line, date)
    if omitted:
        foot += " · Non représentés (sans donnée) : " + ", ".join(
            _territory_name(t) for t in omitted
        )
    footer_lines = _wrap_px(foot, small_font, width_px - 2 * pad)
    footer_h = round(18 * scale) * len(footer_lines)

    map_x, map_y = pad, pad + title_h + pad // 2
    if legend_right:
        body_h = max(map_h, legend_h)
        legend_x, legend_y = map_x + map_w + pad, map_y
    else:
        body_h = map_h + pad // 2 + legend_h
        legend_x, legend_y = pad, map_y + map_h + pad // 2
    height = map_y + body_h + pad // 2 + footer_h + pad

    # -- polygons, drawn at 2× then reduced ---------------------------------------------
    s = _SUPERSAMPLE
    layer = Image.new("RGB", (map_w * s, map_h * s), "white")
    draw = ImageDraw.Draw(layer)
    frames: dict[int, _Frame] = {}
    main_x = inset_cols * (inset_w + pad // 2)
    frames[main] = _Frame.fit(bboxes[main], (main_x * s, 0, main_w * s, map_h * s))
    label_h = round(18 * scale)
    inset_boxes: list[tuple[str, tuple[int, int, int, int]]] = []
    if insets:
        per_col = math.ceil(len(insets) / inset_cols)
        box_h = map_h // per_col
        for i, t in enumerate(insets):
            col, row = divmod(i, per_col)
            bx, by = col * (inset_w + pad // 2), row * box_h
            inner = (bx + 4, by + label_h + 4, inset_w - 8, box_h - label_h - 12)
            frames[t] = _Frame.fit(
                bboxes[t], (inner[0] * s, inner[1] * s, inner[2] * s, inner[3] * s)
            )
            inset_boxes.append((_territory_name(t), (bx, by, inset_w, box_h - 6)))

    flat = polys.project(poly_territory, frames).ravel().tolist()
    fills = [_hex_rgb(c) for c in classes.colours]
    missing_rgb = _hex_rgb(classes.missing_colour)
    poly_colour = [
        fills[k] if k >= 0 else missing_rgb for k in feature_class[polys.poly_feature].tolist()
    ]
    to_draw = np.flatnonzero(np.isin(poly_territory, shown))
    # Borders between areas help up to a few thousand areas; beyond, they grey the map.
    edge = (255, 255, 255) if len(to_draw) <= 5000 else None
    # Larger polygons first: an enclave (smaller, inside its neighbour's hole) comes after.
    to_draw = to_draw[np.argsort(-polys.poly_area[to_draw], kind="stable")]
    starts, ends, first_ring = polys.ring_start, polys.ring_end, polys.poly_first_ring
    for p in to_draw.tolist():
        r0, r1 = first_ring[p], first_ring[p + 1]
        draw.polygon(flat[2 * starts[r0] : 2 * ends[r0]], fill=poly_colour[p], outline=edge)
        for r in range(r0 + 1, r1):  # holes
            draw.polygon(flat[2 * starts[r] : 2 * ends[r]], fill="white", outline=edge)

    if outlines:
        line_rgb = (60, 60, 60)
        line_w = max(1, round(1.6 * scale * s))
        for feature in outlines.get("features", []):
            for line in _iter_lines(feature.get("geometry")):
                arr = np.asarray(line, dtype=float)
                if arr.ndim != 2 or len(arr) < 2:
                    continue
                arr = arr[:, :2]
                t = _territory_index(float(arr[:, 0].mean()), float(arr[:, 1].mean()))
                frame = frames.get(t)
                if frame is None:
                    continue
                draw.line(frame.project(arr).ravel().tolist(), fill=line_rgb, width=line_w)

    map_img = layer.reduce(s)

    # -- canvas: title, map, insets labels, legend, footer -------------------------------
    canvas = Image.new("RGB", (width_px, height), "white")
    canvas.paste(map_img, (map_x, map_y))
    pen = ImageDraw.Draw(canvas)
    y = pad
    for line in title_lines:
        pen.text((pad, y), line, font=title_font, fill=(25, 25, 25))
        y += title_line_h
    for name, (bx, by, bw, bh) in inset_boxes:
        pen.rectangle(
            (map_x + bx, map_y + by, map_x + bx + bw, map_y + by + bh), outline=(190, 190, 190)
        )
        pen.text((map_x + bx + 6, map_y + by + 3), name, font=small_font, fill=(80, 80, 80))

    ly = legend_y
    for line in legend_title_lines:
        pen.text((legend_x, ly), line, font=text_font, fill=(25, 25, 25))
        ly += round(22 * scale)
    col_w = legend_w // legend_cols
    for i, (label, colour, count) in enumerate(entries):
        col, row = divmod(i, legend_rows)
        ex, ey = legend_x + col * col_w, legend_y + legend_title_h + row * entry_h
        pen.rectangle(
            (ex, ey, ex + swatch_w, ey + swatch_h), fill=_hex_rgb(colour), outline=(120, 120, 120)
        )
        count_x = ex + col_w - (0 if col == legend_cols - 1 else pad)
        count_w = pen.textlength(fmt_int(count), font=small_font)
        room = count_x - count_w - round(8 * scale) - (ex + swatch_w + 10)
        font = text_font if pen.textlength(label, font=text_font) <= room else small_font
        while pen.textlength(label, font=font) > room and len(label) > 4:
            label = label[:-2].rstrip() + "…"
        pen.text((ex + swatch_w + 10, ey - 1), label, font=font, fill=(40, 40, 40))
        pen.text(
            (count_x, ey + 1), fmt_int(count), font=small_font, fill=(110, 110, 110), anchor="ra"
        )

    y = height - pad - footer_h
    for line in footer_lines:
        pen.text((pad, y), line, font=small_font, fill=(85, 85, 85))
        y += round(18 * scale)

    buf = io.BytesIO()
    canvas.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
