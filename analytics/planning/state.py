"""The « Planifier » page's state in the URL: every parameter, validated, French errors.

``?niveau=epci&zone=200034023,200066553&ressource=centres&objectif=sous_densite&sites=3``
— :meth:`PlannerState.from_query` keeps every valid parameter and names each bad one in
``errors`` (falling back to its default); :meth:`PlannerState.to_query` writes back only
what differs from the defaults.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from analytics.planning.data import ZONE_LEVELS

RESOURCES = ("centres", "medicobus", "les_deux")
OBJECTIVES = ("sous_densite", "consultations", "couverture")
CANDIDATES = ("toutes", "population")
CIRCUIT_OBJECTIVES = ("deficit", "sans_medecin", "temps")
#: Médicobus timetable: visits spread over the cycle, or a whole week per village.
CIRCUIT_MODES = ("reparti", "semaine")
_CODE = re.compile(r"^[0-9A-Za-z]{2,9}$")

#: (minimum, maximum) of each numeric parameter.
BOUNDS: dict[str, tuple[float, float]] = {
    "sites": (0, 100),
    "budget": (1, 400),
    "etp_min": (1, 10),
    "etp_max": (1, 30),
    "minutes": (5, 60),
    "minutes_bus": (5, 30),
    "population_min": (0, 100_000),
    "limite": (1, 120),
    "jours": (1, 5),
    "semaines": (1, 12),
    "consultations_jour": (1, 60),
    "arrets": (1, 30),
}


@dataclass
class PlannerState:
    niveau: str = "epci"
    zone: list[str] = field(default_factory=list)
    ressource: str = "centres"
    objectif: str = "sous_densite"
    sites: int = 3
    budget: int = 6
    etp_min: int = 1
    etp_max: int = 6
    minutes: int = 20
    candidats: str = "toutes"
    population_min: int = 1000
    limite: int = 20
    # médicobus
    base: str = ""
    minutes_bus: int = 15
    jours: int = 3
    semaines: int = 4
    consultations_jour: int = 24
    arrets: int = 8
    critere: str = "deficit"
    passage: str = "reparti"
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> PlannerState:
        state = cls()

        def first(name: str) -> str | None:
            v = params.get(name)
            if isinstance(v, list):
                v = v[0] if v else None
            return None if v is None else str(v).strip()

        for name, allowed in (
            ("niveau", ZONE_LEVELS),
            ("ressource", RESOURCES),
            ("objectif", OBJECTIVES),
            ("candidats", CANDIDATES),
            ("critere", CIRCUIT_OBJECTIVES),
            ("passage", CIRCUIT_MODES),
        ):
            raw = first(name)
            if raw is None or raw == "":
                continue
            if raw in allowed:
                setattr(state, name, raw)
            else:
                state.errors.append(
                    f"Paramètre « {name} » : « {raw} » inconnu (valeurs possibles : "
                    f"{', '.join(allowed)})."
                )
        for name, (lo, hi) in BOUNDS.items():
            raw = first(name)
            if raw is None or raw == "":
                continue
            try:
                value = int(raw)
            except ValueError:
                state.errors.append(f"Paramètre « {name} » : « {raw} » n'est pas un nombre entier.")
                continue
            if not lo <= value <= hi:
                state.errors.append(
                    f"Paramètre « {name} » : {value} hors des bornes ({lo:g} à {hi:g})."
                )
                continue
            setattr(state, name, value)
        if state.etp_max < state.etp_min:
            state.errors.append(
                "Paramètres « etp_min » et « etp_max » : le maximum par site est inférieur au "
                "minimum ; valeurs par défaut reprises."
            )
            state.etp_min, state.etp_max = cls.etp_min, cls.etp_max
        raw = first("zone")
        if raw:
            codes = [c.strip() for c in raw.split(",") if c.strip()]
            bad = [c for c in codes if not _CODE.match(c)]
            if bad:
                state.errors.append(
                    f"Paramètre « zone » : code(s) invalide(s) {', '.join(bad[:5])}."
                )
            state.zone = [c for c in codes if _CODE.match(c)][:30]
        raw = first("base")
        if raw:
            if _CODE.match(raw):
                state.base = raw
            else:
                state.errors.append(f"Paramètre « base » : code commune invalide « {raw} ».")
        return state

    def to_query(self) -> dict[str, str]:
        default = PlannerState()
        out: dict[str, str] = {}
        for f in fields(self):
            if f.name == "errors":
                continue
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            out[f.name] = ",".join(value) if isinstance(value, list) else str(value)
        return out
