"""A ranking that can be reproduced: its weights, their URL form, each component's points.

The need score (:mod:`analytics.score`) depends only on the territories' data and on the
weights. Writing the weights into the URL (``poids=ecart_apl:30,distance:20``) and into
every export makes a hand-tuned ranking reproducible by anyone: same build, same
weights, same ranks. Only the ratios of the weights matter (the score divides by their
sum), so a total other than 100 is legal; :func:`weight_shares` states the share each
weight really carries.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from analytics.score import COMPONENT_BY_KEY, COMPONENTS, PRESETS, validate_weights

#: What the preset box says once a weight no longer matches a named preset.
PERSONNALISE = "Personnalisé"
#: Bounds of one weight (the sliders' range).
MAX_WEIGHT = 100
WEIGHT_STEP = 1


def full_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Every component's weight (absent → 0), as floats, in :data:`COMPONENTS` order."""
    return {c.key: float(weights.get(c.key, 0.0)) for c in COMPONENTS}


def preset_of(weights: Mapping[str, float]) -> str:
    """The name of the preset whose weights are exactly ``weights``, else « Personnalisé »."""
    mine = full_weights(weights)
    for name, preset in PRESETS.items():
        if all(math.isclose(mine[k], v) for k, v in full_weights(preset).items()):
            return name
    return PERSONNALISE


def weights_param(weights: Mapping[str, float]) -> str:
    """The URL form of ``weights``: ``ecart_apl:30,distance:20`` (zero weights left out)."""
    return ",".join(f"{k}:{w:g}" for k, w in full_weights(weights).items() if w > 0)


def parse_weights(text: str) -> dict[str, float]:
    """``"ecart_apl:30,distance:20"`` → every component's weight (absent ones 0).

    Weights are whole numbers from 0 to 100 (the sliders' values), so that the URL
    reproduces exactly what the sliders show. Raises ValueError with a French message
    naming the faulty item: not ``clé:nombre``, an unknown component, a weight that is
    not a whole number of 0–100, a component given twice, or all weights zero.
    """
    weights: dict[str, float] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition(":")
        if not sep:
            raise ValueError(f"« {item[:30]} » n'a pas la forme composante:poids")
        if key not in COMPONENT_BY_KEY:
            raise ValueError(
                f"composante inconnue « {key[:30]} » (connues : {', '.join(COMPONENT_BY_KEY)})"
            )
        if key in weights:
            raise ValueError(f"composante « {key} » donnée deux fois")
        if not (value.isascii() and value.isdigit() and int(value) <= MAX_WEIGHT):
            raise ValueError(
                f"le poids de « {key} » doit être un entier de 0 à {MAX_WEIGHT} "
                f"(reçu « {value[:20]} »)"
            )
        weights[key] = float(value)
    if not any(weights.values()):
        raise ValueError("tous les poids sont nuls : au moins une composante doit compter")
    return full_weights(weights)


def weight_shares(weights: Mapping[str, float]) -> dict[str, float]:
    """The share (0–100 %) of the total each weight carries: what the score really uses."""
    full = validate_weights(weights)
    total = sum(full.values())
    return {k: 100.0 * w / total for k, w in full.items()}


def component_points(ranked: pd.DataFrame) -> pd.DataFrame:
    """Each territory's score split into the points each component brings.

    ``ranked`` is :func:`analytics.views.rank`'s result (``contrib_<key>`` columns).
    Returns ``code``, ``nom``, ``rang``, ``score`` and one column per component,
    headed by its French label (« Points : Écart à l'APL cible »): the points sum to the
    score (missing components are NaN, not 0).
    """
    out = ranked[["code", "nom", "rang", "score"]].copy()
    for c in COMPONENTS:
        column = f"contrib_{c.key}"
        out[f"Points : {c.label}"] = ranked[column] if column in ranked else float("nan")
    return out.reset_index(drop=True)
