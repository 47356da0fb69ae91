"""Reading query parameters: one rule per parameter, shared by every page's state.

Every parameter is untrusted. Each is checked against an allow-list (levels, indicators,
years) or a strict pattern (codes); a bad value is dropped, replaced by the default, and
reported in French with the parameter's name — never passed on, never a traceback. Each
page has its own small state (:mod:`analytics.page_state`) built with a
:class:`QueryReader` and the readers below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analytics.codes import valid_code
from analytics.db import NIVEAUX
from analytics.formatting import fmt_number
from analytics.indicators import APL_YEARS, INDICATORS_BY_KEY

MAX_COMPARE = 6
#: Map page options (classification of non-APL indicators, point layers).
MAP_METHODS = ("quantile", "jenks")
MAP_POINTS = ("", "generalistes", "msp")
#: Priorities page population bands: key → (min, max) inhabitants, and label.
POPULATION_BANDS: dict[str, tuple[float, float | None, str]] = {
    "moins_2000": (0, 2000, "Moins de 2 000 hab."),
    "2000_10000": (2000, 10000, "2 000 à 10 000 hab."),
    "10000_50000": (10000, 50000, "10 000 à 50 000 hab."),
    "plus_50000": (50000, None, "Plus de 50 000 hab."),
}


def _presets() -> tuple[str, ...]:
    from analytics.score import PRESETS

    return tuple(PRESETS)


def _recommandations() -> tuple[str, ...]:
    from analytics.modality import RECOMMANDATIONS

    return tuple(RECOMMANDATIONS)


MAX_PARAM_LENGTH = 200


def _first(value: object) -> str | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= MAX_PARAM_LENGTH else None


def parse_territory_key(key: str) -> tuple[str, str] | None:
    """``'commune:26281'`` → ``('commune', '26281')`` when both parts are valid."""
    if ":" not in key:
        return None
    niveau, code = key.split(":", 1)
    if niveau in NIVEAUX and valid_code(niveau, code):
        return niveau, code
    return None


def _year(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and int(raw) in APL_YEARS else None


def _etp(raw: str) -> float | None:
    from analytics.simulation import ETP_MAX, ETP_MIN

    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if ETP_MIN <= value <= ETP_MAX else None


#: Parameters whose over-long value is reported (the others are dropped silently).
LONG_REPORTED = frozenset(
    (
        "niveau",
        "code",
        "departement",
        "indicateur",
        "annee",
        "etp",
        "methode",
        "points",
        "fond",
        "poids",
        "territoires",
    )
)


class QueryReader:
    """The query parameters of one page, read one by one; ``errors`` collects the French
    message of each bad value (which is dropped, the caller keeping its default)."""

    def __init__(self, params: Mapping[str, object], names: tuple[str, ...]) -> None:
        self.params = params
        self.errors: list[str] = []
        for name in names:
            value = params.get(name)
            text = value[0] if isinstance(value, (list, tuple)) and value else value
            if name in LONG_REPORTED and text is not None and len(str(text)) > MAX_PARAM_LENGTH:
                self.errors.append(f"Paramètre « {name} » trop long : il est ignoré.")

    def raw(self, name: str) -> str | None:
        return _first(self.params.get(name))

    def take(self, name: str, accept, message, default: Any) -> Any:
        """``accept(raw)`` when it is not None, else ``default`` and the error
        « Paramètre « name » … » (``message`` gets the value, quoted and cut)."""
        raw = self.raw(name)
        if raw is None:
            return default
        value = accept(raw)
        if value is None:
            self.errors.append(f"Paramètre « {name} » {message(repr(raw[:40]))}")
            return default
        return value

    # --- One reader per parameter (same rule and message on every page) ---------------

    def niveau(self, default: str) -> str:
        return self.take(
            "niveau",
            lambda r: r if r in NIVEAUX else None,
            lambda r: (
                f"inconnu ({r}) : niveaux possibles {', '.join(NIVEAUX)}. "
                f"Niveau « {default} » affiché."
            ),
            default,
        )

    def code(self, niveau: str) -> str | None:
        return self.take(
            "code",
            lambda r: r if valid_code(niveau, r) else None,
            lambda r: f"invalide pour le niveau {niveau} ({r}) : il est ignoré.",
            None,
        )

    def departement(self) -> str | None:
        return self.take(
            "departement",
            lambda r: r if valid_code("departement", r) else None,
            lambda r: f"invalide ({r}) : France entière affichée.",
            None,
        )

    def indicateur(self, default: str) -> str:
        return self.take(
            "indicateur",
            lambda r: r if r in INDICATORS_BY_KEY else None,
            lambda r: f"inconnu ({r}) : indicateur « {INDICATORS_BY_KEY[default].label} » affiché.",
            default,
        )

    def annee(self, default: int) -> int:
        return self.take(
            "annee",
            _year,
            lambda r: (
                f"invalide ({r}) : millésimes APL disponibles "
                f"{', '.join(map(str, APL_YEARS))} (pas de 2020)."
            ),
            default,
        )

    def etp(self, default: float) -> float:
        return self.take(
            "etp",
            _etp,
            lambda r: (
                f"invalide ({r}) : entre 0,5 et 30 médecins à temps plein ; "
                f"{fmt_number(default, 1)} retenus."
            ),
            default,
        )

    def methode(self, default: str) -> str:
        return self.take(
            "methode",
            lambda r: r if r in MAP_METHODS else None,
            lambda r: f"inconnu ({r}) : {' ou '.join(MAP_METHODS)} ; quantiles affichés.",
            default,
        )

    def points(self, default: str) -> str:
        return self.take(
            "points",
            lambda r: r if r in MAP_POINTS else None,
            lambda r: f"inconnu ({r}) : {', '.join(p for p in MAP_POINTS if p)} ; aucun affiché.",
            default,
        )

    def fond(self, default: bool) -> bool:
        return self.take(
            "fond",
            lambda r: {"1": True, "0": False}.get(r),
            lambda r: f"invalide ({r}) : 0 ou 1 ; sans fond de carte.",
            default,
        )

    def preset(self) -> str | None:
        return self.take(
            "preset",
            lambda r: r if r in _presets() else None,
            lambda r: f"inconnu ({r}) : pondérations {', '.join(_presets())}.",
            None,
        )

    def poids(self) -> dict[str, float] | None:
        raw = self.raw("poids")
        if raw is None:
            return None
        from analytics.ranking import parse_weights

        try:
            return parse_weights(raw)
        except ValueError as exc:
            self.errors.append(
                f"Paramètre « poids » ignoré : {exc} ; format attendu composante:poids, "
                "par exemple ecart_apl:30,distance:20."
            )
            return None

    def region(self) -> str | None:
        return self.take(
            "region",
            lambda r: r if valid_code("region", r) else None,
            lambda r: f"invalide ({r}) : toutes les régions affichées.",
            None,
        )

    def population(self) -> str | None:
        return self.take(
            "population",
            lambda r: r if r in POPULATION_BANDS else None,
            lambda r: f"inconnue ({r}) : tranches {', '.join(POPULATION_BANDS)}.",
            None,
        )

    def recommandation(self) -> str | None:
        return self.take(
            "recommandation",
            lambda r: r if r in _recommandations() else None,
            lambda r: f"inconnue ({r}) : toutes affichées.",
            None,
        )

    def territoires(self) -> list[tuple[str, str]]:
        raw = self.raw("territoires")
        if raw is None:
            return []
        keys = [k for k in raw.split(",") if k]
        parsed = [parse_territory_key(k) for k in keys[: MAX_COMPARE + 1]]
        bad = [k for k, p in zip(keys, parsed, strict=False) if p is None]
        if bad:
            self.errors.append(
                f"Paramètre « territoires » : {len(bad)} valeur(s) ignorée(s) "
                f"({', '.join(repr(b[:30]) for b in bad[:3])}) ; format attendu "
                "niveau:code, par exemple commune:26281,epci:200068781."
            )
        if len(keys) > MAX_COMPARE:
            self.errors.append(f"Au plus {MAX_COMPARE} territoires peuvent être comparés.")
        return [p for p in parsed if p is not None][:MAX_COMPARE]


def territories_param(territoires: list[tuple[str, str]]) -> str:
    """``[("commune", "26281"), ("epci", "200068781")]`` → ``commune:26281,epci:200068781``."""
    return ",".join(f"{n}:{c}" for n, c in territoires)


def weights_param(poids: dict[str, float] | None) -> str | None:
    if poids is None:
        return None
    from analytics.ranking import weights_param as written

    return written(poids)


def present(values: dict[str, str | None]) -> dict[str, str]:
    """The query parameters that have a value (an empty or absent one is left out)."""
    return {k: v for k, v in values.items() if v}
