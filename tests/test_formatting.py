"""French formatting: inputs and expected strings side by side."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from analytics.formatting import (
    MINUS,
    MISSING,
    THOUSANDS_SEP,
    fmt_apl,
    fmt_date_fr,
    fmt_int,
    fmt_minutes,
    fmt_number,
    fmt_percent,
    fmt_signed,
)

S = "\u202f"  # narrow no-break space (thousands, before %)
NB = "\u00a0"  # no-break space (before units)
M = "\u2212"  # minus sign


def test_constants() -> None:
    assert THOUSANDS_SEP == S
    assert MINUS == M
    assert MISSING == "n.d."


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (0.0, 2, "0,00"),
        (5, 0, "5"),
        (999, 0, "999"),
        (1234, 0, f"1{S}234"),
        (1234.5, 1, f"1{S}234,5"),
        (1234567.891, 2, f"1{S}234{S}567,89"),
        (68_373_433, 0, f"68{S}373{S}433"),
        (1e12, 0, f"1{S}000{S}000{S}000{S}000"),
        (-1234.5, 1, f"{M}1{S}234,5"),
        (-0.3, 2, f"{M}0,30"),
        (-0.001, 2, "0,00"),  # rounds to zero: no "−0,00"
        (-0.4, 0, "0"),
        # Half away from zero on the decimal value the user sees (not banker's rounding,
        # not the binary float: round(2.345, 2) == 2.35 but round(2.675, 2) == 2.67).
        (2.345, 2, "2,35"),
        (2.675, 2, "2,68"),
        (0.5, 0, "1"),
        (1.5, 0, "2"),
        (2.5, 0, "3"),
        (-2.5, 0, f"{M}3"),
        (1.005, 2, "1,01"),
        (Decimal("3.745"), 2, "3,75"),
        (np.float64(2.345), 2, "2,35"),
        (np.int64(12345), 0, f"12{S}345"),
        ("1234.5", 1, f"1{S}234,5"),
        (None, 0, "n.d."),
        (float("nan"), 2, "n.d."),
        (np.nan, 0, "n.d."),
        (pd.NA, 0, "n.d."),
        (math.inf, 0, "n.d."),
        ("abc", 0, "n.d."),
    ],
)
def test_fmt_number(value: object, decimals: int, expected: str) -> None:
    assert fmt_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (172565.5, f"172{S}566"), (-1500, f"{M}1{S}500"), (None, "n.d.")],
)
def test_fmt_int(value: object, expected: str) -> None:
    assert fmt_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.345, "2,35"),
        (3.75, "3,75"),
        (2.5, "2,50"),
        (0, "0,00"),
        (10.0049, "10,00"),
        (float("nan"), "n.d."),
    ],
)
def test_fmt_apl(value: object, expected: str) -> None:
    assert fmt_apl(value) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "ratio", "expected"),
    [
        (0.123, 1, True, f"12,3{S}%"),
        (0.11, 0, True, f"11{S}%"),
        (0.0235, 1, True, f"2,4{S}%"),
        (0.87, 1, True, f"87,0{S}%"),
        (1, 0, True, f"100{S}%"),
        (0, 1, True, f"0,0{S}%"),
        (-0.052, 1, True, f"{M}5,2{S}%"),
        (12.3, 1, False, f"12,3{S}%"),
        (12.35, 1, False, f"12,4{S}%"),
        (12.5, 1, True, f"1{S}250,0{S}%"),
        (None, 1, True, "n.d."),
        (float("nan"), 1, False, "n.d."),
    ],
)
def test_fmt_percent(value: object, decimals: int, ratio: bool, expected: str) -> None:
    assert fmt_percent(value, decimals, ratio=ratio) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.12, 2, "+0,12"),
        (-0.3, 2, f"{M}0,30"),
        (0, 2, "0,00"),
        (0.004, 2, "0,00"),
        (-0.004, 2, "0,00"),
        (0.005, 2, "+0,01"),
        (1234.5, 1, f"+1{S}234,5"),
        (-2, 0, f"{M}2"),
        (None, 2, "n.d."),
    ],
)
def test_fmt_signed(value: object, decimals: int, expected: str) -> None:
    assert fmt_signed(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 11, 22), "22 novembre 2026"),
        (dt.date(2026, 2, 1), "1er février 2026"),
        (dt.date(2023, 8, 15), "15 août 2023"),
        (dt.date(2021, 12, 31), "31 décembre 2021"),
        (dt.datetime(2026, 4, 7, 13, 45), "7 avril 2026"),
        (pd.Timestamp("2021-06-30"), "30 juin 2021"),
        ("2026-04-07", "7 avril 2026"),
        ("pas une date", "n.d."),
        (pd.NaT, "n.d."),
        (None, "n.d."),
    ],
)
def test_fmt_date_fr(value: object, expected: str) -> None:
    assert fmt_date_fr(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, f"0{NB}min"),
        (12.4, f"12{NB}min"),
        (12.5, f"13{NB}min"),
        (59.6, f"1{NB}h"),
        (60, f"1{NB}h"),
        (75, f"1{NB}h{NB}15"),
        (125, f"2{NB}h{NB}05"),
        (None, "n.d."),
        (float("nan"), "n.d."),
    ],
)
def test_fmt_minutes(value: object, expected: str) -> None:
    assert fmt_minutes(value) == expected


def test_periods_of_published_figures_in_french() -> None:
    from analytics.formatting import fmt_periode_fr

    assert fmt_periode_fr("2021-06-30") == "30 juin 2021"
    assert fmt_periode_fr("2024-12") == "décembre 2024"
    assert fmt_periode_fr("2019") == "2019"
    assert fmt_periode_fr("2000s") == "2000s"
    assert fmt_periode_fr(None) == "n.d."


@pytest.mark.parametrize(
    ("value", "kind", "decimals", "expected"),
    [
        # 75,4 minutes to emergency care: « 1 h 15 » on the profile, the map and the PDF.
        (75.4, "minutes", 0, "1\u00a0h\u00a015"),
        (2.345, "apl", 1, "2,35"),  # APL always 2 decimals, half up
        (0.1234, "percent", 1, "12,3\u202f%"),
        (-0.3, "signed", 2, "\u22120,30"),
        (2464.0, "int", 0, "2\u202f464"),
        (88.4342575885, "float", 1, "88,4"),
        (None, "float", 1, "n.d."),
    ],
)
def test_one_formatter_per_indicator(value, kind, decimals, expected) -> None:
    from analytics.formatting import format_value
    from analytics.indicators import get_indicator
    from analytics.profile import format_value as profile_format

    assert format_value(value, kind, decimals) == expected
    urgences = get_indicator("minutes_urgences")
    assert profile_format(urgences, 75.4) == format_value(75.4, urgences.kind, urgences.decimals)


def test_round_half_up_is_the_display_rounding() -> None:
    from analytics.formatting import round_half_up

    assert round_half_up(2.345, 2) == 2.35  # round() gives 2.35 or 2.34 by binary value
    assert round_half_up(2.675, 2) == 2.68  # round(2.675, 2) == 2.67
    assert round_half_up(88.4342575885, 1) == 88.4
    assert round_half_up(float("nan"), 1) is None
