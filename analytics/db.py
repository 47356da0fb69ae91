"""The database: where it lives, its status, and the one choke point for queries.

``query(con, name, **params)`` loads ``analytics/sql/queries/<name>.sql``, binds the
parameters (never formats them into SQL), caps the rows — and says so when it cut a
result: the frame's ``attrs["truncated"]`` is true and a :class:`QueryTruncatedWarning`
names the query, so no row is lost silently — and raises one error type,
:class:`QueryError`, naming the query and its parameters. Identifiers (a level, an
indicator column) are never parameters: they go through the allow-lists below.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from analytics.errors import DatabaseMissingError, QueryError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "deserts.duckdb"
QUERY_DIR = Path(__file__).resolve().parent / "sql" / "queries"
MODEL_DIR = Path(__file__).resolve().parent / "sql" / "models"

# Bump when the models change in a way the app depends on: the app then asks for a rebuild.
SCHEMA_VERSION = 8
MAX_ROWS = 100_000

BUILD_COMMAND = "make data"

NIVEAUX: dict[str, str] = {
    "commune": "Commune",
    "arrondissement_municipal": "Arrondissement municipal",
    "epci": "EPCI",
    "departement": "Département",
    "region": "Région",
    "france": "France",
}


def db_path() -> Path:
    """The database file: ``DESERTS_DB`` when set, else ``data/deserts.duckdb``."""
    return Path(os.environ.get("DESERTS_DB", DEFAULT_DB_PATH))


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    built_at: str
    schema_version: int
    duration_s: float
    mirror: str | None


def connect(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database read-only, after checking it exists and has the right schema."""
    path = path or db_path()
    if not path.exists():
        raise DatabaseMissingError(
            f"La base de données {path} n'existe pas encore. Construisez-la avec la commande "
            f"« {BUILD_COMMAND} » (ou « python -m analytics.build --mirror ../shared/data »)."
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DatabaseMissingError(
            f"La base de données {path} est illisible ({exc}). Reconstruisez-la avec "
            f"« {BUILD_COMMAND} »."
        ) from None
    info = build_info(con)
    if info is None or info.schema_version != SCHEMA_VERSION:
        con.close()
        raise DatabaseMissingError(
            f"La base de données {path} a été construite par une version antérieure de "
            f"l'application. Reconstruisez-la avec « {BUILD_COMMAND} »."
        )
    return con


def build_info(con: duckdb.DuckDBPyConnection) -> BuildInfo | None:
    try:
        row = con.execute(
            "SELECT build_id, built_at, schema_version, duration_s, mirror FROM build_info"
        ).fetchone()
    except duckdb.Error:
        return None
    if row is None:
        return None
    return BuildInfo(str(row[0]), str(row[1]), int(row[2]), float(row[3]), row[4])


@cache
def _sql(name: str) -> str:
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file() or path.parent != QUERY_DIR:
        raise QueryError(name, {}, FileNotFoundError(f"requête inconnue : {name}"))
    return path.read_text(encoding="utf-8")


class QueryTruncatedWarning(UserWarning):
    """A query returned more rows than its cap: the frame holds the first ``max_rows``."""


def query(
    con: duckdb.DuckDBPyConnection,
    name: str,
    max_rows: int | None = MAX_ROWS,
    **params: object,
) -> pd.DataFrame:
    """Run the named SQL file with bound parameters; at most ``max_rows`` rows.

    The default cap, :data:`MAX_ROWS`, is above every result the app asks for (35,000
    communes at most): reaching it means a query is wrong, and it is reported, not hidden.
    ``max_rows=None`` reads every row. When the result had more rows than ``max_rows``,
    the frame holds the first ``max_rows``, ``frame.attrs["truncated"]`` is ``True``
    (``False`` otherwise) and a :class:`QueryTruncatedWarning` is emitted.
    """
    sql = _sql(name)
    try:
        cur = con.cursor()  # one cursor per use: a connection is shared by threads
        try:
            rel = cur.execute(sql, params or None)
            cols = [d[0] for d in rel.description]
            # One row more than the cap tells a full result from a cut one.
            rows = rel.fetchall() if max_rows is None else rel.fetchmany(max_rows + 1)
        finally:
            cur.close()
    except duckdb.Error as exc:
        raise QueryError(name, params, exc) from exc
    truncated = max_rows is not None and len(rows) > max_rows
    if truncated:
        rows = rows[:max_rows]
        warnings.warn(
            f"requête {name} tronquée à {max_rows} lignes (paramètres : {params})",
            QueryTruncatedWarning,
            stacklevel=2,
        )
    frame = pd.DataFrame(rows, columns=cols)
    frame.attrs["truncated"] = truncated
    return frame


def check_niveau(niveau: str) -> str:
    """Allow-list for territory levels (identifiers never come from user input)."""
    if niveau not in NIVEAUX:
        raise ValueError(f"niveau inconnu : {niveau!r}")
    return niveau
