"""What every export shares: the error type, the provenance line, fonts.

Provenance is data (see ``analytics/sources.py``): every image carries its title, its
source line and its date *inside* the picture, every spreadsheet a ``Sources`` sheet,
every HTML embed a caption — one footer text, written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analytics.formatting import fmt_date_fr

# Font families searched for text drawn by Pillow (maps) and fpdf2 (report). DejaVu covers
# French accents, the narrow no-break space U+202F and the minus sign U+2212.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian/Ubuntu fonts-dejavu-core
    Path("/usr/share/fonts/dejavu"),  # Fedora, Arch
    Path("/usr/share/fonts/TTF"),
    Path("/Library/Fonts"),
)
FONT_REGULAR = "DejaVuSans.ttf"
FONT_BOLD = "DejaVuSans-Bold.ttf"


class ExportError(Exception):
    """An export could not be produced; the message says what to install or change."""


# --------------------------------------------------------------------------------------
# Provenance text
# --------------------------------------------------------------------------------------


def date_text(date: dt.date | str | None = None) -> str:
    """The date printed under an export: ``"22 novembre 2026"`` (today when ``None``).

    A string that is not an ISO date (``"mars 2026"``) is printed as given.
    """
    if date is None:
        date = dt.date.today()
    text = fmt_date_fr(date)
    if text == "n.d." and isinstance(date, str) and date.strip():
        return date.strip()
    return text


def footer_text(source_line: str, date: dt.date | str | None = None) -> str:
    """``"Source : DREES, APL 2023 · Édité le 22 novembre 2026"``."""
    when = date_text(date)
    parsed = fmt_date_fr(date if date is not None else dt.date.today()) != "n.d."
    stamp = f"Édité le {when}" if parsed else when
    source_line = source_line.strip()
    return f"{source_line} · {stamp}" if source_line else stamp


def wrap_words(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Greedy word wrap: each line takes words while ``fits(line)``; a word longer than a
    line stands alone."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if not current or fits(candidate):
                current = candidate
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return lines


def wrap_chars(text: str, max_chars: int) -> list[str]:
    """Greedy word wrap on an estimated number of characters per line."""
    return wrap_words(text, lambda line: len(line) <= max_chars)


def find_font(bold: bool = False) -> Path | None:
    """The DejaVu Sans file (regular or bold) if installed (``fonts-dejavu-core``)."""
    name = FONT_BOLD if bold else FONT_REGULAR
    return next((d / name for d in FONT_DIRS if (d / name).exists()), None)


def load_font(size: int, *, bold: bool = False) -> Any:
    """A Pillow font of ``size`` pixels: DejaVu Sans when installed, else Pillow's own."""
    from PIL import ImageFont

    path = find_font(bold)
    if path is not None:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)
