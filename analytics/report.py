"""One-page PDF report on a territory (commune, EPCI, département), in French.

A pure module: :func:`render_pdf` takes a :class:`TerritoryReport` (plain values and
DataFrames, prepared by the caller from the database) and returns the PDF bytes. The page
is A4 portrait with, top to bottom: the name and its parents; the ranking and the need
score's components beside the map; the key figures against the département, the région
and France; the APL history as a small line chart beside the recommendation; then the
sources and the date. Charts are drawn as PDF vector graphics (no browser, no kaleido),
so a report takes well under a second.

Every block has a fixed height: long texts are set in a smaller size, then cut with an
ellipsis, and extra table rows are counted instead of drawn, so the report is always
exactly one page. Text is set in DejaVu Sans (Debian package ``fonts-dejavu-core``),
embedded and subset, which covers French accents and typographic spaces; without it the
PDF falls back to the built-in Helvetica with the text reduced to Latin-1.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from fpdf import FPDF

from analytics.exports import find_font
from analytics.formatting import MISSING, fmt_number, format_value

# Page geometry (mm): A4 portrait with 12 mm margins.
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 12.0
CONTENT_W = PAGE_W - 2 * MARGIN

MAX_TABLE_ROWS = 12

# Palette (RGB): the territory stands out, the references recede.
INK = (30, 30, 30)
MUTED = (100, 100, 100)
RULE = (200, 200, 200)
ACCENT = (178, 24, 43)
SERIES_COLOURS = {
    "territoire": ACCENT,
    "departement": (239, 138, 98),
    "region": (33, 102, 172),
    "france": (90, 90, 90),
}
SERIES_LABELS = {
    "departement": "Département",
    "region": "Région",
    "france": "France",
}

# Characters outside Latin-1 that the Helvetica fallback cannot encode.
_LATIN1 = str.maketrans(
    {
        "\u202f": " ",
        "\u2009": " ",
        "\u2212": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u0153": "oe",
        "\u0152": "OE",
        "\u2265": ">=",
        "\u2264": "<=",
    }
)


@dataclass
class TerritoryReport:
    """Everything one territory report shows, ready to print.

    ``key_figures``: columns ``indicateur, territoire, departement, region, france, unite``
    (floats, ``None``/NaN when not available; an optional ``decimales`` column fixes the
    number of decimals, an optional ``kind`` — the indicator's — formats them with
    :func:`analytics.formatting.format_value`, as on screen). ``apl_history``: ``annee, territoire, departement, region,
    france``. ``score_components``: ``composante, contribution``. ``sources``: the source
    lines (« Source : DREES, APL 2023 »), printed at the bottom.
    """

    nom: str
    niveau: str
    code: str
    parent_label: str
    key_figures: pd.DataFrame
    apl_history: pd.DataFrame
    ranking_text: str
    score_components: pd.DataFrame
    recommendation: str
    map_png: bytes | None  # e.g. exports.map_png(..., width_px=500): legible at 7–8 cm
    sources: list[str] = field(default_factory=list)
    build_date: str = ""


# --------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def _decimals_for(values: Sequence[Any], unit: str) -> int:
    """Decimals for a row of figures: one for percentages, else by magnitude.

    APL (≈ 0–10 consultations per inhabitant) gets two, densities and ages one,
    head counts none; the whole row shares the choice so the figures line up.
    """
    finite = [abs(float(v)) for v in values if not _is_missing(v)]
    if "%" in unit:
        return 1
    if not finite:
        return 0
    largest = max(finite)
    if largest >= 1000:
        return 0
    if largest >= 20:
        return 1
    return 2


def format_figure(value: Any, decimals: int) -> str:
    """``1234.5`` → ``"1 234,5"``; missing → ``"n.d."``."""
    if _is_missing(value):
        return MISSING
    return fmt_number(float(value), decimals)


# --------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------


class _ReportPDF(FPDF):
    """FPDF with the report's fonts and a few measured-text helpers."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(False)  # blocks are sized to fit: never a second page
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 1.0
        regular, bold = find_font(False), find_font(True)
        if regular is not None and bold is not None:
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.family = "DejaVu"
            self.unicode = True
        else:
            self.family = "helvetica"
            self.unicode = False

    def t(self, text: str) -> str:
        """Text the current font can encode."""
        if self.unicode:
            return text
        return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = INK) -> None:
        """Set the family, size, weight and colour of the next text."""
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def fitted_lines(
        self, text: str, width: float, max_height: float, sizes: Sequence[float]
    ) -> tuple[float, list[str]]:
        """The largest of ``sizes`` whose wrapped lines fit ``max_height``; else the
        smallest size with the lines cut to fit, the last one ending with « … »."""
        text = self.t(text.strip())
        for size in sizes:
            self.set_font_size(size)
            lines = self.multi_cell(width, None, text, dry_run=True, output="LINES")
            if len(lines) * self._line_h(size) <= max_height:
                return size, lines
        size = sizes[-1]
        keep = max(1, int(max_height // self._line_h(size)))
        lines = lines[:keep]
        lines[-1] = self.fit_width(lines[-1].rstrip() + "…", width)
        return size, lines

    def fit_width(self, text: str, width: float) -> str:
        """``text`` in the current font, cut with « … » to fit ``width`` mm."""
        text = self.t(text)
        if self.get_string_width(text) <= width:
            return text
        ellipsis = self.t("…")
        base = text[: -len(ellipsis)] if text.endswith(ellipsis) else text
        while base and self.get_string_width(base.rstrip() + ellipsis) > width:
            base = base[:-1]
        return base.rstrip() + ellipsis

    @staticmethod
    def _line_h(size_pt: float) -> float:
        return size_pt * 0.3528 * 1.3  # points → mm, with 30 % leading

    def text_block(
        self,
        text: str,
        x: float,
        y: float,
        width: float,
        max_height: float,
        sizes: Sequence[float] = (9.5, 9, 8.5, 8, 7.5, 7),
        *,
        bold: bool = False,
        colour: tuple[int, int, int] = INK,
    ) -> float:
        """Wrapped text inside a box; returns the height used."""
        self.font(sizes[0], bold=bold, colour=colour)
        size, lines = self.fitted_lines(text, width, max_height, sizes)
        line_h = self._line_h(size)
        for i, line in enumerate(lines):
            self.set_xy(x, y + i * line_h)
            self.cell(width, line_h, line)
        return len(lines) * line_h

    def heading(self, text: str, x: float, y: float, width: float) -> float:
        self.font(10.5, bold=True)
        self.set_xy(x, y)
        self.cell(width, 5.5, self.t(text))
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.5)
        self.line(x, y + 6.2, x + 12, y + 6.2)
        return 8.0


def _header(pdf: _ReportPDF, report: TerritoryReport) -> float:
    pdf.font(7.5, colour=MUTED)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.cell(CONTENT_W / 2, 4, pdf.t("FICHE TERRITOIRE · DÉSERTS MÉDICAUX"))
    pdf.set_xy(MARGIN + CONTENT_W / 2, MARGIN)
    edition = f"Édition du {report.build_date}" if report.build_date else ""
    pdf.cell(CONTENT_W / 2, 4, pdf.t(edition), align="R")
    pdf.font(21, bold=True)
    _size, lines = pdf.fitted_lines(report.nom, CONTENT_W, 11, (21, 18, 15, 13))
    pdf.set_font_size(_size)
    pdf.set_xy(MARGIN, MARGIN + 5)
    pdf.cell(CONTENT_W, 10, lines[0])
    subtitle = " · ".join(
        part for part in (report.niveau, f"code {report.code}", report.parent_label) if part
    )
    pdf.font(10, colour=MUTED)
    pdf.set_xy(MARGIN, MARGIN + 15.5)
    pdf.cell(CONTENT_W, 5, pdf.t(subtitle))
    y = MARGIN + 22.5
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y, PAGE_W - MARGIN, y)
    return y + 4


def _components(pdf: _ReportPDF, df: pd.DataFrame, x: float, y: float, w: float, h: float) -> float:
    """Horizontal bars of the need score's components (largest contribution first);
    returns the height used."""
    if df is None or df.empty:
        pdf.font(8.5, colour=MUTED)
        pdf.set_xy(x, y)
        pdf.cell(w, 5, pdf.t("Composantes non disponibles."))
        return 5.0
    data = df.copy()
    data["contribution"] = pd.to_numeric(data["contribution"], errors="coerce")
    data = data.sort_values("contribution", ascending=False, na_position="last")
    # Every component bringing points is drawn (the report's sentence cites each of
    # them): the rows get thinner rather than one being dropped.
    rows = data[data["contribution"].fillna(0) != 0]
    rows = rows if not rows.empty else data.head(1)
    row_h = min(5.6, h / len(rows))
    label_w, value_w = w * 0.45, 13.0
    bar_w = w - label_w - value_w - 2
    finite = [abs(v) for v in rows["contribution"] if not _is_missing(v)]
    top = max(finite) if finite else 1.0
    top = top or 1.0
    has_negative = any(v < 0 for v in rows["contribution"] if not _is_missing(v))
    zero_x = x + label_w + (bar_w / 2 if has_negative else 0)
    scale = (bar_w / 2 if has_negative else bar_w) / top
    decimals = _decimals_for(list(rows["contribution"]), "")
    for i, (_, row) in enumerate(rows.iterrows()):
        ry = y + i * row_h
        pdf.font(8)
        label = pdf.fit_width(str(row["composante"]), label_w - 1)
        pdf.set_xy(x, ry)
        pdf.cell(label_w, row_h - 0.8, label)
        value = row["contribution"]
        if not _is_missing(value):
            length = abs(float(value)) * scale
            start = zero_x if value >= 0 else zero_x - length
            pdf.set_fill_color(*(ACCENT if value >= 0 else SERIES_COLOURS["region"]))
            pdf.rect(start, ry + 1.0, max(length, 0.3), row_h - 2.6, style="F")
        pdf.font(8, colour=MUTED)
        pdf.set_xy(x + label_w + bar_w + 2, ry)
        pdf.cell(value_w, row_h - 0.8, pdf.t(format_figure(value, decimals)), align="R")
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.line(zero_x, y, zero_x, y + len(rows) * row_h - 0.8)
    return len(rows) * row_h


def _map(pdf: _ReportPDF, png: bytes | None, x: float, y: float, w: float, h: float) -> float:
    """The map image fitted in the box, top-aligned; returns the height used."""
    if png:
        try:
            from PIL import Image

            with Image.open(io.BytesIO(png)) as img:
                px_w, px_h = img.size
            draw_w = min(w, h * px_w / px_h)
            draw_h = draw_w * px_h / px_w
            pdf.image(io.BytesIO(png), x=x + (w - draw_w) / 2, y=y, w=draw_w, h=draw_h)
            return draw_h
        except Exception:  # noqa: BLE001 - an unreadable image must not lose the report
            pass
    box_h = min(h, 40.0)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.rect(x, y, w, box_h)
    pdf.font(9, colour=MUTED)
    pdf.set_xy(x, y + box_h / 2 - 3)
    pdf.cell(w, 6, pdf.t("Carte non disponible"), align="C")
    return box_h


def _key_figures(pdf: _ReportPDF, report: TerritoryReport, x: float, y: float) -> float:
    """The key figures table; returns its height."""
    # A département's report has no parent département column: left blank.
    own_departement = report.niveau == "Département"
    columns = [
        ("Indicateur", 62.0, "L"),
        (report.niveau or "Territoire", 23.0, "R"),
        ("" if own_departement else "Département", 23.0, "R"),
        ("Région", 23.0, "R"),
        ("France", 23.0, "R"),
        ("", 2.0, "L"),  # gutter between the figures and their unit
        ("Unité", CONTENT_W - 62 - 4 * 23 - 2, "L"),
    ]
    row_h = 6.0
    pdf.set_fill_color(236, 240, 245)
    pdf.font(8, bold=True)
    cx = x
    for title, width, align in columns:
        pdf.set_xy(cx, y)
        pdf.cell(width, row_h, pdf.t(title), align=align, fill=True)
        cx += width
    df = report.key_figures if report.key_figures is not None else pd.DataFrame()
    shown = df.head(MAX_TABLE_ROWS)
    ry = y + row_h
    for i, (_, row) in enumerate(shown.iterrows()):
        unit = "" if _is_missing_text(row.get("unite")) else str(row.get("unite"))
        values = [row.get(c) for c in ("territoire", "departement", "region", "france")]
        decimals = row.get("decimales")
        decimals = _decimals_for(values, unit) if _is_missing(decimals) else int(decimals)
        kind = row.get("kind")
        if isinstance(kind, str) and kind:  # an indicator of the catalogue: its formatter
            texts = [format_value(v, kind, decimals) for v in values]
        else:
            texts = [format_figure(v, decimals) for v in values]
        cells = [str(row.get("indicateur", "")), *texts]
        if own_departement:
            cells[2] = ""
        cells += ["", unit]
        if i % 2 == 1:
            pdf.set_fill_color(248, 249, 251)
            pdf.rect(x, ry, CONTENT_W, row_h, style="F")
        cx = x
        for j, ((_title, width, align), text) in enumerate(zip(columns, cells, strict=True)):
            pdf.font(8.5, bold=(j == 1), colour=INK if j <= 1 else MUTED)
            text = pdf.fit_width(text, width - 2)
            pdf.set_xy(cx, ry)
            pdf.cell(width, row_h, text, align=align)
            cx += width
        ry += row_h
    if len(df) > len(shown):
        pdf.font(7.5, colour=MUTED)
        pdf.set_xy(x, ry)
        extra = len(df) - len(shown)
        pdf.cell(CONTENT_W, 4.5, pdf.t(f"… et {extra} autre(s) indicateur(s) dans l'application."))
        ry += 4.5
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(x, ry, x + CONTENT_W, ry)
    return ry - y


def _is_missing_text(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and _is_missing(value))


def _nice_bounds(low: float, high: float, ticks: int = 4) -> tuple[float, float, float]:
    """Axis bounds and step on a 1–2–2.5–5 ×10ⁿ grid around [low, high]."""
    if high <= low:
        high, low = low + 0.5, low - 0.5
    raw = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _apl_chart(
    pdf: _ReportPDF, report: TerritoryReport, x: float, y: float, w: float, h: float
) -> None:
    """Line chart of APL by year: the territory and its three references."""
    df = report.apl_history
    series = [
        c
        for c in ("departement", "region", "france", "territoire")
        if df is not None
        and c in df.columns
        and pd.to_numeric(df[c], errors="coerce").notna().any()
    ]
    if df is None or df.empty or "annee" not in df.columns or not series:
        pdf.font(8.5, colour=MUTED)
        pdf.set_xy(x, y + h / 2)
        pdf.cell(w, 5, pdf.t("Historique de l'APL non disponible."), align="C")
        return
    df = df.sort_values("annee")
    years = [int(a) for a in df["annee"]]
    values = [
        float(v)
        for c in series
        for v in pd.to_numeric(df[c], errors="coerce")
        if not _is_missing(v)
    ]
    if not values:
        pdf.font(8.5, colour=MUTED)
        pdf.set_xy(x, y + h / 2)
        pdf.cell(w, 5, pdf.t("Historique de l'APL non disponible."), align="C")
        return
    low, high, step = _nice_bounds(min(values), max(values))
    legend_h, axis_w, axis_h, top_pad = 6.0, 10.0, 5.0, 3.0
    px, py = x + axis_w, y + top_pad
    pw, ph = w - axis_w - 2, h - legend_h - axis_h - top_pad
    x0, x1 = min(years), max(years)
    span = (x1 - x0) or 1

    def to_xy(year: float, value: float) -> tuple[float, float]:
        fx = 0.5 if x1 == x0 else (year - x0) / span
        return px + fx * pw, py + ph - (value - low) / (high - low) * ph

    decimals = 1 if step >= 0.1 else 2
    pdf.set_line_width(0.15)
    pdf.set_draw_color(*RULE)
    tick = low
    while tick <= high + step / 1000:
        _, ty = to_xy(x0, tick)
        pdf.line(px, ty, px + pw, ty)
        pdf.font(7, colour=MUTED)
        pdf.set_xy(x, ty - 2)
        pdf.cell(axis_w - 1, 4, pdf.t(fmt_number(tick, decimals)), align="R")
        tick += step
    label_every = max(1, math.ceil(len(years) / 8))
    for i, year in enumerate(years):
        if i % label_every:
            continue
        tx, _ = to_xy(year, low)
        pdf.font(7, colour=MUTED)
        pdf.set_xy(tx - 6, py + ph + 0.8)
        pdf.cell(12, 4, str(year), align="C")
    for column in series:
        colour = SERIES_COLOURS[column]
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.7 if column == "territoire" else 0.35)
        if column == "france":
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
        points: list[tuple[float, float]] = []
        segment: list[tuple[float, float]] = []
        for year, value in zip(years, pd.to_numeric(df[column], errors="coerce"), strict=True):
            if _is_missing(value):  # a missing year breaks the line
                if len(segment) > 1:
                    pdf.polyline(segment)
                segment = []
                continue
            segment.append(to_xy(year, float(value)))
            points.append(segment[-1])
        if len(segment) > 1:
            pdf.polyline(segment)
        pdf.set_dash_pattern()
        if column == "territoire":  # markers show isolated years too
            pdf.set_fill_color(*colour)
            for cx, cy in points:
                pdf.ellipse(cx - 0.7, cy - 0.7, 1.4, 1.4, style="F")
    lx = px
    ly = y + h - legend_h + 2
    legend = [c for c in ("territoire", "departement", "region", "france") if c in series]
    pdf.font(7.5, colour=INK)
    # The references' labels are short; the territory's name gets the rest of the width.
    others_w = sum(
        pdf.get_string_width(SERIES_LABELS[c]) + 11 for c in legend[1:] if c != "territoire"
    )
    name_max = max(15.0, pw - others_w - 11)
    for column in legend:
        label = pdf.t(report.nom if column == "territoire" else SERIES_LABELS[column])
        pdf.font(7.5, bold=(column == "territoire"), colour=INK)
        if pdf.get_string_width(label) > name_max:  # a long name: its level says it
            label = report.niveau or "Territoire"
        label = pdf.fit_width(label, name_max)
        pdf.set_draw_color(*SERIES_COLOURS[column])
        pdf.set_line_width(0.7 if column == "territoire" else 0.35)
        if column == "france":
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(lx, ly + 2, lx + 5, ly + 2)
        pdf.set_dash_pattern()
        pdf.set_xy(lx + 6, ly)
        width = pdf.get_string_width(label) + 2
        pdf.cell(width, 4, label)
        lx += 6 + width + 3


def _footer(pdf: _ReportPDF, report: TerritoryReport) -> float:
    """Sources and date, anchored at the bottom of the page; returns the top used."""
    sources = [s.strip() for s in report.sources if s and s.strip()] or ["Sources : n.d."]
    width = CONTENT_W
    pdf.font(6.8, colour=MUTED)
    sizes = (6.8, 6.4, 6.0)
    # One source a line when they fit; else run them on as a paragraph rather than cut one.
    size, lines = pdf.fitted_lines("\n".join(sources), width, 19, sizes)
    if lines[-1].endswith(pdf.t("…")):
        size, lines = pdf.fitted_lines(" · ".join(sources), width, 19, sizes)
    line_h = pdf._line_h(size)
    stamp_h = 4.0
    top = PAGE_H - MARGIN - stamp_h - len(lines) * line_h - 2
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, top, PAGE_W - MARGIN, top)
    for i, line in enumerate(lines):
        pdf.set_xy(MARGIN, top + 1.5 + i * line_h)
        pdf.cell(width, line_h, line)
    pdf.font(7, colour=MUTED)
    pdf.set_xy(MARGIN, PAGE_H - MARGIN - stamp_h + 0.5)
    stamp = "Déserts médicaux — tableau de bord en données ouvertes"
    if report.build_date:
        stamp += f" · Édité le {report.build_date}"
    pdf.cell(CONTENT_W - 20, stamp_h, pdf.t(stamp))
    pdf.set_xy(PAGE_W - MARGIN - 20, PAGE_H - MARGIN - stamp_h + 0.5)
    pdf.cell(20, stamp_h, "1/1", align="R")
    return top


def render_pdf(report: TerritoryReport) -> bytes:
    """The report as a one-page A4 PDF (bytes)."""
    pdf = _ReportPDF()
    pdf.set_title(f"Fiche territoire — {report.nom}")
    pdf.set_subject(f"{report.niveau} {report.code} — accès aux médecins généralistes")
    pdf.set_author("Déserts médicaux")
    pdf.set_creator("Déserts médicaux (fpdf2)")
    pdf.set_lang("fr-FR")
    pdf.add_page()

    y = _header(pdf, report)
    footer_top = _footer(pdf, report)

    # Band 1: ranking and score components (left), map (right).
    # Its height is the taller of the two, at most ``band_max``.
    band_max = 86.0
    left_w = 100.0
    map_x = MARGIN + left_w + 6
    map_w = PAGE_W - MARGIN - map_x
    y_left = y + pdf.heading("Position", MARGIN, y, left_w)
    used = pdf.text_block(report.ranking_text, MARGIN, y_left, left_w, 24)
    y_left += used + 3
    y_left += pdf.heading("Composantes du score de besoin", MARGIN, y_left, left_w)
    y_left += _components(
        pdf, report.score_components, MARGIN, y_left, left_w, y + band_max - y_left
    )
    map_h = _map(pdf, report.map_png, map_x, y, map_w, band_max)
    y = max(y_left, y + map_h) + 5

    # Band 2: key figures.
    y += pdf.heading("Chiffres clés", MARGIN, y, CONTENT_W)
    y += _key_figures(pdf, report, MARGIN, y) + 5

    # Band 3: APL history (left), recommendation (right), down to the footer.
    band3_h = max(30.0, footer_top - 4 - y)
    chart_w = 112.0
    title_h = pdf.heading("Évolution de l'APL aux médecins généralistes", MARGIN, y, chart_w)
    _apl_chart(pdf, report, MARGIN, y + title_h, chart_w, band3_h - title_h)
    rec_x = MARGIN + chart_w + 6
    rec_w = PAGE_W - MARGIN - rec_x
    rec_title = pdf.heading("Recommandation", rec_x, y, rec_w)
    pdf.set_fill_color(250, 244, 240)
    pdf.rect(rec_x, y + rec_title, rec_w, band3_h - rec_title, style="F")
    pdf.text_block(
        report.recommendation,
        rec_x + 2.5,
        y + rec_title + 2.5,
        rec_w - 5,
        band3_h - rec_title - 5,
    )
    if pdf.pages_count != 1:  # pragma: no cover - the layout above never adds a page
        raise RuntimeError("La fiche territoire doit tenir sur une page.")
    return bytes(pdf.output())


__all__ = ["TerritoryReport", "format_figure", "render_pdf"]
