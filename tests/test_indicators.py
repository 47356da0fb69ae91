"""Every figure has a definition and a source: the catalogue covers the database."""

from __future__ import annotations

from analytics.indicators import IDENTITY_COLUMNS, INDICATORS, INDICATORS_BY_KEY
from analytics.sources import SOURCES_BY_KEY


def test_every_indicator_column_is_documented(mini_con) -> None:
    cols = [r[0] for r in mini_con.execute("DESCRIBE indicateurs").fetchall()]
    undocumented = [c for c in cols if c not in INDICATORS_BY_KEY and c not in IDENTITY_COLUMNS]
    assert undocumented == []


def test_every_indicator_has_definition_and_known_sources(mini_con) -> None:
    cols = {r[0] for r in mini_con.execute("DESCRIBE indicateurs").fetchall()}
    for ind in INDICATORS:
        assert ind.key in cols, ind.key
        assert len(ind.definition) > 30, ind.key
        assert ind.sources and all(s in SOURCES_BY_KEY for s in ind.sources), ind.key
        assert ind.label and ind.unit and ind.vintage, ind.key
