"""Shared fixtures: a mini mirror written by code, and a database built from it."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from analytics.sources import SOURCES
from tests.mini_mirror import write_mini_mirror

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The mini mirror's files are not the published ones: no expected checksums for them.
MINI_SOURCES = tuple(replace(s, sha256=None) for s in SOURCES)
# No background export browser in AppTest runs (analytics.ui.widgets._warm_exports).
os.environ.setdefault("DESERTS_WARM_EXPORTS", "0")
REAL_MIRROR = Path(os.environ.get("DESERTS_MIRROR", PROJECT_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def mini_mirror(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mini_mirror(tmp_path_factory.mktemp("mirror"))


@pytest.fixture(scope="session")
def mini_db(mini_mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from analytics.build import build
    from analytics.checks import STRUCTURAL_CHECKS

    target = tmp_path_factory.mktemp("db") / "mini.duckdb"
    build(
        target,
        mirror=mini_mirror,
        sources=MINI_SOURCES,
        checks=STRUCTURAL_CHECKS,
        out=lambda _m: None,
    )
    return target


@pytest.fixture()
def mini_con(mini_db: Path):
    con = duckdb.connect(str(mini_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def national_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The national database built from the real mirror (built once per test session)."""
    if not (REAL_MIRROR / "admin" / "communes.json").exists():
        pytest.skip(f"miroir de données absent : {REAL_MIRROR}")
    target = PROJECT_ROOT / "data" / "deserts.duckdb"
    from analytics.db import connect

    try:
        connect(target).close()
        return target
    except Exception:
        pass
    from analytics.build import build

    build(target, mirror=REAL_MIRROR, out=lambda _m: None)
    return target


# --- Headless Chromium (Debian package, driven by Playwright) --------------------------------


@pytest.fixture(scope="module")
def app_url(national_db):
    """``streamlit run app.py`` on a free local port against the national database."""
    from bench.server import CHROMIUM, serve

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium absent ({CHROMIUM}) : apt-get install chromium")
    with serve(national_db, env={"DESERTS_WARM_EXPORTS": "1"}) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from bench.server import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
