"""Write a small open-data mirror in the exact formats of the real files.

Eight communes in three départements, written by code (never copied from the real
mirror): enough to exercise every parser, the code mapping (a former code of a merged
commune, Lyon's municipal arrondissements), APL aggregation and the checks.

Territories:
- 01 Ain (région 84): 01001 (860 hab.), 01004 (14 000 hab.), 01015 (commune nouvelle,
  former code 01340, 700 hab.)
- 26 Drôme (région 84): 26281 (33 000 hab.), 26362 (64 000 hab.)
- 69 Rhône (région 84): 69123 Lyon, arrondissements 69381 (30 000) and 69382 (31 000)
- 2A Corse-du-Sud (région 94): 2A004 Ajaccio (73 000 hab.)
- 75 Paris (région 11): 75056, arrondissements 75101 and 75102 (APL of the other
  professions only)
- 85 Vendée (région 52): 85113 L'Île-d'Yeu, a commune without EPCI
- 976 Mayotte (DROM, région 06): 97611 Mamoudzou, no APL (the DREES publishes none)
- 988 Nouvelle-Calédonie (collectivity, outside the France total): 98818 Nouméa
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import openpyxl

COMMUNES = [
    # code, nom, dep, reg, epci, population, lat, lon
    ("01001", "L'Abergement-Clémenciat", "01", "84", "200069193", 860, 46.15, 4.92),
    ("01004", "Ambérieu-en-Bugey", "01", "84", "240100883", 14000, 45.96, 5.37),
    ("01015", "Arboys en Bugey", "01", "84", "240100883", 700, 45.73, 5.65),
    ("26281", "Romans-sur-Isère", "26", "84", "200068781", 33000, 45.04, 5.05),
    ("26362", "Valence", "26", "84", "200068781", 64000, 44.93, 4.89),
    ("69123", "Lyon", "69", "84", "200046977", 61000, 45.76, 4.84),
    ("2A004", "Ajaccio", "2A", "94", "242010056", 73000, 41.93, 8.74),
    ("75056", "Paris", "75", "11", "200054781", 40000, 48.86, 2.35),
    ("85113", "L'Île-d'Yeu", "85", "52", None, 4883, 46.71, -2.35),
    ("97611", "Mamoudzou", "976", "06", "200060457", 71437, -12.78, 45.23),
    ("98818", "Nouméa", "988", "988", None, 86000, -22.27, 166.44),
]
# code, nom, population, parent commune
ARRONDISSEMENTS = [
    ("69381", "Lyon 1er Arrondissement", 30000, "69123"),
    ("69382", "Lyon 2e", 31000, "69123"),
    ("75101", "Paris 1er Arrondissement", 15000, "75056"),
    ("75102", "Paris 2e Arrondissement", 25000, "75056"),
]
ZONES = {"976": "drom", "988": "com"}
EPCI = {
    "200069193": "CC de la Dombes",
    "240100883": "CC de la Plaine de l'Ain",
    "200068781": "CA Valence Romans Agglo",
    "200046977": "Métropole de Lyon",
    "242010056": "CA du Pays Ajaccien",
    "200054781": "Métropole du Grand Paris",
    "200060457": "CA de Dembeni / Mamoudzou",
}

# APL rows (code of the vintage, name, apl, apl<65, pop std, pop totale) per year.
APL = {
    2022: [
        ("01001", "L'Abergement-Clémenciat", 1.89, 1.83, 810.855, 806),
        ("01004", "Ambérieu-en-Bugey", 3.10, 2.50, 13900.0, 14000),
        ("01015", "Arboys en Bugey", 2.00, 1.90, 400.0, 400),
        ("01340", "Arbignieu", 3.00, 2.80, 300.0, 300),
        ("26281", "Romans-sur-Isère", 3.20, 2.90, 33500.0, 33000),
        ("26362", "Valence", 4.40, 4.00, 63000.0, 64000),
        ("69381", "Lyon 1er Arrondissement", 5.00, 4.50, 29000.0, 30000),
        ("69382", "Lyon 2e Arrondissement", 4.00, 3.60, 32000.0, 31000),
        ("2A004", "Ajaccio", 3.90, 3.50, 74000.0, 73000),
    ],
    2023: [
        ("01001", "L'Abergement-Clémenciat", 1.942, 1.881, 838.154, 832),
        ("01004", "Ambérieu-en-Bugey", 3.083, 2.431, 14575.887, 14854),
        ("01015", "Arboys en Bugey", 2.40, 2.00, 420.0, 400),
        ("01340", "Arbignieu", 2.60, 2.40, 280.0, 300),
        ("26281", "Romans-sur-Isère", 2.50, 2.20, 34000.0, 33000),
        ("26362", "Valence", 4.00, 3.70, 63500.0, 64000),
        ("69381", "Lyon 1er Arrondissement", 5.20, 4.60, 28500.0, 30000),
        ("69382", "Lyon 2e Arrondissement", 3.90, 3.50, 32500.0, 31000),
        ("2A004", "Ajaccio", 3.80, 3.40, 74200.0, 73000),
    ],
}
GPS = {
    "01001": 0,
    "01004": 12,
    "01015": 0,
    "26281": 30,
    "26362": 80,
    "69123": 150,
    "2A004": 70,
    "75056": 60,
    "85113": 4,
    "97611": 40,
    "98818": 90,
}


def _square(lon: float, lat: float, half: float = 0.05) -> dict:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _fc(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _csv(rows: list[list], header: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def communes_json() -> list[dict]:
    out = []
    for code, nom, dep, reg, _epci, pop, _lat, _lon in COMMUNES:
        row = {
            "code": code,
            "nom": nom,
            "typeLiaison": 0,
            "zone": ZONES.get(dep, "metro"),
            "arrondissement": dep + "1",
            "departement": dep,
            "region": reg,
            "type": "commune-actuelle",
            "rangChefLieu": 0,
            "siren": "21" + code.replace("A", "0") + "00",
            "codesPostaux": [code[:2].replace("A", "0") + "000"],
            "population": pop,
        }
        if code == "01015":
            row["anciensCodes"] = ["01340"]
        out.append(row)
    for code, nom in (("01015", "Arboys"), ("01340", "Arbignieu")):
        out.append(
            {
                "code": code,
                "nom": nom,
                "typeLiaison": 1,
                "zone": "metro",
                "type": "commune-deleguee",
                "chefLieu": "01015",
                "arrondissement": "011",
                "departement": "01",
                "region": "84",
            }
        )
    for code, nom, pop, parent in ARRONDISSEMENTS:
        out.append(
            {
                "code": code,
                "nom": nom,
                "typeLiaison": 0,
                "zone": "metro",
                "type": "arrondissement-municipal",
                "commune": parent,
                "arrondissement": parent[:2] + "1",
                "departement": parent[:2],
                "region": "84" if parent == "69123" else "11",
                "codesPostaux": [parent[:2] + "00" + code[-1]],
                "population": pop,
            }
        )
    return out


def parametres_rows(label: str, bands: tuple[int, int, int] = (10, 15, 20)) -> list[tuple]:
    """The « Paramètres » sheet of a DREES APL workbook (decay bands in minutes)."""
    a, b, c = bands
    return [
        (f"Paramètres de l'indicateur d'APL aux {label}",),
        ("Champ de l'indicateur",),
        ("Professionnels libéraux et salariés en centre de santé.",),
        ("Comptabilisation de l'activité",),
        ("Nombre de consultations", "Nombre comptabilisé"),
        ("Moins de 250", 0),
        ("Plus de 6 000", 6000),
        (
            "Exceptions : Pour les médecins libéraux n'ayant pas exercé d'activité libérale "
            "l'année précédente, une offre de 5 400 consultations ou visites est imputée ; "
            "pour les centres de santé, les bornes d'activité ne sont pas appliquées.",
        ),
        ("Décroissance de l'accessibilité avec la distance",),
        ("Temps de trajet entre communes", "Accessibilité"),
        (f"Moins de  {a} minutes", 1),
        (f"Entre {a} et {b} minutes", 2 / 3),
        (f"Entre {b} et {c} minutes", 1 / 3),
        (f"Plus de {c} minutes", 0),
        ("Pondération de la population selon l'âge",),
        ("Tranche d'âge", "Poids 2022", "Poids 2023"),
        ("Moins de 5 ans", 0.93, 1.12),
        ("Plus de 90 ans", 2.39, 2.26),
    ]


def write_apl_workbook(path: Path, *, header_row: int = 9, sheets: dict | None = None) -> None:
    """The DREES workbook layout: title lines, header on row 9, units on row 10."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Paramètres"
    for row in parametres_rows("médecins généralistes"):
        ws.append(list(row))
    for year, rows in (sheets or APL).items():
        ws = wb.create_sheet(f"APL {year}")
        ws.append([f"Indicateur d'accessibilité potentielle localisée (APL) {year}"])
        for _ in range(header_row - 2):
            ws.append([None])
        ws.append(
            [
                "Code commune INSEE",
                "Commune",
                "APL aux médecins généralistes",
                "APL aux médecins généralistes de moins de 65 ans",
                f"Population standardisée {year - 2} pour la médecine générale",
                f"Population totale {year - 2}",
            ]
        )
        ws.append([None, None, "En nombre de consultations", "idem", "habitants std", "hab"])
        for r in rows:
            ws.append(list(r))
    wb.save(path)


# Other professions (DREES workbooks, same layout): (code, nom, apl, pop std, pop totale)
# per year; the midwives' weight is the standardised female population.
PROFESSION_APL = {
    "dentistes": {
        2022: [
            ("01001", "L'Abergement-Clémenciat", 36.743, 826.751, 806),
            ("01004", "Ambérieu-en-Bugey", 60.0, 14000.0, 14000),
            ("01015", "Arboys en Bugey", 30.0, 400.0, 400),
            ("01340", "Arbignieu", 20.0, 300.0, 300),
            ("26281", "Romans-sur-Isère", 50.0, 33000.0, 33000),
            ("26362", "Valence", 80.0, 64000.0, 64000),
            ("69381", "Lyon 1er Arrondissement", 100.0, 30000.0, 30000),
            ("69382", "Lyon 2e Arrondissement", 90.0, 31000.0, 31000),
            ("2A004", "Ajaccio", 70.0, 73000.0, 73000),
            ("75101", "Paris 1er Arrondissement", 98.0, 15000.0, 15000),
            ("75102", "Paris 2e Arrondissement", 88.0, 25000.0, 25000),
            ("85113", "L'Île-d'Yeu", 28.0, 5000.0, 4883),
        ],
        2023: [
            ("01001", "L'Abergement-Clémenciat", 35.27, 852.421, 832),
            ("01004", "Ambérieu-en-Bugey", 58.0, 15000.0, 14854),
            ("01015", "Arboys en Bugey", 20.0, 300.0, 400),
            ("01340", "Arbignieu", 40.0, 100.0, 300),
            ("26281", "Romans-sur-Isère", 45.0, 33000.0, 33000),
            ("26362", "Valence", 75.0, 64000.0, 64000),
            ("69381", "Lyon 1er Arrondissement", 110.0, 30000.0, 30000),
            ("69382", "Lyon 2e Arrondissement", 95.0, 31000.0, 31000),
            ("2A004", "Ajaccio", 72.0, 73000.0, 73000),
            ("75101", "Paris 1er Arrondissement", 100.0, 15000.0, 15000),
            ("75102", "Paris 2e Arrondissement", 90.0, 25000.0, 25000),
            ("85113", "L'Île-d'Yeu", 30.0, 5000.0, 4883),
        ],
    },
    "infirmieres": {
        year: [
            (c, n, 100.0 + i * 10 + (year - 2022), p, t) for i, (c, n, _a, p, t) in enumerate(rows)
        ]
        for year, rows in {
            2022: [
                ("01001", "L'Abergement-Clémenciat", 0, 720.623, 806),
                ("01004", "Ambérieu-en-Bugey", 0, 14000.0, 14000),
                ("01015", "Arboys en Bugey", 0, 400.0, 400),
                ("01340", "Arbignieu", 0, 300.0, 300),
                ("26281", "Romans-sur-Isère", 0, 33000.0, 33000),
                ("26362", "Valence", 0, 64000.0, 64000),
                ("69381", "Lyon 1er Arrondissement", 0, 30000.0, 30000),
                ("69382", "Lyon 2e Arrondissement", 0, 31000.0, 31000),
                ("2A004", "Ajaccio", 0, 73000.0, 73000),
                ("75101", "Paris 1er Arrondissement", 0, 15000.0, 15000),
                ("75102", "Paris 2e Arrondissement", 0, 25000.0, 25000),
                ("85113", "L'Île-d'Yeu", 0, 5000.0, 4883),
            ],
            2023: [
                ("01001", "L'Abergement-Clémenciat", 0, 751.084, 832),
                ("01004", "Ambérieu-en-Bugey", 0, 15000.0, 14854),
                ("01015", "Arboys en Bugey", 0, 400.0, 400),
                ("01340", "Arbignieu", 0, 300.0, 300),
                ("26281", "Romans-sur-Isère", 0, 33000.0, 33000),
                ("26362", "Valence", 0, 64000.0, 64000),
                ("69381", "Lyon 1er Arrondissement", 0, 30000.0, 30000),
                ("69382", "Lyon 2e Arrondissement", 0, 31000.0, 31000),
                ("2A004", "Ajaccio", 0, 73000.0, 73000),
                ("75101", "Paris 1er Arrondissement", 0, 15000.0, 15000),
                ("75102", "Paris 2e Arrondissement", 0, 25000.0, 25000),
                ("85113", "L'Île-d'Yeu", 0, 5000.0, 4883),
            ],
        }.items()
    },
    "sages_femmes": {
        2022: [
            ("01001", "L'Abergement-Clémenciat", 23.496, 382.114, 806),
            ("01004", "Ambérieu-en-Bugey", 20.0, 7000.0, 14000),
            ("01015", "Arboys en Bugey", 10.0, 200.0, 400),
            ("01340", "Arbignieu", 10.0, 150.0, 300),
            ("26281", "Romans-sur-Isère", 25.0, 16000.0, 33000),
            ("26362", "Valence", 30.0, 33000.0, 64000),
            ("69381", "Lyon 1er Arrondissement", 40.0, 16000.0, 30000),
            ("69382", "Lyon 2e Arrondissement", 35.0, 16000.0, 31000),
            ("2A004", "Ajaccio", 20.0, 37000.0, 73000),
            ("75101", "Paris 1er Arrondissement", 30.0, 8000.0, 15000),
            ("75102", "Paris 2e Arrondissement", 31.0, 13000.0, 25000),
            ("85113", "L'Île-d'Yeu", 5.0, 2000.0, 4883),
        ],
        2023: [
            ("01001", "L'Abergement-Clémenciat", 26.842, 396.719, 832),
            ("01004", "Ambérieu-en-Bugey", 22.0, 7500.0, 14854),
            ("01015", "Arboys en Bugey", 12.0, 200.0, 400),
            ("01340", "Arbignieu", 12.0, 150.0, 300),
            ("26281", "Romans-sur-Isère", 24.0, 16000.0, 33000),
            ("26362", "Valence", 28.0, 33000.0, 64000),
            ("69381", "Lyon 1er Arrondissement", 42.0, 16000.0, 30000),
            ("69382", "Lyon 2e Arrondissement", 36.0, 16000.0, 31000),
            ("2A004", "Ajaccio", 19.0, 37000.0, 73000),
            ("75101", "Paris 1er Arrondissement", 32.0, 8000.0, 15000),
            ("75102", "Paris 2e Arrondissement", 33.0, 13000.0, 25000),
            ("85113", "L'Île-d'Yeu", 6.0, 2000.0, 4883),
        ],
    },
}
PROFESSION_FILES = {
    "dentistes": "drees_apl_chirurgiens_dentistes_2022_2023.xlsx",
    "infirmieres": "drees_apl_infirmieres_2022_2023.xlsx",
    "sages_femmes": "drees_apl_sages_femmes_2022_2023.xlsx",
}


def write_profession_workbook(
    path: Path,
    profession,
    sheets: dict | None = None,
    *,
    header_row: int | None = None,
    unit: str | None = None,
) -> None:
    """A DREES workbook of another profession: title lines, header on row 9, units on row 10.

    ``profession`` is a :class:`analytics.professions.Profession`; ``header_row`` and
    ``unit`` move the header or change the unit row (bad-input tests).
    """
    header_row = header_row or profession.header_row
    female = profession.weight_header.startswith("Population féminine")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Paramètres"
    bands = (10, 20, 30) if female else (10, 15, 20)  # midwives: wider bands (DREES)
    for row in parametres_rows(profession.label, bands):
        ws.append(list(row))
    for year, rows in (sheets or PROFESSION_APL[profession.key]).items():
        ws = wb.create_sheet(profession.sheet(year))
        ws.append([f"Indicateur d'accessibilité potentielle localisée (APL) {year}"])
        for _ in range(header_row - 2):
            ws.append([None])
        header = [
            profession.code_header,
            "Commune",
            profession.apl_header,
            f"{profession.weight_header} {year - 2} pour les {profession.label}",
            f"{profession.total_header} {year - 2}",
        ]
        units = [
            None,
            None,
            unit or f"{profession.unit_prefix} habitants standardisés",
            "std",
            "hab",
        ]
        if female:
            header.append(f"Population féminine {year - 2}")
            units.append("habitantes")
        ws.append(header)
        ws.append(units)
        for r in rows:
            ws.append([*r, r[4] / 2] if female else list(r))
    wb.save(path)


def write_mini_mirror(root: Path) -> Path:
    """Write every file of the mirror layout under ``root``; return ``root``."""
    (root / "admin").mkdir(parents=True, exist_ok=True)
    (root / "geo").mkdir(exist_ok=True)
    (root / "health").mkdir(exist_ok=True)
    dump = lambda obj: json.dumps(obj, ensure_ascii=False)  # noqa: E731

    (root / "admin/communes.json").write_text(dump(communes_json()), encoding="utf-8")
    epci = []
    for siren, nom in EPCI.items():
        members = [c for c in COMMUNES if c[4] == siren]
        epci.append(
            {
                "code": siren,
                "nom": nom,
                "type": "CC",
                "modeFinancement": "FPU",
                "populationTotale": sum(c[5] for c in members),
                "populationMunicipale": sum(c[5] for c in members),
                "membres": [{"code": c[0], "siren": "x", "nom": c[1]} for c in members],
            }
        )
    (root / "admin/epci.json").write_text(dump(epci), encoding="utf-8")
    deps = [
        {"code": "01", "region": "84", "chefLieu": "01053", "nom": "Ain", "zone": "metro"},
        {"code": "26", "region": "84", "chefLieu": "26362", "nom": "Drôme", "zone": "metro"},
        {"code": "69", "region": "84", "chefLieu": "69123", "nom": "Rhône", "zone": "metro"},
        {"code": "2A", "region": "94", "chefLieu": "2A004", "nom": "Corse-du-Sud", "zone": "metro"},
        {"code": "75", "region": "11", "chefLieu": "75056", "nom": "Paris", "zone": "metro"},
        {"code": "85", "region": "52", "chefLieu": "85191", "nom": "Vendée", "zone": "metro"},
        {"code": "976", "region": "06", "chefLieu": "97611", "nom": "Mayotte", "zone": "drom"},
        {
            "code": "988",
            "region": "988",
            "chefLieu": "98818",
            "nom": "Nouvelle-Calédonie",
            "zone": "com",
        },
    ]
    (root / "admin/departements.json").write_text(dump(deps), encoding="utf-8")
    regs = [
        {"code": "84", "chefLieu": "69123", "nom": "Auvergne-Rhône-Alpes", "zone": "metro"},
        {"code": "94", "chefLieu": "2A004", "nom": "Corse", "zone": "metro"},
        {"code": "11", "chefLieu": "75056", "nom": "Île-de-France", "zone": "metro"},
        {"code": "52", "chefLieu": "44109", "nom": "Pays de la Loire", "zone": "metro"},
        {"code": "06", "chefLieu": "97611", "nom": "Mayotte", "zone": "drom"},
        {"code": "988", "chefLieu": "98818", "nom": "Nouvelle-Calédonie", "zone": "com"},
    ]
    (root / "admin/regions.json").write_text(dump(regs), encoding="utf-8")
    (root / "admin/arrondissements.json").write_text("[]", encoding="utf-8")
    (root / "admin/ept.json").write_text("[]", encoding="utf-8")

    feats = [
        {
            "type": "Feature",
            "properties": {"code": c[0], "nom": c[1], "departement": c[2], "region": c[3]},
            "geometry": _square(c[7], c[6]),
        }
        for c in COMMUNES
    ]
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"code": [c[0] for c in COMMUNES]}), root / "geo/communes_100m.parquet")
    for name in ("communes_100m.geojson.gz", "communes_500m_overview.geojson.gz"):
        (root / "geo" / name).write_bytes(gzip.compress(dump(_fc(feats)).encode()))

    def grouped(key_index: int) -> list[dict]:
        out = []
        for key in sorted({c[key_index] for c in COMMUNES if c[key_index]}):
            members = [c for c in COMMUNES if c[key_index] == key]
            lon = sum(c[7] for c in members) / len(members)
            lat = sum(c[6] for c in members) / len(members)
            out.append(
                {
                    "type": "Feature",
                    "properties": {"code": key, "nom": key},
                    "geometry": _square(lon, lat, 0.3),
                }
            )
        return out

    (root / "geo/epci.geojson").write_text(dump(_fc(grouped(4))), encoding="utf-8")
    (root / "geo/departements.geojson").write_text(dump(_fc(grouped(2))), encoding="utf-8")
    (root / "geo/regions.geojson").write_text(dump(_fc(grouped(3))), encoding="utf-8")
    arr = [
        {
            "type": "Feature",
            "properties": {"code": code, "nom": nom, "commune": parent, "departement": parent[:2]},
            "geometry": _square(
                (4.83 if parent == "69123" else 2.34) + 0.02 * i,
                45.76 if parent == "69123" else 48.86,
                0.01,
            ),
        }
        for i, (code, nom, _pop, parent) in enumerate(ARRONDISSEMENTS)
    ]
    (root / "geo/arrondissements_municipaux.geojson").write_text(dump(_fc(arr)), encoding="utf-8")
    (root / "geo/communes_centroids.csv").write_text(
        _csv(
            [[c[0], c[1], c[6], c[7], 25.0, c[2], c[3], True, "geoapi"] for c in COMMUNES],
            [
                "code",
                "nom",
                "lat",
                "lon",
                "area_km2",
                "departement",
                "region",
                "centroid_in_polygon",
                "geom_source",
            ],
        ),
        encoding="utf-8",
    )

    write_apl_workbook(root / "health/drees_apl_medecins_generalistes_2022_2023.xlsx")
    from analytics.professions import PROFESSIONS_BY_KEY

    for key, file in PROFESSION_FILES.items():
        write_profession_workbook(root / "health" / file, PROFESSIONS_BY_KEY[key])
    long_rows = [[r[0], r[1], year, year - 2, *r[2:]] for year, rows in APL.items() for r in rows]
    (root / "health/drees_apl_medecins_generalistes_2022_2023_long.csv.gz").write_bytes(
        gzip.compress(
            _csv(
                long_rows,
                [
                    "code_commune",
                    "commune",
                    "millesime_apl",
                    "annee_population",
                    "apl_mg",
                    "apl_mg_moins_65ans",
                    "pop_standardisee_mg",
                    "pop_totale",
                ],
            ).encode()
        )
    )
    years = [2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023]
    hist_rows = []
    for i, c in enumerate(COMMUNES):
        apls = [round(3.5 - 0.05 * k - 0.2 * i, 2) for k in range(len(years))]
        if c[2] == "988":
            continue  # no row for the overseas collectivities in the series
        if c[0] in ("75056", "85113", "97611"):
            apls = [""] * len(years)  # Paris and Mayotte have no value in the series
        # the communes added for overseas, Paris and no-EPCI cases are younger than Ajaccio
        part_75 = 0.08 + 0.01 * i if i < 7 else 0.05 + 0.001 * i
        hist_rows.append([c[0], *apls, part_75, 10.0 + i, "", i % 2 == 0])
    hist = _csv(
        hist_rows,
        ["code_commune", *[f"apl_mg_{y}" for y in years]]
        + [
            "pct_pop_75ans_plus_rp2020",
            "temps_acces_urgences_min_2019",
            "taux_pauvrete_filosofi2018",
            "msp_presente_finess2026",
        ],
    )
    (root / "health/indicateurs_communes_apl2015_2023_age75_urgences.csv.gz").write_bytes(
        gzip.compress(hist.encode())
    )
    rpps = _csv(
        [[c[0], c[1], c[2], c[3], c[5], GPS[c[0]], GPS[c[0]] * 2, GPS[c[0]] * 3] for c in COMMUNES],
        [
            "code_commune",
            "nom",
            "departement",
            "region",
            "population_geoapi",
            "nb_medecins_generalistes",
            "nb_medecins_autres_specialites",
            "nb_medecins_total",
        ],
    )
    (root / "health/rpps2026_medecins_par_commune.csv.gz").write_bytes(gzip.compress(rpps.encode()))
    spec = _csv(
        [["26362", "Pédiatrie", 5], ["69123", "Cardiologie", 20]],
        ["code_commune", "specialite_rpps", "nb_medecins"],
    )
    (root / "health/rpps2026_medecins_specialistes_par_commune_long.csv.gz").write_bytes(
        gzip.compress(spec.encode())
    )
    (root / "health/insee_bpe2017_medecins_omnipraticiens_par_commune.csv").write_text(
        _csv(
            [["01004", 10, 13000.0], ["01340", 1, 280.0], ["26362", 70, 62000.0]],
            ["code_commune", "nb_medecins_omnipraticiens", "population"],
        ),
        encoding="utf-8",
    )
    (root / "health/drees_medecins_55ans_plus_par_departement_2025.csv").write_text(
        _csv(
            [
                ["01", "Ain", 0.4505, 1223, 0.21, 2.5],
                ["26", "Drôme", 0.45, 1500, 0.5, 7.0],
                ["69", "Rhône", 0.35, 9000, 1.1, 90.0],
                ["2A", "Corse-du-Sud", 0.5, 600, -0.2, -1.0],
                ["75", "Paris", 0.42, 12000, 0.1, 10.0],
                ["85", "Vendée", 0.44, 1300, 0.4, 5.0],
                ["976", "Mayotte", 0.3, 150, 1.5, 2.0],
            ],
            [
                "departement",
                "nom_departement",
                "pct_medecins_55ans_plus_2025",
                "effectif_medecins_2025",
                "tcam_effectif_2012_2025_pct",
                "variation_annuelle_moyenne_2012_2025",
            ],
        ),
        encoding="utf-8",
    )
    figures_header = [
        "indicateur",
        "valeur",
        "unite",
        "source_primaire",
        "cite_par_url",
        "date_publication",
        "remarque",
    ]
    (root / "health/cnam_ald_sans_medecin_traitant_departements_2023_extraits.csv").write_text(
        _csv(
            [
                [
                    "2023-05",
                    "FR",
                    "France entière",
                    "nb_patients_ald_sans_medecin_traitant",
                    712271,
                    "patients",
                    "Ministère",
                    "https://example.org/a",
                    "2023-05",
                    "",
                ],
                [
                    "2023-05",
                    "26",
                    "Drôme",
                    "nb_patients_ald_sans_medecin_traitant",
                    3000,
                    "patients",
                    "Ministère",
                    "https://example.org/a",
                    "2023-05",
                    "",
                ],
            ],
            ["date_reference", "code_departement", "departement", *figures_header],
        ),
        encoding="utf-8",
    )
    (root / "health/cnam_medecin_traitant_chiffres_nationaux.csv").write_text(
        _csv(
            [
                [
                    "2021-06",
                    "France, patients 17 ans et plus",
                    "part_patients_sans_medecin_traitant",
                    11.0,
                    "%",
                    "Cnam",
                    "https://example.org/b",
                    "2022-09-28",
                    "",
                ]
            ],
            ["date_reference", "perimetre", *figures_header],
        ),
        encoding="utf-8",
    )
    (root / "health/ars_paca_zonage_medecins_qpv_2025.csv").write_text(
        _csv(
            [["26362", "QN02601M", "Fontbarlettes", "ZIP", 2025, "arrete.xlsx"]],
            [
                "code_commune",
                "code_qpv",
                "nom_qpv",
                "zonage_medecins_qpv",
                "millesime_zonage",
                "source_arrete",
            ],
        ),
        encoding="utf-8",
    )
    dist_rows = []
    for i in range(40):
        d = 1.0 + i
        dist_rows.append(
            [2 * i + 1, 0, 0, 2 * i + 2, 0, 0, 2.0 + 1.1 * d, 1.26 * d, 3.0 + 1.0 * d, d]
        )
    (root / "health/distancier_gironde_osrm_vs_metric_2500_couples.csv").write_text(
        _csv(
            dist_rows,
            [
                "id_origine",
                "x_origine_l93",
                "y_origine_l93",
                "id_destination",
                "x_destination_l93",
                "y_destination_l93",
                "osrm_duree_min",
                "osrm_distance_km",
                "metric_duree_heures_creuses_min",
                "distance_vol_oiseau_km",
            ],
        ),
        encoding="utf-8",
    )
    ref = _csv(
        [
            [
                c[0],
                c[1],
                "commune-actuelle",
                "",
                c[2],
                c[3],
                ZONES.get(c[2], "metro"),
                "",
                c[5],
                c[4],
                EPCI.get(c[4]),
                c[0][:2].replace("A", "0") + "000",
                c[7],
                c[6],
                c[7],
                c[6],
                c[7],
                c[6],
                0.1,
            ]
            for c in COMMUNES
        ],
        [
            "code_commune",
            "nom",
            "type",
            "commune_parent",
            "departement",
            "region",
            "zone",
            "arrondissement",
            "population_municipale",
            "epci_siren",
            "epci_nom",
            "codes_postaux",
            "mairie_lon",
            "mairie_lat",
            "centroide_lon",
            "centroide_lat",
            "point_interieur_lon",
            "point_interieur_lat",
            "ecart_mairie_centroide_km",
        ],
    )
    (root / "health/communes_referentiel_cog2026_coordonnees.csv.gz").write_bytes(
        gzip.compress(ref.encode())
    )
    return root
