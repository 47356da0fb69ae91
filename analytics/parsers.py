"""Parsers: one function per source format, each returning staging DataFrames.

Parsers only read, rename and cast (dbt "staging"): INSEE codes stay strings, numbers
become numbers, and anything unexpected raises a :class:`SourceError` that names the
file, the column and example rows. Mapping codes to the 2026 list happens later, in SQL.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import codes
from analytics.errors import SourceError
from analytics.sources import Source

# Commune/arrondissement code: 5 characters, digits or Corsica's 2A/2B prefix.
CODE_COMMUNE_RE = re.compile(f"^{codes.COMMUNE}$")
CODE_DEPARTEMENT_RE = re.compile(f"^{codes.DEPARTEMENT}$")
CODE_EPCI_RE = re.compile(f"^{codes.EPCI}$")

Tables = dict[str, pd.DataFrame]


# --- Reading bytes -----------------------------------------------------------------------


def read_bytes(path: Path, source: Source) -> bytes:
    """Read a file, gunzipping ``.gz`` files; a missing or truncated file is a SourceError."""
    if not path.exists():
        raise SourceError(source.key, str(path), "fichier introuvable.")
    raw = path.read_bytes()
    if not raw:
        raise SourceError(source.key, str(path), "fichier vide.")
    if path.suffix == ".gz":
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise SourceError(
                source.key,
                str(path),
                f"archive gzip tronquée ou corrompue ({exc}). Re-téléchargez le fichier.",
            ) from None
    return raw


def read_text(path: Path, source: Source) -> str:
    data = read_bytes(path, source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            source.key,
            str(path),
            f"encodage inattendu à la ligne {line} (octet {data[exc.start]:#x}) : UTF-8 attendu "
            "(le fichier est peut-être en Latin-1/Windows-1252).",
        ) from None
    return text.lstrip("\ufeff")


def read_json(path: Path, source: Source) -> object:
    text = read_text(path, source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            source.key, str(path), f"JSON invalide ligne {exc.lineno}, colonne {exc.colno}."
        ) from None


# --- CSV with declared columns -------------------------------------------------------------


def read_csv_checked(
    path: Path,
    source: Source,
    columns: dict[str, str],
    *,
    sep: str = ",",
) -> pd.DataFrame:
    """Read a CSV whose columns are declared as ``{name: kind}``.

    Kinds: ``commune`` (INSEE code), ``departement``, ``epci``, ``str``, ``int``,
    ``float``, ``bool``. Every value is read as text first, so codes keep their zeros;
    then each column is checked and cast, and a bad value names its column and rows.
    """
    text = read_text(path, source)
    first_line = text.split("\n", 1)[0]
    expected = list(columns)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[])
    except pd.errors.ParserError as exc:
        raise SourceError(source.key, str(path), f"CSV illisible : {exc}") from None
    missing = [c for c in expected if c not in df.columns]
    if missing:
        hint = ""
        for other in (";", "\t", "|"):
            if other != sep and first_line.count(other) >= len(expected) - 1:
                hint = f" L'en-tête semble séparé par « {other} » au lieu de « {sep} »."
        raise SourceError(
            source.key,
            str(path),
            f"colonne(s) attendue(s) absente(s) : {', '.join(missing)}. "
            f"En-tête lu : {first_line[:200]!r}.{hint}",
            column=missing[0],
        )
    df = df[expected].copy()
    for name, kind in columns.items():
        df[name] = cast_column(df[name], kind, source, str(path), name)
    return df


def cast_column(series: pd.Series, kind: str, source: Source, file: str, name: str) -> pd.Series:
    """Check and cast one text column; raise a SourceError naming rows on bad values."""
    s = series.astype("string").str.strip()
    empty = s.isna() | (s == "")
    if kind in ("commune", "departement", "epci"):
        pattern = {
            "commune": CODE_COMMUNE_RE,
            "departement": CODE_DEPARTEMENT_RE,
            "epci": CODE_EPCI_RE,
        }[kind]
        ok = s.fillna("").str.match(pattern.pattern)
        bad = ~ok & ~empty
        if kind == "commune":
            bad |= empty
        if bad.any():
            rows = _bad_rows(s, bad)
            lost_zero = s[bad].fillna("").str.fullmatch(r"\d{4}").any()
            hint = (
                " Des codes à 4 chiffres indiquent un zéro initial perdu (codes lus comme "
                "des nombres) : les codes INSEE sont des chaînes."
                if lost_zero
                else ""
            )
            raise SourceError(
                source.key,
                file,
                f"{int(bad.sum())} code(s) invalide(s) (attendu : {pattern.pattern}).{hint}",
                column=name,
                examples=rows,
            )
        return s.where(~empty, None).astype(object)
    if kind == "str":
        return s.where(~empty, None).astype(object)
    if kind in ("int", "float"):
        # Accept a decimal comma (French exports) but nothing else non-numeric.
        values = pd.to_numeric(s.str.replace(",", ".", regex=False), errors="coerce")
        bad = values.isna() & ~empty
        if bad.any():
            raise SourceError(
                source.key,
                file,
                f"{int(bad.sum())} valeur(s) non numérique(s).",
                column=name,
                examples=_bad_rows(s, bad),
            )
        values = values.astype("float64")
        if kind == "int":
            frac = values.notna() & (values != np.floor(values.fillna(0)))
            if frac.any():
                raise SourceError(
                    source.key,
                    file,
                    "entier attendu.",
                    column=name,
                    examples=_bad_rows(s, frac),
                )
        return values
    if kind == "bool":
        mapping = {"true": True, "false": False, "1": True, "0": False, "vrai": True, "faux": False}
        lowered = s.str.lower()
        bad = ~lowered.isin(list(mapping)) & ~empty
        if bad.any():
            raise SourceError(
                source.key,
                file,
                "booléen attendu (True/False).",
                column=name,
                examples=_bad_rows(s, bad),
            )
        return lowered.map(mapping).astype(object).where(~empty, None)
    raise ValueError(f"type de colonne inconnu : {kind}")


def _bad_rows(values: pd.Series, mask: pd.Series) -> list[str]:
    # Line numbers as a spreadsheet user sees them: header is line 1.
    idx = np.flatnonzero(mask.to_numpy())[:5]
    return [f"ligne {i + 2} : {values.iloc[i]!r}" for i in idx]


# --- Territory reference ---------------------------------------------------------------------


def parse_communes_json(path: Path, source: Source) -> Tables:
    data = read_json(path, source)
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        raise SourceError(source.key, str(path), "liste d'objets commune attendue.")
    required = ("code", "nom", "type")
    for i, row in enumerate(data):
        missing = [k for k in required if k not in row]
        if missing:
            raise SourceError(
                source.key,
                str(path),
                "champ obligatoire absent.",
                column=missing[0],
                examples=[f"élément {i} : {json.dumps(row, ensure_ascii=False)[:120]}"],
            )
    rows = []
    old_codes = []
    for row in data:
        code = str(row["code"])
        rows.append(
            {
                "code": code,
                "nom": row["nom"],
                "type": row["type"],
                "departement": row.get("departement"),
                "region": row.get("region"),
                "zone": row.get("zone"),
                "arrondissement": row.get("arrondissement"),
                "chef_lieu": row.get("chefLieu"),
                "commune_parent": row.get("commune"),
                "population": row.get("population"),
                "codes_postaux": " ".join(row.get("codesPostaux") or []) or None,
                "siren": row.get("siren"),
            }
        )
        for old in row.get("anciensCodes") or []:
            old_codes.append({"ancien_code": str(old), "code": code, "type": row["type"]})
    communes = pd.DataFrame(rows)
    communes["population"] = pd.to_numeric(communes["population"]).astype("float64")
    cast_column(communes["code"], "commune", source, str(path), "code")
    return {
        "stg_communes": communes,
        "stg_anciens_codes": pd.DataFrame(old_codes, columns=["ancien_code", "code", "type"]),
    }


def parse_epci_json(path: Path, source: Source) -> Tables:
    data = read_json(path, source)
    if not isinstance(data, list):
        raise SourceError(source.key, str(path), "liste d'EPCI attendue.")
    epci, members = [], []
    for i, row in enumerate(data):
        if "code" not in row or "membres" not in row:
            raise SourceError(
                source.key,
                str(path),
                "champ « code » ou « membres » absent.",
                column="membres",
                examples=[f"élément {i}"],
            )
        epci.append(
            {
                "code": str(row["code"]),
                "nom": row.get("nom"),
                "type": row.get("type"),
                "population": row.get("populationMunicipale"),
            }
        )
        for m in row["membres"]:
            members.append({"epci": str(row["code"]), "code": str(m["code"])})
    df = pd.DataFrame(epci)
    cast_column(df["code"], "epci", source, str(path), "code")
    return {"stg_epci": df, "stg_epci_membres": pd.DataFrame(members)}


def parse_departements_json(path: Path, source: Source) -> Tables:
    data = read_json(path, source)
    df = pd.DataFrame(data)
    _require(df, ("code", "nom", "region", "zone"), source, path)
    return {"stg_departements": df[["code", "nom", "region", "zone", "chefLieu"]].astype(object)}


def parse_regions_json(path: Path, source: Source) -> Tables:
    data = read_json(path, source)
    df = pd.DataFrame(data)
    _require(df, ("code", "nom", "zone"), source, path)
    return {"stg_regions": df[["code", "nom", "zone"]].astype(object)}


def parse_generic_json(path: Path, source: Source) -> Tables:
    """Context files kept for provenance only: checked to be a JSON list, row count kept."""
    data = read_json(path, source)
    if not isinstance(data, list):
        raise SourceError(source.key, str(path), "liste JSON attendue.")
    return {}


def _require(df: pd.DataFrame, cols: tuple[str, ...], source: Source, path: Path) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise SourceError(
            source.key,
            str(path),
            f"colonne(s) absente(s) : {', '.join(missing)}.",
            column=missing[0],
        )


# --- Geometry ---------------------------------------------------------------------------------


def parse_geojson_codes(path: Path, source: Source) -> Tables:
    """Check a GeoJSON layer: a FeatureCollection whose features carry a string ``code``.

    The geometry itself is prepared by :mod:`analytics.geometry` in the build.
    """
    data = read_json(path, source)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise SourceError(source.key, str(path), "FeatureCollection GeoJSON attendue.")
    codes = [str((f.get("properties") or {}).get("code", "")) for f in data["features"]]
    if any(not c for c in codes):
        raise SourceError(source.key, str(path), "entité sans propriété « code ».", column="code")
    return {f"geojson:{source.key}": data}  # type: ignore[dict-item]


def parse_geoparquet_codes(path: Path, source: Source) -> Tables:
    """The GeoParquet copy of the commune layer: its codes are checked, nothing loaded."""
    import pyarrow.parquet as pq

    if not path.exists():
        raise SourceError(source.key, str(path), "fichier introuvable.")
    try:
        table = pq.read_table(path, columns=["code"])
    except Exception as exc:  # ArrowInvalid, OSError on a truncated file…
        raise SourceError(source.key, str(path), f"GeoParquet illisible ({exc}).") from None
    codes = pd.Series(table.column("code").to_pylist(), dtype=object).astype(str)
    cast_column(codes, "commune", source, str(path), "code")
    return {}


def parse_centroids(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {
            "code": "commune",
            "nom": "str",
            "lat": "float",
            "lon": "float",
            "area_km2": "float",
            "departement": "str",
        },
    )
    return {"stg_centroides": df}


def parse_referentiel_coordonnees(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {
            "code_commune": "commune",
            "type": "str",
            "codes_postaux": "str",
            "mairie_lon": "float",
            "mairie_lat": "float",
        },
    )
    return {"stg_referentiel_coordonnees": df}


# --- Health -----------------------------------------------------------------------------------

APL_HEADER = "Code commune INSEE"
APL_COLUMNS = {
    "code": "Code commune INSEE",
    "nom": "Commune",
    "apl": "APL aux médecins généralistes",
    "apl_moins_65": "APL aux médecins généralistes de moins de 65 ans",
    "pop_standardisee": "Population standardisée",
    "pop_totale": "Population totale",
}
APL_SHEETS = {2022: "APL 2022", 2023: "APL 2023"}


def parse_apl_workbook(path: Path, source: Source) -> Tables:
    """Read the official DREES workbook: ``Paramètres`` and one sheet per APL vintage.

    The header row is searched in the first 30 rows (row 9 in the published file) and
    the unit row under it is skipped; column names are matched by prefix because the
    population columns carry their census year.
    """
    import openpyxl

    if not path.exists():
        raise SourceError(source.key, str(path), "fichier introuvable.")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException…
        raise SourceError(
            source.key, str(path), f"classeur Excel illisible ou tronqué ({exc})."
        ) from None
    try:
        frames = []
        warnings = []
        for year, sheet in APL_SHEETS.items():
            if sheet not in wb.sheetnames:
                raise SourceError(
                    source.key,
                    str(path),
                    f"feuille « {sheet} » absente ; feuilles présentes : "
                    f"{', '.join(wb.sheetnames)}.",
                )
            df, header_row = _read_apl_sheet(wb[sheet], source, path, sheet)
            if header_row != 9:
                warnings.append(f"en-tête de « {sheet} » trouvé ligne {header_row} (attendu 9)")
            df.insert(2, "annee", year)
            frames.append(df)
        if "Paramètres" not in wb.sheetnames:
            raise SourceError(source.key, str(path), "feuille « Paramètres » absente.")
        params = _read_apl_parameters(wb["Paramètres"].iter_rows(values_only=True), source, path)
    finally:
        wb.close()
    apl = pd.concat(frames, ignore_index=True)
    meta = pd.DataFrame({"avertissement": warnings}, dtype=object)
    return {"stg_apl": apl, "stg_apl_parametres": params, "stg_apl_avertissements": meta}


def _read_apl_sheet(ws, source: Source, path: Path, sheet: str) -> tuple[pd.DataFrame, int]:
    rows = ws.iter_rows(values_only=True)
    header, header_row = None, 0
    for i, row in enumerate(rows, start=1):
        if row and row[0] is not None and str(row[0]).strip() == APL_HEADER:
            header, header_row = [str(c).strip() if c is not None else "" for c in row], i
            break
        if i >= 30:
            break
    if header is None:
        raise SourceError(
            source.key,
            str(path),
            f"ligne d'en-tête « {APL_HEADER} » introuvable dans les 30 premières lignes de "
            f"la feuille « {sheet} ».",
            column=APL_HEADER,
        )
    positions = {}
    for key, prefix in APL_COLUMNS.items():
        match = [j for j, h in enumerate(header) if h.startswith(prefix)]
        if key == "apl":  # do not confuse with the "… de moins de 65 ans" column
            match = [j for j in match if header[j] == prefix]
        if not match:
            raise SourceError(
                source.key,
                str(path),
                f"colonne absente de la feuille « {sheet} » (en-tête ligne {header_row}).",
                column=prefix,
            )
        positions[key] = match[0]
    records = []
    for row in rows:
        if not row or row[positions["code"]] is None:
            continue
        records.append([row[j] for j in positions.values()])
    df = pd.DataFrame(records, columns=list(positions))
    # The unit row ("En nombre de…") has no code; codes must be 5-character strings.
    df = df[df["code"].notna()].copy()
    if df.empty:
        raise SourceError(source.key, str(path), f"feuille « {sheet} » sans données.")
    codes = df["code"]
    numeric_codes = codes.map(lambda v: isinstance(v, (int, float)))
    if numeric_codes.any():
        raise SourceError(
            source.key,
            str(path),
            f"codes communes saisis comme nombres dans « {sheet} » (zéro initial perdu).",
            column=APL_COLUMNS["code"],
            examples=codes[numeric_codes].head(5).tolist(),
        )
    df["code"] = cast_column(codes.astype(str), "commune", source, str(path), APL_COLUMNS["code"])
    df["nom"] = df["nom"].astype(object)
    for col in ("apl", "apl_moins_65", "pop_standardisee", "pop_totale"):
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() & df[col].notna()
        if bad.any():
            raise SourceError(
                source.key,
                str(path),
                f"valeurs non numériques dans « {sheet} ».",
                column=APL_COLUMNS[col],
                examples=df.loc[bad, col].head(5).tolist(),
            )
        df[col] = values.astype("float64")
    return df.reset_index(drop=True), header_row


_BAND_RE = re.compile(r"(\d+)")
#: The activity imputed to a GP new to liberal practice (sheet « Paramètres », « Exceptions »).
_NEW_GP_RE = re.compile(r"offre de ([\d\s\u202f\xa0]+) consultations")


def _read_apl_parameters(rows, source: Source, path: Path) -> pd.DataFrame:
    """The method as DREES states it: distance-decay bands, activity caps, age weights.

    ``rows`` are the sheet's rows as value tuples (openpyxl or calamine; empty cells are
    None or "")."""
    out = []
    section = None
    for row in rows:
        row = [None if v == "" else v for v in row] + [None, None, None]
        label = row[0]
        if label is None:
            continue
        text = str(label).strip()
        low = text.lower()
        if low.startswith("décroissance"):
            section = "decroissance"
            continue
        if low.startswith("pondération de la population"):
            section = "age"
            continue
        if low.startswith("comptabilisation"):
            section = "activite"
            continue
        if low.startswith("champ de l'indicateur"):
            section = "champ"
            continue
        if section == "decroissance" and isinstance(row[1], (int, float)):
            bounds = [int(x) for x in _BAND_RE.findall(text)]
            upper = bounds[-1] if not low.startswith("plus") else None
            out.append(("decroissance", text, upper, float(row[1]), None))
        elif section == "age" and isinstance(row[1], (int, float)):
            out.append(("poids_age", text, None, float(row[1]), float(row[2])))
        elif section == "activite" and len(row) > 1 and isinstance(row[1], (int, float)):
            out.append(("activite", text, None, float(row[1]), None))
        elif section == "activite" and (m := _NEW_GP_RE.search(text)):
            # « Pour les médecins libéraux n'ayant pas exercé d'activité libérale l'année
            # précédente, une offre de 5 400 consultations ou visites est imputée »
            value = float(re.sub(r"\s", "", m.group(1)))
            out.append(("nouveau_medecin", text, None, value, None))
        elif section == "champ":
            out.append(("champ", text, None, None, None))
            section = None
    df = pd.DataFrame(
        out, columns=["rubrique", "libelle", "borne_minutes", "valeur", "valeur_2023"]
    ).astype({"borne_minutes": "float64", "valeur": "float64", "valeur_2023": "float64"})
    bands = df[df["rubrique"] == "decroissance"]
    if len(bands) < 3:
        raise SourceError(
            source.key,
            str(path),
            "paramètres de décroissance avec la distance introuvables dans la feuille "
            "« Paramètres ».",
            column="Décroissance de l'accessibilité avec la distance",
        )
    return df


APL_PROFESSION_COLUMNS = [
    "source",
    "profession",
    "code",
    "nom",
    "annee",
    "apl",
    "pop_standardisee",
    "pop_totale",
]


def parse_apl_profession_workbook(path: Path, source: Source) -> Tables:
    """Read a DREES APL workbook of another profession (dentists, nurses, midwives…).

    The layout comes from the profession's catalogue entry (:mod:`analytics.professions`):
    one sheet per vintage, header on a fixed row, unit row under it. A sheet, header or
    unit row that moved is refused with a message naming the file, the sheet and the rows.
    Read with calamine (a compiled xlsx reader, ~50× faster than openpyxl here).
    """
    from python_calamine import CalamineWorkbook

    spec = source.profession
    if spec is None:
        raise SourceError(source.key, str(path), "aucune profession déclarée au catalogue.")
    if not path.exists():
        raise SourceError(source.key, str(path), "fichier introuvable.")
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # CalamineError, zip errors on a truncated file…
        raise SourceError(
            source.key, str(path), f"classeur Excel illisible ou tronqué ({exc})."
        ) from None
    try:
        frames = []
        for year in spec.years:
            sheet = spec.sheet(year)
            if sheet not in wb.sheet_names:
                raise SourceError(
                    source.key,
                    str(path),
                    f"feuille « {sheet} » absente ; feuilles présentes : "
                    f"{', '.join(wb.sheet_names)}.",
                )
            rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            df = _read_profession_sheet(rows, source, path, sheet)
            df.insert(0, "profession", spec.key)
            df.insert(0, "source", source.key)
            df.insert(3, "annee", year)
            frames.append(df)
        if "Paramètres" not in wb.sheet_names:
            raise SourceError(source.key, str(path), "feuille « Paramètres » absente.")
        rows = wb.get_sheet_by_name("Paramètres").to_python(skip_empty_area=False)
        params = _read_apl_parameters(rows, source, path)
        params.insert(0, "profession", spec.key)
    finally:
        wb.close()
    out = pd.concat(frames, ignore_index=True)[APL_PROFESSION_COLUMNS]
    out["annee"] = out["annee"].astype("int32")
    return {"stg_apl_profession": out, "stg_apl_profession_parametres": params}


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _read_profession_sheet(
    rows: list[list], source: Source, path: Path, sheet: str
) -> pd.DataFrame:
    spec = source.profession
    assert spec is not None
    head = rows[: spec.unit_row]
    header = (
        [_cell_text(c) for c in head[spec.header_row - 1]] if len(head) >= spec.header_row else []
    )
    if not header or header[0] != spec.code_header:
        found = next(
            (
                i
                for i, r in enumerate(rows[:30], start=1)
                if r and _cell_text(r[0]) == spec.code_header
            ),
            None,
        )
        where = f"trouvé ligne {found}" if found else "introuvable dans les 30 premières lignes"
        raise SourceError(
            source.key,
            str(path),
            f"feuille « {sheet} » : en-tête « {spec.code_header} » attendu ligne "
            f"{spec.header_row}, {where}. La mise en page du classeur a changé : vérifiez-la "
            "et mettez à jour le catalogue des professions (analytics/professions.py).",
            column=spec.code_header,
        )
    wanted = {
        "code": (spec.code_header, True),
        "nom": ("Commune", True),
        "apl": (spec.apl_header, True),
        "pop_standardisee": (spec.weight_header, False),
        "pop_totale": (spec.total_header, False),
    }
    positions = {}
    for key, (name, exact) in wanted.items():
        match = [j for j, h in enumerate(header) if (h == name if exact else h.startswith(name))]
        if not match:
            raise SourceError(
                source.key,
                str(path),
                f"feuille « {sheet} » : colonne absente de l'en-tête (ligne {spec.header_row}) ; "
                f"en-tête lu : {' | '.join(h for h in header if h)}.",
                column=name,
            )
        positions[key] = match[0]
    units = head[spec.unit_row - 1] if len(head) >= spec.unit_row else []
    unit = _cell_text(units[positions["apl"]]) if len(units) > positions["apl"] else ""
    if not unit.startswith(spec.unit_prefix):
        raise SourceError(
            source.key,
            str(path),
            f"feuille « {sheet} » : ligne des unités attendue ligne {spec.unit_row} sous "
            f"l'en-tête, commençant par « {spec.unit_prefix} » ; lu : « {unit} ». L'unité ou "
            "la mise en page a changé.",
            column=spec.apl_header,
        )
    cols = list(positions.values())
    width = max(cols) + 1
    records = [
        [row[j] for j in cols]
        for row in rows[spec.unit_row :]
        if len(row) >= width and row[positions["code"]] not in ("", None)
    ]
    df = pd.DataFrame(records, columns=list(positions))
    if df.empty:
        raise SourceError(source.key, str(path), f"feuille « {sheet} » sans données.")
    numeric_codes = df["code"].map(lambda v: isinstance(v, (int, float)))
    if numeric_codes.any():
        raise SourceError(
            source.key,
            str(path),
            f"codes communes saisis comme nombres dans « {sheet} » (zéro initial perdu).",
            column=spec.code_header,
            examples=df.loc[numeric_codes, "code"].head(5).tolist(),
        )
    df["code"] = cast_column(df["code"].astype(str), "commune", source, str(path), spec.code_header)
    df["nom"] = df["nom"].astype(object)
    for col in ("apl", "pop_standardisee", "pop_totale"):
        raw = df[col].replace("", None)
        values = pd.to_numeric(raw, errors="coerce")
        bad = values.isna() & raw.notna()
        if bad.any():
            raise SourceError(
                source.key,
                str(path),
                f"valeurs non numériques dans « {sheet} ».",
                column=wanted[col][0],
                examples=df.loc[bad, col].head(5).tolist(),
            )
        df[col] = values.astype("float64")
    return df


def parse_apl_long(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {
            "code_commune": "commune",
            "millesime_apl": "int",
            "apl_mg": "float",
            "apl_mg_moins_65ans": "float",
            "pop_standardisee_mg": "float",
            "pop_totale": "float",
        },
    )
    return {"stg_apl_long": df.rename(columns={"code_commune": "code", "millesime_apl": "annee"})}


def parse_indicateurs_historiques(path: Path, source: Source) -> Tables:
    years = [2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023]
    cols = {"code_commune": "commune"}
    cols |= {f"apl_mg_{y}": "float" for y in years}
    cols |= {
        "pct_pop_75ans_plus_rp2020": "float",
        "temps_acces_urgences_min_2019": "float",
        "taux_pauvrete_filosofi2018": "float",
        "msp_presente_finess2026": "bool",
    }
    df = read_csv_checked(path, source, cols)
    wide = df.rename(columns={"code_commune": "code"})
    long = wide.melt(
        id_vars=["code"],
        value_vars=[f"apl_mg_{y}" for y in years],
        var_name="annee",
        value_name="apl",
    )
    long["annee"] = long["annee"].str[-4:].astype("int32")
    context = wide[
        [
            "code",
            "pct_pop_75ans_plus_rp2020",
            "temps_acces_urgences_min_2019",
            "taux_pauvrete_filosofi2018",
            "msp_presente_finess2026",
        ]
    ].rename(
        columns={
            "pct_pop_75ans_plus_rp2020": "part_75_plus",
            "temps_acces_urgences_min_2019": "minutes_urgences",
            "taux_pauvrete_filosofi2018": "taux_pauvrete",
            "msp_presente_finess2026": "msp",
        }
    )
    return {"stg_apl_historique": long, "stg_contexte_commune": context}


def parse_rpps_communes(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {
            "code_commune": "commune",
            "nom": "str",
            "population_geoapi": "float",
            "nb_medecins_generalistes": "int",
            "nb_medecins_autres_specialites": "int",
            "nb_medecins_total": "int",
        },
    )
    return {"stg_rpps": df.rename(columns={"code_commune": "code"})}


def parse_rpps_specialites(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {"code_commune": "commune", "specialite_rpps": "str", "nb_medecins": "int"},
    )
    return {"stg_rpps_specialites": df.rename(columns={"code_commune": "code"})}


def parse_bpe2017(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {"code_commune": "commune", "nb_medecins_omnipraticiens": "int", "population": "float"},
    )
    return {"stg_bpe2017": df.rename(columns={"code_commune": "code"})}


def parse_medecins_55(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {
            "departement": "departement",
            "nom_departement": "str",
            "pct_medecins_55ans_plus_2025": "float",
            "effectif_medecins_2025": "int",
            "tcam_effectif_2012_2025_pct": "float",
            "variation_annuelle_moyenne_2012_2025": "float",
        },
    )
    return {"stg_medecins_55": df}


def parse_cnam_figures(path: Path, source: Source) -> Tables:
    cols = {
        "date_reference": "str",
        "indicateur": "str",
        "valeur": "float",
        "unite": "str",
        "source_primaire": "str",
        "cite_par_url": "str",
        "date_publication": "str",
        "remarque": "str",
    }
    if source.key == "cnam_ald_departements":
        cols = {"code_departement": "str", "departement": "str"} | cols
        df = read_csv_checked(path, source, cols)
        codes = df["code_departement"]
        bad = ~(codes.eq("FR") | codes.fillna("").str.match(CODE_DEPARTEMENT_RE.pattern))
        if bad.any():
            raise SourceError(
                source.key,
                str(path),
                "code département invalide.",
                column="code_departement",
                examples=_bad_rows(codes, bad),
            )
        return {"stg_ald_departements": df}
    cols = {"perimetre": "str"} | cols
    df = read_csv_checked(path, source, cols)
    return {"stg_medecin_traitant_national": df}


def parse_paca_qpv(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {
            "code_commune": "commune",
            "code_qpv": "str",
            "nom_qpv": "str",
            "zonage_medecins_qpv": "str",
            "millesime_zonage": "int",
        },
    )
    bad = ~df["zonage_medecins_qpv"].isin(["ZIP", "ZAC"])
    if bad.any():
        raise SourceError(
            source.key,
            str(path),
            "valeur de zonage inattendue (ZIP ou ZAC).",
            column="zonage_medecins_qpv",
            examples=_bad_rows(df["zonage_medecins_qpv"], bad),
        )
    return {"stg_paca_qpv": df.rename(columns={"code_commune": "code"})}


def parse_distancier(path: Path, source: Source) -> Tables:
    df = read_csv_checked(
        path,
        source,
        {
            "id_origine": "str",
            "id_destination": "str",
            "osrm_duree_min": "float",
            "osrm_distance_km": "float",
            "metric_duree_heures_creuses_min": "float",
            "distance_vol_oiseau_km": "float",
        },
    )
    return {"stg_distancier": df}


# Staging tables that exist even when every source feeding them is optional and absent.
EMPTY_STAGING: dict[str, pd.DataFrame] = {
    "stg_apl_profession": pd.DataFrame(
        {
            "source": pd.Series(dtype=object),
            "profession": pd.Series(dtype=object),
            "code": pd.Series(dtype=object),
            "nom": pd.Series(dtype=object),
            "annee": pd.Series(dtype="int32"),
            "apl": pd.Series(dtype="float64"),
            "pop_standardisee": pd.Series(dtype="float64"),
            "pop_totale": pd.Series(dtype="float64"),
        }
    ),
    "stg_apl_profession_parametres": pd.DataFrame(
        {
            "profession": pd.Series(dtype=object),
            "rubrique": pd.Series(dtype=object),
            "libelle": pd.Series(dtype=object),
            "borne_minutes": pd.Series(dtype="float64"),
            "valeur": pd.Series(dtype="float64"),
            "valeur_2023": pd.Series(dtype="float64"),
        }
    ),
}

PARSERS: dict[str, Callable[[Path, Source], Tables]] = {
    name: fn for name, fn in globals().items() if name.startswith("parse_") and callable(fn)
}


def parse_source(source: Source, path: Path) -> Tables:
    """Dispatch to the parser the catalogue names for this source."""
    try:
        parser = PARSERS[source.parser]
    except KeyError:
        raise SourceError(source.key, str(path), f"analyseur inconnu : {source.parser}") from None
    return parser(path, source)
