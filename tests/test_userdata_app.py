"""« Mes données » in the app: upload, report, map; the data stays in one session only."""

from __future__ import annotations

import builtins
import io
import os
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pages/8_Mes_donnees.py"
# A value no public dataset holds: if it shows up anywhere outside the session, it leaked.
MARKER = 987654.25
FILE = f"code_insee;adherents_mutuelle\n26281;{MARKER}\n26362;12\n01340;3\n99999;4\n".encode()


@pytest.fixture(autouse=True)
def _mini(mini_db, monkeypatch):
    monkeypatch.setenv("DESERTS_DB", str(mini_db))


def _app(page: str = PAGE, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _upload(at: AppTest, content: bytes = FILE, name: str = "adherents.csv") -> AppTest:
    at.run()
    at.file_uploader(key="mes_donnees_fichier").set_value((name, content, "text/csv")).run()
    return at


def _use(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Utiliser ces données").click().run()
    return at


def _text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "success", "warning", "error")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts).replace("\u202f", " ").replace("\xa0", " ")


def test_page_states_its_limits_and_runs_without_data() -> None:
    at = _app().run()
    assert not at.exception
    text = _text(at)
    assert "10 Mo" in text and "50 000 lignes" in text
    assert "Aucune donnée chargée" in text


def test_upload_reports_before_use_then_maps() -> None:
    at = _upload(_app())
    assert not at.exception
    text = _text(at)
    # The report comes first: nothing is used yet.
    assert "mes_donnees" not in at.session_state
    assert "ancien code" in text and "non rattachées" in text
    assert "Aucune donnée chargée" in text
    _use(at)
    assert not at.exception
    data = at.session_state["mes_donnees"]
    assert dict(zip(data.values["code"], data.values["valeur"], strict=True)) == {
        "01015": 3.0,
        "26281": MARKER,
        "26362": 12.0,
    }
    assert at.get("deck_gl_json_chart"), "pas de carte"
    # Never in the URL.
    assert all(str(MARKER) not in str(v) for v in at.query_params.values())


def test_a_bad_file_changes_nothing() -> None:
    at = _use(_upload(_app()))
    before = at.session_state["mes_donnees"]
    at.file_uploader(key="mes_donnees_fichier").set_value(
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
    ).run()
    assert not at.exception
    assert any("image PNG" in e.value for e in at.error)
    assert at.session_state["mes_donnees"] is before
    at.file_uploader(key="mes_donnees_fichier").set_value(
        ("neg.csv", b"code_insee;n\n26281;-1\n", "text/csv")
    ).run()
    assert any("négatives" in e.value and "« n »" in e.value for e in at.error)
    assert at.session_state["mes_donnees"] is before


def test_a_second_session_cannot_see_the_data() -> None:
    first = _use(_upload(_app()))
    assert "mes_donnees" in first.session_state
    second = _app().run()
    assert not second.exception
    assert "mes_donnees" not in second.session_state
    assert "Aucune donnée chargée" in _text(second)
    assert str(MARKER).replace(".", ",") not in _text(second)
    # Nor on another page of the second session.
    profile = _app("pages/2_Territoire.py", niveau="commune", code="26281").run()
    assert "Vos données" not in _text(profile)


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", "__pycache__", ".venv")]
        for f in filenames:
            p = os.path.join(dirpath, f)
            try:
                st = os.stat(p)
            except FileNotFoundError:
                continue
            out[p] = (st.st_size, st.st_mtime_ns)
    return out


def test_nothing_lands_on_disk(monkeypatch) -> None:
    at = _app().run()  # warm up: the app's own first-run caches are not the user's data
    writes: list[str] = []
    real_open = builtins.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(m in str(mode) for m in ("w", "a", "x", "+")):
            writes.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    tmp = Path(tempfile.gettempdir())
    before = (_tree(ROOT), set(os.listdir(tmp)))
    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    at.file_uploader(key="mes_donnees_fichier").set_value(("adherents.csv", FILE, "text/csv"))
    at.run()
    _use(at)
    assert "mes_donnees" in at.session_state
    monkeypatch.undo()
    after = (_tree(ROOT), set(os.listdir(tmp)))
    assert writes == []
    assert after[0] == before[0], set(after[0].items()) ^ set(before[0].items())
    assert after[1] == before[1]


def test_profile_compare_and_priorities_use_the_sessions_data() -> None:
    # Load the data in this session, then visit the other pages in the same session.
    at = _use(_upload(_app()))
    data = at.session_state["mes_donnees"]

    profile = _app("pages/2_Territoire.py", niveau="departement", code="26")
    profile.session_state["mes_donnees"] = data
    profile.run()
    assert not profile.exception
    metrics = {m.label: m.value for m in profile.metric}
    # Drôme: 987 654,25 + 12 = 987 666,25 (rounded half up); 97 000 inhabitants in the
    # mini reference, so 1 000 × 987 666,25 / 97 000 = 10 182,126…
    assert metrics["Total"].replace("\u202f", " ") == "987 666,3"
    assert metrics["Pour 1 000 habitants"].replace("\u202f", " ") == "10 182,13"

    compare = _app("pages/3_Comparer.py", territoires="departement:26,departement:01")
    compare.session_state["mes_donnees"] = data
    compare.run()
    assert not compare.exception
    assert any("Vos données" in s.value for s in compare.subheader)

    prio = _app("pages/4_Priorites.py", niveau="departement")
    prio.session_state["mes_donnees"] = data
    prio.run()
    assert not prio.exception

    def scores() -> dict[str, float]:
        table = prio.dataframe[0].value
        return dict(zip(table["Territoire"], table["Score (0–100)"], strict=True))

    before = scores()
    prio.slider(key="poids_mes_donnees").set_value(100.0).run()
    assert not prio.exception
    assert any("intègrent vos données" in w.value for w in prio.warning)
    after = scores()
    # The default weights total 100 and every component is known for the Drôme, so its
    # new score is before × 100/200 + 50 × (its percentile rank among the 4 départements
    # on the rate per 1 000: the highest, 1), i.e. before / 2 + 50.
    assert after["Drôme"] == pytest.approx(before["Drôme"] / 2 + 50)
