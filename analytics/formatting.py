"""French formatting of numbers, percentages, dates and durations for the UI.

Conventions (those of French typography and of ``Intl.NumberFormat("fr-FR")``):

- thousands separator: narrow no-break space U+202F (``1 234 567``), decimal comma;
- minus sign: the typographic minus U+2212 (``−0,30``), not the ASCII hyphen. These strings
  are for display only; CSV/XLSX exports carry the raw numbers, never these strings;
- percent: narrow no-break space before ``%`` (``12,3 %``), as ``Intl`` does;
- units (``min``, ``h``): ordinary no-break space U+00A0 before the unit;
- rounding: half away from zero (``decimal.ROUND_HALF_UP``) on the *decimal* value the
  user sees, so ``2.345`` gives ``2,35`` (Python's ``round`` gives ``2.35`` or ``2.34``
  depending on the binary representation, and rounds halves to even);
- missing values (``None``, ``NaN``, ``pd.NA``, ``NaT``, infinities): ``n.d.`` (*non
  disponible*), the abbreviation used by INSEE and DREES tables. A dash was rejected
  because it also reads as "zero" or "not applicable".

All functions are pure and never raise on a missing value.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from numbers import Number

#: Thousands separator: NARROW NO-BREAK SPACE (French typography, ``Intl`` fr-FR).
THOUSANDS_SEP = "\u202f"
#: Decimal separator.
DECIMAL_SEP = ","
#: Typographic minus sign used for display.
MINUS = "\u2212"
#: Space between a number and ``%`` (narrow no-break space, as ``Intl`` fr-FR).
PERCENT_SPACE = "\u202f"
#: Space between a number and a unit such as ``min`` (no-break space).
UNIT_SPACE = "\u00a0"
#: Displayed for a missing value (*non disponible*).
MISSING = "n.d."

MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _to_decimal(x: object) -> Decimal | None:
    """The exact decimal the user means by ``x``, or None when missing or not finite.

    Floats go through ``repr`` (the shortest string that round-trips), so ``2.345``
    becomes ``Decimal("2.345")`` and not ``2.34499999999999997335464740899624…``.
    """
    if x is None or isinstance(x, bool):
        return None if x is None else Decimal(int(x))
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, Number) or hasattr(x, "__float__"):
        try:
            f = float(x)  # numpy scalars, pandas NA raises TypeError
        except (TypeError, ValueError):
            return None
        if not math.isfinite(f):
            return None
        if hasattr(x, "dtype") and getattr(x.dtype, "kind", "") in "iu":
            return Decimal(int(x))
        return Decimal(repr(f))
    if isinstance(x, str):
        try:
            d = Decimal(x.strip())
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _round(d: Decimal, decimals: int) -> Decimal:
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _format_decimal(d: Decimal, decimals: int) -> tuple[str, bool]:
    """Digits of |d| rounded to ``decimals``, French separators; and whether negative.

    A value that rounds to zero is never negative (no ``−0``).
    """
    decimals = max(0, int(decimals))
    r = _round(d, decimals)
    negative = r < 0
    text = format(abs(r), f",.{decimals}f")
    text = text.replace(",", "\x00").replace(".", DECIMAL_SEP).replace("\x00", THOUSANDS_SEP)
    return text, negative


def fmt_number(x: object, decimals: int = 0) -> str:
    """``1234.5`` → ``"1 234,5"`` (U+202F separator); negatives with ``−``; missing → ``n.d.``."""
    d = _to_decimal(x)
    if d is None:
        return MISSING
    text, negative = _format_decimal(d, decimals)
    return MINUS + text if negative else text


def fmt_int(x: object) -> str:
    """A whole number, rounded half away from zero: ``172565.5`` → ``"172 566"``."""
    return fmt_number(x, 0)


def fmt_apl(x: object) -> str:
    """An APL value (consultations per standardised inhabitant) with 2 decimals: ``"2,35"``."""
    return fmt_number(x, 2)


def fmt_percent(x: object, decimals: int = 1, ratio: bool = True) -> str:
    """A percentage: ``0.123`` → ``"12,3 %"`` (or ``12.3`` with ``ratio=False``).

    The multiplication by 100 is done in decimal arithmetic, so ``0.0235`` gives
    ``"2,4 %"`` with one decimal (half up), not a float artefact.
    """
    d = _to_decimal(x)
    if d is None:
        return MISSING
    if ratio:
        d = d * 100
    return fmt_number(d, decimals) + PERCENT_SPACE + "%"


def fmt_signed(x: object, decimals: int = 2) -> str:
    """A difference with an explicit sign: ``"+0,12"``, ``"−0,30"``.

    A value that rounds to zero has no sign (``"0,00"``), as ``Intl``'s
    ``signDisplay: "exceptZero"``: a "+" on zero would suggest an increase.
    """
    d = _to_decimal(x)
    if d is None:
        return MISSING
    text, negative = _format_decimal(d, decimals)
    if negative:
        return MINUS + text
    if _round(d, max(0, int(decimals))) == 0:
        return text
    return "+" + text


def fmt_date_fr(value: object) -> str:
    """``date(2026, 11, 22)`` → ``"22 novembre 2026"``; the first day is ``"1er"``.

    Accepts ``date``, ``datetime`` (and ``pandas.Timestamp``) or an ISO string
    ``"2026-11-22"``; anything else, ``None`` or ``NaT`` → ``n.d.``.
    """
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return MISSING
    if not isinstance(value, dt.date):
        return MISSING
    try:
        day, month, year = value.day, value.month, value.year
    except (TypeError, ValueError):  # NaT is a datetime subclass with no valid fields
        return MISSING
    if not isinstance(day, int) or not isinstance(month, int) or not isinstance(year, int):
        return MISSING
    jour = "1er" if day == 1 else str(day)
    return f"{jour} {MOIS[month - 1]} {year}"


def fmt_periode_fr(value: object) -> str:
    """A published figure's date as French: ``"2021-06-30"`` → ``"30 juin 2021"``,
    ``"2024-12"`` → ``"décembre 2024"``, ``"2019"`` → ``"2019"``; other text unchanged."""
    text = "" if value is None else str(value).strip()
    parts = text.split("-")
    if len(parts) == 3:
        return fmt_date_fr(text)
    if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
        return f"{MOIS[int(parts[1]) - 1]} {parts[0]}"
    return text or MISSING


def fmt_minutes(x: object) -> str:
    """A duration in minutes, rounded to the minute: ``12.4`` → ``"12 min"``,
    ``75`` → ``"1 h 15"``, ``120`` → ``"2 h"`` (no-break spaces before units)."""
    d = _to_decimal(x)
    if d is None:
        return MISSING
    total = int(_round(d, 0))
    sign = MINUS if total < 0 else ""
    total = abs(total)
    if total < 60:
        return f"{sign}{total}{UNIT_SPACE}min"
    hours, minutes = divmod(total, 60)
    hours_text = fmt_number(hours)
    if minutes == 0:
        return f"{sign}{hours_text}{UNIT_SPACE}h"
    return f"{sign}{hours_text}{UNIT_SPACE}h{UNIT_SPACE}{minutes:02d}"


# --------------------------------------------------------------------------------------
# One formatter per indicator kind (the ``kind`` field of analytics.indicators.Indicator)
# --------------------------------------------------------------------------------------

#: Indicator kinds and how they read: ``apl`` (2 decimals, the DREES publication's),
#: ``int``, ``float`` (the indicator's ``decimals``), ``percent`` (stored as a ratio),
#: ``signed`` (a change, with its sign) and ``minutes`` (« 1 h 15 »).
KINDS = ("apl", "int", "float", "percent", "signed", "minutes")


def display_decimals(kind: str, decimals: int = 1) -> int:
    """Decimals of the *stored* value that the display keeps.

    ``percent`` values are ratios shown ×100, so ``decimals`` shown are ``decimals + 2``
    of the ratio; minutes are shown to the minute, APL values to 2 decimals.
    """
    if kind == "apl":
        return 2
    if kind == "percent":
        return max(0, int(decimals)) + 2
    if kind in ("int", "minutes"):
        return 0
    return max(0, int(decimals))


def format_value(value: object, kind: str, decimals: int = 1) -> str:
    """A value of an indicator of ``kind`` as every page, map, chart and PDF shows it.

    The one formatter of indicator values: ``kind`` and ``decimals`` are those of the
    catalogue (:class:`analytics.indicators.Indicator`). Missing → ``n.d.``.
    """
    if kind == "apl":
        return fmt_number(value, 2)
    if kind == "percent":  # stored as a ratio
        return fmt_percent(value, decimals=decimals)
    if kind == "signed":
        return fmt_signed(value, decimals=decimals)
    if kind == "int":
        return fmt_number(value, 0)
    if kind == "minutes":
        return fmt_minutes(value)
    return fmt_number(value, decimals)


def format_values(values: object, kind: str, decimals: int = 1) -> list[str]:
    """:func:`format_value` of many values: the same strings, faster for fixed-point kinds.

    For ``apl``, ``int`` and plain numbers, Python's ``format`` (correctly rounded on the
    binary value) agrees with the decimal half-up rounding above except next to a tie
    (``2.675``): those few values, and the other kinds, go through :func:`format_value`.
    """
    import numpy as np
    import pandas as pd

    arr = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    if kind in ("percent", "signed", "minutes"):
        memo: dict[float, str] = {}
        out = []
        for v in arr.tolist():
            key = math.nan if v != v else v
            if v != v:
                out.append(MISSING)
                continue
            hit = memo.get(key)
            if hit is None:
                hit = memo[key] = format_value(v, kind, decimals)
            out.append(hit)
        return out
    d = display_decimals(kind, decimals)
    with np.errstate(invalid="ignore"):
        scaled = np.abs(arr) * 10.0**d
        near_tie = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    out = []
    for v, tie in zip(arr.tolist(), near_tie.tolist(), strict=True):
        if v != v or v in (math.inf, -math.inf):
            out.append(MISSING)
        elif tie:
            out.append(fmt_number(v, d))
        else:
            text = f"{abs(v):,.{d}f}".replace(",", THOUSANDS_SEP).replace(".", DECIMAL_SEP)
            negative = v < 0 and text.strip("0,\u202f") != ""
            out.append(MINUS + text if negative else text)
    return out


def round_half_up(x: object, decimals: int) -> float | None:
    """``x`` rounded as the display rounds it (decimal half away from zero), as a float;
    ``None`` when missing. ``round_half_up(2.345, 2) == 2.35`` where ``round`` gives 2.35
    or 2.34 depending on the binary value."""
    d = _to_decimal(x)
    if d is None:
        return None
    return float(_round(d, max(0, int(decimals))))
