"""Great-circle geometry on WGS84 points: the one place for the Earth radius and the
distance formulas (haversine, 3D unit vectors, chord ↔ km).

Every module that measures a straight-line distance between communes calls this one
(travel times, accessibility engine, derived distances, recommendation); the SQL query
``voisins.sql`` writes the same haversine with the same radius, :data:`EARTH_RADIUS_KM`.

Unit vectors: a point at latitude φ, longitude λ maps to (cos φ cos λ, cos φ sin λ,
sin φ) on the unit sphere. The straight (chord) distance ``c`` between two such vectors
and the great-circle distance ``s`` are tied exactly by ``s = 2 R asin(c / 2)``, so a
k-d tree on unit vectors finds great-circle neighbours without any approximation.

Pure module: numpy only.
"""

from __future__ import annotations

import numpy as np

#: Mean Earth radius, km (IUGG R1 = 6 371.0088 km; Moritz, *Geodetic Reference System
#: 1980*, Bulletin géodésique 54, 1980).
EARTH_RADIUS_KM = 6371.0088


def haversine_km(
    lat1: np.ndarray | float,
    lon1: np.ndarray | float,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km between points given in WGS84 degrees (vectorised)."""
    la1, lo1, la2, lo2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """3D unit vectors of WGS84 points (n × 3): their chord length maps exactly to km."""
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def chord_to_km(chord: np.ndarray | float) -> np.ndarray:
    """Great-circle km of a chord length between unit vectors."""
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord, float) / 2, 0.0, 1.0))


def km_to_chord(km: float) -> float:
    """Chord length between unit vectors ``km`` apart on the great circle (search radius)."""
    return float(2 * np.sin(min(float(km) / (2 * EARTH_RADIUS_KM), np.pi / 2)))
