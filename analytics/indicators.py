"""The indicator catalogue: every figure the app shows, with its definition and source.

This is also the allow-list of indicator columns: a page may only ask the database for
a column named here. A test fails when an indicator of the ``indicateurs`` table has no
entry, or an entry has no definition or source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from analytics.professions import PROFESSIONS, QUANTILE_BAS, Profession

APL_YEARS: tuple[int, ...] = (2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023)
SEUIL_SOUS_DENSE = 2.5
SEUIL_INTERMEDIAIRE = 4.0
TRAITEMENT = "traitement Déserts médicaux"

APL_DEF = (
    "Accessibilité potentielle localisée (DREES) : nombre de consultations ou visites de "
    "médecine générale accessibles par an et par habitant standardisé, en tenant compte de "
    "l'offre des communes à moins de 20 minutes (poids 1, 2/3, 1/3 par tranche de 5 min au-delà "
    "de 10 min) et de la demande qui s'y adresse. Agrégée par moyenne pondérée par la "
    "population standardisée, comme la DREES le prescrit."
)


@dataclass(frozen=True)
class Indicator:
    key: str  # column of the ``indicateurs`` table
    label: str
    unit: str
    kind: str  # formatting: apl, int, float, percent, minutes, signed
    definition: str
    sources: tuple[str, ...]  # source keys of the catalogue
    vintage: str
    higher_is_worse: bool | None = None  # None: neither (context)
    decimals: int = 1
    profession: str = "generalistes"  # profession key, or "contexte"
    series: str | None = None  # key shared by the vintages of one figure (history charts)
    year: int | None = None  # vintage of the value
    aggregation: str = ""  # how a territory's value is made from its communes
    weight: str | None = None  # the weight column of a weighted mean
    threshold: str | None = None  # official thresholds, or why there is none


def _apl(year: int) -> Indicator:
    src = ("apl_drees",) if year >= 2022 else ("apl_historique",)
    note = (
        ""
        if year >= 2022
        else " Valeurs communales publiées à 2 décimales ; pondération par la population "
        "standardisée du millésime 2022, la plus proche disponible. Paris, Lyon, Marseille et "
        "les communes de Corse n'ont pas de valeur dans la série historique : les agrégats de "
        "ce millésime les excluent (la Corse et Paris n'en ont donc pas)."
    )
    return Indicator(
        f"apl_{year}",
        f"APL aux médecins généralistes {year}",
        "consultations/an/hab. std.",
        "apl",
        APL_DEF + note,
        src,
        f"APL {year}",
        higher_is_worse=False,
        decimals=2,
        series="apl",
        year=year,
        aggregation="moyenne pondérée",
        weight="population standardisée",
        threshold="2,5 (sous-densité, zonage ARS) et 4 consultations/an/hab. std.",
    )


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "population",
        "Population",
        "habitants",
        "int",
        "Population municipale légale (recensement 2023, en vigueur au 1er janvier 2026).",
        ("communes",),
        "populations légales 2023",
        decimals=0,
    ),
    Indicator(
        "superficie_km2",
        "Superficie",
        "km²",
        "float",
        "Superficie géodésique des communes (contours ADMIN EXPRESS), sommée.",
        ("geo_centroids",),
        "ADMIN EXPRESS 2025",
        decimals=0,
    ),
    Indicator(
        "densite",
        "Densité de population",
        "hab./km²",
        "float",
        "Population légale 2023 divisée par la superficie.",
        ("communes", "geo_centroids"),
        "2023",
        decimals=0,
    ),
    Indicator(
        "medecins_generalistes",
        "Médecins généralistes en activité (RPPS)",
        "médecins",
        "int",
        "Médecins généralistes en activité (libéraux et salariés) inscrits au RPPS avec une "
        "commune d'exercice ; un médecin exerçant dans deux communes compte dans chacune. "
        "Ce n'est pas un nombre de généralistes libéraux.",
        ("rpps_communes",),
        "RPPS avril 2026",
        decimals=0,
    ),
    Indicator(
        "generalistes_pour_10000",
        "Généralistes en activité pour 10 000 habitants",
        "pour 10 000 hab.",
        "float",
        "Médecins généralistes en activité (RPPS, libéraux et salariés) rapportés à la "
        "population légale 2023. Une densité, pas une accessibilité : elle ignore l'offre des "
        "communes voisines et l'activité réelle des médecins (voir l'APL). Les généralistes "
        "salariés d'un hôpital ou d'un établissement comptent dans sa commune : une petite "
        "commune qui en accueille un affiche une densité très élevée sans que ses habitants "
        "soient mieux servis.",
        ("rpps_communes", "communes"),
        "RPPS avril 2026",
        higher_is_worse=False,
    ),
    Indicator(
        "medecins_total",
        "Médecins en activité, toutes spécialités (RPPS)",
        "médecins",
        "int",
        "Médecins en activité toutes spécialités (RPPS), comptés par commune d'exercice.",
        ("rpps_communes",),
        "RPPS avril 2026",
        decimals=0,
    ),
    Indicator(
        "medecins_pour_10000",
        "Médecins en activité pour 10 000 habitants",
        "pour 10 000 hab.",
        "float",
        "Médecins en activité toutes spécialités (RPPS) rapportés à la population légale 2023.",
        ("rpps_communes", "communes"),
        "RPPS avril 2026",
        higher_is_worse=False,
    ),
    Indicator(
        "omnipraticiens_liberaux_2017",
        "Médecins omnipraticiens libéraux en 2017 (BPE)",
        "médecins",
        "int",
        "Médecins omnipraticiens libéraux (équipement D201 de la BPE 2017), pour comparaison "
        "historique. France métropolitaine hors Paris seulement ; non comparable aux "
        "effectifs RPPS 2026, qui incluent les salariés.",
        ("bpe2017",),
        "BPE 2017",
        decimals=0,
    ),
    Indicator(
        "omnipraticiens_liberaux_2017_pour_10000",
        "Omnipraticiens libéraux 2017 pour 10 000 habitants (BPE)",
        "pour 10 000 hab.",
        "float",
        "Omnipraticiens libéraux 2017 (BPE) rapportés à la population 2023 des communes "
        "couvertes (métropole hors Paris).",
        ("bpe2017", "communes"),
        "BPE 2017",
        higher_is_worse=False,
    ),
    *(_apl(y) for y in APL_YEARS),
    Indicator(
        "evolution_apl_2015_2023",
        "Évolution de l'APL 2015 → 2023",
        "consultations/an/hab. std.",
        "signed",
        "APL 2023 moins APL 2015, chacune agrégée par population standardisée, sur les seules "
        "communes présentes les deux années (périmètre constant : Paris, Lyon, Marseille et "
        "la Corse, sans valeur dans la série 2015, sont exclus des deux côtés).",
        ("apl_drees", "apl_historique"),
        "APL 2015 et 2023",
        higher_is_worse=False,
        decimals=2,
    ),
    Indicator(
        "evolution_apl_2022_2023",
        "Évolution de l'APL 2022 → 2023",
        "consultations/an/hab. std.",
        "signed",
        "APL 2023 moins APL 2022 (classeur officiel DREES).",
        ("apl_drees",),
        "APL 2022 et 2023",
        higher_is_worse=False,
        decimals=2,
    ),
    Indicator(
        "apl_moins_65_2023",
        "APL 2023 aux généralistes de 65 ans ou moins",
        "consultations/an/hab. std.",
        "apl",
        "APL calculée par la DREES en ne retenant que l'offre des médecins de 65 ans ou moins.",
        ("apl_drees",),
        "APL 2023",
        higher_is_worse=False,
        decimals=2,
    ),
    Indicator(
        "part_offre_medecins_plus_65_2023",
        "Part de l'offre assurée par des généralistes de plus de 65 ans",
        "%",
        "percent",
        "1 − APL aux moins de 65 ans / APL : part de l'accessibilité qui disparaîtrait au départ "
        "en retraite des médecins de plus de 65 ans.",
        ("apl_drees",),
        "APL 2023",
        higher_is_worse=True,
    ),
    Indicator(
        "pop_apl_sous_2_5_2023",
        "Habitants d'une commune où l'APL est inférieure à 2,5",
        "habitants",
        "int",
        "Population totale (DREES, population 2021) des communes — ou arrondissements à Paris, "
        "Lyon, Marseille — dont l'APL 2023 est strictement inférieure à 2,5, seuil de "
        "sous-densité retenu pour le zonage des ARS. Compte en population totale, comme la "
        "DREES le prescrit.",
        ("apl_drees",),
        "APL 2023",
        higher_is_worse=True,
        decimals=0,
    ),
    Indicator(
        "part_pop_apl_sous_2_5_2023",
        "Part de la population en commune sous-dense (APL < 2,5)",
        "%",
        "percent",
        "Habitants des communes dont l'APL 2023 est inférieure à 2,5, rapportés à la population "
        "couverte par l'APL (France hors Mayotte et COM).",
        ("apl_drees",),
        "APL 2023",
        higher_is_worse=True,
    ),
    Indicator(
        "part_pop_apl_2_5_4_2023",
        "Part de la population en zone intermédiaire (APL 2,5 à 4)",
        "%",
        "percent",
        "Habitants des communes dont l'APL 2023 est comprise entre 2,5 (inclus) et 4 (exclu).",
        ("apl_drees",),
        "APL 2023",
    ),
    Indicator(
        "part_pop_apl_4_plus_2023",
        "Part de la population en zone mieux dotée (APL ≥ 4)",
        "%",
        "percent",
        "Habitants des communes dont l'APL 2023 est supérieure ou égale à 4.",
        ("apl_drees",),
        "APL 2023",
        higher_is_worse=False,
    ),
    Indicator(
        "part_pop_apl_sous_2_5_2022",
        "Part de la population en commune sous-dense en 2022",
        "%",
        "percent",
        "Habitants des communes dont l'APL 2022 est inférieure à 2,5, rapportés à la population "
        "couverte par l'APL 2022 (population 2020).",
        ("apl_drees",),
        "APL 2022",
        higher_is_worse=True,
    ),
    Indicator(
        "part_75_plus",
        "Part des habitants de 75 ans et plus",
        "%",
        "percent",
        "Habitants de 75 ans et plus rapportés à la population (recensement 2020), moyenne "
        "pondérée par la population.",
        ("apl_historique",),
        "RP 2020",
        higher_is_worse=True,
    ),
    Indicator(
        "minutes_urgences",
        "Temps d'accès aux urgences",
        "minutes",
        "minutes",
        "Minutes de route jusqu'au service d'urgences ou SMUR le plus proche (DREES, 2019), "
        "moyenne pondérée par la population. Non publié pour Paris, Lyon et Marseille dans "
        "cette série : les agrégats les excluent (Paris n'a donc pas de valeur).",
        ("apl_historique",),
        "DREES 2019",
        higher_is_worse=True,
        decimals=0,
    ),
    Indicator(
        "communes_avec_msp",
        "Communes avec une maison de santé pluriprofessionnelle",
        "communes",
        "int",
        "Communes où FINESS recense une MSP (catégorie 603), commune déduite du code postal : "
        "approximatif.",
        ("apl_historique",),
        "FINESS mars 2026",
        decimals=0,
    ),
    Indicator(
        "part_medecins_55_plus",
        "Part des médecins de 55 ans et plus (département)",
        "%",
        "percent",
        "Part des médecins de 55 ans et plus, toutes spécialités et tous modes d'exercice, dans "
        "le département (DREES, RPPS au 1er janvier 2025) ; pour un territoire couvrant "
        "plusieurs départements, moyenne pondérée par la population.",
        ("drees_medecins_55",),
        "RPPS 2025",
        higher_is_worse=True,
    ),
    Indicator(
        "tcam_effectif_medecins_pct",
        "Évolution annuelle des effectifs de médecins 2012–2025 (département)",
        "% par an",
        "signed",
        "Taux de croissance annuel moyen du nombre de médecins du département, 2012 à 2025.",
        ("drees_medecins_55",),
        "RPPS 2012–2025",
        higher_is_worse=False,
        decimals=2,
    ),
)

# Counts and denominators: shown in tables and downloads, with their definition too.
INDICATORS += (
    Indicator(
        "nb_communes",
        "Nombre de communes",
        "communes",
        "int",
        "Communes du COG 2026 dans le territoire.",
        ("communes",),
        "COG 2026",
        decimals=0,
    ),
    Indicator(
        "communes_avec_generaliste",
        "Communes où exerce au moins un généraliste",
        "communes",
        "int",
        "Communes comptant au moins un médecin généraliste en activité au RPPS.",
        ("rpps_communes",),
        "RPPS avril 2026",
        decimals=0,
    ),
    Indicator(
        "pop_standardisee_2023",
        "Population standardisée 2023",
        "habitants standardisés",
        "int",
        "Population pondérée par la consommation de soins de médecine générale selon l'âge "
        "(DREES, population 2021) : le poids des moyennes d'APL.",
        ("apl_drees",),
        "APL 2023",
        decimals=0,
    ),
    Indicator(
        "pop_couverte_apl_2023",
        "Population couverte par l'APL 2023",
        "habitants",
        "int",
        "Population totale (2021) des communes ayant une APL 2023 : France hors Mayotte et COM.",
        ("apl_drees",),
        "APL 2023",
        decimals=0,
    ),
    Indicator(
        "pop_apl_2_5_4_2023",
        "Habitants en zone intermédiaire (APL 2,5 à 4)",
        "habitants",
        "int",
        "Population totale des communes dont l'APL 2023 est comprise entre 2,5 inclus et 4 exclu.",
        ("apl_drees",),
        "APL 2023",
        decimals=0,
    ),
    Indicator(
        "pop_apl_4_plus_2023",
        "Habitants en zone mieux dotée (APL ≥ 4)",
        "habitants",
        "int",
        "Population totale des communes dont l'APL 2023 est supérieure ou égale à 4.",
        ("apl_drees",),
        "APL 2023",
        decimals=0,
    ),
    Indicator(
        "pop_apl_sous_2_5_2022",
        "Habitants d'une commune sous-dense en 2022",
        "habitants",
        "int",
        "Population totale (2020) des communes dont l'APL 2022 est inférieure à 2,5.",
        ("apl_drees",),
        "APL 2022",
        higher_is_worse=True,
        decimals=0,
    ),
    Indicator(
        "pop_evolution_2015_2023",
        "Population du périmètre de l'évolution 2015 → 2023",
        "habitants",
        "int",
        "Population totale (2021) des communes ayant une APL en 2015 et en 2023 : le périmètre "
        "sur lequel l'évolution est calculée.",
        ("apl_drees", "apl_historique"),
        "APL 2015 et 2023",
        decimals=0,
    ),
)

NO_THRESHOLD = (
    "Aucun seuil officiel de sous-densité n'existe pour cette profession (la DREES n'en "
    "publie pas ; le seuil de 2,5 concerne les seuls médecins généralistes)."
)


def profession_indicators(p: Profession) -> tuple[Indicator, ...]:
    """The indicators of one profession of the catalogue; keys match the SQL models."""
    src = (p.source,)
    apl_def = (
        f"Accessibilité potentielle localisée aux {p.label} (DREES) : {p.unit_long} "
        "accessibles, compte tenu de l'offre des communes proches (décroissance avec le temps "
        "de trajet, paramètres du classeur DREES) et de la demande qui s'y adresse. "
        f"Agrégée par moyenne pondérée par la {p.weight_label} de la profession, comme la "
        "DREES le prescrit. Unité différente de l'APL aux médecins généralistes."
    )
    threshold = p.threshold_text or NO_THRESHOLD
    out: list[Indicator] = []
    for year in p.years:
        common = dict(sources=src, vintage=f"APL {year}", profession=p.key, year=year)
        out += [
            Indicator(
                p.indicator(year),
                f"APL aux {p.label} {year}",
                p.unit,
                "float",
                apl_def,
                higher_is_worse=False,
                decimals=p.decimals,
                series=f"apl_{p.key}",
                aggregation="moyenne pondérée",
                weight=p.weight_label,
                threshold=threshold,
                **common,
            ),
            Indicator(
                f"pop_standardisee_{p.key}_{year}",
                f"{p.weight_label.capitalize()} ({p.label}) {year}",
                "habitants standardisés",
                "int",
                f"Population pondérée par la consommation de soins de {p.label} selon l'âge "
                f"(classeur DREES) : le poids des moyennes d'APL aux {p.label}.",
                decimals=0,
                series=f"pop_standardisee_{p.key}",
                aggregation="somme",
                **common,
            ),
            Indicator(
                f"pop_couverte_apl_{p.key}_{year}",
                f"Population couverte par l'APL aux {p.label} {year}",
                "habitants",
                "int",
                f"Population totale des communes ayant une APL aux {p.label} : France hors "
                "Mayotte et collectivités d'outre-mer.",
                decimals=0,
                series=f"pop_couverte_apl_{p.key}",
                aggregation="somme",
                **common,
            ),
            Indicator(
                f"pop_quintile_bas_{p.key}_{year}",
                f"Habitants du cinquième national le moins bien doté ({p.label}, {year})",
                "habitants",
                "int",
                f"Population totale des communes dont l'APL aux {p.label} est parmi les plus "
                f"basses de France, jusqu'au seuil sous lequel vit {QUANTILE_BAS * 100:.0f} % de la "
                "population couverte (quantile compté en population totale, comme la DREES le "
                f"prescrit). {NO_THRESHOLD} Ce repère relatif n'est pas un zonage.",
                higher_is_worse=True,
                decimals=0,
                series=f"pop_quintile_bas_{p.key}",
                aggregation="somme (population totale)",
                threshold=threshold,
                **common,
            ),
            Indicator(
                f"part_pop_quintile_bas_{p.key}_{year}",
                f"Part de la population dans le cinquième le moins bien doté ({p.label}, {year})",
                "%",
                "percent",
                "Habitants du cinquième national le moins bien doté rapportés à la population "
                f"couverte par l'APL aux {p.label} ; vaut 20 % environ pour la France par "
                "construction.",
                higher_is_worse=True,
                series=f"part_pop_quintile_bas_{p.key}",
                aggregation="rapport de sommes (population totale)",
                threshold=threshold,
                **common,
            ),
        ]
    for before, after in zip(p.years, p.years[1:], strict=False):
        out.append(
            Indicator(
                f"evolution_apl_{p.key}_{before}_{after}",
                f"Évolution de l'APL aux {p.label} {before} → {after}",
                p.unit,
                "signed",
                f"APL aux {p.label} {after} moins APL {before}, chacune agrégée par sa "
                f"{p.weight_label} (classeurs officiels DREES).",
                (p.source,),
                f"APL {before} et {after}",
                higher_is_worse=False,
                decimals=p.decimals,
                profession=p.key,
                series=f"evolution_apl_{p.key}",
                year=after,
                aggregation="différence de moyennes pondérées",
                weight=p.weight_label,
            )
        )
    return tuple(out)


def catalogue(professions: Iterable[Profession] = PROFESSIONS) -> tuple[Indicator, ...]:
    """Every indicator: the GP and context ones, then those of each profession given."""
    return BASE_INDICATORS + tuple(i for p in professions for i in profession_indicators(p))


def catalogue_frame(indicators: Iterable[Indicator]) -> pd.DataFrame:
    """The catalogue as the relation ``indicateur`` the build writes (data in code)."""
    rows = [
        {
            "indicateur": i.key,
            "serie": i.series or i.key,
            "annee": i.year,
            "profession": i.profession,
            "libelle": i.label,
            "unite": i.unit,
            "format": i.kind,
            "definition": i.definition,
            "sources": ",".join(i.sources),
            "millesime": i.vintage,
            "agregation": i.aggregation,
            "poids": i.weight,
            "sens": {True: "plus haut = pire", False: "plus haut = mieux", None: "contexte"}[
                i.higher_is_worse
            ],
            "seuils_officiels": i.threshold,
            "decimales": i.decimals,
        }
        for i in indicators
    ]
    return pd.DataFrame(rows).astype({"annee": "Int32"})


IDENTITY_COLUMNS = ("niveau", "code", "nom", "departement", "region", "epci")

BASE_INDICATORS: tuple[Indicator, ...] = INDICATORS
INDICATORS = catalogue(PROFESSIONS)
INDICATORS_BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}


def get_indicator(key: str) -> Indicator:
    """Allow-list lookup: an unknown key is refused, never passed to SQL."""
    try:
        return INDICATORS_BY_KEY[key]
    except KeyError:
        raise KeyError(f"indicateur inconnu : {key!r}") from None
