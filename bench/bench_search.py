"""Search latency on the national territory list: median per query (ms), typo tolerance on.

python -m bench.bench_search
"""

from __future__ import annotations

import statistics
import time

from analytics import db
from analytics.search import TerritoryIndex

QUERIES = ("lacaune", "lacone", "Monts de Lacaune", "marseile", "81230", "st etienne", "ro")
RUNS = 15


def main() -> None:
    con = db.connect(db.db_path())
    frame = db.query(con, "territoires_recherche")
    start = time.perf_counter()
    index = TerritoryIndex(frame)
    print(f"index de {len(index)} noms construit en {time.perf_counter() - start:.2f} s")
    for query in QUERIES:
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            index.search(query, limit=10)
            times.append((time.perf_counter() - t) * 1000)
        print(f"{query!r:>20}: médiane {statistics.median(times):6.1f} ms ({RUNS} essais)")


if __name__ == "__main__":
    main()
