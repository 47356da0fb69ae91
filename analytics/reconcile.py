"""The "chiffres clés" reconciler: figures people quote, each with its definition.

Users confuse "87 % in a medical desert", "6 million without a médecin traitant",
"7.4 million" and "3.8 million under-served": they measure different things. Each
quoted figure is set beside its definition, its source and, where our open data allow
the same or the closest definition, the value they give (with the difference stated).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.formatting import fmt_number, fmt_percent, fmt_periode_fr


@dataclass(frozen=True)
class QuotedFigure:
    chiffre: str
    definition: str
    source: str
    notre_valeur: str
    commentaire: str


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
                "AMF – Mutualité Française, baromètre santé-social, 2e édition, novembre 2023",
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
                "Fédération nationale de la Mutualité Française (FNMF), données DREES 2018",
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
                "3,8 millions d'habitants en territoire sous-doté",
                "Chiffre DREES sur les territoires sous-dotés en médecins généralistes ; "
                "définition et millésime différents des précédents (voir la publication).",
                "DREES",
                f"APL 2023 < 2,5 : {fmt_number(y23['pop_apl_sous_2_5'] / 1e6, 1)} millions "
                f"({fmt_percent(share23, 1)})",
                "Notre valeur applique le seuil de 2,5 aux APL 2023 du classeur officiel ; "
                "l'augmentation suit la baisse de l'APL moyenne depuis 2015.",
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
                f"{r['source_primaire']}, {r['cite_par_url']}",
                f"{fmt_number(r['valeur'])} patients{share_text} ({fmt_periode_fr(r['date_reference'])})",
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
                f"{r['source_primaire']}, {r['cite_par_url']}",
                f"{fmt_number(r['valeur'])} patients ({fmt_periode_fr(r['date_reference'])})",
                f"Publié par département pour {n_deps} départements seulement (partiel) : "
                "affiché tel quel, jamais extrapolé.",
            )
        )
    if drome is not None:
        out.append(
            QuotedFigure(
                "Drôme : 1,3 médecin pour 1 000 habitants",
                "Densité de médecins citée dans la presse ; la définition (généralistes libéraux "
                "ou tous médecins) n'est pas précisée.",
                "Presse locale (exemple de terrain cité dans DOMAIN)",
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
                "Ce que donnent nos données": f.notre_valeur,
                "Pourquoi ça diffère": f.commentaire,
            }
            for f in figures
        ]
    )
