"""Tables for spreadsheets: CSV for French Excel, XLSX with a Sources sheet.

Every table is exported as a reader sees it on screen (:func:`table_for_export`):

* French column labels with their unit (« Médecins à temps plein manquants », « APL aux
  médecins généralistes 2023 (consultations/an/hab. std.) »), from the indicator
  catalogue and :data:`COLUMNS`; unknown columns keep their (already French) names;
* numbers rounded to the precision the app displays (:func:`analytics.formatting.
  display_decimals`, half away from zero like the display), shares in percent, whole
  numbers as integers (« 2464 », never « 2464,0 »); numbers stay numbers, never the
  display strings;
* codes (INSEE, SIREN, départements, régions) as text: ``01001``, ``2A004``;
* a text cell that a spreadsheet would run as a formula neutralised (CSV: a leading
  apostrophe, the OWASP advice; XLSX: typed as text).

The ``Sources`` sheet lists the sources of *that* export only (:func:`export_sources`),
and a ranking carries its weights, each component's points and the build date
(:func:`ranking_export`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.formatting import display_decimals, fmt_number, round_half_up


@dataclass(frozen=True)
class ColumnFormat:
    """How one column is exported: French label, formatting kind and decimals.

    ``kind`` is an indicator kind (:data:`analytics.formatting.KINDS`), ``"text"``, or
    ``"code"`` (a territory code, always text).
    """

    label: str
    kind: str = "float"
    decimals: int = 1


#: Columns of the app's frames that are not catalogue indicators.
COLUMNS: dict[str, ColumnFormat] = {
    "code": ColumnFormat("Code", "code"),
    "nom": ColumnFormat("Nom", "text"),
    "niveau": ColumnFormat("Niveau", "text"),
    "departement": ColumnFormat("Département (code)", "code"),
    "region": ColumnFormat("Région (code)", "code"),
    "epci": ColumnFormat("EPCI (SIREN)", "code"),
    "rang": ColumnFormat("Rang", "int"),
    "nb_territoires": ColumnFormat("Territoires classés", "int"),
    "score": ColumnFormat("Score de besoin (0 à 100)", "float", 1),
    "etp_manquants": ColumnFormat("Médecins à temps plein manquants", "float", 1),
    "recommandation": ColumnFormat("Recommandation", "text"),
    "raison": ColumnFormat("Raison de la recommandation", "text"),
    "composantes_manquantes": ColumnFormat("Composantes sans donnée", "text"),
    "complet": ColumnFormat("Score complet", "text"),
    "classe": ColumnFormat("Classe", "text"),
    "km_generaliste": ColumnFormat("Distance au généraliste le plus proche (km)", "float", 1),
    "composante": ColumnFormat("Composante", "text"),
    "contribution": ColumnFormat("Points", "float", 1),
    "annee": ColumnFormat("Année", "int"),
    "territoire": ColumnFormat("Territoire", "text"),
    "cle": ColumnFormat("Clé de l'indicateur", "text"),
    "valeur": ColumnFormat("Valeur", "float", 2),
    "apl": ColumnFormat("APL (consultations/an/hab. std.)", "apl"),
    "minutes": ColumnFormat("Minutes de route (estimées)", "minutes"),
    "apl_avant": ColumnFormat("APL 2023 (consultations/an/hab. std.)", "apl"),
    "apl_apres": ColumnFormat("APL après le centre (consultations/an/hab. std.)", "apl"),
    "gain": ColumnFormat("Gain d'APL", "float", 3),
}

#: Decimals of a float column the app does not know (a table already labelled in French).
DEFAULT_DECIMALS = 2


def column_format(name: str) -> ColumnFormat | None:
    """The export format of a column: an indicator of the catalogue, or :data:`COLUMNS`."""
    from analytics.indicators import INDICATORS_BY_KEY

    ind = INDICATORS_BY_KEY.get(name)
    if ind is not None:
        unit = "%" if ind.kind == "percent" else ind.unit
        label = f"{ind.label} ({unit})" if unit else ind.label
        return ColumnFormat(label, ind.kind, ind.decimals)
    return COLUMNS.get(name)


def _rounded(values: pd.Series, decimals: int) -> pd.Series:
    """Half-up rounding like the display; integers when no decimal is kept.

    Vectorised; values next to a tie (``2.675``, whose binary value is 2.67499…) go
    through :func:`analytics.formatting.round_half_up`, the display's decimal rounding.
    """
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    scale = 10.0**decimals
    with np.errstate(invalid="ignore"):
        scaled = np.abs(arr) * scale
        rounded = np.sign(arr) * np.floor(scaled + 0.5) / scale + 0.0  # no −0
        near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(near_tie):
        rounded[i] = round_half_up(float(arr[i]), decimals)
    out = pd.Series(rounded, index=values.index, dtype=float)
    if decimals == 0 or _integral(out):
        return out.round().astype("Int64")
    return out


def _integral(values: pd.Series) -> bool:
    finite = values[np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))]
    return bool(len(finite)) and bool((finite == finite.round()).all())


def _as_text(values: pd.Series) -> pd.Series:
    return values.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))


def _format_column(values: pd.Series, spec: ColumnFormat) -> pd.Series:
    if spec.kind == "code":
        return _as_text(values)
    if spec.kind == "text" or not pd.api.types.is_numeric_dtype(values):
        return values
    if spec.kind == "percent":  # a ratio, shown and exported in percent
        return _rounded(values * 100.0, spec.decimals)
    return _rounded(values, display_decimals(spec.kind, spec.decimals))


def _row_indicators(df: pd.DataFrame) -> pd.Series | None:
    """For a table with one indicator per row (``cle`` or ``indicateur`` holding catalogue
    keys), the indicator of each row."""
    from analytics.indicators import INDICATORS_BY_KEY

    for column in ("cle", "indicateur"):
        if column in df.columns:
            keys = df[column].astype(str)
            if keys.isin(list(INDICATORS_BY_KEY)).any():
                return keys.map(INDICATORS_BY_KEY)
    return None


def table_for_export(
    df: pd.DataFrame, formats: Mapping[str, ColumnFormat | int] | None = None
) -> pd.DataFrame:
    """``df`` as exported: French labels, display precision, codes as text (see module).

    ``formats`` overrides or completes the catalogue: a :class:`ColumnFormat`, or a number
    of decimals for a column that keeps its name. A table with one indicator per row
    (``cle``/``indicateur`` keys) has each row's numbers rounded like that indicator.
    """
    formats = dict(formats or {})
    per_row = _row_indicators(df)
    out = {}
    for position, name in enumerate(df.columns):
        column = df.iloc[:, position]
        given = formats.get(name)
        if isinstance(given, int):
            spec: ColumnFormat | None = ColumnFormat(str(name), "float", given)
        else:
            spec = given or column_format(str(name))
        if per_row is not None and spec is None and pd.api.types.is_numeric_dtype(column):
            column = pd.Series(
                [
                    v
                    if ind is None or pd.isna(v)
                    else round_half_up(v, display_decimals(ind.kind, ind.decimals))
                    for v, ind in zip(column.tolist(), per_row.tolist(), strict=True)
                ],
                index=column.index,
                dtype=float,
            )
            label = str(name)
        elif spec is None:
            label = str(name)
            if pd.api.types.is_float_dtype(column):
                column = _rounded(column, DEFAULT_DECIMALS)
        else:
            label = spec.label
            column = _format_column(column, spec)
        while label in out:  # two columns with one label: keep both, told apart
            label += " "
        out[label] = column
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


#: A text cell starting with one of these would run as a formula in a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula, prefixed with an apostrophe."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[col] = series.map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def dataframe_csv_fr(
    df: pd.DataFrame, formats: Mapping[str, ColumnFormat | int] | None = None
) -> bytes:
    """CSV as French Excel opens it: ``;`` separator, decimal comma, UTF-8 with BOM, CRLF.

    The table goes through :func:`table_for_export`. Codes are written as text, so
    ``01001`` keeps its zero in the file; read it back with ``dtype=str``. Excel itself
    turns such a field into a number when it opens a CSV: the XLSX export is the one to
    give to Excel users who need the codes. Missing values are empty fields; no index.
    """
    table = _neutralise_formulas(table_for_export(df, formats))
    text = table.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def source_keys(df: pd.DataFrame) -> list[str]:
    """Catalogue keys of the sources behind a table: its indicator columns (by key or
    French label), its per-row indicators, the indicators of its score points."""
    from analytics.indicators import INDICATORS_BY_KEY
    from analytics.score import COMPONENTS

    by_label = {ind.label: ind for ind in INDICATORS_BY_KEY.values()}
    indicators = []
    for name in map(str, df.columns):
        ind = INDICATORS_BY_KEY.get(name) or by_label.get(name)
        if ind is not None:
            indicators.append(ind)
        if name.startswith("contrib_"):
            for c in COMPONENTS:
                if name == f"contrib_{c.key}":
                    indicators += [
                        INDICATORS_BY_KEY[k] for k in c.columns if k in INDICATORS_BY_KEY
                    ]
    per_row = _row_indicators(df)
    if per_row is not None:
        indicators += [i for i in per_row.dropna().tolist()]
    keys: list[str] = []
    for ind in indicators:
        keys += [k for k in ind.sources if k not in keys]
    return keys


def export_sources(catalogue: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    """The rows of the sources catalogue (``key`` column) used by an export, in ``keys``
    order; the whole catalogue when ``keys`` is empty (a table of unknown origin)."""
    keys = list(dict.fromkeys(keys))
    if not keys or "key" not in catalogue.columns:
        return catalogue.drop(columns=["key"], errors="ignore").reset_index(drop=True)
    rows = catalogue.set_index("key").reindex([k for k in keys if k in set(catalogue["key"])])
    return rows.reset_index(drop=True)


_SOURCE_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Producteur", ("producer", "producteur")),
    ("Jeu de données", ("dataset", "title", "titre", "jeu_de_donnees", "jeu de données")),
    ("Licence", ("licence", "license")),
    ("Millésime", ("vintage", "millesime", "millésime")),
    ("Adresse", ("address", "url", "adresse", "dataset_page", "page")),
)

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sources_sheet_frame(sources: pd.DataFrame) -> pd.DataFrame:
    """The ``Sources`` sheet: producer, dataset, licence, vintage, address, then extras.

    Accepts English or French column names (``producer``/``producteur``, ``title``/
    ``dataset``, ``vintage``/``millesime``, ``url``/``address``…); absent ones stay empty.
    """
    lower = {str(c).strip().lower(): c for c in sources.columns}
    out = pd.DataFrame(index=range(len(sources)))
    used: set[Any] = set()
    for label, aliases in _SOURCE_COLUMNS:
        column = next((lower[a] for a in aliases if a in lower), None)
        if column is None:
            out[label] = pd.Series([None] * len(sources), dtype=object)
        else:
            used.add(column)
            out[label] = sources[column].to_numpy(dtype=object)
    for column in sources.columns:
        if column not in used:
            out[str(column)] = sources[column].to_numpy(dtype=object)
    return out


def _cell_value(value: Any) -> Any:
    """A value openpyxl can write: missing → None, numpy → Python, tz-aware → naive."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value


def _column_values(column: pd.Series) -> list[Any]:
    """The cells of one column as Python values (vectorised for the common dtypes)."""
    if pd.api.types.is_bool_dtype(column) and not column.hasnans:
        return column.astype(bool).tolist()
    if pd.api.types.is_integer_dtype(column) and not column.hasnans:
        return column.astype("int64").tolist()
    if pd.api.types.is_numeric_dtype(column):
        floats = pd.to_numeric(column, errors="coerce").astype("float64").tolist()
        return [v if math.isfinite(v) else None for v in floats]
    if pd.api.types.is_datetime64_any_dtype(column):
        if getattr(column.dt, "tz", None) is not None:
            column = column.dt.tz_localize(None)  # Excel has no time zones: wall time
        return [None if v is pd.NaT else v.to_pydatetime() for v in column]
    return [_cell_value(v) for v in column.tolist()]


def _write_sheet(ws: Any, df: pd.DataFrame, *, link_column: str | None = None) -> None:
    """Stream ``df`` into a write-only worksheet: bold frozen header, filter, widths.

    Text cells are written as explicit strings with the ``@`` (text) format: INSEE codes
    keep their zeros when edited in Excel, and a value starting with "=" is never read
    as a formula.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    n_cols = len(df.columns)
    columns = [_column_values(df.iloc[:, i]) for i in range(n_cols)]
    names = [str(c) for c in df.columns]
    # Width: the longest of the header and the first 2,000 values, within 8–60 characters.
    for i, (name, values) in enumerate(zip(names, columns, strict=True), start=1):
        longest = max([len(name)] + [len(str(v)) for v in values[:2000] if v is not None])
        if pd.api.types.is_float_dtype(df.iloc[:, i - 1]):
            longest = min(longest, 14)  # full float precision need not widen the column
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(60, longest + 2))
    ws.freeze_panes = "A2"
    if n_cols:
        ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{len(df) + 1}"

    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8ECF1")
    header_alignment = Alignment(vertical="top", wrap_text=True)
    header = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = header_font, header_fill, header_alignment
        header.append(cell)
    ws.append(header)

    def text_cell(value: str) -> Any:
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        cell.number_format = "@"
        return cell

    link = names.index(link_column) if link_column in names else -1
    for row in zip(*columns, strict=True) if n_cols else ():
        out = [text_cell(v) if isinstance(v, str) else v for v in row]
        if (
            link >= 0
            and isinstance(row[link], str)
            and row[link].startswith(("http://", "https://"))
        ):
            out[link].hyperlink = row[link]
            out[link].style = "Hyperlink"
        ws.append(out)


def dataframe_xlsx(
    df: pd.DataFrame,
    sources: pd.DataFrame,
    sheet_name: str = "Données",
    *,
    formats: Mapping[str, ColumnFormat | int] | None = None,
    parameters: pd.DataFrame | None = None,
) -> bytes:
    """An Excel workbook: ``sheet_name`` with the data, ``Paramètres`` when given (e.g. a
    ranking's weights and build date), then ``Sources`` with provenance.

    The data go through :func:`table_for_export`. Text columns are stored as text cells
    with the ``@`` format, so INSEE codes keep their leading zeros and a value starting
    with « = » is never a formula; numbers stay numbers. The header row is bold and
    frozen, with a filter; column widths follow the content; source addresses are links.
    Written in openpyxl's streaming mode (35,000 communes × 10 columns ≈ 2 s).
    """
    from openpyxl import Workbook

    name = _INVALID_SHEET_CHARS.sub(" ", sheet_name).strip()[:31] or "Données"
    if name.lower() in ("sources", "paramètres"):
        name = "Données"
    wb = Workbook(write_only=True)
    _write_sheet(wb.create_sheet(name), table_for_export(df, formats))
    if parameters is not None:
        _write_sheet(wb.create_sheet("Paramètres"), parameters)
    _write_sheet(wb.create_sheet("Sources"), sources_sheet_frame(sources), link_column="Adresse")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------------------
# Rankings: the weights, each component's points and the build date travel with the file
# --------------------------------------------------------------------------------------

#: Columns of a ranking export, in order (points columns are inserted after ``score``).
RANKING_COLUMNS = (
    "rang",
    "code",
    "nom",
    "departement",
    "population",
    "score",
    "apl_2023",
    "etp_manquants",
    "recommandation",
    "raison",
    "composantes_manquantes",
)


@dataclass(frozen=True)
class RankingExport:
    """A ranking ready for :func:`dataframe_csv_fr` / :func:`dataframe_xlsx`."""

    table: pd.DataFrame  # French labels, rounded: pass with ``formats={}``
    parameters: pd.DataFrame  # « Paramètre », « Valeur »: weights, preset, build date


def ranking_export(
    ranked: pd.DataFrame,
    weights: Mapping[str, float],
    *,
    built_at: str,
    preset: str | None = None,
) -> RankingExport:
    """A ranking as exported: its rows with each weighted component's points, and the
    parameters that reproduce it (weights as given and as shares, preset, build date).

    ``ranked`` comes from :func:`analytics.views.rank` (``contrib_<key>`` columns are the
    points of :func:`analytics.score.score`). A point column's label carries its
    component's share of the weight: « Points : Écart à l'APL cible (poids 30 %) »; the
    CSV, which has no second sheet, also carries the build date in a last column.
    """
    from analytics.ranking import full_weights, weight_shares
    from analytics.score import COMPONENTS

    full = full_weights(weights)
    shares = weight_shares(weights)
    active = [c for c in COMPONENTS if full[c.key] > 0]
    base = [c for c in RANKING_COLUMNS if c in ranked.columns]
    table = table_for_export(ranked[base])
    at = base.index("score") + 1 if "score" in base else len(base)
    for i, c in enumerate(active):
        label = f"Points : {c.label} (poids {fmt_number(shares[c.key], 0)} %)"
        points = ranked.get(f"contrib_{c.key}", pd.Series(np.nan, index=ranked.index))
        table.insert(at + i, label, _rounded(points.reset_index(drop=True), 1))
    built = built_at[:10]
    table["Base de données construite le"] = built
    rows = [("Pondération", preset or "Personnalisée")]
    rows += [
        (
            f"Poids : {c.label}",
            f"{fmt_number(full[c.key], 1)} ({fmt_number(shares[c.key], 1)} %)",
        )
        for c in COMPONENTS
    ]
    rows += [
        ("Base de données construite le", built),
        ("Classement exporté le", dt.date.today().isoformat()),
        (
            "Territoires classés",
            str(int(ranked["score"].notna().sum())) if "score" in ranked else "",
        ),
    ]
    parameters = pd.DataFrame(rows, columns=["Paramètre", "Valeur"])
    return RankingExport(table=table, parameters=parameters)
