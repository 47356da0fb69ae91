"""Build-time tables that need Python rather than SQL.

Called by the build on the temporary database, after the SQL models:
- ``distance_generaliste``: straight-line km from each commune to the nearest commune
  with a GP in activity (RPPS 2026), and the road minutes estimated from it;
- ``distance_territoire``: that distance averaged over a territory's population;
- ``modalite``: fixed centre or médicobus per territory (:mod:`analytics.modality`);
- ``geometrie``: map-ready geometry per layer, rounded once here so that the app never
  parses the large GeoJSON files (:mod:`analytics.geometry`).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """3D unit vectors: chord distances on them map exactly to great-circle distances."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def chord_to_km(chord: np.ndarray) -> np.ndarray:
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def nearest_with_supply(communes: pd.DataFrame, has_supply: pd.Series) -> pd.DataFrame:
    """For each commune (code, lat, lon), the nearest commune where ``has_supply`` is true.

    A commune with supply is its own nearest (distance 0).
    """
    pts = communes.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    xyz = unit_vectors(pts["lat"].to_numpy(), pts["lon"].to_numpy())
    mask = has_supply.reindex(pts["code"]).fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        raise ValueError("aucune commune avec offre : distance au plus proche impossible")
    tree = cKDTree(xyz[mask])
    chord, idx = tree.query(xyz, k=1)
    targets = pts["code"].to_numpy()[mask][idx]
    return pd.DataFrame(
        {"code": pts["code"], "commune_generaliste_proche": targets, "km": chord_to_km(chord)}
    )


def build_derived(
    con: duckdb.DuckDBPyConnection,
    geojson: dict[str, dict],
    out: Callable[[str], None] = print,
) -> None:
    communes = con.execute(
        "SELECT c.code, c.lat, c.lon, coalesce(r.medecins_generalistes, 0) AS mg "
        "FROM commune AS c LEFT JOIN rpps_commune AS r USING (code)"
    ).df()
    has_gp = communes.set_index("code")["mg"] > 0
    near = nearest_with_supply(communes, has_gp)
    con.register("_near", near)
    con.execute(
        "CREATE TABLE distance_generaliste AS SELECT code, commune_generaliste_proche, "
        "km AS km_vol_oiseau FROM _near"
    )
    con.unregister("_near")
    con.execute(
        """
        CREATE TABLE distance_territoire AS
        SELECT a.niveau, a.territoire AS code,
               sum(d.km_vol_oiseau * c.population) / nullif(sum(c.population), 0)
                   AS km_generaliste
        FROM appartenance AS a
        JOIN commune AS c ON c.code = a.commune
        JOIN distance_generaliste AS d ON d.code = a.commune
        GROUP BY ALL
        """
    )
    build_modality(con)
    build_geometry(con, geojson)
    build_accessibility(con)


def build_accessibility(con: duckdb.DuckDBPyConnection) -> None:
    """Calibrate road times on the Gironde sample, then validate our E2SFCA engine
    against the official APL 2023 (stored for the methods page)."""
    from analytics.accessibility import bands_from_parameters, validate_against_official
    from analytics.traveltime import calibrate

    calib = calibrate(con.execute("SELECT * FROM distancier_gironde").df())
    bands = bands_from_parameters(con.execute("SELECT * FROM apl_parametres").df())
    communes = con.execute(
        "SELECT c.code, c.lat, c.lon, a.pop_standardisee, a.pop_totale, a.apl AS apl_officiel "
        "FROM commune AS c JOIN apl_officiel AS a ON a.code = c.code AND a.annee = 2023 "
        "WHERE c.lat IS NOT NULL"
    ).df()
    supply = con.execute(
        "SELECT code, medecins_generalistes AS nb_medecins_generalistes FROM rpps_commune"
    ).df()
    result = validate_against_official(communes, supply, calib.model, bands=bands)
    rows = [
        ("spearman", result.spearman),
        ("pearson", result.pearson),
        ("mae", result.mae),
        ("mediane_ecart_absolu", result.median_ae),
        ("accord_sous_2_5", result.accuracy),
        ("precision_sous_2_5", result.precision),
        ("rappel_sous_2_5", result.recall),
        ("kappa_sous_2_5", result.kappa),
        ("communes", result.n_communes),
        ("consultations_par_generaliste", result.consultations_per_gp),
        ("pop_sous_2_5_officielle", result.pop_sous_dense_officiel),
        ("pop_sous_2_5_estimee", result.pop_sous_dense_estime),
        ("temps_mae_minutes", calib.mae_min),
        ("temps_mediane_ecart_minutes", calib.median_ae_min),
        ("temps_bonne_tranche", calib.band_accuracy),
        ("temps_r2", calib.r2),
    ]
    table = pd.DataFrame(rows, columns=["mesure", "valeur"])
    table["explication"] = [result.explication] + [None] * (len(rows) - 1)
    table["modele_temps"] = calib.model.describe_fr()
    table["calibration"] = calib.summary_fr()
    con.register("_val", table)
    con.execute("CREATE TABLE validation_accessibilite AS SELECT * FROM _val")
    con.unregister("_val")
    minutes = calib.model.minutes(
        con.execute("SELECT km_vol_oiseau FROM distance_generaliste ORDER BY code")
        .df()["km_vol_oiseau"]
        .to_numpy()
    )
    con.execute("ALTER TABLE distance_generaliste ADD COLUMN minutes_route_estimees DOUBLE")
    codes = con.execute("SELECT code FROM distance_generaliste ORDER BY code").df()
    codes["minutes"] = minutes
    con.register("_min", codes)
    con.execute(
        "UPDATE distance_generaliste AS d SET minutes_route_estimees = m.minutes "
        "FROM _min AS m WHERE m.code = d.code"
    )
    con.unregister("_min")


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


def build_modality(con: duckdb.DuckDBPyConnection) -> None:
    """Recommendation per territory from the official APL 2023 (all levels)."""
    from analytics.modality import recommend

    communes = con.execute(
        "SELECT c.code, c.nom, c.lat, c.lon, a.apl, a.pop_standardisee, c.population "
        "FROM commune AS c LEFT JOIN apl_officiel AS a ON a.code = c.code AND a.annee = 2023 "
        "WHERE c.lat IS NOT NULL"
    ).df()
    membership = con.execute(
        "SELECT niveau, territoire, commune FROM appartenance WHERE niveau <> 'france'"
    ).df()
    table = recommend(communes, membership)
    con.register("_mod", table)
    con.execute("CREATE TABLE modalite AS SELECT * FROM _mod")
    con.unregister("_mod")
