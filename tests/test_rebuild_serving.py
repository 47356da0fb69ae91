"""The database rebuilt under a running app: new runs see the new build, old work finishes.

``analytics.build`` moves the finished file over the served one (``os.replace``); the app
follows the file's identity (``analytics.ui.cache``). DuckDB would otherwise hand a new
connection to the path the old, still open, database instance: these tests fail if the
served build does not change after a rebuild.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analytics.build import BuildError, build
from analytics.checks import STRUCTURAL_CHECKS
from analytics.ui import cache
from tests.conftest import MINI_SOURCES, PROJECT_ROOT


def _build_id(path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT build_id FROM build_info").fetchone()[0]
    finally:
        con.close()


def _footer(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption if "Base construite" in c.value)


def _rebuild(target, mirror, **kwargs) -> None:
    build(
        target,
        mirror=mirror,
        sources=MINI_SOURCES,
        checks=STRUCTURAL_CHECKS,
        out=lambda _m: None,
        **kwargs,
    )


@pytest.fixture()
def served(mini_db, tmp_path, monkeypatch):
    """A copy of the mini database served by the app (the build replaces it)."""
    cache.reset()  # connections of other tests' databases
    target = tmp_path / "served.duckdb"
    shutil.copyfile(mini_db, target)
    monkeypatch.setenv("DESERTS_DB", str(target))
    yield target
    cache.reset()


def test_new_runs_see_the_new_build_and_old_connections_finish(served, mini_mirror) -> None:
    first = _build_id(served)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert first in _footer(at)
    old = cache.connection()  # a query of a run that started before the rebuild

    _rebuild(served, mini_mirror)
    second = _build_id(served)
    assert second != first

    at.run()  # the same session, its next run
    assert not at.exception
    assert second in _footer(at) and first not in _footer(at)
    fresh = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert second in _footer(fresh)
    # The old build's connection still answers (its file is kept by Linux while open) …
    assert old.execute("SELECT build_id FROM build_info").fetchone()[0] == first
    # … until it is retired; the current one is the new build.
    assert cache.connection().execute("SELECT build_id FROM build_info").fetchone()[0] == second
    assert cache.open_builds() == 2


def test_a_failed_build_leaves_the_served_data_untouched(served, mini_mirror) -> None:
    first = _build_id(served)
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    key = cache.db_key()
    with pytest.raises(BuildError):
        _rebuild(served, mini_mirror, fail_after_models=True)
    assert cache.db_key() == key
    at.run()
    assert not at.exception
    assert first in _footer(at)
    assert not list(served.parent.glob("*.tmp-*"))
