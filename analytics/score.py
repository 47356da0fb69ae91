"""A transparent need score per territory: components, percentile ranks, user weights.

The score answers "where is the need greatest?" for territories of ONE level (communes,
EPCI, départements…). It is a weighted mean of components, every one of them shown,
documented and decomposed, so that a reader can see why a territory ranks where it does
and change the weights.

Method
------
1. Raw values (:func:`prepare_components`). Each component turns one indicator column
   into a raw value oriented so that **higher = more need** (``raw_<key>``). A missing
   input stays missing (``NaN``), it never becomes 0.
2. Normalisation. Each raw value becomes its percentile rank among the territories of
   the same level that have a value (``norm_<key>``)::

       norm_i = (r_i − 1) / (n − 1)

   where ``r_i`` is the rank of ``raw_i`` in ascending order (1 = smallest), tied
   values receiving the mean of their ranks, and ``n`` the number of territories with a
   value (``norm = 0.5`` when ``n = 1``). The territory with the least need gets 0, the
   one with the most need 1, and ``norm = 0.8`` reads "more need than about 80 % of the
   territories of this level". Ranks make components in different units (km, minutes,
   shares, people) comparable and keep one outlier (Paris, a remote island) from
   squashing everyone else into a corner of the scale. Tied territories share a value:
   all communes with no APL gap get the same, mid-rank, ``norm``.
3. Score (:func:`score`). With ``w_k ≥ 0`` the user's weights and ``A_i`` the weighted
   components available for territory ``i``::

       contrib_ik = 100 × w_k / Σ_{j∈A_i} w_j × norm_ik      (k ∈ A_i)
       score_i    = Σ_{k∈A_i} contrib_ik                     (0 to 100)

   A missing component is not counted as zero (that would make a territory look better
   served because a figure is not published): the remaining weights are renormalised
   for that territory and the component is listed in ``composantes_manquantes``
   (``complet`` is then False). Rank 1 is the highest score (most need); ties share
   the best rank.

The score is relative: 70 means "more need than most territories of this level", not
an absolute level of under-supply. The absolute figures are the raw values, kept
alongside.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from analytics.formatting import fmt_number

#: APL from which a territory is in the best-served class ("mieux doté", APL ≥ 4
#: consultations per standardised inhabitant; DREES/IRDES classes: < 2.5 sous-dense,
#: 2.5–4 intermediate, ≥ 4 well served; national mean about 3.75 in 2023).
APL_CIBLE_SCORE = 4.0


@dataclass(frozen=True)
class Component:
    """One component of the need score, documented for the user interface.

    ``direction`` is the sign of the relation between the *source column* and need
    (+1: a higher source value means more need; −1: a lower one does). The raw value
    ``raw_<key>`` is always oriented so that higher means more need.
    """

    key: str
    label: str
    definition: str
    columns: tuple[str, ...]
    direction: int
    why: str
    unit: str
    phrase: str  # noun phrase used in explain(): "l'écart d'APL apporte 30 points"


COMPONENTS: tuple[Component, ...] = (
    Component(
        key="ecart_apl",
        label="Écart à l'APL cible",
        definition=(
            "max(0 ; 4 − APL 2023) / 4 : part de l'accessibilité qui manque pour atteindre "
            "4 consultations par an et par habitant standardisé, seuil de la classe la "
            "mieux dotée. 0 dès que l'APL atteint 4."
        ),
        columns=("apl_2023",),
        direction=-1,
        why=(
            "L'APL (DREES/IRDES) est l'indicateur officiel d'accessibilité aux médecins "
            "généralistes. La cible 4 plutôt que le seuil de sous-densité 2,5 distingue "
            "aussi les territoires intermédiaires (2,5 à 4), proches de basculer."
        ),
        unit="part de l'APL cible",
        phrase="l'écart d'APL",
    ),
    Component(
        key="personnes_concernees",
        label="Habitants en zone sous-dense",
        definition=(
            "Nombre d'habitants des communes dont l'APL 2023 est inférieure à 2,5 "
            "(population totale). Classé par rang : une transformation logarithmique "
            "avant le classement ne changerait rien, le rang suffit à ce que les grandes "
            "villes n'écrasent pas les autres territoires."
        ),
        columns=("pop_apl_sous_2_5_2023",),
        direction=1,
        why=(
            "Mesure combien de personnes bénéficieraient d'une nouvelle offre : à écart "
            "égal, un territoire où 40 000 habitants sont en zone sous-dense passe avant "
            "un territoire où ils sont 400."
        ),
        unit="habitants",
        phrase="les habitants en zone sous-dense",
    ),
    Component(
        key="tendance",
        label="Baisse de l'APL depuis 2015",
        definition=(
            "−(APL 2023 − APL 2015), en consultations par habitant standardisé : positif "
            "quand l'accessibilité a baissé."
        ),
        columns=("evolution_apl_2015_2023",),
        direction=-1,
        why=(
            "Un territoire dont l'accès se dégrade depuis huit ans a besoin d'une réponse "
            "avant que l'écart ne se creuse."
        ),
        unit="consultations par habitant",
        phrase="la baisse de l'APL",
    ),
    Component(
        key="vieillissement",
        label="Part des 75 ans et plus",
        definition="Part de la population âgée de 75 ans ou plus (recensement).",
        columns=("part_75_plus",),
        direction=1,
        why=(
            "Les personnes âgées consultent plus souvent, ont plus de maladies chroniques "
            "et se déplacent moins facilement."
        ),
        unit="part de la population",
        phrase="la part des 75 ans et plus",
    ),
    Component(
        key="offre_plus_65",
        label="Offre assurée par des médecins de 65 ans et plus",
        definition=(
            "1 − APL des médecins de moins de 65 ans / APL, en 2023 : part de "
            "l'accessibilité qui disparaîtrait avec le départ en retraite des médecins "
            "de 65 ans et plus."
        ),
        columns=("part_offre_medecins_plus_65_2023",),
        direction=1,
        why=(
            "Risque de départ à court terme, mesuré au niveau local (commune et "
            "communes voisines), sur l'offre réellement accessible."
        ),
        unit="part de l'APL",
        phrase="l'offre des médecins de 65 ans et plus",
    ),
    Component(
        key="medecins_55_plus",
        label="Médecins de 55 ans et plus (département)",
        definition=(
            "Part des médecins âgés de 55 ans ou plus dans le département (toutes les "
            "communes d'un département ont la même valeur)."
        ),
        columns=("part_medecins_55_plus",),
        direction=1,
        why=(
            "Risque de départ à moyen terme (dix ans). Mesure départementale, plus "
            "grossière que l'offre des 65 ans et plus : poids plus faible par défaut."
        ),
        unit="part des médecins",
        phrase="les médecins de 55 ans et plus",
    ),
    Component(
        key="distance",
        label="Distance au généraliste le plus proche",
        definition=(
            "Kilomètres à vol d'oiseau jusqu'à la commune la plus proche où exerce un "
            "médecin généraliste (0 si la commune en a un) ; moyenne pondérée par la "
            "population au-dessus de la commune. Colonne fournie par l'appelant."
        ),
        columns=("km_generaliste",),
        direction=1,
        why=(
            "L'APL ne voit pas au-delà de 20 minutes de route : la distance distingue "
            "les communes isolées des communes sous-dotées mais proches d'une offre."
        ),
        unit="km",
        phrase="la distance au généraliste",
    ),
    Component(
        key="urgences",
        label="Temps d'accès aux urgences",
        definition="Temps de route moyen jusqu'au service d'urgences le plus proche (minutes).",
        columns=("minutes_urgences",),
        direction=1,
        why=(
            "Là où les urgences sont loin, le médecin généraliste est aussi le premier "
            "recours pour les soins non programmés."
        ),
        unit="minutes",
        phrase="l'éloignement des urgences",
    ),
    Component(
        key="ald_sans_mt",
        label="Patients en ALD sans médecin traitant",
        definition=(
            "Part (0 à 1) des patients en affection de longue durée sans médecin "
            "traitant déclaré, dans le département (Assurance maladie, mai 2023). "
            "Colonne fournie par l'appelant, manquante là où la part n'est pas publiée."
        ),
        columns=("part_ald_sans_medecin_traitant",),
        direction=1,
        why=(
            "Mesure directe du besoin non couvert chez les patients qui en ont le plus "
            "besoin. Publiée pour quelques départements seulement : poids 0 par défaut, "
            "sinon la plupart des territoires seraient notés sans elle."
        ),
        unit="part des patients en ALD",
        phrase="les patients en ALD sans médecin traitant",
    ),
)

COMPONENTS += (
    Component(
        key="densite_generalistes",
        label="Densité de généralistes",
        definition=(
            "Médecins généralistes en activité (RPPS, avril 2026) pour 10 000 habitants, "
            "classés à l'envers : moins il y en a, plus le besoin est grand."
        ),
        columns=("generalistes_pour_10000",),
        direction=-1,
        why=(
            "Seule mesure de l'offre de médecine générale là où la DREES ne publie pas "
            "d'APL (Mayotte) ; ailleurs l'APL la mesure mieux : poids 0 par défaut."
        ),
        unit="généralistes pour 10 000 habitants",
        phrase="la faible densité de généralistes",
    ),
    Component(
        key="acces_dentaire",
        label="Accès aux chirurgiens-dentistes",
        definition=(
            "APL 2023 aux chirurgiens-dentistes (DREES, ETP pour 100 000 habitants "
            "standardisés), classée à l'envers : plus elle est basse, plus le besoin est "
            "grand. Aucun seuil officiel n'existe pour cette profession : seul le rang compte."
        ),
        columns=("apl_dentistes_2023",),
        direction=-1,
        why=(
            "Un centre pluriprofessionnel ou un médicobus peut offrir des soins dentaires "
            "(jours dentaires du médicobus du Tarn, centre de Romans-sur-Isère) : "
            "composante facultative, poids 0 sauf dans le préréglage pluriprofessionnel."
        ),
        unit="ETP/100 000 hab. std.",
        phrase="le faible accès aux dentistes",
    ),
)

COMPONENT_BY_KEY: dict[str, Component] = {c.key: c for c in COMPONENTS}

#: Components that exist only where the DREES publishes an APL (not in Mayotte nor in
#: the overseas collectivities): where it publishes none they are missing by design,
#: named as missing, and left out of the minimum weight share (see :func:`score`).
APL_COMPONENTS = frozenset(
    {"ecart_apl", "personnes_concernees", "tendance", "offre_plus_65", "acces_dentaire"}
)

#: Weights in percent of the total (they need not sum to 100: only their ratios matter).
PRESETS: dict[str, dict[str, float]] = {
    # Every dimension counts; access today (gap + people) carries 45 %.
    "Équilibré": {
        "ecart_apl": 25.0,
        "personnes_concernees": 20.0,
        "tendance": 10.0,
        "vieillissement": 10.0,
        "offre_plus_65": 10.0,
        "medecins_55_plus": 5.0,
        "distance": 10.0,
        "urgences": 10.0,
        "ald_sans_mt": 0.0,
        "densite_generalistes": 0.0,
        "acces_dentaire": 0.0,
    },
    # Where access is worst now and where most people are affected.
    "Accès actuel": {
        "ecart_apl": 40.0,
        "personnes_concernees": 35.0,
        "tendance": 0.0,
        "vieillissement": 0.0,
        "offre_plus_65": 0.0,
        "medecins_55_plus": 0.0,
        "distance": 15.0,
        "urgences": 10.0,
        "ald_sans_mt": 0.0,
        "densite_generalistes": 0.0,
        "acces_dentaire": 0.0,
    },
    # Ageing patients and ageing doctors: the need of the next ten years.
    "Vieillissement": {
        "ecart_apl": 10.0,
        "personnes_concernees": 10.0,
        "tendance": 0.0,
        "vieillissement": 35.0,
        "offre_plus_65": 30.0,
        "medecins_55_plus": 15.0,
        "distance": 0.0,
        "urgences": 0.0,
        "ald_sans_mt": 0.0,
        "densite_generalistes": 0.0,
        "acces_dentaire": 0.0,
    },
    # Where access is falling fastest.
    "Tendance": {
        "ecart_apl": 20.0,
        "personnes_concernees": 15.0,
        "tendance": 50.0,
        "vieillissement": 0.0,
        "offre_plus_65": 15.0,
        "medecins_55_plus": 0.0,
        "distance": 0.0,
        "urgences": 0.0,
        "ald_sans_mt": 0.0,
        "densite_generalistes": 0.0,
        "acces_dentaire": 0.0,
    },
    # A multi-professional centre (GPs, dentists, midwives, as in Romans-sur-Isère):
    # access to GPs and to dentists together.
    "Centre pluriprofessionnel": {
        "ecart_apl": 25.0,
        "personnes_concernees": 20.0,
        "tendance": 0.0,
        "vieillissement": 10.0,
        "offre_plus_65": 5.0,
        "medecins_55_plus": 0.0,
        "distance": 10.0,
        "urgences": 5.0,
        "ald_sans_mt": 0.0,
        "densite_generalistes": 0.0,
        "acces_dentaire": 25.0,
    },
}

DEFAULT_PRESET = "Équilibré"
#: A territory is scored only when its available components carry at least half of the
#: total weight (see :func:`score`).
MIN_WEIGHT_SHARE = 0.5
DEFAULT_WEIGHTS: dict[str, float] = dict(PRESETS[DEFAULT_PRESET])


#: Components whose raw value 0 (or less) means "no need on this count": they bring 0
#: points then, whatever the share of territories in that case.
NO_NEED_AT_ZERO = frozenset({"ecart_apl", "personnes_concernees", "tendance", "distance"})


def percentile_rank(values: pd.Series | np.ndarray) -> np.ndarray:
    """Percentile rank in [0, 1]: ``(r − 1) / (n − 1)``, ties averaged, NaN kept NaN.

    ``r`` is the ascending rank (1 = smallest) among the ``n`` non-missing values; with
    ``n = 1`` the single value gets 0.5 (neither the best nor the worst).
    Example: ``[10, 20, 20, 40, NaN]`` → ``[0, 0.5, 0.5, 1, NaN]``.
    """
    s = pd.Series(np.asarray(values, dtype=float))
    s = s.where(np.isfinite(s))
    n = int(s.notna().sum())
    if n == 0:
        return np.full(len(s), np.nan)
    if n == 1:
        return np.where(s.notna(), 0.5, np.nan)
    ranks = s.rank(method="average", na_option="keep").to_numpy()
    return (ranks - 1.0) / (n - 1.0)


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric column as float, all-NaN when the caller did not provide it."""
    if name not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def prepare_components(df: pd.DataFrame) -> pd.DataFrame:
    """Raw and normalised components for territories of ONE level.

    ``df`` holds indicator rows (table ``indicateurs``) of a single level, plus the
    caller-provided ``km_generaliste`` and ``part_ald_sans_medecin_traitant`` columns
    when available. A source column absent from ``df`` makes the component missing
    for every territory (it is then flagged by :func:`score` if weighted).

    Returns a frame indexed like ``df`` with ``raw_<key>`` (oriented: higher = more
    need, see :data:`COMPONENTS`) and ``norm_<key>`` (percentile rank, see
    :func:`percentile_rank`) for every component. Missing input → NaN, never 0.

    Raises ValueError when ``df`` mixes several levels (column ``niveau``).
    """
    if "niveau" in df.columns and df["niveau"].nunique(dropna=True) > 1:
        niveaux = ", ".join(sorted(map(str, df["niveau"].dropna().unique())))
        raise ValueError(f"prepare_components attend un seul niveau, reçu : {niveaux}")
    apl = _column(df, "apl_2023")
    raw = {
        "ecart_apl": np.maximum(0.0, APL_CIBLE_SCORE - apl) / APL_CIBLE_SCORE,
        "personnes_concernees": _column(df, "pop_apl_sous_2_5_2023"),
        "tendance": -_column(df, "evolution_apl_2015_2023"),
        "vieillissement": _column(df, "part_75_plus"),
        "offre_plus_65": _column(df, "part_offre_medecins_plus_65_2023"),
        "medecins_55_plus": _column(df, "part_medecins_55_plus"),
        "distance": _column(df, "km_generaliste"),
        "urgences": _column(df, "minutes_urgences"),
        "ald_sans_mt": _column(df, "part_ald_sans_medecin_traitant"),
        "densite_generalistes": -_column(df, "generalistes_pour_10000"),
        "acces_dentaire": -_column(df, "apl_dentistes_2023"),
    }
    assert set(raw) == set(COMPONENT_BY_KEY)
    out: dict[str, np.ndarray] = {}
    for c in COMPONENTS:
        values = np.where(np.isfinite(raw[c.key]), raw[c.key], np.nan)
        out[f"raw_{c.key}"] = values
        norm = percentile_rank(values)
        if c.key in NO_NEED_AT_ZERO:
            # No gap, nobody under 2.5, no decline, a GP in the commune: no need, no
            # points (tied zeros would otherwise share an average rank above 0).
            norm = np.where(values <= 0, 0.0, norm)
        out[f"norm_{c.key}"] = norm
    # No APL published at all (Mayotte, overseas collectivities): see APL_COMPONENTS.
    out["sans_apl"] = ~np.isfinite(apl)
    return pd.DataFrame(out, index=df.index)


def validate_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Check weights and return them for every component (absent keys → 0).

    Raises ValueError on an unknown key (naming it), a negative or non-finite weight,
    or when all weights are zero.
    """
    unknown = [k for k in weights if k not in COMPONENT_BY_KEY]
    if unknown:
        known = ", ".join(COMPONENT_BY_KEY)
        raise ValueError(
            f"composante inconnue : {', '.join(map(repr, unknown))} (connues : {known})"
        )
    full: dict[str, float] = {}
    for c in COMPONENTS:
        w = weights.get(c.key, 0.0)
        try:
            w = float(w)
        except (TypeError, ValueError):
            raise ValueError(f"poids non numérique pour {c.key!r} : {w!r}") from None
        if not math.isfinite(w):
            raise ValueError(f"poids non fini pour {c.key!r} : {w!r}")
        if w < 0:
            raise ValueError(f"poids négatif pour {c.key!r} : {w!r}")
        full[c.key] = w
    if not any(full.values()):
        raise ValueError("tous les poids sont nuls : au moins une composante doit compter")
    return full


def score(
    components: pd.DataFrame,
    weights: Mapping[str, float],
    min_weight_share: float = MIN_WEIGHT_SHARE,
) -> pd.DataFrame:
    """Weighted score of each territory, its rank and its decomposition.

    ``components`` comes from :func:`prepare_components` (only the ``norm_<key>``
    columns of positively weighted components are needed). Formulas in the module
    docstring: for territory ``i`` and its available weighted components ``A_i``,
    ``contrib_ik = 100 · w_k / Σ_{j∈A_i} w_j · norm_ik`` and
    ``score_i = Σ_k contrib_ik``.

    A territory whose available components carry less than ``min_weight_share`` of the
    total weight is not scored (``score`` NaN, no rank, contributions NaN) but keeps its
    list of missing components: without this floor, an overseas collectivity with only
    the distance published would rank first on that single figure.

    Returns a frame indexed like ``components`` with:

    - ``score`` (0–100; NaN when the available weight share is below
      ``min_weight_share``),
    - ``rang`` (1 = most need; ties share the best rank; missing when no score),
    - ``nb_territoires`` (territories ranked, for "rang 15 sur 1 255"),
    - ``contrib_<key>`` for every component (0 when its weight is 0, NaN when it is
      weighted but missing for the territory, or when the territory is not scored);
      their ``nansum`` equals ``score``,
    - ``composantes_manquantes`` (French labels of the weighted components missing for
      the territory, comma-joined; "" when none) and ``complet`` (bool).

    Raises ValueError on invalid weights (see :func:`validate_weights`) or when a
    weighted component has no ``norm_<key>`` column.
    """
    full = validate_weights(weights)
    active = [c for c in COMPONENTS if full[c.key] > 0]
    absent = [f"norm_{c.key}" for c in active if f"norm_{c.key}" not in components.columns]
    if absent:
        raise ValueError(f"colonnes absentes pour des composantes pondérées : {', '.join(absent)}")

    n = len(components)
    norm = np.column_stack(
        [components[f"norm_{c.key}"].to_numpy(dtype=float, na_value=np.nan) for c in active]
    ).reshape(n, len(active))
    w = np.array([full[c.key] for c in active])
    present = np.isfinite(norm)
    w_present = present * w  # (n, k): the weight where the component is available
    total = w_present.sum(axis=1)
    # Where no APL is published, the APL components are missing by design: the floor is
    # taken on the other weighted components only (the territory is still scored on what
    # it has, and the APL components are named as missing).
    apl_weight = w * np.array([c.key in APL_COMPONENTS for c in active], dtype=float)
    sans_apl = (
        components["sans_apl"].to_numpy(dtype=bool)
        if "sans_apl" in components.columns
        else np.zeros(n, dtype=bool)
    )
    floor_base = np.where(sans_apl, w.sum() - apl_weight.sum(), w.sum())
    scored = (total > 0) & (total >= min_weight_share * floor_base)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = w_present / total[:, None]
    contrib = np.where(
        present & scored[:, None], 100.0 * share * np.where(present, norm, 0.0), np.nan
    )
    values = np.where(scored, np.nansum(np.where(present, contrib, 0.0), axis=1), np.nan)

    out = pd.DataFrame(index=components.index)
    out["score"] = values
    rang = pd.Series(values, index=components.index).rank(
        method="min", ascending=False, na_option="keep"
    )
    out["rang"] = rang.astype("Int64")
    out["nb_territoires"] = int(scored.sum())
    active_pos = {c.key: j for j, c in enumerate(active)}
    for c in COMPONENTS:
        j = active_pos.get(c.key)
        out[f"contrib_{c.key}"] = 0.0 if j is None else contrib[:, j]

    # Missing-component labels: one string per distinct pattern, not per row.
    codes = (~present).astype(np.int64) @ (1 << np.arange(len(active), dtype=np.int64))
    labels = {
        int(code): ", ".join(c.label for j, c in enumerate(active) if code >> j & 1)
        for code in np.unique(codes)
    }
    out["composantes_manquantes"] = pd.Series(codes, index=components.index).map(labels)
    out["complet"] = codes == 0
    return out


def _round_half_up(x: float) -> int:
    """Rounding as :mod:`analytics.formatting` displays it (half away from zero)."""
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _largest_remainder(values: list[float], total: int) -> list[int]:
    """Integers summing to ``total``, each the floor of its value or one more
    (largest fractional parts first): displayed points add up to the displayed score."""
    floors = [math.floor(v) for v in values]
    extra = total - sum(floors)
    order = sorted(range(len(values)), key=lambda i: values[i] - floors[i], reverse=True)
    for i in order[: max(0, extra)]:
        floors[i] += 1
    return floors


def _join_fr(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def score_components(row: pd.Series) -> pd.DataFrame:
    """The decomposition of one ranked territory's score: ``composante`` (label) and
    ``contribution`` (points), the components that bring points, in catalogue order —
    the table behind the decomposition chart of the priorities, the profile and the PDF."""
    return pd.DataFrame(
        [
            {"composante": c.label, "contribution": float(row[f"contrib_{c.key}"])}
            for c in COMPONENTS
            if pd.notna(row.get(f"contrib_{c.key}")) and row[f"contrib_{c.key}"] > 0
        ],
        columns=["composante", "contribution"],
    )


def explain(row: pd.Series) -> str:
    """One French sentence that decomposes a territory's score.

    ``row`` is a row of :func:`score`'s result, e.g.
    « Score 72/100 (rang 15 sur 1 255) : l'écart d'APL apporte 30 points, les habitants
    en zone sous-dense 20 points et la baisse de l'APL 22 points. »
    Points are rounded so that they add up to the displayed score (largest remainder);
    components bringing 0 point are left out; missing components are named.
    """
    value = row.get("score")
    if value is None or pd.isna(value):
        manquantes = row.get("composantes_manquantes") or ""
        suffix = f" (non disponibles : {manquantes})" if manquantes else ""
        return (
            "Score non calculé : les composantes renseignées pèsent moins de la moitié "
            f"des poids{suffix}."
        )
    shown = _round_half_up(float(value))
    parts: list[tuple[Component, float]] = []
    for c in COMPONENTS:
        v = row.get(f"contrib_{c.key}")
        if v is not None and not pd.isna(v):
            parts.append((c, float(v)))
    points = _largest_remainder([v for _, v in parts], shown)
    items = sorted(
        ((c, p) for (c, _), p in zip(parts, points, strict=True) if p > 0),
        key=lambda cp: -cp[1],
    )
    phrases = [
        f"{c.phrase} apporte{'nt' if c.phrase.startswith('les ') else ''} "
        f"{fmt_number(p)} point{'s' if p >= 2 else ''}"
        if i == 0
        else f"{c.phrase} {fmt_number(p)} point{'s' if p >= 2 else ''}"
        for i, (c, p) in enumerate(items)
    ]
    head = f"Score {fmt_number(value, 0)}/100"
    rang = row.get("rang")
    nb = row.get("nb_territoires")
    if rang is not None and not pd.isna(rang) and nb is not None and not pd.isna(nb):
        head += f" (rang {fmt_number(int(rang))} sur {fmt_number(int(nb))})"
    text = head + (" : " + _join_fr(phrases) if phrases else " : aucune composante ne pèse")
    text += "."
    manquantes = row.get("composantes_manquantes") or ""
    if manquantes:
        text += (
            f" Non disponible{'s' if ',' in manquantes else ''} : {manquantes} "
            "(poids réparti sur les autres composantes)."
        )
    return text
