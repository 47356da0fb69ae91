"""A médicobus timetable: visit days per stop, their even spread, and an iCalendar file.

API (pure: arrays and DataFrames in and out, no Streamlit, no file I/O):

- :func:`repartir_visites` ``(total, besoins, plafonds=None, minimum=1) -> np.ndarray``:
  share ``total`` visit days among stops in proportion to their need (largest
  remainder), each stop at least ``minimum`` and at most its ``plafond`` while another
  stop still has room;
- :func:`etaler` ``(visites, semaines, jours) -> DataFrame``: the cycle's slots
  (week × weekday) filled so that each stop's visits are evenly spaced;
- :func:`par_semaine` ``(semaines_par_arret, groupes, ordre, semaines, jours) -> DataFrame``:
  the « block » timetable of the Tarn médicobus — the bus stays whole weeks in one
  village, the villages of one group (communauté de communes) in consecutive weeks;
- :func:`calendrier_ics` ``(calendrier, debut, ...) -> bytes``: one ``VEVENT`` per visit,
  in Europe/Paris time, repeated for ``cycles`` cycles with an ``RRULE``.

Apportionment: the quota of stop ``j`` is ``q_j = total × b_j / Σ b`` (Hamilton's
largest-remainder method). Each stop first gets ``clip(⌊q_j⌋, minimum, plafond_j)``;
extra days go one at a time to the stop with the largest ``q_j − a_j`` among those below
their cap; if every stop is at its cap, the rest goes by the same rule ignoring caps (the
caller reports that capacity exceeds need). Days taken back (when minimums overshoot)
come from the stop with the smallest ``q_j − a_j`` above its minimum.

Even spread: the cycle has ``D = semaines × len(jours)`` slots in calendar order. Stops
are placed by decreasing number of visits (then input order): a stop with ``v`` visits
starts at the first free slot ``s₀`` and aims at ``s₀ + k·D/v`` (k = 0 … v − 1), each
visit taking the free slot nearest (cyclically) to its target, the earlier on a tie.
With visits (4, 2, 2) over 8 slots this gives A B A C A B A C.

Block timetable (:func:`par_semaine`): the cycle's weeks are dealt out group after group
(groups in the order of their first stop in ``ordre``), and within a group stop after stop
in ``ordre``, each stop taking its weeks in a row and every service day of them. Three
communautés de communes of three villages, one week each, give the Tarn's 9-week cycle
A1 A2 A3 B1 B2 B3 C1 C2 C3.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import icalendar
import numpy as np
import pandas as pd

from analytics.planning.errors import PlanningError

JOURS_FR: tuple[str, ...] = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")

#: Weekdays served (0 = lundi) for a number of service days a week, when the user does not
#: choose them: spaced through the week, e.g. 3 days → lundi, mercredi, vendredi (the
#: Cher médicobus pattern).
JOURS_PAR_DEFAUT: dict[int, tuple[int, ...]] = {
    1: (1,),
    2: (1, 3),
    3: (0, 2, 4),
    4: (0, 1, 2, 3),
    5: (0, 1, 2, 3, 4),
}

FUSEAU = "Europe/Paris"


def repartir_visites(
    total: int,
    besoins: Sequence[float] | np.ndarray,
    plafonds: Sequence[int] | np.ndarray | None = None,
    minimum: int = 1,
) -> np.ndarray:
    """Visit days per stop: ``total`` shared in proportion to ``besoins`` (see module doc).

    All-zero needs are shared equally. Raises :class:`PlanningError` when ``total`` days
    cannot give each stop its ``minimum``.
    """
    b = np.asarray(besoins, dtype=float)
    n = len(b)
    total = int(total)
    if n == 0:
        raise PlanningError("Aucun arrêt à desservir : la liste des arrêts est vide.")
    if np.any(~np.isfinite(b)) or np.any(b < 0):
        raise PlanningError("Besoins des arrêts : valeurs manquantes ou négatives.")
    if total < n * minimum:
        raise PlanningError(
            f"Trop peu de jours de passage : {total} jours sur le cycle pour {n} arrêts "
            f"(au moins {minimum} par arrêt). Réduire le nombre d'arrêts ou allonger le cycle."
        )
    if b.sum() <= 0:
        b = np.ones(n)
    caps = (
        np.full(n, np.iinfo(np.int64).max)
        if plafonds is None
        else np.maximum(np.asarray(plafonds, dtype=np.int64), minimum)
    )
    quotas = total * b / b.sum()
    a = np.clip(np.floor(quotas).astype(np.int64), minimum, caps)
    order = np.arange(n)
    while a.sum() > total:
        room = a > minimum
        key = np.where(room, quotas - a, np.inf)
        a[int(np.argmin(key))] -= 1  # argmin: first index on ties
    while a.sum() < total:
        room = a < caps
        if not room.any():
            room = np.ones(n, dtype=bool)
        rem = np.where(room, quotas - a, -np.inf)
        # largest remainder, then larger need, then input order
        j = int(np.lexsort((order, -b, -rem))[0])
        a[j] += 1
    return a


def etaler(
    visites: Sequence[int] | np.ndarray, semaines: int, jours: Sequence[int]
) -> pd.DataFrame:
    """The cycle's timetable: one row per slot, ``semaine`` (1…), ``jour`` (0 = lundi),
    ``jour_nom``, ``rang`` (slot index) and ``arret`` (position of the stop in ``visites``).

    ``sum(visites)`` must equal ``semaines × len(jours)``: every slot gets one stop.
    """
    v = np.asarray(visites, dtype=np.int64)
    jours = tuple(int(j) for j in jours)
    d = int(semaines) * len(jours)
    if np.any(v < 0) or int(v.sum()) != d:
        raise PlanningError(
            f"Le nombre de passages ({int(v.sum())}) doit égaler le nombre de jours du cycle "
            f"({d} = {semaines} semaines × {len(jours)} jours)."
        )
    slot_stop = np.full(d, -1, dtype=np.int64)
    positions = np.arange(d)
    for j in sorted(range(len(v)), key=lambda k: (-v[k], k)):
        if v[j] == 0:
            continue
        start = int(np.flatnonzero(slot_stop < 0)[0])
        for k in range(int(v[j])):
            target = start + k * d / v[j]
            free = np.flatnonzero(slot_stop < 0)
            gap = np.abs(positions[free] - target % d)
            cyc = np.minimum(gap, d - gap)
            slot_stop[free[int(np.argmin(cyc))]] = j  # argmin: earliest slot on ties
    return pd.DataFrame(
        {
            "semaine": positions // len(jours) + 1,
            "jour": [jours[s % len(jours)] for s in positions],
            "jour_nom": [JOURS_FR[jours[s % len(jours)]] for s in positions],
            "rang": positions,
            "arret": slot_stop,
        }
    )


def par_semaine(
    semaines_par_arret: Sequence[int] | np.ndarray,
    groupes: Sequence[object] | None,
    ordre: Sequence[int] | np.ndarray,
    semaines: int,
    jours: Sequence[int],
) -> pd.DataFrame:
    """The « block » timetable (module doc): same columns as :func:`etaler`.

    ``semaines_par_arret[k]`` whole weeks for stop ``k``; ``groupes[k]`` its group
    (``None``: one group); ``ordre``: the stops in visiting order (a permutation).
    ``sum(semaines_par_arret)`` must equal ``semaines``.
    """
    w = np.asarray(semaines_par_arret, dtype=np.int64)
    jours = tuple(int(j) for j in jours)
    if np.any(w < 0) or int(w.sum()) != int(semaines):
        raise PlanningError(
            f"Le nombre de semaines de passage ({int(w.sum())}) doit égaler les semaines du "
            f"cycle ({int(semaines)})."
        )
    ordre = [int(k) for k in ordre]
    if sorted(ordre) != list(range(len(w))):
        raise PlanningError("Ordre des arrêts : chaque arrêt doit y figurer une fois.")
    g = [0] * len(w) if groupes is None else list(groupes)
    rank_of_group: dict[object, int] = {}
    for k in ordre:
        rank_of_group.setdefault(g[k], len(rank_of_group))
    sequence = sorted(ordre, key=lambda k: (rank_of_group[g[k]], ordre.index(k)))
    week_stop = np.repeat(np.asarray(sequence, dtype=np.int64), w[sequence])
    d = int(semaines) * len(jours)
    positions = np.arange(d)
    return pd.DataFrame(
        {
            "semaine": positions // len(jours) + 1,
            "jour": [jours[s % len(jours)] for s in positions],
            "jour_nom": [JOURS_FR[jours[s % len(jours)]] for s in positions],
            "rang": positions,
            "arret": week_stop[positions // len(jours)],
        }
    )


def _premier_lundi(debut: dt.date) -> dt.date:
    return debut + dt.timedelta(days=(7 - debut.weekday()) % 7)


def calendrier_ics(
    calendrier: pd.DataFrame,
    debut: dt.date,
    *,
    heure_debut: dt.time = dt.time(9, 0),
    heure_fin: dt.time = dt.time(17, 0),
    cycles: int = 1,
    semaines_cycle: int | None = None,
    titre: str = "Médicobus",
    horodatage: dt.datetime | None = None,
) -> bytes:
    """The timetable as an iCalendar file (RFC 5545), in Europe/Paris local time.

    ``calendrier`` has one row per visit with ``semaine`` (1…), ``jour`` (0 = lundi),
    ``nom`` (the commune: the event's location) and ``description``; ``code`` if present
    makes each event's UID stable. Week 1 starts on the first Monday on or after
    ``debut``. With ``cycles > 1`` each event repeats every ``semaines_cycle`` weeks
    (default: the largest week number) ``cycles`` times (``RRULE:FREQ=WEEKLY``).
    ``horodatage`` (DTSTAMP) defaults to now, UTC.
    """
    for col in ("semaine", "jour", "nom", "description"):
        if col not in calendrier.columns:
            raise PlanningError(f"Calendrier : colonne « {col} » absente.")
    if not isinstance(debut, dt.date):
        raise PlanningError("Date de début du calendrier invalide : une date est attendue.")
    if heure_fin <= heure_debut:
        raise PlanningError(
            f"Horaires du calendrier : la fin ({heure_fin:%H:%M}) doit suivre le début "
            f"({heure_debut:%H:%M})."
        )
    if int(cycles) < 1:
        raise PlanningError("Nombre de cycles du calendrier : au moins 1.")
    tz = ZoneInfo(FUSEAU)
    stamp = horodatage or dt.datetime.now(dt.UTC)
    lundi = _premier_lundi(debut)
    n_semaines = int(semaines_cycle or calendrier["semaine"].max() or 1)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Deserts medicaux//Planifier un medicobus//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", titre)
    cal.add("x-wr-timezone", FUSEAU)
    for row in calendrier.itertuples(index=False):
        jour = lundi + dt.timedelta(weeks=int(row.semaine) - 1, days=int(row.jour))
        ev = icalendar.Event()
        key = f"{getattr(row, 'code', row.nom)}|{jour.isoformat()}"
        ev.add("uid", hashlib.sha1(key.encode()).hexdigest()[:20] + "@medicobus")
        ev.add("dtstamp", stamp)
        ev.add("summary", f"{titre} — {row.nom}")
        ev.add("location", str(row.nom))
        ev.add("description", str(row.description))
        ev.add("dtstart", dt.datetime.combine(jour, heure_debut, tzinfo=tz))
        ev.add("dtend", dt.datetime.combine(jour, heure_fin, tzinfo=tz))
        if int(cycles) > 1:
            ev.add("rrule", {"freq": "weekly", "interval": n_semaines, "count": int(cycles)})
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
