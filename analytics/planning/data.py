"""The planner's inputs, read from the database: communes of a zone, road minutes, gains.

Everything the optimisers need comes from here as plain arrays and DataFrames:

- :func:`load_communes`: every commune with an official APL 2023 (town-hall point,
  populations of the APL, GPs practising in the commune, missing consultations);
- :func:`zone_codes`: member communes of one or several EPCI, a département, a région or
  France;
- :func:`travel_model` and :func:`road_minutes`: the **only** place where the planner
  turns points into estimated road minutes (:mod:`analytics.traveltime`);
- :func:`new_gp_consultations`: the activity of a new GP, read from the DREES
  workbook's « Paramètres » (« une offre de 5 400 consultations ou visites est
  imputée » to a GP new to liberal practice);
- :func:`planning_inputs`: the zone, the communes within 20 minutes around it (their
  demand shares the new supply, E2SFCA step 1) and the gain per FTE ``a_ij``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from analytics.accessibility import DREES_BANDS, band_weights, bands_from_parameters
from analytics.db import query
from analytics.geodesy import chord_to_km, unit_vectors
from analytics.indicators import SEUIL_SOUS_DENSE
from analytics.planning.errors import PlanningError
from analytics.traveltime import TravelTimeModel, pairs_within_points, stored_model

#: Levels a planning zone can be made of.
ZONE_LEVELS = ("epci", "departement", "region", "france")
#: Road minutes of the APL catchment (last decay band of the DREES « Paramètres »).
APL_MINUTES = 20.0


def travel_model(con: duckdb.DuckDBPyConnection) -> TravelTimeModel:
    """The road-time model every planning figure uses: the one the build fitted and
    stored (:func:`analytics.traveltime.stored_model`). The only call site."""
    return stored_model(con)


def road_minutes(
    model: TravelTimeModel,
    lat_from: np.ndarray,
    lon_from: np.ndarray,
    lat_to: np.ndarray,
    lon_to: np.ndarray,
    max_minutes: float,
    factor_from: np.ndarray | float = 1.0,
    factor_to: np.ndarray | float = 1.0,
) -> sparse.csr_array:
    """Estimated road minutes between points within ``max_minutes``, as a sparse matrix
    (rows: ``from``, columns: ``to``), with the stored model's slowness factors. A
    0-minute pair (a commune to itself) is stored as a tiny positive number so that
    sparse storage keeps it; absent = beyond the limit."""
    pairs = pairs_within_points(
        model, lat_from, lon_from, lat_to, lon_to, max_minutes, factor_from, factor_to
    )
    return sparse.csr_array(
        (
            np.maximum(pairs["minutes"].to_numpy(float), 1e-6),
            (pairs["i"].to_numpy(), pairs["j"].to_numpy()),
        ),
        shape=(len(np.atleast_1d(lat_from)), len(np.atleast_1d(lat_to))),
    )


def nearest_minutes(
    model: TravelTimeModel,
    lat: np.ndarray,
    lon: np.ndarray,
    lat_sites: np.ndarray,
    lon_sites: np.ndarray,
    factor: np.ndarray | float = 1.0,
    factor_sites: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Estimated road minutes from each point to the nearest site (inf if no site),
    the best among the 8 nearest by straight line (as the build's distance to a GP)."""
    n = len(np.atleast_1d(lat))
    m = len(np.atleast_1d(lat_sites))
    if m == 0:
        return np.full(n, np.inf)
    k = min(8, m)
    chord, idx = cKDTree(unit_vectors(lat_sites, lon_sites)).query(unit_vectors(lat, lon), k=k)
    chord, idx = chord.reshape(n, k), idx.reshape(n, k)
    fa = np.broadcast_to(np.asarray(factor, float), (n,))
    fb = np.broadcast_to(np.asarray(factor_sites, float), (m,))
    minutes = model.minutes(chord_to_km(chord), np.sqrt(fa[:, None] * fb[idx]))
    return minutes.min(axis=1)


def new_gp_consultations(params: pd.DataFrame) -> float:
    """Consultations a year of a new liberal GP (DREES « Paramètres », « Exceptions »)."""
    row = params[params["rubrique"] == "nouveau_medecin"]
    if row.empty or not np.isfinite(row["valeur"].iloc[0]):
        raise PlanningError(
            "L'activité d'un nouveau médecin (feuille « Paramètres » de la DREES) manque "
            "dans la base : reconstruisez-la (make data)."
        )
    return float(row["valeur"].iloc[0])


def load_communes(con: duckdb.DuckDBPyConnection, seuil: float = SEUIL_SOUS_DENSE) -> pd.DataFrame:
    """Every commune with an official APL 2023, with ``generaliste_sur_place`` and the
    ``deficit`` in consultations a year, ``max(0, seuil − APL) × population standardisée``."""
    df = query(con, "planification_communes")
    for col in ("lat", "lon", "population", "pop_standardisee", "apl", "medecins_generalistes"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    df["population"] = df["population"].fillna(0.0)
    df["pop_standardisee"] = df["pop_standardisee"].fillna(0.0)
    df["generaliste_sur_place"] = df["medecins_generalistes"].fillna(0) > 0
    df["deficit"] = np.maximum(0.0, seuil - df["apl"]).fillna(0.0) * df["pop_standardisee"]
    # The stored model's travel points and slowness factors (one geography for all times).
    pts = travel_model(con).points(df["code"].astype(str).tolist())
    has = pts["lat"].notna().to_numpy()
    df.loc[has, "lat"] = pts.loc[has, "lat"].to_numpy()
    df.loc[has, "lon"] = pts.loc[has, "lon"].to_numpy()
    df["facteur"] = pts["facteur"].fillna(1.0).to_numpy(float)
    return df.reset_index(drop=True)


def zone_codes(con: duckdb.DuckDBPyConnection, niveau: str, codes: Sequence[str]) -> list[str]:
    """Member communes of the territories ``codes`` of level ``niveau``."""
    if niveau not in ZONE_LEVELS:
        raise PlanningError(
            f"Paramètre « niveau » : {niveau!r} inconnu (epci, departement, region, france)."
        )
    wanted = ["FR"] if niveau == "france" else [str(c) for c in codes]
    if not wanted:
        raise PlanningError("Paramètre « zone » : choisissez au moins un territoire.")
    members = query(con, "planification_zone", niveau=niveau, codes=wanted)["code"].tolist()
    if not members:
        raise PlanningError(
            f"Paramètre « zone » : aucun territoire de niveau {niveau} ne porte le code "
            f"{', '.join(wanted)}."
        )
    return members


def zone_names(con: duckdb.DuckDBPyConnection, niveau: str, codes: Sequence[str]) -> pd.DataFrame:
    """code, nom, departement, population of the zone's territories."""
    if niveau == "france":
        return pd.DataFrame({"code": ["FR"], "nom": ["France"], "departement": [None]})
    return query(con, "planification_territoires", niveau=niveau, codes=[str(c) for c in codes])


@dataclass(frozen=True)
class PlanningInputs:
    """A zone ready for the optimisers.

    ``communes``: the zone's communes and those within ``APL_MINUTES`` of it (column
    ``dans_zone``); ``minutes``: sparse road minutes between them up to ``max_minutes``
    (communes × communes); ``gain_per_etp``: ``a_ij = c·w(t_ij)/D_j`` (communes ×
    communes: gain of commune i per FTE at j); ``consultations_par_etp``: ``c``;
    ``model``: the road-time model; ``bands``: the decay bands.
    """

    communes: pd.DataFrame
    minutes: sparse.csr_array
    gain_per_etp: sparse.csc_array
    consultations_par_etp: float
    model: TravelTimeModel
    bands: tuple[tuple[float, float], ...]
    gp_lat: np.ndarray  # communes with a GP practising (all of France), for the 30-minute check
    gp_lon: np.ndarray
    gp_factor: np.ndarray

    @property
    def zone(self) -> np.ndarray:
        return self.communes["dans_zone"].to_numpy(bool)


def gain_matrix(
    minutes: sparse.csr_array,
    pop_standardisee: np.ndarray,
    consultations: float,
    bands=DREES_BANDS,
) -> sparse.csc_array:
    """``a_ij = c · w(t_ij) / D_j`` with ``D_j = Σ_k w(t_kj) P_k`` (E2SFCA step 1 for new
    supply at j), as a communes × sites sparse matrix."""
    m = sparse.csr_array(minutes).tocoo()
    w = band_weights(m.data, bands)
    keep = w > 0
    i, j, w = m.row[keep], m.col[keep], w[keep]
    d = np.bincount(j, weights=w * np.asarray(pop_standardisee, float)[i], minlength=m.shape[1])
    val = np.zeros(len(w))
    np.divide(consultations * w, d[j], out=val, where=d[j] > 0)
    return sparse.csc_array((val, (i, j)), shape=m.shape)


def planning_inputs(
    con: duckdb.DuckDBPyConnection,
    niveau: str,
    codes: Sequence[str],
    max_minutes: float = APL_MINUTES,
    communes: pd.DataFrame | None = None,
) -> PlanningInputs:
    """The zone's inputs: its communes plus those within 20 minutes, the road minutes up
    to ``max(max_minutes, 20)`` between them and the gain per FTE."""
    all_c = load_communes(con) if communes is None else communes
    members = set(zone_codes(con, niveau, codes))
    in_zone = all_c["code"].isin(members).to_numpy()
    if not in_zone.any():
        raise PlanningError(
            "Paramètre « zone » : aucune commune de cette zone n'a d'APL officielle 2023 "
            "(Mayotte, collectivités d'outre-mer)."
        )
    model = travel_model(con)
    bands = bands_from_parameters(query(con, "apl_parametres"))
    consultations = new_gp_consultations(query(con, "apl_parametres"))
    reach = max(float(max_minutes), max(u for u, _ in bands))
    lat, lon = all_c["lat"].to_numpy(float), all_c["lon"].to_numpy(float)
    if in_zone.all():
        keep = in_zone
    else:
        f = all_c["facteur"].to_numpy(float)
        near = road_minutes(model, lat[in_zone], lon[in_zone], lat, lon, reach, f[in_zone], f)
        keep = in_zone.copy()
        keep[np.unique(near.indices)] = True
    sub = all_c[keep].reset_index(drop=True)
    sub["dans_zone"] = in_zone[keep]
    la, lo, fs = (sub[col].to_numpy(float) for col in ("lat", "lon", "facteur"))
    minutes = road_minutes(model, la, lo, la, lo, reach, fs, fs)
    gain = gain_matrix(minutes, sub["pop_standardisee"].to_numpy(), consultations, bands)
    gps = all_c[all_c["generaliste_sur_place"]]
    return PlanningInputs(
        communes=sub,
        minutes=minutes,
        gain_per_etp=gain,
        consultations_par_etp=consultations,
        model=model,
        bands=bands,
        gp_lat=gps["lat"].to_numpy(float),
        gp_lon=gps["lon"].to_numpy(float),
        gp_factor=gps["facteur"].to_numpy(float),
    )


def need_ranking(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Commune codes by need score under the default weights (the priorities page's
    ranking): the naive plan takes its first K candidates."""
    from analytics.score import DEFAULT_WEIGHTS
    from analytics.views import priorities, rank

    ranked = rank(priorities(con, "commune"), dict(DEFAULT_WEIGHTS))
    return ranked["code"].astype(str).tolist()
