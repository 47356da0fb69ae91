"""One door to the HiGHS mixed-integer solver (``highspy``) for the planning models.

The models of :mod:`analytics.planning.centres` and :mod:`analytics.planning.coverage`
hand over a maximisation in matrix form; this module passes it to HiGHS in one call
(row-wise sparse matrix), with a time limit, one thread, an optional warm start (the
greedy plan), and returns what the page shows: status, objective, bound, gap, time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

#: Status words shown to users (French), by HiGHS model status.
STATUS_FR = {
    "optimal": "optimum prouvé",
    "time_limit": "limite de temps atteinte : meilleur plan trouvé, optimalité non prouvée",
    "infeasible": "aucun plan ne respecte les contraintes",
    "greedy": "plan glouton (solveur non utilisé)",
    "empty": "rien à optimiser",
}


@dataclass(frozen=True)
class MipResult:
    status: str  # key of STATUS_FR
    x: np.ndarray | None  # column values of the best solution found (None if none)
    objective: float  # best objective found (maximisation)
    bound: float  # best proven upper bound
    gap: float  # (bound − objective) / max(|objective|, tiny); 0 when optimal
    seconds: float


def solve_max(
    cost: np.ndarray,
    rows: sparse.csr_array,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    col_upper: np.ndarray,
    integer: np.ndarray,
    *,
    time_limit: float = 20.0,
    warm_start: np.ndarray | None = None,
    mip_rel_gap: float = 1e-6,
) -> MipResult:
    """Maximise ``cost·x`` s.t. ``row_lower ≤ rows·x ≤ row_upper``, ``0 ≤ x ≤ col_upper``,
    ``x_k`` integer where ``integer[k]``. HiGHS, one thread, silent."""
    n = len(cost)
    t0 = time.perf_counter()
    if n == 0:
        return MipResult("empty", np.zeros(0), 0.0, 0.0, 0.0, 0.0)
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    # Probing costs seconds on these dense rows (one entry per site and level) and finds
    # little: switch it off (HiGHS presolve rule 2^15).
    h.setOptionValue("presolve_rule_off", 32768)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = rows.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.asarray(col_upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize
    csr = sparse.csr_array(rows)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = rows.shape[0]
    lp.a_matrix_.start_ = csr.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csr.indices.astype(np.int32)
    lp.a_matrix_.value_ = csr.data.astype(float)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous for k in integer
    ]
    h.passModel(lp)
    if warm_start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(np.asarray(warm_start, dtype=float))
        h.setSolution(sol)
    h.run()
    seconds = time.perf_counter() - t0
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return MipResult("infeasible", None, float("nan"), float("nan"), float("nan"), seconds)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(h.getSolution().col_value) if has_solution else None
    objective = float(info.objective_function_value) if has_solution else float("nan")
    bound = float(info.mip_dual_bound)
    if status == highspy.HighsModelStatus.kOptimal:
        return MipResult("optimal", x, objective, objective, 0.0, seconds)
    gap = float(info.mip_gap) if has_solution else float("inf")
    return MipResult("time_limit", x, objective, bound, gap, seconds)
