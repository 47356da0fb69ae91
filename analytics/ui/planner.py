"""Panels of the « Planifier » page: zone, resource, parameters, results, downloads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.formatting import fmt_number, fmt_percent
from analytics.planning.milp import STATUS_FR
from analytics.planning.state import PlannerState
from analytics.ui.cache import connection, db_key, run
from analytics.ui.widgets import deferred_download, download_buttons, french, legend, map_alt

PLANNER_PAGE = "pages/7_Planifier.py"
NIVEAU_LABELS = {
    "epci": "Intercommunalités (EPCI)",
    "departement": "Département",
    "region": "Région",
    "france": "France entière",
}
RESOURCE_LABELS = {
    "centres": "Centres de santé fixes",
    "medicobus": "Médicobus",
    "les_deux": "Les deux",
}
OBJECTIVE_LABELS = {
    "sous_densite": "Habitants sortis de la sous-densité (APL ≥ 2,5)",
    "consultations": "Consultations manquantes comblées",
    "couverture": "Habitants mis à moins de T minutes d'un médecin",
}
CIRCUIT_LABELS = {
    "deficit": "Consultations manquantes couvertes",
    "sans_medecin": "Habitants des communes sans médecin",
    "temps": "Temps moyen jusqu'à l'arrêt le plus proche",
}
PASSAGE_LABELS = {
    "reparti": "Jours répartis sur le cycle (Cher, Loire)",
    "semaine": "Une semaine par village (Tarn)",
}
CANDIDATE_LABELS = {"toutes": "Toutes les communes", "population": "Au-dessus d'une population"}


def planner_link(niveau: str, code: str, label: str = "Planifier pour ce territoire") -> None:
    """« Planifier pour ce territoire » (an EPCI, a département or a région)."""
    if niveau not in ("epci", "departement", "region"):
        return
    st.page_link(
        PLANNER_PAGE,
        label=label,
        query_params={"niveau": niveau, "zone": code},
        icon=":material/route:",
    )


def zone_picker(state: PlannerState) -> PlannerState:
    """Level and territories (several EPCI at once); the multiselect searches by name."""
    levels = list(NIVEAU_LABELS)
    state.niveau = st.radio(
        "Zone",
        levels,
        index=levels.index(state.niveau),
        format_func=NIVEAU_LABELS.get,
        horizontal=True,
        help="Plusieurs intercommunalités à la fois pour un projet commun (un médicobus "
        "financé par trois communautés de communes, par exemple).",
    )
    if state.niveau == "france":
        state.zone = []
        return state
    options = run("planification_liste", niveau=state.niveau)
    labels = {
        str(r.code): f"{r.nom} ({r.departement})" if state.niveau == "epci" else str(r.nom)
        for r in options.itertuples()
    }
    unknown = [c for c in state.zone if c not in labels]
    if unknown:
        st.error(
            f"Paramètre « zone » : {', '.join(unknown)} n'est pas un code de niveau "
            f"{state.niveau} ; ignoré."
        )
    state.zone = st.multiselect(
        "Territoires de la zone (tapez un nom pour chercher)",
        list(labels),
        default=[c for c in state.zone if c in labels],
        format_func=lambda c: labels.get(c, c),
        max_selections=30 if state.niveau == "epci" else 5,
        placeholder="Choisissez un ou plusieurs territoires",
    )
    return state


def parameters(state: PlannerState, communes: pd.DataFrame | None) -> PlannerState:
    """Resource and its parameters, with defaults and help."""
    keys = list(RESOURCE_LABELS)
    state.ressource = st.radio(
        "Réponse à planifier",
        keys,
        index=keys.index(state.ressource),
        format_func=RESOURCE_LABELS.get,
        horizontal=True,
    )
    if state.ressource in ("centres", "les_deux"):
        with st.expander("Centres de santé fixes", expanded=True):
            objectives = list(OBJECTIVE_LABELS)
            state.objectif = st.selectbox(
                "Objectif",
                objectives,
                index=objectives.index(state.objectif),
                format_func=OBJECTIVE_LABELS.get,
                help="Sous-densité : population des communes dont l'APL passe à 2,5 ou plus. "
                "Consultations : consultations manquantes sous 2,5 comblées (chaque commune "
                "au plus à hauteur de son déficit). Couverture : habitants aujourd'hui à plus "
                "de T minutes d'un médecin qui passent en deçà (localisation à couverture "
                "maximale, Church et ReVelle).",
            )
            c1, c2, c3, c4 = st.columns(4)
            state.sites = c1.number_input("Sites au plus (K)", 0, 100, state.sites)
            state.budget = c2.number_input(
                "Médecins à temps plein en tout (B)", 1, 400, state.budget
            )
            state.etp_min = c3.number_input("Minimum par site", 1, 10, state.etp_min)
            state.etp_max = c4.number_input("Maximum par site", 1, 30, state.etp_max)
            c1, c2, c3 = st.columns(3)
            cands = list(CANDIDATE_LABELS)
            state.candidats = c1.selectbox(
                "Communes candidates",
                cands,
                index=cands.index(state.candidats),
                format_func=CANDIDATE_LABELS.get,
            )
            state.population_min = c2.number_input(
                "Population minimale d'une candidate",
                0,
                100_000,
                state.population_min,
                step=500,
                disabled=state.candidats != "population",
            )
            state.minutes = c3.slider(
                "T : temps de couverture (minutes)",
                5,
                60,
                state.minutes,
                disabled=state.objectif != "couverture",
            )
    if state.ressource in ("medicobus", "les_deux"):
        with st.expander("Médicobus", expanded=True):
            criteria = list(CIRCUIT_LABELS)
            state.critere = st.selectbox(
                "Choix des arrêts",
                criteria,
                index=criteria.index(state.critere),
                format_func=CIRCUIT_LABELS.get,
                help="Les ex aequo sont départagés par le temps de trajet des habitants et "
                "par la population des communes sans médecin.",
            )
            zone = communes[communes["dans_zone"]] if communes is not None else None
            if zone is not None and len(zone):
                names = dict(zip(zone["code"].astype(str), zone["nom"], strict=True))
                ordered = zone.sort_values("population", ascending=False)["code"].astype(str)
                default = state.base if state.base in names else ordered.iloc[0]
                state.base = st.selectbox(
                    "Commune de départ (garage du bus)",
                    ordered.tolist(),
                    index=ordered.tolist().index(default),
                    format_func=lambda c: names.get(c, c),
                )
            modes = list(PASSAGE_LABELS)
            state.passage = st.radio(
                "Passages",
                modes,
                index=modes.index(state.passage),
                format_func=PASSAGE_LABELS.get,
                horizontal=True,
                help="« Une semaine par village » : le bus reste une semaine entière dans "
                "chaque village, les villages d'une même communauté de communes à la suite "
                "(programme du Tarn : trois semaines par communauté, cycle de 9 semaines). "
                "Il faut alors au moins autant de semaines que d'arrêts.",
            )
            c1, c2, c3, c4, c5 = st.columns(5)
            state.arrets = c1.number_input("Arrêts", 1, 30, state.arrets)
            state.jours = c2.number_input("Jours par semaine", 1, 5, state.jours)
            state.semaines = c3.number_input("Semaines par cycle", 1, 12, state.semaines)
            state.consultations_jour = c4.number_input(
                "Consultations par jour",
                1,
                60,
                state.consultations_jour,
                help="24 par défaut : 5 400 consultations par an (activité imputée par la "
                "DREES à un nouveau médecin libéral) sur 225 jours travaillés.",
            )
            state.minutes_bus = c5.number_input("Couverture (minutes)", 5, 30, state.minutes_bus)
    state.limite = st.slider(
        "Temps de calcul maximal (secondes)",
        1,
        120,
        state.limite,
        help="Au-delà, le meilleur plan trouvé est affiché avec son écart prouvé à l'optimum.",
    )
    return state


@st.cache_resource(max_entries=8, show_spinner=False)
def _planned(key: tuple, params: tuple):
    from analytics.planning.plan import run_planner

    state = PlannerState(**{k: (list(v) if isinstance(v, tuple) else v) for k, v in params})
    return run_planner(connection(key), state)


@st.cache_resource(max_entries=4, show_spinner=False)
def _zone_communes(key: tuple, niveau: str, zone: tuple) -> pd.DataFrame | None:
    from analytics.planning.data import load_communes, zone_codes
    from analytics.planning.errors import PlanningError

    con = connection(key)
    try:
        codes = set(zone_codes(con, niveau, list(zone)))
    except PlanningError:
        return None
    c = load_communes(con)
    return c.assign(dans_zone=c["code"].isin(codes))


def zone_communes(state: PlannerState) -> pd.DataFrame | None:
    """The zone's communes (for the base picker), or None."""
    if state.niveau != "france" and not state.zone:
        return None
    return _zone_communes(db_key(), state.niveau, tuple(state.zone))


def plan(state: PlannerState):
    """Run the planner (cached by parameters); a French error stops the page."""
    from analytics.planning.errors import PlanningError

    params = tuple(
        (k, tuple(v) if isinstance(v, list) else v)
        for k, v in sorted(vars(state).items())
        if k != "errors"
    )
    try:
        with st.status("Calcul du plan…", expanded=False) as status:
            status.update(label="Temps de route, gains par médecin, optimisation…")
            result = _planned(db_key(), params)
            status.update(label="Plan calculé", state="complete")
    except PlanningError as exc:
        st.error(str(exc))
        st.stop()
    return result


# --- results -----------------------------------------------------------------------------


def _apl_map(result, values: pd.Series, title: str, key: str, sites=None):
    from analytics import maps
    from analytics.indicators import get_indicator

    ind = get_indicator("apl_2023")
    c = result.inputs.communes
    zone = c["dans_zone"].to_numpy(bool)
    data = pd.DataFrame(
        {
            "code": c.loc[zone, "code"].astype(str),
            "nom": c.loc[zone, "nom"],
            "value": values[zone],
            "population": c.loc[zone, "population"],
        }
    )
    classes = maps.classify(data["value"], "apl")
    points = None
    if sites is not None and len(sites):
        points = pd.DataFrame({"lon": sites["lon"], "lat": sites["lat"], "count": sites["n"]})
    deck = maps.build_choropleth(
        result.features,
        data,
        classes=classes,
        indicator_label=ind.label,
        unit=ind.unit,
        vintage=ind.vintage,
        source="DREES ; plan Déserts médicaux",
        outlines=[result.outlines],
        points=points,
        height=400,
    )
    st.markdown(f"**{title}**")
    st.pydeck_chart(deck, height=400, key=key, alt=map_alt(title, classes))
    return data, classes


def _status_line(status: str, gap: float, seconds: float) -> str:
    text = STATUS_FR.get(status, status)
    if status == "time_limit" and gap == gap:
        text += f" (écart à l'optimum au plus {fmt_percent(gap, 1)})"
    return f"Solveur HiGHS : {text} ; {fmt_number(seconds, 2)} s."


def centres_result(result) -> pd.DataFrame:
    """Key figures, maps, sites with reasons, naive comparison; returns the sites table."""
    from analytics.planning.plan import MINUTES_FRANCE_SANTE

    p = result.centres
    e, n = p.effect, p.naive_effect
    for message in p.messages:
        st.warning(message)
    c = st.columns(4)
    c[0].metric(
        "Habitants sortis de la sous-densité",
        fmt_number(e.habitants_sortis),
        help="Population des communes de la zone dont l'APL passe de moins de 2,5 à 2,5 ou "
        "plus, l'effet étant recalculé par le moteur E2SFCA et ajouté à l'APL 2023 publiée.",
    )
    c[1].metric(
        "Consultations manquantes comblées par an",
        fmt_number(e.consultations_comblees),
        help="Consultations manquantes sous 2,5 par habitant standardisé, avant moins après.",
    )
    c[2].metric(
        f"Habitants à plus de {fmt_number(MINUTES_FRANCE_SANTE)} min d'un médecin",
        fmt_number(e.loin_apres),
        delta=f"{fmt_number(e.loin_apres - e.loin_avant)} (avant {fmt_number(e.loin_avant)})",
        delta_color="inverse",
        help="Temps routier estimé jusqu'à la commune la plus proche où exerce un généraliste "
        "(RPPS 2026) ou un site du plan : objectif « France Santé » de 30 minutes.",
    )
    c[3].metric(
        "Médecins à temps plein placés",
        fmt_number(int(p.sites["etp"].sum())),
        help=f"{fmt_number(p.consultations_par_etp)} consultations par an chacun : l'activité "
        "que la DREES impute à un nouveau médecin libéral (feuille « Paramètres »).",
    )
    st.caption(_status_line(p.status, p.gap, p.seconds))
    c = result.inputs.communes
    sites = p.sites.assign(n=p.sites["etp"])
    left, right = st.columns(2)
    with left:
        _apl_map(result, c["apl"], "Avant : APL 2023 officielle", "plan_avant")
    with right:
        data, classes = _apl_map(
            result, e.communes["apl_apres"], "Après le plan (sites en noir)", "plan_apres", sites
        )
    legend(classes, "APL aux médecins généralistes", "consultations par an et par habitant")
    st.subheader("Sites choisis et pourquoi")
    for line in p.sites["raison"]:
        st.markdown(f"- {line}")
    st.subheader("Comparaison avec le plan naïf")
    st.caption(
        "Plan naïf : les K premières communes candidates du classement par score de besoin "
        "(pondérations par défaut de la page Priorités), avec le même nombre de médecins."
    )
    st.dataframe(
        french(
            pd.DataFrame(
                {
                    "Plan": ["Optimisé", "Naïf (classement)"],
                    "Sites": [
                        ", ".join(p.sites["nom"]) or "—",
                        ", ".join(p.naive_sites["nom"]) or "—",
                    ],
                    "Habitants sortis de la sous-densité": [
                        e.habitants_sortis,
                        n.habitants_sortis,
                    ],
                    "Consultations comblées": [e.consultations_comblees, n.consultations_comblees],
                    "Habitants à plus de 30 min après": [e.loin_apres, n.loin_apres],
                }
            ),
            {
                "Habitants sortis de la sous-densité": 0,
                "Consultations comblées": 0,
                "Habitants à plus de 30 min après": 0,
            },
        ),
        hide_index=True,
        width="stretch",
    )
    return data, classes


def circuit_result(result) -> None:
    """The médicobus circuit: summary, stops with reasons, timetable."""
    plan_ = result.circuit
    st.markdown(plan_.resume())
    for warning in plan_.avertissements:
        st.warning(warning)
    st.caption(_status_line(_circuit_status(plan_.statut), plan_.gap, plan_.secondes))
    st.subheader("Arrêts et pourquoi")
    for line in plan_.arrets["raison"]:
        st.markdown(f"- {line}")
    st.subheader("Calendrier du cycle")
    table = plan_.calendrier.pivot_table(
        index="semaine", columns="jour_nom", values="nom", aggfunc="first"
    )
    order = [d for d in ("lundi", "mardi", "mercredi", "jeudi", "vendredi") if d in table.columns]
    st.dataframe(table[order].rename_axis("Semaine").reset_index(), hide_index=True)
    shown = plan_.arrets[
        ["nom", "visites", "minutes_base", "consultations_par_visite", "capacite"]
    ].rename(
        columns={
            "nom": "Arrêt",
            "visites": "Jours par cycle",
            "minutes_base": "Minutes depuis la base",
            "consultations_par_visite": "Consultations attendues par jour",
            "capacite": "Capacité par jour",
        }
    )
    st.dataframe(
        french(shown, {"Minutes depuis la base": 0, "Consultations attendues par jour": 1}),
        hide_index=True,
        width="stretch",
    )


def _circuit_status(statut: str) -> str:
    return {"optimal": "optimal", "heuristique": "greedy"}.get(statut, statut)


def downloads(result, state: PlannerState, map_data=None) -> None:
    """PDF, CSV/XLSX, map PNG, timetable ICS."""
    from analytics.planning.report import plan_pdf, plan_table

    name = f"plan_{state.niveau}_{'_'.join(state.zone[:3]) or 'FR'}"
    st.subheader("Télécharger")
    table = plan_table(result)
    c1, c2, c3 = st.columns(3)
    deferred_download(
        c1,
        "Plan (PDF)",
        lambda: plan_pdf(result, map_png=_png(result, map_data)),
        file_name=f"{name}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="plan_pdf",
    )
    if map_data is not None:
        deferred_download(
            c2,
            "Carte après le plan (PNG)",
            lambda: _png(result, map_data),
            file_name=f"{name}.png",
            mime="image/png",
            key="plan_png",
        )
    if result.circuit is not None:
        start = _next_monday(dt.date.today())
        c3.download_button(
            "Calendrier du médicobus (ICS)",
            data=result.circuit.ics(start),
            file_name=f"{name}_medicobus.ics",
            mime="text/calendar",
            icon=":material/calendar_month:",
            key="plan_ics",
            help=f"Un cycle à partir du lundi {start.strftime('%d/%m/%Y')}, 9 h – 17 h.",
        )
    download_buttons(table, name, "Plan")


def _next_monday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)


def _png(result, map_data) -> bytes | None:
    if map_data is None:
        return None
    from analytics import maps

    data, classes = map_data
    return maps.static_png(
        result.features,
        data,
        classes=classes,
        title=f"APL après le plan — {result.titre}",
        source_line="Source : DREES (APL 2023), RPPS 2026, plan Déserts médicaux",
        outlines=result.outlines,
        legend_title="APL aux médecins généralistes",
        width_px=900,
    )


def method_note(consultations: float) -> None:
    with st.expander("Méthode et hypothèses", expanded=False):
        st.markdown(
            "L'APL (DREES, E2SFCA) est linéaire en l'offre : *f* médecins à temps plein "
            "installés dans la commune *j* ajoutent à la commune *i* "
            "*f × c × w(t_ij) / D_j* consultations par habitant standardisé, où *c* = "
            f"{fmt_number(consultations)} consultations par an (activité imputée par la DREES à "
            "un nouveau médecin libéral, feuille « Paramètres »), *w* les poids 1, 2/3, 1/3 "
            "jusqu'à 10, 15, 20 minutes et *D_j* la population standardisée pondérée à portée "
            "de *j*. Le choix des sites et des effectifs est donc un programme linéaire en "
            "nombres entiers, résolu exactement par HiGHS (une variable binaire par site et "
            "par effectif, gains plafonnés au besoin de chaque commune), avec un algorithme "
            "glouton comme point de départ. L'effet affiché est recalculé par le moteur "
            "E2SFCA et ajouté à l'APL 2023 publiée. Hypothèses : les médecins viennent "
            "d'ailleurs ; les temps de route sont estimés par le modèle de la base (voir "
            "Sources et méthodes) ; populations de l'APL 2023 ; les médecins déjà installés "
            "restent."
        )
