"""Build-time tables that need Python rather than SQL.

Called by the build on the temporary database, after the SQL models. Each relation is
written once, by one function, and never altered afterwards:

- ``temps_trajet_modele``, ``temps_trajet_commune``, ``temps_trajet_ajustement``: the one
  travel-time model (:mod:`analytics.traveltime`), its per-commune travel points, slowness
  factors, terrain and uncertainty flag, and its errors on held-out data;
- ``distance_generaliste``: for each commune, the nearest commune with a GP practising
  (RPPS 2026), the straight-line km and the estimated road minutes to it, and whether it
  is more than 30 minutes away;
- ``distance_territoire``: that distance averaged over a territory's population;
- ``acces_30_minutes``: population more than 30 estimated road minutes from the nearest
  commune with a GP practising, per territory at every level (the « France Santé » goal
  of a care option within 30 minutes);
- ``modalite``: fixed centre or médicobus per territory (:mod:`analytics.modality`);
- ``geometrie``: map-ready geometry per layer (:mod:`analytics.geometry`);
- ``validation_accessibilite``: our E2SFCA engine against the official APL 2023.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd

from analytics import traveltime as tt

#: The « France Santé » goal: a care option within 30 minutes for everyone (minutes).
SEUIL_MINUTES_ACCES = 30.0
#: Candidates (nearest by straight line) among which the nearest by road time is taken.
CANDIDATS_PLUS_PROCHES = 8


def _write(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame, order: str = "") -> None:
    """Create relation ``name`` from a DataFrame (build-time names only, never user input)."""
    con.register("_df", df)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM _df {order}")
    con.unregister("_df")


def nearest_with_supply(
    points: pd.DataFrame, has_supply: pd.Series, model: tt.TravelTimeModel
) -> pd.DataFrame:
    """For each commune (``code, lat, lon``), the commune with supply (``has_supply``
    true) nearest by estimated road time among the :data:`CANDIDATS_PLUS_PROCHES`
    nearest by straight line. A commune with supply is its own nearest (0 km, 0 min).
    Returns ``code, commune_generaliste_proche, km, minutes``."""
    from scipy.spatial import cKDTree

    from analytics.geodesy import chord_to_km, unit_vectors

    pts = points.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    codes = pts["code"].astype(str).to_numpy()
    xyz = unit_vectors(pts["lat"].to_numpy(), pts["lon"].to_numpy())
    mask = has_supply.reindex(codes).fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        raise ValueError("aucune commune avec offre : distance au plus proche impossible")
    k = min(CANDIDATS_PLUS_PROCHES, int(mask.sum()))
    chord, idx = cKDTree(xyz[mask]).query(xyz, k=k)
    chord, idx = chord.reshape(len(pts), k), idx.reshape(len(pts), k)
    km = chord_to_km(chord)
    targets = codes[mask][idx]
    f = np.sqrt(model.factor(codes)[:, None] * model.factor(targets.ravel()).reshape(targets.shape))
    minutes = model.minutes(km, f)
    best = np.argmin(minutes, axis=1)
    rows = np.arange(len(pts))
    return pd.DataFrame(
        {
            "code": codes,
            "commune_generaliste_proche": targets[rows, best],
            "km": km[rows, best],
            "minutes": minutes[rows, best],
        }
    )


def build_derived(
    con: duckdb.DuckDBPyConnection,
    geojson: dict[str, dict],
    out: Callable[[str], None] = print,
) -> None:
    fit = build_traveltime(con)
    build_distances(con, fit.model)
    build_need_inputs(con)
    build_modality(con, fit.model)
    build_geometry(con, geojson)
    build_accessibility(con, fit)
    for line in fit.summary_lines():
        out(f"    {line}")


def traveltime_inputs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Communes with centroid, town hall, emergency minutes, population and area."""
    return con.execute(
        """
        SELECT c.code, c.departement, c.population, c.superficie_km2, c.lat, c.lon,
               r.mairie_lat, r.mairie_lon, x.minutes_urgences
        FROM commune AS c
        LEFT JOIN stg_referentiel_coordonnees AS r
               ON r.code_commune = c.code AND r.type = 'commune-actuelle'
        LEFT JOIN contexte_commune AS x ON x.code = c.code
        WHERE c.lat IS NOT NULL
        ORDER BY c.code
        """
    ).df()


def build_traveltime(con: duckdb.DuckDBPyConnection) -> tt.ModelFit:
    """Fit the travel-time model once, store it (three relations), return the fit."""
    fit = tt.fit_model(con.execute("SELECT * FROM distancier_gironde").df(), traveltime_inputs(con))
    _write(con, "temps_trajet_modele", fit.parameters)
    _write(con, "temps_trajet_commune", fit.communes, "ORDER BY code")
    _write(con, "temps_trajet_ajustement", fit.errors)
    return fit


def build_distances(con: duckdb.DuckDBPyConnection, model: tt.TravelTimeModel) -> None:
    """``distance_generaliste``, ``distance_territoire`` and ``acces_30_minutes``."""
    communes = con.execute(
        "SELECT c.code, coalesce(r.medecins_generalistes, 0) AS mg "
        "FROM commune AS c LEFT JOIN rpps_commune AS r USING (code)"
    ).df()
    has_gp = communes.set_index("code")["mg"] > 0
    near = nearest_with_supply(model.points(communes["code"]), has_gp, model)
    table = pd.DataFrame(
        {
            "code": near["code"],
            "commune_generaliste_proche": near["commune_generaliste_proche"],
            "km_vol_oiseau": near["km"],
            "minutes_route_estimees": near["minutes"],
            "au_dela_30_minutes": near["minutes"] > SEUIL_MINUTES_ACCES,
        }
    )
    _write(con, "distance_generaliste", table, "ORDER BY code")
    con.execute(
        """
        CREATE TABLE distance_territoire AS
        SELECT a.niveau, a.territoire AS code,
               sum(d.km_vol_oiseau * c.population) / nullif(sum(c.population), 0)
                   AS km_generaliste,
               sum(d.minutes_route_estimees * c.population) / nullif(sum(c.population), 0)
                   AS minutes_generaliste
        FROM appartenance AS a
        JOIN commune AS c ON c.code = a.commune
        JOIN distance_generaliste AS d ON d.code = a.commune
        GROUP BY ALL
        """
    )
    # People counted in total population (the rule for any threshold count); communes
    # without coordinates are counted in the denominator and reported apart.
    con.execute(
        f"""
        CREATE TABLE acces_30_minutes AS
        SELECT a.niveau, a.territoire AS code,
               sum(c.population) AS population,
               sum(CASE WHEN d.au_dela_30_minutes THEN c.population ELSE 0 END)
                   AS population_au_dela_30_minutes,
               sum(CASE WHEN d.au_dela_30_minutes THEN c.population ELSE 0 END)
                   / nullif(sum(c.population), 0) AS part_au_dela_30_minutes,
               count(*) FILTER (WHERE d.au_dela_30_minutes) AS communes_au_dela_30_minutes,
               count(*) FILTER (WHERE d.code IS NULL) AS communes_sans_coordonnees,
               {SEUIL_MINUTES_ACCES} AS seuil_minutes
        FROM appartenance AS a
        JOIN commune AS c ON c.code = a.commune
        LEFT JOIN distance_generaliste AS d ON d.code = a.commune
        GROUP BY ALL
        ORDER BY a.niveau, a.territoire
        """
    )


def build_accessibility(con: duckdb.DuckDBPyConnection, fit: tt.ModelFit) -> None:
    """Validate our E2SFCA engine against the official APL 2023 (stored for the methods
    page): before (Gironde law, RPPS headcounts) and after (stored model, the supply
    chosen on the tuning half), reported on the other half of the communes only."""
    from analytics.accessibility import validation_table

    bands_params = con.execute("SELECT * FROM apl_parametres").df()
    official = con.execute(
        "SELECT a.code, a.pop_standardisee, a.pop_totale, a.apl AS apl_officiel "
        "FROM apl_officiel AS a WHERE a.annee = 2023"
    ).df()
    supply = con.execute(
        "SELECT c.code, coalesce(r.medecins_generalistes, 0) AS rpps_2026, "
        "b.omnipraticiens_2017 AS bpe_2017 "
        "FROM commune AS c LEFT JOIN rpps_commune AS r USING (code) "
        "LEFT JOIN bpe2017_commune AS b USING (code)"
    ).df()
    _write(con, "validation_accessibilite", validation_table(fit, official, supply, bands_params))


# Layer name -> (source key, coordinate decimals). 3 decimals ≈ 100 m: enough for a
# national or regional view; the 100 m commune layer keeps 4 for zoomed views.
GEOMETRY_LAYERS: dict[str, tuple[str, int]] = {
    "commune_apercu": ("geo_communes_overview", 3),
    "commune": ("geo_communes", 4),
    "epci": ("geo_epci", 3),
    "departement": ("geo_departements", 3),
    "region": ("geo_regions", 3),
    "arrondissement_municipal": ("geo_arrondissements_municipaux", 4),
}


def build_geometry(con: duckdb.DuckDBPyConnection, geojson: dict[str, dict]) -> None:
    from analytics.geometry import prepare_features

    frames = []
    for layer, (key, precision) in GEOMETRY_LAYERS.items():
        if key not in geojson:
            continue
        df = prepare_features(geojson[key], precision=precision)
        df.insert(0, "couche", layer)
        frames.append(df)
    table = pd.concat(frames, ignore_index=True)
    con.register("_geo", table)
    con.execute("CREATE TABLE geometrie AS SELECT * FROM _geo ORDER BY couche, code")
    con.unregister("_geo")


def default_need_scores(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Need score (0–100, default weights) of every territory, per level: ``niveau,
    territoire, score`` — the ranking the priorities page opens with."""
    from analytics.score import DEFAULT_WEIGHTS, prepare_components, score

    inputs = con.execute("SELECT * FROM besoin_entrees ORDER BY niveau, code").df()
    frames = []
    for niveau, df in inputs.groupby("niveau", sort=False):
        df = df.reset_index(drop=True)
        s = score(prepare_components(df), DEFAULT_WEIGHTS)
        frames.append(
            pd.DataFrame({"niveau": niveau, "territoire": df["code"], "score": s["score"]})
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def build_need_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """``besoin_entrees``: every territory (but France) with the inputs of the need score
    (indicators, distance to the nearest GP, ALD share), read by the recommendation below
    and by the priorities page (``priorites.sql``), so both score the same inputs."""
    from analytics.db import QUERY_DIR

    select = (QUERY_DIR / "besoin_entrees.sql").read_text(encoding="utf-8")
    con.execute(f"CREATE TABLE besoin_entrees AS {select}")


def build_modality(con: duckdb.DuckDBPyConnection, model: tt.TravelTimeModel) -> None:
    """Recommendation per territory from the official APL 2023 (all levels)."""
    from analytics.modality import recommend

    communes = con.execute(
        "SELECT c.code, c.nom, t.lat, t.lon, a.apl, a.pop_standardisee, c.population "
        "FROM commune AS c JOIN temps_trajet_commune AS t ON t.code = c.code "
        "LEFT JOIN apl_officiel AS a ON a.code = c.code AND a.annee = 2023 "
        "WHERE t.lat IS NOT NULL"
    ).df()
    membership = con.execute(
        "SELECT niveau, territoire, commune FROM appartenance WHERE niveau <> 'france'"
    ).df()
    table = recommend(communes, membership, model=model, besoin=default_need_scores(con))
    con.register("_mod", table)
    con.execute("CREATE TABLE modalite AS SELECT * FROM _mod")
    con.unregister("_mod")
