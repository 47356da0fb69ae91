"""Every page with Streamlit's AppTest, on the mini database: smoke and behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "carte": ROOT / "pages" / "1_Carte.py",
    "territoire": ROOT / "pages" / "2_Territoire.py",
    "comparer": ROOT / "pages" / "3_Comparer.py",
    "priorites": ROOT / "pages" / "4_Priorites.py",
    "methodes": ROOT / "pages" / "5_Sources_et_méthodes.py",
    "simuler": ROOT / "pages" / "6_Simuler.py",
}


def _page(name: str, **params: str) -> AppTest:
    """The page as the app runs it: app.py is the entry point (page links resolve)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(str(PAGES[name].relative_to(ROOT)))
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _deck_spec(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert charts, "aucune carte sur la page"
    return json.loads(charts[0].proto.json)


def _features(spec: dict) -> list[dict]:
    layer = next(layer for layer in spec["layers"] if layer["id"] == "choroplethe")
    return layer["data"]


@pytest.fixture(autouse=True)
def _mini(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_runs_without_exception(name: str) -> None:
    at = _page(name)
    assert not at.exception, at.exception
    assert at.title, "la page n'a pas de titre"
    captions = " ".join(c.value for c in at.caption)
    assert "Base construite le" in captions


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_without_database_explains_the_command(name, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DESERTS_DB", str(tmp_path / "absent.duckdb"))
    at = _page(name)
    assert not at.exception
    assert at.error and "make data" in at.error[0].value


# --- Map -------------------------------------------------------------------------------------


def test_map_level_and_indicator_change_the_data() -> None:
    at = _page("carte", niveau="departement")
    deps = _features(_deck_spec(at))
    assert sorted(f["properties"]["code"] for f in deps) == [
        "01",
        "26",
        "2A",
        "69",
        "75",
        "85",
        "976",
        "988",
    ]
    valence_dep = next(f for f in deps if f["properties"]["code"] == "26")
    assert valence_dep["properties"]["valeur"].startswith("3,")  # APL, French decimals

    at.selectbox[0].set_value("commune").run()
    assert not at.exception
    communes = _features(_deck_spec(at))
    assert len(communes) == 11
    assert at.query_params["niveau"] == "commune"

    at.selectbox[1].set_value("generalistes_pour_10000").run()
    assert not at.exception
    values = {f["properties"]["code"]: f["properties"]["valeur"] for f in _features(_deck_spec(at))}
    assert values["01001"].startswith("0")  # no GP in L'Abergement-Clémenciat
    assert at.query_params["indicateur"] == "generalistes_pour_10000"
    assert "Généralistes" in at.subheader[0].value or "généralistes" in at.subheader[0].value


def test_map_apl_classes_follow_the_thresholds() -> None:
    at = _page("carte", niveau="commune", annee="2023")
    classes = {
        f["properties"]["code"]: f["properties"]["classe"] for f in _features(_deck_spec(at))
    }
    assert classes["01001"] == "sous-dense"  # 1.942
    assert classes["26281"] == "intermédiaire"  # 2.50: the lower bound is inclusive
    assert classes["26362"] == "mieux doté"  # 4.00


def test_map_permalink_restores_the_state() -> None:
    at = _page("carte", niveau="commune", departement="26", indicateur="apl_2022", annee="2022")
    assert not at.exception
    assert at.selectbox[0].value == "commune"
    assert at.select_slider[0].value == 2022
    codes = sorted(f["properties"]["code"] for f in _features(_deck_spec(at)))
    assert codes == ["26281", "26362"]  # only the Drôme
    assert "2022" in at.subheader[0].value


def test_map_bad_parameters_give_french_messages() -> None:
    at = _page("carte", niveau="<script>", indicateur="drop table", annee="1900")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "niveau" in warnings and "indicateur" in warnings and "annee" in warnings
    assert _features(_deck_spec(at))  # the default map is shown


def test_map_payload_and_source_are_shown() -> None:
    at = _page("carte")
    captions = " ".join(c.value for c in at.caption)
    assert "Mo envoyés au navigateur" in captions
    assert "Source : DREES" in captions


# --- Profile ---------------------------------------------------------------------------------


def test_profile_from_permalink_shows_the_territory_and_its_map() -> None:
    at = _page("territoire", niveau="epci", code="200068781")
    assert not at.exception
    assert "CA Valence Romans Agglo" in at.header[0].value
    frames = [df.value for df in at.dataframe]
    indicators = frames[0]
    assert "Indicateur" in indicators.columns
    assert any("Département" in c for c in indicators.columns)
    spec = _deck_spec(at)
    assert sorted(f["properties"]["code"] for f in _features(spec)) == ["26281", "26362"]
    assert any(layer["id"] == "surbrillance" for layer in spec["layers"])


def test_profile_of_a_commune_maps_its_epci_and_outlines_it() -> None:
    at = _page("territoire", niveau="commune", code="26281")
    assert not at.exception
    spec = _deck_spec(at)
    codes = sorted(f["properties"]["code"] for f in _features(spec))
    assert codes == ["26281", "26362"]


def test_profile_unknown_code_gives_a_message() -> None:
    at = _page("territoire", niveau="commune", code="99999")
    assert not at.exception
    assert at.error and "99999" in at.error[0].value


def test_profile_malicious_code_is_rejected_with_its_parameter_name() -> None:
    at = _page("territoire", niveau="commune", code="26281' OR 1=1 --")
    assert not at.exception
    assert any("code" in w.value for w in at.warning)


def test_search_then_profile_link() -> None:
    at = _page("territoire")
    at.text_input(key="recherche_profil").input("valence").run()
    links = [link.proto for link in at.get("page_link") if "Valence" in link.proto.label]
    assert links
    assert "code=26362" in links[0].query_string


# --- Compare ---------------------------------------------------------------------------------


def _drees_apl(mini_mirror: Path, year: int) -> dict[str, float]:
    """APL of each commune as the DREES workbook of the mirror gives it (openpyxl)."""
    import openpyxl

    path = mini_mirror / "health" / "drees_apl_medecins_generalistes_2022_2023.xlsx"
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = wb[f"APL {year}"].iter_rows(min_row=11, values_only=True)  # header 9, units 10
    return {str(r[0]): float(r[2]) for r in rows if r[0]}


def test_compare_from_permalink_shows_both_territories(mini_mirror: Path) -> None:
    at = _page("comparer", territoires="commune:26281,commune:26362")
    assert not at.exception
    table = at.dataframe[0].value
    romans, valence = "Romans-sur-Isère (Commune)", "Valence (Commune)"
    assert list(table.columns) == ["Indicateur", "Unité", romans, valence]
    apl = table.set_index("Indicateur").loc["APL aux médecins généralistes 2023"]
    workbook = _drees_apl(mini_mirror, 2023)
    # Valence 4,00 and Romans-sur-Isère 2,50 in the DREES workbook, shown to 2 decimals.
    assert apl[valence] == f"{workbook['26362']:.2f}".replace(".", ",") == "4,00"
    assert apl[romans] == f"{workbook['26281']:.2f}".replace(".", ",") == "2,50"


def test_compare_with_one_territory_asks_for_more() -> None:
    at = _page("comparer", territoires="commune:26281")
    assert not at.exception
    assert at.info and "deux" in at.info[0].value


# --- Priorities ------------------------------------------------------------------------------


def _focus(at: AppTest, label: str) -> list[str]:
    """All the weight on one component (slider ``label``), the others at zero."""
    for slider in at.slider:
        slider.set_value(slider.max if slider.label == label else slider.min)
    at.run()
    assert not at.exception
    return at.dataframe[0].value["Territoire"].tolist()


def test_priorities_weights_change_the_order() -> None:
    at = _page("priorites", niveau="commune")
    assert not at.exception
    assert len(at.dataframe[0].value) == 11  # every commune, Nouméa unscored at the end
    # APL gap only: L'Abergement-Clémenciat (APL 1,94) comes first, Valence (4,0) last.
    by_gap = _focus(at, "Écart à l'APL cible")
    assert by_gap[0] == "L'Abergement-Clémenciat"
    # 75+ share only: the mini mirror gives Ajaccio the oldest population.
    by_age = _focus(at, "Part des 75 ans et plus")
    # Paris is the youngest of the fixture (5,7 %); Nouméa, without the figure, is not
    # scored and comes last.
    assert by_age[0] == "Ajaccio" and by_age[-2:] == ["Paris", "Nouméa"]


def test_priorities_zero_weights_give_a_message() -> None:
    at = _page("priorites", niveau="commune")
    for slider in at.slider:
        slider.set_value(slider.min)
    at.run()
    assert not at.exception
    assert at.error and "poids" in at.error[0].value


def test_priorities_bad_level_falls_back_with_message() -> None:
    at = _page("priorites", niveau="region")
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Paramètre « niveau » : le niveau « Région » n'est pas classé ici ; EPCI affichés."
    ]
    assert at.radio[0].value == "epci"  # the fallback the message announces


# --- Methods ---------------------------------------------------------------------------------


def test_methods_page_shows_parameters_sources_and_reconciler() -> None:
    at = _page("methodes")
    assert not at.exception
    headers = [h.value for h in at.header]
    assert "Sources" in headers and "Définitions des indicateurs" in headers
    cards = " ".join(m.value for m in at.markdown)
    assert "« 87 %" in cards  # « 87 % of the population in a medical desert »
    assert cards.count("Nos données :") >= 5  # each quoted figure beside ours
    texts = " ".join(str(df.value.to_csv()) for df in at.dataframe)
    assert "DREES" in texts


def test_profile_offers_the_pdf_report_and_map_png() -> None:
    at = _page("territoire", niveau="commune", code="26362")
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Fiche du territoire (PDF, une page)" in labels
    assert "Carte (PNG, légende et source)" in labels


def test_tables_show_french_numbers_and_keep_numeric_values() -> None:
    import pandas as pd

    from analytics.ui import french

    df = pd.DataFrame(
        {"Commune": ["A", "B"], "Population": [12345, 980], "APL": [2.5, 3.456], "d": [0.1, -0.2]}
    )
    styler = french(df, {"APL": 2, "d": "signed"})
    html = styler.to_html()
    assert "12\u202f345" in html and "980" in html
    assert "2,50" in html and "3,46" in html
    assert "+0,10" in html and "\u22120,20" in html
    assert styler.data["Population"].dtype.kind == "i"  # sorting stays numeric


def test_profile_links_to_the_map_of_its_departement() -> None:
    at = _page("territoire", niveau="commune", code="26281")
    links = [link.proto for link in at.get("page_link") if "sur la carte" in link.proto.label]
    assert links
    assert sorted(links[0].query_string.split("&")) == ["departement=26", "niveau=commune"]


def test_map_has_a_text_alternative_with_class_counts() -> None:
    at = _page("carte", niveau="commune", annee="2023")
    alt = at.get("deck_gl_json_chart")[0].proto.alt
    assert "Sous-dense : moins de 2,5 : 2" in alt  # 01001 (1,942) and 01015 (2,40)
    assert alt.startswith("Carte. APL aux médecins généralistes 2023 par commune")


# --- Simulation ------------------------------------------------------------------------------


def test_simulation_from_permalink_shows_before_after_and_communes() -> None:
    at = _page("simuler", niveau="commune", code="01015", etp="2")
    assert not at.exception
    assert "Arboys en Bugey" in at.header[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert "Habitants sortis de la sous-densité" in metrics
    table = at.dataframe[0].value
    assert table["Code"].iloc[0] == "01015"  # the site itself first (0 minutes)
    assert (table["APL après"] >= table["APL 2023"]).all()
    assert len(at.get("deck_gl_json_chart")) == 2  # before and after


def test_simulation_bad_etp_and_unknown_commune() -> None:
    at = _page("simuler", niveau="commune", code="01015", etp="1e9")
    assert not at.exception
    assert any("etp" in w.value for w in at.warning)
    at = _page("simuler", niveau="commune", code="99999")
    assert not at.exception
    assert at.error and "99999" in at.error[0].value


def test_commune_profile_links_to_the_simulation() -> None:
    at = _page("territoire", niveau="commune", code="01001")
    links = [link.proto for link in at.get("page_link") if "Simuler" in link.proto.label]
    assert links and "code=01001" in links[0].query_string


def test_departement_profile_shows_ald_without_gp_where_published() -> None:
    at = _page("territoire", niveau="departement", code="26")
    infos = " ".join(i.value for i in at.info)
    assert "Patients en ALD sans médecin traitant (mai 2023)" in infos
    assert "3\u202f000" in infos
    at = _page("territoire", niveau="departement", code="01")  # not published for the Ain
    assert not any("ALD" in i.value for i in at.info)


def test_map_epci_level_zooms_on_a_departement() -> None:
    at = _page("carte", niveau="epci", departement="26")
    assert not at.exception
    codes = [f["properties"]["code"] for f in _features(_deck_spec(at))]
    assert codes == ["200068781"]  # CA Valence Romans Agglo
    assert "Drôme (26)" in at.subheader[0].value
    # Région level has no département filter: the parameter is dropped from the map.
    at = _page("carte", niveau="region", departement="26")
    assert len(_features(_deck_spec(at))) == 6


def test_priorities_map_follows_the_weights() -> None:
    at = _page("priorites", niveau="commune")
    assert not at.exception
    before = {f["properties"]["code"]: f["properties"]["classe"] for f in _features(_deck_spec(at))}
    assert len(before) == 11  # the mini mirror's communes (Nouméa shown, unscored)
    _focus(at, "Part des 75 ans et plus")
    after = {f["properties"]["code"]: f["properties"]["classe"] for f in _features(_deck_spec(at))}
    assert before != after
    top = next(f for f in _features(_deck_spec(at)) if f["properties"]["code"] == "2A004")
    assert top["properties"]["valeur"] == "100"  # Ajaccio: the oldest population


def test_priorities_map_tooltip_gives_the_rank() -> None:
    at = _page("priorites", niveau="commune")
    spec = _deck_spec(at)
    ranks = {f["properties"]["code"]: f["properties"]["x0"] for f in _features(spec)}
    # 10 of the 11 communes are scored: Nouméa lacks too many components (Paris, Yeu and
    # Mamoudzou, without a GP APL in the fixture, are scored on what they have)
    assert sorted(ranks.values())[0] == "1 sur 10"
    tooltip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    assert "Rang : {x0}" in tooltip["text"]


def test_profile_without_code_and_arrondissement_redirect() -> None:
    at = _page("territoire", niveau="commune")
    assert not at.exception
    assert at.info and "Aucun code de territoire donné" in at.info[0].value
    assert not any("« FR »" in e.value for e in at.error)
    # A Lyon arrondissement asked as a commune opens its arrondissement profile.
    at = _page("territoire", niveau="commune", code="69381")
    assert not at.exception
    assert "Arrondissement municipal" in at.header[0].value


def test_simulation_etp_is_shown_in_french() -> None:
    at = _page("simuler", niveau="commune", code="01015", etp="2,5")
    assert at.select_slider[0].value == 2.5
    assert "2,5 médecins à temps plein" in at.header[0].value


def test_search_finds_arrondissements_with_their_level() -> None:
    at = _page("territoire")
    at.text_input(key="recherche_profil").input("Lyon 1er").run()
    links = [
        link.proto for link in at.get("page_link") if "(arrondissement, 69381)" in link.proto.label
    ]
    assert links
    assert sorted(links[0].query_string.split("&")) == [
        "code=69381",
        "niveau=arrondissement_municipal",
    ]


def test_profile_links_to_a_comparison_with_its_neighbours() -> None:
    at = _page("territoire", niveau="commune", code="26281")
    links = [link.proto for link in at.get("page_link") if link.proto.label.startswith("Comparer")]
    assert links
    query = links[0].query_string
    assert query.startswith("territoires=commune%3A26281%2Ccommune%3A")  # itself first


def test_map_year_comes_from_the_slider_only() -> None:
    # An old link naming a yearly APL: the year moves to the slider, the map shows it.
    at = _page("carte", niveau="departement", indicateur="apl_2017")
    assert not at.exception
    assert at.select_slider[0].value == 2017
    assert "2017" in at.subheader[0].value
    assert at.query_params["indicateur"] == "apl_2023" and at.query_params["annee"] == "2017"
    # A non-APL indicator has no year slider (it would do nothing).
    at = _page("carte", niveau="departement", indicateur="generalistes_pour_10000")
    assert not at.select_slider
    assert "annee" not in at.query_params


def test_compare_at_the_limit_offers_no_dead_links() -> None:
    six = ",".join(f"commune:{c}" for c in ("01001", "01004", "01015", "26281", "26362", "69123"))
    at = _page("comparer", territoires=six)
    assert not at.exception
    assert not [link for link in at.get("page_link") if "Ajouter" in link.proto.label]
    assert any("6 territoires au plus" in c.value for c in at.caption)


def test_map_lists_its_territories_to_open_a_profile() -> None:
    at = _page("carte", niveau="departement")
    picker = next(s for s in at.selectbox if s.label == "Ouvrir le profil de…")
    picker.set_value("26").run()
    links = [link.proto for link in at.get("page_link") if link.proto.label == "Profil : Drôme"]
    assert links and sorted(links[0].query_string.split("&")) == ["code=26", "niveau=departement"]


def test_permalink_drops_parameters_the_page_no_longer_has() -> None:
    at = _page("carte", niveau="region", departement="26")
    assert "departement" not in at.query_params  # no département filter at région level
    at = _page("comparer", territoires="commune:26281")
    assert at.query_params["territoires"] == "commune:26281"


def test_map_options_live_in_the_permalink() -> None:
    at = _page(
        "carte", niveau="departement", indicateur="part_75_plus", methode="jenks", points="msp"
    )
    assert not at.exception
    radios = {r.label: r.value for r in at.radio}
    assert radios["Classes"] == "jenks" and radios["Couche de points"] == "msp"
    assert any(layer["id"] == "points" for layer in _deck_spec(at)["layers"])
    assert at.query_params["methode"] == "jenks" and at.query_params["points"] == "msp"
    at = _page("carte", points="<img>", fond="2")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "« points »" in warnings and "« fond »" in warnings


def test_priorities_permalink_restores_preset_and_filters() -> None:
    at = _page(
        "priorites",
        niveau="commune",
        preset="Vieillissement",
        departement="26",
        population="10000_50000",
    )
    assert not at.exception
    boxes = {s.label: s.value for s in at.selectbox}
    assert boxes["Pondération"] == "Vieillissement"
    assert boxes["Département"] == "26" and boxes["Population"] == "10000_50000"
    assert at.dataframe[0].value["Territoire"].tolist() == ["Romans-sur-Isère"]
    assert at.query_params["preset"] == "Vieillissement"
    at = _page("priorites", preset="<b>", recommandation="x")
    warnings = " ".join(w.value for w in at.warning)
    assert "« preset »" in warnings and "« recommandation »" in warnings
