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
 450  the name sounds exactly like the query (:func:`phonetic`: ``lacone`` → « Lacaune »)
 400  the name contains the query, spaces ignored (``abergement``, ``saintetienne``)
 300+ typo tolerance on every query of 3+ characters with a letter (``marseile``):
      ``rapidfuzz`` similarity (0–100, Indel ratio) of the normalised query and names,
      or of their phonetic keys (× 0,98), from ``FUZZY_MIN_RATIO``; score = 300 +
      similarity, below every exact tier, so a typo's matches follow the exact ones
====  ======================================================================================

EPCI are also found by their usual or former names (:data:`EPCI_USUAL_NAMES`) and by
their legal form spelt out (« communauté de communes du Haut-Languedoc » = « CC du
Haut-Languedoc »). Each result says how it matched (``correspondance``: « code INSEE »,
« code postal », « nom », « nom approché »…), so « 81230 » returning Rosières says it is
Rosières' INSEE code, Lacaune's postcode coming next.

Queries are cut to ``MAX_QUERY_LENGTH`` characters; an empty query (or one made only of
punctuation) returns an empty result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from analytics import codes

MAX_QUERY_LENGTH = 100
#: Output columns of ``TerritoryIndex.search``.
RESULT_COLUMNS = ["niveau", "code", "nom", "libelle", "population", "score", "correspondance"]

SCORE_CODE = 1000
SCORE_REGION_CODE = 950
SCORE_POSTCODE = 900
SCORE_EXACT = 800
SCORE_PREFIX = 700
SCORE_WORD_PREFIX = 600
SCORE_ALL_WORDS = 500
SCORE_CONTAINS = 400
SCORE_SOUND = 450
SCORE_FUZZY = 300
#: Deducted when a name matches only once spaces are ignored (« labergement »).
SPACING_PENALTY = 50
#: Deducted from matches of « st »/« ste » read literally (« Ste » → « Stenay »).
LITERAL_PENALTY = 50
#: Minimum ``rapidfuzz`` similarity (0–100) for a typo match: « lacone » ~ « lacaune »
#: scores 76,9 (one letter changed, one missing out of seven).
FUZZY_MIN_RATIO = 75
#: A name sounding exactly like the query scores as a 98 % similar spelling.
SOUND_FACTOR = 0.98
#: Shorter queries match name and word prefixes only, not any substring.
MIN_CONTAINS_LENGTH = 3
#: Words of a multi-word query checked against names and départements.
MAX_WORDS = 8
FUZZY_CANDIDATES = 40

#: Usual or former names of EPCI whose official name (COG 2026) a user may not know,
#: by SIREN. 200066553: born on 1 January 2017 from the merger of the CC des Monts de
#: Lacaune and the CC de la Montagne du Haut-Languedoc (loi NOTRe, SDCI of the Tarn and
#: the Hérault, 2016) under this name; BANATIC (ministère de l'Intérieur), fiche SIREN
#: 200066553, lists it since as « CC du Haut-Languedoc ».
EPCI_USUAL_NAMES: dict[str, tuple[str, ...]] = {
    "200066553": (
        "Communauté de communes des Monts de Lacaune et de la Montagne du Haut-Languedoc",
        "Monts de Lacaune et Montagne du Haut-Languedoc",
    ),
}

#: How a result matched, shown beside it.
MATCH_CODE = {
    "commune": "code INSEE",
    "arrondissement_municipal": "code INSEE",
    "epci": "numéro SIREN",
    "departement": "code du département",
    "region": "code de la région",
}
MATCH_POSTCODE = "code postal"
MATCH_NAME = "nom"
MATCH_USUAL_NAME = "nom usuel"
MATCH_FUZZY = "nom approché"

# Abbreviations expanded as whole words (« St-Étienne », « Ste-Colombe »).
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Legal forms of EPCI, as a name's first word(s): spelt out, both in names and queries.
_LEGAL_FORMS = {
    "cc": "communaute de communes",
    "ca": "communaute d agglomeration",
    "cu": "communaute urbaine",
}
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
    collapsed; the tokens ``st``/``ste`` expanded to ``saint``/``sainte`` and a leading
    ``CC``/``CA``/``CU`` to the legal form it abbreviates (unless ``expand`` is False).
    """
    if not isinstance(text, str):
        return ""
    tokens = _strip(text).split()
    if expand:
        tokens = [_ABBREVIATIONS.get(t, t) for t in tokens]
        if tokens and tokens[0] in _LEGAL_FORMS:
            tokens[0] = _LEGAL_FORMS[tokens[0]]
    return " ".join(tokens)


# French spellings of one sound, in the order they are rewritten (« Lacaune » and
# « lacone » both sound « lakon »): a rough phonetic key in the spirit of the French
# Soundex variants (Phonex, Soundex2), enough to forgive a word written as it sounds.
_SOUNDS = (
    (re.compile(r"eaux?|aux?"), "o"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"qu|ck"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"gu(?=[ei])"), "g"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(?<!c)h"), ""),
    (re.compile(r"[ae]i"), "e"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"(?<=...)(?:e|es|s|t|x|d)$"), ""),
)


def phonetic(norm: str) -> str:
    """The sound of a normalised name, word by word: ``lacaune`` and ``lacone`` →
    ``lakon``; ``marseille`` and ``marseile`` → ``marsel``."""
    words = []
    for word in norm.split():
        for pattern, sound in _SOUNDS:
            word = pattern.sub(sound, word)
        words.append(word)
    return " ".join(words)


def _without_legal_form(norm: str) -> str:
    """A normalised name without its leading EPCI legal form and article."""
    for form in _LEGAL_FORMS.values():
        if norm.startswith(form + " ") or norm == form:
            rest = norm[len(form) :].split()
            while rest and rest[0] in ("de", "des", "du", "la", "l", "d"):
                rest = rest[1:]
            return " ".join(rest)
    return norm


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

    Usual names (:data:`EPCI_USUAL_NAMES`) are extra rows of the index pointing to
    their territory (``_canonical``); a territory appears once in the results.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        frame = frame.reset_index(drop=True)
        official = len(frame)
        frame = frame.assign(_nom_recherche=frame["nom"])
        usual = [
            (i, alias)
            for i, (niveau, code) in enumerate(zip(frame["niveau"], frame["code"], strict=True))
            if niveau == "epci"
            for alias in EPCI_USUAL_NAMES.get(str(code), ())
        ]
        if usual:
            extra = frame.iloc[[i for i, _ in usual]].assign(
                _nom_recherche=[alias for _, alias in usual], codes_postaux=None
            )
            frame = pd.concat([frame, extra], ignore_index=True)
        self._canonical = np.asarray([*range(official), *(i for i, _ in usual)], dtype=np.int64)
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
        self._norm: list[str] = [normalise(str(x)) for x in frame["_nom_recherche"]]
        # Typo matching ignores a leading legal form (« communaute de communes … »),
        # which would make every EPCI look like every other.
        self._fuzzy_names: list[str] = [_without_legal_form(x) for x in self._norm]
        self._sounds: list[str] = [phonetic(x) for x in self._fuzzy_names]
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
        for i, (nv, cd) in enumerate(zip(self._niveau[:official], self._code, strict=False)):
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
            return self._frame([], {}, {})
        query = query[:MAX_QUERY_LENGTH]
        allowed = None if niveaux is None else {str(n) for n in niveaux}
        scores: dict[int, int] = {}
        kinds: dict[int, str] = {}

        def add(ids: Iterable[int], score: int, kind: str) -> None:
            for i in ids:
                if allowed is not None and self._niveau[i] not in allowed:
                    continue
                target = int(self._canonical[i])
                if target != i and kind == MATCH_NAME:
                    kind = MATCH_USUAL_NAME
                if scores.get(target, -1) < score:
                    scores[target] = score
                    kinds[target] = kind

        compact_code = "".join(query.split()).upper()
        code_hits: list[int] = []
        if _COMMUNE_CODE.fullmatch(compact_code) or _SIREN.fullmatch(compact_code):
            code_hits += self._by_code.get(compact_code, ())
        if _DEPARTEMENT_CODE.fullmatch(compact_code):
            code_hits += self._by_code.get(compact_code, ())
            region_hits = self._region_by_code.get(compact_code, ())
            add(region_hits, SCORE_REGION_CODE, MATCH_CODE["region"])
        for i in code_hits:
            add((i,), SCORE_CODE, MATCH_CODE.get(self._niveau[i], "code"))
        if _POSTCODE.fullmatch(compact_code):
            add(self._by_postcode.get(compact_code, ()), SCORE_POSTCODE, MATCH_POSTCODE)

        variants = [normalise(query)]
        unexpanded = normalise(query, expand=False)
        if unexpanded.rsplit(" ", 1)[-1] in _ABBREVIATIONS:
            variants.append(unexpanded)  # « Ste » being typed may be the start of « Stenay »
        for penalty, q in zip((0, LITERAL_PENALTY), variants, strict=False):
            if q:
                for i, score in self._match_text(q).items():
                    add((i,), score - penalty, MATCH_NAME)
        if len(variants[0]) >= MIN_CONTAINS_LENGTH and any(ch.isalpha() for ch in variants[0]):
            for i, score in self._match_fuzzy(variants[0], allowed).items():
                add((i,), score, MATCH_FUZZY)
        if not scores:
            return self._frame([], scores, kinds)
        ids = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
        score_values = np.fromiter(scores.values(), dtype=np.int64, count=len(scores))
        # Best score, then largest population, then a fixed order (level, code).
        order = np.lexsort((self._tiebreak[ids], -self._population[ids], -score_values))
        ranked = ids[order[:limit]].tolist()
        return self._frame(ranked, scores, kinds)

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
        """Typo tolerance: names written or sounding like ``q`` (``rapidfuzz`` Indel
        ratio on the names, and on their :func:`phonetic` keys, a same sound counting
        a little less than a same spelling)."""
        q = _without_legal_form(q)
        if not q:
            return {}
        found: dict[int, int] = {}
        for names, query, factor in (
            (self._fuzzy_names, q, 1.0),
            (self._sounds, phonetic(q), SOUND_FACTOR),
        ):
            if allowed is None:
                choices: list[str] | dict[int, str] = names
            else:
                choices = {i: nm for i, nm in enumerate(names) if self._niveau[i] in allowed}
            for _name, ratio, i in process.extract(
                query,
                choices,
                scorer=fuzz.ratio,
                processor=None,
                limit=FUZZY_CANDIDATES,
                score_cutoff=FUZZY_MIN_RATIO / factor,
            ):
                score = SCORE_FUZZY + round(ratio * factor)
                if factor != 1.0 and ratio == 100:
                    score = SCORE_SOUND
                if found.get(int(i), -1) < score:
                    found[int(i)] = score
        return found

    def _frame(self, ids: list[int], scores: dict[int, int], kinds: dict[int, str]) -> pd.DataFrame:
        idx = np.asarray(ids, dtype=np.int64)
        return pd.DataFrame(
            {
                "niveau": self._niveau[idx],
                "code": self._code[idx],
                "nom": self._nom[idx],
                "libelle": self._labels[idx],
                "population": self._population[idx],
                "score": np.asarray([scores[i] for i in ids], dtype=np.int64),
                "correspondance": [kinds[i] for i in ids],
            },
            columns=RESULT_COLUMNS,
        )


def match_note(correspondance: str, query: str) -> str:
    """What to say beside a result about how it matched: « code INSEE 81230 »,
    « code postal 81230 », « nom approché »; nothing for a plain name match."""
    if correspondance == MATCH_NAME:
        return ""
    if correspondance in (MATCH_POSTCODE, *MATCH_CODE.values()):
        return f"{correspondance} {''.join(query.split()).upper()[:MAX_QUERY_LENGTH]}"
    return correspondance
