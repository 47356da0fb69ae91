"""Choropleth classes: one type shared by the interactive map, the static PNG and the PDF.

Pure module (numpy, pandas, mapclassify). :func:`classify` returns a :class:`Classes`:
bounds, French legend labels, colours, and the number of territories in each class and
without a value — counted **once**, on the map's data, so the legend on screen, in the
PNG and in the PDF show the same counts.

Breaks come from PySAL's ``mapclassify`` (Rey, Anselin et al.; Slocum et al. 2009):

* ``"quantile"`` — :class:`mapclassify.Quantiles`, ``k`` classes of equal counts; when
  ties merge quantiles (many zeros) the quantiles of the distinct values are used;
* ``"jenks"`` — :class:`mapclassify.FisherJenks`, Fisher's (1958) exact optimal
  partition minimising the within-class sum of squared deviations (Jenks 1977), on at
  most :data:`JENKS_SAMPLE` evenly spaced quantiles of the data;
* ``"seuils"`` — user-defined bounds, given as they are (nothing to compute), e.g. the
  official APL classes of the DREES (``kind == "apl"``: *sous-dense* below 2,5,
  *intermédiaire* from 2,5 to less than 4, *mieux doté* from 4,
  :data:`analytics.indicators.SEUIL_SOUS_DENSE`, ``SEUIL_INTERMEDIAIRE``).

One assignment rule, :meth:`Classes.assign`: a class **includes its lower bound**
(``bounds[i] <= v < bounds[i + 1]``), the DREES convention (« APL inférieure à 2,5 »
is sous-dense, 2,5 is intermédiaire). mapclassify's own intervals include their *upper*
bound (``C_l < y <= C_u``), which would put 2,5 in the sous-dense class: its breaks are
used, its bin assignment is not. Breaks are rounded to the precision the legend shows,
then deduplicated, so a legend never shows two classes with the same bound and the
label is exactly the rule applied.

Colours: ColorBrewer schemes flagged colour-blind safe (Brewer, colorbrewer2.org): a
3-class selection of RdYlBu for APL; YlOrRd for indicators with a direction, flipped so
the *bad* end is always dark red; YlGnBu for context indicators. Missing: ``#d9d9d9``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from analytics import formatting as fmt
from analytics.formatting import display_decimals, format_value
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

#: Fill and legend label of territories without a value (maps, static maps, PDF).
MISSING_COLOUR = "#d9d9d9"
MISSING_LABEL = "Donnée manquante"

#: Largest number of values given to mapclassify's Fisher–Jenks: its exact programme is
#: O(k·n²) in pure Python when numba is absent (300 values: ≈ 0.1 s; 1,000: ≈ 8 s on
#: the reference machine). More values are first replaced by that many evenly spaced
#: quantiles of the data (deterministic, unlike mapclassify's random ``FisherJenksSampled``).
JENKS_SAMPLE = 300

#: Classification methods of non-APL indicators: mapclassify classifier and legend name.
METHODS: dict[str, str] = {
    "quantile": "Quantiles (effectifs égaux)",
    "jenks": "Seuils naturels (Fisher-Jenks)",
    "seuils": "Seuils choisis",
}


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
    method: str  # apl (official thresholds), quantile, jenks or seuils
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


def _mapclassify() -> Any:
    import mapclassify

    return mapclassify


def _quiet(factory: Any, *args: Any, **kwargs: Any) -> Any:
    """A mapclassify classifier, without its warnings (numba absent, fewer distinct values
    than classes): both cases are handled here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return factory(*args, **kwargs)


def quantile_breaks(values: np.ndarray | Sequence[float], k: int) -> list[float]:
    """Inner breaks of ``k`` quantile classes (:class:`mapclassify.Quantiles`)."""
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0 or k <= 1:
        return []
    bins = _quiet(_mapclassify().Quantiles, data, k=k).bins
    return [float(b) for b in bins[:-1]]


def jenks_breaks(values: np.ndarray | Sequence[float], k: int) -> list[float]:
    """Lower bounds of classes 2..k of Fisher–Jenks natural breaks (mapclassify).

    :class:`mapclassify.FisherJenks` returns each class's largest value; the class after
    it starts at the next data value, so that ``v >= break`` starts it. More than
    :data:`JENKS_SAMPLE` values are first replaced by that many evenly spaced quantiles;
    the data between a sampled class maximum and the next sampled value are then cut at
    their widest gap (exactly the next value without sampling).
    """
    data = np.sort(np.asarray(values, dtype=float))
    data = data[np.isfinite(data)]
    sample = data
    if data.size > JENKS_SAMPLE:
        sample = np.quantile(data, np.linspace(0.0, 1.0, JENKS_SAMPLE))
    k = min(k, int(np.unique(sample).size))
    if k <= 1:
        return []
    bins = _quiet(_mapclassify().FisherJenks, sample, k=k).bins
    distinct = np.unique(sample)
    breaks = []
    for upper in bins[:-1]:
        above = distinct[distinct > upper]
        if above.size == 0:
            continue
        lo = int(np.searchsorted(data, upper, side="left"))
        hi = int(np.searchsorted(data, above[0], side="right"))
        seg = data[lo:hi]
        breaks.append(float(seg[int(np.argmax(np.diff(seg))) + 1]) if seg.size > 1 else above[0])
    return sorted(set(breaks))


def classify(
    values: pd.Series | np.ndarray | Sequence[float],
    indicator_kind: str,
    *,
    method: str = "quantile",
    k: int = 5,
    decimals: int = 1,
    higher_is_worse: bool | None = None,
    bounds: Sequence[float] | None = None,
) -> Classes:
    """Classes for ``values`` of an indicator of kind ``indicator_kind``, with their counts.

    ``indicator_kind == "apl"`` gives the three official APL classes whatever ``method``
    (user-defined bounds 2,5 and 4). Otherwise ``method`` is ``"quantile"``, ``"jenks"``
    or ``"seuils"`` (then ``bounds``: the inner breaks, increasing). ``decimals`` and
    ``higher_is_worse`` are those of the indicator (:class:`analytics.indicators.Indicator`):
    the first sets the legend precision, the second the direction of the palette. Fewer
    than ``k`` classes come back when the data has fewer distinct (rounded) values.
    ``counts`` and ``missing_count`` are computed here, on ``values``: pass the values of
    every territory of the map, and show these counts wherever the legend appears.
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
    if method not in METHODS:
        raise ValueError(f"méthode de classification inconnue : {method!r}")
    if method == "seuils":
        if not bounds or list(bounds) != sorted(set(float(b) for b in bounds)):
            raise ValueError("les seuils choisis doivent être croissants et distincts")
        if len(bounds) > 6:
            raise ValueError("7 classes au plus")
        breaks = [float(b) for b in bounds]
        return _with_breaks(arr, breaks, indicator_kind, method, decimals, higher_is_worse)
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
    raw = quantile_breaks(finite, k) if method == "quantile" else jenks_breaks(finite, k)
    nd = display_decimals(indicator_kind, decimals)
    lo = float(finite.min())
    breaks = sorted({round(b, nd) for b in raw if round(b, nd) > lo})
    if method == "quantile" and len(breaks) + 1 < k:
        # Heavy ties (many zeros) merge quantiles: cut the distinct values instead.
        raw = quantile_breaks(np.unique(finite), k)
        distinct_breaks = {round(b, nd) for b in raw if round(b, nd) > lo}
        merged = distinct_breaks | set(breaks)
        # Never more than k classes: the union may hold up to 2(k−1) breaks.
        breaks = sorted(merged if len(merged) < k else distinct_breaks)
    return _with_breaks(arr, breaks, indicator_kind, method, decimals, higher_is_worse)


def _with_breaks(
    arr: np.ndarray,
    breaks: Sequence[float],
    kind: str,
    method: str,
    decimals: int,
    higher_is_worse: bool | None,
) -> Classes:
    ranges = _range_labels(breaks, kind, decimals)
    classes = Classes(
        kind=kind,
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


def class_names(classes: Classes, values: pd.Series | Sequence[float]) -> list[str]:
    """The name of each value's class (the missing-data label for a missing value), the
    ``classe`` column of a map's table download."""
    return [classes.names[k] if k >= 0 else classes.missing_label for k in classes.assign(values)]


def alt_text(title: str, classes: Classes) -> str:
    """Text alternative of a map: its title and how many territories fall in each class."""
    counts = "; ".join(
        f"{i['label']} : {fmt.fmt_number(i['count'])}" for i in legend_items(classes)
    )
    return f"Carte. {title}. Territoires par classe — {counts}."
