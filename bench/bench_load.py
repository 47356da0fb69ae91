"""Concurrent sessions speaking Streamlit's protocol like browsers: ``python -m bench.bench_load``.

Starts the app itself (:mod:`bench.server`; national database ``DESERTS_DB`` or
``data/deserts.duckdb``; nothing built), then for each number of sessions (``--sessions
1,10,25,50``) opens that many websockets at ``/_stcore/stream`` at once. Each session
behaves as a browser tab: ``BackMsg.rerun_script`` with the page and query string, the
``ForwardMsg`` stream read until ``script_finished``, the message-cache hashes it already
holds sent back (as the browser does, so a second visit is answered with references), the
map layers the page names by URL fetched once per session (the browser's cache), a widget
changed through its ``WidgetState``, the deferred PDF asked by ``backend_operation_request``.
Its steps: home, the national map by département and by commune, a commune and an EPCI
profile, the EPCI's PDF, the priorities and a weight moved, a simulation, a comparison.

Printed per step and per load: p50 / p95 / max seconds, errors (an exception or a French
error shown, a dropped connection, a timeout), kB received; then the server's memory
(:mod:`psutil`, resident set of the server process): at start, after a warm-up session,
peak during the load, with the sessions open and idle (per session), and 10 s after they
closed (compared with the warm start). Targets: 25 sessions without error and p95 ≤ 5 s
per step; ≤ 30 MB per idle open session; memory back within 10 % after the sessions close.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from analytics.db import db_path
from bench.server import ROOT, machine_load, serve

STEP_TIMEOUT_S = 180.0


@dataclass
class Step:
    name: str
    page: str = ""  # url path of the page ("" = home)
    query: str = ""
    action: str = "open"  # open | widget | pdf


STEPS = [
    Step("accueil"),
    Step("carte, départements", "Carte", "niveau=departement&indicateur=apl_2023&annee=2023"),
    Step("carte, communes", "Carte", "niveau=commune&indicateur=apl_2023&annee=2023"),
    Step("profil commune", "Territoire", "niveau=commune&code=81124"),
    Step("profil EPCI", "Territoire", "niveau=epci&code=200068781"),
    Step("fiche PDF (EPCI)", action="pdf"),
    Step("priorités", "Priorites", "niveau=epci"),
    Step("priorités, un poids", action="widget"),
    Step("simulation", "Simuler", "niveau=commune&code=81124&etp=2"),
    Step("comparaison", "Comparer", "territoires=departement:81,epci:200068781,commune:81124"),
]


@dataclass
class Result:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    bytes: dict[str, list[int]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, step: str, seconds: float, nbytes: int, error: str | None) -> None:
        self.seconds.setdefault(step, []).append(seconds)
        self.bytes.setdefault(step, []).append(nbytes)
        if error:
            self.errors.setdefault(step, []).append(error)


class Session:
    """One browser tab: a websocket, its message cache, the files it already fetched."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.ws = None
        self.pages: dict[str, str] = {}  # url path → page script hash
        self.session_id = ""
        self.cached: set[str] = set()
        self.fetched: set[str] = set()
        self.widgets: dict[str, tuple[str, object]] = {}  # id → (label, proto field value)
        self.downloads: dict[str, str] = {}  # label → deferred file id
        self.page_hash = ""
        self.query = ""

    async def open(self) -> None:
        import websockets

        ws_url = self.base.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            origin=self.base,
            max_size=None,
            compression="deflate",  # what a browser offers
            open_timeout=60,
            ping_interval=None,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def _send(self, back) -> None:
        await self.ws.send(back.SerializeToString())

    async def rerun(self, page: str | None, query: str, widgets=None) -> tuple[int, str | None]:
        """A script run; (bytes received, error or None)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = query
        if page is not None:
            self.page_hash = self.pages.get(page, "")
            if not self.page_hash:
                cs.page_name = page
        cs.page_script_hash = self.page_hash
        cs.cached_message_hashes.extend(sorted(self.cached))
        if widgets is not None:
            cs.widget_states.widgets.extend(widgets)
        self.widgets.clear()
        self.downloads.clear()
        await self._send(back)
        return await self._read_until_finished()

    async def _read_until_finished(self) -> tuple[int, str | None]:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        nbytes, error, decks = 0, None, []
        while True:
            data = await asyncio.wait_for(self.ws.recv(), STEP_TIMEOUT_S)
            nbytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.metadata.cacheable and msg.hash:
                self.cached.add(msg.hash)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id
                self.page_hash = msg.new_session.page_script_hash
                for p in msg.new_session.app_pages:
                    self.pages[p.url_pathname] = p.page_script_hash
            elif kind == "delta":
                error = self._delta(msg.delta, decks) or error
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun(): the next run follows
                break
        for url in decks:  # the map layers the browser fetches, once per tab
            if url not in self.fetched:
                self.fetched.add(url)
                nbytes += await asyncio.to_thread(_get, f"{self.base}/{url}")
        return nbytes, error

    def _delta(self, delta, decks: list[str]) -> str | None:
        if delta.WhichOneof("type") != "new_element":
            return None
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            return f"exception : {el.exception.message[:200]}"
        if kind == "alert" and el.alert.format == el.alert.ERROR:
            return f"erreur affichée : {el.alert.body[:200]}"
        if kind == "deck_gl_json_chart":
            spec = json.loads(el.deck_gl_json_chart.json)
            decks += [
                layer["data"]
                for layer in spec.get("layers", [])
                if isinstance(layer.get("data"), str) and layer["data"].startswith("app/static/")
            ]
        elif kind == "slider":
            self.widgets[el.slider.id] = (el.slider.label, list(el.slider.value))
        elif kind == "download_button" and el.download_button.deferred_file_id:
            self.downloads[el.download_button.label] = el.download_button.deferred_file_id
        return None

    async def move_weight(self) -> tuple[int, str | None]:
        """The first weight slider moved up by 5 points, as the browser sends it."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        sliders = [(i, v) for i, (label, v) in self.widgets.items() if "poids_" in i]
        if not sliders:
            return 0, "curseur de poids introuvable"
        wid, value = sliders[0]
        state = WidgetState(id=wid)
        state.double_array_value.data.extend([min(float(value[0]) + 5.0, 50.0)])
        return await self.rerun(None, self.query, widgets=[state])

    async def pdf(self) -> tuple[int, str | None]:
        """The deferred PDF of the profile shown: generated on request, then downloaded."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        file_id = next((f for label, f in self.downloads.items() if "PDF" in label), None)
        if file_id is None:
            return 0, "bouton de la fiche PDF introuvable"
        back = BackMsg()
        back.backend_operation_request.request_id = f"pdf-{time.monotonic_ns()}"
        back.backend_operation_request.session_id = self.session_id
        back.backend_operation_request.deferred_file.file_id = file_id
        await self._send(back)
        while True:
            data = await asyncio.wait_for(self.ws.recv(), STEP_TIMEOUT_S)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "backend_operation_response":
                resp = msg.backend_operation_response
                if resp.error_msg:
                    return len(data), f"PDF : {resp.error_msg}"
                url = resp.deferred_file.url
                full = url if url.startswith("http") else f"{self.base}{url}"
                return len(data) + await asyncio.to_thread(_get, full), None


def _get(url: str) -> int:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=STEP_TIMEOUT_S) as r:
        return len(r.read())


async def run_session(base: str, result: Result, hold: asyncio.Event | None) -> Session:
    s = Session(base)
    try:
        await s.open()
    except Exception as exc:  # noqa: BLE001 - counted as an error of the first step
        result.add(STEPS[0].name, 0.0, 0, f"connexion refusée : {exc}")
        return s
    for step in STEPS:
        t0 = time.perf_counter()
        try:
            if step.action == "open":
                s.query = step.query
                nbytes, error = await s.rerun(step.page, step.query)
            elif step.action == "widget":
                nbytes, error = await s.move_weight()
            else:
                nbytes, error = await s.pdf()
        except Exception as exc:  # noqa: BLE001 - a dropped socket or a timeout
            nbytes, error = 0, f"{type(exc).__name__} : {exc}"[:200]
        result.add(step.name, time.perf_counter() - t0, nbytes, error)
        if error and "connexion" in error:
            break
    if hold is not None:
        await hold.wait()
    await s.close()
    return s


class MemoryProbe:
    """Resident memory of the server process (and its children), sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def rss(self) -> int:
        import psutil

        total = 0
        for p in (self.proc, *self.proc.children(recursive=True)):
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self.rss())

    def __enter__(self) -> MemoryProbe:
        self.peak = self.rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f}".replace(",", " ") + " Mo"


def fr(x: float, d: int = 2) -> str:
    return f"{x:.{d}f}".replace(".", ",")


async def load(base: str, n: int, probe_rss: Callable[[], int], settle_s: float) -> dict:
    result = Result()
    hold = asyncio.Event()
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(run_session(base, result, hold)) for _ in range(n)]
    # All steps done when every session waits on ``hold``: poll the results' counts.
    while sum(len(v) for v in result.seconds.values()) < n * len(STEPS):
        if all(t.done() for t in tasks):
            break
        await asyncio.sleep(0.2)
    wall = time.perf_counter() - t0
    await asyncio.sleep(settle_s)
    open_idle = probe_rss()
    hold.set()
    await asyncio.gather(*tasks)
    return {"result": result, "wall": wall, "open_idle": open_idle}


def print_table(n: int, res: Result, wall: float) -> None:
    print(f"\n{n} session(s) simultanée(s) — toutes les étapes en {fr(wall, 1)} s")
    print(
        f"{'étape':<24} {'p50 (s)':>8} {'p95 (s)':>8} {'max (s)':>8} {'erreurs':>8} {'ko reçus':>9}"
    )
    for step in STEPS:
        secs = res.seconds.get(step.name, [])
        if not secs:
            continue
        kb = statistics.median(res.bytes[step.name]) / 1e3
        print(
            f"{step.name:<24} {fr(pct(secs, 0.5)):>8} {fr(pct(secs, 0.95)):>8} "
            f"{fr(max(secs)):>8} {len(res.errors.get(step.name, [])):>8} {fr(kb, 0):>9}"
        )
    every = [x for v in res.seconds.values() for x in v]
    errors = [e for v in res.errors.values() for e in v]
    print(
        f"{'toutes':<24} {fr(pct(every, 0.5)):>8} {fr(pct(every, 0.95)):>8} "
        f"{fr(max(every)):>8} {len(errors):>8}"
    )
    for e in sorted(set(errors))[:5]:
        print(f"  erreur : {e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,10,25,50", help="loads, comma-separated")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout served")
    parser.add_argument("--settle", type=float, default=10.0, help="seconds before memory")
    parser.add_argument(
        "--closed-wait",
        type=float,
        default=None,
        help="seconds after the sessions close before memory (default --settle; Streamlit "
        "keeps a closed session server.disconnectedSessionTTL = 120 s for a reconnection)",
    )
    args = parser.parse_args(argv)
    loads = [int(x) for x in args.sessions.split(",") if x.strip()]
    closed_wait = args.settle if args.closed_wait is None else args.closed_wait
    with serve(db_path(), root=args.root) as server:
        print(f"application : {args.root} ; {machine_load()}", flush=True)
        probe = MemoryProbe(server.pid)
        start = probe.rss()
        warm = Result()
        asyncio.run(run_session(server.url, warm, None))  # fills the caches, like a visit
        time.sleep(args.settle)
        warm_rss = probe.rss()
        warm_errors = [e for v in warm.errors.values() for e in v]
        print(f"mémoire du serveur : au démarrage {mb(start)}, après une visite {mb(warm_rss)}")
        if warm_errors:
            print(f"erreurs de la visite de chauffe : {warm_errors[:3]}")
        summary = []
        for n in loads:
            before = probe.rss()
            with probe:
                out = asyncio.run(load(server.url, n, probe.rss, args.settle))
            time.sleep(closed_wait)
            after = probe.rss()
            res = out["result"]
            print_table(n, res, out["wall"])
            per_session = (out["open_idle"] - before) / n
            print(
                f"mémoire : avant {mb(before)}, pic {mb(probe.peak)}, sessions ouvertes "
                f"inactives {mb(out['open_idle'])} ({fr(per_session / 1e6, 1)} Mo par "
                f"session), {fr(closed_wait, 0)} s après fermeture {mb(after)} "
                f"({(after - warm_rss) / warm_rss * 100:+.0f} % de la mémoire après la "
                "visite de chauffe)".replace(".", ",")
            )
            every = [x for v in res.seconds.values() for x in v]
            summary.append(
                (n, pct(every, 0.5), pct(every, 0.95), sum(map(len, res.errors.values()))),
            )
            summary[-1] += (probe.peak, per_session, after)
        print("\nrésumé (pour le README) :")
        print(
            "| sessions | p50 par étape | p95 par étape | erreurs | pic mémoire | par session inactive | après fermeture |"
        )
        print("|---|---|---|---|---|---|---|")
        for n, p50, p95, errs, peak, per, after in summary:
            print(
                f"| {n} | {fr(p50)} s | {fr(p95)} s | {errs} | {mb(peak)} | "
                f"{fr(per / 1e6, 1)} Mo | {mb(after)} |"
            )
        print(machine_load())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
