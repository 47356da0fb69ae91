"""Where to open up to K health centres, and how many full-time GPs in each.

The APL (DREES/IRDES E2SFCA, :mod:`analytics.accessibility`) is linear in supply: ``f``
full-time GPs settling at site ``j`` add to commune ``i``

    g_ij(f) = f · a_ij,     a_ij = c · w(t_ij) / D_j,     D_j = Σ_k w(t_kj) · P_k

consultations per standardised inhabitant (``c``: the activity of a new GP, the DREES
workbook's « Paramètres »; ``w``: the decay bands; ``P``: standardised population), the
supply already there being fixed. So choosing sites and sizes is a mixed-integer
programme. With ``need_i = seuil − APL_i`` (> 0 for an under-served commune) and the
*capped, normalised* coefficient of level ``l`` at site ``j`` for commune ``i``

    c_ijl = min(1, l · a_ij / need_i)

the model solved is (one binary ``z_jl`` per site and FTE level — a site takes at most
one level — and ``u_i ∈ [0, 1]`` the share of commune ``i``'s need met)::

    max  Σ_i v_i · u_i
    s.t. u_i ≤ Σ_{j,l} c_ijl · z_jl        for every under-served commune i
         Σ_l z_jl ≤ 1                       for every candidate site j
         Σ_{j,l} z_jl ≤ K                   at most K sites
         Σ_{j,l} l · z_jl ≤ B               budget of B full-time GPs
         z binary; u binary for objective (a), continuous for (b)

- objective ``"sous_densite"`` (a): ``v_i`` = population of commune ``i``, ``u_i``
  binary: people living in communes lifted to APL ≥ ``seuil``;
- objective ``"consultations"`` (b): ``v_i = need_i · P_i`` (the commune's missing
  consultations), ``u_i`` continuous: missing consultations filled, each commune's
  deficit capped at its gain.

Because a site takes one level, ``min(1, Σ_j l_j·a_ij/need_i) = min(1, Σ_j c_ijl_j)``:
the model is exact, and capping every coefficient at 1 (the commune's real maximum
gain, instead of a big-M) makes the relaxation far tighter than the textbook
``APL_i + Σ_j a_ij·x_j ≥ seuil·y_i`` with integer ``x_j``. Presolve: communes that
even the K best sites at their largest size cannot lift are dropped for (a); levels
beyond the one where a site meets the whole need of every commune it reaches are
dropped (they only spend budget); candidates reaching no under-served commune are
dropped. A lazy greedy (largest gain per FTE, re-evaluating only the candidates that
share a commune with the last move) gives the warm start, and the plan when HiGHS is
not asked for or finds nothing in time.

Clusters: the kept communes and candidates form a bipartite graph (``a_ij > 0``); its
connected components share no commune, so a plan's value is the sum of its values on
each component. Every small component but the largest is tabulated apart — its optimum
``f(k, b)`` for each number of sites ``k ≤ K`` and FTE ``b ≤ B``, by the same exact model,
stopping once it lifts all it can — and enters the main model as one binary per option
``(k, b)`` (at most one per cluster, charged ``k`` sites and ``b`` FTE, worth ``f(k, b)``).
This is exact because ``f`` is the optimum of an independent part under the same limits
and every smaller ``(k, b)`` is an option too; when a part is not proved optimal in time,
everything stays in one model. Measured on the database (``bench/bench_planner.py``): a
département's under-served communes form one component, so this helps zones made of
several far-apart territories, not a single département. Also measured and not kept:
branching on cumulative levels (« at least l FTE at j »: slower), dropping the count cuts
(no change), HiGHS probing on, heuristic effort 0 or 0,3, no restart (slower on a région).
Population within T minutes (objective (c),
maximal covering) lives in :mod:`analytics.planning.coverage`.
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from analytics.formatting import fmt_number
from analytics.planning.errors import PlanningError
from analytics.planning.milp import STATUS_FR, solve_max

OBJECTIVES = ("sous_densite", "consultations")
_EPS = 1e-9
#: Largest cluster (in level binaries) tabulated apart rather than kept in the main model.
_CLUSTER_BINARIES = 200


class CentreLocation:
    """Sites and sizes of up to ``k`` new centres (see the module docstring for the model).

    Core constructor :meth:`from_matrices`: ``gain_per_etp`` (communes × candidates,
    ``a_ij``, sparse), ``apl`` (official APL of each commune), ``population`` (total),
    ``pop_standardisee``, ``counted`` (communes whose gain counts: the zone), and the
    limits. After :meth:`solve` (which returns ``self``): ``etp`` (integer FTE per
    candidate), ``objective_value`` (model value of the plan), ``bound``, ``gap``,
    ``status`` (key of :data:`analytics.planning.milp.STATUS_FR`), ``solve_seconds``,
    ``greedy_value``, ``greedy_etp`` and ``greedy_seconds``.
    """

    def __init__(
        self,
        a: sparse.csc_array,
        values: np.ndarray,
        need: np.ndarray,
        binary: bool,
        k: int,
        budget: int,
        etp_min: int,
        etp_max: int,
    ) -> None:
        self.a, self.values, self.need, self.binary = a, values, need, binary
        self.k, self.budget, self.etp_min, self.etp_max = k, budget, etp_min, etp_max
        self.n_candidates = a.shape[1]
        self.status = "unsolved"
        self.etp = np.zeros(self.n_candidates, dtype=int)
        self.objective_value = 0.0
        self.bound = float("nan")
        self.gap = float("nan")
        self.solve_seconds = 0.0
        self.greedy_value = 0.0
        self.greedy_etp = np.zeros(self.n_candidates, dtype=int)
        self.greedy_seconds = 0.0
        self.n_variables = 0
        self.n_dominated = 0

    @classmethod
    def from_matrices(
        cls,
        gain_per_etp: sparse.sparray | sparse.spmatrix | np.ndarray,
        apl: np.ndarray,
        population: np.ndarray,
        pop_standardisee: np.ndarray,
        *,
        k: int,
        budget: int,
        etp_min: int = 1,
        etp_max: int = 10,
        objective: str = "sous_densite",
        seuil: float = 2.5,
        counted: np.ndarray | None = None,
    ) -> CentreLocation:
        """Check the limits (French messages naming the parameter) and keep the
        under-served communes that count."""
        if objective not in OBJECTIVES:
            raise PlanningError(
                f"Paramètre « objectif » : {objective!r} inconnu ({', '.join(OBJECTIVES)})."
            )
        check_limits(k, budget, etp_min, etp_max)
        a = sparse.csr_array(gain_per_etp, dtype=float)
        n = a.shape[0]
        apl = np.asarray(apl, dtype=float)
        counted = np.ones(n, dtype=bool) if counted is None else np.asarray(counted, bool)
        need = seuil - apl
        keep = counted & np.isfinite(need) & (need > 0)
        pop = np.asarray(population, dtype=float)
        pstd = np.asarray(pop_standardisee, dtype=float)
        values = pop if objective == "sous_densite" else need * pstd
        rows = np.flatnonzero(keep & (values > 0))
        a = sparse.csc_array(a[rows])
        return cls(
            a, values[rows], need[rows], objective == "sous_densite", k, budget, etp_min, etp_max
        )

    # ----- value of a plan ------------------------------------------------------------------

    def value_of(self, etp: np.ndarray) -> float:
        """Model value of a plan (FTE per candidate): people lifted or consultations filled."""
        share = (self.a @ np.asarray(etp, dtype=float)) / self.need
        if self.binary:
            return float(self.values[share >= 1 - _EPS].sum())
        return float((self.values * np.minimum(share, 1.0)).sum())

    def _gain(self, share_before: np.ndarray, share_after: np.ndarray) -> np.ndarray:
        if self.binary:
            return ((share_after >= 1 - _EPS) & (share_before < 1 - _EPS)).astype(float)
        return np.minimum(share_after, 1.0) - np.minimum(share_before, 1.0)

    # ----- greedy -----------------------------------------------------------------------------

    def greedy(self) -> np.ndarray:
        """Greedy: repeatedly the move (open a site at a level, or enlarge one) with the
        largest gain per FTE, every move of every candidate re-evaluated at once on the
        sparse matrix (one pass per FTE step)."""
        m = self.n_candidates
        etp = np.zeros(m, dtype=int)
        if m == 0 or self.k == 0 or self.a.nnz == 0:
            return etp
        a = self.a  # csc: column j = communes reached by j
        coef = a.data / self.need[a.indices]
        vals = self.values[a.indices]
        starts = a.indptr[:-1]
        nonempty = np.diff(a.indptr) > 0
        share = np.zeros(a.shape[0])
        budget_left, sites = self.budget, 0
        while budget_left > 0:
            base = share[a.indices]
            best_ratio = np.full(m, -1.0)
            best_step = np.zeros(m, dtype=int)
            for step in range(1, min(self.etp_max, budget_left) + 1):
                gained = vals * self._gain(base, base + step * coef)
                total = np.zeros(m)
                total[nonempty] = np.add.reduceat(gained, starts[nonempty])
                ok = (etp + step <= self.etp_max) & nonempty
                ok &= np.where(etp == 0, (step >= self.etp_min) & (sites < self.k), True)
                ratio = np.where(ok, total / step, -1.0)
                better = ratio > best_ratio + _EPS
                best_ratio[better], best_step[better] = ratio[better], step
            j = int(np.argmax(best_ratio))
            if best_ratio[j] <= _EPS:
                break
            step = int(best_step[j])
            sites += etp[j] == 0
            etp[j] += step
            budget_left -= step
            lo, hi = a.indptr[j], a.indptr[j + 1]
            share[a.indices[lo:hi]] += step * coef[lo:hi]
        return etp

    # ----- exact model ------------------------------------------------------------------------

    def _levels(self) -> tuple[np.ndarray, np.ndarray]:
        """(candidate, level) of every binary: levels from etp_min up to the first that
        meets the whole need of every commune the site reaches (larger only spends)."""
        a = self.a
        top = min(self.etp_max, self.budget)
        cols, levels = [], []
        for j in range(self.n_candidates):
            lo, hi = a.indptr[j], a.indptr[j + 1]
            if hi == lo:
                continue
            ratio = self.need[a.indices[lo:hi]] / a.data[lo:hi]
            saturating = max(self.etp_min, math.ceil(float(ratio.max()) - 1e-9))
            for level in range(self.etp_min, min(top, saturating) + 1):
                cols.append(j)
                levels.append(level)
        return np.asarray(cols, dtype=np.int64), np.asarray(levels, dtype=np.int64)

    def _presolve_rows(self) -> np.ndarray:
        """Communes the model keeps: for (a), those the K best sites at their largest
        size could lift (sum of the K largest capped coefficients ≥ 1)."""
        if not self.binary:
            return np.arange(self.a.shape[0])
        top = min(self.etp_max, self.budget)
        capped = sparse.csr_array(self.a * top)
        capped.data = np.minimum(
            capped.data / self.need[np.repeat(np.arange(capped.shape[0]), np.diff(capped.indptr))],
            1.0,
        )
        keep = []
        for i in range(capped.shape[0]):
            d = capped.data[capped.indptr[i] : capped.indptr[i + 1]]
            if d.size and np.sort(d)[::-1][: self.k].sum() >= 1 - _EPS:
                keep.append(i)
        return np.asarray(keep, dtype=np.int64)

    def _undominated(self, rows: np.ndarray) -> np.ndarray:
        """Candidates kept after removing those with at least K dominators.

        ``j'`` dominates ``j`` when it gives every kept commune at least the gain ``j``
        gives (``a_ij' ≥ a_ij``; ties: the lower index dominates). In a plan using ``j``
        at most K − 1 other sites are open, so one of K dominators is free: moving ``j``'s
        FTE there loses nothing (coefficients are monotone in ``a``). Dominance is
        transitive, so removing every such ``j`` at once keeps an optimal plan.
        """
        a = sparse.csc_array(self.a[rows])
        reach = np.diff(a.indptr)
        useful = reach > 0
        if self.k == 0:
            return np.flatnonzero(useful)
        binary = a.copy()
        binary.data = np.ones_like(binary.data)
        overlap = sparse.csr_array(binary.T @ binary)
        keep = useful.copy()
        for j in np.flatnonzero(useful):
            lo, hi = overlap.indptr[j], overlap.indptr[j + 1]
            others = overlap.indices[lo:hi][overlap.data[lo:hi] == reach[j]]
            others = others[others != j]
            if len(others) < self.k:
                continue
            r = a.indices[a.indptr[j] : a.indptr[j + 1]]
            mine = a.data[a.indptr[j] : a.indptr[j + 1]]
            block = a[r][:, others].toarray()
            geq = np.all(block >= mine[:, None] - 1e-12, axis=0)
            equal = np.all(np.abs(block - mine[:, None]) <= 1e-12, axis=0)
            dominators = geq & (~equal | (others < j))
            if dominators.sum() >= self.k:
                keep[j] = False
        return np.flatnonzero(keep)

    def _count_cuts(self, row, zcol, coef, cols, nu: int, nz: int):
        """Valid rows ``u_i ≤ Σ_full z + (1/q_i)·Σ_partial z`` for objective (a).

        A level whose capped coefficient is 1 lifts commune ``i`` alone (*full*); the
        others are *partial*. Lifting ``i`` without a full level needs at least ``q_i``
        partial levels at distinct sites, ``q_i`` the fewest sites whose largest partial
        coefficients reach 1 (never more than K). The LP can then no longer credit a
        commune from one fractional partial site, which tightens the bound.
        """
        full = coef >= 1 - _EPS
        site = cols[zcol]
        # largest partial coefficient of each (commune, site)
        part = ~full
        if not part.any():  # every level lifts its communes alone: u_i ≤ Σ_full z
            rows = sparse.coo_array((-np.ones(len(row)), (row, zcol)), shape=(nu, nz))
            return sparse.hstack([rows, sparse.identity(nu, format="coo")])
        key = row[part].astype(np.int64) * (int(cols.max()) + 1) + site[part]
        order = np.lexsort((-coef[part], key))
        k_sorted, c_sorted = key[order], coef[part][order]
        first = np.r_[True, k_sorted[1:] != k_sorted[:-1]]
        best_row = (k_sorted[first] // (int(cols.max()) + 1)).astype(np.int64)
        best = c_sorted[first]
        weight = np.zeros(nu)
        order = np.lexsort((-best, best_row))
        best_row, best = best_row[order], best[order]
        starts = np.flatnonzero(np.r_[True, best_row[1:] != best_row[:-1]])
        for s0, s1 in zip(starts, np.r_[starts[1:], len(best)], strict=True):
            top = np.cumsum(best[s0 : min(s1, s0 + self.k)])
            reached = np.flatnonzero(top >= 1 - _EPS)
            if len(reached):
                weight[best_row[s0]] = 1.0 / (reached[0] + 1)
        vals = np.where(full, 1.0, weight[row])
        rows = sparse.coo_array((-vals, (row, zcol)), shape=(nu, nz))
        return sparse.hstack([rows, sparse.identity(nu, format="coo")])

    def _split(self, rows: np.ndarray, cols: np.ndarray, levels: np.ndarray, time_limit: float):
        """Clusters solved apart (see the module docstring, « Clusters »).

        The kept communes and candidates form a bipartite graph (``a_ij > 0``); its
        connected components share no commune, so a plan's value is the sum of its
        values on each. Every component with at most ``_CLUSTER_BINARIES`` level binaries
        but the largest is tabulated: its optimum ``f(k, b)`` for each number of sites
        ``k ≤ K`` and FTE ``b ≤ B`` (exact sub-models), stopping once it lifts (fills)
        all it can. Returns the rows, binaries kept in the main model, the options
        ``(k, b, f(k, b), FTE per candidate)`` of each tabulated cluster and the
        candidates of each tabulated cluster; no option when a sub-model is not proved
        optimal (then everything stays in one model).
        """
        nothing = (rows, cols, levels, [], [])
        if len(cols) == 0 or len(rows) == 0:
            return nothing
        sites = np.unique(cols)
        sub = sparse.csr_array(self.a[rows][:, sites])
        graph = sparse.bmat([[None, sub], [sub.T, None]])
        n_comp, label = connected_components(graph, directed=False)
        if n_comp == 1:
            return nothing
        row_lab, site_lab = label[: len(rows)], label[len(rows) :]
        size = np.bincount(site_lab[np.searchsorted(sites, cols)], minlength=n_comp)
        small = [c for c in np.argsort(size) if 0 < size[c] <= _CLUSTER_BINARIES]
        if len(small) == n_comp:
            small = small[:-1]  # the largest stays in the main model
        deadline = time.perf_counter() + time_limit
        options, members = [], []
        for c in small:
            r, m = rows[row_lab == c], sites[site_lab == c]
            opts = self._tabulate(r, m, deadline)
            if opts is None:
                return nothing
            options.append(opts)
            members.append(m)
        main_rows = ~np.isin(row_lab, small)
        main_cols = ~np.isin(site_lab[np.searchsorted(sites, cols)], small)
        return rows[main_rows], cols[main_cols], levels[main_cols], options, members

    def _tabulate(self, rows: np.ndarray, sites: np.ndarray, deadline: float):
        """Optimum of one cluster for every (sites, FTE) within the limits, or None."""
        a = sparse.csc_array(self.a[rows][:, sites])
        values, need = self.values[rows], self.need[rows]
        most = float(values.sum())
        opts = []
        for k in range(1, min(self.k, len(sites)) + 1):
            for b in range(k * self.etp_min, min(self.budget, k * self.etp_max) + 1):
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                part = CentreLocation(
                    a, values, need, self.binary, k, b, self.etp_min, self.etp_max
                ).solve(time_limit=left)
                if part.status not in ("optimal", "empty"):
                    return None
                etp = np.zeros(self.n_candidates, dtype=int)
                etp[sites] = part.etp
                opts.append((k, b, part.objective_value, etp))
                if part.objective_value >= most - _EPS:
                    return opts  # the cluster is saturated: more sites or FTE add nothing
        return opts

    def solve(self, time_limit: float = 20.0, exact: bool = True) -> CentreLocation:
        """Greedy, then (``exact``) the MILP warm-started with it; ``self``."""
        t0 = time.perf_counter()
        self.greedy_etp = self.greedy()
        self.greedy_value = self.value_of(self.greedy_etp)
        self.greedy_seconds = time.perf_counter() - t0
        self.etp, self.objective_value = self.greedy_etp.copy(), self.greedy_value
        if self.k == 0 or self.n_candidates == 0 or self.a.nnz == 0 or not exact:
            self.status = "empty" if self.a.nnz == 0 or self.k == 0 else "greedy"
            self.bound = self.objective_value if self.status == "empty" else float("nan")
            self.gap = 0.0 if self.status == "empty" else float("nan")
            self.solve_seconds = time.perf_counter() - t0
            return self
        rows_kept = self._presolve_rows()
        cols, levels = self._levels()
        kept = self._undominated(rows_kept)
        self.n_dominated = int(self.n_candidates - len(kept))
        mask = np.isin(cols, kept)
        cols, levels = cols[mask], levels[mask]
        rows_kept, cols, levels, options, members = self._split(rows_kept, cols, levels, time_limit)
        nz, nu = len(cols), len(rows_kept)
        ny = sum(len(o) for o in options)
        self.n_variables = nz + nu + ny
        if (nz == 0 or nu == 0) and not options:
            self.status, self.bound, self.gap = "optimal", self.objective_value, 0.0
            self.solve_seconds = time.perf_counter() - t0
            return self
        # u_i − Σ c_ijl z_jl ≤ 0: the entries of binary (j, l) are those of column j.
        a = self.a
        pos = np.full(a.shape[0], -1, dtype=np.int64)
        pos[rows_kept] = np.arange(nu)
        lengths = np.diff(a.indptr)[cols]
        entry = np.repeat(a.indptr[cols], lengths) + (
            np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        )
        zcol = np.repeat(np.arange(nz), lengths)
        row = pos[a.indices[entry]]
        ok = row >= 0
        entry, zcol, row = entry[ok], zcol[ok], row[ok]
        coef = np.minimum(1.0, levels[zcol] * a.data[entry] / self.need[a.indices[entry]])
        cover = sparse.coo_array((-coef, (row, zcol)), shape=(nu, nz))
        blocks = [sparse.hstack([cover, sparse.identity(nu, format="coo")])]
        n_cover_rows = nu
        if self.binary:
            blocks.append(self._count_cuts(row, zcol, coef, cols, nu, nz))
            n_cover_rows += blocks[-1].shape[0]
        cover = sparse.hstack([sparse.vstack(blocks), sparse.coo_array((n_cover_rows, ny))])
        n_sites = len(np.unique(cols))
        site_of = np.searchsorted(np.unique(cols), cols)
        n = nz + nu + ny
        one_level = sparse.coo_array((np.ones(nz), (site_of, np.arange(nz))), shape=(n_sites, n))
        # options of the clusters solved apart: at most one per cluster
        y_cluster = np.repeat(np.arange(len(options)), [len(o) for o in options])
        y_sites = np.array([o[0] for opts in options for o in opts], dtype=float)
        y_etp = np.array([o[1] for opts in options for o in opts], dtype=float)
        y_value = np.array([o[2] for opts in options for o in opts], dtype=float)
        y_idx = nz + nu + np.arange(ny)
        one_option = sparse.coo_array((np.ones(ny), (y_cluster, y_idx)), shape=(len(options), n))
        counts = sparse.coo_array(
            (
                np.r_[np.ones(nz), y_sites, levels.astype(float), y_etp],
                (
                    np.r_[np.zeros(nz + ny), np.ones(nz + ny)],
                    np.r_[np.arange(nz), y_idx, np.arange(nz), y_idx],
                ),
            ),
            shape=(2, n),
        )
        rows_all = sparse.vstack([cover, one_level, one_option, counts], format="csr")
        row_upper = np.r_[
            np.zeros(n_cover_rows), np.ones(n_sites + len(options)), [self.k, self.budget]
        ]
        row_lower = np.full(len(row_upper), -np.inf)
        cost = np.r_[np.zeros(nz), self.values[rows_kept], y_value]
        integer = np.r_[np.ones(nz, bool), np.full(nu, self.binary), np.ones(ny, bool)]
        warm = np.zeros(n)
        warm[:nz] = self.greedy_etp[cols] == levels
        # the greedy plan restricted to the binaries kept (a dominated site it used
        # is left out): u from the same coefficients, so the start is feasible
        share = np.bincount(row, weights=coef * warm[zcol], minlength=nu)
        warm[nz : nz + nu] = (share >= 1 - _EPS) if self.binary else np.minimum(share, 1.0)
        first = 0
        for opts, mine in zip(options, members, strict=True):
            # in each cluster, the best option within the greedy's sites and FTE there
            k_g, b_g = int((self.greedy_etp[mine] > 0).sum()), int(self.greedy_etp[mine].sum())
            fits = [q for q, o in enumerate(opts) if o[0] <= k_g and o[1] <= b_g]
            if fits:
                warm[nz + nu + first + max(fits, key=lambda q: opts[q][2])] = 1.0
            first += len(opts)
        res = solve_max(
            cost,
            rows_all,
            row_lower,
            row_upper,
            np.ones(n),
            integer,
            time_limit=time_limit,
            warm_start=warm,
        )
        if res.status == "infeasible":
            raise PlanningError(STATUS_FR["infeasible"])
        self.status, self.bound, self.gap = res.status, res.bound, res.gap
        if res.x is not None:
            z = res.x[:nz] > 0.5
            etp = np.zeros(self.n_candidates, dtype=int)
            etp[cols[z]] = levels[z]
            for q in np.flatnonzero(res.x[nz + nu :] > 0.5):
                etp += [o for opts in options for o in opts][q][3]
            value = self.value_of(etp)
            if value >= self.greedy_value - _EPS:
                self.etp, self.objective_value = etp, value
        if self.status != "optimal" and self.objective_value > 0:
            self.gap = max(0.0, (self.bound - self.objective_value) / self.objective_value)
        self.solve_seconds = time.perf_counter() - t0
        return self


def check_limits(
    k: int, budget: int, etp_min: int, etp_max: int, n_candidates: int | None = None
) -> None:
    """French messages naming the parameter for limits no plan can meet."""
    for name, v in (("sites", k), ("budget", budget), ("etp_min", etp_min), ("etp_max", etp_max)):
        if not isinstance(v, (int, np.integer)) or v < 0:
            raise PlanningError(
                f"Paramètre « {name} » : un nombre entier positif ou nul est attendu."
            )
    if etp_min < 1:
        raise PlanningError("Paramètre « etp_min » : au moins 1 médecin à temps plein par site.")
    if etp_max < etp_min:
        raise PlanningError(
            f"Paramètres « etp_min » et « etp_max » : le maximum par site ({etp_max}) est "
            f"inférieur au minimum ({etp_min})."
        )
    if k > 0 and budget < etp_min:
        raise PlanningError(
            f"Paramètre « budget » : {fmt_number(budget)} médecin(s) à temps plein ne suffisent "
            f"pas à ouvrir un seul site de {fmt_number(etp_min)} médecin(s) au minimum."
        )
    if n_candidates is not None and k > n_candidates:
        raise PlanningError(
            f"Paramètre « sites » : {fmt_number(k)} sites demandés pour "
            f"{fmt_number(n_candidates)} communes candidates."
        )
