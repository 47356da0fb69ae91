"""Territory codes: the one place that knows their formats.

Codes are strings, never numbers (``01001``, ``2A004``, ``97411``). The formats follow
INSEE's Code officiel géographique (COG 2026) and the DGCL's list of EPCI:

* **commune**: 5 characters, the département's code then a number: ``01001``…``95690``,
  Corsica ``2A004``/``2B033``, overseas départements ``971xx``–``976xx`` and the
  overseas collectivities that the COG numbers like communes — Saint-Pierre-et-Miquelon
  ``975xx``, Saint-Barthélemy ``97701``, Saint-Martin ``97801``, TAAF ``984xx``,
  Wallis-et-Futuna ``986xx``, Polynésie française ``987xx``, Nouvelle-Calédonie ``988xx``,
  Clipperton ``98901``;
* **arrondissement municipal**: Paris ``75101``–``75120``, Lyon ``69381``–``69389``,
  Marseille ``13201``–``13216``;
* **EPCI**: its SIREN, 9 digits (``200068781``);
* **département**: 2 characters (``01``–``95``, ``2A``, ``2B``) or 3 for the DROM
  (``971``–``974``, ``976``) and the collectivities above (``975``, ``977``, ``978``,
  ``984``, ``986``–``989``), which the COG lists beside them;
* **région**: 2 digits (``01``–``06`` overseas, ``11``–``94``), and the collectivities,
  which have no région and stand for their own (``975``…``989``);
* **France**: ``FR``.

A pattern checks the *form* of a code, not that it exists: ``99999`` or ``20`` are
well formed (old vintages and foreign-country codes use them) and are then reported as
not found, or counted as not mapped by the build — never a format error that would stop
a build or hide a row.

Each pattern is a plain regular expression without anchors, valid both in Python's
:mod:`re` and in DuckDB's ``regexp_full_match`` (RE2), so parsers, build checks, search,
permalinks and SQL check one format.
"""

from __future__ import annotations

import re
from functools import cache

#: Overseas collectivities (COM) and other territories numbered by the COG after the DROM.
COLLECTIVITES = ("975", "977", "978", "984", "986", "987", "988", "989")
#: Overseas départements and régions (DROM).
DROM = ("971", "972", "973", "974", "976")

DEPARTEMENT = r"(?:[0-9]{2}|2[AB]|9[78][0-9])"
COMMUNE = r"(?:[0-9]{5}|2[AB][0-9]{3})"
ARRONDISSEMENT_MUNICIPAL = r"(?:751(?:0[1-9]|1[0-9]|20)|6938[1-9]|132(?:0[1-9]|1[0-6]))"
EPCI = r"[0-9]{9}"
REGION = r"(?:[0-9]{2}|9[78][0-9])"
FRANCE = r"FR"

#: Pattern of each territory level (the levels of :data:`analytics.db.NIVEAUX`).
PATTERNS: dict[str, str] = {
    "commune": COMMUNE,
    "arrondissement_municipal": ARRONDISSEMENT_MUNICIPAL,
    "epci": EPCI,
    "departement": DEPARTEMENT,
    "region": REGION,
    "france": FRANCE,
}

#: A French postcode (5 digits): a search key, never a territory code.
POSTCODE = r"[0-9]{5}"


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def sql_pattern(niveau: str) -> str:
    """The pattern of ``niveau`` for DuckDB's ``regexp_full_match`` (an allow-listed
    constant, never built from input)."""
    return PATTERNS[niveau]


def valid_code(niveau: str, code: object) -> bool:
    """Whether ``code`` (a string) is a well-formed code of level ``niveau``."""
    pattern = PATTERNS.get(niveau)
    return bool(pattern and isinstance(code, str) and _compiled(pattern).fullmatch(code))


def matches(pattern: str, code: object) -> bool:
    """Whether ``code`` is a string fully matching one of this module's patterns."""
    return isinstance(code, str) and _compiled(pattern).fullmatch(code) is not None


def normalise(text: str) -> str:
    """A code as typed (« 2a 004 », « 988 ») in its canonical form: no spaces, upper case."""
    return "".join(str(text).split()).upper()


def departement_of_commune(code: str) -> str | None:
    """The département of a commune or arrondissement code: ``"97411"`` → ``"974"``,
    ``"2A004"`` → ``"2A"``, ``"98735"`` → ``"987"``, ``"26198"`` → ``"26"``."""
    if not (valid_code("commune", code) or valid_code("arrondissement_municipal", code)):
        return None
    return code[:3] if code.startswith(("97", "98")) else code[:2]
