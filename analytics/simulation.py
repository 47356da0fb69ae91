"""What if a health centre opened in a commune: the APL change, by the DREES method.

The APL is an E2SFCA (:mod:`analytics.accessibility`), linear in supply: adding ``ΔS``
consultations a year at site ``j`` changes only ``R_j``, by ``ΔS / D_j``, where
``D_j = Σ_i w(t_ij)·P_i`` is the standardised population within reach of ``j``, weighted
by the time bands of the DREES ``Paramètres`` sheet (1, 2/3, 1/3 up to 10, 15, 20 min).
Each commune ``i`` in reach gains ``Δ_i = w(t_ij)·ΔS / D_j`` consultations per
standardised inhabitant; the others do not change. The gain is added to the **official**
APL 2023 — the "before" is the published figure and only the change comes from our model
(our own recomputed APL has another level; see the validation on the methods page).

Assumptions, stated on the page: the new doctors come from outside the area (nobody
leaves a neighbouring practice); road minutes are those of the one travel-time model the
build stored (:func:`analytics.traveltime.stored_model`: straight-line distance between
town halls, power law fitted on the Gironde road sample, regional slowness factor learnt
from the DREES emergency road times); one new full-time liberal GP gives the activity the
DREES imputes to a newly settled GP, 5 400 consultations a year (workbook ``Paramètres``,
:func:`analytics.accessibility.consultations_nouveau_medecin`); populations are those of
the APL 2023 (2021 census, standardised by age).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.accessibility import E2SFCA, bands_from_parameters, consultations_nouveau_medecin
from analytics.db import query
from analytics.formatting import fmt_number
from analytics.indicators import SEUIL_SOUS_DENSE
from analytics.traveltime import stored_model

#: Bounds of the full-time GPs a user can simulate (a large centre has about 10).
ETP_MIN, ETP_MAX = 0.5, 30.0
#: The choices offered on the page: half-FTE steps.
ETP_OPTIONS: tuple[float, ...] = tuple(x / 2 for x in range(1, 61))


def medecins_etp(etp: float) -> str:
    """« 1 médecin à temps plein », « 2,5 médecins à temps plein » (French plural from 2)."""
    return f"{fmt_number(etp, 1 if etp % 1 else 0)} médecin{'s' if etp >= 2 else ''} à temps plein"


def etp_param(etp: float | None) -> str | None:
    """The ``etp`` of a link to the simulation: a recommended FTE rounded to the nearest
    half (the slider's step) within [:data:`ETP_MIN`, :data:`ETP_MAX`]; None when unknown."""
    if etp is None or pd.isna(etp) or etp <= 0:
        return None
    return f"{min(max(round(float(etp) * 2) / 2, ETP_MIN), ETP_MAX):g}"


@dataclass(frozen=True)
class Simulation:
    code: str
    nom: str
    etp: float
    consultations: float
    communes: pd.DataFrame  # code, nom, population, minutes, apl_avant, apl_apres, gain,
    # incertitude (travel times least sure there: mountain, island), motif_incertitude
    habitants_zone: float  # people of the communes in reach
    sous_dense_avant: float  # people of those communes under 2.5, before / after
    sous_dense_apres: float
    apl_zone_avant: float  # mean APL of the zone, weighted by standardised population
    apl_zone_apres: float
    consultations_par_etp: float = 0.0

    @property
    def habitants_incertains(self) -> float:
        """People of reached communes whose travel times are flagged uncertain."""
        t = self.communes
        return float(t.loc[t["incertitude"].fillna(False).astype(bool), "population"].sum())

    @property
    def habitants_sortis(self) -> float:
        """People whose commune leaves the sous-dense class (APL < 2.5)."""
        return self.sous_dense_avant - self.sous_dense_apres


def _wmean(values: pd.Series, weights: pd.Series) -> float:
    """Mean weighted by standardised population, over the communes having both."""
    v = values.to_numpy(dtype=float)
    w = weights.to_numpy(dtype=float)
    ok = np.isfinite(v) & np.isfinite(w)
    total = float(np.sum(w[ok]))
    return float(np.sum(v[ok] * w[ok]) / total) if total > 0 else np.nan


def simulate_centre(
    con: duckdb.DuckDBPyConnection,
    code: str,
    etp: float,
    consultations_par_etp: float | None = None,
) -> Simulation | None:
    """The APL change if ``etp`` full-time GPs settle in commune ``code``.

    ``consultations_par_etp`` defaults to the DREES figure for a newly settled liberal GP
    (5 400 a year, workbook ``Paramètres``).

    ``None`` when the commune has no official APL 2023 (Mayotte, overseas collectivities)
    or no coordinates. Raises ``ValueError`` (French message) when ``etp`` is out of
    [:data:`ETP_MIN`, :data:`ETP_MAX`].
    """
    if not (ETP_MIN <= float(etp) <= ETP_MAX):
        raise ValueError(
            f"Nombre de médecins à temps plein hors bornes ({fmt_number(etp, 1)}) : entre "
            f"{fmt_number(ETP_MIN, 1)} et {fmt_number(ETP_MAX, 0)}."
        )
    communes = query(con, "simulation_communes")
    site = communes.index[communes["code"] == code]
    if len(site) == 0:
        return None
    k = int(site[0])
    model = stored_model(con)
    params = query(con, "apl_parametres")
    bands = bands_from_parameters(params)
    if consultations_par_etp is None:
        consultations_par_etp = consultations_nouveau_medecin(params)
    consultations = float(etp) * consultations_par_etp
    engine = E2SFCA.from_coordinates(
        supply=np.array([consultations]),
        supply_lat=communes["lat"].to_numpy(dtype=float)[[k]],
        supply_lon=communes["lon"].to_numpy(dtype=float)[[k]],
        demand=communes["pop_standardisee"].fillna(0).to_numpy(dtype=float),
        demand_lat=communes["lat"].to_numpy(dtype=float),
        demand_lon=communes["lon"].to_numpy(dtype=float),
        model=model,
        bands=bands,
        supply_ids=[code],
        demand_ids=communes["code"].tolist(),
    ).solve()
    minutes = np.full(len(communes), np.nan)
    minutes[engine.pair_demand] = engine.minutes
    reach = communes.assign(minutes=minutes, gain=engine.apl).loc[lambda d: d["minutes"].notna()]
    reach = reach.assign(apl_apres=reach["apl_avant"] + reach["gain"])
    under_before = reach["apl_avant"] < SEUIL_SOUS_DENSE
    under_after = reach["apl_apres"] < SEUIL_SOUS_DENSE
    table = reach[
        [
            "code",
            "nom",
            "departement",
            "population",
            "minutes",
            "apl_avant",
            "apl_apres",
            "gain",
            "incertitude",
            "motif_incertitude",
        ]
    ].sort_values(["minutes", "code"])
    return Simulation(
        code=code,
        nom=str(communes.loc[k, "nom"]),
        etp=float(etp),
        consultations=consultations,
        communes=table.reset_index(drop=True),
        habitants_zone=float(reach["population"].sum()),
        sous_dense_avant=float(reach.loc[under_before, "population"].sum()),
        sous_dense_apres=float(reach.loc[under_after, "population"].sum()),
        apl_zone_avant=_wmean(reach["apl_avant"], reach["pop_standardisee"]),
        apl_zone_apres=_wmean(reach["apl_apres"], reach["pop_standardisee"]),
        consultations_par_etp=float(consultations_par_etp),
    )


def hypotheses_fr(sim: Simulation) -> str:
    """The assumptions of a simulation, in French, with the figures it used."""
    return (
        "Hypothèses : les médecins viennent d'ailleurs (aucun cabinet voisin ne ferme) ; "
        f"un médecin à temps plein assure {fmt_number(sim.consultations_par_etp)} "
        "consultations par an, l'activité que la DREES impute à un généraliste libéral "
        "nouvellement installé (classeur APL, feuille « Paramètres ») ; les temps de route "
        "sont estimés depuis la distance à vol d'oiseau entre mairies (loi calibrée sur "
        "l'échantillon girondin de temps Metric, corrigée par un facteur régional de "
        "lenteur appris des temps d'accès aux urgences de la DREES ; voir Sources et "
        "méthodes) ; populations de l'APL 2023."
    )
