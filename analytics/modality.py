"""Fixed health centre or médicobus: which answer fits a territory's deficit, and why.

DOMAIN.md ("Fixed centre or médicobus"): a fixed centre needs enough under-served
people within a short drive to keep several GPs busy; a médicobus fits an under-served
population spread over many small communes. This module measures both things from the
APL and states the reason in words and figures.

Method
------
1. Missing consultations of commune ``c`` (APL in consultations per year per
   standardised inhabitant, DREES/IRDES)::

       d_c = max(0, APL_cible − APL_c) × population_standardisée_c

   and of a territory ``T``: ``D_T = Σ_{c∈T} d_c``. In full-time GPs:
   ``E_T = D_T / CONSULTATIONS_PAR_ETP``. A commune is *under-served* when ``d_c > 0``.
   A commune without APL is left out of the sums and counted (``communes_sans_apl``).
2. Concentration. ``B(j)`` is the set of communes within ``R`` = 15 minutes of commune ``j``
   (estimated road minutes ≤ 15 between town halls, see :class:`ModalityParams`). The *pole* of ``T`` is the member commune whose 15-minute
   zone holds the most of the territory's deficit (a one-site maximal covering
   location, Church & ReVelle 1974)::

       pole_T = argmax_{j∈T} Σ_{c ∈ T ∩ B(j)} d_c

   among *credible sites* — communes of at least ``pop_min_pole`` inhabitants (1,000),
   any commune only when no candidate reaches it — ties broken by the larger own
   deficit, then the smaller code; no pole when the territory has no deficit of its
   own. ``part_deficit_pole``
   is that maximum divided by ``D_T`` and ``etp_pole`` the same in full-time GPs.
3. Decision (parameters in :class:`ModalityParams`), in this order:

   - no commune has an APL → "Non déterminé";
   - ``E_T < etp_min_besoin`` (0.3 FTE, about 3 half-days of consultation a week) →
     "Pas de besoin prioritaire";
   - the territory's need score (:mod:`analytics.score`, default weights, 0–100) below
     ``score_min_besoin`` (50: less need than half the territories of its level) →
     "Pas de besoin prioritaire", whatever the rules below say: the recommendation never
     proposes an intervention where the ranking sees less need than the median, so two
     territories are never ranked one way and advised the other;
   - ``E_T ≥ etp_min_centre`` and ``etp_pole ≥ etp_min_centre`` (2 FTE: enough to keep
     several GPs busy; in the rules below, "the pole reaches 2 FTE" means both) and
     ``part_deficit_pole ≥ part_min_pole`` (50 %) and the share outside the pole's zone
     ``< part_hors_pole_mixte`` (40 %) → "Centre de santé fixe";
   - ``etp_pole ≥ etp_min_centre``, at least ``part_hors_pole_mixte`` of the deficit
     outside the pole's zone, and the under-served communes out there small (median
     population ≤ ``pop_max_commune_dispersee``, 2,000) → "Centre fixe et médicobus";
   - ``etp_pole ≥ etp_min_centre`` otherwise (the rest of the deficit lies in larger
     towns: the sentence says other fixed centres are worth studying there) →
     "Centre de santé fixe";
   - otherwise (no 15-minute zone gathers 2 FTE of deficit: the deficit is small or
     spread) → "Médicobus". ``deficit_disperse`` tells whether it is spread over many
     small communes (≥ ``communes_min_dispersion`` under-served communes with a median
     population ≤ ``pop_max_commune_dispersee``), the typical médicobus circuit
     (6–10 villages a week in practice, DOMAIN.md). The reason names the under-served
     communes with the largest deficits (``communes_sous_dotees_liste``, first three)
     beside their count.

Road times are those of the stored travel-time model (:mod:`analytics.traveltime`): the
15-minute zones follow the regional slowness of roads (narrower in mountains).

For ``niveau == "commune"`` the territory is not the commune alone but its catchment
``T_i = B(i)``: the commune and every commune within ``R``. A commune's patients also
consult in neighbouring communes (the APL itself counts supply up to 20 minutes away),
so a commune's recommendation reflects where its patients would go, and two
neighbouring villages get consistent answers. The pole is then the commune ``j ∈ B(i)``
(reachable from ``i``) whose own zone holds the most deficit, *all* of it:
``argmax_{j∈B(i)} Σ_{c∈B(j)} d_c`` and ``etp_pole`` is that zone's deficit, because a
centre at ``j`` also serves communes beyond ``i``'s catchment (restricting it to
``B(i)`` would make ``j = i`` cover 100 % by construction). ``part_deficit_pole`` stays
the share of ``i``'s catchment deficit within ``R`` of the pole.
For other levels the territory is the set of its member communes (``membership``), and
only their deficit counts, even near a border: the territory funds the answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from analytics.accessibility import CONSULTATIONS_NOUVEAU_MEDECIN
from analytics.formatting import fmt_number, fmt_percent
from analytics.geodesy import km_to_chord, unit_vectors
from analytics.traveltime import TravelTimeModel, pairs_within_points

#: Consultations a year of one full-time GP: the activity the DREES imputes to a newly
#: settled liberal GP, 5 400 consultations and visits (APL workbook, sheet
#: ``Paramètres``, « Exceptions »), inside the 3 600–6 000 band the APL counts as is.
#: Missing consultations are turned into GPs to settle with the same figure the
#: simulation and the planner use.
CONSULTATIONS_PAR_ETP = CONSULTATIONS_NOUVEAU_MEDECIN

#: Target APL: the sous-dense threshold (APL < 2.5, the level of ARS zoning). The
#: deficit is what lifts every commune out of under-supply, hence a *priority* need; the
#: need score uses 4.0 (best-served class) to rank territories, a different question.
#: On the 2023 APL, a target of 2.5 gives about 6.1 million missing consultations
#: (≈ 1,230 FTE, 12,800 communes); 4.0 would give 44 million (≈ 8,860 FTE, 28,500
#: communes, 82 % of them), where "priority" loses its meaning.
APL_CIBLE = 2.5

#: Drive time for a fixed centre's catchment (minutes).
MINUTES_TRAJET = 15.0
#: Half-days of consultation a week of one FTE (5 days × 2), to express small deficits
#: as médicobus stops (a stop lasts a half-day). An approximation, stated as such.
DEMI_JOURNEES_PAR_ETP = 10.0

CENTRE = "Centre de santé fixe"
MEDICOBUS = "Médicobus"
MIXTE = "Centre fixe et médicobus"
AUCUN = "Pas de besoin prioritaire"
INDETERMINE = "Non déterminé"
RECOMMANDATIONS = (CENTRE, MEDICOBUS, MIXTE, AUCUN, INDETERMINE)


@dataclass(frozen=True)
class ModalityParams:
    """Parameters of :func:`recommend`, with the defaults of the module docstring.

    The catchment is every commune within ``minutes_trajet`` minutes of estimated road
    time (:mod:`analytics.traveltime`, the stored model); ``rayon_km``, when given,
    replaces it by a plain straight-line radius (toy instances).
    """

    apl_cible: float = APL_CIBLE
    consultations_par_etp: float = CONSULTATIONS_PAR_ETP
    minutes_trajet: float = MINUTES_TRAJET
    rayon_km: float | None = None
    etp_min_centre: float = 2.0
    part_min_pole: float = 0.5
    part_hors_pole_mixte: float = 0.4
    etp_min_besoin: float = 0.3
    communes_min_dispersion: int = 4
    #: INSEE's historical threshold of an urban unit (2,000 inhabitants).
    pop_max_commune_dispersee: float = 2000.0
    #: A fixed centre's site must be a credible town: at least this population (a
    #: village of 200 cannot host a centre of several GPs), unless no candidate has it.
    pop_min_pole: float = 1000.0
    #: Need-score floor (0–100, default weights of :mod:`analytics.score`): below it —
    #: less need than half the territories of the level — no intervention is proposed,
    #: so the recommendation never contradicts the ranking.
    score_min_besoin: float = 50.0

    def zone_text(self) -> str:
        """The catchment in words: « 15 minutes de route » or « 12 km »."""
        if self.rayon_km is not None:
            return f"{fmt_number(self.rayon_km)} km"
        return f"{fmt_number(self.minutes_trajet)} minutes de route"


# --- geometry ---------------------------------------------------------------------------


def adjacency(
    codes: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    p: ModalityParams,
    model: TravelTimeModel | None,
) -> sparse.csr_array:
    """Symmetric 0/1 matrix: ``A[i, j] = 1`` when communes ``i`` and ``j`` are within
    ``p.minutes_trajet`` of estimated road time (``model``, with its regional factors),
    or within ``p.rayon_km`` straight-line km when that is set; diagonal included.

    A commune without coordinates is adjacent to itself only.
    """
    n = len(lat)
    if p.rayon_km is not None:
        ok = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
        pairs = np.empty((0, 2), dtype=np.intp)
        if len(ok) > 1:
            tree = cKDTree(unit_vectors(lat[ok], lon[ok]))
            pairs = ok[tree.query_pairs(km_to_chord(p.rayon_km), output_type="ndarray")]
        rows, cols = pairs[:, 0], pairs[:, 1]
    else:
        if model is None:
            raise ValueError("modèle de temps de trajet requis (ou rayon_km)")
        f = model.factor(codes)
        found = pairs_within_points(model, lat, lon, lat, lon, p.minutes_trajet, f, f)
        upper = found["i"].to_numpy() < found["j"].to_numpy()
        rows, cols = found["i"].to_numpy()[upper], found["j"].to_numpy()[upper]
    diag = np.arange(n)
    r = np.concatenate([rows, cols, diag])
    c = np.concatenate([cols, rows, diag])
    a = sparse.csr_array((np.ones(len(r)), (r, c)), shape=(n, n))
    a.sum_duplicates()
    a.data[:] = 1.0
    a.sort_indices()
    return a


def _row_median(m: sparse.csr_array, values: np.ndarray) -> np.ndarray:
    """Median of ``values[j]`` over the stored entries ``j`` of each row of ``m``."""
    m = sparse.csr_array(m)
    m.eliminate_zeros()
    counts = np.diff(m.indptr)
    v = values[m.indices]
    rows = np.repeat(np.arange(m.shape[0]), counts)
    v = v[np.lexsort((v, rows))]
    out = np.full(m.shape[0], np.nan)
    has = counts > 0
    start = m.indptr[:-1][has]
    lo = start + (counts[has] - 1) // 2
    hi = start + counts[has] // 2
    out[has] = (v[lo] + v[hi]) / 2.0
    return out


def _poles(
    s: sparse.csr_array, own: np.ndarray, credible: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``s`` (territory × candidate commune): the column of the largest
    value among ``credible`` candidates (any candidate when the row has none), ties →
    larger ``own`` deficit, then smaller column; −1 and 0 for empty rows."""
    coo = sparse.coo_array(s)
    keep = coo.data > 0
    row, col, val = coo.row[keep], coo.col[keep], coo.data[keep]
    val_r = np.round(val, 6)  # sums in different orders: equal sets, equal values
    order = np.lexsort((col, -own[col], -val_r, ~credible[col], row))
    row, col, val = row[order], col[order], val[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = row[1:] != row[:-1]
    pole = np.full(s.shape[0], -1, dtype=np.int64)
    cover = np.zeros(s.shape[0])
    pole[row[first]] = col[first]
    cover[row[first]] = val[first]
    return pole, cover


# --- text ---------------------------------------------------------------------------------


#: Memoised formatters for the repetitive values of the sentences (counts, rounded
#: consultations, medians, whole percents): 36,000 sentences are built at each build.
_fmt = lru_cache(maxsize=65_536)(fmt_number)
_fmt_percent = lru_cache(maxsize=256)(fmt_percent)


def _below(x: float, limit: float) -> float:
    """``x`` to show with one decimal when it is under ``limit``: 1,958 must not read
    « 2,0 » next to « aucun site ne réunit 2,0 » — rounded down there, as usual elsewhere."""
    return math.floor(x * 10) / 10 if round(x, 1) >= limit > x else x


def _half_up(x: float, step: int) -> int:
    return int((Decimal(repr(float(x))) / step).quantize(Decimal(1), ROUND_HALF_UP)) * step


def _consultations(x: float) -> str:
    """About-figure: nearest 100 from 1,000 up, nearest 10 below."""
    return _fmt(_half_up(x, 100 if x >= 1000 else 10))


def _medecins(etp: float) -> str:
    if 0 < etp < 0.05:
        return "moins de 0,1 médecin à temps plein"
    text = fmt_number(etp, 1)
    plural = abs(float(text.replace(",", ".").replace("\u202f", ""))) >= 2
    return f"{text} médecin{'s' if plural else ''} à temps plein"


def _communes(n: int) -> str:
    return f"{_fmt(n)} commune{'s' if n >= 2 else ''}"


def _habitants(x: float) -> str:
    return f"{_fmt(x)} habitant{'s' if x >= 2 else ''}"


_VOYELLES = tuple("AEIOUYÂÀÉÈÊÎÏÔÛÜaeiouyâàéèêîïôûü")


def _de(nom: str) -> str:
    """« de » before a place name, contracted: du Havre, des Mureaux, d'Alissas."""
    if nom.startswith("Le "):
        return "du " + nom[3:]
    if nom.startswith("Les "):
        return "des " + nom[4:]
    if nom.startswith(_VOYELLES):
        return "d'" + nom
    return "de " + nom


def _a(nom: str) -> str:
    """« à » before a place name, contracted: au Havre, aux Mureaux, à Alissas."""
    if nom.startswith("Le "):
        return "au " + nom[3:]
    if nom.startswith("Les "):
        return "aux " + nom[4:]
    return "à " + nom


def _demi_journees(etp: float) -> str:
    demi = _half_up(etp * DEMI_JOURNEES_PAR_ETP, 1)
    if demi < 1:
        return "moins d'une demi-journée de consultation par semaine"
    return (
        f"environ {_fmt(demi)} demi-journée{'s' if demi >= 2 else ''} de consultation par semaine"
    )


def _raison(r: dict, p: ModalityParams, catchment: bool, rayon: str, seuil: str) -> str:
    """The French sentence for one territory (``r``: the row's figures; ``rayon`` and
    ``seuil`` already formatted). Only the figures a branch uses are formatted."""
    zone = f"à moins de {rayon} {_de(r['nom'])}" if catchment else "du territoire"
    sans_apl = ""
    if r["communes_sans_apl"] > 0:
        k = r["communes_sans_apl"]
        sans_apl = f" APL inconnue pour {_communes(k)}, non comptée{'s' if k >= 2 else ''}."
    rec = r["recommandation"]
    if rec == INDETERMINE:
        return f"APL inconnue pour toutes les communes {zone} : pas de recommandation possible."
    if not r["consultations_manquantes"] > 0:
        return (
            f"Aucune commune {zone} n'a une APL inférieure à {seuil} : pas de "
            f"consultations manquantes au regard de ce seuil.{sans_apl}"
        )
    lead = f"{zone[0].upper()}{zone[1:]}, il manque" if catchment else "Il manque"
    head = (
        f"{lead} environ {_consultations(r['consultations_manquantes'])} consultations "
        f"par an ({_medecins(r['etp_manquants'])})"
    )
    if rec == AUCUN and r.get("_sous_score"):
        return (
            f"{head}, mais le score de besoin ({_fmt(round(r['score_besoin']))} sur 100, "
            f"pondération par défaut) est inférieur à {_fmt(p.score_min_besoin)} : moins de "
            f"besoin que la moitié des territoires de ce niveau, pas d'intervention "
            f"prioritaire.{sans_apl}"
        )
    if rec == AUCUN:
        return (
            f"{head}, soit {_demi_journees(r['etp_manquants'])} : pas de besoin prioritaire "
            f"au regard du seuil d'APL de {seuil}.{sans_apl}"
        )
    # shares shown as whole percents that add up to 100
    part_pct = _half_up(100.0 * r["part_deficit_pole"], 1)
    part = _fmt_percent(part_pct, 0, ratio=False)
    reste = _fmt_percent(100 - part_pct, 0, ratio=False)
    pole = r["nom_pole"]
    if catchment:  # the pole's zone reaches beyond the catchment: say so
        centre = (
            f"{part} de ce déficit se trouve à moins de {rayon} {_de(pole)}, où un centre "
            f"fixe trouverait sa patientèle ({_medecins(r['etp_pole'])} manquent dans ce "
            "rayon)"
        )
    else:
        centre = (
            f"{part} de ce déficit se trouve à moins de {rayon} {_de(pole)} "
            f"({_medecins(r['etp_pole'])}) : un centre fixe y trouverait sa patientèle"
        )
    hors = r["communes_sous_dotees_hors_pole"]
    if hors:
        hors_text = f"se répartissent entre {_communes(hors)} sous-dotée{'s' if hors >= 2 else ''}"
        if np.isfinite(r["pop_mediane_hors_pole"]):
            hors_text += f" (population médiane {_habitants(r['pop_mediane_hors_pole'])})"
    else:
        hors_text = "restent hors de sa zone"
    if rec == CENTRE:
        if 1.0 - r["part_deficit_pole"] >= p.part_hors_pole_mixte:
            return (
                f"{head} ; {centre} ; les {reste} restants {hors_text}, où d'autres "
                f"centres fixes seraient à étudier.{sans_apl}"
            )
        return f"{head} ; {centre}.{sans_apl}"
    if rec == MIXTE:
        etp_hors = r["etp_manquants"] * (1.0 - r["part_deficit_pole"])
        bus = (
            "qu'un médicobus peut desservir"
            if etp_hors <= p.etp_min_centre
            else "que des médicobus peuvent desservir"
        )
        return f"{head} ; {centre} ; les {reste} restants {hors_text}, {bus}.{sans_apl}"
    # Médicobus
    n = r["communes_sous_dotees"]
    if n >= 2:
        dont = "dont " if n > NOMS_LISTES else ""
        spread = (
            f"réparti entre {_communes(n)} sous-dotées ({dont}"
            f"{r['communes_sous_dotees_liste']} ; population médiane "
            f"{_habitants(r['pop_mediane_communes_sous_dotees'])})"
        )
    else:
        spread = f"concentré {_a(pole)}"
    if r["etp_manquants"] < p.etp_min_centre:
        return (
            f"{head}, soit {_demi_journees(r['etp_manquants'])} : trop peu pour occuper "
            f"plusieurs médecins dans un centre fixe ; {spread}, ce besoin se prête aux "
            f"demi-journées d'un médicobus.{sans_apl}"
        )
    return (
        f"{head}, mais dispersées : aucun site ne réunit {_medecins(p.etp_min_centre)} "
        f"de déficit à moins de {rayon} (au mieux {fmt_number(_below(r['etp_pole'], p.etp_min_centre), 1)} autour "
        f"{_de(pole)}, {part} du déficit) ; {spread}, ce besoin se prête mieux à un "
        f"médicobus qu'à un centre fixe.{sans_apl}"
    )


# --- main entry point ---------------------------------------------------------------------

COLUMNS = (
    "niveau",
    "territoire",
    "consultations_manquantes",
    "etp_manquants",
    "commune_pole",
    "nom_pole",
    "part_deficit_pole",
    "etp_pole",
    "communes_sous_dotees",
    "population_sous_dotee",
    "pop_mediane_communes_sous_dotees",
    "communes_sous_dotees_hors_pole",
    "pop_mediane_hors_pole",
    "communes_sans_apl",
    "communes_sous_dotees_liste",
    "score_besoin",
    "deficit_disperse",
    "recommandation",
    "raison",
)


def _level_matrix(
    niveau: str, g: pd.DataFrame, position: pd.Series, a: sparse.csr_array, n: int
) -> tuple[np.ndarray, sparse.csr_array, np.ndarray]:
    """Territory codes, their 0/1 membership matrix (territory × commune) and the number
    of member communes absent from ``communes`` (no APL, no coordinates)."""
    if niveau == "commune":
        terr = pd.unique(g["territoire"].astype(str))
        pos = position.reindex(terr).to_numpy()
        found = ~np.isnan(pos)
        # an unknown commune points to an extra empty row: its territory is empty
        a_ext = sparse.csr_array(sparse.vstack([a, sparse.csr_array((1, n))]))
        m = sparse.csr_array(a_ext[np.where(found, pos, n).astype(np.int64)])
        return terr, m, (~found).astype(np.int64)
    g = g.drop_duplicates(["territoire", "commune"])
    codes_t, t_idx = np.unique(g["territoire"].astype(str).to_numpy(), return_inverse=True)
    terr = pd.unique(g["territoire"].astype(str))
    # keep the order of first appearance
    order = pd.Series(np.arange(len(terr)), index=terr).reindex(codes_t).to_numpy()
    t_idx = order[t_idx]
    pos = position.reindex(g["commune"].astype(str)).to_numpy()
    found = ~np.isnan(pos)
    m = sparse.csr_array(
        (np.ones(int(found.sum())), (t_idx[found], pos[found].astype(np.int64))),
        shape=(len(terr), n),
    )
    unknown = np.bincount(t_idx[~found], minlength=len(terr))
    return terr, m, unknown


#: Under-served communes named in a reason (the largest deficits first).
NOMS_LISTES = 3


def _largest_names(m: sparse.csr_array, noms: np.ndarray, k: int = NOMS_LISTES) -> list[str]:
    """Per row, the names of the ``k`` columns with the largest values, comma-joined."""
    out = []
    for r in range(m.shape[0]):
        lo, hi = m.indptr[r], m.indptr[r + 1]
        cols, vals = m.indices[lo:hi], m.data[lo:hi]
        top = cols[np.lexsort((cols, -vals))[:k]]
        out.append(", ".join(noms[top]))
    return out


def _names(terr: np.ndarray, position: pd.Series, noms: np.ndarray) -> np.ndarray:
    """Names of commune codes, the code itself when the commune is unknown."""
    pos = position.reindex(terr).to_numpy()
    found = ~np.isnan(pos)
    return np.where(found, noms[np.where(found, pos, 0).astype(np.int64)], terr)


def recommend(
    communes: pd.DataFrame,
    membership: pd.DataFrame,
    params: ModalityParams | None = None,
    *,
    model: TravelTimeModel | None = None,
    besoin: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fixed centre, médicobus, both or neither, per territory, with the reason.

    ``communes``: one row per commune with ``code, nom, lat, lon, apl,
    pop_standardisee, population`` (APL of one vintage). ``membership``: rows
    ``niveau, territoire, commune`` (table ``appartenance``); for ``niveau ==
    "commune"`` the territory is the commune's catchment (module docstring).

    Returns one row per (niveau, territoire), columns :data:`COLUMNS`:
    ``consultations_manquantes`` (``D``, per year), ``etp_manquants`` (``D / 5400``),
    ``commune_pole``/``nom_pole`` (the best site), ``part_deficit_pole`` and
    ``etp_pole`` (deficit within the radius of the pole), ``communes_sous_dotees``
    (APL below the target), ``population_sous_dotee`` (their total population),
    ``pop_mediane_communes_sous_dotees``, ``communes_sous_dotees_hors_pole`` and
    ``pop_mediane_hors_pole`` (under-served communes beyond the pole's radius),
    ``communes_sans_apl``, ``deficit_disperse``, ``recommandation`` (one of
    :data:`RECOMMANDATIONS`) and ``raison`` (a French sentence with the figures).

    Raises ValueError on a missing column or a duplicated commune code.
    """
    p = params or ModalityParams()
    need = {"code", "nom", "lat", "lon", "apl", "pop_standardisee", "population"}
    missing = need - set(communes.columns)
    if missing:
        raise ValueError(f"colonnes absentes de communes : {', '.join(sorted(missing))}")
    missing = {"niveau", "territoire", "commune"} - set(membership.columns)
    if missing:
        raise ValueError(f"colonnes absentes de membership : {', '.join(sorted(missing))}")
    communes = communes.assign(code=communes["code"].astype(str)).sort_values(
        "code", kind="stable"
    )  # the column order breaks ties between poles: smaller code first
    codes = communes["code"].to_numpy()
    dup = pd.Series(codes).duplicated()
    if dup.any():
        raise ValueError(f"codes commune en double : {', '.join(codes[dup.to_numpy()][:5])}")

    def num(col: str) -> np.ndarray:
        return pd.to_numeric(communes[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    apl, pop_std, pop = num("apl"), num("pop_standardisee"), num("population")
    noms = communes["nom"].astype(str).to_numpy()
    n = len(communes)
    deficit = np.maximum(0.0, p.apl_cible - apl) * pop_std
    known = np.isfinite(deficit)
    d = np.where(known, deficit, 0.0)
    under = (d > 0).astype(float)
    pop0 = np.where(np.isfinite(pop), pop, 0.0)
    a = adjacency(codes, num("lat"), num("lon"), p, model)
    a_d = sparse.csr_array(a @ sparse.diags_array(d))  # A[j, c] · d_c
    zone_deficit = a @ d  # Σ_{c∈B(j)} d_c for every commune j
    position = pd.Series(np.arange(n, dtype=float), index=codes)

    frames = []
    for niveau, g in membership.groupby("niveau", sort=False):
        terr, m, unknown = _level_matrix(str(niveau), g, position, a, n)
        total = m @ d
        n_known = m @ known.astype(float)
        if niveau == "commune":
            # candidates j ∈ B(i), valued by their whole zone's deficit Σ_{c∈B(j)} d_c
            cover = sparse.csr_array(m.multiply(zone_deficit[None, :]))
        else:
            # candidates j ∈ T, valued by Σ_{c ∈ T ∩ B(j)} d_c
            cover = sparse.csr_array(sparse.csr_array(m @ a_d.T).multiply(m))
        pole, cover_pole = _poles(cover, d, pop0 >= p.pop_min_pole)
        # no deficit in the territory itself: no site to propose (a pole would only be a
        # neighbour's need, and the profile would suggest a centre where none is needed)
        has_pole = (pole >= 0) & (total > 0)
        pole = np.where(has_pole, pole, -1)
        cover_pole = np.where(has_pole, cover_pole, 0.0)
        a_pole = sparse.csr_array(
            a[np.where(has_pole, pole, 0)].multiply(has_pole[:, None].astype(float))
        )
        in_zone = sparse.csr_array(m.multiply(a_pole)) @ d  # Σ_{c ∈ T ∩ B(pole)} d_c
        m_under = sparse.csr_array(m.multiply(under[None, :]))
        m_under.eliminate_zeros()
        liste = _largest_names(sparse.csr_array(m_under.multiply(d[None, :])), noms)
        m_in = sparse.csr_array(m_under.multiply(a_pole))
        m_out = sparse.csr_array(m_under - m_in)
        m_out.eliminate_zeros()
        n_under = m_under.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(total > 0, np.minimum(in_zone / total, 1.0), np.nan)
        frame = pd.DataFrame(
            {
                "niveau": str(niveau),
                "territoire": terr,
                "consultations_manquantes": np.where(n_known > 0, total, np.nan),
                "etp_manquants": np.where(n_known > 0, total / p.consultations_par_etp, np.nan),
                "commune_pole": np.where(has_pole, codes[np.maximum(pole, 0)], None),
                "nom_pole": np.where(has_pole, noms[np.maximum(pole, 0)], None),
                "part_deficit_pole": part,
                "etp_pole": np.where(has_pole, cover_pole / p.consultations_par_etp, np.nan),
                "communes_sous_dotees": n_under.astype(np.int64),
                "population_sous_dotee": m_under @ pop0,
                "pop_mediane_communes_sous_dotees": _row_median(m_under, pop0),
                "communes_sous_dotees_hors_pole": m_out.sum(axis=1).astype(np.int64),
                "communes_sans_apl": (m @ (~known).astype(float)).astype(np.int64) + unknown,
                "pop_mediane_hors_pole": _row_median(m_out, pop0),
                "communes_sous_dotees_liste": liste,
                "_n_known": n_known,
                "_nom": _names(terr, position, noms) if niveau == "commune" else None,
            }
        )
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    out["score_besoin"] = np.nan
    if besoin is not None and not besoin.empty:
        key = besoin.assign(territoire=besoin["territoire"].astype(str)).set_index(
            ["niveau", "territoire"]
        )["score"]
        idx = pd.MultiIndex.from_arrays([out["niveau"], out["territoire"].astype(str)])
        out["score_besoin"] = key.reindex(idx).to_numpy(dtype=float)
    _decide(out, p)
    return out[list(COLUMNS)]


def _decide(out: pd.DataFrame, p: ModalityParams) -> None:
    """Add ``deficit_disperse``, ``recommandation`` and ``raison`` (rule in the module
    docstring), in place."""
    etp = out["etp_manquants"].to_numpy(dtype=float, na_value=np.nan)
    etp_pole = out["etp_pole"].to_numpy(dtype=float, na_value=np.nan)
    part = out["part_deficit_pole"].to_numpy(dtype=float, na_value=np.nan)
    out["deficit_disperse"] = (out["communes_sous_dotees"] >= p.communes_min_dispersion) & (
        out["pop_mediane_communes_sous_dotees"] <= p.pop_max_commune_dispersee
    )
    # A fixed centre needs the territory's own deficit, and its pole's, to reach 2 FTE.
    pole_ok = (etp_pole >= p.etp_min_centre) & (etp >= p.etp_min_centre)
    centre_seul = pole_ok & (part >= p.part_min_pole) & (1.0 - part < p.part_hors_pole_mixte)
    hors_petites = out["pop_mediane_hors_pole"].to_numpy(dtype=float, na_value=np.nan) <= (
        p.pop_max_commune_dispersee
    )
    mixte = pole_ok & (1.0 - part >= p.part_hors_pole_mixte) & hors_petites
    rec = np.select(
        [
            out["_n_known"].to_numpy() == 0,
            ~(etp >= p.etp_min_besoin),
            centre_seul,
            mixte,
            pole_ok,
        ],
        [INDETERMINE, AUCUN, CENTRE, MIXTE, CENTRE],
        default=MEDICOBUS,
    )
    # Never contradict the need score: below the floor, no intervention is proposed.
    score = out["score_besoin"].to_numpy(dtype=float, na_value=np.nan)
    sous_score = np.isin(rec, [CENTRE, MIXTE, MEDICOBUS]) & (score < p.score_min_besoin)
    rec = np.where(sous_score, AUCUN, rec)
    out["_sous_score"] = sous_score
    out["recommandation"] = rec
    rayon = p.zone_text()
    seuil = fmt_number(p.apl_cible, 1)
    raisons = []
    for r in out.to_dict("records"):
        catchment = r["niveau"] == "commune"
        if catchment:
            r["nom"] = r["_nom"]
        raisons.append(_raison(r, p, catchment, rayon, seuil))
    out["raison"] = raisons
