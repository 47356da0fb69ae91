"""The one-page territory report, opened with pypdf."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from analytics import report as report_module
from analytics.report import TerritoryReport, format_figure, render_pdf


def _map_png() -> bytes:
    img = Image.new("RGB", (500, 560), "white")
    img.paste((178, 24, 43), (50, 50, 250, 300))
    img.paste((103, 169, 207), (250, 50, 450, 300))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def territory() -> TerritoryReport:
    return TerritoryReport(
        nom="Communauté de communes du Diois",
        niveau="EPCI",
        code="200040624",
        parent_label="Drôme, Auvergne-Rhône-Alpes",
        key_figures=pd.DataFrame(
            {
                "indicateur": ["APL aux médecins généralistes", "Population", "Part des 75 ans"],
                "territoire": [2.345, 12345.0, None],
                "departement": [3.1, 516762.0, 10.9],
                "region": [3.4, 8114361.0, 9.8],
                "france": [3.3, 68_000_000.0, 10.1],
                "unite": ["consultations/an/hab.", "habitants", "%"],
            }
        ),
        apl_history=pd.DataFrame(
            {
                "annee": [2019, 2021, 2022, 2023],
                "territoire": [2.8, 2.6, None, 2.35],
                "departement": [3.3, 3.2, 3.1, 3.1],
                "region": [3.5, 3.4, 3.4, 3.4],
                "france": [3.4, 3.3, 3.3, 3.3],
            }
        ),
        ranking_text="12e sur 1\u202f255 EPCI par score de besoin : APL parmi les plus faibles.",
        score_components=pd.DataFrame(
            {
                "composante": ["APL faible", "Population âgée", "Urgences éloignées"],
                "contribution": [32.5, 18.2, -3.1],
            }
        ),
        recommendation="Priorité à l'installation : maison de santé pluriprofessionnelle.",
        map_png=_map_png(),
        sources=["Source : DREES, APL 2019–2023", "Source : INSEE, populations légales 2023"],
        build_date="22 novembre 2026",
    )


def _read(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), re.sub(r"[\s\u202f\u00a0]+", " ", text)


def test_report_is_one_page_with_the_territory(territory: TerritoryReport) -> None:
    pdf = render_pdf(territory)
    assert pdf.startswith(b"%PDF-")
    pages, text = _read(pdf)
    assert pages == 1
    assert "Communauté de communes du Diois" in text
    assert "Drôme, Auvergne-Rhône-Alpes" in text
    assert "12e sur 1 255 EPCI" in text
    for figure in ("2,35", "12 345", "8 114 361", "68 000 000", "n.d."):
        assert figure in text, figure
    assert "Source : DREES, APL 2019–2023" in text
    assert "22 novembre 2026" in text
    assert "Priorité à l'installation" in text


def test_report_page_is_a4_with_embedded_fonts(territory: TerritoryReport) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(territory)))
    page = reader.pages[0]
    width_mm = float(page.mediabox.width) / 72 * 25.4
    height_mm = float(page.mediabox.height) / 72 * 25.4
    assert (round(width_mm), round(height_mm)) == (210, 297)
    if report_module.find_font() is not None:
        fonts = page["/Resources"]["/Font"]
        names = [str(fonts[k].get_object()["/BaseFont"]) for k in fonts]
        assert any("DejaVu" in n for n in names)
    assert reader.metadata.title == "Fiche territoire — Communauté de communes du Diois"


def test_report_stays_on_one_page_with_too_much_content(territory: TerritoryReport) -> None:
    many = pd.DataFrame(
        {
            "indicateur": [
                f"Indicateur numéro {i} au libellé particulièrement long" for i in range(30)
            ],
            "territoire": np.linspace(0, 1e6, 30),
            "departement": 1.0,
            "region": 2.0,
            "france": 3.0,
            "unite": "unité très longue à couper",
        }
    )
    crowded = replace(
        territory,
        nom="Saint-Rémy-de-Provence-et-Communes-Associées " * 3,
        key_figures=many,
        ranking_text="Une explication très détaillée. " * 60,
        recommendation="Une recommandation très détaillée. " * 80,
        score_components=pd.DataFrame(
            {"composante": [f"Composante {i}" for i in range(25)], "contribution": range(25)}
        ),
        sources=[f"Source : producteur {i}, jeu de données {i}" for i in range(20)],
    )
    pages, text = _read(render_pdf(crowded))
    assert pages == 1
    assert "autre(s) indicateur(s)" in text  # rows that did not fit are counted
    assert "…" in text  # texts cut with an ellipsis


def test_report_without_map_history_or_components(territory: TerritoryReport) -> None:
    bare = replace(
        territory,
        map_png=None,
        apl_history=pd.DataFrame(
            columns=["annee", "territoire", "departement", "region", "france"]
        ),
        score_components=pd.DataFrame(columns=["composante", "contribution"]),
        sources=[],
        build_date="",
    )
    pages, text = _read(render_pdf(bare))
    assert pages == 1
    assert "Carte non disponible" in text
    assert "Historique de l'APL non disponible" in text


def test_report_falls_back_to_helvetica_without_dejavu(
    territory: TerritoryReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_module, "find_font", lambda bold=False: None)
    broken = replace(territory, map_png=b"not a png", nom="Œuvre − Saint-Étienne")
    pages, text = _read(render_pdf(broken))
    assert pages == 1
    assert "OEuvre - Saint-Étienne" in text  # Latin-1 has neither Œ nor the minus sign
    assert "12 345" in text


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.345, 2, "2,35"),
        (12345.0, 0, "12\u202f345"),
        (-3.1, 1, "\u22123,1"),
        (None, 1, "n.d."),
        (float("nan"), 1, "n.d."),
        (pd.NA, 0, "n.d."),
    ],
)
def test_format_figure(value: object, decimals: int, expected: str) -> None:
    assert format_figure(value, decimals) == expected


@pytest.mark.parametrize(
    ("values", "unit", "expected"),
    [
        ([2.345, 3.1, None], "consultations", 2),
        ([12.3, 10.9], "%", 1),
        ([45.6, 115.9], "hab./km²", 1),
        ([12345.0, 68e6], "habitants", 0),
        ([None, None], "", 0),
    ],
)
def test_decimals_follow_magnitude(values: list, unit: str, expected: int) -> None:
    assert report_module._decimals_for(values, unit) == expected
