"""The home page with Streamlit's AppTest, on the mini database and without one."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_home_shows_national_key_figures(mini_db, monkeypatch) -> None:
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert "APL 2023" in labels
    # France of the mini mirror: population 362 880 (Mayotte in, Nouméa out: INSEE's
    # France) → French format with narrow spaces.
    assert labels["Population"].replace("\u202f", " ") == "362 880"
    assert "," in labels["APL 2023"]
    captions = " ".join(c.value for c in at.caption)
    assert "Source : DREES" in captions
    assert "Base construite le" in captions


def test_home_without_database_explains_the_command(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DESERTS_DB", str(tmp_path / "absent.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.error and "make data" in at.error[0].value
    assert not at.metric


def test_home_search_lists_homonyms_with_departements(mini_db, monkeypatch) -> None:
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="recherche_accueil").input("romans").run()
    assert not at.exception
    links = at.get("page_link")
    labels = [link.proto.label for link in links]
    assert any(label.startswith("Romans-sur-Isère (Drôme, 26)") for label in labels), labels
    first = links[0].proto
    assert first.page == "Territoire"
    assert sorted(first.query_string.split("&")) == ["code=26281", "niveau=commune"]


def test_home_search_without_result_says_so(mini_db, monkeypatch) -> None:
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="recherche_accueil").input("zzzzqqq").run()
    assert not at.exception
    assert at.warning and "zzzzqqq" in at.warning[0].value


def test_home_shows_patients_without_gp_with_source(mini_db, monkeypatch) -> None:
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Patients de 17 ans et plus sans médecin traitant"] == "11,0 %"
    captions = " ".join(c.value for c in at.caption)
    assert "France, patients 17 ans et plus, juin 2021 — Source : Cnam" in captions
