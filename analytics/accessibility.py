"""E2SFCA accessibility engine, after the DREES/IRDES *Accessibilité Potentielle Localisée*.

The APL (DREES, *L'accessibilité potentielle localisée (APL)*, method of Barlet, Coldefy,
Collin, Lucas-Gabrielli, DREES/IRDES 2012; workbook sheet ``Paramètres``) is an enhanced
two-step floating catchment area (E2SFCA, Luo & Qi 2009) computed on communes:

- supply ``S_j``: consultations and visits a year offered at location ``j``;
- demand ``P_i``: population of commune ``i`` standardised by age-specific GP use;
- decay ``w(t)``: a step function of the road time ``t_ij`` — by default weight 1 up to
  10 min, 2/3 up to 15 min, 1/3 up to 20 min, 0 beyond (:data:`DREES_BANDS`);
- step 1, for each supply location: ``R_j = S_j / Σ_i w(t_ij) · P_i``;
- step 2, for each commune: ``APL_i = Σ_j w(t_ij) · R_j`` (consultations per
  standardised inhabitant per year).

Conventions (state them, they change numbers at the edges):

- bands are closed on the right: ``t ≤ 10`` → 1, ``10 < t ≤ 15`` → 2/3,
  ``15 < t ≤ 20`` → 1/3, ``t > 20`` → 0 (the same as PySAL ``access.weights.step_fn``);
  a missing (NaN) or infinite time means "not reachable" (weight 0);
- a supply location with no weighted demand in reach (``Σ w·P = 0``) gets ``R_j = 0``: its
  consultations are counted in :attr:`E2SFCA.supply_without_demand`, not spread anywhere;
- a commune with no supply in reach has APL 0, never NaN.

The engine is pure (numpy/scipy, no file I/O, no Streamlit). Pairs are stored sparse
(long form: demand index, supply index, minutes), so a national run (≈ 35,000 communes,
≈ 9,400 GP locations) is a neighbour search plus two ``np.bincount``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.spatial import cKDTree

from analytics.geodesy import chord_to_km, km_to_chord, unit_vectors
from analytics.traveltime import LAW_LABEL, TravelTimeModel, pairs_within_points

Bands = tuple[tuple[float, float], ...]

#: DREES APL distance decay (workbook ``Paramètres`` sheet, "Décroissance de
#: l'accessibilité avec la distance"): (upper bound in minutes, weight).
DREES_BANDS: Bands = ((10.0, 1.0), (15.0, 2.0 / 3.0), (20.0, 1.0 / 3.0))

#: APL below which a commune is *sous-dense* (ARS zoning, DREES).
SEUIL_SOUS_DENSE = 2.5

#: Consultations and visits a year imputed to a liberal GP who had no liberal activity
#: the year before (DREES APL workbook, sheet ``Paramètres``, « Exceptions » : « une offre
#: de 5 400 consultations ou visites est imputée »): the activity of a new GP in a
#: simulation or a plan.
CONSULTATIONS_NOUVEAU_MEDECIN = 5400.0


def consultations_nouveau_medecin(params: pd.DataFrame | None = None) -> float:
    """Activity of a newly settled liberal GP: the ``Paramètres`` sheet's figure when the
    parsed table carries it (rubrique ``nouveau_medecin``), else
    :data:`CONSULTATIONS_NOUVEAU_MEDECIN`, the figure printed in that sheet."""
    if params is not None and "rubrique" in params.columns:
        row = params.loc[params["rubrique"] == "nouveau_medecin", "valeur"].dropna()
        if len(row):
            return float(row.iloc[0])
    return CONSULTATIONS_NOUVEAU_MEDECIN


def _check_bands(bands: Sequence[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    if len(bands) == 0:
        raise ValueError("au moins une tranche de temps est nécessaire")
    uppers = np.array([float(u) for u, _ in bands])
    weights = np.array([float(w) for _, w in bands])
    if np.any(np.diff(uppers) <= 0) or uppers[0] <= 0 or not np.all(np.isfinite(uppers)):
        raise ValueError(f"bornes des tranches non strictement croissantes : {uppers.tolist()}")
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise ValueError(f"poids de tranche négatif ou infini : {weights.tolist()}")
    return uppers, weights


def band_weights(minutes: np.ndarray, bands: Bands = DREES_BANDS) -> np.ndarray:
    """Step decay weight of each time: bands closed on the right, 0 beyond the last one.

    ``band_weights([10, 10.5, 20, 20.01])`` → ``[1, 2/3, 1/3, 0]`` with the DREES bands.
    NaN or +inf times (unreachable) get 0. Negative times are an error.
    """
    uppers, weights = _check_bands(bands)
    t = np.asarray(minutes, dtype=float)
    if np.any(t < 0):
        raise ValueError("temps de trajet négatif")
    # searchsorted puts NaN after every finite bound: NaN → beyond the last band → 0.
    idx = np.searchsorted(uppers, t, side="left")
    return np.append(weights, 0.0)[idx]


def bands_from_parameters(params: pd.DataFrame) -> tuple[tuple[float, float], ...]:
    """Distance-decay bands as the DREES workbook's ``Paramètres`` sheet states them."""
    rows = params[(params["rubrique"] == "decroissance") & params["borne_minutes"].notna()]
    bands = tuple(
        (float(r.borne_minutes), float(r.valeur))
        for r in rows.sort_values("borne_minutes").itertuples()
        if r.valeur > 0
    )
    if not bands:
        raise ValueError("aucune tranche de décroissance dans la feuille Paramètres")
    return bands


class AccessibilityError(ValueError):
    """Inputs the engine cannot solve, with a readable French message."""


@dataclass
class _Geo:
    """What a coordinates-built engine keeps to place new sites (see ``with_new_site``)."""

    model: TravelTimeModel
    demand_lat: np.ndarray
    demand_lon: np.ndarray
    demand_xyz: np.ndarray
    demand_tree: cKDTree
    radius_km: float


class E2SFCA:
    """Enhanced two-step floating catchment (DREES APL) on sparse demand–supply pairs.

    Formulation, for demand points ``i`` (communes) and supply locations ``j``::

        w_ij = w(t_ij)                         step decay, :func:`band_weights`
        D_j  = Σ_i w_ij · P_i                  weighted demand in reach of j
        R_j  = S_j / D_j   (0 if D_j = 0)      step 1: supply per weighted inhabitant
        A_i  = Σ_j w_ij · R_j                  step 2: accessibility (APL) of i

    Core constructor from plain arrays: ``supply`` (S_j, length n_supply), ``demand``
    (P_i, length n_demand) and the pairs in long form ``pair_demand``, ``pair_supply``
    (integer positions) and ``minutes`` (t_ij). Pairs absent from the list have weight 0.
    Adapters: :meth:`from_travel_times` (explicit matrix or pairs, toy instances) and
    :meth:`from_coordinates` (national run: neighbour search within the band limit).

    After :meth:`solve` (which returns ``self``): ``apl`` (A_i), ``supply_ratio`` (R_j),
    ``weighted_demand`` (D_j), ``supply_without_demand`` (total S_j at locations with
    D_j = 0) and ``n_supply_without_demand``; ``status`` is ``"solved"``.
    """

    def __init__(
        self,
        supply: np.ndarray,
        demand: np.ndarray,
        pair_demand: np.ndarray,
        pair_supply: np.ndarray,
        minutes: np.ndarray,
        bands: Bands = DREES_BANDS,
        supply_ids: Sequence[str] | None = None,
        demand_ids: Sequence[str] | None = None,
    ) -> None:
        self.supply = np.asarray(supply, dtype=float).copy()
        self.demand = np.asarray(demand, dtype=float).copy()
        self.bands: Bands = tuple((float(u), float(w)) for u, w in bands)
        _check_bands(self.bands)
        if self.supply.ndim != 1 or self.demand.ndim != 1:
            raise AccessibilityError("offre et demande doivent être des vecteurs")
        for name, v in (("offre", self.supply), ("demande", self.demand)):
            if np.any(~np.isfinite(v)) or np.any(v < 0):
                raise AccessibilityError(f"{name} : valeurs manquantes, infinies ou négatives")
        pd_ = np.asarray(pair_demand, dtype=np.int64)
        ps_ = np.asarray(pair_supply, dtype=np.int64)
        t = np.asarray(minutes, dtype=float)
        if not (pd_.shape == ps_.shape == t.shape) or pd_.ndim != 1:
            raise AccessibilityError("paires : trois vecteurs de même longueur attendus")
        if len(pd_) and (pd_.min() < 0 or pd_.max() >= len(self.demand)):
            raise AccessibilityError("paires : indice de demande hors bornes")
        if len(ps_) and (ps_.min() < 0 or ps_.max() >= len(self.supply)):
            raise AccessibilityError("paires : indice d'offre hors bornes")
        w = band_weights(t, self.bands)
        keep = w > 0  # pairs beyond the last band never matter: drop them once
        self.pair_demand, self.pair_supply = pd_[keep], ps_[keep]
        self.minutes, self.weights = t[keep], w[keep]
        self.supply_ids = _ids(supply_ids, len(self.supply), "offre")
        self.demand_ids = _ids(demand_ids, len(self.demand), "demande")
        self._geo: _Geo | None = None
        self.status = "unsolved"
        self.apl: np.ndarray | None = None
        self.supply_ratio: np.ndarray | None = None
        self.weighted_demand: np.ndarray | None = None
        self.supply_without_demand = float("nan")
        self.n_supply_without_demand = -1

    # ----- adapters -------------------------------------------------------------------

    @classmethod
    def from_travel_times(
        cls,
        supply: np.ndarray,
        demand: np.ndarray,
        times: np.ndarray | sparse.sparray | sparse.spmatrix | pd.DataFrame | tuple,
        bands: Bands = DREES_BANDS,
        supply_ids: Sequence[str] | None = None,
        demand_ids: Sequence[str] | None = None,
    ) -> E2SFCA:
        """Engine from explicit travel times (toy instances, or a real distancier).

        ``times`` is one of:

        - a dense array of shape (n_demand, n_supply), minutes; NaN or inf = unreachable;
        - a scipy.sparse matrix of that shape whose *stored* entries are the pairs
          (an explicitly stored 0 is a 0-minute pair; an absent entry is unreachable);
        - a tuple ``(demand_index, supply_index, minutes)`` of arrays;
        - a DataFrame with columns ``demand``, ``supply``, ``minutes`` (integer positions).
        """
        n_d, n_s = len(np.atleast_1d(demand)), len(np.atleast_1d(supply))
        if isinstance(times, pd.DataFrame):
            i, j, t = (times[c].to_numpy() for c in ("demand", "supply", "minutes"))
        elif isinstance(times, tuple):
            i, j, t = (np.asarray(v) for v in times)
        elif sparse.issparse(times):
            if times.shape != (n_d, n_s):
                raise AccessibilityError(f"matrice des temps {times.shape} ≠ {(n_d, n_s)}")
            coo = sparse.coo_array(times)
            i, j, t = coo.row, coo.col, coo.data
        else:
            m = np.asarray(times, dtype=float)
            if m.shape != (n_d, n_s):
                raise AccessibilityError(f"matrice des temps {m.shape} ≠ {(n_d, n_s)}")
            i, j = np.nonzero(np.isfinite(m))
            t = m[i, j]
        return cls(supply, demand, i, j, t, bands, supply_ids, demand_ids)

    @classmethod
    def from_coordinates(
        cls,
        supply: np.ndarray,
        supply_lat: np.ndarray,
        supply_lon: np.ndarray,
        demand: np.ndarray,
        demand_lat: np.ndarray,
        demand_lon: np.ndarray,
        model: TravelTimeModel,
        bands: Bands = DREES_BANDS,
        supply_ids: Sequence[str] | None = None,
        demand_ids: Sequence[str] | None = None,
    ) -> E2SFCA:
        """Engine from WGS84 points, times estimated by ``model`` from straight-line km.

        Neighbour search (:func:`analytics.traveltime.pairs_within_points`): a ``cKDTree``
        on 3D unit vectors (chord length ↔ great-circle km, exact), radius = the
        straight-line distance ``model`` reaches in the last band's upper limit (20 min
        for the APL) with the pair's regional factor. Only those pairs are ever built.
        A commune that is both demand and supply is paired with itself at 0 km (0 min,
        weight 1), as the APL counts a commune's own doctors in full.
        """
        supply_ids = _ids(supply_ids, len(np.atleast_1d(supply)), "offre")
        demand_ids = _ids(demand_ids, len(np.atleast_1d(demand)), "demande")
        radius_km = model.reach_km(max(u for u, _ in bands))
        d_xyz = unit_vectors(demand_lat, demand_lon)
        s_xyz = unit_vectors(supply_lat, supply_lon)
        if not (np.all(np.isfinite(d_xyz)) and np.all(np.isfinite(s_xyz))):
            raise AccessibilityError("coordonnées manquantes : retirer ces lignes avant l'appel")
        d_tree = cKDTree(d_xyz)
        # Pairs within the last band's limit, regional slowness √(f_i f_j) from the model
        # (ids are commune codes); a commune paired with itself is kept at 0 min.
        found = pairs_within_points(
            model,
            demand_lat,
            demand_lon,
            supply_lat,
            supply_lon,
            max(u for u, _ in bands),
            model.factor(demand_ids),
            model.factor(supply_ids),
        )
        i, j, t = found["i"].to_numpy(), found["j"].to_numpy(), found["minutes"].to_numpy()
        eng = cls(supply, demand, i, j, t, bands, supply_ids, demand_ids)
        eng._geo = _Geo(
            model=model,
            demand_lat=np.asarray(demand_lat, float),
            demand_lon=np.asarray(demand_lon, float),
            demand_xyz=d_xyz,
            demand_tree=d_tree,
            radius_km=radius_km,
        )
        return eng

    # ----- solve ------------------------------------------------------------------------

    def solve(self) -> E2SFCA:
        """Run the two steps; results in ``apl``, ``supply_ratio``, ``weighted_demand``."""
        n_d, n_s = len(self.demand), len(self.supply)
        dj = np.bincount(
            self.pair_supply, weights=self.weights * self.demand[self.pair_demand], minlength=n_s
        )
        has_demand = dj > 0
        r = np.zeros(n_s)
        np.divide(self.supply, dj, out=r, where=has_demand)
        self.apl = np.bincount(
            self.pair_demand, weights=self.weights * r[self.pair_supply], minlength=n_d
        )
        self.weighted_demand, self.supply_ratio = dj, r
        lost = (~has_demand) & (self.supply > 0)
        self.n_supply_without_demand = int(lost.sum())
        self.supply_without_demand = float(self.supply[lost].sum())
        self.status = "solved"
        return self

    def _require_solved(self) -> None:
        if self.status != "solved":
            raise AccessibilityError("modèle non résolu : appeler solve() d'abord")

    def results(self) -> pd.DataFrame:
        """One row per demand point: ``code`` (demand id), ``demande``, ``apl``."""
        self._require_solved()
        return pd.DataFrame(
            {
                "code": pd.array(self.demand_ids, dtype="str"),
                "demande": self.demand,
                "apl": self.apl,
            }
        )

    # ----- what if ----------------------------------------------------------------------

    def _copy_with(
        self,
        supply: np.ndarray,
        extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        supply_ids: list[str] | None = None,
    ) -> E2SFCA:
        new = object.__new__(E2SFCA)
        new.__dict__.update(self.__dict__)
        new.supply = supply
        if supply_ids is not None:
            new.supply_ids = supply_ids
        if extra is not None:
            i, j, t = extra
            w = band_weights(t, self.bands)
            k = w > 0
            new.pair_demand = np.concatenate([self.pair_demand, i[k]])
            new.pair_supply = np.concatenate([self.pair_supply, j[k]])
            new.minutes = np.concatenate([self.minutes, t[k]])
            new.weights = np.concatenate([self.weights, w[k]])
        new.status = "unsolved"
        return new.solve()

    def with_added_supply(self, site: int | str, consultations: float) -> E2SFCA:
        """A new solved engine with ``consultations`` more a year at ``site``; self is unchanged.

        ``site`` is a supply position (int) or a supply id (str) — an existing location —
        or, for an engine built by :meth:`from_coordinates`, a demand id (commune code)
        without supply: a new location is then opened at that commune's point.
        Adding supply at ``j`` changes ``R_j`` only (``D_j`` depends on demand alone), so
        only communes within reach of ``j`` see their APL rise.
        """
        if consultations < 0 or not np.isfinite(consultations):
            raise AccessibilityError("consultations ajoutées : nombre positif attendu")
        supply_pos = {s: k for k, s in enumerate(self.supply_ids)}
        if isinstance(site, (int, np.integer)):
            if not 0 <= site < len(self.supply):
                raise AccessibilityError(f"site d'offre {site} hors bornes")
            pos = int(site)
        elif site in supply_pos:
            pos = supply_pos[site]
        elif self._geo is not None and site in self.demand_ids:
            k = self.demand_ids.index(site)
            lat, lon = float(self._geo.demand_lat[k]), float(self._geo.demand_lon[k])
            return self.with_new_site(lat, lon, consultations, site_id=str(site))
        else:
            raise AccessibilityError(f"site « {site} » inconnu")
        supply = self.supply.copy()
        supply[pos] += consultations
        return self._copy_with(supply)

    def with_new_site(
        self, lat: float, lon: float, consultations: float, site_id: str | None = None
    ) -> E2SFCA:
        """A new solved engine with a new supply location at (lat, lon) (coordinates engines)."""
        if self._geo is None:
            raise AccessibilityError(
                "ce modèle n'a pas de coordonnées : utiliser with_new_site_pairs()"
            )
        g = self._geo
        p = unit_vectors(np.array([lat]), np.array([lon]))[0]
        idx = np.asarray(
            g.demand_tree.query_ball_point(p, km_to_chord(g.radius_km * (1 + 1e-9))),
            dtype=np.int64,
        )
        km = chord_to_km(np.linalg.norm(g.demand_xyz[idx] - p, axis=1))
        site_code = [site_id or ""] * len(idx)
        f = g.model.pair_factor(np.asarray(self.demand_ids, object)[idx], site_code)
        return self.with_new_site_pairs(idx, g.model.minutes(km, f), consultations, site_id)

    def with_new_site_pairs(
        self,
        demand_index: np.ndarray,
        minutes: np.ndarray,
        consultations: float,
        site_id: str | None = None,
    ) -> E2SFCA:
        """A new solved engine with a new supply location reaching ``demand_index`` in ``minutes``."""
        if consultations < 0 or not np.isfinite(consultations):
            raise AccessibilityError("consultations ajoutées : nombre positif attendu")
        i = np.asarray(demand_index, dtype=np.int64)
        t = np.asarray(minutes, dtype=float)
        j = np.full(len(i), len(self.supply), dtype=np.int64)
        ids = [*self.supply_ids, site_id or f"nouveau_site_{len(self.supply)}"]
        return self._copy_with(np.append(self.supply, consultations), (i, j, t), ids)


def _ids(ids: Sequence[str] | None, n: int, what: str) -> list[str]:
    if ids is None:
        return [str(k) for k in range(n)]
    out = [str(x) for x in ids]
    if len(out) != n:
        raise AccessibilityError(f"{what} : {len(out)} identifiants pour {n} valeurs")
    return out


# ----- validation against the official APL ----------------------------------------------


@dataclass(frozen=True)
class ValidationResult:
    """Our estimate against the official DREES APL, commune by commune.

    ``consultations_per_gp`` is the figure used (given, or implied by the scaling);
    ``scaling`` says which. Agreement on the *sous-dense* class (APL < ``seuil``): the
    official class is the truth, ours the prediction (precision, recall, Cohen's kappa).
    Population counts under the threshold use ``pop_totale``; means are weighted by
    ``pop_standardisee`` (DREES rule for aggregating APL).
    """

    n_communes: int
    consultations_per_gp: float
    scaling: str
    spearman: float
    pearson: float
    mae: float
    median_ae: float
    mean_officiel: float
    mean_estime: float
    accuracy: float
    precision: float
    recall: float
    kappa: float
    pop_sous_dense_officiel: float
    pop_sous_dense_estime: float
    n_supply_codes_unmatched: int
    medecins_unmatched: float
    n_communes_without_coordinates: int
    supply_label: str
    communes: pd.DataFrame = field(repr=False)
    explication: str = field(repr=False)

    def metrics(self) -> dict[str, float | int | str]:
        """The scalar figures as a dict (for a table, a JSON, a bench print)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("communes", "explication")}


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(x * w) / np.sum(w))


def validate_against_official(
    communes: pd.DataFrame,
    supply: pd.DataFrame,
    model: TravelTimeModel,
    consultations_per_gp: float | None = None,
    *,
    bands: Bands = DREES_BANDS,
    seuil: float = SEUIL_SOUS_DENSE,
    report_codes: Sequence[str] | None = None,
    supply_label: str = "effectifs RPPS 2026",
) -> ValidationResult:
    """Recompute the APL from GP headcounts and compare it to the official DREES APL.

    ``communes``: ``code`` (str), ``lat``, ``lon``, ``pop_standardisee``, ``pop_totale``,
    ``apl_officiel`` (whole communes: sum Paris/Lyon/Marseille arrondissements before).
    ``supply``: ``code``, ``nb_medecins_generalistes`` (RPPS headcount of GPs in
    activity). Supply in consultations = headcount × ``consultations_per_gp``.

    Scaling: the DREES counts each GP's *activity* (SNIIR-AM consultations and visits,
    capped at 3,600–6,000), which a headcount does not carry. With
    ``consultations_per_gp=None`` (default) one national figure is chosen so that our
    national mean APL weighted by standardised population equals the official one over
    the compared communes; the implied consultations per RPPS GP is reported (it is low
    because RPPS counts salaried and multi-site GPs who do few or no office
    consultations). Give a number (e.g. 5,000 a year for one full-time GP) to use a fixed
    figure instead. The engine being linear in supply, the scaling changes MAE and the
    class agreement, never the correlations.

    Demand: every commune with coordinates and a standardised population; comparison:
    those with an official APL. Supply codes absent from ``communes`` are counted, not
    silently dropped (``n_supply_codes_unmatched``, ``medecins_unmatched``).
    """
    need = {"code", "lat", "lon", "pop_standardisee", "pop_totale", "apl_officiel"}
    if missing := need - set(communes.columns):
        raise KeyError(f"colonnes absentes de communes : {sorted(missing)}")
    if missing := {"code", "nb_medecins_generalistes"} - set(supply.columns):
        raise KeyError(f"colonnes absentes de l'offre : {sorted(missing)}")
    if communes["code"].duplicated().any():
        raise AccessibilityError("codes commune en double : agréger avant la validation")

    c = communes.assign(code=communes["code"].astype(str))
    no_xy = c["lat"].isna() | c["lon"].isna()
    c = c[~no_xy & c["pop_standardisee"].notna()].reset_index(drop=True)
    s = (
        supply.assign(code=supply["code"].astype(str))
        .groupby("code", as_index=False)["nb_medecins_generalistes"]
        .sum()
    )
    s = s[s["nb_medecins_generalistes"] > 0]
    unmatched = ~s["code"].isin(c["code"])
    s_in = s[~unmatched].merge(c[["code", "lat", "lon"]], on="code", how="left")

    eng = E2SFCA.from_coordinates(
        s_in["nb_medecins_generalistes"].to_numpy(float),
        s_in["lat"].to_numpy(float),
        s_in["lon"].to_numpy(float),
        c["pop_standardisee"].to_numpy(float),
        c["lat"].to_numpy(float),
        c["lon"].to_numpy(float),
        model,
        bands,
        supply_ids=s_in["code"].tolist(),
        demand_ids=c["code"].tolist(),
    ).solve()
    apl_per_gp = eng.apl

    known = c["apl_officiel"].notna().to_numpy()
    cmp_ = known.copy()
    scale_on = known.copy()
    if report_codes is not None:
        in_report = c["code"].isin(pd.Index([str(x) for x in report_codes])).to_numpy()
        cmp_ &= in_report
        scale_on &= ~in_report  # the one scaling figure is set on the other communes
        if not scale_on.any():
            scale_on = cmp_
    off = c["apl_officiel"].to_numpy(float)[cmp_]
    pstd = c["pop_standardisee"].to_numpy(float)[cmp_]
    ptot = c["pop_totale"].fillna(0).to_numpy(float)[cmp_]
    if consultations_per_gp is None:
        k = _wmean(
            c["apl_officiel"].to_numpy(float)[scale_on],
            c["pop_standardisee"].to_numpy(float)[scale_on],
        ) / _wmean(apl_per_gp[scale_on], c["pop_standardisee"].to_numpy(float)[scale_on])
        scaling = "moyenne nationale pondérée égale à l'officielle"
    else:
        k = float(consultations_per_gp)
        scaling = "chiffre fixe"
    est = k * apl_per_gp[cmp_]

    truth, pred = off < seuil, est < seuil
    tp = float(np.sum(truth & pred))
    acc = float(np.mean(truth == pred))
    p_t, p_p = truth.mean(), pred.mean()
    pe = p_t * p_p + (1 - p_t) * (1 - p_p)
    kappa = float((acc - pe) / (1 - pe)) if pe < 1 else float("nan")
    err = est - off

    res = dict(
        n_communes=int(cmp_.sum()),
        consultations_per_gp=float(k),
        scaling=scaling,
        spearman=float(stats.spearmanr(off, est).statistic),
        pearson=float(stats.pearsonr(off, est).statistic),
        mae=float(np.mean(np.abs(err))),
        median_ae=float(np.median(np.abs(err))),
        mean_officiel=_wmean(off, pstd),
        mean_estime=_wmean(est, pstd),
        accuracy=acc,
        precision=tp / pred.sum() if pred.any() else float("nan"),
        recall=tp / truth.sum() if truth.any() else float("nan"),
        kappa=kappa,
        pop_sous_dense_officiel=float(ptot[truth].sum()),
        pop_sous_dense_estime=float(ptot[pred].sum()),
        n_supply_codes_unmatched=int(unmatched.sum()),
        medecins_unmatched=float(s.loc[unmatched, "nb_medecins_generalistes"].sum()),
        n_communes_without_coordinates=int(no_xy.sum()),
        supply_label=supply_label,
    )
    table = pd.DataFrame(
        {
            "code": c["code"].to_numpy()[cmp_],
            "apl_officiel": off,
            "apl_estime": est,
        }
    )
    return ValidationResult(
        **res, communes=table, explication=_explication_fr(res, model, eng, seuil)
    )


def _explication_fr(res: dict, model: TravelTimeModel, eng: E2SFCA, seuil: float) -> str:
    def n(x: float, d: int = 0) -> str:
        return f"{x:,.{d}f}".replace(",", "\u202f").replace(".", ",")

    perdus = (
        f" {eng.n_supply_without_demand} lieux d'offre n'ont aucune commune à 20 minutes."
        if eng.n_supply_without_demand
        else ""
    )
    temps = (
        "un temps estimé depuis la distance à vol d'oiseau entre mairies, loi ajustée en "
        "Gironde et corrigée par un facteur régional de lenteur appris des temps routiers "
        "d'accès aux urgences publiés par la DREES pour chaque commune"
        if model.regional
        else "un temps estimé depuis la distance à vol d'oiseau entre centroïdes, calibré en "
        "Gironde (plat, bien desservi)"
    )
    return (
        f"APL recalculée sur {n(res['n_communes'])} communes (la moitié des communes, "
        f"jamais utilisée pour régler le modèle) avec la méthode DREES (E2SFCA, tranches "
        f"0–10 / 10–15 / 15–20 min, poids 1, 2/3, 1/3) : corrélation de rang "
        f"{n(res['spearman'], 2)}, écart absolu moyen {n(res['mae'], 2)} consultation par "
        f"habitant standardisé, même classement sous ou au-dessus de {n(seuil, 1)} dans "
        f"{n(100 * res['accuracy'], 1)} % des communes. Les écarts ont des causes connues. "
        f"(1) Offre : l'APL officielle compte l'activité de chaque généraliste libéral ou de "
        f"centre de santé (consultations et visites SNIIR-AM, bornées entre 3 600 et 6 000 par "
        f"an) ; aucune donnée ouverte ne donne cette activité par commune : nous comptons des "
        f"effectifs ({res['supply_label']}) multipliés par un même chiffre, "
        f"{n(res['consultations_per_gp'])} consultations par médecin ({res['scaling']}). "
        f"Un effectif n'est pas une activité : un médecin à temps partiel compte comme un "
        f"médecin à plein temps. {n(res['n_supply_codes_unmatched'])} communes d'offre hors du "
        f"champ de l'APL (Mayotte, collectivités d'outre-mer : {n(res['medecins_unmatched'])} "
        f"médecins) sont écartées. (2) Temps : la DREES utilise le distancier routier Metric "
        f"de l'Insee entre communes ; aucun distancier routier national n'est ouvert, nous "
        f"utilisons {temps}. Près des seuils de 10, 15 et 20 minutes une commune change de "
        f"tranche ; l'estimation reste la moins sûre en montagne et sur les îles sans pont, "
        f"signalées dans l'application.{perdus} (3) Bords : l'offre étrangère n'est comptée "
        f"dans aucun des deux calculs, mais nos bassins suivent des cercles et non les routes. "
        f"(4) Millésimes : population standardisée 2021 (APL 2023) contre offre 2017–2026 ; "
        f"communes de 2023 ramenées à la géographie 2026 ; Paris, Lyon et Marseille pris en "
        f"commune entière alors que la DREES calcule par arrondissement."
    )


# ----- supply proxies and the stored validation -------------------------------------------

SUPPLY_LABELS = {
    "rpps": "effectifs RPPS 2026 (tous généralistes en activité)",
    "bpe": "généralistes libéraux BPE 2017, mis à jour par le RPPS 2026",
}


def supply_liberal(supply: pd.DataFrame) -> pd.DataFrame:
    """Liberal-GP proxy per commune: the BPE 2017 liberal GPs, updated with RPPS 2026
    where a commune gained or lost all its GPs.

    ``supply``: ``code``, ``rpps_2026`` (GPs in activity, liberal and salaried),
    ``bpe_2017`` (liberal GPs, NaN where the BPE has none or no row, as for Paris).
    Rule: RPPS 0 → 0 (lost all); BPE > 0 and RPPS > 0 → BPE; BPE absent and RPPS > 0
    (gained, or Paris, absent from the file) → RPPS × the national BPE/RPPS ratio over
    the communes having both (about 0.62: RPPS also counts salaried and multi-site GPs).
    Returns ``code``, ``nb_medecins_generalistes``.
    """
    r = pd.to_numeric(supply["rpps_2026"], errors="coerce").fillna(0).to_numpy(float)
    b = pd.to_numeric(supply["bpe_2017"], errors="coerce").fillna(0).to_numpy(float)
    both = (r > 0) & (b > 0)
    ratio = float(b[both].sum() / r[both].sum()) if both.any() else 1.0
    value = np.where(r == 0, 0.0, np.where(b > 0, b, r * ratio))
    return pd.DataFrame({"code": supply["code"].astype(str), "nb_medecins_generalistes": value})


VALIDATION_MEASURES = (
    ("spearman", "spearman"),
    ("pearson", "pearson"),
    ("mae", "mae"),
    ("mediane_ecart_absolu", "median_ae"),
    ("accord_sous_2_5", "accuracy"),
    ("precision_sous_2_5", "precision"),
    ("rappel_sous_2_5", "recall"),
    ("kappa_sous_2_5", "kappa"),
    ("communes", "n_communes"),
    ("consultations_par_generaliste", "consultations_per_gp"),
    ("pop_sous_2_5_officielle", "pop_sous_dense_officiel"),
    ("pop_sous_2_5_estimee", "pop_sous_dense_estime"),
)


def validation_runs(
    fit, official: pd.DataFrame, supply: pd.DataFrame, bands: Bands = DREES_BANDS
) -> dict[str, ValidationResult]:
    """The validations the methods page reports, on the reporting half of the communes:
    ``avant`` (power law alone between centroids, RPPS headcounts — the former engine),
    ``apres`` (the model fitted on the tuning half, the supply that validated better on
    the tuning half), plus ``choix_<supply>`` on the tuning half (how the supply was
    chosen). ``fit``: :class:`analytics.traveltime.ModelFit`."""
    c = fit.communes
    points = c[["code", "lat", "lon"]].merge(official, on="code")
    centroids = fit.centroids.merge(official, on="code")
    tuning_codes = c.loc[fit.tuning, "code"].tolist()
    report_codes = c.loc[~fit.tuning, "code"].tolist()
    rpps = supply.assign(code=supply["code"].astype(str)).rename(
        columns={"rpps_2026": "nb_medecins_generalistes"}
    )[["code", "nb_medecins_generalistes"]]
    supplies = {"rpps": rpps, "bpe": supply_liberal(supply)}
    runs: dict[str, ValidationResult] = {}
    for key, s in supplies.items():
        runs[f"choix_{key}"] = validate_against_official(
            points,
            s,
            fit.model_tuning,
            bands=bands,
            report_codes=tuning_codes,
            supply_label=SUPPLY_LABELS[key],
        )
    best = max(supplies, key=lambda k: runs[f"choix_{k}"].spearman + runs[f"choix_{k}"].accuracy)
    runs["avant"] = validate_against_official(
        centroids,
        rpps,
        fit.law,
        bands=bands,
        report_codes=report_codes,
        supply_label=SUPPLY_LABELS["rpps"],
    )
    runs["apres"] = validate_against_official(
        points,
        supplies[best],
        fit.model_tuning,
        bands=bands,
        report_codes=report_codes,
        supply_label=SUPPLY_LABELS[best],
    )
    return runs


def validation_table(
    fit, official: pd.DataFrame, supply: pd.DataFrame, params: pd.DataFrame
) -> pd.DataFrame:
    """Relation ``validation_accessibilite``: one row per measure, ``valeur`` (after),
    ``valeur_avant`` (before), ``reglage_rpps`` / ``reglage_bpe`` (tuning half), and the
    explanation, the travel model and the fit figures as text."""
    runs = validation_runs(fit, official, supply, bands_from_parameters(params))
    after, before = runs["apres"], runs["avant"]
    rows = []
    for mesure, attr in VALIDATION_MEASURES:
        rows.append(
            {
                "mesure": mesure,
                "valeur": float(getattr(after, attr)),
                "valeur_avant": float(getattr(before, attr)),
                "reglage_rpps": float(getattr(runs["choix_rpps"], attr)),
                "reglage_bpe": float(getattr(runs["choix_bpe"], attr)),
            }
        )
    e = fit.errors.set_index(["jeu", "modele", "terrain"])
    for jeu, modele, ter in e.index:
        key = f"temps_mae_{jeu}_{ter}"
        if jeu == "urgences" and modele == LAW_LABEL:
            continue
        row = {"mesure": key, "valeur": float(e.loc[(jeu, modele, ter), "mae_min"])}
        if jeu == "urgences":
            row["valeur_avant"] = float(e.loc[(jeu, LAW_LABEL, ter), "mae_min"])
        rows.append(row)
    table = pd.DataFrame(rows)
    table["offre"] = after.supply_label
    table["explication"] = after.explication
    table["modele_temps"] = fit.model.describe_fr()
    table["calibration"] = fit.calibration.summary_fr()
    return table


_TERRAIN_LABELS = {
    "ensemble": "Toutes les communes",
    "urbain": "Urbain (plus de 150 hab./km²)",
    "rural": "Rural",
    "montagne": "Montagne (département de massif, hors urbain)",
}


def travel_error_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """From ``validation_accessibilite``: the emergency-time errors by terrain, before
    (power law alone) and after (with the regional factor), in minutes."""
    if "valeur_avant" not in metrics.columns:
        return pd.DataFrame()
    rows = []
    for key, label in _TERRAIN_LABELS.items():
        hit = metrics[metrics["mesure"] == f"temps_mae_urgences_{key}"]
        if hit.empty:
            continue
        rows.append(
            {
                "Terrain": label,
                "Erreur moyenne, loi girondine seule (min)": float(hit["valeur_avant"].iloc[0]),
                "Erreur moyenne, avec facteur régional (min)": float(hit["valeur"].iloc[0]),
            }
        )
    return pd.DataFrame(rows)
