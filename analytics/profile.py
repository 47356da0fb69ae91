"""Key figures of a territory: value, French text, definition and source line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analytics import formatting as fmt
from analytics.indicators import TRAITEMENT, Indicator, get_indicator
from analytics.sources import SOURCES_BY_KEY

HOME_INDICATORS: tuple[str, ...] = (
    "population",
    "apl_2023",
    "apl_2022",
    "pop_apl_sous_2_5_2023",
    "part_pop_apl_sous_2_5_2023",
    "generalistes_pour_10000",
)


#: Labels of key-figure cards, short enough for one line in a quarter of the page (the
#: full label opens the card's help, with the definition).
CARD_LABELS: dict[str, str] = {
    "apl_2023": "APL 2023",
    "apl_2022": "APL 2022",
    "pop_apl_sous_2_5_2023": "Habitants sous 2,5 d'APL",
    "part_pop_apl_sous_2_5_2023": "Part des habitants sous 2,5",
    "generalistes_pour_10000": "Généralistes / 10 000 hab.",
}


@dataclass(frozen=True)
class KeyFigure:
    indicator: Indicator
    value: float | None
    text: str
    source_line: str

    @property
    def card_label(self) -> str:
        return CARD_LABELS.get(self.indicator.key, self.indicator.label)


def format_value(indicator: Indicator, value: object) -> str:
    """The value as every page shows it (:func:`analytics.formatting.format_value` with the
    indicator's kind and decimals): ``1 234,5``, ``12,3 %``, ``1 h 15``."""
    return fmt.format_value(value, indicator.kind, indicator.decimals)


def source_line(indicator: Indicator) -> str:
    names = []
    for key in indicator.sources:
        src = SOURCES_BY_KEY.get(key)
        name = (src.attribution or src.producer) if src else key
        if name not in names:
            names.append(name)
    return f"Source : {' ; '.join(names)}, {indicator.vintage} ; {TRAITEMENT}"


def combined_source_line(indicators: Sequence[Indicator]) -> str:
    """One source line for several indicators: producers once each, then the vintages."""
    names: list[str] = []
    vintages: list[str] = []
    for ind in indicators:
        for key in ind.sources:
            src = SOURCES_BY_KEY.get(key)
            name = (src.attribution or src.producer) if src else key
            if name not in names:
                names.append(name)
        if ind.vintage not in vintages:
            vintages.append(ind.vintage)
    return f"Sources : {' ; '.join(names)} (millésimes : {', '.join(vintages)}) ; {TRAITEMENT}"


def key_figures(row: pd.Series | dict, keys: Sequence[str] = HOME_INDICATORS) -> list[KeyFigure]:
    """Key figures of one row of the ``indicateurs`` table."""
    out = []
    for key in keys:
        ind = get_indicator(key)
        value = row.get(key) if hasattr(row, "get") else row[key]
        val = None if value is None or pd.isna(value) else float(value)
        out.append(KeyFigure(ind, val, format_value(ind, val), source_line(ind)))
    return out
