"""The query choke point: a cut result is reported, never silent."""

from __future__ import annotations

import warnings

import pytest

from analytics.db import QueryTruncatedWarning, query


def test_query_says_when_it_truncated(mini_con) -> None:
    (n,) = mini_con.execute("SELECT count(*) FROM source").fetchone()
    assert n > 3
    with pytest.warns(QueryTruncatedWarning, match="sources"):
        cut = query(mini_con, "sources", max_rows=3)
    assert len(cut) == 3 and cut.attrs["truncated"] is True


def test_query_at_exactly_its_cap_is_complete(mini_con) -> None:
    (n,) = mini_con.execute("SELECT count(*) FROM source").fetchone()
    with warnings.catch_warnings():
        warnings.simplefilter("error", QueryTruncatedWarning)
        full = query(mini_con, "sources", max_rows=n)
        unlimited = query(mini_con, "sources", max_rows=None)
    assert len(full) == len(unlimited) == n
    assert full.attrs["truncated"] is False and unlimited.attrs["truncated"] is False
