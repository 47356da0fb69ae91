"""« Trouver mon territoire » : search communes, EPCI, départements and régions.

A user types a name (with or without accents, hyphens, « St » for « Saint »), a postcode,
an INSEE code, a département code or an EPCI SIREN. ``TerritoryIndex`` is built once from
the territory table and answers each query from precomputed Python lists and dicts (no
regular expression is built from user input, nothing is sent to SQL).

Ranking, best first (``score``; ties broken by population, largest first):

====  ======================================================================================
1000  exact code: commune INSEE code (``01001``, ``2A004``, ``97411``), département code
      (``01``, ``2A``, ``974``), EPCI SIREN (9 digits)
 950  région code (``84``; below the département of the same code)
 900  postcode (5 digits): every commune served by it
 800  exact name (normalised: ``saint etienne`` = « Saint-Étienne »)
 750  exact name once spaces are ignored (``saintetienne``)
 700  name starts with the query (``saint etienne`` → « Saint-Étienne-du-Bois »)
 650  name starts with the query once spaces are ignored (``labergement`` →
      « L'Abergement-Clémenciat »); also, at 50 below their tier, matches of a last word
      ``st``/``ste`` read literally, as the user may be typing « Stenay »
 600  a word of the name starts with the query (``colombe`` → « Sainte-Colombe »)
 500  every word of the query starts a word of the name or of its département name/code
      (``sainte colombe gironde``, ``sainte colombe 33``)
 400  the name contains the query, spaces ignored (``abergement``, ``saintetienne``)
 100+ fuzzy fallback for typos (``marseile``), only when nothing above matched (and the
      query has 3+ characters, one a letter): trigram candidates re-scored with
      ``difflib``; score = 100 + 100 × similarity
====  ======================================================================================

Queries are cut to ``MAX_QUERY_LENGTH`` characters; an empty query (or one made only of
punctuation) returns an empty result.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analytics import codes

MAX_QUERY_LENGTH = 100
#: Output columns of ``TerritoryIndex.search``.
RESULT_COLUMNS = ["niveau", "code", "nom", "libelle", "population", "score"]

SCORE_CODE = 1000
SCORE_REGION_CODE = 950
SCORE_POSTCODE = 900
SCORE_EXACT = 800
SCORE_PREFIX = 700
SCORE_WORD_PREFIX = 600
SCORE_ALL_WORDS = 500
SCORE_CONTAINS = 400
SCORE_FUZZY = 100
#: Deducted when a name matches only once spaces are ignored (« labergement »).
SPACING_PENALTY = 50
#: Deducted from matches of « st »/« ste » read literally (« Ste » → « Stenay »).
LITERAL_PENALTY = 50
#: Minimum ``difflib`` similarity for a fuzzy match, and candidates re-scored per query.
FUZZY_MIN_RATIO = 0.75
#: Shorter queries match name and word prefixes only, not any substring.
MIN_CONTAINS_LENGTH = 3
#: Words of a multi-word query checked against names and départements.
MAX_WORDS = 8
FUZZY_CANDIDATES = 40

# Abbreviations expanded as whole words (« St-Étienne », « Ste-Colombe »).
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Letters NFKD does not decompose.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
# Patterns of codes, matched against the (cleaned) query, never built from it.
_COMMUNE_CODE = re.compile(codes.COMMUNE)
_DEPARTEMENT_CODE = re.compile(codes.DEPARTEMENT)
_SIREN = re.compile(codes.EPCI)
_POSTCODE = re.compile(codes.POSTCODE)

_NIVEAU_ORDER = {"region": 0, "departement": 1, "epci": 2, "commune": 3}


def _strip(text: str) -> str:
    """Lower case, no accents, ligatures spelt out, every non-alphanumeric as a space."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES)).lower()
    chars = []
    for ch in text:
        if unicodedata.combining(ch):
            continue
        chars.append(ch if ch.isalnum() else " ")
    return " ".join("".join(chars).split())


def normalise(text: str, *, expand: bool = True) -> str:
    """The comparable form of a name: « St-Étienne » → ``saint etienne``.

    Lower case; accents removed (NFKD); œ/æ spelt out; hyphens, apostrophes and any
    punctuation become spaces (« L'Haÿ-les-Roses » → ``l hay les roses``); spaces
    collapsed; the tokens ``st``/``ste`` expanded to ``saint``/``sainte`` (unless
    ``expand`` is False).
    """
    if not isinstance(text, str):
        return ""
    tokens = _strip(text).split()
    if expand:
        tokens = [_ABBREVIATIONS.get(t, t) for t in tokens]
    return " ".join(tokens)


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _text_or_empty(value: object) -> str:
    return value if isinstance(value, str) else ""


def _label(niveau: str, code: str, nom: str, dep: str, dep_nom: str) -> str:
    """The display label, distinct for homonyms: « Sainte-Colombe (Gironde, 33) »."""
    if niveau == "commune":
        if dep and dep_nom:
            return f"{nom} ({dep_nom}, {dep})"
        return f"{nom} ({dep})" if dep else nom
    if niveau == "epci":
        return f"{nom} (EPCI)"
    if niveau == "departement":
        return f"{nom} (département, {code})"
    if niveau == "region":
        return f"{nom} (région)"
    if niveau == "arrondissement_municipal":
        return f"{nom} (arrondissement, {code})"
    return f"{nom} ({code})" if code else nom


class TerritoryIndex:
    """A search index over territories, built once (cache it), queried many times.

    ``frame`` has the columns ``niveau`` (``commune``, ``epci``, ``departement``,
    ``region``), ``code``, ``nom``, ``population`` and, for communes, ``departement``
    and ``codes_postaux`` (space-separated); ``departement_nom`` is optional (taken from
    the département rows of ``frame`` when absent).
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        n = len(frame)
        self._n = n
        col = frame.get
        self._niveau = np.asarray(frame["niveau"].astype(str), dtype=object)
        self._code = np.asarray(frame["code"].astype(str), dtype=object)
        self._nom = np.asarray(frame["nom"].astype(str), dtype=object)
        pop = pd.to_numeric(col("population", pd.Series([0] * n)), errors="coerce")
        self._population = np.asarray(pop.fillna(0), dtype=np.int64)

        empty = pd.Series([None] * n, index=frame.index)
        deps = [_text_or_empty(v) for v in col("departement", empty)]
        dep_noms = [_text_or_empty(v) for v in col("departement_nom", empty)]
        dep_rows = self._niveau == "departement"
        dep_name_of = dict(zip(self._code[dep_rows], self._nom[dep_rows], strict=True))
        dep_noms = [nm or dep_name_of.get(d, "") for d, nm in zip(deps, dep_noms, strict=True)]

        self._labels = np.asarray(
            [
                _label(nv, cd, nm, d, dn)
                for nv, cd, nm, d, dn in zip(
                    self._niveau, self._code, self._nom, deps, dep_noms, strict=True
                )
            ],
            dtype=object,
        )
        # Precomputed comparable forms of each name.
        self._norm: list[str] = [normalise(x) for x in self._nom]
        self._spaced: list[str] = [" " + x for x in self._norm]
        self._compact: list[str] = [x.replace(" ", "") for x in self._norm]
        # Words searched by multi-word queries: the name, then the département name/code.
        self._context: list[str] = [
            f" {nm} {normalise(dn)} {d.lower()}" if d else f" {nm}"
            for nm, d, dn in zip(self._norm, deps, dep_noms, strict=True)
        ]

        # Rows whose name, or a word of it, starts with 1 or 2 given characters.
        self._short_prefix: dict[str, set[int]] = {}
        for i, (norm, comp) in enumerate(zip(self._norm, self._compact, strict=True)):
            for start in {comp, *norm.split()}:
                for k in range(1, MIN_CONTAINS_LENGTH):
                    if len(start) >= k:
                        self._short_prefix.setdefault(start[:k], set()).add(i)

        self._by_code: dict[str, list[int]] = {}
        self._region_by_code: dict[str, list[int]] = {}
        for i, (nv, cd) in enumerate(zip(self._niveau, self._code, strict=True)):
            target = self._region_by_code if nv == "region" else self._by_code
            target.setdefault(cd.upper(), []).append(i)
        self._by_postcode: dict[str, list[int]] = {}
        for i, cps in enumerate(col("codes_postaux", empty)):
            if isinstance(cps, str):
                for cp in set(cps.split()):
                    self._by_postcode.setdefault(cp, []).append(i)

        # Last tie-break: région, département, EPCI, commune, then code order.
        tiebreak = sorted(
            range(n), key=lambda i: (_NIVEAU_ORDER.get(self._niveau[i], 9), self._code[i])
        )
        self._tiebreak = np.empty(n, dtype=np.int64)
        self._tiebreak[tiebreak] = np.arange(n)

        self._trigram_index: dict[str, np.ndarray] | None = None  # built on first typo
        self._trigram_counts: np.ndarray | None = None

    def __len__(self) -> int:
        return self._n

    # --- query ------------------------------------------------------------------------

    def search(
        self, query: str, *, niveaux: Iterable[str] | None = None, limit: int = 20
    ) -> pd.DataFrame:
        """Territories matching ``query``, best first (see the module docstring).

        ``niveaux`` restricts the levels searched (e.g. ``["commune", "epci"]``);
        ``limit`` caps the number of rows. Never raises on user input.
        """
        if not isinstance(query, str) or limit <= 0:
            return self._frame([], {})
        query = query[:MAX_QUERY_LENGTH]
        allowed = None if niveaux is None else {str(n) for n in niveaux}
        scores: dict[int, int] = {}

        def add(ids: Iterable[int], score: int) -> None:
            for i in ids:
                if scores.get(i, -1) < score:
                    scores[i] = score

        compact_code = "".join(query.split()).upper()
        if _COMMUNE_CODE.fullmatch(compact_code) or _SIREN.fullmatch(compact_code):
            add(self._by_code.get(compact_code, ()), SCORE_CODE)
        if _DEPARTEMENT_CODE.fullmatch(compact_code):
            add(self._by_code.get(compact_code, ()), SCORE_CODE)
            add(self._region_by_code.get(compact_code, ()), SCORE_REGION_CODE)
        if _POSTCODE.fullmatch(compact_code):
            add(self._by_postcode.get(compact_code, ()), SCORE_POSTCODE)

        variants = [normalise(query)]
        unexpanded = normalise(query, expand=False)
        if unexpanded.rsplit(" ", 1)[-1] in _ABBREVIATIONS:
            variants.append(unexpanded)  # « Ste » being typed may be the start of « Stenay »
        text_scores: dict[int, int] = {}
        for penalty, q in zip((0, LITERAL_PENALTY), variants, strict=False):
            if q:
                for i, score in self._match_text(q).items():
                    if text_scores.get(i, -1) < score - penalty:
                        text_scores[i] = score - penalty
        if allowed is not None:
            scores = {i: s for i, s in scores.items() if self._niveau[i] in allowed}
            text_scores = {i: s for i, s in text_scores.items() if self._niveau[i] in allowed}
        if (
            not text_scores
            and not scores
            and len(variants[0]) >= MIN_CONTAINS_LENGTH
            and any(ch.isalpha() for ch in variants[0])
        ):
            text_scores = self._match_fuzzy(variants[0], allowed)
        for i, score in text_scores.items():
            if scores.get(i, -1) < score:
                scores[i] = score
        if not scores:
            return self._frame([], scores)
        ids = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
        score_values = np.fromiter(scores.values(), dtype=np.int64, count=len(scores))
        # Best score, then largest population, then a fixed order (level, code).
        order = np.lexsort((self._tiebreak[ids], -self._population[ids], -score_values))
        ranked = ids[order[:limit]].tolist()
        return self._frame(ranked, scores)

    def _match_text(self, q: str) -> dict[int, int]:
        """Name matches of one normalised query, by tier."""
        found: dict[int, int] = {}
        qc = q.replace(" ", "")
        spaced_q = " " + q
        # Every name tier implies « compact name contains compact query »: one pass
        # over all names, then classify the candidates only.
        compact = self._compact
        if len(qc) < MIN_CONTAINS_LENGTH:
            # One or two characters: « contains » would match most of France; name and
            # word prefixes only, from the precomputed buckets for a single word.
            if " " in q:
                spaced = self._spaced
                candidates = [i for i, c in enumerate(compact) if c.startswith(qc)]
                candidates += [i for i, sp in enumerate(spaced) if spaced_q in sp]
            else:
                candidates = list(self._short_prefix.get(qc, ()))
        else:
            candidates = [i for i, c in enumerate(compact) if qc in c]
        for i in candidates:
            norm = self._norm[i]
            if norm == q:
                found[i] = SCORE_EXACT
            elif compact[i] == qc:
                found[i] = SCORE_EXACT - SPACING_PENALTY
            elif norm.startswith(q):
                found[i] = SCORE_PREFIX
            elif compact[i].startswith(qc):
                found[i] = SCORE_PREFIX - SPACING_PENALTY
            elif spaced_q in self._spaced[i]:
                found[i] = SCORE_WORD_PREFIX
            else:
                found[i] = SCORE_CONTAINS
        tokens = q.split()
        if len(tokens) > 1:
            hits: set[int] | None = None
            # Longest words first (they narrow fastest); the shortest beyond
            # MAX_WORDS are ignored, which bounds the cost of pathological queries.
            for token in sorted(set(tokens), key=len, reverse=True)[:MAX_WORDS]:
                needle = " " + token
                pool = range(self._n) if hits is None else hits
                context = self._context
                hits = {i for i in pool if needle in context[i]}
                if not hits:
                    break
            for i in hits or ():
                if found.get(i, -1) < SCORE_ALL_WORDS:
                    found[i] = SCORE_ALL_WORDS
        return found

    def _match_fuzzy(self, q: str, allowed: set[str] | None) -> dict[int, int]:
        """Typo tolerance: names sharing most trigrams, re-scored with ``difflib``."""
        if self._trigram_index is None:
            self._build_trigrams()
        assert self._trigram_index is not None and self._trigram_counts is not None
        q_trigrams = _trigrams(q)
        arrays = [self._trigram_index[t] for t in q_trigrams if t in self._trigram_index]
        if not arrays:
            return {}
        shared = np.bincount(np.concatenate(arrays), minlength=self._n)
        dice = 2.0 * shared / (len(q_trigrams) + self._trigram_counts)
        if allowed is not None:
            dice[~np.isin(self._niveau, list(allowed))] = 0.0
        if self._n == 0:
            return {}
        k = min(FUZZY_CANDIDATES, self._n)
        candidates = np.argpartition(-dice, k - 1)[:k]
        found: dict[int, int] = {}
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(q)  # the matcher caches its analysis of the second sequence
        for i in candidates:
            if dice[i] <= 0:
                continue
            matcher.set_seq1(self._norm[i])
            # Cheap upper bounds first: lengths, then character counts.
            if (
                matcher.real_quick_ratio() < FUZZY_MIN_RATIO
                or matcher.quick_ratio() < FUZZY_MIN_RATIO
            ):
                continue
            ratio = matcher.ratio()
            if ratio >= FUZZY_MIN_RATIO:
                found[int(i)] = SCORE_FUZZY + round(100 * ratio)
        return found

    def _build_trigrams(self) -> None:
        postings: dict[str, list[int]] = {}
        counts = np.zeros(self._n, dtype=np.float64)
        for i, name in enumerate(self._norm):
            grams = _trigrams(name)
            counts[i] = len(grams)
            for g in grams:
                postings.setdefault(g, []).append(i)
        self._trigram_index = {g: np.asarray(ids, dtype=np.int64) for g, ids in postings.items()}
        self._trigram_counts = counts

    def _frame(self, ids: list[int], scores: dict[int, int]) -> pd.DataFrame:
        idx = np.asarray(ids, dtype=np.int64)
        return pd.DataFrame(
            {
                "niveau": self._niveau[idx],
                "code": self._code[idx],
                "nom": self._nom[idx],
                "libelle": self._labels[idx],
                "population": self._population[idx],
                "score": np.asarray([scores[i] for i in ids], dtype=np.int64),
            },
            columns=RESULT_COLUMNS,
        )
