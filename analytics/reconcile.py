"""The "chiffres clés" reconciler: figures people quote, each with its definition.

Users confuse "87 % in a medical desert", "6 million without a médecin traitant",
"7.4 million" and "3.8 million under-served": they measure different things. Each
quoted figure is set beside its definition, its source and, where our open data allow
the same or the closest definition, the value they give (with the difference stated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analytics.formatting import fmt_date_fr, fmt_number, fmt_percent, fmt_periode_fr


@dataclass(frozen=True)
class QuotedFigure:
    """A figure people quote: what it measures, who published it, when, where to read it,
    and what our open data give for the same or the closest definition."""

    chiffre: str
    definition: str
    source: str
    date: str  # publication date, in French
    url: str  # the page that states the figure
    notre_valeur: str
    commentaire: str


# Press and CNAM sources typed without accents in the figures tables (the mirror's
# ``cnam_*`` files): the accented French shown to readers.
_ACCENTS = (
    (re.compile(r"\bcommunique a\b"), "communiqué à"),
    (re.compile(r"\bcite par\b"), "cité par"),
    (re.compile(r"\bregime general\b"), "régime général"),
    (re.compile(r"\bbilan plan d actions\b"), "bilan du plan d'actions"),
    (re.compile(r"\btous regimes\b"), "tous régimes"),
)


def mt_value(valeur: float, unite: str) -> str:
    """A published figure on patients without a médecin traitant: « 11,2 % » or « 6 123 456 »."""
    return f"{fmt_number(valeur, 1)} %" if unite.startswith("%") else fmt_number(valeur)


def source_label(text: object) -> str:
    """A source name as shown: « Cnam (communique a Egora) » → « Cnam (communiqué à Egora) »."""
    label = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    for pattern, accented in _ACCENTS:
        label = pattern.sub(accented, label)
    return label


def _publication(value: object) -> str:
    """``2021-12-03`` → « 3 décembre 2021 »; ``2024-02`` → « février 2024 »."""
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return fmt_date_fr(pd.Timestamp(text).date())
    return fmt_periode_fr(text)


#: Where the figures quoted without a row in our tables were published.
BAROMETRE_2023 = (
    "AMF – Mutualité Française, Baromètre santé-social, 2e édition",
    "novembre 2023",
    "https://www.mutualite.fr/actualites/la-mutualite-francaise-et-lassociation-des-maires-"
    "de-france-presentent-la-deuxieme-edition-de-leur-barometre-sante-social/",
)
FNMF_2021 = (
    "Mutualité Française (FNMF), Observatoire « Accès territorial aux soins, les "
    "inégalités ne sont pas définitives » (données DREES 2018)",
    "mai 2021",
    "https://www.mutualite.fr/actualites/74-millions-de-francais-vivent-dans-des-deserts-medicaux/",
)
DREES_2020 = (
    "DREES, Études et Résultats n° 1144 « En 2018, les territoires sous-dotés en médecins "
    "généralistes concernent près de 6 % de la population » (B. Legendre), cité par "
    "Le Quotidien du médecin",
    "14 février 2020",
    "https://www.lequotidiendumedecin.fr/liberal/38-millions-de-francais-vivent-dans-une-"
    "zone-sous-dotee-en-medecins-generalistes",
)
#: The « 6 millions » figure itself, checked against the Cnam's exact count.
SIX_MILLIONS = (
    "Cnam, chiffre vérifié par TF1 Info « Y a-t-il vraiment 6 millions de personnes sans "
    "médecin traitant en France ? »",
    "28 septembre 2022",
    "https://www.tf1info.fr/sante/acces-aux-soins-y-a-t-il-vraiment-6-millions-de-"
    "personnes-sans-medecin-traitant-en-france-2233752.html",
)
DROME_2025 = (
    "Viva Magazine, « La réponse des mutuelles pour lutter contre les déserts médicaux » "
    "(propos de la présidente des Mutuelles de France)",
    "juin 2025",
    "https://www.vivamagazine.fr/la-reponse-des-mutuelles-pour-lutter-contre-les-deserts-medicaux/",
)


def _apl_year(apl_france: pd.DataFrame, year: int) -> pd.Series | None:
    rows = apl_france[apl_france["annee"] == year]
    return None if rows.empty else rows.iloc[0]


def reconcile(
    apl_france: pd.DataFrame,
    national_mt: pd.DataFrame,
    ald: pd.DataFrame,
    drome: pd.Series | None,
) -> list[QuotedFigure]:
    """Build the reconciliation table.

    ``apl_france``: rows of ``apl_territoire`` for France (annee, pop_apl_sous_2_5,
    pop_couverte, pop_apl_2_5_4); ``national_mt``: the CNAM national figures table;
    ``ald``: published ALD-without-médecin-traitant figures; ``drome``: the indicator row
    of the Drôme (GPs per 10,000).
    """
    out: list[QuotedFigure] = []
    y23 = _apl_year(apl_france, 2023)
    y18 = _apl_year(apl_france, 2018)
    if y23 is not None:
        under_int = (y23["pop_apl_sous_2_5"] + y23["pop_apl_2_5_4"]) / y23["pop_couverte"]
        out.append(
            QuotedFigure(
                "87 % de la population vit dans un désert médical",
                "Part de la population vivant dans une zone d'intervention prioritaire (ZIP) "
                "ou d'action complémentaire (ZAC) des ARS, très probablement ; la méthode n'est "
                "pas publiée en détail.",
                *BAROMETRE_2023,
                f"non reproductible ; APL 2023 < 4 : {fmt_percent(under_int, 1)}",
                "Aucun zonage ZIP/ZAC national n'est ouvert (seule la région PACA publie celui "
                "de ses quartiers prioritaires). La part des habitants en commune d'APL "
                "inférieure à 4 (sous-denses et intermédiaires) est la mesure ouverte la plus "
                "proche ; elle reste bien en deçà, car les zonages ARS incluent aussi des "
                "communes mieux dotées au sein des territoires de vie-santé retenus.",
            )
        )
    if y18 is not None:
        share18 = y18["pop_apl_sous_2_5"] / y18["pop_couverte"]
        out.append(
            QuotedFigure(
                "7,4 millions d'habitants (11,1 %) en commune sous-dense",
                "Habitants des communes dont l'APL aux généralistes est inférieure à 2,5 "
                "consultations par an et par habitant (données 2018).",
                *FNMF_2021,
                f"{fmt_number(y18['pop_apl_sous_2_5'] / 1e6, 1)} millions "
                f"({fmt_percent(share18, 1)}) en 2018",
                "Même définition, calculée sur la série historique DREES (valeurs à 2 décimales, "
                "hors Paris, Lyon, Marseille et Corse, sans valeur dans cette série) : l'écart vient surtout "
                "de ce périmètre et des populations de référence.",
            )
        )
    if y23 is not None:
        share23 = y23["pop_apl_sous_2_5"] / y23["pop_couverte"]
        out.append(
            QuotedFigure(
                "3,8 millions d'habitants en territoire sous-doté (2018)",
                "Habitants des communes sous-dotées en médecins généralistes en 2018 selon la "
                "DREES (5,7 % de la population, contre 2,5 millions en 2015) : APL de moins de "
                "2,5 consultations par an et par habitant, calculée avec d'autres populations "
                "de référence que la série historique.",
                *DREES_2020,
                f"APL 2023 < 2,5 : {fmt_number(y23['pop_apl_sous_2_5'] / 1e6, 1)} millions "
                f"({fmt_percent(share23, 1)})",
                "Notre valeur applique le seuil de 2,5 aux APL 2023 du classeur officiel, cinq "
                "ans plus tard ; l'augmentation suit la baisse de l'APL moyenne depuis 2015.",
            )
        )
    mt = national_mt[national_mt["indicateur"] == "nb_patients_sans_medecin_traitant"]
    if not mt.empty:
        r = mt.sort_values("date_reference").iloc[-1]
        share = national_mt[
            (national_mt["indicateur"] == "part_patients_sans_medecin_traitant")
            & (national_mt["date_reference"] == r["date_reference"])
        ]
        share_text = f" ({fmt_number(share.iloc[0]['valeur'], 1)} %)" if not share.empty else ""
        out.append(
            QuotedFigure(
                "6 millions de Français sans médecin traitant",
                "Patients de 17 ans et plus sans médecin traitant déclaré auprès de "
                "l'Assurance maladie (dont une partie n'en a jamais déclaré).",
                *SIX_MILLIONS,
                f"{fmt_number(r['valeur'])} patients{share_text} au "
                f"{fmt_periode_fr(r['date_reference'])} ({source_label(r['source_primaire'])}, "
                f"publié le {_publication(r['date_publication'])})",
                "Donnée nationale de la Cnam : aucune série communale ou départementale ouverte "
                "n'est disponible ici. Ce n'est pas une mesure de l'offre (APL) : des habitants "
                "bien dotés peuvent ne pas avoir déclaré de médecin traitant.",
            )
        )
    ald_fr = ald[(ald["departement"] == "FR") & (ald["indicateur"].str.startswith("nb_"))]
    if not ald_fr.empty:
        r = ald_fr.iloc[0]
        n_deps = ald[ald["departement"] != "FR"]["departement"].nunique()
        out.append(
            QuotedFigure(
                "Plus de 700 000 patients en ALD sans médecin traitant",
                "Patients en affection de longue durée sans médecin traitant déclaré.",
                source_label(r["source_primaire"]),
                # The ALD extracts were published the month of their figures (May 2023).
                _publication(r.get("date_publication", r["date_reference"])),
                str(r["cite_par_url"]),
                f"{fmt_number(r['valeur'])} patients ({fmt_periode_fr(r['date_reference'])})",
                f"Publié par département pour {n_deps} départements seulement (partiel) : "
                "affiché tel quel, jamais extrapolé.",
            )
        )
    if drome is not None:
        out.append(
            QuotedFigure(
                "Drôme : 1,3 médecin traitant pour 1 000 habitants",
                "« 1,3 médecin traitant pour 1 000 habitants » dans la Drôme (environ 500 000 "
                "habitants) ; la définition (médecins traitants, généralistes libéraux ou tous "
                "médecins) et la date des données ne sont pas précisées.",
                *DROME_2025,
                f"{fmt_number(drome['generalistes_pour_10000'] / 10, 2)} généraliste en "
                f"activité pour 1 000 habitants (RPPS 2026)",
                "Le RPPS compte tous les généralistes en activité, libéraux et salariés, un "
                "médecin multi-site comptant dans chaque commune : il dépasse les densités de "
                "généralistes libéraux. Une densité n'est pas une accessibilité : voir l'APL.",
            )
        )
    return out


def as_frame(figures: list[QuotedFigure]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Chiffre cité": f.chiffre,
                "Définition": f.definition,
                "Source": f.source,
                "Date": f.date,
                "Lien": f.url,
                "Ce que donnent nos données": f.notre_valeur,
                "Pourquoi ça diffère": f.commentaire,
            }
            for f in figures
        ]
    )
