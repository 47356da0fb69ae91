"""« Mes données »: a 35 000-row file read, matched, aggregated and mapped.

``python -m bench.bench_userdata`` on the national database (``DESERTS_DB`` or
``data/deserts.duckdb``). The file is written in memory: every current commune with a
value (decimal comma, ``;``, Windows-1252 header), plus former codes and arrondissements
up to 35 000 rows, as CSV and as XLSX. Median of ``--runs`` runs of each step, then the
whole path « upload → report → map by département » that the page runs (the reference and
the geometry are public data the app caches; reading them is timed separately).
Also the ratio against a naive matcher (one pandas lookup per row).
Target: the whole path ≤ 2 s for the CSV.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import numpy as np
import pandas as pd

from analytics import maps, userdata
from analytics.db import connect, query

ROWS = 35_000


def make_file(ref: userdata.Reference) -> pd.DataFrame:
    codes = ref.communes["code"].tolist()
    extra = [c for c, (_t, nature) in ref.passage.items() if nature != "commune actuelle"]
    codes = (codes + extra)[:ROWS]
    rng = np.random.default_rng(0)
    return pd.DataFrame({"code_insee": codes, "adhérents": rng.integers(0, 500, len(codes))})


def as_csv(df: pd.DataFrame) -> bytes:
    text = df.assign(adhérents=df["adhérents"] + 0.5).to_csv(sep=";", decimal=",", index=False)
    return text.encode("cp1252")


def as_xlsx(df: pd.DataFrame) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("adherents")
    ws.append(list(df.columns))
    for code, value in zip(df["code_insee"], df["adhérents"].tolist(), strict=True):
        ws.append([code, value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed(func, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def naive_match(raw: userdata.RawTable, passage: pd.DataFrame) -> pd.DataFrame:
    """One lookup per row in the passage frame (the obvious loop)."""
    rows = []
    for code, value in zip(raw.frame["code_insee"], raw.frame["adhérents"], strict=True):
        hit = passage[passage["code_source"] == code]
        if not hit.empty:
            rows.append((hit["code_2026"].iloc[0], float(str(value).replace(",", "."))))
    return pd.DataFrame(rows, columns=["code", "valeur"]).groupby("code").sum()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    con = connect()
    t_ref, ref = timed(lambda: userdata.load_reference(con), 3)
    df = make_file(ref)
    csv_bytes, xlsx_bytes = as_csv(df), as_xlsx(df)
    t_geo, features = timed(lambda: query(con, "geometrie", couche="departement"), 3)
    outlines = query(con, "geometrie", couche="region")
    names = query(con, "indicateurs_niveau", niveau="departement")[["code", "nom"]]
    print(
        f"Fichier : {len(df)} lignes ; CSV {len(csv_bytes) / 1e6:.2f} Mo, XLSX "
        f"{len(xlsx_bytes) / 1e6:.2f} Mo"
    )
    print(
        f"Référentiel (mis en cache par l'application) : {t_ref * 1000:.0f} ms ; "
        f"géométrie des départements (en cache) : {t_geo * 1000:.0f} ms"
    )

    def path(data: bytes, name: str) -> object:
        raw = userdata.read_table(data, name)
        d = userdata.match(raw, ref, fichier=name)
        table = userdata.aggregate(d, ref.communes, "departement").merge(names, on="code")
        values = table.rename(columns={"pour_1000": "value"})
        classes = maps.classify(values["value"], "float", decimals=2)
        deck = maps.build_choropleth(
            features,
            values,
            classes=classes,
            indicator_label="adhérents",
            outlines=[outlines],
        )
        return deck.to_json()

    print(f"{'étape':<44} {'médiane (ms)':>12}")
    for label, data, name in (("CSV", csv_bytes, "f.csv"), ("XLSX", xlsx_bytes, "f.xlsx")):
        t_read, raw = timed(lambda data=data, name=name: userdata.read_table(data, name), args.runs)
        t_match, d = timed(
            lambda raw=raw, name=name: userdata.match(raw, ref, fichier=name), args.runs
        )
        t_agg, _ = timed(
            lambda d=d: [userdata.aggregate(d, ref.communes, n) for n in userdata.LEVELS],
            args.runs,
        )
        t_all, _ = timed(lambda data=data, name=name: path(data, name), args.runs)
        print(f"{label + ' : lecture':<44} {t_read * 1000:>12.0f}")
        print(f"{label + ' : rattachement au COG 2026':<44} {t_match * 1000:>12.0f}")
        print(f"{label + ' : agrégation aux 5 niveaux':<44} {t_agg * 1000:>12.0f}")
        print(f"{label + ' : dépôt → rapport → carte (départements)':<44} {t_all * 1000:>12.0f}")
        print(
            f"   {d.report.lignes_rattachees} lignes rattachées, {len(d.unmatched)} non rattachées"
        )

    raw = userdata.read_table(csv_bytes, "f.csv")
    passage = pd.DataFrame(
        [(k, v[0]) for k, v in ref.passage.items()], columns=["code_source", "code_2026"]
    )
    sample = userdata.RawTable(raw.frame.head(2000), "csv")
    t_naive, _ = timed(lambda: naive_match(sample, passage), 1)
    t_fast, _ = timed(lambda: userdata.match(sample, ref), args.runs)
    print(
        f"Rattachement de 2 000 lignes : {t_fast * 1000:.0f} ms contre {t_naive * 1000:.0f} ms "
        f"en recherche ligne à ligne (×{t_naive / t_fast:.0f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
