"""« Mon groupe de territoires »: several EPCI or communes looked at as one territory.

Three communautés de communes that co-fund a médicobus, a CPTS's communes, a pays: the
user names the group and lists its members; the group is kept in the URL
(``groupe=Nom:epci-200040905,epci-248100497,commune-81124``) and gets a profile, a place
in comparisons and a rank among the territories of its members' level.

Its figures are aggregated from its communes with the database's own rules (the SQL
models ``070_indicateurs.sql``): sums for counts, densities recomputed from the sums
(``10 000 × Σ généralistes / Σ population``), the APL as the mean of its communes
weighted by their standardised population (DREES, note of the APL workbook), people
under a threshold counted in total population, context shares weighted by population
over the communes that have them. A commune belonging to two members counts once.
This module is pure: DataFrames in, DataFrames out; the database is read through named
queries only in :func:`load_group`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.codes import valid_code
from analytics.db import query
from analytics.indicators import APL_YEARS

PARAM = "groupe"
GROUP_LEVEL = "groupe"
MIN_MEMBERS = 2
MAX_MEMBERS = 40
MAX_NAME = 60
#: Member kinds (codes checked by :func:`analytics.codes.valid_code`: INSEE COG for
#: communes, SIREN for EPCI).
MEMBER_LEVELS = ("epci", "commune")
_NAME = re.compile(r"^[\w][\w '’.()&/-]*$")


class GroupError(ValueError):
    """A group that cannot be read or built; the message is in French, for the user."""


@dataclass(frozen=True)
class Group:
    nom: str
    membres: tuple[tuple[str, str], ...]  # (niveau, code), in the user's order

    def to_param(self) -> str:
        return f"{self.nom}:" + ",".join(f"{n}-{c}" for n, c in self.membres)

    @property
    def code(self) -> str:
        """A stable identifier of the group (its parameter)."""
        return self.to_param()


def parse_group(raw: object) -> Group:
    """``'Nom:epci-200040905,commune-81124'`` → :class:`Group`, or :class:`GroupError`
    naming the parameter and what is wrong (nothing is kept from a bad value)."""
    if isinstance(raw, (list, tuple)):
        raw = raw[0] if raw else ""
    if not isinstance(raw, str) or not raw.strip():
        raise GroupError(
            f"Paramètre « {PARAM} » vide : format attendu Nom:epci-200040905,epci-248100497."
        )
    if len(raw) > MAX_NAME + 1 + MAX_MEMBERS * 18:
        raise GroupError(f"Paramètre « {PARAM} » trop long : au plus {MAX_MEMBERS} membres.")
    if ":" not in raw:
        raise GroupError(
            f"Paramètre « {PARAM} » sans nom : format attendu Nom:epci-200040905,epci-248100497."
        )
    nom, _, rest = raw.partition(":")
    nom = " ".join(nom.split())
    if not nom or len(nom) > MAX_NAME or not _NAME.match(nom):
        raise GroupError(
            f"Paramètre « {PARAM} » : nom de groupe invalide ({nom[:30]!r}) ; lettres, "
            f"chiffres, espaces et ' - . ( ) & / seulement, {MAX_NAME} caractères au plus."
        )
    items = [i.strip() for i in rest.split(",") if i.strip()]
    membres: list[tuple[str, str]] = []
    bad: list[str] = []
    for item in items[: MAX_MEMBERS + 1]:
        niveau, sep, code = item.partition("-")
        if not sep or niveau not in MEMBER_LEVELS or not valid_code(niveau, code):
            bad.append(item[:30])
        elif (niveau, code) not in membres:
            membres.append((niveau, code))
    if bad:
        raise GroupError(
            f"Paramètre « {PARAM} » : membre(s) invalide(s) "
            f"({', '.join(repr(b) for b in bad[:3])}) ; chaque membre s'écrit epci-<SIREN à "
            "9 chiffres> ou commune-<code INSEE>."
        )
    if len(items) > MAX_MEMBERS:
        raise GroupError(f"Paramètre « {PARAM} » : au plus {MAX_MEMBERS} membres.")
    if len(membres) < MIN_MEMBERS:
        raise GroupError(
            f"Paramètre « {PARAM} » : un groupe réunit au moins {MIN_MEMBERS} territoires "
            "différents."
        )
    return Group(nom, tuple(membres))


# --- Aggregation (pure) ------------------------------------------------------------------------


def _wmean(values: pd.Series, weights: pd.Series) -> float:
    """Mean of ``values`` weighted by ``weights`` over the rows where the value exists."""
    v = pd.to_numeric(values, errors="coerce")
    w = pd.to_numeric(weights, errors="coerce")
    ok = v.notna() & w.notna()
    total = float(w[ok].sum())
    return float((v[ok] * w[ok]).sum() / total) if total else np.nan


def _sum(values: pd.Series) -> float:
    s = pd.to_numeric(values, errors="coerce")
    return float(s.sum()) if s.notna().any() else np.nan


def _ratio(num: float, den: float, scale: float = 1.0) -> float:
    return scale * num / den if den and np.isfinite(den) and np.isfinite(num) else np.nan


def apl_history(apl: pd.DataFrame) -> pd.DataFrame:
    """Per year: APL weighted by standardised population, covered population and the
    population by APL class (sums), from commune rows of ``apl_territoire``."""
    rows = []
    for annee, g in apl.groupby("annee", sort=True):
        with_apl = g[g["apl"].notna()]
        rows.append(
            {
                "annee": int(annee),
                "apl": _wmean(with_apl["apl"], with_apl["pop_standardisee"]),
                "apl_moins_65": _wmean(g["apl_moins_65"], g["pop_standardisee"]),
                "pop_standardisee": _sum(g["pop_standardisee"]),
                "pop_couverte": _sum(g["pop_couverte"]),
                "pop_apl_sous_2_5": _sum(g["pop_apl_sous_2_5"]),
                "pop_apl_2_5_4": _sum(g["pop_apl_2_5_4"]),
                "pop_apl_4_plus": _sum(g["pop_apl_4_plus"]),
            }
        )
    return pd.DataFrame(rows)


def aggregate(communes: pd.DataFrame, apl: pd.DataFrame) -> dict[str, object]:
    """The group's row, with the columns of the ``indicateurs`` table, from the indicator
    rows of its communes (``communes``) and their APL per year (``apl``)."""
    c = communes.drop_duplicates("code")
    codes = set(c["code"])
    apl = apl[apl["code"].isin(codes)]
    pop = pd.to_numeric(c["population"], errors="coerce")
    population = float(pop.sum())
    superficie = _sum(c["superficie_km2"])
    mg = _sum(c["medecins_generalistes"])
    mt = _sum(c["medecins_total"])
    omni = pd.to_numeric(c["omnipraticiens_liberaux_2017"], errors="coerce")
    hist = apl_history(apl).set_index("annee") if not apl.empty else pd.DataFrame()

    def year(annee: int, column: str) -> float:
        if hist.empty or annee not in hist.index:
            return np.nan
        return float(hist.loc[annee, column])

    # Change since 2015 on a constant perimeter: the communes with both years.
    both = set(apl.loc[(apl["annee"] == 2023) & apl["apl"].notna(), "code"]) & set(
        apl.loc[(apl["annee"] == 2015) & apl["apl"].notna(), "code"]
    )
    n = apl[(apl["annee"] == 2023) & apl["code"].isin(both)]
    o = apl[(apl["annee"] == 2015) & apl["code"].isin(both)]
    evolution = (
        _wmean(n["apl"], n["pop_standardisee"]) - _wmean(o["apl"], o["pop_standardisee"])
        if both
        else np.nan
    )
    main = c.loc[pop.idxmax()] if pop.notna().any() else c.iloc[0]
    row: dict[str, object] = {
        "niveau": GROUP_LEVEL,
        "departement": main.get("departement"),
        "region": main.get("region"),
        "nb_communes": len(c),
        "population": population,
        "superficie_km2": superficie,
        "densite": _ratio(population, superficie),
        "medecins_generalistes": mg,
        "generalistes_pour_10000": _ratio(mg, population, 10000),
        "medecins_total": mt,
        "medecins_pour_10000": _ratio(mt, population, 10000),
        "communes_avec_generaliste": _sum(c["communes_avec_generaliste"]),
        "omnipraticiens_liberaux_2017": _sum(omni),
        "omnipraticiens_liberaux_2017_pour_10000": _ratio(
            _sum(omni), float(pop[omni.notna()].sum()), 10000
        ),
        "evolution_apl_2015_2023": evolution,
        "pop_evolution_2015_2023": _sum(n["pop_couverte"]) if both else np.nan,
        "apl_moins_65_2023": year(2023, "apl_moins_65"),
        "pop_standardisee_2023": year(2023, "pop_standardisee"),
        "pop_couverte_apl_2023": year(2023, "pop_couverte"),
        "pop_apl_sous_2_5_2022": year(2022, "pop_apl_sous_2_5"),
        "part_75_plus": _wmean(c["part_75_plus"], pop),
        "minutes_urgences": _wmean(c["minutes_urgences"], pop),
        "communes_avec_msp": _sum(c["communes_avec_msp"]),
        "part_medecins_55_plus": _wmean(c["part_medecins_55_plus"], pop),
        "tcam_effectif_medecins_pct": _wmean(c["tcam_effectif_medecins_pct"], pop),
    }
    for annee in APL_YEARS:
        row[f"apl_{annee}"] = year(annee, "apl")
    row["evolution_apl_2022_2023"] = row["apl_2023"] - row["apl_2022"]
    row["part_offre_medecins_plus_65_2023"] = 1 - _ratio(row["apl_moins_65_2023"], row["apl_2023"])
    couverte = row["pop_couverte_apl_2023"]
    for cls in ("sous_2_5", "2_5_4", "4_plus"):
        row[f"pop_apl_{cls}_2023"] = year(2023, f"pop_apl_{cls}")
        row[f"part_pop_apl_{cls}_2023"] = _ratio(row[f"pop_apl_{cls}_2023"], couverte)
    row["part_pop_apl_sous_2_5_2022"] = _ratio(
        row["pop_apl_sous_2_5_2022"], year(2022, "pop_couverte")
    )
    return row


# --- From the database ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupView:
    group: Group
    row: pd.Series  # columns of ``indicateurs`` (niveau "groupe", code, nom)
    history: pd.DataFrame  # annee, apl, populations by class
    members: pd.DataFrame  # niveau, membre, nom_membre, communes
    communes: pd.DataFrame  # indicator rows of the group's communes


def load_group(con: duckdb.DuckDBPyConnection, group: Group) -> GroupView:
    """The group's figures; :class:`GroupError` naming the members that do not exist."""
    keys = [f"{n}:{c}" for n, c in group.membres]
    links = query(con, "groupe_membres", membres=keys, max_rows=200_000)
    found = set(zip(links["niveau"], links["membre"], strict=True))
    missing = [f"{n}-{c}" for n, c in group.membres if (n, c) not in found]
    if missing:
        raise GroupError(
            f"Paramètre « {PARAM} » : territoire(s) inconnu(s) dans la base "
            f"({', '.join(missing[:5])}) ; le groupe n'est pas affiché."
        )
    codes = sorted(set(links["commune"]))
    communes = query(con, "groupe_communes", codes=codes, max_rows=200_000)
    apl = query(con, "groupe_apl", codes=codes, max_rows=200_000)
    row = aggregate(communes, apl)
    row["code"] = group.code
    row["nom"] = group.nom
    members = (
        links.groupby(["niveau", "membre", "nom_membre"], sort=False)
        .size()
        .reset_index(name="communes")
    )
    order = {key: i for i, key in enumerate(group.membres)}
    members["ordre"] = [
        order[(n, m)] for n, m in zip(members["niveau"], members["membre"], strict=True)
    ]
    members = members.sort_values("ordre").drop(columns="ordre").reset_index(drop=True)
    history = apl_history(apl)
    return GroupView(group, pd.Series(row), history, members, communes)


def group_level(group: Group) -> str:
    """The level a group is ranked against: its members' level (EPCI when mixed)."""
    niveaux = {n for n, _ in group.membres}
    return "commune" if niveaux == {"commune"} else "epci"


def rank_against(peers: pd.DataFrame, group_row: pd.Series, weights: dict[str, float]) -> dict:
    """Where the group would rank among ``peers`` (the ``priorites`` rows of one level).

    The group is added to its peers as one more territory, the components are normalised
    over the enlarged set (:func:`analytics.score.prepare_components`) and scored with
    ``weights``; the rank and score are the group's. The distance and ALD components,
    which the database computes per level, are left missing for the group (their weight
    is then shared among the others, as for any territory without them).
    """
    from analytics.score import prepare_components, score

    extra = pd.DataFrame([group_row.to_dict()])
    table = pd.concat([peers.drop(columns=["niveau"], errors="ignore"), extra], ignore_index=True)
    scored = score(prepare_components(table), weights)
    me = scored.iloc[-1]
    return {
        "score": float(me["score"]) if pd.notna(me["score"]) else np.nan,
        "rang": int(me["rang"]) if pd.notna(me["rang"]) else None,
        "nb_territoires": int(me["nb_territoires"]),
        "row": me,
    }
