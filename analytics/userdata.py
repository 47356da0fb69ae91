"""« Mes données »: a user's own values per commune, read, checked and matched to 2026.

A mutual's members, a CPTS's patients without a médecin traitant, a list of villages:
a CSV or XLSX file with one commune per row — by INSEE code, by postcode, or by name and
département — and one or more numeric columns. This module is pure (no Streamlit, no
file written anywhere): bytes in, DataFrames out.

Reading (:func:`read_table`)
    The file's kind is told by its content, not its name: an XLSX is a zip archive whose
    declared sizes are checked *before* openpyxl opens it (a few kB that inflate to
    gigabytes — an « XLSX bomb » — are refused); images, PDF and other binary files are
    refused. A CSV's encoding is tried in order UTF-8 (with or without BOM), Windows-1252,
    Latin-1; its delimiter is sniffed among ``; , tab |``. Limits: :data:`MAX_BYTES`,
    :data:`MAX_ROWS`.
Matching (:func:`match`)
    INSEE codes go through the database's passage table (former codes of merged communes,
    delegated and associated communes, the Paris, Lyon and Marseille arrondissements →
    their 2026 commune). A postcode shared by several communes has its value split in
    proportion to their population (said in the report). Names are compared in their
    normalised form (:func:`analytics.search.normalise`) within the département, current
    names first, then delegated communes and arrondissements. What cannot be matched is
    listed, rows and values, before anything is used.
Values
    Numbers with a decimal comma or point, spaces as thousands separators. A negative or
    non-numeric value stops the import with the column and the rows named. A commune
    appearing on several rows is refused unless the caller asks to add them up.
Aggregation (:func:`aggregate`)
    Sums per EPCI, département, région, France, and a rate per 1 000 inhabitants over the
    territory's whole population (populations légales, the ``commune`` table): a commune
    absent from the file counts as 0.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from analytics.db import query
from analytics.search import normalise

#: Largest file accepted (bytes): 35 000 communes × a few columns is about 1 MB.
MAX_BYTES = 10 * 1024 * 1024
#: Most data rows accepted (there are about 35 000 communes, 39 000 codes with former ones).
MAX_ROWS = 50_000
#: An XLSX is a zip: total declared uncompressed size, entries, and compression ratio of
#: any member larger than 1 MB. ``zipfile`` never inflates a member beyond its declared
#: size (``ZipExtFile`` stops at ``file_size``), so checking the declared sizes bounds
#: what openpyxl can ever read.
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ZIP_RATIO = 100
MAX_COLUMNS = 200

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre"}
#: Text cells starting with one of these would run as a formula in a spreadsheet
#: (OWASP « CSV injection »): neutralised in every table this module returns.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Signatures of files that are certainly not a table (images, PDF, legacy Office, archives).
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"RIFF", "un fichier image ou audio"),
    (b"%PDF", "un PDF"),
    (b"\xd0\xcf\x11\xe0", "un ancien classeur Excel (.xls) ou un document Office"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"BM", "une image BMP"),
    (b"\x00\x00\x01\x00", "une icône"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
    (b"Rar!", "une archive RAR"),
)

# Header names, in their normalised form (accents, case, punctuation removed, « _ »).
KEY_INSEE = {
    "code_insee",
    "insee",
    "code_commune",
    "code_commune_insee",
    "codgeo",
    "code_geo",
    "code_geographique",
    "depcom",
    "com",
    "code_com",
    "codecommune",
    "cog",
    "code_officiel_geographique",
    "code",
}
KEY_POSTAL = {"code_postal", "cp", "codepostal", "postal", "code_postal_commune", "cp_commune"}
KEY_NOM = {
    "nom",
    "commune",
    "nom_commune",
    "nom_de_la_commune",
    "libelle",
    "libelle_commune",
    "libgeo",
    "ville",
    "localite",
}
KEY_DEP = {
    "departement",
    "dep",
    "dept",
    "code_departement",
    "code_dep",
    "num_dep",
    "numero_departement",
}

KEY_KINDS = {
    "insee": "code INSEE",
    "postal": "code postal",
    "nom": "nom et département",
}


class UserDataError(ValueError):
    """A file that cannot be used, with a French message naming the problem."""


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawTable:
    """A file read as text cells (XLSX numbers kept as numbers), before any matching."""

    frame: pd.DataFrame  # one column per header, cells as read; ``ligne`` = file line
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != "ligne"]


def _column_key(name: object) -> str:
    return normalise(str(name), expand=False).replace(" ", "_")


def check_zip(data: bytes) -> zipfile.ZipFile:
    """The archive of an XLSX, after checking its declared sizes (an XLSX bomb is refused)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UserDataError(
            "Le fichier porte la signature d'un classeur XLSX mais n'en est pas un lisible "
            "(archive endommagée). Enregistrez-le de nouveau depuis votre tableur, ou en CSV."
        ) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UserDataError(
            f"Le classeur contient {len(infos)} éléments internes (au plus "
            f"{MAX_ZIP_ENTRIES}) : ce n'est pas un tableau simple. Enregistrez-le en CSV."
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise UserDataError(
            f"Le classeur se décompresse en {total / 1e6:,.0f} Mo (au plus "
            f"{MAX_XLSX_UNCOMPRESSED / 1e6:,.0f} Mo) : trop volumineux, ou archive piégée. "
            "Enregistrez seulement la feuille utile, en CSV.".replace(",", " ")
        )
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        ):
            raise UserDataError(
                f"Le classeur contient un élément ({info.filename[:60]}) compressé plus de "
                f"{MAX_ZIP_RATIO} fois : archive piégée probable, fichier refusé."
            )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise UserDataError(
            "L'archive n'est pas un classeur Excel (XLSX) : déposez un fichier CSV ou XLSX."
        )
    return archive


def _read_xlsx(data: bytes) -> RawTable:
    from openpyxl import load_workbook

    check_zip(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise UserDataError(
            f"Le classeur XLSX est illisible ({type(exc).__name__}). Enregistrez-le de "
            "nouveau depuis votre tableur, ou en CSV."
        ) from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise UserDataError("Le classeur ne contient aucune feuille.")
        header: list[object] | None = None
        rows: list[tuple] = []
        lines: list[int] = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if header is None:
                if row and any(v is not None and str(v).strip() for v in row):
                    header = list(row[: MAX_COLUMNS + 1])
                continue
            if not any(v is not None and str(v).strip() for v in row):
                continue
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            rows.append(tuple(row[: len(header)]))
            lines.append(number)
    finally:
        wb.close()
    if header is None:
        raise _empty()
    frame = _frame(header, rows, lines)
    return RawTable(frame, "xlsx")


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ";"


def _read_csv(data: bytes) -> RawTable:
    text, encoding = _decode(data)
    if not text.strip():
        raise _empty()
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            if header is None:
                if any(c.strip() for c in row):
                    header = row[: MAX_COLUMNS + 1]
                continue
            if not any(c.strip() for c in row):
                continue
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows()
            rows.append(row[: len(header)])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise UserDataError(
            f"Le fichier CSV est mal formé vers la ligne {reader.line_num} ({exc}). "
            "Vérifiez les guillemets, ou enregistrez-le de nouveau depuis votre tableur."
        ) from None
    if header is None:
        raise _empty()
    return RawTable(_frame(header, rows, lines), "csv", encoding, delimiter)


def _frame(header: list[object], rows: list, lines: list[int]) -> pd.DataFrame:
    if len(header) > MAX_COLUMNS:
        raise UserDataError(
            f"Le fichier a plus de {MAX_COLUMNS} colonnes : gardez la colonne des communes et "
            "celles des valeurs."
        )
    names: list[str] = []
    for i, name in enumerate(header, start=1):
        text = "" if name is None else str(name).strip()
        text = text or f"colonne {i}"
        while text in names:
            text += " (bis)"
        names.append(neutralise(text))
    width = len(names)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(padded, columns=names, dtype=object)
    if frame.empty:
        raise _empty()
    frame.insert(0, "ligne", lines)
    return frame


def _empty() -> UserDataError:
    return UserDataError(
        "Le fichier est vide : il faut une ligne d'en-tête (les noms des colonnes) puis une "
        "ligne par commune."
    )


def _too_many_rows() -> UserDataError:
    return UserDataError(
        f"Le fichier dépasse {MAX_ROWS:,} lignes de données : gardez une ligne par "
        "commune (il y en a environ 35 000).".replace(",", " ")
    )


def read_table(data: bytes, filename: str = "") -> RawTable:
    """The table in ``data`` (CSV or XLSX, told by content), or :class:`UserDataError`."""
    if not data:
        raise _empty()
    if len(data) > MAX_BYTES:
        raise UserDataError(
            f"Le fichier pèse {len(data) / 1e6:.1f} Mo : au plus {MAX_BYTES / 1e6:.0f} Mo "
            "sont acceptés.".replace(".", ",")
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise UserDataError(
                f"Le fichier « {neutralise(filename[:80])} » est {what}, pas un tableau : "
                "déposez un fichier CSV ou XLSX."
            )
    if b"\x00" in data[:8192]:
        raise UserDataError(
            f"Le fichier « {neutralise(filename[:80])} » est binaire, pas un tableau : "
            "déposez un fichier CSV ou XLSX."
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise UserDataError(
            f"Le fichier « {neutralise(filename[:80])} » porte l'extension d'un classeur "
            "XLSX mais n'en est pas un."
        )
    return _read_csv(data)


# --- Columns and values ----------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """Which columns identify the commune, and which hold numbers."""

    kind: str  # "insee", "postal" or "nom"
    key: str
    departement: str | None
    values: tuple[str, ...]  # numeric columns, in file order


def _parse_number(value: object) -> float | None:
    """A number from a cell: ``1 234,5``, ``1.234,5``, ``1,234.5``, ``12.5``; None if empty.

    Raises ValueError when the cell holds something else (text, ``inf``, ``nan``).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(value)
        return v
    text = str(value).strip()
    if not text:
        return None
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    if not re.fullmatch(r"[+-]?[\d.,]*\d[\d.,]*", text):
        raise ValueError(value)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            text = text.replace(",", "")  # 1,234,567: thousands
        else:
            text = text.replace(",", ".")  # French decimal comma
    elif text.count(".") > 1:
        text = text.replace(".", "")  # 1.234.567: thousands
    return float(text)


_SIMPLE_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"


def numbers(column: pd.Series) -> tuple[np.ndarray, list[int]]:
    """Values as floats (NaN when empty) and the positions of non-numeric cells.

    Plain cells (``12``, ``12,5``, ``1 234.5``) are converted in one vectorised pass; the
    others go through :func:`_parse_number` one by one.
    """
    cells = column.to_numpy(dtype=object)
    out = np.full(len(cells), np.nan)
    is_text = np.fromiter((isinstance(v, str) for v in cells), bool, len(cells))
    text = pd.Series(cells[is_text], dtype=object).astype(str)
    cleaned = text.str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    simple = cleaned.str.fullmatch(_SIMPLE_NUMBER).fillna(False).to_numpy(dtype=bool)
    positions = np.flatnonzero(is_text)
    out[positions[simple]] = pd.to_numeric(
        cleaned[simple].str.replace(",", ".", regex=False)
    ).to_numpy(dtype=float)
    empty = (cleaned == "").to_numpy(dtype=bool)
    rest = np.concatenate([positions[~simple & ~empty], np.flatnonzero(~is_text)])
    bad: list[int] = []
    for i in np.sort(rest).tolist():
        try:
            v = _parse_number(cells[i])
        except ValueError:
            bad.append(i)
            continue
        if v is not None:
            out[i] = v
    return out, bad


def detect_columns(raw: RawTable) -> Columns:
    """The key column (INSEE code first, then postcode, then name + département) and the
    numeric columns; :class:`UserDataError` naming what is missing."""
    keyed = {_column_key(c): c for c in reversed(raw.columns)}
    kind = key = dep = None
    for candidates, k in ((KEY_INSEE, "insee"), (KEY_POSTAL, "postal")):
        found = next((keyed[c] for c in keyed if c in candidates), None)
        if found is not None:
            kind, key = k, found
            break
    if kind is None:
        nom = next((keyed[c] for c in keyed if c in KEY_NOM), None)
        dep = next((keyed[c] for c in keyed if c in KEY_DEP), None)
        if nom is not None and dep is not None:
            kind, key = "nom", nom
        elif nom is not None:
            raise UserDataError(
                f"La colonne « {nom} » donne le nom des communes, mais aucune colonne ne donne "
                "leur département (« departement », « dep ») : beaucoup de noms existent dans "
                "plusieurs départements. Ajoutez-la, ou utilisez le code INSEE."
            )
    if kind is None:
        shown = ", ".join(f"« {c} »" for c in raw.columns[:10])
        raise UserDataError(
            f"Aucune colonne ne désigne les communes (colonnes lues : {shown}). Nommez-la "
            "« code_insee », « code_postal », ou donnez « nom » et « departement »."
        )
    used = {key, dep}
    values = []
    for col in raw.columns:
        if col in used:
            continue
        series = raw.frame[col]
        parsed, bad = numbers(series)
        filled = int(np.isfinite(parsed).sum())
        if filled and len(bad) <= 0.2 * (filled + len(bad)):
            values.append(col)
    if not values:
        raise UserDataError(
            "Aucune colonne de valeurs numériques : il faut, à côté de la colonne des "
            f"communes (« {key} »), au moins une colonne de nombres (par exemple "
            "« adherents »)."
        )
    return Columns(kind, key, dep, tuple(values))


# --- Reference (from the database) ------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """The 2026 communes and every way a file may name one (read from the database)."""

    communes: pd.DataFrame  # code, nom, departement, epci, region, population, codes_postaux
    passage: dict[str, tuple[str, str]]  # any code → (2026 code, nature)
    postcodes: dict[str, tuple[str, ...]]  # postcode → 2026 codes
    names: dict[tuple[str, str], tuple[str, str] | None]  # (dep, name) → (code, nature)
    population: dict[str, float] = field(repr=False, default_factory=dict)


def load_reference(con: duckdb.DuckDBPyConnection) -> Reference:
    communes = query(con, "userdata_communes", max_rows=200_000)
    passage_df = query(con, "userdata_passage", max_rows=200_000)
    names_df = query(con, "userdata_noms", max_rows=200_000)
    return build_reference(communes, passage_df, names_df)


def build_reference(
    communes: pd.DataFrame, passage_df: pd.DataFrame, names_df: pd.DataFrame
) -> Reference:
    passage = {
        str(s): (str(t), str(n))
        for s, t, n in zip(
            passage_df["code_source"], passage_df["code_2026"], passage_df["nature"], strict=True
        )
    }
    postcodes: dict[str, list[str]] = {}
    for code, cps in zip(communes["code"], communes["codes_postaux"], strict=True):
        for cp in str(cps or "").split():
            postcodes.setdefault(cp, []).append(str(code))
    names: dict[tuple[str, str], tuple[str, str] | None] = {}
    for code, nom, dep in zip(
        communes["code"], communes["nom"], communes["departement"], strict=True
    ):
        k = (str(dep), normalise(str(nom)))
        names[k] = None if k in names else (str(code), "commune actuelle")
    current = set(names)
    for nom, dep, code, nature in zip(
        names_df["nom"], names_df["departement"], names_df["code"], names_df["nature"], strict=True
    ):
        k = (str(dep), normalise(str(nom)))
        if k in current:
            continue  # a current commune's name wins over a delegated one
        if k in names and names[k] is not None and names[k][0] != str(code):
            names[k] = None
        elif k not in names:
            names[k] = (str(code), str(nature))
    population = dict(
        zip(communes["code"].astype(str), communes["population"].astype(float), strict=True)
    )
    return Reference(
        communes.reset_index(drop=True),
        passage,
        {k: tuple(v) for k, v in postcodes.items()},
        names,
        population,
    )


# --- Matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    fichier: str
    format: str  # « CSV (UTF-8, point-virgule) », « XLSX »
    colonne_cle: str
    type_cle: str  # code INSEE, code postal, nom et département
    colonne_valeur: str
    lignes_lues: int
    lignes_rattachees: int
    lignes_vides: int  # no value: ignored
    total_lu: float
    total_rattache: float
    communes: int  # distinct 2026 communes with a value
    converties: dict[str, int]  # nature → rows matched through the passage table
    doublons: int  # rows whose key appears more than once (added up)
    codes_completes: int  # 4-digit codes given back their leading zero
    codes_postaux_partages: int  # rows whose postcode covers several communes (split)

    @property
    def total_non_rattache(self) -> float:
        return self.total_lu - self.total_rattache

    def lines(self) -> list[str]:
        """The report in French, one sentence per line."""
        from analytics.formatting import fmt_number

        out = [
            f"Fichier « {self.fichier} » lu ({self.format}) : {fmt_number(self.lignes_lues)} "
            f"lignes, communes désignées par leur {self.type_cle} (colonne « {self.colonne_cle} »),"
            f" valeurs de la colonne « {self.colonne_valeur} ».",
            f"{fmt_number(self.lignes_rattachees)} lignes rattachées à "
            f"{fmt_number(self.communes)} communes de 2026, soit "
            f"{fmt_number(self.total_rattache, 1)} sur {fmt_number(self.total_lu, 1)} "
            "(total du fichier).",
        ]
        for nature, n in sorted(self.converties.items()):
            out.append(f"{fmt_number(n)} lignes rattachées par la table de passage ({nature}).")
        if self.codes_completes:
            out.append(
                f"{fmt_number(self.codes_completes)} codes à 4 chiffres complétés d'un zéro "
                "initial (perdu par un tableur)."
            )
        if self.codes_postaux_partages:
            out.append(
                f"{fmt_number(self.codes_postaux_partages)} lignes portent un code postal "
                "commun à plusieurs communes : leur valeur est répartie entre elles au "
                "prorata de leur population."
            )
        if self.doublons:
            out.append(
                f"{fmt_number(self.doublons)} lignes désignent une commune déjà présente : "
                "leurs valeurs sont additionnées."
            )
        if self.lignes_vides:
            out.append(f"{fmt_number(self.lignes_vides)} lignes sans valeur : ignorées.")
        return out


@dataclass(frozen=True)
class UserData:
    """Matched values: one row per 2026 commune. Lives in one user's session only."""

    label: str  # what the values are (the column name, or the user's label)
    values: pd.DataFrame  # code (2026 commune), valeur
    unmatched: pd.DataFrame  # ligne, cle, valeur, raison
    report: ImportReport


def neutralise(value: object) -> object:
    """A text that a spreadsheet would run as a formula, made inert (leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and column name) of ``df`` made inert for spreadsheets."""
    out = df.rename(columns={c: neutralise(c) for c in df.columns if isinstance(c, str)})
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def _key_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().upper()


def _departement(value: object) -> str:
    text = _key_text(value)
    if text.isdigit() and len(text) == 1:
        return "0" + text
    return text


def match(
    raw: RawTable,
    ref: Reference,
    *,
    value_column: str | None = None,
    columns: Columns | None = None,
    fichier: str = "",
    add_duplicates: bool = False,
    label: str | None = None,
) -> UserData:
    """Match each row to a 2026 commune and read its value; :class:`UserDataError` on a
    non-numeric or negative value, or on duplicated communes unless ``add_duplicates``."""
    columns = columns or detect_columns(raw)
    value_column = value_column or columns.values[0]
    if value_column not in raw.columns:
        raise UserDataError(f"La colonne « {value_column} » n'existe pas dans le fichier.")
    frame = raw.frame
    lignes = frame["ligne"].to_numpy()
    values, bad = numbers(frame[value_column])
    if bad:
        shown = ", ".join(
            f"ligne {lignes[i]} (« {str(frame[value_column].iloc[i])[:20]} »)" for i in bad[:5]
        )
        raise UserDataError(
            f"Colonne « {value_column} » : {len(bad)} valeur(s) ne sont pas des nombres — "
            f"{shown}. Corrigez-les ou videz ces cellules."
        )
    negative = np.flatnonzero(values < 0)
    if len(negative):
        shown = ", ".join(str(lignes[i]) for i in negative[:10])
        raise UserDataError(
            f"Colonne « {value_column} » : {len(negative)} valeur(s) négatives (lignes "
            f"{shown}). Des effectifs ou des consultations ne peuvent pas être négatifs."
        )

    keys = [_key_text(v) for v in frame[columns.key].tolist()]
    completed = 0
    if columns.kind in ("insee", "postal"):
        for i, k in enumerate(keys):
            if len(k) == 4 and k.isdigit():
                keys[i] = "0" + k
                completed += 1
    if columns.kind == "nom":
        deps = [_departement(v) for v in frame[columns.departement].tolist()]
        keys = [f"{d}:{normalise(k)}" for d, k in zip(deps, keys, strict=True)]

    empty = ~np.isfinite(values)
    seen: dict[str, int] = {}
    for i, k in enumerate(keys):
        if not empty[i] and k:
            seen[k] = seen.get(k, 0) + 1
    dup_keys = {k for k, n in seen.items() if n > 1}
    duplicates = sum(seen[k] - 1 for k in dup_keys)
    if dup_keys and not add_duplicates:
        example = sorted(dup_keys)[:5]
        shown = "; ".join(
            f"« {k} » (lignes {', '.join(str(lignes[i]) for i, kk in enumerate(keys) if kk == k)[:60]})"
            for k in example
        )
        raise UserDataError(
            f"Colonne « {columns.key} » : {len(dup_keys)} commune(s) figurent sur plusieurs "
            f"lignes — {shown}. Gardez une ligne par commune, ou cochez « additionner les "
            "lignes d'une même commune »."
        )

    matched_codes: list[str] = []
    matched_values: list[float] = []
    matched_rows = 0
    unmatched: list[tuple[int, str, float, str]] = []
    converted: dict[str, int] = {}
    shared = 0
    key_cells = frame[columns.key].tolist()
    for i, k in enumerate(keys):
        v = values[i]
        if empty[i]:
            continue
        cell = key_cells[i]
        shown_key = "" if cell is None else str(cell)[:60]
        if not k:
            unmatched.append((lignes[i], shown_key, v, "commune non renseignée"))
            continue
        if columns.kind == "insee":
            hit = ref.passage.get(k)
            if hit is None:
                unmatched.append((lignes[i], shown_key, v, "code inconnu au COG 2026"))
                continue
            code, nature = hit
            if nature != "commune actuelle":
                converted[nature] = converted.get(nature, 0) + 1
            matched_codes.append(code)
            matched_values.append(v)
        elif columns.kind == "postal":
            targets = ref.postcodes.get(k)
            if not targets:
                unmatched.append((lignes[i], shown_key, v, "code postal inconnu"))
                continue
            if len(targets) > 1:
                shared += 1
                pops = np.array([ref.population.get(t, 0.0) for t in targets])
                weights = (
                    pops / pops.sum() if pops.sum() > 0 else np.full(len(targets), 1 / len(targets))
                )
                matched_codes.extend(targets)
                matched_values.extend((v * weights).tolist())
            else:
                matched_codes.append(targets[0])
                matched_values.append(v)
        else:
            dep, name = k.split(":", 1)
            if (dep, name) not in ref.names:
                unmatched.append(
                    (lignes[i], shown_key, v, f"nom inconnu dans le département {dep}")
                )
                continue
            hit = ref.names[(dep, name)]
            if hit is None:
                unmatched.append((lignes[i], shown_key, v, "nom porté par plusieurs communes"))
                continue
            code, nature = hit
            if nature != "commune actuelle":
                converted[nature] = converted.get(nature, 0) + 1
            matched_codes.append(code)
            matched_values.append(v)
        matched_rows += 1

    per_commune = (
        pd.DataFrame({"code": matched_codes, "valeur": matched_values})
        .groupby("code", as_index=False, sort=True)["valeur"]
        .sum()
    )
    unmatched_df = pd.DataFrame(unmatched, columns=["ligne", "cle", "valeur", "raison"])
    unmatched_df = neutralise_frame(unmatched_df)
    total = float(np.nansum(values))
    fmt = (
        f"CSV, {'UTF-8' if raw.encoding == 'utf-8-sig' else raw.encoding}, "
        f"séparateur {DELIMITER_NAMES.get(raw.delimiter or '', raw.delimiter)}"
        if raw.kind == "csv"
        else "XLSX, première feuille"
    )
    report = ImportReport(
        fichier=str(neutralise(fichier[:120])),
        format=fmt,
        colonne_cle=columns.key,
        type_cle=KEY_KINDS[columns.kind],
        colonne_valeur=value_column,
        lignes_lues=len(frame),
        lignes_rattachees=matched_rows,
        lignes_vides=int(empty.sum()),
        total_lu=total,
        total_rattache=float(per_commune["valeur"].sum()),
        communes=len(per_commune),
        converties=converted,
        doublons=duplicates,
        codes_completes=completed,
        codes_postaux_partages=shared,
    )
    return UserData(str(neutralise(label or value_column)), per_commune, unmatched_df, report)


def parse_upload(
    data: bytes,
    filename: str,
    ref: Reference,
    *,
    value_column: str | None = None,
    add_duplicates: bool = False,
) -> UserData:
    """Read, check and match a file in one call (:func:`read_table` then :func:`match`)."""
    raw = read_table(data, filename)
    return match(
        raw, ref, value_column=value_column, fichier=filename, add_duplicates=add_duplicates
    )


# --- Using the values --------------------------------------------------------------------------

LEVELS = ("commune", "epci", "departement", "region", "france")


def in_france(departement: pd.Series) -> pd.Series:
    """France as INSEE counts it (the ``territoire`` model): metropolitan France and the
    five DROM; the overseas collectivities (975, 977, 978, 984, 986–989) are not in it."""
    from analytics.codes import COLLECTIVITES

    return ~departement.astype(str).isin(COLLECTIVITES)


def commune_values(userdata: UserData, communes: pd.Series | None = None) -> pd.Series:
    """The user's value per 2026 commune code (float), for the planner's demand weights.

    With ``communes`` (codes), the series is aligned on them and communes absent from the
    file get 0.
    """
    s = userdata.values.set_index("code")["valeur"].astype(float)
    if communes is not None:
        s = s.reindex(pd.Index(communes.astype(str), name="code"), fill_value=0.0)
    return s


def aggregate(userdata: UserData, communes: pd.DataFrame, niveau: str) -> pd.DataFrame:
    """Sum and rate per 1 000 inhabitants per territory of ``niveau``.

    ``communes``: ``code``, ``population``, ``epci``, ``departement``, ``region`` (the
    reference's ``communes``). Returns ``code``, ``valeur`` (sum), ``population`` (the
    territory's whole population), ``pour_1000`` (1 000 × valeur / population) and
    ``communes_renseignees`` (communes of the territory present in the file). Every
    territory of the level is listed; one with no commune in the file has ``valeur`` 0.
    """
    if niveau not in LEVELS:
        raise ValueError(f"niveau inconnu : {niveau!r}")
    codes = communes["code"].to_numpy(dtype=object)
    position = pd.Index(userdata.values["code"].to_numpy(dtype=object)).get_indexer(codes)
    found = position >= 0
    valeur = np.where(found, userdata.values["valeur"].to_numpy(dtype=float)[position], 0.0)
    if niveau == "commune":
        territoire = codes
        keep = np.ones(len(codes), bool)
    elif niveau == "france":
        territoire = np.full(len(codes), "FR", dtype=object)
        keep = in_france(communes["departement"]).to_numpy(dtype=bool)
    else:
        territoire = communes[niveau].to_numpy(dtype=object)
        keep = pd.notna(territoire)
    c = pd.DataFrame(
        {
            "territoire": territoire[keep],
            "valeur": valeur[keep],
            "population": communes["population"].to_numpy(dtype=float)[keep],
            "renseignee": found[keep],
        }
    )
    out = c.groupby("territoire", sort=True).agg(
        valeur=("valeur", "sum"),
        population=("population", "sum"),
        communes_renseignees=("renseignee", "sum"),
    )
    out["pour_1000"] = 1000.0 * out["valeur"] / out["population"].where(out["population"] > 0)
    out = out.reset_index().rename(columns={"territoire": "code"})
    return out[["code", "valeur", "population", "pour_1000", "communes_renseignees"]]


def territory_values(
    userdata: UserData, communes: pd.DataFrame, niveau: str, code: str
) -> dict[str, float] | None:
    """Sum, population and rate of one territory (None when the level has no such code)."""
    table = aggregate(userdata, communes, niveau)
    row = table[table["code"] == code]
    if row.empty:
        return None
    r = row.iloc[0]
    return {
        "valeur": float(r["valeur"]),
        "population": float(r["population"]),
        "pour_1000": float(r["pour_1000"]) if pd.notna(r["pour_1000"]) else math.nan,
        "communes_renseignees": int(r["communes_renseignees"]),
    }


#: The user's values as a component of the need score (:mod:`analytics.score`).
USER_COMPONENT_KEY = "donnees_utilisateur"
USER_COMPONENT_LABEL = "Vos données"


def add_score_component(
    ranked: pd.DataFrame,
    user_raw: pd.Series,
    weights: dict[str, float],
    weight: float,
) -> pd.DataFrame:
    """The ranking with the user's values as one more weighted component.

    ``ranked`` comes from :func:`analytics.views.rank` under ``weights`` (one level, every
    territory, before any filter), ``user_raw`` the user's value per territory code (higher
    = more need; a territory absent counts 0), ``weight`` its weight on the same scale as
    ``weights``. Same method as :func:`analytics.score.score`: the raw values become
    percentile ranks (:func:`analytics.score.percentile_rank`, 0 points at value 0), then
    for territory ``i`` with available weight ``W_i`` (the weighted components it has)::

        contrib_ik' = contrib_ik × W_i / (W_i + w_u)
        contrib_iu  = 100 × w_u / (W_i + w_u) × norm_iu
        score_i'    = Σ contrib'

    which is exactly the score with ``w_u`` added to the weights. A territory the original
    score leaves unscored stays unscored. Ranks are recomputed.
    """
    from analytics.score import COMPONENTS, percentile_rank

    out = ranked.copy()
    col = f"contrib_{USER_COMPONENT_KEY}"
    raw = out["code"].astype(str).map(user_raw).fillna(0.0).to_numpy(dtype=float)
    norm = percentile_rank(raw)
    norm = np.where(raw <= 0, 0.0, norm)
    if weight <= 0:
        out[col] = 0.0
        return out
    available = np.zeros(len(out))
    for c in COMPONENTS:
        w = float(weights.get(c.key, 0.0))
        if w > 0 and f"contrib_{c.key}" in out.columns:
            available += w * out[f"contrib_{c.key}"].notna().to_numpy()
    scored = out["score"].notna().to_numpy()
    factor = np.where(scored, available / (available + weight), np.nan)
    for c in COMPONENTS:
        key = f"contrib_{c.key}"
        if key in out.columns:
            out[key] = out[key] * factor
    out[col] = np.where(scored, 100.0 * weight / (available + weight) * norm, np.nan)
    contribs = [f"contrib_{c.key}" for c in COMPONENTS if f"contrib_{c.key}" in out.columns]
    out["score"] = np.where(scored, out[[*contribs, col]].sum(axis=1, min_count=1), np.nan)
    out["rang"] = out["score"].rank(method="min", ascending=False, na_option="keep").astype("Int64")
    return out.sort_values(["rang", "population"], ascending=[True, False], na_position="last")
