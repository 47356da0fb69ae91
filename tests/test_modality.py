"""Fixed centre or médicobus: toy territories whose answers are known by hand.

Points are placed on a meridian (lon 5°E) so that distances are exact: 1 km north is
1 / 111.195 degree of latitude. The catchment radius is 11.9 km by default.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.geodesy import EARTH_RADIUS_KM
from analytics.modality import (
    AUCUN,
    CENTRE,
    COLUMNS,
    INDETERMINE,
    MEDICOBUS,
    MIXTE,
    ModalityParams,
    adjacency,
)
from analytics.modality import recommend as _recommend
from analytics.traveltime import TravelTimeModel

NNBSP = "\u202f"
KM_PER_DEGREE = np.pi * EARTH_RADIUS_KM / 180.0
#: Toy travel model: 15 minutes = 11.9 km straight line, linear (hand-checkable).
TOY = TravelTimeModel(coefficient=15.0 / 11.9, exponent=1.0)
#: The hand-computed figures below use 5,000 consultations per FTE.
P5000 = ModalityParams(consultations_par_etp=5000.0)


def recommend(communes, membership, params=None):
    return _recommend(communes, membership, params or P5000, model=TOY)


def commune(code: str, nom: str, km: float, apl: float, pop_std: float, pop=None) -> dict:
    return {
        "code": code,
        "nom": nom,
        "lat": 45.0 + km / KM_PER_DEGREE,
        "lon": 5.0,
        "apl": apl,
        "pop_standardisee": pop_std,
        "population": pop_std if pop is None else pop,
    }


def territory(codes, niveau: str = "epci", code: str = "T") -> pd.DataFrame:
    return pd.DataFrame({"niveau": niveau, "territoire": code, "commune": list(codes)})


def one(result: pd.DataFrame, niveau: str = "epci", territoire: str = "T") -> pd.Series:
    rows = result[(result["niveau"] == niveau) & (result["territoire"] == territoire)]
    assert len(rows) == 1
    return rows.iloc[0]


# --- parameters and geometry -----------------------------------------------------------


def test_default_catchment_is_15_minutes_of_the_travel_model():
    p = ModalityParams()
    assert p.minutes_trajet == 15.0 and p.zone_text() == "15 minutes de route"
    assert ModalityParams(rayon_km=5.0).zone_text() == "5 km"


def test_adjacency_uses_the_radius():
    df = pd.DataFrame([commune("1", "a", 0, 1, 1), commune("2", "b", 11.8, 1, 1)])
    df = pd.concat([df, pd.DataFrame([commune("3", "c", 23.8, 1, 1)])], ignore_index=True)
    lat, lon, codes = df["lat"].to_numpy(), df["lon"].to_numpy(), df["code"].to_numpy()
    a = adjacency(codes, lat, lon, ModalityParams(), TOY).toarray()
    b = adjacency(codes, lat, lon, ModalityParams(rayon_km=11.9), None).toarray()
    # a–b 11.8 km: neighbours; b–c 12.0 km: not
    np.testing.assert_array_equal(a, [[1, 1, 0], [1, 1, 0], [0, 0, 1]])
    np.testing.assert_array_equal(b, a)
    # a slower region (factor 1.2 for every commune) shrinks the 15-minute zone to 9.9 km
    slow = TravelTimeModel(
        15.0 / 11.9, 1.0, communes=df[["code", "lat", "lon"]].assign(facteur=1.2)
    )
    c = adjacency(codes, lat, lon, ModalityParams(), slow).toarray()
    np.testing.assert_array_equal(c, np.eye(3))


# --- one big under-served town: fixed centre --------------------------------------------


@pytest.fixture()
def big_town() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # deficit (2.5 − 1.5) × 20 000 = 20 000 consultations = 4 FTE
            commune("26281", "Le Bourg", 0.0, 1.5, 20_000.0),
            commune("26001", "Alixan", 4.0, 3.0, 900.0),  # APL above target: no deficit
            commune("26002", "Besayes", -5.0, 2.8, 600.0),
        ]
    )


def test_big_town_gets_a_fixed_centre(big_town):
    r = one(recommend(big_town, territory(big_town["code"])))
    assert r["consultations_manquantes"] == pytest.approx(20_000.0)
    assert r["etp_manquants"] == pytest.approx(4.0)
    # Alixan's 15-minute zone holds the same deficit: the tie goes to the town itself
    assert r["commune_pole"] == "26281" and r["nom_pole"] == "Le Bourg"
    assert r["part_deficit_pole"] == pytest.approx(1.0)
    assert r["etp_pole"] == pytest.approx(4.0)
    assert r["communes_sous_dotees"] == 1
    assert r["population_sous_dotee"] == pytest.approx(20_000.0)
    assert r["pop_mediane_communes_sous_dotees"] == pytest.approx(20_000.0)
    assert r["recommandation"] == CENTRE
    assert r["raison"] == (
        f"Il manque environ 20{NNBSP}000 consultations par an (4,0 médecins à temps plein) ; "
        f"100{NNBSP}% de ce déficit se trouve à moins de 15 minutes de route du Bourg "
        "(4,0 médecins à temps plein) : un centre fixe y trouverait sa patientèle."
    )


# --- eight small scattered villages: médicobus -------------------------------------------


def villages(pop: float, apl: float = 1.0, start_km: float = 0.0) -> list[dict]:
    """Eight villages 20 km apart: each 15-minute zone holds one village."""
    return [commune(f"480{i:02d}", f"Village {i}", start_km + 20.0 * i, apl, pop) for i in range(8)]


def test_small_scattered_villages_get_a_medicobus():
    df = pd.DataFrame(villages(400.0))
    r = one(recommend(df, territory(df["code"])))
    # 8 × (2.5 − 1.0) × 400 = 4 800 consultations = 0.96 FTE
    assert r["consultations_manquantes"] == pytest.approx(4_800.0)
    assert r["etp_manquants"] == pytest.approx(0.96)
    assert r["part_deficit_pole"] == pytest.approx(1 / 8)
    assert r["etp_pole"] == pytest.approx(0.12)
    assert r["communes_sous_dotees"] == 8
    assert r["pop_mediane_communes_sous_dotees"] == pytest.approx(400.0)
    assert r["deficit_disperse"]
    assert r["recommandation"] == MEDICOBUS
    assert r["raison"] == (
        f"Il manque environ 4{NNBSP}800 consultations par an (1,0 médecin à temps plein), "
        "soit environ 10 demi-journées de consultation par semaine : trop peu pour occuper "
        "plusieurs médecins dans un centre fixe ; réparti entre 8 communes sous-dotées "
        "(dont Village 0, Village 1, Village 2 ; population médiane 400 habitants), ce "
        "besoin se prête aux demi-journées d'un médicobus."
    )
    # equal deficits: the first three by code are named, « dont » since 8 > 3
    assert r["communes_sous_dotees_liste"] == "Village 0, Village 1, Village 2"


def test_the_largest_deficits_are_named_first():
    df = pd.DataFrame(villages(400.0))
    df.loc[df["code"] == "48005", "apl"] = 0.0  # 2.5 × 400 = 1 000, the largest deficit
    df.loc[df["code"] == "48007", "pop_standardisee"] = 600.0  # 1.5 × 600 = 900, second
    r = one(recommend(df, territory(df["code"])))
    assert r["communes_sous_dotees_liste"].split(", ")[:2] == ["Village 5", "Village 7"]


def test_need_score_below_the_median_never_gets_an_intervention():
    """Two territories with the same scattered deficit: the one the need score ranks
    below 50/100 gets « Pas de besoin prioritaire », the other the médicobus."""
    df = pd.DataFrame(villages(400.0))
    m = pd.concat([territory(df["code"], code="A"), territory(df["code"], code="B")])
    besoin = pd.DataFrame({"niveau": "epci", "territoire": ["A", "B"], "score": [49.0, 51.0]})
    res = _recommend(df, m, P5000, model=TOY, besoin=besoin)
    low, high = one(res, territoire="A"), one(res, territoire="B")
    assert high["recommandation"] == MEDICOBUS
    assert low["recommandation"] == AUCUN
    assert "score de besoin (49 sur 100" in low["raison"]


def test_the_pole_is_a_credible_site():
    """Toy model: 15 min = 11.9 km. Bourg (5 000 inh., APL 3: no deficit) at 6 km,
    Hameau (200 inh., deficit 2 × 200 = 400) at 0, Loin (900 inh., deficit 1.5 × 2 000 =
    3 000) at −6 km. Zones: B(Bourg) = {Bourg, Hameau} → 400; B(Hameau) = all three →
    3 400; B(Loin) = {Hameau, Loin} → 3 400. Bourg is the only commune of 1 000
    inhabitants or more: it is the pole despite its smaller zone. Without Bourg, no
    candidate is credible: the largest zone wins as before (tie 3 400 → larger own
    deficit: Loin)."""
    town = commune("T1", "Bourg", 6.0, 3.0, 5_000.0, pop=5_000.0)
    hamlet = commune("H1", "Hameau", 0.0, 0.5, 200.0, pop=200.0)
    far = commune("F1", "Loin", -6.0, 1.0, 2_000.0, pop=900.0)
    df = pd.DataFrame([town, hamlet, far])
    r = one(recommend(df, territory(df["code"])))
    assert r["commune_pole"] == "T1"
    r2 = one(recommend(df[df["code"] != "T1"], territory(["H1", "F1"])))
    assert r2["commune_pole"] == "F1"


def test_large_but_scattered_deficit_gets_a_medicobus():
    df = pd.DataFrame(villages(1_500.0))
    r = one(recommend(df, territory(df["code"])))
    # 8 × 1.5 × 1 500 = 18 000 consultations = 3.6 FTE, at most 0.45 FTE per zone
    assert r["etp_manquants"] == pytest.approx(3.6)
    assert r["etp_pole"] == pytest.approx(0.45)
    assert r["recommandation"] == MEDICOBUS
    assert "mais dispersées : aucun site ne réunit 2,0 médecins à temps plein" in r["raison"]
    assert f"(au mieux 0,5 autour de Village 0, 13{NNBSP}% du déficit)" in r["raison"]


# --- no deficit ---------------------------------------------------------------------------


def test_no_deficit_no_priority_need(big_town):
    df = big_town.assign(apl=[2.5, 3.0, 4.2])
    r = one(recommend(df, territory(df["code"])))
    assert r["consultations_manquantes"] == 0 and r["etp_manquants"] == 0
    assert r["communes_sous_dotees"] == 0 and pd.isna(r["commune_pole"])
    assert r["recommandation"] == AUCUN
    assert r["raison"] == (
        "Aucune commune du territoire n'a une APL inférieure à 2,5 : "
        "pas de consultations manquantes au regard de ce seuil."
    )


def test_tiny_deficit_is_not_a_priority():
    df = pd.DataFrame([commune("01001", "Ambérieux", 0.0, 2.3, 1_000.0)])  # 200 consultations
    r = one(recommend(df, territory(df["code"])))
    assert r["etp_manquants"] == pytest.approx(0.04)
    assert r["recommandation"] == AUCUN
    assert "(moins de 0,1 médecin à temps plein)" in r["raison"]
    assert "moins d'une demi-journée de consultation par semaine" in r["raison"]


# --- a pole and scattered villages: both ------------------------------------------------


def test_town_and_remote_villages_get_centre_and_medicobus():
    town = commune("07010", "Alissas", 0.0, 1.5, 10_000.0)  # 10 000 consultations: 2 FTE
    df = pd.DataFrame([town, *villages(500.0, apl=0.5, start_km=40.0)])  # 8 × 1 000
    r = one(recommend(df, territory(df["code"])))
    assert r["consultations_manquantes"] == pytest.approx(18_000.0)
    assert r["nom_pole"] == "Alissas" and r["etp_pole"] == pytest.approx(2.0)
    assert r["part_deficit_pole"] == pytest.approx(10 / 18)
    assert r["communes_sous_dotees_hors_pole"] == 8
    assert r["recommandation"] == MIXTE
    assert r["raison"] == (
        f"Il manque environ 18{NNBSP}000 consultations par an (3,6 médecins à temps plein) ; "
        f"56{NNBSP}% de ce déficit se trouve à moins de 15 minutes de route d'Alissas (2,0 médecins à temps "
        f"plein) : un centre fixe y trouverait sa patientèle ; les 44{NNBSP}% restants se "
        "répartissent entre 8 communes sous-dotées (population médiane 500 habitants), "
        "qu'un médicobus peut desservir."
    )


def test_remaining_deficit_in_towns_calls_for_other_centres():
    town = commune("07010", "Alissas", 0.0, 1.5, 10_000.0)
    towns = [commune(f"0702{i}", f"Ville {i}", 40.0 + 20 * i, 2.0, 4_000.0) for i in range(4)]
    df = pd.DataFrame([town, *towns])  # 4 × 0.5 × 4 000 = 8 000 outside the pole
    r = one(recommend(df, territory(df["code"])))
    assert r["part_deficit_pole"] == pytest.approx(10 / 18)
    assert r["recommandation"] == CENTRE
    assert r["raison"].endswith(
        f"(population médiane 4{NNBSP}000 habitants), où d'autres centres fixes seraient à étudier."
    )


# --- levels, catchments, missing data ---------------------------------------------------


def test_commune_level_uses_the_catchment(big_town):
    df = pd.concat([big_town, pd.DataFrame(villages(400.0, start_km=60.0))], ignore_index=True)
    membership = pd.DataFrame(
        {"niveau": "commune", "territoire": ["26001", "48000"], "commune": ["26001", "48000"]}
    )
    res = recommend(df, membership)
    # Alixan has no deficit itself, but Le Bourg, 4 km away, is in its catchment
    alixan = one(res, "commune", "26001")
    assert alixan["consultations_manquantes"] == pytest.approx(20_000.0)
    assert alixan["nom_pole"] == "Le Bourg" and alixan["recommandation"] == CENTRE
    assert alixan["raison"].startswith(
        "À moins de 15 minutes de route d'Alixan, il manque environ 20"
    )
    # an isolated village alone in its catchment: 1.5 × 400 = 600 consultations
    village = one(res, "commune", "48000")
    assert village["consultations_manquantes"] == pytest.approx(600.0)
    assert village["communes_sous_dotees"] == 1
    assert village["recommandation"] == AUCUN
    assert "soit environ 1 demi-journée de consultation par semaine" in village["raison"]


def test_several_levels_in_one_call(big_town):
    df = pd.concat([big_town, pd.DataFrame(villages(400.0, start_km=60.0))], ignore_index=True)
    membership = pd.concat(
        [
            territory(big_town["code"], "epci", "E1"),
            territory(df["code"][3:], "epci", "E2"),
            territory(df["code"], "departement", "26"),
        ]
    )
    res = recommend(df, membership)
    assert list(res.columns) == list(COLUMNS)
    assert list(zip(res["niveau"], res["territoire"], strict=True)) == [
        ("epci", "E1"),
        ("epci", "E2"),
        ("departement", "26"),
    ]
    dep = one(res, "departement", "26")
    assert dep["consultations_manquantes"] == pytest.approx(20_000 + 4_800)
    assert dep["communes_sous_dotees"] == 9


def test_communes_without_apl_are_counted_not_dropped(big_town):
    df = big_town.assign(apl=[1.5, np.nan, 3.0])
    membership = territory([*df["code"], "99999"])  # 99999: unknown commune
    r = one(recommend(df, membership))
    assert r["communes_sans_apl"] == 2
    assert r["consultations_manquantes"] == pytest.approx(20_000.0)
    assert r["raison"].endswith("APL inconnue pour 2 communes, non comptées.")
    no_data = one(recommend(df.assign(apl=np.nan), territory(df["code"])))
    assert no_data["recommandation"] == INDETERMINE
    assert np.isnan(no_data["consultations_manquantes"])


def test_target_apl_is_a_parameter(big_town):
    r = one(
        recommend(
            big_town,
            territory(big_town["code"]),
            ModalityParams(apl_cible=4.0, consultations_par_etp=5000.0),
        )
    )
    # (4 − 1.5) × 20 000 + (4 − 3) × 900 + (4 − 2.8) × 600 = 50 000 + 900 + 720
    assert r["consultations_manquantes"] == pytest.approx(51_620.0)
    assert r["communes_sous_dotees"] == 3


def test_input_errors(big_town):
    with pytest.raises(ValueError, match="pop_standardisee"):
        recommend(big_town.drop(columns="pop_standardisee"), territory(big_town["code"]))
    with pytest.raises(ValueError, match="en double"):
        recommend(pd.concat([big_town, big_town]), territory(big_town["code"]))
    with pytest.raises(ValueError, match="membership"):
        recommend(big_town, pd.DataFrame({"niveau": ["epci"], "commune": ["26281"]}))


def test_small_own_deficit_next_to_a_big_pole_is_not_a_fixed_centre():
    """Montélimar's case: 0.7 FTE missing within the commune's 12 km, while the best
    site nearby gathers 2.5 FTE of deficit (mostly beyond that commune's reach)."""
    df = pd.DataFrame(
        [
            commune("26001", "Ville", 0.0, 3.5, 20_000.0),
            commune("26002", "Hameau", 10.0, 2.0, 6_600.0),  # 0.5 × 6 600 = 3 300
            commune("26003", "Bourg", 20.0, 1.5, 9_000.0),  # 9 000, beyond Ville's 11.9 km
        ]
    )
    membership = pd.DataFrame({"niveau": "commune", "territoire": ["26001"], "commune": ["26001"]})
    r = one(recommend(df, membership), "commune", "26001")
    assert r["etp_manquants"] == pytest.approx(0.66)
    assert r["etp_pole"] >= 2.0  # the pole (Hameau) reaches Bourg too
    assert r["recommandation"] == MEDICOBUS
    assert "trop peu pour occuper plusieurs médecins dans un centre fixe" in r["raison"]


def test_best_site_just_under_two_fte_never_reads_two():
    from analytics.modality import _below

    assert _below(1.958, 2.0) == 1.9
    assert _below(0.45, 2.0) == 0.45
    assert _below(2.3, 2.0) == 2.3


# --- the national database: the cases a new user met ----------------------------------


@pytest.fixture(scope="module")
def national_modalite(national_db):
    import duckdb

    con = duckdb.connect(str(national_db), read_only=True)
    try:
        yield con.execute(
            "SELECT m.*, c.population AS population_pole FROM modalite AS m "
            "LEFT JOIN commune AS c ON c.code = m.commune_pole"
        ).df()
    finally:
        con.close()


def _row(df: pd.DataFrame, niveau: str, code: str) -> pd.Series:
    hit = df[(df["niveau"] == niveau) & (df["territoire"] == code)]
    assert len(hit) == 1, (niveau, code)
    return hit.iloc[0]


INTERVENTIONS = (CENTRE, MIXTE, MEDICOBUS)


@pytest.mark.mirror
def test_no_intervention_where_the_need_score_is_below_the_median(national_modalite):
    df = national_modalite
    proposed = df[df["recommandation"].isin(INTERVENTIONS)]
    assert len(proposed) > 1000
    # territories without a need score (no component published) are not constrained
    assert (proposed["score_besoin"].fillna(100.0) >= 50).all()
    assert proposed["score_besoin"].notna().mean() > 0.99
    # Romans-sur-Isère: need score 25/100 (rank ~29 000 of ~35 000) was told « Médicobus »
    assert _row(df, "commune", "26281")["recommandation"] == AUCUN
    # CA Valence Romans Agglo (rank 817) got « Médicobus » while CC du Royans-Vercors
    # (rank 782, more need) got « Pas de besoin prioritaire »: one rule for both now
    valence, royans = _row(df, "epci", "200068781"), _row(df, "epci", "200067767")
    if royans["recommandation"] == AUCUN and royans["score_besoin"] >= valence["score_besoin"]:
        assert valence["recommandation"] == AUCUN


@pytest.mark.mirror
def test_proposed_sites_are_credible_towns(national_modalite):
    df = national_modalite
    # Lacaune (Tarn) was offered a centre at Murasson, 213 inhabitants
    lacaune = _row(df, "commune", "81124")
    assert lacaune["commune_pole"] != "12163"
    assert pd.isna(lacaune["commune_pole"]) or lacaune["population_pole"] >= 1000
    centres = df[df["recommandation"].isin((CENTRE, MIXTE))]
    assert len(centres) > 100 and (centres["population_pole"] >= 1000).all()


@pytest.mark.mirror
def test_medicobus_reasons_name_the_under_served_communes(national_modalite):
    df = national_modalite
    bus = df[(df["recommandation"] == MEDICOBUS) & (df["communes_sous_dotees"] >= 2)]
    assert len(bus) > 100
    for r in bus.head(500).itertuples():
        names = r.communes_sous_dotees_liste.split(", ")
        assert len(names) == min(3, r.communes_sous_dotees)
        assert r.communes_sous_dotees_liste in r.raison, r.territoire
