"""Build-time tables that need Python rather than SQL.

Called by the build on the temporary database, after the SQL models:
- ``distance_generaliste``: straight-line km from each commune to the nearest commune
  with a GP in activity (RPPS 2026), and the road minutes estimated from it;
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
