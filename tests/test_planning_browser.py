"""The « Planifier » page in headless Chromium: a médicobus plan and its ICS download."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser import open_page

pytestmark = [pytest.mark.browser, pytest.mark.mirror]

#: CC du Haut-Languedoc, CC Sidobre Vals et Plateaux, CC des Monts d'Alban et du
#: Villefranchois: three communautés de communes of the Tarn (SIREN, BANATIC).
TARN_3_EPCI = "200066553,200066561,200034031"


def test_medicobus_plan_and_its_ics(browser, app_url) -> None:
    from icalendar import Calendar

    page = open_page(
        browser,
        f"{app_url}/Planifier?niveau=epci&zone={TARN_3_EPCI}&ressource=medicobus"
        "&arrets=9&jours=3&semaines=3",
        "planifier_medicobus",
        "Calendrier du cycle",
        timeout=180_000,
    )
    text = page.inner_text("body")
    assert "Arrêts et pourquoi" in text
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Calendrier du médicobus (ICS)").click()
    cal = Calendar.from_ical(Path(info.value.path()).read_bytes())
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    # 3 service days a week over a 3-week cycle: 9 visits, each in a stop commune.
    assert len(events) == 9
    assert all(str(e.get("LOCATION")) for e in events)
    page.close()
