"""What keeps pages quick: fragments (a widget reruns its part only), capped styled tables."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT


def test_simulation_slider_reruns_its_fragment_and_the_permalink(mini_db, monkeypatch) -> None:
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/6_Simuler.py")
    for key, value in {"niveau": "commune", "code": "01015", "etp": "2"}.items():
        at.query_params[key] = value
    at.run()
    before = {m.label: m.value for m in at.metric}["Consultations ajoutées par an"]
    at.select_slider[0].set_value(4.0).run()
    assert not at.exception
    assert "4 médecins à temps plein" in at.header[0].value
    after = {m.label: m.value for m in at.metric}["Consultations ajoutées par an"]
    # 5 400 consultations per new FTE (DREES workbook, Paramètres): 2 FTE → 10 800, 4 → 21 600.
    assert (before, after) == ("10\u202f800", "21\u202f600")
    assert at.query_params["etp"] == "4"


def test_compare_search_adds_a_territory_to_the_page_and_the_permalink(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/3_Comparer.py")
    at.query_params["territoires"] = "commune:26281,commune:26362"
    at.run()
    at.text_input(key="recherche_comparaison").input("01015").run()
    assert not at.exception
    add = [b for b in at.button if b.key == "ajout_commune_01015"]
    assert add, [b.key for b in at.button]
    add[0].click().run()
    assert not at.exception
    assert at.query_params["territoires"] == "commune:26281,commune:26362,commune:01015"
    assert any("Arboys en Bugey" in b.label for b in at.button if b.key.startswith("retrait_"))


def test_a_long_commune_list_shows_its_head_and_downloads_every_row(mini_db, monkeypatch):
    from analytics.ui import profile

    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    monkeypatch.setattr(profile, "STYLED_ROWS_MAX", 1)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/2_Territoire.py")
    at.query_params["niveau"] = "departement"
    at.query_params["code"] = "26"
    at.run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Commune" in d.value.columns)
    assert len(table) == 1
    shown = [c.value for c in at.caption if "premières des" in c.value]
    assert shown and shown[0].startswith("Les 1 premières des ")
