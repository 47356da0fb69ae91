"""What each page shows, computed from the database (no Streamlit here).

Each function takes a read-only connection and validated parameters, runs named queries
through :func:`analytics.db.query` and returns plain DataFrames/dataclasses that a page
renders as they are. Identifiers (level, indicator) are checked against allow-lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from analytics.db import NIVEAUX, check_niveau, query
from analytics.formatting import fmt_date_fr, fmt_int, fmt_number, fmt_percent
from analytics.indicators import (
    APL_YEARS,
    INDICATORS,
    SEUIL_INTERMEDIAIRE,
    SEUIL_SOUS_DENSE,
    Indicator,
    get_indicator,
)
from analytics.permalink import valid_code
from analytics.professions import PROFESSIONS
from analytics.profile import combined_source_line, format_value, source_line

# Indicators shown in a profile and a comparison, in this order.
PROFILE_INDICATORS: tuple[str, ...] = (
    "population",
    "densite",
    "apl_2023",
    "apl_2022",
    "evolution_apl_2022_2023",
    "evolution_apl_2015_2023",
    "part_pop_apl_sous_2_5_2023",
    "pop_apl_sous_2_5_2023",
    "apl_moins_65_2023",
    "part_offre_medecins_plus_65_2023",
    "medecins_generalistes",
    "generalistes_pour_10000",
    "medecins_pour_10000",
    "omnipraticiens_liberaux_2017_pour_10000",
    "part_75_plus",
    "minutes_urgences",
    "communes_avec_msp",
    "part_medecins_55_plus",
    "tcam_effectif_medecins_pct",
)
MAP_LEVELS: tuple[str, ...] = ("region", "departement", "epci", "commune")
#: The APL is one entry (``apl_2023``) whose year the map's slider picks; the other
#: yearly APL keys would contradict the slider.
MAP_INDICATORS: tuple[str, ...] = tuple(
    i.key
    for i in INDICATORS
    if i.key
    not in ("superficie_km2", "omnipraticiens_liberaux_2017", "medecins_total", "population")
    and not (i.key.startswith("apl_") and i.key[4:].isdigit() and i.key != "apl_2023")
)


#: Professions the map, profile and compare offer: GPs (with the context indicators)
#: first, then every profession of the catalogue.
PROFESSION_LABELS: dict[str, str] = {
    "generalistes": "Médecins généralistes et contexte",
    **{p.key: p.label.capitalize() for p in PROFESSIONS},
}


def map_indicators_for(profession: str) -> tuple[str, ...]:
    """The mappable indicators of one profession (allow-listed: an unknown one is GPs)."""
    if profession not in PROFESSION_LABELS:
        profession = "generalistes"
    return tuple(k for k in MAP_INDICATORS if get_indicator(k).profession == profession)


def profession_of(indicateur: str) -> str:
    """The profession an indicator belongs to (GPs for context indicators)."""
    prof = get_indicator(indicateur).profession
    return prof if prof in PROFESSION_LABELS else "generalistes"


def is_apl_year(key: str) -> bool:
    """``apl_2015`` … ``apl_2023``: the APL of one vintage."""
    return key.startswith("apl_") and key[4:].isdigit()


#: Level names inside a sentence (« par département », « de son EPCI »).
LEVEL_WORDS = {
    "commune": "commune",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
}
GEOMETRY_LAYER = {
    "region": "region",
    "departement": "departement",
    "epci": "epci",
    "commune": "commune_apercu",
}


def territory(con: duckdb.DuckDBPyConnection, niveau: str, code: str) -> pd.Series | None:
    df = query(con, "territoire", niveau=check_niveau(niveau), code=code)
    return None if df.empty else df.iloc[0]


# --- Profile -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileView:
    niveau: str
    code: str
    nom: str
    comparison: pd.DataFrame  # indicateur, libelle, unite, definition, source, and one
    # column per role: territoire, departement, region, france (formatted text)
    raw: pd.DataFrame  # same, numeric values
    history: pd.DataFrame  # annee, territoire (label), apl
    classes: pd.DataFrame  # classe, population, part
    communes: pd.DataFrame  # communes of the territory ranked by APL 2023
    neighbours: pd.DataFrame
    # one comparison table per other profession present in the database (same columns)
    professions: dict[str, pd.DataFrame] = field(default_factory=dict)
    # the « France Santé » 30-minute check: the territory's row, then France's
    acces_30: pd.DataFrame = field(default_factory=pd.DataFrame)


ROLE_LABELS = {
    "territoire": None,
    "departement": "Département",
    "region": "Région",
    "france": "France",
}


def profile(con: duckdb.DuckDBPyConnection, niveau: str, code: str) -> ProfileView | None:
    check_niveau(niveau)
    parents = query(con, "parents_territoire", niveau=niveau, code=code)
    if parents.empty:
        if niveau == "commune" and valid_code("arrondissement_municipal", code):
            # Paris, Lyon and Marseille arrondissements have their own level (the APL has them).
            return profile(con, "arrondissement_municipal", code)
        return None
    parents = parents.set_index("role")
    nom = str(parents.loc["territoire", "nom"])
    labels = {
        role: (
            nom
            if role == "territoire"
            else "France"
            if role == "france"
            else f"{ROLE_LABELS[role]} : {parents.loc[role, 'nom']}"
        )
        for role in parents.index
    }
    rows, raw_rows = _comparison_rows(parents, labels, PROFILE_INDICATORS)
    professions = {
        p.key: pd.DataFrame(_comparison_rows(parents, labels, p.headline)[0])
        for p in PROFESSIONS
        if p.headline[0] in parents.columns
    }
    raw_rows += _comparison_rows(parents, labels, profession_keys(parents.columns))[1]
    keys = [f"{n}:{c}" for n, c in zip(parents["niveau"], parents["code"], strict=True)]
    hist = query(con, "apl_historique_territoires", territoires=keys)
    label_by_key = {
        f"{n}:{c}": labels[r]
        for r, n, c in zip(parents.index, parents["niveau"], parents["code"], strict=True)
    }
    hist["territoire"] = [
        label_by_key[f"{n}:{c}"] for n, c in zip(hist["niveau"], hist["code"], strict=True)
    ]
    own = hist[(hist["niveau"] == niveau) & (hist["code"] == code)]
    classes = apl_classes(own[own["annee"] == max(APL_YEARS)])
    communes = (
        query(con, "communes_du_territoire", niveau=niveau, code=code)
        if niveau not in ("commune", "arrondissement_municipal", "france")
        else pd.DataFrame()
    )
    neighbours = (
        query(con, "voisins", niveau=niveau, code=code, limite=8)
        if niveau in ("commune", "epci", "departement", "region")
        else pd.DataFrame()
    )
    return ProfileView(
        niveau,
        code,
        nom,
        pd.DataFrame(rows),
        pd.DataFrame(raw_rows),
        hist[["annee", "territoire", "apl"]],
        classes,
        communes,
        neighbours,
        professions,
        query(con, "acces_30_minutes", niveau=niveau, code=code),
    )


def acces_30_sentence(acces_30: pd.DataFrame, nom: str) -> str | None:
    """The 30-minute check in one French sentence (the territory — its first row —, then
    France), or None when there is no row (municipal arrondissements have none).

    The national « France Santé » goal is a care option within 30 minutes for everyone;
    the minutes are those of the stored travel-time model (estimates, not a road matrix).
    """
    if acces_30.empty:
        return None
    r = acces_30.iloc[0]
    text = (
        f"À plus de 30 minutes de route (estimées) d'une commune où exerce un médecin "
        f"généraliste : {fmt_int(r['population_au_dela_30_minutes'])} habitants de {nom} "
        f"({fmt_percent(r['part_au_dela_30_minutes'], 1)}"
    )
    n = int(r["communes_au_dela_30_minutes"])
    text += f", {fmt_int(n)} commune{'s' if n > 1 else ''})" if r["niveau"] != "commune" else ")"
    france = acces_30[acces_30["niveau"] == "france"]
    if not france.empty and r["niveau"] != "france":
        f = france.iloc[0]
        text += (
            f" ; France : {fmt_int(f['population_au_dela_30_minutes'])} "
            f"({fmt_percent(f['part_au_dela_30_minutes'], 2)})"
        )
    return (
        text + ". Objectif du Réseau France Santé : une offre de soins à moins de 30 minutes "
        "pour tous. Médecins : RPPS 2026 (ANS) ; temps estimés depuis la distance à vol "
        "d'oiseau (modèle calibré, voir Sources et méthodes)."
    )


def profession_keys(columns) -> tuple[str, ...]:
    """The headline indicators of the professions whose columns exist in the database."""
    cols = set(columns)
    return tuple(k for p in PROFESSIONS for k in p.headline if k in cols)


def _comparison_rows(
    parents: pd.DataFrame, labels: dict[str, str], keys
) -> tuple[list[dict], list[dict]]:
    """Formatted and raw rows of ``keys`` for the territory and its parents."""
    rows, raw_rows = [], []
    for key in keys:
        ind = get_indicator(key)
        row = {
            "indicateur": key,
            "Indicateur": ind.label,
            "Unité": ind.unit,
            "Définition": ind.definition,
            "Source": source_line(ind),
        }
        raw = {"indicateur": key}
        for role in parents.index:
            value = parents.loc[role, key]
            row[labels[role]] = format_value(ind, value)
            raw[labels[role]] = None if pd.isna(value) else float(value)
        rows.append(row)
        raw_rows.append(raw)
    return rows, raw_rows


def apl_classes(row: pd.DataFrame) -> pd.DataFrame:
    """Population by APL class (one year of ``apl_territoire``)."""
    if row.empty:
        return pd.DataFrame(columns=["classe", "population", "part"])
    r = row.iloc[0]
    data = [
        (f"Sous-dense (APL < {SEUIL_SOUS_DENSE:.1f})".replace(".", ","), r["pop_apl_sous_2_5"]),
        (
            f"Intermédiaire ({SEUIL_SOUS_DENSE:.1f} à {SEUIL_INTERMEDIAIRE:.0f})".replace(".", ","),
            r["pop_apl_2_5_4"],
        ),
        (f"Mieux doté (APL ≥ {SEUIL_INTERMEDIAIRE:.0f})", r["pop_apl_4_plus"]),
    ]
    df = pd.DataFrame(data, columns=["classe", "population"])
    total = float(r["pop_couverte"]) if r["pop_couverte"] else float("nan")
    df["part"] = df["population"] / total
    return df


# --- Map ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapData:
    niveau: str
    indicator: Indicator
    data: pd.DataFrame  # code, nom, value, population
    features: pd.DataFrame  # code, geometry_json
    outlines: pd.DataFrame  # code, geometry_json (département or région context)
    highlight: str | None = None  # code outlined in black (in features or outlines)
    title: str = ""  # what the map shows, for the page and the PNG export


def indicator_for_year(indicateur: str, annee: int) -> Indicator:
    """An APL indicator follows the chosen year; others are single-vintage."""
    if is_apl_year(indicateur):
        return get_indicator(f"apl_{annee}")
    return get_indicator(indicateur)


def map_data(
    con: duckdb.DuckDBPyConnection,
    niveau: str,
    indicateur: str,
    annee: int,
    departement: str | None = None,
) -> MapData:
    if niveau not in MAP_LEVELS:
        raise ValueError(f"niveau de carte inconnu : {niveau!r}")
    ind = indicator_for_year(indicateur, annee)
    df = query(con, "indicateurs_niveau", niveau=niveau)
    zoomable = niveau in ("commune", "epci")  # one département, zoomed (EPCI: main one)
    departement = departement if zoomable else None
    if departement:
        df = df[df["departement"] == departement]
    data = pd.DataFrame(
        {
            "code": df["code"],
            "nom": df["nom"],
            "value": pd.to_numeric(df[ind.key], errors="coerce"),
            "population": df["population"],
        }
    )
    layer = GEOMETRY_LAYER[niveau]
    if departement:
        couche = "commune" if niveau == "commune" else layer
        features = query(con, "geometrie_codes", couche=couche, codes=data["code"].tolist())
    else:
        features = query(con, "geometrie", couche=layer)
    # Context outlines one level up: régions over départements, départements over EPCI
    # and communes; none over régions (their own borders are drawn).
    outline_layer = {"departement": "region", "epci": "departement", "commune": "departement"}
    if niveau in outline_layer:
        outlines = query(con, "geometrie", couche=outline_layer[niveau])
    else:
        outlines = features.iloc[0:0]
    if departement:
        outlines = outlines[outlines["code"] == departement]
    dep = territory(con, "departement", departement) if departement else None
    scope = f" : {dep['nom']} ({departement})" if dep is not None else ""
    title = f"{ind.label} par {LEVEL_WORDS[niveau]}{scope}"
    return MapData(niveau, ind, data.reset_index(drop=True), features, outlines, departement, title)


#: Above this many communes, a territory map uses the light overview geometry.
DETAILED_COMMUNES_MAX = 2000


def territory_map(con: duckdb.DuckDBPyConnection, niveau: str, code: str) -> MapData | None:
    """The communes around a territory, coloured by APL 2023, the territory outlined.

    A commune is shown within its EPCI (its département when it has none); an EPCI, a
    département or a région with its own communes. France has no small map (the map page
    shows it). ``None`` when the territory is unknown or has no geometry.
    """
    check_niveau(niveau)
    t = territory(con, niveau, code)
    if t is None or niveau in ("france", "arrondissement_municipal"):
        return None
    if niveau == "commune":
        scope = ("epci", t["epci"]) if pd.notna(t["epci"]) else ("departement", t["departement"])
    else:
        scope = (niveau, code)
    communes = query(con, "communes_du_territoire", niveau=scope[0], code=str(scope[1]))
    if communes.empty:
        return None
    couche = "commune" if len(communes) <= DETAILED_COMMUNES_MAX else "commune_apercu"
    features = query(con, "geometrie_codes", couche=couche, codes=communes["code"].tolist())
    if features.empty:
        return None
    ind = get_indicator("apl_2023")
    data = pd.DataFrame(
        {
            "code": communes["code"],
            "nom": communes["nom"],
            "value": pd.to_numeric(communes["apl_2023"], errors="coerce"),
            "population": communes["population"],
        }
    )
    outline = query(con, "geometrie_codes", couche=scope[0], codes=[str(scope[1])])
    if niveau == "commune":
        title = f"{ind.label} : {t['nom']} et les communes de son {LEVEL_WORDS[scope[0]]}"
    else:
        title = f"{ind.label} par commune : {t['nom']}"
    return MapData("commune", ind, data, features, outline, code, title)


def map_points(con: duckdb.DuckDBPyConnection, departement: str | None = None) -> pd.DataFrame:
    """Communes with GPs (``medecins_generalistes``) or a maison de santé (``msp``)."""
    df = query(con, "points_communes")
    if departement:
        df = df[df["departement"] == departement]
    return df.reset_index(drop=True)


BASEMAP_STYLE = "light"  # Carto Positron, only when the user asks for tiles


def map_spec(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    niveau: str,
    code: str | None = None,
    indicateur: str = "apl_2023",
    annee: int = 2023,
    departement: str | None = None,
    method: str = "quantile",
    points: str = "",
    basemap: bool = False,
    height: int = 600,
) -> tuple[MapData, object, object] | None:
    """(map data, classes, pydeck deck) of the map page (``kind="carte"``) or of a
    profile's small map (``kind="territoire"``); ``None`` when there is nothing to draw."""
    from analytics import maps

    if kind == "territoire":
        md = territory_map(con, niveau, code)
    else:
        md = map_data(con, niveau, indicateur, annee, departement)
    if md is None:
        return None
    ind = md.indicator
    classes = maps.classify(
        md.data["value"],
        ind.kind,
        method=method,
        decimals=ind.decimals,
        higher_is_worse=ind.higher_is_worse,
    )
    layer = None
    if points:
        pts = map_points(con, departement)
        column = "medecins_generalistes" if points == "generalistes" else "msp"
        pts = pts[pts[column] > 0]
        layer = pd.DataFrame({"lon": pts["lon"], "lat": pts["lat"], "count": pts[column]})
    deck = maps.build_choropleth(
        md.features,
        md.data,
        classes=classes,
        indicator_label=ind.label,
        unit=ind.unit,
        vintage=ind.vintage,
        source=source_line(ind).removeprefix("Source : ").split(",")[0],
        outlines=[md.outlines],
        highlight_code=md.highlight,
        points=layer,
        map_style=BASEMAP_STYLE if basemap else None,
        height=height,
    )
    return md, classes, deck


# --- Compare -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareView:
    table: pd.DataFrame  # Indicateur + one column per territory (formatted)
    raw: pd.DataFrame  # territoire, indicateur, valeur (numeric, long)
    history: pd.DataFrame  # annee, territoire, apl
    similar: pd.DataFrame  # suggestions: niveau, code, nom, distance


SIMILARITY_FEATURES: tuple[str, ...] = (
    "apl_2023",
    "evolution_apl_2015_2023",
    "part_pop_apl_sous_2_5_2023",
    "densite",
    "part_75_plus",
    "generalistes_pour_10000",
)


def compare(con: duckdb.DuckDBPyConnection, territoires: list[tuple[str, str]]) -> CompareView:
    frames = []
    for niveau, code in territoires:
        df = query(con, "indicateurs_territoire", niveau=check_niveau(niveau), code=code)
        if not df.empty:
            frames.append(df)
    if not frames:
        empty = pd.DataFrame()
        return CompareView(empty, empty, empty, empty)
    rows = pd.concat(frames, ignore_index=True)
    rows["label"] = [
        f"{n} ({NIVEAUX[lv]})" for n, lv in zip(rows["nom"], rows["niveau"], strict=True)
    ]
    table = []
    long = []
    for key in (*PROFILE_INDICATORS, *profession_keys(rows.columns)):
        ind = get_indicator(key)
        line = {"Indicateur": ind.label, "Unité": ind.unit}
        for _, r in rows.iterrows():
            line[r["label"]] = format_value(ind, r[key])
            long.append(
                {
                    "territoire": r["label"],
                    "indicateur": ind.label,
                    "cle": key,
                    "valeur": None if pd.isna(r[key]) else float(r[key]),
                }
            )
        table.append(line)
    keys = [f"{n}:{c}" for n, c in zip(rows["niveau"], rows["code"], strict=True)]
    hist = query(con, "apl_historique_territoires", territoires=keys)
    label = dict(zip(keys, rows["label"], strict=True))
    hist["territoire"] = [
        label[f"{n}:{c}"] for n, c in zip(hist["niveau"], hist["code"], strict=True)
    ]
    first = rows.iloc[0]
    peers = query(con, "indicateurs_niveau", niveau=str(first["niveau"]))
    similar = similar_territories(peers, str(first["code"]), exclude=set(rows["code"]))
    return CompareView(pd.DataFrame(table), pd.DataFrame(long), hist, similar)


def similar_territories(
    peers: pd.DataFrame, code: str, exclude: set[str] | None = None, k: int = 5
) -> pd.DataFrame:
    """Nearest territories of the same level on standardised main indicators (z-scores).

    Rows with missing features are left out of the suggestions.
    """
    feats = peers[list(SIMILARITY_FEATURES)].apply(pd.to_numeric, errors="coerce")
    z = (feats - feats.mean()) / feats.std(ddof=0).replace(0, 1)
    z.index = peers["code"].to_numpy()
    if code not in z.index or z.loc[code].isna().any():
        return pd.DataFrame(columns=["niveau", "code", "nom", "distance"])
    dist = ((z - z.loc[code]) ** 2).sum(axis=1, min_count=len(SIMILARITY_FEATURES)) ** 0.5
    out = peers.assign(distance=dist.to_numpy())
    out = out[~out["code"].isin((exclude or set()) | {code}) & out["distance"].notna()]
    return out.nsmallest(k, "distance")[["niveau", "code", "nom", "distance"]]


# --- Sources & methods -----------------------------------------------------------------------


@dataclass(frozen=True)
class MethodsView:
    sources: pd.DataFrame
    indicators: pd.DataFrame
    parametres: pd.DataFrame
    reconciliation: pd.DataFrame
    unmapped: pd.DataFrame
    professions: pd.DataFrame = field(default_factory=pd.DataFrame)  # unit, weight, marker
    parametres_professions: pd.DataFrame = field(default_factory=pd.DataFrame)


def profession_units(seuils: pd.DataFrame) -> pd.DataFrame:
    """One line per profession present: unit, weight, threshold, the lowest-fifth marker."""
    from analytics.indicators import NO_THRESHOLD

    rows = []
    for p in PROFESSIONS:
        own = seuils[seuils["profession"] == p.key].sort_values("annee")
        if own.empty:
            continue
        last = own.iloc[-1]
        marker = (
            f"APL ≤ {format_value(get_indicator(p.indicator(int(last['annee']))), last['seuil_quintile_bas'])} "
            f"en {int(last['annee'])} : le cinquième de la population le moins bien doté"
        )
        rows.append(
            {
                "Profession": p.label.capitalize(),
                "Unité de l'APL": p.unit_long,
                "Poids des moyennes": p.weight_label,
                "Seuil officiel": NO_THRESHOLD,
                "Repère affiché": marker,
                "Source": source_line(get_indicator(p.indicator(int(last["annee"])))),
            }
        )
    return pd.DataFrame(rows)


def methods(con: duckdb.DuckDBPyConnection) -> MethodsView:
    from analytics.reconcile import as_frame, reconcile

    drome = query(con, "indicateurs_territoire", niveau="departement", code="26")
    figures = reconcile(
        query(con, "apl_france"),
        query(con, "medecin_traitant_national"),
        query(con, "ald_sans_mt"),
        None if drome.empty else drome.iloc[0],
    )
    indicators = pd.DataFrame(
        [
            {
                "Indicateur": i.label,
                "Unité": i.unit,
                "Définition": i.definition,
                "Source": source_line(i),
                "Colonne": i.key,
            }
            for i in INDICATORS
        ]
    )
    return MethodsView(
        query(con, "sources"),
        indicators,
        query(con, "apl_parametres"),
        as_frame(figures),
        query(con, "non_rattache"),
        profession_units(query(con, "apl_profession_seuil")),
        query(con, "apl_profession_parametres"),
    )


# --- Priorities ------------------------------------------------------------------------------

PRIORITY_LEVELS: tuple[str, ...] = ("commune", "epci", "departement")


@dataclass(frozen=True)
class PriorityData:
    niveau: str
    territories: pd.DataFrame  # indicators, distance, modality (one row per territory)
    components: pd.DataFrame  # raw_<key>, norm_<key>, same index


def priorities(con: duckdb.DuckDBPyConnection, niveau: str) -> PriorityData:
    """Inputs of the need score for one level; the weighting happens per request."""
    from analytics.score import prepare_components

    if niveau not in PRIORITY_LEVELS:
        raise ValueError(f"niveau de classement inconnu : {niveau!r}")
    df = query(con, "priorites", niveau=niveau).reset_index(drop=True)
    return PriorityData(niveau, df, prepare_components(df))


def rank(data: PriorityData, weights: dict[str, float]) -> pd.DataFrame:
    """Territories ranked by need under ``weights``, with every component's contribution."""
    from analytics.score import score

    scored = score(data.components, weights)
    out = pd.concat([data.territories, scored], axis=1)
    return out.sort_values(["rang", "population"], ascending=[True, False], na_position="last")


def filter_ranking(
    ranked: pd.DataFrame,
    *,
    region: str | None = None,
    departement: str | None = None,
    population_min: float = 0,
    population_max: float | None = None,
    recommandation: str | None = None,
) -> pd.DataFrame:
    mask = ranked["population"].fillna(0) >= population_min
    if population_max is not None:
        mask &= ranked["population"].fillna(0) <= population_max
    if region:
        mask &= ranked["region"] == region
    if departement:
        mask &= ranked["departement"] == departement
    if recommandation:
        mask &= ranked["recommandation"] == recommandation
    return ranked[mask]


def priority_map_data(ranked: pd.DataFrame) -> pd.DataFrame:
    """The map rows of a ranking: code, nom, value (the score), population and the rank
    as read in the tooltip (« 3 sur 120 », out of the territories scored, not of all rows:
    an unscored one is listed, « non classé »)."""
    scored = int(ranked["rang"].notna().sum())
    return pd.DataFrame(
        {
            "code": ranked["code"].astype(str),
            "nom": ranked["nom"],
            "value": ranked["score"],
            "population": ranked["population"],
            "rang": [
                f"{fmt_number(r)} sur {fmt_number(scored)}" if pd.notna(r) else "non classé"
                for r in ranked["rang"]
            ],
        }
    )


def priority_map_deck(
    ranked: pd.DataFrame, features: pd.DataFrame, outlines: pd.DataFrame
) -> tuple[object, object]:
    """(deck, classes) of the need score of the ranked territories (those filtered out are
    not drawn), in quantile classes of the scores shown."""
    from analytics import maps

    data = priority_map_data(ranked)
    features = features[features["code"].isin(set(data["code"]))]
    classes = maps.classify(data["value"], "float", decimals=0, higher_is_worse=True)
    deck = maps.build_choropleth(
        features,
        data,
        classes=classes,
        indicator_label="Score de besoin (0–100)",
        source="DREES, INSEE, RPPS ; score Déserts médicaux",
        vintage="pondération choisie",
        outlines=[outlines],
        extra_tooltip={"rang": "Rang"},
        height=520,
    )
    return deck, classes


# --- Territory report (PDF) ------------------------------------------------------------------

REPORT_INDICATORS: tuple[str, ...] = (
    "population",
    "apl_2023",
    "evolution_apl_2015_2023",
    "part_pop_apl_sous_2_5_2023",
    "generalistes_pour_10000",
    "part_offre_medecins_plus_65_2023",
    "part_75_plus",
    "minutes_urgences",
    "part_medecins_55_plus",
)
REPORT_LEVELS: tuple[str, ...] = ("commune", "epci", "departement")


def territory_report(
    con: duckdb.DuckDBPyConnection, niveau: str, code: str, report_date: dt.date | None = None
):
    """The one-page report of a commune, an EPCI or a département (:mod:`analytics.report`).

    Key figures against the département, the région and France (percentages ×100), the
    APL history of the four, the rank and the decomposition of the need score with the
    default weights, the recommendation and its reason, and the small map as a PNG.
    """
    from analytics import maps
    from analytics.report import TerritoryReport
    from analytics.score import DEFAULT_WEIGHTS, explain, score_components

    if niveau not in REPORT_LEVELS:
        raise ValueError(f"fiche disponible pour les communes, EPCI et départements : {niveau!r}")
    report_date = report_date or dt.date.today()
    parents = query(con, "parents_territoire", niveau=niveau, code=code)
    if parents.empty:
        return None
    parents = parents.set_index("role")
    me = parents.loc["territoire"]
    roles = ("territoire", "departement", "region", "france")
    rows = []
    # GP figures, then one line per other profession present: its APL 2023 with its unit
    report_keys = (
        *REPORT_INDICATORS,
        *(p.indicator(p.years[-1]) for p in PROFESSIONS if p.indicator(p.years[-1]) in parents),
    )
    for key in report_keys:
        ind = get_indicator(key)
        # Values as stored, formatted in the PDF by the indicator's own formatter; the
        # percent sign and « h »/« min » are in the figures, not in the unit column.
        unit = "" if ind.kind in ("percent", "minutes") else ind.unit
        row = {"indicateur": ind.label, "unite": unit, "kind": ind.kind, "decimales": ind.decimals}
        for role in roles:
            value = parents.loc[role, key] if role in parents.index else None
            row[role] = None if value is None or pd.isna(value) else float(value)
        rows.append(row)
    if niveau == "departement":  # no parent département: the report leaves it blank
        for row in rows:
            row["departement"] = None

    keys = {f"{parents.loc[r, 'niveau']}:{parents.loc[r, 'code']}": r for r in parents.index}
    hist = query(con, "apl_historique_territoires", territoires=list(keys))
    hist["role"] = [keys[f"{n}:{c}"] for n, c in zip(hist["niveau"], hist["code"], strict=True)]
    history = hist.pivot_table(index="annee", columns="role", values="apl").reset_index()
    for role in roles:
        if role not in history.columns:
            history[role] = None
    history = history[["annee", *roles]]

    ranked = rank(priorities(con, niveau), dict(DEFAULT_WEIGHTS))
    match = ranked[ranked["code"] == code]
    ranking_text, components, recommendation = "Territoire non classé.", pd.DataFrame(), ""
    if not match.empty:
        r = match.iloc[0]
        ranking_text = explain(r)
        components = score_components(r)
        if pd.notna(r.get("recommandation")):
            recommendation = f"{r['recommandation']}. {r['raison']}"

    png = None
    md = territory_map(con, niveau, code)
    if md is not None:
        classes = maps.classify(md.data["value"], md.indicator.kind)
        own = md.features[md.features["code"] == md.highlight]  # a commune: outline it too
        png = maps.static_png(
            md.features,
            md.data,
            classes=classes,
            title=md.title,
            source_line=source_line(md.indicator),
            outlines=pd.concat([md.outlines, own], ignore_index=True),
            legend_title=md.indicator.label,
            width_px=500,
            date=report_date,
        )
    parent_names = [
        str(parents.loc[r, "nom"]) for r in ("departement", "region") if r in parents.index
    ]
    sources = [combined_source_line([get_indicator(k) for k in report_keys])]
    return TerritoryReport(
        nom=str(me["nom"]),
        niveau=NIVEAUX[niveau],
        code=code,
        parent_label=", ".join(parent_names),
        key_figures=pd.DataFrame(rows),
        apl_history=history,
        ranking_text=ranking_text,
        score_components=components,
        recommendation=recommendation,
        map_png=png,
        sources=sources,
        build_date=fmt_date_fr(report_date),
    )


# --- What-if simulation ----------------------------------------------------------------------


@dataclass(frozen=True)
class SimulationView:
    simulation: object  # analytics.simulation.Simulation
    features: pd.DataFrame  # code, geometry_json of the communes in reach
    outlines: pd.DataFrame  # their départements


def simulation(con: duckdb.DuckDBPyConnection, code: str, etp: float) -> SimulationView | None:
    """A centre of ``etp`` full-time GPs in commune ``code``, and the map of its reach."""
    from analytics.simulation import simulate_centre

    sim = simulate_centre(con, code, etp)
    if sim is None:
        return None
    codes = sim.communes["code"].tolist()
    features = query(con, "geometrie_codes", couche="commune", codes=codes)
    deps = sorted(set(sim.communes["departement"].dropna()))
    outlines = query(con, "geometrie_codes", couche="departement", codes=deps)
    return SimulationView(sim, features, outlines)


def simulation_maps(view: SimulationView) -> list[tuple[str, object, object]]:
    """(title, deck, classes) before and after the centre opens, in the fixed APL classes."""
    from analytics import maps

    sim = view.simulation
    ind = get_indicator("apl_2023")
    decks = []
    for column, title in (("apl_avant", "Avant (APL 2023 officielle)"), ("apl_apres", "Après")):
        data = pd.DataFrame(
            {
                "code": sim.communes["code"],
                "nom": sim.communes["nom"],
                "value": sim.communes[column],
                "population": sim.communes["population"],
            }
        )
        classes = maps.classify(data["value"], "apl")
        deck = maps.build_choropleth(
            view.features,
            data,
            classes=classes,
            indicator_label=f"APL {title.split(' ')[0].lower()}",
            unit=ind.unit,
            vintage=ind.vintage,
            source="DREES ; simulation Déserts médicaux",
            outlines=[view.outlines],
            highlight_code=sim.code,
            height=380,
        )
        decks.append((title, deck, classes))
    return decks


def simulation_table(sim) -> pd.DataFrame:
    """The communes in reach as shown and downloaded, nearest first, in French columns."""
    table = sim.communes.rename(
        columns={
            "code": "Code",
            "nom": "Commune",
            "departement": "Dép.",
            "population": "Population (APL 2023 : recensement 2021)",
            "minutes": "Minutes de route (estimées)",
            "apl_avant": "APL 2023",
            "apl_apres": "APL après",
            "gain": "Gain d'APL",
            "motif_incertitude": "Temps moins sûr",
        }
    ).drop(columns=["incertitude"], errors="ignore")
    if "Temps moins sûr" in table.columns:
        table["Temps moins sûr"] = table["Temps moins sûr"].fillna("")
    return table
