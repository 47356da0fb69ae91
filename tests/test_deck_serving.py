"""Large map layers go to static files that the browser fetches by URL (analytics.ui.deck)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import maps
from analytics.ui import deck as deck_mod
from tests.conftest import PROJECT_ROOT

SQUARE = '{"type":"Polygon","coordinates":[[[2,46],[3,46],[3,47],[2,47],[2,46]]]}'


def _deck(n: int) -> maps.CompactDeck:
    features = pd.DataFrame({"code": [f"{i:05d}" for i in range(n)], "geometry_json": SQUARE})
    data = pd.DataFrame(
        {"code": features["code"], "nom": "Commune", "value": 3.0, "population": 100}
    )
    return maps.build_choropleth(
        features, data, classes=maps.classify(data["value"], "apl"), indicator_label="APL"
    )


@pytest.fixture()
def static_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(deck_mod, "DECK_DIR", tmp_path / "cartes")
    monkeypatch.setattr(deck_mod, "static_serving", lambda: True)
    return tmp_path / "cartes"


def test_a_large_layer_is_served_by_url_with_the_same_features(static_dir, monkeypatch) -> None:
    monkeypatch.setattr(deck_mod, "INLINE_MAX_BYTES", 10_000)
    full = _deck(200)
    served = deck_mod.for_browser(full)
    spec = json.loads(served.browser.to_json())
    url = spec["layers"][0]["data"]
    assert url.startswith("app/static/cartes/") and url.endswith(".json")
    written = json.loads((static_dir / url.rsplit("/", 1)[1]).read_text(encoding="utf-8"))
    inline = json.loads(full.to_json())["layers"][0]["data"]
    assert written == inline and len(written) == 200
    assert len(served.browser.to_json()) < 5_000  # what the websocket carries now
    # The full deck is untouched (the PNG export and the payload figure use it).
    assert isinstance(full.layers[0].data, list)


def test_a_removed_file_is_written_again_and_names_follow_the_content(static_dir) -> None:
    served = deck_mod.for_browser(_deck(2_000))
    (name,) = served.files
    (static_dir / name).unlink()
    served.ensure_files()
    assert (static_dir / name).exists()
    other = deck_mod.for_browser(_deck(2_001))
    assert set(other.files) != {name}


def test_small_layers_stay_inline(static_dir) -> None:
    served = deck_mod.for_browser(_deck(3))
    assert served.files == {}
    assert isinstance(json.loads(served.browser.to_json())["layers"][0]["data"], list)


def test_without_static_serving_the_deck_is_sent_whole(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(deck_mod, "DECK_DIR", tmp_path / "cartes")
    monkeypatch.setattr(deck_mod, "static_serving", lambda: False)
    full = _deck(2_000)
    browser = deck_mod.for_browser(full).browser
    assert json.loads(browser.to_json()) == json.loads(full.to_json())
    assert len(json.loads(browser.to_json())["layers"][0]["data"]) == 2_000
    assert not (tmp_path / "cartes").exists()


def test_layers_named_inline_stay_in_the_deck_and_the_others_go_to_files(static_dir) -> None:
    outline = pd.DataFrame({"code": [f"{i:03d}" for i in range(3_000)], "geometry_json": SQUARE})
    features = outline.iloc[:2_000]
    data = pd.DataFrame({"code": features["code"], "nom": "X", "value": 3.0, "population": 1})
    full = maps.build_choropleth(
        features,
        data,
        classes=maps.classify(data["value"], "apl"),
        indicator_label="APL",
        outlines=[outline],
    )
    served = deck_mod.for_browser(full, inline=("choroplethe",))
    layers = {x["id"]: x["data"] for x in json.loads(served.browser.to_json())["layers"]}
    assert isinstance(layers["choroplethe"], list) and len(layers["choroplethe"]) == 2_000
    assert layers["contours_0"].startswith("app/static/cartes/")
    assert [layer.id for layer in served.files.values()] == ["contours_0"]


def test_the_served_json_is_made_once_and_is_the_decks_json(static_dir, monkeypatch) -> None:
    served = deck_mod.for_browser(_deck(10))
    calls = []
    monkeypatch.setattr(maps, "compact_json", lambda *a: calls.append(a) or "")
    first = served.browser.to_json()
    assert served.browser.to_json() is first and calls == []
    assert json.loads(first)["layers"][0]["id"] == "choroplethe"


def test_the_map_page_names_the_layer_file(static_dir, monkeypatch, mini_db) -> None:
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    monkeypatch.setattr(deck_mod, "INLINE_MAX_BYTES", 0)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/1_Carte.py")
    at.query_params["niveau"] = "departement"
    at.query_params["indicateur"] = "part_75_plus"  # a map no other test has cached
    at.run()
    assert not at.exception
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    layer = next(layer for layer in spec["layers"] if layer["id"] == "choroplethe")
    features = json.loads((static_dir / layer["data"].rsplit("/", 1)[1]).read_text())
    assert len(features) == len(set(f["properties"]["code"] for f in features)) > 1
