"""The plan as a PDF of one or two A4 pages (fpdf2, the fonts of the territory report)."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.report import MARGIN, MUTED, _map, _ReportPDF


@dataclass(frozen=True)
class PlanReport:
    """What the PDF prints: all texts already in French, figures formatted."""

    titre: str
    sous_titre: str
    chiffres: list[tuple[str, str]]  # (label, value)
    lignes: list[str]  # one sentence per site or stop
    calendrier: list[str]  # timetable lines (médicobus), may be empty
    comparaison: str
    methode: str
    sources: str
    date: str
    carte_png: bytes | None = None


def render_plan_pdf(report: PlanReport) -> bytes:
    """One page (two when the sites and the timetable do not fit)."""
    pdf = _ReportPDF()
    pdf.set_title(report.titre)
    pdf.set_author("Déserts médicaux")
    pdf.set_creator("Déserts médicaux (fpdf2)")
    pdf.set_lang("fr-FR")
    pdf.add_page()
    width = 210 - 2 * MARGIN
    bottom = 297 - MARGIN - 14
    y = MARGIN
    pdf.font(15, bold=True)
    pdf.set_xy(MARGIN, y)
    pdf.cell(width, 8, pdf.fit_width(report.titre, width))
    y += 9
    y += pdf.text_block(report.sous_titre, MARGIN, y, width, 12, colour=MUTED) + 3
    col = width / 2
    for k, (label, value) in enumerate(report.chiffres):
        x = MARGIN + (k % 2) * col
        pdf.font(8, colour=MUTED)
        pdf.set_xy(x, y)
        pdf.cell(col, 4, pdf.fit_width(label, col - 2))
        pdf.font(11, bold=True)
        pdf.set_xy(x, y + 4)
        pdf.cell(col, 6, pdf.fit_width(value, col - 2))
        if k % 2 == 1 or k == len(report.chiffres) - 1:
            y += 11
    if report.carte_png:
        y += 2 + _map(pdf, report.carte_png, MARGIN, y + 2, width, 80)

    def section(title: str, lines: list[str], y: float) -> float:
        if not lines:
            return y
        if y + 20 > bottom:
            pdf.add_page()
            y = MARGIN
        y += pdf.heading(title, MARGIN, y + 2, width) + 2
        for line in lines:
            if y + 10 > bottom:
                pdf.add_page()
                y = MARGIN
            y += pdf.text_block("• " + line, MARGIN, y, width, 14) + 1
        return y

    y = section("Sites et raisons", report.lignes, y)
    y = section("Calendrier", report.calendrier, y)
    y = section("Comparaison", [report.comparaison], y)
    y = section("Méthode", [report.methode], y)
    pdf.font(7.5, colour=MUTED)
    pdf.set_xy(MARGIN, 297 - MARGIN - 10)
    pdf.multi_cell(width, 3.5, pdf.t(f"{report.sources} Document créé le {report.date}."))
    return bytes(pdf.output())
