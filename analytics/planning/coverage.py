"""Maximal covering location (Church & ReVelle 1974): most people newly within T minutes.

Demand points ``i`` (communes farther than T estimated road minutes from any GP
practice, weight ``w_i`` = population), candidate sites ``j``, ``N_i`` the sites within
T minutes of ``i``::

    max  Σ_i w_i · y_i
    s.t. y_i ≤ Σ_{j ∈ N_i} x_j        for every demand point i
         Σ_j x_j ≤ p  (+ predefined sites fixed open)
         x binary, 0 ≤ y ≤ 1       (y is integral at the optimum once x is)

Presolve: demand points with the same covering set are merged (weights summed);
candidates covering nothing are dropped, and a candidate whose covering set is included
in the sets of at least ``p`` others is dropped (in a plan using it, one of those is
free and covers at least as much); independent groups of demand and sites are not
split, HiGHS finds them. The greedy (largest uncovered weight first, lazily
re-evaluated) gives the warm start and the fallback. Same model as PySAL ``spopt``'s
``MCLP.from_cost_matrix``, solved without going through PuLP.
"""

from __future__ import annotations

import heapq
import time

import numpy as np
from scipy import sparse

from analytics.formatting import fmt_number
from analytics.planning.errors import PlanningError
from analytics.planning.milp import solve_max


class MaximalCovering:
    """Maximal covering location: see the module docstring for the formulation.

    Core constructor :meth:`from_cost_matrix` (demand × sites costs, dense with inf/NaN
    for "unreachable", or sparse whose stored entries are the reachable pairs), weights,
    service radius and ``p``. After :meth:`solve` (returns ``self``): ``sites`` (chosen
    site indices), ``covered`` (bool per demand point), ``objective_value`` (covered
    weight), ``bound``, ``gap``, ``status``, ``solve_seconds``, ``greedy_value``.
    """

    def __init__(
        self, cover: sparse.csr_array, weights: np.ndarray, p: int, predefined: np.ndarray
    ) -> None:
        self.cover, self.weights, self.p = cover, weights, p
        self.predefined = predefined
        self.status = "unsolved"
        self.sites = np.zeros(0, dtype=int)
        self.covered = np.zeros(cover.shape[0], dtype=bool)
        self.objective_value = 0.0
        self.bound = float("nan")
        self.gap = float("nan")
        self.solve_seconds = 0.0
        self.greedy_value = 0.0
        self.greedy_sites = np.zeros(0, dtype=int)

    @classmethod
    def from_cost_matrix(
        cls,
        cost_matrix: np.ndarray | sparse.sparray | sparse.spmatrix,
        weights: np.ndarray,
        service_radius: float,
        p_facilities: int,
        predefined_facilities: np.ndarray | None = None,
    ) -> MaximalCovering:
        if not isinstance(p_facilities, (int, np.integer)) or p_facilities < 0:
            raise PlanningError(
                "Paramètre « sites » : un nombre entier positif ou nul est attendu."
            )
        if sparse.issparse(cost_matrix):
            m = sparse.coo_array(cost_matrix)
            keep = m.data <= service_radius
            cover = sparse.csr_array(
                (np.ones(int(keep.sum())), (m.row[keep], m.col[keep])), shape=m.shape
            )
        else:
            c = np.asarray(cost_matrix, dtype=float)
            cover = sparse.csr_array(np.where(np.isfinite(c) & (c <= service_radius), 1.0, 0.0))
        n_sites = cover.shape[1]
        if p_facilities > n_sites:
            raise PlanningError(
                f"Paramètre « sites » : {fmt_number(p_facilities)} sites demandés pour "
                f"{fmt_number(n_sites)} communes candidates."
            )
        pre = np.asarray(
            predefined_facilities if predefined_facilities is not None else [], dtype=int
        )
        return cls(cover, np.asarray(weights, dtype=float), int(p_facilities), pre)

    def value_of(self, sites: np.ndarray) -> float:
        x = np.zeros(self.cover.shape[1])
        x[np.asarray(sites, dtype=int)] = 1
        return float(self.weights[(self.cover @ x) > 0].sum())

    def greedy(self) -> np.ndarray:
        """Lazy greedy: the coverage gain is submodular, so a stale gain is an upper bound."""
        csc = sparse.csc_array(self.cover)
        covered = np.zeros(self.cover.shape[0], dtype=bool)
        chosen = list(self.predefined)
        for j in chosen:
            covered[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]] = True

        def gain(j: int) -> float:
            rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
            return float(self.weights[rows[~covered[rows]]].sum())

        heap = [(-gain(j), j) for j in range(csc.shape[1]) if j not in set(chosen)]
        heapq.heapify(heap)
        while len(chosen) < self.p + len(self.predefined) and heap:
            neg, j = heapq.heappop(heap)
            g = gain(j)
            if heap and g < -heap[0][0] - 1e-12:
                heapq.heappush(heap, (-g, j))
                continue
            if g <= 0:
                break
            chosen.append(j)
            covered[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]] = True
        return np.asarray(chosen, dtype=int)

    def _presolve(self) -> tuple[sparse.csr_array, np.ndarray, np.ndarray]:
        """(cover of merged demand × kept sites, merged weights, kept site indices)."""
        cover = self.cover.copy()
        pos = self.weights > 0
        cover = sparse.csr_array(cover[pos])
        w = self.weights[pos]
        # merge demand points with identical covering sets
        keys = {}
        group = np.empty(cover.shape[0], dtype=np.int64)
        for i in range(cover.shape[0]):
            key = cover.indices[cover.indptr[i] : cover.indptr[i + 1]].tobytes()
            group[i] = keys.setdefault(key, len(keys))
        merged_w = np.bincount(group, weights=w, minlength=len(keys))
        first = np.unique(group, return_index=True)[1]
        cover = sparse.csr_array(cover[first])
        # candidates: useful, and not dominated by p others
        csc = sparse.csc_array(cover)
        size = np.diff(csc.indptr)
        keep = size > 0
        if self.p > 0:
            overlap = sparse.csr_array(csc.T @ csc)
            for j in np.flatnonzero(keep):
                lo, hi = overlap.indptr[j], overlap.indptr[j + 1]
                others = overlap.indices[lo:hi][overlap.data[lo:hi] >= size[j]]
                others = others[others != j]
                dominators = (size[others] > size[j]) | (others < j)
                if dominators.sum() >= self.p + len(self.predefined) and j not in set(
                    self.predefined
                ):
                    keep[j] = False
        keep[self.predefined] = True
        kept = np.flatnonzero(keep)
        return sparse.csr_array(cover[:, kept]), merged_w, kept

    def solve(self, time_limit: float = 60.0, exact: bool = True) -> MaximalCovering:
        t0 = time.perf_counter()
        self.greedy_sites = self.greedy()
        self.greedy_value = self.value_of(self.greedy_sites)
        self.sites, self.objective_value = self.greedy_sites, self.greedy_value
        if self.p == 0 or not exact or self.cover.nnz == 0:
            self.status = "empty" if self.p == 0 or self.cover.nnz == 0 else "greedy"
            self.gap = 0.0 if self.status == "empty" else float("nan")
            self.bound = self.objective_value if self.status == "empty" else float("nan")
            self._finish(t0)
            return self
        cover, w, kept = self._presolve()
        n, m = cover.shape
        # columns: x (m), y (n); rows: y − Σ x ≤ 0, Σ x ≤ p + |predefined|
        rows = sparse.vstack(
            [
                sparse.hstack([-cover, sparse.identity(n, format="csr")]),
                sparse.hstack([sparse.csr_array(np.ones((1, m))), sparse.csr_array((1, n))]),
            ],
            format="csr",
        )
        col_upper = np.ones(m + n)
        col_lower_fixed = np.isin(kept, self.predefined)
        row_upper = np.r_[np.zeros(n), [self.p + len(self.predefined)]]
        row_lower = np.r_[np.full(n, -np.inf), [col_lower_fixed.sum()]]
        warm = np.zeros(m + n)
        warm[:m] = np.isin(kept, self.greedy_sites)
        warm[m:] = np.minimum(cover @ warm[:m], 1.0)
        # predefined sites: forced open through their own rows
        if col_lower_fixed.any():
            force = sparse.csr_array(
                (
                    np.ones(col_lower_fixed.sum()),
                    (np.arange(col_lower_fixed.sum()), np.flatnonzero(col_lower_fixed)),
                ),
                shape=(int(col_lower_fixed.sum()), m + n),
            )
            rows = sparse.vstack([rows, force], format="csr")
            row_upper = np.r_[row_upper, np.ones(col_lower_fixed.sum())]
            row_lower = np.r_[row_lower, np.ones(col_lower_fixed.sum())]
        res = solve_max(
            np.r_[np.zeros(m), w],
            rows,
            row_lower,
            row_upper,
            col_upper,
            np.r_[np.ones(m, bool), np.zeros(n, bool)],
            time_limit=time_limit,
            warm_start=warm,
        )
        self.status, self.bound, self.gap = res.status, res.bound, res.gap
        if res.x is not None:
            sites = kept[res.x[:m] > 0.5]
            value = self.value_of(sites)
            if value >= self.greedy_value - 1e-9:
                self.sites, self.objective_value = sites, value
        if self.status != "optimal" and self.objective_value > 0:
            self.gap = max(0.0, (self.bound - self.objective_value) / self.objective_value)
        self._finish(t0)
        return self

    def _finish(self, t0: float) -> None:
        x = np.zeros(self.cover.shape[1])
        x[self.sites] = 1
        self.covered = (self.cover @ x) > 0
        self.solve_seconds = time.perf_counter() - t0
