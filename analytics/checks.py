"""Declared data checks, run at the end of every build.

Each check is a SQL query returning the *bad* rows; a check fails when it returns any.
The failure names the source file, the column and example rows. A failed check aborts
the build before the new database replaces the previous one.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from analytics import codes
from analytics.errors import CheckError
from analytics.professions import PROFESSIONS
from analytics.sources import SOURCES_BY_KEY

CODE_COMMUNE = codes.sql_pattern("commune")


@dataclass(frozen=True)
class Check:
    name: str
    source: str  # source key (catalogue) the rows come from
    column: str
    sql: str  # returns the offending rows
    message: str


def unique(table: str, key: str, source: str) -> Check:
    return Check(
        f"unique_{table}_{key}",
        source,
        key,
        f"SELECT {key}, count(*) AS n FROM {table} GROUP BY {key} HAVING count(*) > 1",
        f"clé « {key} » en double dans la table {table}",
    )


def not_null(table: str, column: str, source: str, where: str = "TRUE") -> Check:
    return Check(
        f"not_null_{table}_{column}",
        source,
        column,
        f"SELECT * FROM {table} WHERE {column} IS NULL AND {where}",
        f"valeur manquante dans {table}.{column}",
    )


def code_format(table: str, column: str, source: str, pattern: str = CODE_COMMUNE) -> Check:
    return Check(
        f"code_format_{table}_{column}",
        source,
        column,
        f"SELECT {column} FROM {table} WHERE NOT regexp_full_match({column}, '{pattern}')",
        f"code mal formé dans {table}.{column} (chaîne attendue : {pattern})",
    )


def joins(table: str, column: str, target: str, target_col: str, source: str) -> Check:
    return Check(
        f"joins_{table}_{column}",
        source,
        column,
        f"SELECT t.{column} FROM {table} AS t LEFT JOIN {target} AS x "
        f"ON x.{target_col} = t.{column} WHERE t.{column} IS NOT NULL AND x.{target_col} IS NULL",
        f"{table}.{column} ne correspond à aucun {target}.{target_col}",
    )


def bounds(name: str, source: str, column: str, expr: str, low: float, high: float) -> Check:
    return Check(
        name,
        source,
        column,
        f"SELECT v AS valeur FROM (SELECT ({expr}) AS v) WHERE v IS NULL OR v < {low} "
        f"OR v > {high}",
        f"{column} hors des bornes attendues [{low} ; {high}]",
    )


STRUCTURAL_CHECKS: tuple[Check, ...] = (
    unique("commune", "code", "communes"),
    unique("territoire", "niveau || ':' || code", "communes"),
    unique("passage_commune", "code_source", "communes"),
    unique("apl_officiel", "code || ':' || annee", "apl_drees"),
    unique("apl_fin", "unite || ':' || annee", "apl_drees"),
    unique("indicateurs", "niveau || ':' || code", "communes"),
    unique("rpps_commune", "code", "rpps_communes"),
    not_null("commune", "nom", "communes"),
    not_null("commune", "departement", "communes"),
    not_null("commune", "region", "communes"),
    not_null("commune", "population", "communes", "zone <> 'com'"),
    not_null("territoire", "nom", "communes"),
    not_null("commune", "lat", "geo_centroids"),
    code_format("commune", "code", "communes"),
    code_format("apl_fin", "unite", "apl_drees"),
    code_format("rpps_commune", "code", "rpps_communes"),
    code_format("commune", "departement", "departements", codes.sql_pattern("departement")),
    code_format("commune", "epci", "epci", codes.sql_pattern("epci")),
    joins("commune", "epci", "stg_epci", "code", "epci"),
    joins("commune", "departement", "stg_departements", "code", "departements"),
    joins("apl_officiel", "code", "commune", "code", "apl_drees"),
    joins("rpps_commune", "code", "commune", "code", "rpps_communes"),
    joins("contexte_commune", "code", "commune", "code", "apl_historique"),
    joins("apl_fin", "code", "commune", "code", "apl_drees"),
    Check(
        "apl_table_longue_identique_au_classeur",
        "apl_drees_long",
        "apl_mg",
        "SELECT coalesce(l.code, s.code) AS code, coalesce(l.annee, s.annee) AS annee, "
        "s.apl AS classeur, l.apl_mg AS table_longue "
        "FROM stg_apl AS s FULL JOIN stg_apl_long AS l "
        "ON l.code = s.code AND l.annee::INTEGER = s.annee "
        "WHERE s.code IS NULL OR l.code IS NULL OR abs(s.apl - l.apl_mg) > 1e-9 "
        "OR abs(s.pop_totale - l.pop_totale) > 1e-9",
        "la table longue APL diffère du classeur officiel",
    ),
    unique("apl_profession_fin", "profession || ':' || unite || ':' || annee", "apl_dentistes"),
    Check(
        "unique_indicateur_valeur",
        "communes",
        "indicateur",
        "SELECT niveau, code, indicateur, count(*) AS n FROM indicateur_valeur "
        "GROUP BY ALL HAVING count(*) > 1",
        "valeur en double dans indicateur_valeur (niveau, code, indicateur)",
    ),
    unique("indicateur", "indicateur", "communes"),
    joins("apl_profession_fin", "code", "commune", "code", "apl_dentistes"),
    code_format("apl_profession_fin", "unite", "apl_dentistes"),
    bounds(
        "apl_non_rattachee",
        "apl_drees",
        "Code commune INSEE",
        "SELECT coalesce(sum(population), 0) / (SELECT sum(pop_totale) FROM stg_apl) "
        "FROM non_rattache WHERE source = 'apl_drees'",
        0.0,
        0.005,
    ),
)

# Totals within stated bounds for the national build (France, COG 2026, APL 2023).
NATIONAL_CHECKS: tuple[Check, ...] = (
    bounds(
        "nombre_communes",
        "communes",
        "code",
        "SELECT count(*) FROM commune",
        34_800,
        35_100,
    ),
    bounds(
        "population_france",
        "communes",
        "population",
        "SELECT sum(population) FROM commune",
        66e6,
        70e6,
    ),
    bounds(
        "apl_2023_france",
        "apl_drees",
        "APL aux médecins généralistes",
        "SELECT apl_2023 FROM indicateurs WHERE niveau = 'france'",
        3.0,
        4.5,
    ),
    bounds(
        "couverture_apl_2023",
        "apl_drees",
        "Population totale",
        "SELECT pop_couverte_apl_2023 / population FROM indicateurs WHERE niveau = 'france'",
        0.95,
        1.01,
    ),
    bounds(
        "rpps_non_rattache",
        "rpps_communes",
        "code_commune",
        "SELECT count(*) FROM non_rattache WHERE source = 'rpps_communes'",
        0,
        50,
    ),
    bounds(
        "generalistes_france",
        "rpps_communes",
        "nb_medecins_generalistes",
        "SELECT medecins_generalistes FROM indicateurs WHERE niveau = 'france'",
        50_000,
        150_000,
    ),
)

# The national mean APL of each profession present, within its expected band (DREES national
# figures 2023: about 61 dentists, 156 nurses, 22 midwives). An absent optional profession has
# no row, hence no failure.
NATIONAL_CHECKS += tuple(
    Check(
        f"apl_{p.key}_france",
        p.source,
        p.apl_header,
        f"SELECT valeur FROM indicateur_valeur WHERE niveau = 'france' "
        f"AND indicateur = '{p.indicator(p.years[-1])}' "
        f"AND NOT valeur BETWEEN {p.national_band[0]} AND {p.national_band[1]}",
        f"APL moyenne nationale hors des bornes attendues {p.national_band}",
    )
    for p in PROFESSIONS
    if p.national_band
)

CHECKS: tuple[Check, ...] = STRUCTURAL_CHECKS + NATIONAL_CHECKS


def run_checks(con: duckdb.DuckDBPyConnection, checks: tuple[Check, ...] = CHECKS) -> list[str]:
    """Run every check; raise CheckError listing all failures (file, column, examples)."""
    failures = []
    for check in checks:
        try:
            bad = con.execute(check.sql).fetchmany(5)
            n = con.execute(f"SELECT count(*) FROM ({check.sql})").fetchone()[0] if bad else 0
        except duckdb.Error as exc:
            failures.append(f"[{check.name}] requête de contrôle en échec : {exc}")
            continue
        if bad:
            src = SOURCES_BY_KEY.get(check.source)
            file = src.file_name if src else check.source
            examples = "; ".join(str(tuple(r)) for r in bad)
            failures.append(
                f"[{check.name}] {check.message} — fichier {file}, colonne « {check.column} » : "
                f"{n} ligne(s) en cause, par exemple {examples}"
            )
    if failures:
        raise CheckError(failures)
    return [c.name for c in checks]
