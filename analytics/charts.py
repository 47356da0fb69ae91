"""Plotly figures of the dashboard, in French, colour-blind safe, with their source.

Pure module: DataFrames in, :class:`plotly.graph_objects.Figure` out (no Streamlit).

Every figure has

- a title and French axis titles;
- French numbers: ``layout.separators = ",\\u202f"`` (plotly reads the decimal separator
  then the thousands separator: decimal comma, narrow no-break space, as
  :mod:`analytics.formatting`), and ``separatethousands`` on value axes so that 4-digit
  numbers read ``1 234`` too. Hover texts and bar labels are pre-formatted by
  :mod:`analytics.formatting` (half-up rounding, ``n.d.``, ``%`` with its space) rather
  than by d3-format, so they are the same strings as in the tables;
- the source line as an annotation (``name="source"``) at the bottom, in paper
  coordinates, so an exported image carries it;
- the :data:`TEMPLATE` (``plotly_white`` with the Okabe–Ito colour-blind-safe colour
  cycle, Okabe & Ito 2008), plus distinct dash styles and markers for lines so they stay
  apart in grey-scale print.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analytics import formatting as fmt
from analytics.indicators import SEUIL_SOUS_DENSE, get_indicator
from analytics.maps import APL_COLOURS, format_value

#: Decimal separator then thousands separator (plotly's ``layout.separators``).
SEPARATORS = fmt.DECIMAL_SEP + fmt.THOUSANDS_SEP

#: Okabe–Ito palette without its yellow (too light on white): blue, orange, bluish green,
#: reddish purple, vermillion, sky blue, black.
COLOURS: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#000000",
)
DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")
MARKERS: tuple[str, ...] = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross")
#: Line style of the national reference.
FRANCE_STYLE = {"color": "#555555", "dash": "dash"}

FONT = "Source Sans Pro, DejaVu Sans, Arial, sans-serif"
SOURCE_NAME = "source"
_SOURCE_SHIFT_PX = 58  # below the x-axis title
_BOTTOM_MARGIN = 100


def _template() -> go.layout.Template:
    base = go.layout.Template(pio.templates["plotly_white"])
    base.layout.colorway = list(COLOURS)
    base.layout.font = {"family": FONT, "size": 13, "color": "#222222"}
    base.layout.separators = SEPARATORS
    base.layout.hoverlabel = {"font": {"family": FONT}}
    # "100 000", never "100k" (SI prefixes are not French usage), and "1 234" too.
    for axis in (base.layout.xaxis, base.layout.yaxis):
        axis.exponentformat = "none"
        axis.separatethousands = True
    return base


#: The template of every figure (applied per figure, never registered globally).
TEMPLATE = _template()


def apply_layout(
    fig: go.Figure,
    *,
    title: str,
    source_line: str,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Title, template, French separators, axis titles and source annotation on ``fig``."""
    fig.update_layout(
        template=TEMPLATE,
        separators=SEPARATORS,
        title={"text": title, "x": 0, "xanchor": "left", "pad": {"l": 12}},
        margin={"l": 70, "r": 30, "t": 70, "b": _BOTTOM_MARGIN},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
    )
    if height:
        fig.update_layout(height=height)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    add_source(fig, source_line)
    # A horizontal legend over the plot wraps in a half-width column: leave room for one
    # row per entry between the title and the plot, so they never overlap.
    entries = sum(1 for t in fig.data if t.name and t.showlegend is not False)
    if entries > 1:
        top = min(60 + 22 * entries, 200)
        fig.update_layout(
            margin={"t": top},
            title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12, "l": 12}},
        )
    return fig


#: Characters per line of the source annotation (plotly does not wrap annotations; a
#: half-width chart holds about this many at 11 px).
SOURCE_WRAP = 62


def add_source(fig: go.Figure, source_line: str) -> go.Figure:
    """The source line, bottom left in paper coordinates (replaces a previous one)."""
    kept = [a for a in (fig.layout.annotations or ()) if a.name != SOURCE_NAME]
    fig.layout.annotations = kept
    lines = textwrap.wrap(source_line, SOURCE_WRAP) or [source_line]
    if len(lines) > 1:
        bottom = fig.layout.margin.b if fig.layout.margin.b is not None else _BOTTOM_MARGIN
        fig.update_layout(margin={"b": bottom + 14 * (len(lines) - 1)})
    fig.add_annotation(
        name=SOURCE_NAME,
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-_SOURCE_SHIFT_PX,
        showarrow=False,
        align="left",
        font={"size": 11, "color": "#555555"},
    )
    return fig


def _kind_of(df: pd.DataFrame, kind: str | None, decimals: int | None) -> tuple[str, int]:
    """Indicator kind and decimals: given, else from the ``cle`` column, else ``float``
    with 0 decimals when every value is at least 100 in magnitude, 2 otherwise."""
    if kind is not None:
        return kind, 2 if decimals is None else decimals
    if "cle" in df.columns and df["cle"].nunique() == 1:
        try:
            ind = get_indicator(str(df["cle"].iloc[0]))
        except KeyError:
            pass
        else:
            return ind.kind, ind.decimals if decimals is None else decimals
    if decimals is None:
        v = pd.to_numeric(df["valeur"], errors="coerce").abs()
        decimals = 0 if v.notna().any() and (v.dropna() >= 100).all() else 2
    return "float", decimals


def _axis_scale(kind: str) -> tuple[float, str]:
    """Multiplier and tick suffix of a value axis (percent stored as ratios → ``12 %``)."""
    if kind == "percent":
        return 100.0, fmt.PERCENT_SPACE + "%"
    return 1.0, ""


def _value_range(values: Sequence[float], room: float = 0.15) -> list[float] | None:
    """An axis range including 0 with ``room`` to spare for labels outside the bars."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], dtype=float)
    if v.size == 0:
        return None
    lo, hi = min(0.0, float(v.min())), max(0.0, float(v.max()))
    span = (hi - lo) or 1.0
    return [lo - room * span if lo < 0 else 0.0, hi + room * span if hi > 0 else 0.0]


# --------------------------------------------------------------------------------------
# APL over time
# --------------------------------------------------------------------------------------


def apl_history(
    df: pd.DataFrame,
    *,
    title: str,
    source_line: str,
    threshold: float = SEUIL_SOUS_DENSE,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """APL by vintage, one line per territory (``annee``, ``territoire``, ``apl``).

    ``colours`` (territory → colour, :func:`territory_colours`) keeps each territory's
    colour the same as in the page's other charts.

    Territories keep the order of their first row (the territory, then its département,
    région and France, as the views give them). A vintage missing inside the range —
    2020: the DREES published no APL for that year — breaks every line (no
    interpolation across it) and is marked « pas de millésime 2020 ». The sous-densité
    threshold is a dashed red line labelled « Seuil de sous-densité (2,5) ».
    """
    fig = go.Figure()
    data = df.copy()
    data["annee"] = pd.to_numeric(data["annee"], errors="coerce")
    data = data.dropna(subset=["annee"])
    data["annee"] = data["annee"].astype(int)
    years = sorted(data["annee"].unique().tolist())
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in years] if years else []
    all_years = sorted([*years, *gaps])
    territories = list(dict.fromkeys(data["territoire"].astype(str)))
    colours = {**territory_colours(territories), **(colours or {})}
    for i, name in enumerate(territories):
        rows = data[data["territoire"].astype(str) == name]
        series = rows.groupby("annee")["apl"].mean().reindex(all_years)
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        is_france = name.strip().lower().startswith("france")
        line = (
            dict(FRANCE_STYLE, width=2)
            if is_france
            else {"color": colours[name], "dash": DASHES[i % len(DASHES)], "width": 2.5}
        )
        fig.add_trace(
            go.Scatter(
                x=all_years,
                y=[None if np.isnan(v) else float(v) for v in values],
                name=name,
                mode="lines+markers",
                connectgaps=False,
                line=line,
                marker={"symbol": MARKERS[i % len(MARKERS)], "size": 7},
                customdata=[fmt.fmt_apl(v) for v in values],
                hovertemplate="%{fullData.name} : %{customdata}<extra></extra>",
            )
        )
    fig.add_hline(
        y=threshold,
        line={"color": APL_COLOURS[0], "dash": "dash", "width": 1.5},
        annotation_text=f"Seuil de sous-densité ({fmt.fmt_number(threshold, 1)})",
        annotation_position="bottom right",
        annotation_font={"color": APL_COLOURS[0], "size": 11},
    )
    for y in gaps:
        fig.add_vrect(x0=y - 0.5, x1=y + 0.5, fillcolor="#eeeeee", opacity=0.6, line_width=0)
        fig.add_annotation(
            x=y,
            y=1,
            xref="x",
            yref="paper",
            yanchor="top",
            text=f"pas de<br>millésime<br>{y}",
            showarrow=False,
            font={"size": 10, "color": "#666666"},
        )
    apply_layout(
        fig,
        title=title,
        source_line=source_line,
        x_title="Millésime",
        y_title="APL (consultations/an/hab. standardisé)",
    )
    fig.update_xaxes(
        tickmode="array",
        tickvals=years,
        tickformat="d",
        hoverformat="d",
        separatethousands=False,  # years: 2023, not 2 023
    )
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(hovermode="x unified")
    return fig


# --------------------------------------------------------------------------------------
# Population by APL class
# --------------------------------------------------------------------------------------


def _apl_class_colour(label: str, position: int) -> str:
    low = label.lower()
    if "sous" in low:
        return APL_COLOURS[0]
    if "interm" in low:
        return APL_COLOURS[1]
    if "mieux" in low:
        return APL_COLOURS[2]
    return APL_COLOURS[position] if position < len(APL_COLOURS) else "#999999"


def population_by_apl_class(
    df: pd.DataFrame,
    *,
    title: str,
    source_line: str,
) -> go.Figure:
    """Horizontal bars: population of each APL class (``classe``, ``population``).

    The share (``part`` column when given — a ratio of the population covered by the
    APL — else population / total) is written on each bar. Classes keep their order,
    top to bottom, in the APL map colours.
    """
    data = df.reset_index(drop=True)
    pop = pd.to_numeric(data["population"], errors="coerce")
    if "part" in data.columns:
        share = pd.to_numeric(data["part"], errors="coerce")
    else:
        total = pop.sum(min_count=1)
        share = pop / total if total else pop * np.nan
    labels = data["classe"].astype(str).tolist()
    text = [
        f"{fmt.fmt_int(p)} hab. ({fmt.fmt_percent(s)})"
        for p, s in zip(pop.tolist(), share.tolist(), strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=pop.tolist(),
            orientation="h",
            marker={
                "color": [_apl_class_colour(lbl, i) for i, lbl in enumerate(labels)],
                "line": {"color": "#555555", "width": 0.5},
            },
            text=text,
            textposition="auto",
            customdata=text,
            hovertemplate="%{y}<br>%{customdata}<extra></extra>",
            name="Population",
            showlegend=False,
        )
    )
    apply_layout(fig, title=title, source_line=source_line, x_title="Habitants", y_title="")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    return fig


# --------------------------------------------------------------------------------------
# Comparing territories
# --------------------------------------------------------------------------------------


def compare_bars(
    df: pd.DataFrame,
    *,
    title: str,
    source_line: str,
    kind: str | None = None,
    decimals: int | None = None,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Bars comparing 2–6 territories (``territoire``, ``indicateur``, ``valeur``).

    ``colours`` (territory → colour, :func:`territory_colours`) keeps each territory's
    colour the same as in the page's other charts (the APL lines).

    One indicator: one horizontal bar per territory. Several: one panel per indicator
    (their units differ), territories in the same colours across panels. ``kind`` and
    ``decimals`` format the values (:func:`analytics.maps.format_value`); by default they
    come from the indicator catalogue through a ``cle`` column, else 2 decimals.
    """
    indicators = list(dict.fromkeys(df["indicateur"].astype(str)))
    territories = list(dict.fromkeys(df["territoire"].astype(str)))
    colour = {**territory_colours(territories), **(colours or {})}
    n = max(len(indicators), 1)
    if n == 1:
        fig = go.Figure()
    else:
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=n, cols=1, subplot_titles=indicators, vertical_spacing=0.5 / n)
    for row, name in enumerate(indicators, start=1):
        part = df[df["indicateur"].astype(str) == name]
        k, d = _kind_of(part, kind, decimals)
        scale, suffix = _axis_scale(k)
        values = pd.to_numeric(part["valeur"], errors="coerce")
        text = [format_value(v, k, d) for v in values.tolist()]
        trace = go.Bar(
            y=part["territoire"].astype(str).tolist(),
            x=(values * scale).tolist(),
            orientation="h",
            marker={"color": [colour[t] for t in part["territoire"].astype(str)]},
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=text,
            hovertemplate=f"%{{y}}<br>{name} : %{{customdata}}<extra></extra>",
            showlegend=False,
            name=name,
        )
        x_range = _value_range((values * scale).tolist(), room=0.2)
        if n == 1:
            fig.add_trace(trace)
            fig.update_xaxes(ticksuffix=suffix, title_text=name, range=x_range)
        else:
            fig.add_trace(trace, row=row, col=1)
            fig.update_xaxes(ticksuffix=suffix, range=x_range, row=row, col=1)
        if k == "apl":
            fig.add_vline(
                x=SEUIL_SOUS_DENSE,
                line={"color": APL_COLOURS[0], "dash": "dash", "width": 1.5},
                annotation_text="Seuil de sous-densité (2,5)",
                annotation_font={"color": APL_COLOURS[0], "size": 11},
                annotation_position="top",
                row=row if n > 1 else None,
                col=1 if n > 1 else None,
            )
    height = 120 + n * (60 + 34 * len(territories))
    apply_layout(fig, title=title, source_line=source_line, height=max(height, 260))
    fig.update_yaxes(autorange="reversed")
    return fig


def ranking_bars(
    df: pd.DataFrame,
    *,
    title: str,
    source_line: str,
    kind: str = "apl",
    decimals: int = 2,
    x_title: str = "APL (consultations/an/hab. standardisé)",
    max_rows: int = 40,
    ascending: bool = True,
) -> go.Figure:
    """Horizontal bars of communes ranked by value (``nom``, ``valeur``), worst on top.

    With ``kind="apl"`` bars take the colour of their APL class (as on the map) and the
    2,5 threshold is drawn. At most ``max_rows`` bars (the first after sorting);
    homonyms are told apart by their ``code`` when the frame has one.
    """
    data = df.copy()
    data["valeur"] = pd.to_numeric(data["valeur"], errors="coerce")
    data = data.sort_values("valeur", ascending=ascending, na_position="last").head(max_rows)
    names = data["nom"].astype(str)
    if "code" in data.columns and names.duplicated(keep=False).any():
        dup = names.duplicated(keep=False)
        names = names.where(~dup, names + " (" + data["code"].astype(str) + ")")
    scale, suffix = _axis_scale(kind)
    text = [format_value(v, kind, decimals) for v in data["valeur"].tolist()]
    if kind == "apl":
        from analytics.maps import classify

        classes = classify(data["valeur"], "apl")
        colours = [classes.colour_rgb(int(i)) for i in classes.assign(data["valeur"])]
        bar_colours = [f"rgb({r},{g},{b})" for r, g, b in colours]
    else:
        bar_colours = [COLOURS[0]] * len(data)
    fig = go.Figure(
        go.Bar(
            y=names.tolist(),
            x=(data["valeur"] * scale).tolist(),
            orientation="h",
            marker={"color": bar_colours, "line": {"color": "#555555", "width": 0.5}},
            text=text,
            textposition="outside",
            cliponaxis=False,
            customdata=text,
            hovertemplate="%{y} : %{customdata}<extra></extra>",
            showlegend=False,
            name=x_title,
        )
    )
    if kind == "apl":
        fig.add_vline(
            x=SEUIL_SOUS_DENSE,
            line={"color": APL_COLOURS[0], "dash": "dash", "width": 1.5},
            annotation_text="Seuil de sous-densité (2,5)",
            annotation_position="top",
            annotation_font={"color": APL_COLOURS[0], "size": 11},
        )
    apply_layout(
        fig,
        title=title,
        source_line=source_line,
        x_title=x_title,
        y_title="",
        height=max(260, 140 + 22 * len(data)),
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(ticksuffix=suffix, range=_value_range((data["valeur"] * scale).tolist()))
    return fig


# --------------------------------------------------------------------------------------
# Score decomposition
# --------------------------------------------------------------------------------------


def score_decomposition(
    df: pd.DataFrame,
    *,
    title: str,
    source_line: str,
    total_label: str = "Score de besoin",
    decimals: int = 1,
) -> go.Figure:
    """Waterfall: how the components (``composante``, ``contribution``) add up to the score.

    Horizontal (component names are long). Each component is a step from the running
    total; the last bar is the total,
    so the reader sees both each part and the sum (see :mod:`analytics.score`:
    ``score = Σ contrib``).
    """
    parts = df.copy()
    parts["contribution"] = pd.to_numeric(parts["contribution"], errors="coerce").fillna(0.0)
    labels = parts["composante"].astype(str).tolist()
    values = parts["contribution"].tolist()
    total = float(np.sum(values))
    text = [fmt.fmt_number(v, decimals) for v in values] + [fmt.fmt_number(total, decimals)]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=[*labels, total_label],
            x=[*values, total],
            measure=["relative"] * len(values) + ["total"],
            text=text,
            textposition="outside",
            customdata=text,
            hovertemplate="%{y} : %{customdata}<extra></extra>",
            increasing={"marker": {"color": COLOURS[0]}},
            decreasing={"marker": {"color": COLOURS[1]}},
            totals={"marker": {"color": "#444444"}},
            connector={"line": {"color": "#999999", "width": 1}},
            showlegend=False,
            name=total_label,
        )
    )
    apply_layout(
        fig,
        title=title,
        source_line=source_line,
        x_title="Points de score (sur 100)",
        y_title="",
        height=max(260, 160 + 40 * (len(labels) + 1)),
    )
    cumulative = np.cumsum(values).tolist() if values else []
    fig.update_xaxes(range=_value_range([*cumulative, total]))
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    return fig


def source_text(fig: go.Figure) -> str | None:
    """The source line of a figure made here (``None`` if it has none)."""
    for ann in fig.layout.annotations or ():
        if ann.name == SOURCE_NAME:
            return str(ann.text).replace("<br>", " ")
    return None


# --- Accessibility: contrast, stable colours, text alternative ------------------------------

#: WCAG 2.1 AA minimum contrast ratio for normal-size text (success criterion 1.4.3).
WCAG_AA_TEXT = 4.5


def _relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    hexa = colour.lstrip("#")
    channels = [int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio (1 to 21) of two ``#rrggbb`` colours."""
    high, low = sorted(
        (_relative_luminance(foreground), _relative_luminance(background)), reverse=True
    )
    return (high + 0.05) / (low + 0.05)


def territory_colours(names: Sequence[str]) -> dict[str, str]:
    """One colour per territory, the same in every chart of a page: the Okabe–Ito cycle
    in the order given, France (the national reference) in its grey."""
    colours: dict[str, str] = {}
    i = 0
    for name in dict.fromkeys(map(str, names)):
        if name.strip().lower().startswith("france"):
            colours[name] = FRANCE_STYLE["color"]
        else:
            colours[name] = COLOURS[i % len(COLOURS)]
            i += 1
    return colours


#: Points described per series in a text alternative (the data table has the rest).
ALT_MAX_POINTS = 12


def _alt_value(trace, j: int, value: object) -> str:
    custom = getattr(trace, "customdata", None)
    if custom is not None and j < len(custom):
        text = custom[j]
        text = text[0] if isinstance(text, (list, tuple, np.ndarray)) else text
        return str(text)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n.d."
    return fmt.fmt_number(value, 2) if isinstance(value, float) else str(value)


def alt_text(fig: go.Figure) -> str:
    """A text alternative of a figure made here: its title, then each series' values as
    the hover texts show them (« Lacaune : 2015 2,41 ; 2016 2,38… »), then its source.

    For screen readers (``alt`` of the chart); the figures are the chart's own strings.
    """
    title = fig.layout.title.text or "Graphique"
    parts = [f"{title}."]
    for trace in fig.data:
        horizontal = getattr(trace, "orientation", None) == "h"
        keys = list(trace.y if horizontal else trace.x) if trace.x is not None else []
        values = list(trace.x if horizontal else trace.y) if trace.y is not None else []
        if not keys and trace.type == "pie":
            keys, values = list(trace.labels or []), list(trace.values or [])
        points = [
            f"{k} {_alt_value(trace, j, v)}"
            for j, (k, v) in enumerate(zip(keys, values, strict=False))
            if v is not None
        ]
        if not points:
            continue
        more = len(points) - ALT_MAX_POINTS
        listed = " ; ".join(points[:ALT_MAX_POINTS]) + (f" ; et {more} autres" if more > 0 else "")
        name = f"{trace.name} : " if trace.name and len(fig.data) > 1 else ""
        parts.append(f"{name}{listed}.")
    source = source_text(fig)
    if source:
        parts.append(source if source.endswith(".") else f"{source}.")
    return " ".join(parts)
