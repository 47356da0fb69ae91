"""One small state per page, read from its URL and written back (its permalink).

Each state reads only its page's parameters (:class:`~analytics.permalink.QueryReader`:
the same rule and French message for a parameter on every page), applies that page's
fallbacks, and writes back only what reproduces it. The « Planifier » page has its own
(:class:`analytics.planning.state.PlannerState`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from analytics.db import NIVEAUX
from analytics.permalink import QueryReader, present, territories_param, weights_param
from analytics.views import MAP_INDICATORS, MAP_LEVELS, PRIORITY_LEVELS, is_apl_year


@dataclass
class MapState:
    """``?niveau=commune&departement=26&indicateur=apl_2023&annee=2019&points=msp``"""

    niveau: str = "departement"
    departement: str | None = None  # the département shown at commune or EPCI level
    indicateur: str = "apl_2023"
    annee: int = 2023
    methode: str = "quantile"  # classes of a non-APL indicator
    points: str = ""  # point layer ("", "generalistes", "msp")
    fond: bool = False  # basemap tiles
    errors: list[str] = field(default_factory=list)

    PARAMS = ("niveau", "departement", "indicateur", "annee", "methode", "points", "fond")

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> MapState:
        """Level and indicator checked against what the map can show; an older link naming
        a yearly APL (``indicateur=apl_2017``) hands its year to the slider unless
        ``annee`` is given."""
        d = cls()
        q = QueryReader(params, cls.PARAMS)
        state = cls(
            niveau=q.niveau(d.niveau),
            departement=q.departement(),
            indicateur=q.indicateur(d.indicateur),
            annee=q.annee(d.annee),
            methode=q.methode(d.methode),
            points=q.points(d.points),
            fond=q.fond(d.fond),
            errors=q.errors,
        )
        if state.niveau not in MAP_LEVELS:
            state.errors.append(
                f"Niveau « {state.niveau} » indisponible sur la carte : départements."
            )
            state.niveau = "departement"
        if is_apl_year(state.indicateur) and state.indicateur != "apl_2023":
            if "annee" not in params:
                state.annee = int(state.indicateur[4:])
            state.indicateur = "apl_2023"
        if state.indicateur not in MAP_INDICATORS:
            state.errors.append("Cet indicateur n'est pas cartographiable : APL affichée.")
            state.indicateur = "apl_2023"
        return state

    def to_query(self) -> dict[str, str]:
        """The year only for the APL (others are single-vintage), the classes only for the
        others (the APL has fixed ones)."""
        apl = self.indicateur == "apl_2023"
        return present(
            {
                "niveau": self.niveau,
                "departement": self.departement,
                "indicateur": self.indicateur,
                "annee": str(self.annee) if apl else None,
                "methode": self.methode if not apl and self.methode != "quantile" else None,
                "points": self.points or None,
                "fond": "1" if self.fond else None,
            }
        )


@dataclass
class ProfileState:
    """``?niveau=commune&code=26281``; France when no level is given."""

    niveau: str = "france"
    code: str | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> ProfileState:
        q = QueryReader(params, ("niveau", "code"))
        niveau = q.niveau(cls.niveau)
        return cls(niveau=niveau, code=q.code(niveau), errors=q.errors)

    def to_query(self) -> dict[str, str]:
        return present({"niveau": self.niveau, "code": self.code})


@dataclass
class CompareState:
    """``?territoires=commune:26281,epci:200068781`` (2 to 6 territories of any level)."""

    territoires: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> CompareState:
        q = QueryReader(params, ("territoires",))
        territoires = q.territoires()
        return cls(territoires=territoires, errors=q.errors)

    def to_query(self) -> dict[str, str]:
        return present({"territoires": territories_param(self.territoires)})


@dataclass
class PrioritiesState:
    """``?niveau=epci&preset=Équilibré&region=84&population=moins_2000`` or, for hand
    weights, ``poids=ecart_apl:30,distance:20`` instead of ``preset``."""

    niveau: str = "epci"
    preset: str | None = None  # a named weighting
    poids: dict[str, float] | None = None  # hand weights
    region: str | None = None
    departement: str | None = None
    population: str | None = None  # a key of analytics.permalink.POPULATION_BANDS
    recommandation: str | None = None
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> PrioritiesState:
        q = QueryReader(
            params,
            ("niveau", "departement", "preset", "poids", "region", "population", "recommandation"),
        )
        state = cls(
            niveau=q.niveau(cls.niveau),
            departement=q.departement(),
            preset=q.preset(),
            poids=q.poids(),
            region=q.region(),
            population=q.population(),
            recommandation=q.recommandation(),
            errors=q.errors,
        )
        if state.niveau not in PRIORITY_LEVELS:
            state.errors.append(
                f"Paramètre « niveau » : le niveau « {NIVEAUX[state.niveau]} » n'est pas "
                "classé ici ; EPCI affichés."
            )
            state.niveau = "epci"
        return state

    def to_query(self) -> dict[str, str]:
        """The preset's name, or the hand weights when there is none."""
        return present(
            {
                "niveau": self.niveau,
                "preset": self.preset,
                "poids": None if self.preset else weights_param(self.poids),
                "region": self.region,
                "departement": self.departement,
                "population": self.population,
                "recommandation": self.recommandation,
            }
        )


@dataclass
class SimulationState:
    """``?niveau=commune&code=26281&etp=2.5``: a centre of ``etp`` full-time GPs."""

    code: str | None = None
    etp: float = 2.0
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params: Mapping[str, object]) -> SimulationState:
        q = QueryReader(params, ("niveau", "code", "etp"))
        niveau = q.niveau("commune")
        code = q.code(niveau)
        state = cls(code=code, etp=q.etp(cls.etp), errors=q.errors)
        if niveau != "commune":
            state.errors.append("Paramètre « niveau » : la simulation se fait dans une commune.")
            state.code = None
        return state

    def to_query(self) -> dict[str, str]:
        return present({"niveau": "commune", "code": self.code, "etp": f"{self.etp:g}"})
