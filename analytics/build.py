"""Build the national database: ``python -m analytics.build [--mirror DIR]``.

Fetch every source of the catalogue (official address, or a mirror folder given by
``--mirror`` or ``DESERTS_MIRROR``), parse it, load the staging tables, run the SQL
models (``analytics/sql/models``, in file-name order), compute the derived tables that
need Python, run the declared checks and write build metadata — all into a temporary
file next to the target, which replaces the previous database atomically
(``os.replace``) only when every step and check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from analytics import derived
from analytics.checks import CHECKS, Check, run_checks
from analytics.db import MODEL_DIR, PROJECT_ROOT, SCHEMA_VERSION, db_path
from analytics.errors import CheckError, SourceError
from analytics.fetch import FetchError, FetchResult, fetch_source, resolve_mirror
from analytics.indicators import catalogue, catalogue_frame
from analytics.parsers import EMPTY_STAGING, parse_source
from analytics.sources import SOURCES, Source

DEFAULT_CACHE = PROJECT_ROOT / "data" / "raw"


class BuildError(Exception):
    """The build stopped; the previous database is untouched."""


@dataclass
class Progress:
    """Prints numbered steps with their duration (the build's progress display)."""

    total: int
    out: Callable[[str], None] = print
    done: int = 0
    started: float = field(default_factory=time.perf_counter)

    def step(self, label: str) -> _Step:
        self.done += 1
        return _Step(self, label)


@dataclass
class _Step:
    progress: Progress
    label: str

    def __enter__(self) -> _Step:
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        p = self.progress
        dt = time.perf_counter() - self.t0
        status = "ok" if exc_type is None else "ÉCHEC"
        bar = "#" * int(20 * p.done / p.total)
        p.out(f"[{bar:<20}] {p.done:>2}/{p.total} {self.label:<55} {dt:6.2f} s  {status}")


def build(
    target: Path | None = None,
    *,
    mirror: Path | None = None,
    cache_dir: Path = DEFAULT_CACHE,
    sources: Sequence[Source] = SOURCES,
    out: Callable[[str], None] = print,
    checks: tuple[Check, ...] = CHECKS,
    fail_after_models: bool = False,
) -> Path:
    """Build the database into ``target`` atomically; return its path.

    ``fail_after_models`` exists for tests of atomicity only.
    """
    target = Path(target or db_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    progress = Progress(total=len(sources) + 5, out=out)
    started = datetime.now(UTC)
    origin = f"miroir {mirror}" if mirror else "adresses officielles"
    out(f"Construction de {target} depuis {origin}")
    try:
        staged: dict[str, pd.DataFrame] = {}
        geojson: dict[str, dict] = {}
        fetched: list[tuple[Source, FetchResult, dict[str, int]]] = []
        missing: list[Source] = []
        for source in sources:
            with progress.step(f"{source.key} ({source.file_name})"):
                try:
                    result = fetch_source(source, cache_dir=cache_dir, mirror=mirror)
                except FetchError as exc:
                    if not source.optional:
                        raise
                    out(f"Source facultative absente, ignorée : {source.key} — {exc}")
                    missing.append(source)
                    continue
                tables = parse_source(source, result.path)
                counts = {}
                for name, df in tables.items():
                    if name.startswith("geojson:"):
                        geojson[source.key] = df  # type: ignore[assignment]
                        counts[name] = len(df["features"])  # type: ignore[index]
                    else:
                        # several sources may feed one staging table (one per profession)
                        staged[name] = (
                            pd.concat([staged[name], df], ignore_index=True)
                            if name in staged
                            else df
                        )
                        counts[name] = len(df)
                fetched.append((source, result, counts))
        for name, columns in EMPTY_STAGING.items():
            staged.setdefault(name, columns)
        con = duckdb.connect(str(tmp))
        try:
            with progress.step("tables de préparation (staging) et catalogue"):
                present = [s.profession for s, _r, _c in fetched if s.profession is not None]
                staged["indicateur"] = catalogue_frame(catalogue(present))
                for name, df in staged.items():
                    con.register("_df", df)
                    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _df')
                    con.unregister("_df")
            with progress.step("modèles SQL (rattachement, APL, indicateurs)"):
                for path in sorted(MODEL_DIR.glob("*.sql")):
                    try:
                        con.execute(path.read_text(encoding="utf-8"))
                    except duckdb.Error as exc:
                        raise BuildError(f"modèle {path.name} en échec : {exc}") from exc
            if fail_after_models:
                raise BuildError("échec simulé après les modèles (test d'atomicité)")
            with progress.step("tables dérivées (géométries, distances, accessibilité)"):
                derived.build_derived(con, geojson, out=out)
            with progress.step("contrôles de données déclarés"):
                run_checks(con, checks)
            with progress.step("métadonnées de construction"):
                duration = time.perf_counter() - progress.started
                _write_metadata(con, fetched, missing, started, duration, mirror)
        finally:
            con.close()
        os.replace(tmp, target)
    except (SourceError, FetchError, CheckError, BuildError):
        tmp.unlink(missing_ok=True)
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    out(
        f"Base construite : {target} ({target.stat().st_size / 1e6:.1f} Mo) en "
        f"{time.perf_counter() - progress.started:.1f} s"
    )
    return target


def _catalogue_row(source: Source) -> dict[str, object]:
    """What the catalogue says of a source, as a row of the ``source`` table."""
    return {
        "key": source.key,
        "titre": source.title,
        "producteur": source.producer,
        "page": source.dataset_page,
        "url": source.url,
        "licence": source.licence,
        "millesime": source.vintage,
        "fichier": source.file_name,
        "niveau": source.level,
        "description": source.description,
        "derive": source.derived,
        "partiel": source.partial,
        "attribution": source.attribution,
    }


def _write_metadata(
    con: duckdb.DuckDBPyConnection,
    fetched: list[tuple[Source, FetchResult, dict[str, int]]],
    missing: list[Source],
    started: datetime,
    duration: float,
    mirror: Path | None,
) -> None:
    unmapped = con.execute(
        "SELECT source, count(*) AS lignes, coalesce(sum(population), 0) AS population "
        "FROM non_rattache GROUP BY source"
    ).df()
    unmapped_by = {r.source: (int(r.lignes), float(r.population)) for r in unmapped.itertuples()}
    rows = []
    for source, result, counts in fetched:
        lignes, pop = unmapped_by.get(source.key, (0, 0.0))
        rows.append(
            {
                **_catalogue_row(source),
                "sha256": result.sha256,
                "taille_octets": result.size,
                "origine": result.origin,
                "emplacement": str(result.origin_location),
                "lignes": json.dumps(counts, ensure_ascii=False),
                "lignes_non_rattachees": lignes,
                "population_non_rattachee": pop,
            }
        )
    for source in missing:
        rows.append(
            {
                **_catalogue_row(source),
                "origine": "absente (source facultative)",
            }
        )
    con.register("_src", pd.DataFrame(rows))
    con.execute("CREATE TABLE source AS SELECT * FROM _src")
    con.unregister("_src")
    con.execute(
        "CREATE TABLE build_info AS SELECT ? AS build_id, ? AS built_at, ? AS schema_version, "
        "? AS duration_s, ? AS mirror, ? AS python, ? AS duckdb",
        [
            uuid.uuid4().hex[:12],
            started.isoformat(timespec="seconds"),
            SCHEMA_VERSION,
            duration,
            str(mirror) if mirror else None,
            platform.python_version(),
            duckdb.__version__,
        ],
    )


def report_unmapped(path: Path, out: Callable[[str], None] = print) -> None:
    """Print, per source, the rows and population that could not be mapped to 2026."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        df = con.execute(
            "SELECT source, count(*) AS lignes, sum(population) AS population, "
            "string_agg(DISTINCT code, ', ' ORDER BY code) AS codes "
            "FROM non_rattache GROUP BY source ORDER BY source"
        ).df()
    finally:
        con.close()
    if df.empty:
        out("Toutes les lignes de toutes les sources ont été rattachées au COG 2026.")
        return
    out("Lignes non rattachées au COG 2026 (conservées dans la table non_rattache) :")
    for r in df.itertuples():
        pop = "" if pd.isna(r.population) else f", population {r.population:,.0f}"
        out(f"  - {r.source} : {r.lignes} ligne(s){pop} ; codes {r.codes[:120]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", help="dossier miroir des données (ou DESERTS_MIRROR)")
    parser.add_argument("--db", help="fichier DuckDB à écrire (défaut data/deserts.duckdb)")
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="cache des téléchargements")
    parser.add_argument("--if-missing", action="store_true", help="ne rien faire si la base existe")
    args = parser.parse_args(argv)
    target = Path(args.db) if args.db else db_path()
    if args.if_missing and target.exists():
        from analytics.db import connect

        try:
            connect(target).close()
            print(f"Base présente et à jour : {target}")
            return 0
        except Exception as exc:  # outdated schema: rebuild
            print(f"{exc} Reconstruction…")
    try:
        mirror = resolve_mirror(args.mirror)
        path = build(target, mirror=mirror, cache_dir=Path(args.cache))
    except (SourceError, FetchError, CheckError, BuildError) as exc:
        print(f"\nERREUR : {exc}\nLa base précédente ({target}) est inchangée.", file=sys.stderr)
        return 1
    report_unmapped(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
