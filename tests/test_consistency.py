"""One figure everywhere: a territory's population, APL and score read from every page and
export are the same.

Expected values come from the mini mirror's files (tests/mini_mirror.py), not from the
code: Romans-sur-Isère (26281) has a legal population of 33 000 (``communes.json``) and
an APL 2023 of 2,50 (``APL 2023`` sheet).
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from analytics import db, views
from tests.test_app_pages import _deck_spec, _features, _page

CODE, NOM = "26281", "Romans-sur-Isère"
POPULATION, APL = "33\u202f000", "2,50"


@pytest.fixture(autouse=True)
def _mini(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))


def _score_sentence(texts: list[str]) -> int:
    found = [int(m.group(1)) for t in texts for m in [re.search(r"Score (\d+)/100", t)] if m]
    assert found, texts
    return found[0]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_population_apl_and_score_agree_on_every_page_and_export(mini_db) -> None:
    seen: dict[str, tuple[str, str]] = {}

    profile = _page("territoire", niveau="commune", code=CODE)
    metrics = {m.label: m.value for m in profile.metric}
    seen["profil"] = (metrics["Population"], metrics["APL 2023"])
    profile_score = _score_sentence([m.value for m in profile.markdown])

    compare = _page("comparer", territoires=f"commune:{CODE},commune:26362")
    table = compare.dataframe[0].value.set_index("Indicateur")
    column = next(c for c in table.columns if c.startswith(NOM))
    seen["comparer"] = (
        table.loc["Population", column],
        table.loc["APL aux médecins généralistes 2023", column],
    )

    carte = _page("carte", niveau="commune")
    props = next(
        f["properties"] for f in _features(_deck_spec(carte)) if f["properties"]["code"] == CODE
    )
    seen["carte (infobulle)"] = (props["population"], props["valeur"].split("\xa0")[0])

    priorites = _page("priorites", niveau="commune")
    ranked = priorites.dataframe[0].value.set_index("Territoire")
    from analytics.formatting import fmt_number

    seen["priorités"] = (
        fmt_number(ranked.loc[NOM, "Population"]),
        fmt_number(ranked.loc[NOM, "APL 2023"], 2),
    )
    # Displayed as every page displays a score: whole points, half up (42,5 → 43).
    priorities_score = int(fmt_number(ranked.loc[NOM, "Score (0–100)"], 0))

    con = db.connect(mini_db)
    try:
        from analytics.exports import dataframe_csv_fr

        view = views.profile(con, "commune", CODE)
        csv = pd.read_csv(
            io.BytesIO(dataframe_csv_fr(view.raw)), sep=";", decimal=",", encoding="utf-8-sig"
        ).set_index("indicateur")
        seen["export CSV du profil"] = (
            fmt_number(csv.loc["population", NOM]),
            fmt_number(csv.loc["apl_2023", NOM], 2),
        )
        from analytics.report import render_pdf

        pdf = _pdf_text(render_pdf(views.territory_report(con, "commune", CODE)))
    finally:
        con.close()
    pdf_score = _score_sentence([pdf])

    assert set(seen.values()) == {(POPULATION, APL)}, seen
    assert POPULATION in pdf and APL in pdf
    assert profile_score == priorities_score == pdf_score


@pytest.mark.mirror
def test_pdf_draws_every_component_its_text_cites(national_db) -> None:
    """The Cher (18), all eight components weighted: the report's sentence and its component bars name the same parts."""
    from analytics.report import render_pdf
    from analytics.score import COMPONENTS

    con = db.connect(national_db)
    try:
        report = views.territory_report(con, "departement", "18")
        pdf = _pdf_text(render_pdf(report))
    finally:
        con.close()
    cited = [c for c in COMPONENTS if f"{c.phrase} " in report.ranking_text]
    assert len(cited) == 8, report.ranking_text
    drawn = set(report.score_components["composante"])
    flat = re.sub(r"\s+", " ", pdf)
    for component in cited:
        assert component.label in drawn, component.label
        # The label (possibly cut with an ellipsis to fit its column) is in the PDF.
        assert component.label[:20] in flat, component.label
