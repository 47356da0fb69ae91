"""A fixed-centre plan for a zone: optimise, recompute the effect, compare, explain.

:func:`plan_centres` chooses the sites (:class:`~analytics.planning.centres.CentreLocation`
for people lifted out of the sous-dense class or missing consultations filled,
:class:`~analytics.planning.coverage.MaximalCovering` for people newly within T
minutes), then **recomputes** the effect with the E2SFCA engine
(:class:`analytics.accessibility.E2SFCA`: the plan's consultations as new supply, the gain
added to the official APL 2023, as :mod:`analytics.simulation` does) rather than trusting
the model's own figures, measures the population more than 30 estimated minutes from a
GP practice before and after, and does the same for the naive plan (the first K
communes of the need ranking, with the same FTE) so the optimiser's gain is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from analytics.accessibility import E2SFCA
from analytics.derived import SEUIL_MINUTES_ACCES
from analytics.formatting import fmt_number
from analytics.indicators import SEUIL_SOUS_DENSE
from analytics.planning.centres import CentreLocation, check_limits
from analytics.planning.coverage import MaximalCovering
from analytics.planning.data import PlanningInputs, nearest_minutes, road_minutes
from analytics.planning.errors import PlanningError

#: « France Santé » goal: a care option within 30 minutes for everyone (the threshold of
#: the build's 30-minute indicator, ``acces_30_minutes``).
MINUTES_FRANCE_SANTE = SEUIL_MINUTES_ACCES
#: Road minutes computed between a médicobus zone's communes (base → stop trips).
MINUTES_CIRCUIT = 60.0

OBJECTIVE_LABELS = {
    "sous_densite": "Habitants sortis de la sous-densité (APL ≥ 2,5)",
    "consultations": "Consultations manquantes comblées",
    "couverture": "Habitants mis à moins de T minutes d'un médecin",
}
CANDIDATE_RULES = ("toutes", "population", "liste")


@dataclass(frozen=True)
class CentreParams:
    """What the user chooses (defaults: those of the page)."""

    objectif: str = "sous_densite"
    sites: int = 3
    budget: int = 6
    etp_min: int = 1
    etp_max: int = 6
    minutes: float = 20.0  # coverage time T, objective « couverture »
    candidats: str = "toutes"
    population_min: float = 1000.0
    liste: tuple[str, ...] = ()
    limite_secondes: float = 20.0

    def __post_init__(self) -> None:
        if self.objectif not in OBJECTIVE_LABELS:
            raise PlanningError(
                f"Paramètre « objectif » : {self.objectif!r} inconnu "
                f"({', '.join(OBJECTIVE_LABELS)})."
            )
        if self.candidats not in CANDIDATE_RULES:
            raise PlanningError(
                f"Paramètre « candidats » : {self.candidats!r} inconnu "
                f"({', '.join(CANDIDATE_RULES)})."
            )
        if not (5 <= self.minutes <= 60):
            raise PlanningError("Paramètre « minutes » : entre 5 et 60 minutes.")
        if not (0.5 <= self.limite_secondes <= 600):
            raise PlanningError("Paramètre « limite » : entre 0,5 et 600 secondes.")
        check_limits(self.sites, self.budget, self.etp_min, self.etp_max)


@dataclass(frozen=True)
class Effect:
    """A plan's effect on the zone, recomputed by the E2SFCA engine."""

    communes: pd.DataFrame  # code, nom, population, apl_avant, gain, apl_apres, minutes_avant/apres
    sous_dense_avant: float
    sous_dense_apres: float
    consultations_manquantes_avant: float
    consultations_manquantes_apres: float
    loin_avant: float  # people > 30 min from a GP practice
    loin_apres: float

    @property
    def habitants_sortis(self) -> float:
        return self.sous_dense_avant - self.sous_dense_apres

    @property
    def consultations_comblees(self) -> float:
        return self.consultations_manquantes_avant - self.consultations_manquantes_apres


@dataclass(frozen=True)
class CentrePlan:
    params: CentreParams
    sites: pd.DataFrame  # code, nom, etp, consultations, raison (+ figures)
    effect: Effect
    naive_sites: pd.DataFrame
    naive_effect: Effect
    status: str
    gap: float
    seconds: float
    objective_value: float
    greedy_value: float
    consultations_par_etp: float
    messages: list[str] = field(default_factory=list)


def candidate_positions(inputs: PlanningInputs, params: CentreParams) -> np.ndarray:
    """Positions (in ``inputs.communes``) of the candidate communes of the zone."""
    c = inputs.communes
    mask = c["dans_zone"].to_numpy(bool).copy()
    if params.candidats == "population":
        mask &= c["population"].to_numpy(float) >= params.population_min
    elif params.candidats == "liste":
        unknown = sorted(set(params.liste) - set(c.loc[mask, "code"]))
        if unknown:
            raise PlanningError(
                f"Paramètre « liste » : {', '.join(unknown[:5])} hors de la zone ou sans APL."
            )
        mask &= c["code"].isin(params.liste).to_numpy()
    pos = np.flatnonzero(mask)
    if len(pos) == 0:
        raise PlanningError(
            "Paramètre « candidats » : aucune commune candidate (abaissez la population "
            "minimale ou changez la liste)."
        )
    if params.sites > len(pos):
        raise PlanningError(
            f"Paramètre « sites » : {fmt_number(params.sites)} sites demandés pour "
            f"{fmt_number(len(pos))} commune{'s' if len(pos) > 1 else ''} candidate"
            f"{'s' if len(pos) > 1 else ''}."
        )
    return pos


def effect_of(inputs: PlanningInputs, site_pos: np.ndarray, etp: np.ndarray) -> Effect:
    """The E2SFCA effect of ``etp`` FTE at the communes ``site_pos`` (gain added to the
    official APL 2023), and the 30-minute indicator before and after."""
    c = inputs.communes
    zone = c["dans_zone"].to_numpy(bool)
    site_pos = np.asarray(site_pos, dtype=int)
    gain = np.zeros(len(c))
    if len(site_pos):
        eng = E2SFCA.from_travel_times(
            supply=np.asarray(etp, float) * inputs.consultations_par_etp,
            demand=c["pop_standardisee"].to_numpy(float),
            times=inputs.minutes[:, site_pos],
            bands=inputs.bands,
        ).solve()
        gain = eng.apl
    apl = c["apl"].to_numpy(float)
    after = apl + gain
    lat, lon = c["lat"].to_numpy(float), c["lon"].to_numpy(float)
    f = c["facteur"].to_numpy(float)
    before_min = nearest_minutes(
        inputs.model, lat, lon, inputs.gp_lat, inputs.gp_lon, f, inputs.gp_factor
    )
    site_min = nearest_minutes(inputs.model, lat, lon, lat[site_pos], lon[site_pos], f, f[site_pos])
    after_min = np.minimum(before_min, site_min)
    pop, pstd = c["population"].to_numpy(float), c["pop_standardisee"].to_numpy(float)
    table = pd.DataFrame(
        {
            "code": c["code"],
            "nom": c["nom"],
            "dans_zone": zone,
            "population": pop,
            "apl_avant": apl,
            "gain": gain,
            "apl_apres": after,
            "minutes_avant": before_min,
            "minutes_apres": after_min,
        }
    )

    def deficit(a: np.ndarray) -> float:
        return float((np.maximum(0.0, SEUIL_SOUS_DENSE - a) * pstd)[zone].sum())

    return Effect(
        communes=table,
        sous_dense_avant=float(pop[zone & (apl < SEUIL_SOUS_DENSE)].sum()),
        sous_dense_apres=float(pop[zone & (after < SEUIL_SOUS_DENSE)].sum()),
        consultations_manquantes_avant=deficit(apl),
        consultations_manquantes_apres=deficit(after),
        loin_avant=float(pop[zone & (before_min > MINUTES_FRANCE_SANTE)].sum()),
        loin_apres=float(pop[zone & (after_min > MINUTES_FRANCE_SANTE)].sum()),
    )


def naive_plan(
    inputs: PlanningInputs, candidates: np.ndarray, ranking: Sequence[str], params: CentreParams
) -> tuple[np.ndarray, np.ndarray]:
    """The first K candidates of the need ranking, the budget shared out evenly
    (within the per-site limits), the larger shares to the first ranked."""
    codes = inputs.communes["code"].to_numpy()
    cand = set(codes[candidates])
    order = {c: k for k, c in enumerate(ranking)}
    chosen = sorted((c for c in cand if c in order), key=order.get)[: params.sites]
    pos = np.asarray([int(np.flatnonzero(codes == c)[0]) for c in chosen], dtype=int)
    if len(pos) == 0:
        return pos, np.zeros(0, dtype=int)
    return pos, _share(params, len(pos))


def _share(params: CentreParams, n: int) -> np.ndarray:
    """The budget shared out evenly over ``n`` sites within the per-site limits, the
    larger shares first."""
    if n == 0:
        return np.zeros(0, dtype=int)
    share = np.full(n, params.budget // n)
    share[: params.budget % n] += 1
    return np.clip(share, params.etp_min, params.etp_max).astype(int)


def _list_names(names: list[str], limit: int = 3) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    return shown + (f" et {fmt_number(more)} autre{'s' if more > 1 else ''}" if more > 0 else "")


def site_reasons(
    inputs: PlanningInputs,
    site_pos: np.ndarray,
    etp: np.ndarray,
    effect: Effect,
    objectif: str,
    minutes: float,
) -> pd.DataFrame:
    """One row per site with a French sentence saying why (each commune's change is
    attributed to the site that gives it the largest gain)."""
    c = inputs.communes
    zone = c["dans_zone"].to_numpy(bool)
    apl, after = effect.communes["apl_avant"].to_numpy(), effect.communes["apl_apres"].to_numpy()
    pop = c["population"].to_numpy(float)
    pstd = c["pop_standardisee"].to_numpy(float)
    lifted = zone & (apl < SEUIL_SOUS_DENSE) & (after >= SEUIL_SOUS_DENSE)
    filled = np.minimum(np.maximum(0.0, SEUIL_SOUS_DENSE - apl), after - apl) * pstd
    per_site = inputs.gain_per_etp[:, site_pos].toarray() * np.asarray(etp, float)
    owner = np.argmax(per_site, axis=1) if len(site_pos) else np.zeros(len(c), int)
    reached = per_site.max(axis=1) > 0 if len(site_pos) else np.zeros(len(c), bool)
    near = inputs.minutes[:, site_pos].toarray() if len(site_pos) else np.zeros((len(c), 0))
    newly = zone & (effect.communes["minutes_avant"].to_numpy() > minutes)
    rows = []
    for k, (j, e) in enumerate(zip(site_pos, etp, strict=True)):
        mine = reached & (owner == k)
        here, there = lifted & mine, lifted & mine
        here = here & (np.arange(len(c)) == j)
        there = there & (np.arange(len(c)) != j)
        name = str(c["nom"].iloc[j])
        out = float(pop[here | there].sum())
        consult = float(filled[mine & zone].sum())
        nearest = np.where(near > 0, near, np.inf).argmin(axis=1) if near.size else None
        cover = newly & (near[:, k] > 0) & (near[:, k] <= minutes) & (nearest == k)
        covered_pop = float(pop[cover].sum())
        head = f"{name} : {fmt_number(e)} ETP"
        if objectif == "couverture":
            names = sorted(c.loc[cover, "nom"].tolist())
            text = (
                f"{head}, met {fmt_number(covered_pop)} habitants à moins de "
                f"{fmt_number(minutes)} minutes d'un médecin"
                + (f" ({_list_names(names)})" if names else "")
            )
        elif out > 0:
            parts = []
            both = here.any() and there.any()
            if here.any():
                parts.append((f"{fmt_number(pop[here].sum())} " if both else "") + f"à {name} même")
            if there.any():
                names = c.loc[there, "nom"].tolist()
                parts.append(
                    (f"{fmt_number(pop[there].sum())} " if both else "")
                    + f"dans {fmt_number(len(names))} commune{'s' if len(names) > 1 else ''} "
                    f"voisine{'s' if len(names) > 1 else ''} ({_list_names(names)})"
                )
            text = (
                f"{head}, sort {fmt_number(out)} habitants de la zone sous-dense"
                + (", dont " if both else " ")
                + " et ".join(parts)
            )
        else:
            text = f"{head}, ne sort aucune commune de la sous-densité à lui seul"
        text += f" ; comble {fmt_number(consult)} consultations manquantes par an."
        rows.append(
            {
                "code": str(c["code"].iloc[j]),
                "nom": name,
                "etp": int(e),
                "consultations": float(e) * inputs.consultations_par_etp,
                "habitants_sortis": out,
                "consultations_comblees": consult,
                "habitants_couverts": covered_pop,
                "lat": float(c["lat"].iloc[j]),
                "lon": float(c["lon"].iloc[j]),
                "raison": text,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "code",
            "nom",
            "etp",
            "consultations",
            "habitants_sortis",
            "consultations_comblees",
            "habitants_couverts",
            "lat",
            "lon",
            "raison",
        ],
    )


def plan_centres(
    inputs: PlanningInputs, params: CentreParams, ranking: Sequence[str] = ()
) -> CentrePlan:
    """The best plan for ``params`` on the zone, its recomputed effect and the naive one."""
    c = inputs.communes
    zone = c["dans_zone"].to_numpy(bool)
    if (
        params.objectif != "couverture"
        and not (zone & (c["apl"].to_numpy(float) < SEUIL_SOUS_DENSE)).any()
    ):
        raise PlanningError(
            "Aucune commune de la zone n'est sous-dense (APL < 2,5) : il n'y a ni habitant "
            "à sortir de la sous-densité ni consultation manquante. Essayez l'objectif "
            "« couverture » (habitants loin d'un médecin)."
        )
    candidates = candidate_positions(inputs, params)
    messages: list[str] = []
    if params.objectif == "couverture":
        lat, lon = c["lat"].to_numpy(float), c["lon"].to_numpy(float)
        f = c["facteur"].to_numpy(float)
        before = nearest_minutes(
            inputs.model, lat, lon, inputs.gp_lat, inputs.gp_lon, f, inputs.gp_factor
        )
        demand = np.flatnonzero(zone & (before > params.minutes))
        if len(demand) == 0:
            raise PlanningError(
                f"Aucune commune de la zone n'est à plus de {fmt_number(params.minutes)} "
                "minutes estimées d'un médecin : rien à couvrir. Choisissez l'objectif "
                "« sous-densité » ou « consultations »."
            )
        if params.sites * params.etp_min > params.budget:
            raise PlanningError(
                f"Paramètre « budget » : {fmt_number(params.budget)} médecins ne suffisent pas "
                f"pour {fmt_number(params.sites)} sites d'au moins {fmt_number(params.etp_min)}."
            )
        cost = road_minutes(
            inputs.model,
            lat[demand],
            lon[demand],
            lat[candidates],
            lon[candidates],
            params.minutes,
            f[demand],
            f[candidates],
        )
        model = MaximalCovering.from_cost_matrix(
            cost, c["population"].to_numpy(float)[demand], params.minutes, params.sites
        ).solve(time_limit=params.limite_secondes)
        sites = list(model.sites)
        for site in list(sites):  # a site that adds no coverage is not worth opening
            rest = [x for x in sites if x != site]
            if model.value_of(np.asarray(rest, dtype=int)) >= model.objective_value - 1e-9:
                sites = rest
        chosen = candidates[np.asarray(sites, dtype=int)]
        etp = _share(params, len(chosen))
    else:
        sub = c["apl"].to_numpy(float)
        model = CentreLocation.from_matrices(
            inputs.gain_per_etp[:, candidates],
            sub,
            c["population"].to_numpy(float),
            c["pop_standardisee"].to_numpy(float),
            k=params.sites,
            budget=params.budget,
            etp_min=params.etp_min,
            etp_max=params.etp_max,
            objective=params.objectif,
            counted=zone,
        ).solve(time_limit=params.limite_secondes)
        open_ = model.etp > 0
        chosen, etp = candidates[open_], model.etp[open_]
    if model.status == "time_limit":
        messages.append(
            f"Limite de temps atteinte ({fmt_number(params.limite_secondes)} s) : voici le "
            f"meilleur plan trouvé ; il est au plus à {fmt_number(100 * model.gap, 1)} % de "
            "l'optimum (écart prouvé). Augmentez la limite pour le réduire."
        )
    if len(chosen) < params.sites and params.sites > 0:
        messages.append(
            f"{fmt_number(len(chosen))} site(s) suffisent : un site de plus n'améliorerait "
            "pas l'objectif."
        )
    effect = effect_of(inputs, chosen, etp)
    n_pos, n_etp = naive_plan(inputs, candidates, ranking, params)
    naive_effect = effect_of(inputs, n_pos, n_etp)
    return CentrePlan(
        params=params,
        sites=site_reasons(inputs, chosen, etp, effect, params.objectif, params.minutes),
        effect=effect,
        naive_sites=site_reasons(
            inputs, n_pos, n_etp, naive_effect, params.objectif, params.minutes
        ),
        naive_effect=naive_effect,
        status=model.status,
        gap=float(model.gap),
        seconds=float(model.solve_seconds),
        objective_value=float(model.objective_value),
        greedy_value=float(model.greedy_value),
        consultations_par_etp=inputs.consultations_par_etp,
        messages=messages,
    )


# ----- the page's one call --------------------------------------------------------------


def circuit_inputs(inputs: PlanningInputs) -> tuple[pd.DataFrame, sparse.csr_array]:
    """The médicobus circuit's inputs for the zone: its communes and road minutes."""
    c = inputs.communes
    pos = np.flatnonzero(c["dans_zone"].to_numpy(bool))
    communes = pd.DataFrame(
        {
            "code": c["code"].iloc[pos].astype(str).to_numpy(),
            "nom": c["nom"].iloc[pos].to_numpy(),
            "population": c["population"].iloc[pos].to_numpy(float),
            "population_standardisee": c["pop_standardisee"].iloc[pos].to_numpy(float),
            "apl": c["apl"].iloc[pos].to_numpy(float),
            "deficit": c["deficit"].iloc[pos].to_numpy(float),
            "medecins_generalistes": c["medecins_generalistes"].iloc[pos].fillna(0).to_numpy(),
            # the communauté de communes: « par semaine » timetables keep its stops together
            "groupe": c["epci"].iloc[pos].astype("string").fillna("").to_numpy(),
        }
    )
    # Up to an hour between the zone's communes: the trip from the base to every stop.
    la, lo, f = (c[col].to_numpy(float)[pos] for col in ("lat", "lon", "facteur"))
    minutes = road_minutes(inputs.model, la, lo, la, lo, MINUTES_CIRCUIT, f, f)
    return communes, minutes


@dataclass(frozen=True)
class PlannerResult:
    """Everything the page shows for one set of parameters."""

    titre: str
    zone_noms: list[str]
    inputs: PlanningInputs
    centres: CentrePlan | None
    circuit: object | None  # analytics.planning.circuit.CircuitPlan
    features: pd.DataFrame  # geometry of the zone's communes
    outlines: pd.DataFrame  # the zone's territories
    erreurs: list[str] = field(default_factory=list)


def run_planner(con, state) -> PlannerResult:
    """The plan(s) of a :class:`analytics.planning.state.PlannerState` (zone chosen).

    Raises :class:`PlanningError` (French) when the zone or a parameter cannot be planned.
    """
    from analytics.db import query
    from analytics.planning.circuit import CircuitParams, plan_circuit
    from analytics.planning.data import need_ranking, planning_inputs, zone_names

    if state.niveau != "france" and not state.zone:
        raise PlanningError("Paramètre « zone » : choisissez au moins un territoire.")
    names = zone_names(con, state.niveau, state.zone)
    missing = sorted(set(state.zone) - set(names["code"].astype(str)))
    if state.niveau != "france" and missing:
        raise PlanningError(
            f"Paramètre « zone » : {', '.join(missing)} n'est pas un code de niveau {state.niveau}."
        )
    reach = max(
        float(state.minutes if state.ressource != "medicobus" else 0),
        30.0 if state.ressource != "centres" else 0.0,
    )
    inputs = planning_inputs(con, state.niveau, state.zone, max_minutes=reach)
    centres = circuit = None
    errors: list[str] = []
    if state.ressource in ("centres", "les_deux"):
        params = CentreParams(
            objectif=state.objectif,
            sites=state.sites,
            budget=state.budget,
            etp_min=state.etp_min,
            etp_max=state.etp_max,
            minutes=float(state.minutes),
            candidats=state.candidats,
            population_min=float(state.population_min),
            limite_secondes=float(state.limite),
        )
        try:
            centres = plan_centres(inputs, params, need_ranking(con))
        except PlanningError as exc:
            if state.ressource == "centres":
                raise
            errors.append(f"Centres fixes : {exc}")
    if state.ressource in ("medicobus", "les_deux"):
        communes, minutes = circuit_inputs(inputs)
        base = state.base or str(communes.sort_values("population").iloc[-1]["code"])
        if base not in set(communes["code"]):
            raise PlanningError(
                f"Paramètre « base » : la commune {base} n'est pas dans la zone ; le médicobus "
                "part d'une commune de la zone."
            )
        cparams = CircuitParams(
            jours_par_semaine=state.jours,
            semaines_cycle=state.semaines,
            consultations_par_jour=float(state.consultations_jour),
            minutes_couverture=float(state.minutes_bus),
            nb_arrets=state.arrets,
            objectif=state.critere,
            limite_secondes=float(state.limite),
            mode=state.passage,
        )
        circuit = plan_circuit(communes, minutes, base, cparams)
    zone_codes = inputs.communes.loc[inputs.zone, "code"].astype(str).tolist()
    features = query(con, "geometrie_codes", couche="commune", codes=zone_codes)
    couche = {"epci": "epci", "departement": "departement", "region": "region"}.get(
        state.niveau, "region"
    )
    outline_codes = state.zone if state.niveau != "france" else []
    outlines = query(con, "geometrie_codes", couche=couche, codes=list(outline_codes))
    noms = names["nom"].astype(str).tolist()
    titre = ", ".join(noms[:3]) + (f" et {len(noms) - 3} autres" if len(noms) > 3 else "")
    return PlannerResult(titre, noms, inputs, centres, circuit, features, outlines, errors)
