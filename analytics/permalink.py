"""Page state in the URL: parse and validate query parameters, write them back.

Every parameter is untrusted. Each is checked against an allow-list (levels, indicators,
years) or a strict pattern (codes); a bad value is dropped, replaced by the default, and
reported in French with the parameter's name — never passed on, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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


@dataclass
class PageState:
    niveau: str = "departement"
    code: str | None = None
    departement: str | None = None  # map page: the département shown at commune level
    indicateur: str = "apl_2023"
    annee: int = 2023
    etp: float = 2.0  # simulation page: full-time GPs of the simulated centre
    methode: str = "quantile"  # map page: classes of a non-APL indicator
    points: str = ""  # map page: point layer ("", "generalistes", "msp")
    fond: bool = False  # map page: basemap tiles
    preset: str | None = None  # priorities page: named weighting
    poids: dict[str, float] | None = None  # priorities page: hand weights (ecart_apl:30,…)
    region: str | None = None  # priorities page filters
    population: str | None = None
    recommandation: str | None = None
    territoires: list[tuple[str, str]] = field(default_factory=list)  # compare page
    errors: list[str] = field(default_factory=list)


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


def parse_state(params: Mapping[str, object], defaults: PageState | None = None) -> PageState:
    """Read ``niveau``, ``code``, ``departement``, ``indicateur``, ``annee``, ``etp`` and
    ``territoires``; each bad value is replaced by the default and reported."""
    state = defaults or PageState()
    errors: list[str] = []
    for name in (
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
    ):
        value = params.get(name)
        text = value[0] if isinstance(value, (list, tuple)) and value else value
        if text is not None and len(str(text)) > MAX_PARAM_LENGTH:
            errors.append(f"Paramètre « {name} » trop long : il est ignoré.")

    def take(name: str, accept, message) -> None:
        raw = _first(params.get(name))
        if raw is None:
            return
        value = accept(raw)
        if value is None:
            errors.append(f"Paramètre « {name} » {message(repr(raw[:40]))}")
        else:
            setattr(state, name, value)

    take(
        "niveau",
        lambda r: r if r in NIVEAUX else None,
        lambda r: (
            f"inconnu ({r}) : niveaux possibles {', '.join(NIVEAUX)}. "
            f"Niveau « {state.niveau} » affiché."
        ),
    )
    take(
        "code",
        lambda r: r if valid_code(state.niveau, r) else None,
        lambda r: f"invalide pour le niveau {state.niveau} ({r}) : il est ignoré.",
    )
    take(
        "departement",
        lambda r: r if valid_code("departement", r) else None,
        lambda r: f"invalide ({r}) : France entière affichée.",
    )
    take(
        "indicateur",
        lambda r: r if r in INDICATORS_BY_KEY else None,
        lambda r: (
            f"inconnu ({r}) : indicateur « {INDICATORS_BY_KEY[state.indicateur].label} » affiché."
        ),
    )
    take(
        "annee",
        _year,
        lambda r: (
            f"invalide ({r}) : millésimes APL disponibles "
            f"{', '.join(map(str, APL_YEARS))} (pas de 2020)."
        ),
    )
    take(
        "etp",
        _etp,
        lambda r: (
            f"invalide ({r}) : entre 0,5 et 30 médecins à temps plein ; "
            f"{fmt_number(state.etp, 1)} retenus."
        ),
    )
    take(
        "methode",
        lambda r: r if r in MAP_METHODS else None,
        lambda r: f"inconnu ({r}) : {' ou '.join(MAP_METHODS)} ; quantiles affichés.",
    )
    take(
        "points",
        lambda r: r if r in MAP_POINTS else None,
        lambda r: f"inconnu ({r}) : {', '.join(p for p in MAP_POINTS if p)} ; aucun affiché.",
    )
    take(
        "fond",
        lambda r: {"1": True, "0": False}.get(r),
        lambda r: f"invalide ({r}) : 0 ou 1 ; sans fond de carte.",
    )
    take(
        "preset",
        lambda r: r if r in _presets() else None,
        lambda r: f"inconnu ({r}) : pondérations {', '.join(_presets())}.",
    )
    raw_poids = _first(params.get("poids"))
    if raw_poids is not None:
        from analytics.ranking import parse_weights

        try:
            state.poids = parse_weights(raw_poids)
        except ValueError as exc:
            errors.append(
                f"Paramètre « poids » ignoré : {exc} ; format attendu composante:poids, "
                "par exemple ecart_apl:30,distance:20."
            )
    take(
        "region",
        lambda r: r if valid_code("region", r) else None,
        lambda r: f"invalide ({r}) : toutes les régions affichées.",
    )
    take(
        "population",
        lambda r: r if r in POPULATION_BANDS else None,
        lambda r: f"inconnue ({r}) : tranches {', '.join(POPULATION_BANDS)}.",
    )
    take(
        "recommandation",
        lambda r: r if r in _recommandations() else None,
        lambda r: f"inconnue ({r}) : toutes affichées.",
    )
    raw_terr = _first(params.get("territoires"))
    if raw_terr is not None:
        keys = [k for k in raw_terr.split(",") if k]
        parsed = [parse_territory_key(k) for k in keys[: MAX_COMPARE + 1]]
        bad = [k for k, p in zip(keys, parsed, strict=False) if p is None]
        if bad:
            errors.append(
                f"Paramètre « territoires » : {len(bad)} valeur(s) ignorée(s) "
                f"({', '.join(repr(b[:30]) for b in bad[:3])}) ; format attendu "
                "niveau:code, par exemple commune:26281,epci:200068781."
            )
        state.territoires = [p for p in parsed if p is not None][:MAX_COMPARE]
        if len(keys) > MAX_COMPARE:
            errors.append(f"Au plus {MAX_COMPARE} territoires peuvent être comparés.")
    state.errors = errors
    return state


def _poids_param(poids: dict[str, float] | None) -> str | None:
    if poids is None:
        return None
    from analytics.ranking import weights_param

    return weights_param(poids)


def to_params(state: PageState, keys: tuple[str, ...]) -> dict[str, str]:
    """The query parameters that reproduce ``state`` (only the ``keys`` a page uses)."""
    values = {
        "niveau": state.niveau,
        "code": state.code,
        "departement": state.departement,
        "indicateur": state.indicateur,
        "annee": str(state.annee),
        "etp": f"{state.etp:g}",
        "methode": state.methode if state.methode != "quantile" else None,
        "points": state.points or None,
        "fond": "1" if state.fond else None,
        "preset": state.preset,
        "poids": _poids_param(state.poids),
        "region": state.region,
        "population": state.population,
        "recommandation": state.recommandation,
        "territoires": ",".join(f"{n}:{c}" for n, c in state.territoires),
    }
    return {k: v for k in keys if (v := values[k])}
