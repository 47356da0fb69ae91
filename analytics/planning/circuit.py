"""Médicobus circuit: which villages the bus stops in, how often, on which days.

API (pure: DataFrames and matrices in, a :class:`CircuitPlan` out; no Streamlit, no
database, no travel-time estimation — the caller supplies the road minutes)::

    params = CircuitParams(jours_par_semaine=3, semaines_cycle=4, objectif="deficit")
    plan = MedicobusCircuit.from_matrices(communes, minutes, base="81124", params).solve().plan
    # or: plan = plan_circuit(communes, minutes, "81124", params)
    plan.arrets       # one row per stop: visits, minutes from the base, need, reason (French)
    plan.calendrier   # one row per service day of the cycle: semaine, jour, stop
    plan.communes     # every commune of the zone: nearest stop, minutes, covered or not
    plan.ics(datetime.date(2026, 9, 7))  # iCalendar bytes (analytics.planning.timetable)

Errors on inputs are :class:`analytics.planning.errors.PlanningError` (a ``ValueError``)
with a French message naming the parameter or column.

Inputs
------
``communes``: one row per commune of the zone with ``code`` (string), ``nom``,
``population`` (total, to count people), and optionally ``population_standardisee``
(DREES age-standardised population; defaults to ``population``), ``apl`` (official APL,
NaN allowed), ``deficit`` (missing consultations a year; default
``max(0, apl_cible − apl) × population_standardisee``, as in
:mod:`analytics.modality`, 0 where the APL is missing) and the GPs practising in the
commune, ``medecins_generalistes`` (count) or ``a_medecin`` (bool) — one is required;
optionally ``groupe`` (the communauté de communes funding the stop, for the « par
semaine » timetable).
``minutes``: estimated road minutes between the communes, in the frame's order, a dense
``(n, n)`` array (NaN/inf = unknown) or a scipy.sparse matrix whose stored entries are the
known pairs (a commune to itself is 0 minutes even if not stored). ``base``: the code of
the commune where the bus is garaged (must be in the zone).

Formulation
-----------
Candidates ``J``: the zone's communes minus the excluded ones; ``x_j ∈ {0, 1}`` opens a
stop, ``Σ x_j = p``, imposed stops fixed to 1. ``N_i = {j : t_ij ≤ T}`` (``T`` the
coverage time, 15 min by default). Two stages solved **lexicographically** with HiGHS
(the second keeps the first one's optimum as a constraint):

1. the user's objective, one of :data:`OBJECTIFS`:

   - ``"deficit"`` (default): maximal covering (Church & ReVelle 1974) of the missing
     consultations, ``max Σ d_i z_i`` with ``z_i ≤ Σ_{j∈N_i} x_j``, ``0 ≤ z_i ≤ 1``;
   - ``"sans_medecin"``: the same, weighted by the population of communes where no GP
     practises (``g_i = population_i`` if the commune has no GP, else 0);
   - ``"temps"``: p-median (Hakimi 1964), ``min Σ_i population_i · τ_i``, where ``τ_i``
     is the time from commune i to its nearest stop, in whole minutes
     (:data:`MINUTES_ARRONDI`), capped at ``M`` (30 minutes, the Réseau France Santé
     goal). It is written in the radius formulation (García, Labbé & Marín 2011,
     *INFORMS J. Computing* 23(4)): with ``D_i1 < … < D_iK`` the distinct times from i to
     the candidates under ``M``, ``y_ik ∈ [0, 1]`` is 1 when no stop is within ``D_ik``,
     ``y_i1 + Σ_{t_ij = D_i1} x_j ≥ 1``, ``y_ik − y_i,k−1 + Σ_{t_ij = D_ik} x_j ≥ 0`` and
     ``τ_i = D_i1 + Σ_k (D_i,k+1 − D_ik) y_ik`` (``D_i,K+1 = M``). Rounding to the
     minute leaves at most 30 levels per commune; on the whole Tarn (314 communes,
     20 stops) this second stage takes 0,5 s instead of 3,5 s for the assignment
     formulation ``a_ij ≤ x_j`` on exact times (``python -m bench.bench_circuit``);

2. short trips: ``min Σ_i w_i τ_i`` with ``w_i = d_i / Σd + g_i / Σg``, the mean time to
   the nearest stop of the people in deficit and of the people living in a commune
   without a GP. A coverage objective saturates (once every under-served commune is within
   15 minutes of a stop: 9 stops on three rural communautés de communes of the Tarn
   with the stored travel model; real programmes stop in 9–12 villages): this stage places the extra stops where they shorten those trips;
   the stage also rewards villages without a doctor, ``− δ · Σ_j g_j x_j / Σ g``, with
   ``δ`` = :data:`BONUS_SANS_MEDECIN` (0.01 minute of mean trip when every no-GP
   inhabitant lives in a stop commune): a tie-break among plans whose trips are equal
   (in whole minutes, to the hundredth of a minute of mean), where real programmes stop in villages with no GP of
   their own. (As a third lexicographic stage it cost 15 s on the whole Tarn, for no
   change on the 3-EPCI zone.)

If HiGHS is unavailable, fails or times out with no solution, a greedy heuristic makes
the same lexicographic choice one stop at a time (``statut = "heuristique"``).

Visits and timetable
--------------------
The cycle has ``D = jours_par_semaine × semaines_cycle`` service days; each stop gets at
least one. A commune is served by its nearest stop within ``T``; the need of a stop is
the deficit of the communes it serves (if the zone has no deficit: their population
without a GP; failing that, their population). Visits are shared in proportion to need
(largest remainder, :func:`analytics.planning.timetable.repartir_visites`), each stop
capped at the visits its need can fill (``⌈need per cycle / consultations per day⌉``)
while another stop has room. Need per cycle = yearly deficit × ``semaines_cycle`` /
:data:`SEMAINES_PAR_AN`. Expected consultations per visit = min(capacity, need per
cycle / visits). Mode ``"reparti"`` (default): the timetable spreads each stop's visits
evenly (:func:`analytics.planning.timetable.etaler`), like the Cher and Loire circuits.
Mode ``"semaine"``, like the Tarn médicobus (a week in each village, three weeks per
communauté de communes, a 9-week cycle): the unit of visit is a whole week of service
days — weeks are shared by the same rule, each stop capped at
``⌈need per cycle / (consultations per day × days per week)⌉`` weeks — and the stops
follow one another by ``groupe``, a group's villages in consecutive weeks, nearest to the
base first (:func:`analytics.planning.timetable.par_semaine`).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from analytics.accessibility import CONSULTATIONS_NOUVEAU_MEDECIN
from analytics.formatting import fmt_int, fmt_minutes, fmt_number
from analytics.planning.errors import PlanningError
from analytics.planning.timetable import (
    JOURS_FR,
    JOURS_PAR_DEFAUT,
    calendrier_ics,
    etaler,
    par_semaine,
    repartir_visites,
)

#: Working days a year of one full-time GP: 365 − 104 weekend days − 11 public holidays
#: − 25 days of leave = 225, i.e. 45 weeks of 5 days.
JOURS_TRAVAILLES_PAR_AN = 225
SEMAINES_PAR_AN = JOURS_TRAVAILLES_PAR_AN / 5
#: Consultations in one médicobus GP day: 5 400 / 225 = 24.
CONSULTATIONS_PAR_JOUR = CONSULTATIONS_NOUVEAU_MEDECIN / JOURS_TRAVAILLES_PAR_AN
#: Road time within which a stop covers a commune (minutes).
MINUTES_COUVERTURE = 15.0
#: Cap of the trip time in the p-median stages: the « Réseau France Santé » goal of a
#: care option within 30 minutes for everyone.
MINUTES_PLAFOND = 30.0
#: Default number of stops when not given: one visit per stop and per cycle, at most 12
#: villages (the Cher circuit serves about 12; the Loire one 6 to 10).
ARRETS_MAX_PAR_DEFAUT = 12
#: Weight of the stop communes without a GP in the second stage (minutes of mean trip
#: for all of them): a tie-break, see the module docstring.
BONUS_SANS_MEDECIN = 0.01
#: APL under which a commune is *sous-dense* (DREES, ARS zoning).
APL_CIBLE = 2.5

OBJECTIFS: dict[str, str] = {
    "deficit": "consultations manquantes couvertes",
    "sans_medecin": "habitants des communes sans médecin couverts",
    "temps": "temps moyen jusqu'à l'arrêt le plus proche",
}

#: Resolution of the trip times in the p-median stages (minutes): times are rounded to
#: it, which keeps few distinct trip levels per commune (radius formulation, module
#: docstring) — far below the error of a road-time estimate.
MINUTES_ARRONDI = 1.0

#: How visits are laid out over the cycle.
MODES: dict[str, str] = {
    "reparti": "jours de passage répartis sur le cycle",
    "semaine": "une semaine entière par arrêt, arrêts d'une même communauté à la suite",
}

_TOL = 1e-6


def _arrondi(t: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(t, float) / MINUTES_ARRONDI) * MINUTES_ARRONDI


def _fr_codes(codes: Any, name: str) -> tuple[str, ...]:
    if codes is None:
        return ()
    if isinstance(codes, str):
        codes = [codes]
    out = tuple(str(c).strip() for c in codes)
    if any(not c for c in out):
        raise PlanningError(f"{name} : code de commune vide.")
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class CircuitParams:
    """The user's choices; defaults follow the real programmes (module docstring).

    ``jours`` (0 = lundi … 4 = vendredi) overrides the weekdays of
    :data:`analytics.planning.timetable.JOURS_PAR_DEFAUT`. ``nb_arrets`` ``None`` →
    ``min(jours × semaines, 12, candidates)``.
    """

    jours_par_semaine: int = 3
    semaines_cycle: int = 4
    consultations_par_jour: float = CONSULTATIONS_PAR_JOUR
    minutes_couverture: float = MINUTES_COUVERTURE
    nb_arrets: int | None = None
    arrets_imposes: tuple[str, ...] = ()
    arrets_exclus: tuple[str, ...] = ()
    objectif: str = "deficit"
    jours: tuple[int, ...] | None = None
    apl_cible: float = APL_CIBLE
    minutes_plafond: float = MINUTES_PLAFOND
    limite_secondes: float = 10.0
    mode: str = "reparti"

    def __post_init__(self) -> None:
        def whole(name: str, value: Any, lo: int, hi: int | None = None) -> int:
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                if not (isinstance(value, float) and value.is_integer()):
                    raise PlanningError(f"{name} : un nombre entier est attendu ({value!r}).")
            v = int(value)
            if v < lo or (hi is not None and v > hi):
                bornes = f"entre {lo} et {hi}" if hi is not None else f"au moins {lo}"
                raise PlanningError(f"{name} : {v} hors bornes ({bornes}).")
            return v

        def positive(name: str, value: Any) -> float:
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise PlanningError(f"{name} : un nombre est attendu ({value!r}).") from None
            if not math.isfinite(v) or v <= 0:
                raise PlanningError(f"{name} : doit être strictement positif ({value!r}).")
            return v

        s = object.__setattr__
        s(
            self,
            "jours_par_semaine",
            whole("Jours de service par semaine", self.jours_par_semaine, 1, 5),
        )
        s(self, "semaines_cycle", whole("Semaines du cycle", self.semaines_cycle, 1, 52))
        s(
            self,
            "consultations_par_jour",
            positive("Consultations par jour (capacité)", self.consultations_par_jour),
        )
        s(
            self,
            "minutes_couverture",
            positive("Temps de couverture (minutes)", self.minutes_couverture),
        )
        s(self, "minutes_plafond", positive("Temps plafond (minutes)", self.minutes_plafond))
        s(
            self,
            "limite_secondes",
            positive("Limite de temps du solveur (secondes)", self.limite_secondes),
        )
        s(self, "apl_cible", positive("APL cible", self.apl_cible))
        if self.minutes_plafond < self.minutes_couverture:
            raise PlanningError(
                "Temps plafond : doit être au moins le temps de couverture "
                f"({fmt_number(self.minutes_couverture)} min)."
            )
        if self.objectif not in OBJECTIFS:
            raise PlanningError(
                f"Objectif inconnu « {self.objectif} » : choisir parmi "
                + ", ".join(f"« {k} »" for k in OBJECTIFS)
                + "."
            )
        if self.mode not in MODES:
            raise PlanningError(
                f"Mode de passage inconnu « {self.mode} » : choisir parmi "
                + ", ".join(f"« {k} »" for k in MODES)
                + "."
            )
        if self.jours is None:
            s(self, "jours", JOURS_PAR_DEFAUT[self.jours_par_semaine])
        else:
            jours = tuple(int(j) for j in self.jours)
            if len(set(jours)) != len(jours) or any(j < 0 or j > 4 for j in jours):
                raise PlanningError(
                    "Jours de service : jours distincts entre 0 (lundi) et 4 (vendredi) attendus."
                )
            if len(jours) != self.jours_par_semaine:
                raise PlanningError(
                    f"Jours de service : {len(jours)} jours choisis pour "
                    f"{self.jours_par_semaine} jours de service par semaine."
                )
            s(self, "jours", tuple(sorted(jours)))
        imposes = _fr_codes(self.arrets_imposes, "Arrêts imposés")
        exclus = _fr_codes(self.arrets_exclus, "Arrêts exclus")
        s(self, "arrets_imposes", imposes)
        s(self, "arrets_exclus", exclus)
        both = sorted(set(imposes) & set(exclus))
        if both:
            raise PlanningError(
                "Arrêts à la fois imposés et exclus : "
                + ", ".join(both)
                + ". Choisir l'un ou l'autre."
            )
        jours_cycle = self.jours_cycle
        if self.mode == "semaine" and len(imposes) > self.semaines_cycle:
            raise PlanningError(
                f"Trop d'arrêts imposés ({len(imposes)}) pour un cycle de "
                f"{self.semaines_cycle} semaines en mode « par semaine » : chaque arrêt doit "
                "avoir au moins une semaine."
            )
        if len(imposes) > jours_cycle:
            raise PlanningError(
                f"Trop d'arrêts imposés ({len(imposes)}) pour {jours_cycle} jours de service "
                f"sur le cycle ({self.jours_par_semaine} × {self.semaines_cycle} semaines) : "
                "chaque arrêt doit avoir au moins un jour."
            )
        if self.nb_arrets is not None:
            n = whole("Nombre d'arrêts", self.nb_arrets, 1)
            if self.mode == "semaine" and n > self.semaines_cycle:
                raise PlanningError(
                    f"Nombre d'arrêts ({n}) supérieur aux semaines du cycle "
                    f"({self.semaines_cycle}) en mode « par semaine » : chaque arrêt doit "
                    "avoir au moins une semaine. Allonger le cycle ou réduire les arrêts."
                )
            if n > jours_cycle:
                raise PlanningError(
                    f"Nombre d'arrêts ({n}) supérieur aux jours de service du cycle "
                    f"({jours_cycle} = {self.jours_par_semaine} jours × {self.semaines_cycle} "
                    "semaines) : chaque arrêt doit avoir au moins un jour."
                )
            if len(imposes) > n:
                raise PlanningError(
                    f"Plus d'arrêts imposés ({len(imposes)}) que d'arrêts prévus ({n})."
                )
            s(self, "nb_arrets", n)

    @property
    def jours_cycle(self) -> int:
        """Service days in one cycle."""
        return self.jours_par_semaine * self.semaines_cycle

    @property
    def passages_cycle(self) -> int:
        """Visits one cycle can hold: service days, or weeks in « par semaine » mode."""
        return self.semaines_cycle if self.mode == "semaine" else self.jours_cycle


@dataclass(frozen=True)
class CircuitPlan:
    """A solved circuit. Tables (codes are strings):

    - ``arrets``: ``code``, ``nom``, ``impose``, ``a_medecin``, ``minutes_base`` (road
      minutes from the base, NaN if unknown), ``communes_desservies``,
      ``population_desservie``, ``deficit_desservi`` (consultations a year),
      ``besoin_cycle`` (consultations per cycle), ``visites`` (days per cycle),
      ``consultations_par_visite`` (expected), ``capacite`` (per visit),
      ``taux_remplissage``, ``minutes_moyennes`` (mean trip of the people it serves,
      weighted by population), ``raison`` (French sentence);
    - ``calendrier``: ``semaine``, ``jour``, ``jour_nom``, ``code``, ``nom``,
      ``minutes_base``, ``consultations_attendues``, ``description``;
    - ``communes``: the zone with ``arret`` (nearest stop code or ``None``), ``minutes``
      (to it, NaN beyond the cap), ``couverte`` (within the coverage time).
    """

    params: CircuitParams
    base: str
    base_nom: str
    arrets: pd.DataFrame
    calendrier: pd.DataFrame
    communes: pd.DataFrame
    population_totale: float
    personnes_atteintes: float
    personnes_hors_couverture: float
    deficit_total: float
    deficit_couvert: float
    statut: str
    gap: float
    secondes: float
    objectifs: dict[str, float] = field(default_factory=dict)
    avertissements: tuple[str, ...] = ()

    def resume(self) -> str:
        """The plan in two French sentences."""
        p = self.params
        n = len(self.arrets)
        T = fmt_number(p.minutes_couverture)
        s = (
            f"{n} arrêt{'s' if n > 1 else ''} sur un cycle de {p.semaines_cycle} semaine"
            f"{'s' if p.semaines_cycle > 1 else ''} ({p.jours_par_semaine} jour"
            f"{'s' if p.jours_par_semaine > 1 else ''} par semaine"
            f"{', une semaine entière par village' if p.mode == 'semaine' else ''}, "
            f"départ de {self.base_nom}) : "
            f"{fmt_int(self.personnes_atteintes)} habitants à {T} min ou moins d'un arrêt, "
            f"{fmt_int(self.personnes_hors_couverture)} au-delà."
        )
        if self.deficit_total > 0:
            s += (
                f" {fmt_int(self.deficit_couvert)} des {fmt_int(self.deficit_total)} "
                f"consultations manquantes par an de la zone sont à {T} min ou moins d'un arrêt."
            )
        return s

    def ics(
        self,
        debut: dt.date,
        *,
        heure_debut: dt.time = dt.time(9, 0),
        heure_fin: dt.time = dt.time(17, 0),
        cycles: int = 1,
        horodatage: dt.datetime | None = None,
    ) -> bytes:
        """The timetable as iCalendar bytes (:func:`analytics.planning.timetable.calendrier_ics`)."""
        return calendrier_ics(
            self.calendrier,
            debut,
            heure_debut=heure_debut,
            heure_fin=heure_fin,
            cycles=cycles,
            semaines_cycle=self.params.semaines_cycle,
            horodatage=horodatage,
        )


# ----- inputs ------------------------------------------------------------------------


def _prepare_communes(communes: pd.DataFrame, apl_cible: float) -> pd.DataFrame:
    if not isinstance(communes, pd.DataFrame) or communes.empty:
        raise PlanningError("Zone vide : aucune commune à desservir.")
    for col in ("code", "nom", "population"):
        if col not in communes.columns:
            raise PlanningError(f"Communes de la zone : colonne « {col} » absente.")
    df = communes.reset_index(drop=True)
    out = pd.DataFrame(
        {"code": df["code"].astype("string").str.strip(), "nom": df["nom"].astype(str)}
    )
    if out["code"].isna().any() or (out["code"] == "").any():
        raise PlanningError("Communes de la zone : code de commune manquant.")
    dup = out["code"][out["code"].duplicated()].unique().tolist()
    if dup:
        raise PlanningError("Communes de la zone : codes en double : " + ", ".join(dup[:5]) + ".")

    def num(col: str, default: pd.Series | None = None) -> pd.Series:
        if col not in df.columns:
            return default
        v = pd.to_numeric(df[col], errors="coerce").astype(float)
        if (v.dropna() < 0).any():
            raise PlanningError(f"Communes de la zone : colonne « {col} » négative.")
        return v

    pop = num("population").fillna(0.0)
    out["population"] = pop
    pop_std = num("population_standardisee", pop)
    out["population_standardisee"] = pop_std.fillna(pop)
    out["apl"] = num("apl", pd.Series(np.nan, index=df.index))
    deficit = num("deficit")
    if deficit is None:
        deficit = (apl_cible - out["apl"]).clip(lower=0) * out["population_standardisee"]
    out["deficit"] = deficit.fillna(0.0)
    if "medecins_generalistes" in df.columns:
        out["a_medecin"] = num("medecins_generalistes").fillna(0.0) > 0
    elif "a_medecin" in df.columns:
        out["a_medecin"] = df["a_medecin"].fillna(False).astype(bool)
    else:
        raise PlanningError(
            "Communes de la zone : colonne « medecins_generalistes » ou « a_medecin » absente "
            "(médecins exerçant dans la commune)."
        )
    out["sans_medecin"] = np.where(out["a_medecin"], 0.0, out["population"])
    if "groupe" in df.columns:
        out["groupe"] = df["groupe"].astype("string").fillna("")
    return out


def _pairs(minutes: Any, n: int, cap: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Known pairs (i, j, t) with t ≤ cap, the diagonal at 0 minutes added."""
    if sparse.issparse(minutes):
        if minutes.shape != (n, n):
            raise PlanningError(f"Matrice des temps : forme {minutes.shape}, attendu {(n, n)}.")
        coo = sparse.coo_array(minutes)
        i, j, t = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data.astype(float)
    else:
        try:
            m = np.asarray(minutes, dtype=float)
        except (TypeError, ValueError):
            raise PlanningError("Matrice des temps : valeurs non numériques.") from None
        if m.shape != (n, n):
            raise PlanningError(f"Matrice des temps : forme {m.shape}, attendu {(n, n)}.")
        i, j = np.nonzero(~np.isnan(m))
        t = m[i, j]
    if np.any(t < 0):
        raise PlanningError("Matrice des temps : temps de trajet négatif.")
    keep = (t <= cap) & (i != j)
    diag = np.arange(n)
    return (
        np.concatenate([i[keep], diag]),
        np.concatenate([j[keep], diag]),
        np.concatenate([t[keep], np.zeros(n)]),
    )


def _row(minutes: Any, k: int, n: int) -> np.ndarray:
    """Minutes from commune k to every commune (NaN if unknown)."""
    if sparse.issparse(minutes):
        r = sparse.csr_array(minutes)[[k], :].tocoo()
        out = np.full(n, np.nan)
        out[r.col] = r.data
    else:
        out = np.asarray(minutes, dtype=float)[k].copy()
    out[~np.isfinite(out)] = np.nan
    out[k] = 0.0
    return out


# ----- the model -----------------------------------------------------------------------


class MedicobusCircuit:
    """The médicobus stop-selection model (formulation in the module docstring).

    Build with :meth:`from_matrices`, then :meth:`solve` (returns ``self``); the result is
    :attr:`plan`. ``status`` is ``"unsolved"`` until then.
    """

    def __init__(
        self,
        communes: pd.DataFrame,
        pair_i: np.ndarray,
        pair_j: np.ndarray,
        pair_t: np.ndarray,
        base: int,
        minutes_base: np.ndarray,
        params: CircuitParams,
    ) -> None:
        self.communes = communes
        self.pair_i, self.pair_j, self.pair_t = pair_i, pair_j, pair_t
        self.base = base
        self.minutes_base = minutes_base
        self.params = params
        self.status = "unsolved"
        self.plan: CircuitPlan | None = None
        n = len(communes)
        codes = communes["code"].tolist()
        pos = {c: k for k, c in enumerate(codes)}
        for name, lst in (("imposés", params.arrets_imposes), ("exclus", params.arrets_exclus)):
            out = [c for c in lst if c not in pos]
            if out:
                raise PlanningError(f"Arrêts {name} hors de la zone : " + ", ".join(out[:5]) + ".")
        self.imposed = np.zeros(n, dtype=bool)
        self.imposed[[pos[c] for c in params.arrets_imposes]] = True
        self.candidate = np.ones(n, dtype=bool)
        self.candidate[[pos[c] for c in params.arrets_exclus]] = False
        n_cand = int(self.candidate.sum())
        if n_cand == 0:
            raise PlanningError(
                "Toutes les communes de la zone sont exclues : aucun arrêt possible."
            )
        self.warnings: list[str] = []
        if params.nb_arrets is None:
            p = min(params.passages_cycle, ARRETS_MAX_PAR_DEFAUT, n_cand)
            p = max(p, len(params.arrets_imposes))
        else:
            p = params.nb_arrets
            if p > n_cand:
                raise PlanningError(
                    f"Nombre d'arrêts ({p}) supérieur aux communes candidates de la zone "
                    f"({n_cand}, communes exclues retirées)."
                )
        self.p = p
        d = communes["deficit"].to_numpy(float)
        g = communes["sans_medecin"].to_numpy(float)
        if params.objectif == "deficit" and d.sum() <= 0:
            raise PlanningError(
                "Aucune commune sous-dense dans la zone (APL 2023 ≥ "
                f"{fmt_number(params.apl_cible, 1)} partout, ou APL inconnue) : pas de déficit "
                "de consultations à couvrir. Choisir l'objectif « habitants des communes sans "
                "médecin » ou « temps moyen jusqu'à l'arrêt »."
            )
        if params.objectif == "sans_medecin" and g.sum() <= 0:
            raise PlanningError(
                "Toutes les communes de la zone ont au moins un médecin généraliste : "
                "l'objectif « habitants des communes sans médecin » n'a rien à couvrir. "
                "Choisir un autre objectif."
            )
        if d.sum() <= 0:
            self.warnings.append(
                "Aucune commune sous-dense dans la zone : les jours de passage sont répartis "
                "selon les habitants des communes sans médecin, et aucune consultation "
                "manquante n'est attendue."
            )

    @classmethod
    def from_matrices(
        cls,
        communes: pd.DataFrame,
        minutes: np.ndarray | sparse.sparray | sparse.spmatrix,
        base: str,
        params: CircuitParams | None = None,
    ) -> MedicobusCircuit:
        """Model from the zone's communes, their road minutes and the base commune code."""
        params = params or CircuitParams()
        if not isinstance(params, CircuitParams):
            raise PlanningError("Paramètres du circuit : CircuitParams attendu.")
        df = _prepare_communes(communes, params.apl_cible)
        n = len(df)
        base = str(base).strip()
        hits = np.flatnonzero(df["code"].to_numpy() == base)
        if len(hits) == 0:
            raise PlanningError(
                f"Commune de départ {base} hors de la zone : choisir une commune de la zone."
            )
        i, j, t = _pairs(minutes, n, params.minutes_plafond)
        b = int(hits[0])
        return cls(df, i, j, t, b, _row(minutes, b, n), params)

    # ----- solving ---------------------------------------------------------------------

    def _weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        c = self.communes
        d = c["deficit"].to_numpy(float)
        g = c["sans_medecin"].to_numpy(float)
        pop = c["population"].to_numpy(float)
        w2 = (d / d.sum() if d.sum() > 0 else 0.0) + (g / g.sum() if g.sum() > 0 else 0.0)
        w2 = np.asarray(w2, float) * np.ones(len(c))
        if w2.sum() <= 0:
            w2 = pop / pop.sum() if pop.sum() > 0 else np.ones(len(c)) / len(c)
        primary = {"deficit": d, "sans_medecin": g, "temps": pop}[self.params.objectif]
        return primary, w2, g

    def solve(self) -> MedicobusCircuit:
        """Choose the stops (HiGHS, greedy fallback), share the visits, build the timetable."""
        t0 = time.perf_counter()
        primary, w2, g = self._weights()
        try:
            chosen, statut, gap, values = self._solve_highs(primary, w2, g, t0)
        except _NoSolution:
            chosen, values = self._solve_greedy(primary, w2, g)
            statut, gap = "heuristique", float("nan")
        self.plan = self._build_plan(chosen, statut, gap, time.perf_counter() - t0, values)
        self.status = "solved"
        return self

    def _tau(self, x: np.ndarray, cap: float, arrondi: bool = False) -> np.ndarray:
        """Capped minutes from each commune to its nearest open stop (rounded to
        :data:`MINUTES_ARRONDI` if ``arrondi``, as the optimisation counts them)."""
        tau = np.full(len(self.communes), cap)
        m = x[self.pair_j]
        t = _arrondi(self.pair_t[m]) if arrondi else self.pair_t[m]
        np.minimum.at(tau, self.pair_i[m], np.minimum(t, cap))
        return tau

    def _stage_values(
        self,
        x: np.ndarray,
        primary: np.ndarray,
        w2: np.ndarray,
        g: np.ndarray,
        arrondi: bool = False,
    ) -> dict:
        cap = self.params.minutes_plafond
        tau = self._tau(x, cap, arrondi)
        if self.params.objectif == "temps":
            v1 = float(primary @ tau / max(primary.sum(), _TOL))
        else:
            covered = tau <= self.params.minutes_couverture
            v1 = float(primary[covered].sum())
        return {
            "objectif": v1,
            "trajet_moyen": float(w2 @ tau / w2.sum()),
            "sans_medecin": float(g @ x),
        }

    def _solve_greedy(self, primary, w2, g) -> tuple[np.ndarray, dict]:
        x = self.imposed.copy()
        sign = -1.0 if self.params.objectif == "temps" else 1.0
        while x.sum() < self.p:
            best, key = -1, None
            for j in np.flatnonzero(self.candidate & ~x):
                x[j] = True
                v = self._stage_values(x, primary, w2, g, arrondi=True)
                x[j] = False
                k = (
                    round(sign * v["objectif"], 9),
                    round(-v["trajet_moyen"], 9),
                    v["sans_medecin"],
                    -j,
                )
                if key is None or k > key:
                    best, key = j, k
            x[best] = True
        return x, self._stage_values(x, primary, w2, g)

    def _solve_highs(self, primary, w2, g, t0) -> tuple[np.ndarray, str, float, dict]:
        try:
            import highspy
        except ImportError as exc:  # pragma: no cover - pinned in requirements.txt
            raise _NoSolution from exc
        p = self.params
        n = len(self.communes)
        cap, T = p.minutes_plafond, p.minutes_couverture
        cand = np.flatnonzero(self.candidate)
        col_of = np.full(n, -1)
        col_of[cand] = np.arange(len(cand))
        to_cand = self.candidate[self.pair_j]
        # trip levels only for communes with a trip weight in some stage, and pairs
        # shorter than the cap (a pair at the cap or beyond costs the cap anyway)
        weighted = (w2 > 0) | ((primary > 0) & (p.objectif == "temps"))
        keep = to_cand & weighted[self.pair_i] & (self.pair_t < cap)
        li_, lj_, lt_ = self.pair_i[keep], self.pair_j[keep], _arrondi(self.pair_t[keep])
        order = np.lexsort((lt_, li_))
        li_, lj_, lt_ = li_[order], lj_[order], lt_[order]
        new_commune = np.r_[True, li_[1:] != li_[:-1]]
        new_level = new_commune | np.r_[True, lt_[1:] != lt_[:-1]]
        level_of_pair = np.cumsum(new_level) - 1
        starts = np.flatnonzero(new_level)
        lev_i, lev_t, lev_first = li_[starts], lt_[starts], new_commune[starts]
        last = np.r_[lev_first[1:], True]  # last level of its commune
        lev_next = np.where(last, cap, np.r_[lev_t[1:], cap])
        # variables: x (cand) | z (coverage rows) | y (trip levels)
        nx = len(cand)
        use_cov = p.objectif != "temps"
        zi = np.flatnonzero(primary > 0) if use_cov else np.array([], dtype=np.int64)
        nz, ny = len(zi), len(starts)
        ox, oz, oy = 0, nx, nx + nz
        nv = oy + ny
        lower = np.zeros(nv)
        upper = np.ones(nv)
        lower[ox:oz][self.imposed[cand]] = 1.0
        integrality = np.zeros(nv, dtype=np.int64)
        integrality[ox:oz] = 1

        rows, cols, vals, rlo, rhi = [], [], [], [], []
        r = 0
        # Σ x = p
        rows += [np.zeros(nx, np.int64)]
        cols += [np.arange(nx) + ox]
        vals += [np.ones(nx)]
        rlo.append(self.p)
        rhi.append(self.p)
        r += 1
        # z_i − Σ_{j∈N_i} x_j ≤ 0
        if nz:
            zrow = np.full(n, -1)
            zrow[zi] = np.arange(nz)
            cov = to_cand & (self.pair_t <= T) & (zrow[self.pair_i] >= 0)
            rows += [np.arange(nz) + r, zrow[self.pair_i[cov]] + r]
            cols += [np.arange(nz) + oz, col_of[self.pair_j[cov]] + ox]
            vals += [np.ones(nz), -np.ones(int(cov.sum()))]
            rlo += [-np.inf] * nz
            rhi += [0.0] * nz
            r += nz
        # radius formulation: y_ik = 1 when no open stop is within D_ik of commune i
        # (D_i1 < D_i2 < … its distinct times to candidates under the cap);
        # y_i1 + Σ_{t_ij = D_i1} x_j ≥ 1, y_ik − y_i,k−1 + Σ_{t_ij = D_ik} x_j ≥ 0
        prev = np.flatnonzero(~lev_first)
        rows += [np.arange(ny) + r, prev + r, level_of_pair + r]
        cols += [np.arange(ny) + oy, prev - 1 + oy, col_of[lj_] + ox]
        vals += [np.ones(ny), -np.ones(len(prev)), np.ones(len(lj_))]
        rlo += np.where(lev_first, 1.0, 0.0).tolist()
        rhi += [np.inf] * ny
        r += ny
        a_mat = sparse.csc_array(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, nv)
        )

        def cost_time(weights: np.ndarray) -> np.ndarray:
            # Σ_i w_i τ_i = Σ_i w_i (D_i1 + Σ_k (D_i,k+1 − D_ik) y_ik), D_i,K+1 = cap; the
            # constant Σ w_i D_i1 (and w_i·cap for communes with no level) is left out
            c = np.zeros(nv)
            c[oy:] = weights[lev_i] * (lev_next - lev_t)
            return c

        stage_costs: list[tuple[np.ndarray, int]] = []  # (cost, sense: -1 maximise, +1 minimise)
        if use_cov:
            c1 = np.zeros(nv)
            c1[oz : oz + nz] = primary[zi]
            stage_costs.append((c1, -1))
        else:
            stage_costs.append((cost_time(primary / max(primary.sum(), _TOL)), 1))
        c2 = cost_time(w2 / w2.sum())
        if g.sum() > 0:
            c2[ox:oz] -= BONUS_SANS_MEDECIN * g[cand] / g.sum()
        stage_costs.append((c2, 1))

        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 1e-6)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = nv, r
        lp.col_cost_ = np.zeros(nv)
        lp.col_lower_, lp.col_upper_ = lower, upper
        lp.row_lower_, lp.row_upper_ = np.array(rlo, float), np.array(rhi, float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a_mat.indptr
        lp.a_matrix_.index_ = a_mat.indices
        lp.a_matrix_.value_ = a_mat.data
        lp.integrality_ = [highspy.HighsVarType(int(k)) for k in integrality]
        h.passModel(lp)

        statut, gap = "optimal", 0.0
        sol = None
        for k, (c, sense) in enumerate(stage_costs):
            remaining = p.limite_secondes - (time.perf_counter() - t0)
            if remaining <= 0.05:
                statut = "limite de temps"
                break
            h.setOptionValue("time_limit", float(remaining))
            h.changeObjectiveSense(
                highspy.ObjSense.kMaximize if sense < 0 else highspy.ObjSense.kMinimize
            )
            h.changeColsCost(nv, np.arange(nv, dtype=np.int32), c)
            if sol is not None:
                h.setSolution(sol)
            h.run()
            model_status = h.getModelStatus()
            info = h.getInfo()
            has_sol = info.primal_solution_status == 2
            if not has_sol:
                if sol is None:
                    raise _NoSolution
                statut = "limite de temps"
                break
            sol = h.getSolution()
            value = float(info.objective_function_value)
            if model_status != highspy.HighsModelStatus.kOptimal:
                statut = "limite de temps"
                gap = float(info.mip_gap)
                break
            if k < len(stage_costs) - 1:
                # keep this stage's optimum: c·v ≥ value − tol (max) or ≤ value + tol (min)
                tol = _TOL * max(1.0, abs(value))
                nzc = np.flatnonzero(c)
                if sense < 0:
                    h.addRow(value - tol, np.inf, len(nzc), nzc.astype(np.int32), c[nzc])
                else:
                    h.addRow(-np.inf, value + tol, len(nzc), nzc.astype(np.int32), c[nzc])
        if sol is None:
            raise _NoSolution
        xv = np.asarray(sol.col_value)[ox:oz] > 0.5
        x = np.zeros(n, dtype=bool)
        x[cand[xv]] = True
        return x, statut, gap, self._stage_values(x, primary, w2, g)

    # ----- results ---------------------------------------------------------------------

    def _build_plan(
        self, x: np.ndarray, statut: str, gap: float, secondes: float, values: dict
    ) -> CircuitPlan:
        p = self.params
        c = self.communes
        n = len(c)
        T = p.minutes_couverture
        stops = np.flatnonzero(x)
        # nearest open stop of each commune (ties: smaller position)
        m = x[self.pair_j]
        pi, pj, pt = self.pair_i[m], self.pair_j[m], self.pair_t[m]
        order = np.lexsort((pj, pt, pi))
        pi, pj, pt = pi[order], pj[order], pt[order]
        first = np.r_[True, pi[1:] != pi[:-1]]
        nearest = np.full(n, -1)
        tmin = np.full(n, np.nan)
        nearest[pi[first]] = pj[first]
        tmin[pi[first]] = pt[first]
        covered = tmin <= T
        pop = c["population"].to_numpy(float)
        d = c["deficit"].to_numpy(float)
        g = c["sans_medecin"].to_numpy(float)
        served = np.where(covered, nearest, -1)

        def per_stop(v: np.ndarray) -> np.ndarray:
            ok = served >= 0
            return np.bincount(served[ok], weights=v[ok], minlength=n)[stops]

        pop_s, d_s, g_s = per_stop(pop), per_stop(d), per_stop(g)
        n_s = per_stop(np.ones(n))
        tw = per_stop(pop * np.nan_to_num(tmin))
        t_moy = np.divide(tw, pop_s, out=np.full(len(stops), np.nan), where=pop_s > 0)
        besoin_cycle = d_s * p.semaines_cycle / SEMAINES_PAR_AN
        capacite = p.consultations_par_jour
        # the unit of visit: one service day, or one week of service days (« par semaine »)
        unite = p.jours_par_semaine if p.mode == "semaine" else 1
        unites = p.semaines_cycle if p.mode == "semaine" else p.jours_cycle
        if d_s.sum() > 0:
            need = d_s
            plafonds = np.maximum(1, np.ceil(besoin_cycle / (capacite * unite) - 1e-9))
            plafonds = plafonds.astype(np.int64)
        else:
            need = g_s if g_s.sum() > 0 else pop_s
            plafonds = None
        parts = repartir_visites(unites, need, plafonds)
        visites = parts * unite
        if plafonds is not None and np.all(parts >= plafonds) and parts.sum() > plafonds.sum():
            trop = (
                f"{fmt_int(parts.sum() - plafonds.sum())} semaine(s) de passage de trop"
                if p.mode == "semaine"
                else f"{fmt_int(parts.sum() - plafonds.sum())} jour(s) de passage de trop"
            )
            self.warnings.append(
                "La capacité du cycle dépasse le besoin estimé des arrêts : "
                f"{trop} ; "
                "un cycle plus court ou moins de jours par semaine suffirait."
            )
        attendues = np.minimum(capacite, np.divide(besoin_cycle, visites))
        # reasons: what each stop adds that no other stop gives
        uniques = self._unique_cover(x, stops, d, g)
        codes = c["code"].to_numpy()
        noms = c["nom"].to_numpy()
        a_med = c["a_medecin"].to_numpy(bool)
        base_nom = str(noms[self.base])
        mb = self.minutes_base[stops]
        raisons = [
            self._raison(
                k=k,
                j=int(j),
                n_s=int(n_s[k]),
                pop_s=pop_s[k],
                d_s=d_s[k],
                g_s=g_s[k],
                t_moy=t_moy[k],
                unique=uniques[k],
                minutes_base=mb[k],
                base_nom=base_nom,
                a_medecin=bool(a_med[j]),
            )
            for k, j in enumerate(stops)
        ]
        arrets = pd.DataFrame(
            {
                "code": pd.array(codes[stops], dtype="string"),
                "nom": noms[stops],
                "impose": self.imposed[stops],
                "a_medecin": a_med[stops],
                "minutes_base": mb,
                "communes_desservies": n_s.astype(int),
                "population_desservie": pop_s,
                "deficit_desservi": d_s,
                "besoin_cycle": besoin_cycle,
                "visites": visites,
                "consultations_par_visite": attendues,
                "capacite": capacite,
                "taux_remplissage": attendues / capacite,
                "minutes_moyennes": t_moy,
                "raison": raisons,
            }
        )
        if p.mode == "semaine":
            # visiting order: nearest to the base first (unknown times last), then code;
            # a group's stops in consecutive weeks (timetable.par_semaine)
            ordre = np.lexsort((codes[stops], np.nan_to_num(mb, nan=np.inf)))
            groupes = c["groupe"].to_numpy()[stops] if "groupe" in c.columns else None
            slots = par_semaine(parts, groupes, ordre, p.semaines_cycle, p.jours)
        else:
            slots = etaler(visites, p.semaines_cycle, p.jours)
        k = slots["arret"].to_numpy()
        desc = [
            f"Consultations attendues : {fmt_number(attendues[s], 0)} pour une capacité de "
            f"{fmt_number(capacite, 0)} par jour. {raisons[s]}"
            for s in k
        ]
        calendrier = slots.drop(columns=["arret", "rang"]).assign(
            code=pd.array(codes[stops][k], dtype="string"),
            nom=noms[stops][k],
            minutes_base=mb[k],
            consultations_attendues=attendues[k],
            description=desc,
        )
        zone = c.assign(
            arret=pd.array(
                np.where(nearest >= 0, codes[np.maximum(nearest, 0)], None), dtype="string"
            ),
            minutes=tmin,
            couverte=covered,
        )
        atteints = float(pop[covered].sum())
        values = dict(values)
        return CircuitPlan(
            params=p,
            base=str(codes[self.base]),
            base_nom=base_nom,
            arrets=arrets,
            calendrier=calendrier.reset_index(drop=True),
            communes=zone,
            population_totale=float(pop.sum()),
            personnes_atteintes=atteints,
            personnes_hors_couverture=float(pop.sum()) - atteints,
            deficit_total=float(d.sum()),
            deficit_couvert=float(d[covered].sum()),
            statut=statut,
            gap=gap,
            secondes=secondes,
            objectifs=values,
            avertissements=tuple(self.warnings),
        )

    def _unique_cover(
        self, x: np.ndarray, stops: np.ndarray, d: np.ndarray, g: np.ndarray
    ) -> list[tuple[float, float]]:
        """Per stop: (deficit, population without GP) within T of it and of no other stop."""
        T = self.params.minutes_couverture
        m = x[self.pair_j] & (self.pair_t <= T)
        cnt = np.bincount(self.pair_i[m], minlength=len(x))
        out = []
        for j in stops:
            mine = m & (self.pair_j == j)
            only = self.pair_i[mine][cnt[self.pair_i[mine]] == 1]
            out.append((float(d[only].sum()), float(g[only].sum())))
        return out

    def _raison(
        self, *, k, j, n_s, pop_s, d_s, g_s, t_moy, unique, minutes_base, base_nom, a_medecin
    ) -> str:
        p = self.params
        T = fmt_number(p.minutes_couverture)
        parts = []
        if self.imposed[j]:
            parts.append("arrêt imposé")
        if n_s == 0:
            parts.append(f"aucune commune ne l'a pour arrêt le plus proche à {T} min ou moins")
        else:
            s = (
                f"arrêt le plus proche, à {T} min ou moins, de {n_s} commune{'s' if n_s > 1 else ''} "
                f"({fmt_int(pop_s)} habitants, trajet moyen {fmt_minutes(t_moy)}"
            )
            if d_s > 0:
                s += f", {fmt_int(d_s)} consultations manquantes par an"
            parts.append(s + ")")
        u_d, u_g = unique
        key = {"deficit": u_d, "sans_medecin": u_g}.get(p.objectif)
        if key is not None and not self.imposed[j]:
            if key > 0:
                what = (
                    "consultations manquantes"
                    if p.objectif == "deficit"
                    else "habitants sans médecin dans leur commune"
                )
                parts.append(f"seul arrêt à {T} min ou moins pour {fmt_int(key)} {what}")
            else:
                parts.append(
                    f"tout ce qu'il couvre l'est aussi par un autre arrêt à {T} min ou moins : "
                    "il est retenu parce qu'il raccourcit les trajets des habitants sous-dotés "
                    "ou sans médecin dans leur commune"
                )
        if a_medecin:
            parts.append("un médecin généraliste exerce déjà dans la commune")
        else:
            parts.append("aucun médecin généraliste n'exerce dans la commune")
        if math.isfinite(minutes_base):
            parts.append(f"{fmt_minutes(minutes_base)} de route depuis {base_nom}")
        text = " ; ".join(parts)
        return text[0].upper() + text[1:] + "."


class _NoSolution(Exception):
    """HiGHS gave no feasible plan: fall back on the greedy heuristic."""


def plan_circuit(
    communes: pd.DataFrame,
    minutes: np.ndarray | sparse.sparray | sparse.spmatrix,
    base: str,
    params: CircuitParams | None = None,
) -> CircuitPlan:
    """Shortcut: ``MedicobusCircuit.from_matrices(...).solve().plan``."""
    plan = MedicobusCircuit.from_matrices(communes, minutes, base, params).solve().plan
    assert plan is not None
    return plan


__all__ = [
    "CONSULTATIONS_PAR_JOUR",
    "JOURS_FR",
    "OBJECTIFS",
    "CircuitParams",
    "CircuitPlan",
    "MedicobusCircuit",
    "PlanningError",
    "plan_circuit",
]
