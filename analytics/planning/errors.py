"""The error every planner raises on inputs it cannot plan with: a French message."""

from __future__ import annotations


class PlanningError(ValueError):
    """A plan cannot be made from these inputs; the message names the parameter to change.

    A ``ValueError`` so that callers catching bad values catch it too; the page shows
    ``str(error)`` as is.
    """
