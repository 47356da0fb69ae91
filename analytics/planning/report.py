"""The plan's downloads: one table (sites and stops with their reasons) and the PDF."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.formatting import fmt_date_fr, fmt_number
from analytics.planning.milp import STATUS_FR
from analytics.planning.pdf import PlanReport, render_plan_pdf


def plan_table(result) -> pd.DataFrame:
    """Sites of the fixed-centre plan and stops of the circuit, one row each, in French."""
    rows = []
    if result.centres is not None:
        for r in result.centres.sites.itertuples():
            rows.append(
                {
                    "Réponse": "Centre de santé fixe",
                    "Code commune": r.code,
                    "Commune": r.nom,
                    "Médecins à temps plein": r.etp,
                    "Jours par cycle": None,
                    "Habitants sortis de la sous-densité": r.habitants_sortis,
                    "Consultations manquantes comblées par an": r.consultations_comblees,
                    "Raison": r.raison,
                }
            )
    if result.circuit is not None:
        for r in result.circuit.arrets.itertuples():
            rows.append(
                {
                    "Réponse": "Arrêt du médicobus",
                    "Code commune": r.code,
                    "Commune": r.nom,
                    "Médecins à temps plein": None,
                    "Jours par cycle": r.visites,
                    "Habitants sortis de la sous-densité": None,
                    "Consultations manquantes comblées par an": None,
                    "Raison": r.raison,
                }
            )
    return pd.DataFrame(rows)


def plan_report(result, map_png: bytes | None = None, today: dt.date | None = None) -> PlanReport:
    """The PDF's content from a :class:`analytics.planning.plan.PlannerResult`."""
    chiffres: list[tuple[str, str]] = []
    lignes: list[str] = []
    calendrier: list[str] = []
    comparaison, methode = "", ""
    p = result.centres
    if p is not None:
        e, n = p.effect, p.naive_effect
        chiffres += [
            ("Habitants sortis de la sous-densité", fmt_number(e.habitants_sortis)),
            ("Consultations manquantes comblées par an", fmt_number(e.consultations_comblees)),
            (
                "Habitants à plus de 30 min d'un médecin (avant → après)",
                f"{fmt_number(e.loin_avant)} → {fmt_number(e.loin_apres)}",
            ),
            ("Solveur", STATUS_FR.get(p.status, p.status)),
        ]
        lignes += list(p.sites["raison"])
        comparaison = (
            f"Plan naïf (les {p.params.sites} premières communes du classement par score de "
            f"besoin, mêmes médecins) : {fmt_number(n.habitants_sortis)} habitants sortis de la "
            f"sous-densité et {fmt_number(n.consultations_comblees)} consultations comblées, "
            f"contre {fmt_number(e.habitants_sortis)} et {fmt_number(e.consultations_comblees)} "
            "pour le plan optimisé."
        )
        methode = (
            "Gain d'APL de f médecins en j pour la commune i : f × c × w(t_ij) / D_j (E2SFCA "
            f"de la DREES), c = {fmt_number(p.consultations_par_etp)} consultations par an "
            "(activité imputée à un nouveau médecin libéral, feuille « Paramètres ») ; choix "
            "exact par programme linéaire en nombres entiers (HiGHS), effet recalculé et "
            "ajouté à l'APL 2023 publiée ; temps de route estimés."
        )
    c = result.circuit
    if c is not None:
        chiffres += [
            ("Arrêts du médicobus", fmt_number(len(c.arrets))),
            ("Habitants à portée d'un arrêt", fmt_number(c.personnes_atteintes)),
        ]
        lignes += list(c.arrets["raison"])
        calendrier = [
            f"Semaine {r.semaine}, {r.jour_nom} : {r.nom}" for r in c.calendrier.itertuples()
        ]
        methode = (methode + " " if methode else "") + c.resume()
    return PlanReport(
        titre=f"Plan — {result.titre}",
        sous_titre="Où ouvrir des centres de santé et où faire passer un médicobus : plan "
        "optimisé sur l'accessibilité potentielle localisée (APL) aux médecins généralistes.",
        chiffres=chiffres,
        lignes=lignes,
        calendrier=calendrier,
        comparaison=comparaison,
        methode=methode,
        sources="Sources : DREES, APL 2023 et paramètres ; ANS, RPPS 2026 ; INSEE, COG 2026.",
        date=fmt_date_fr(today or dt.date.today()),
        carte_png=map_png,
    )


def plan_pdf(result, map_png: bytes | None = None) -> bytes:
    return render_plan_pdf(plan_report(result, map_png))
