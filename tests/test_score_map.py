"""The priorities' score map is shared by sessions with the same ranking, outlines by URL."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analytics.ui import cache, deck, score_map


@pytest.fixture()
def served_from(mini_db, monkeypatch, tmp_path):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))
    monkeypatch.setattr(deck, "DECK_DIR", tmp_path / "cartes")
    monkeypatch.setattr(deck, "static_serving", lambda: True)
    monkeypatch.setattr(deck, "INLINE_MAX_BYTES", 100)  # the mini outlines count as large
    score_map._score_deck.clear()
    cache.reset()
    yield
    score_map._score_deck.clear()
    cache.reset()


def _ranked(scores: list[float]) -> pd.DataFrame:
    from analytics.ui import run

    codes = run("geometrie", couche="departement")["code"].astype(str).tolist()[: len(scores)]
    return pd.DataFrame(
        {
            "code": codes,
            "nom": [f"Département {c}" for c in codes],
            "score": scores,
            "population": [1000] * len(codes),
            "rang": pd.Series(scores).rank(ascending=False, method="min").tolist(),
        }
    )


def test_same_ranking_same_deck_other_weights_other_deck(served_from) -> None:
    key = cache.db_key()
    first, _ = score_map.score_deck(_ranked([80.0, 20.0]), "departement", key)
    again, _ = score_map.score_deck(_ranked([80.0, 20.0]), "departement", key)
    other, _ = score_map.score_deck(_ranked([10.0, 90.0]), "departement", key)
    assert again is first and other is not first
    layers = {x["id"]: x["data"] for x in json.loads(other.browser.to_json())["layers"]}
    scores = {f["properties"]["nom"]: f["properties"]["valeur"] for f in layers["choroplethe"]}
    assert sorted(scores.values()) == ["10", "90"]  # the new scores, inline
    ranks = sorted(f["properties"]["x0"] for f in layers["choroplethe"])
    assert ranks == ["1 sur 2", "2 sur 2"]
    assert layers["contours_0"].startswith("app/static/cartes/")  # the régions, by URL


def test_digest_follows_every_shown_column() -> None:
    base = pd.DataFrame(
        {"code": ["81"], "nom": ["Tarn"], "score": [50.0], "population": [1], "rang": [1.0]}
    )
    digests = {score_map.ranking_digest(base)}
    for column, value in [("score", 51.0), ("nom", "Aveyron"), ("population", 2), ("rang", 2.0)]:
        digests.add(score_map.ranking_digest(base.assign(**{column: value})))
    assert len(digests) == 5
