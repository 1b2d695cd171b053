"""The public pages of the figures: what a citizen reads, exactly, and never a figure drawn from
fewer than 5 cases (the spring of tests/performance/scenario.py, rolled up on 2026-05-15)."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from app.communes.services import get_by_code
from app.extensions import db
from app.models import Commune
from tests.performance import scenario

PAGE = f"/communes/{scenario.CHEFCHAOUEN}/performance"
FEWER = "fewer than 5"


def rows(page: str) -> dict[str, list[str]]:
    """Each table row of the page: its heading, then its cells (the first table to name it wins)."""
    found = {}
    for heading, cells in re.findall(r'<tr><th(?: scope="row")?>(.*?)</th>((?:<td>.*?</td>)+)</tr>', page):
        found.setdefault(html.unescape(re.sub(r"<.*?>", "", heading)).strip(), re.findall(r"<td>(.*?)</td>", cells))
    return found


# (last 30 days, last 12 months, since opening): "fewer than 5" for 0 to 4 cases.
HEADLINE = {
    "Applications received": [FEWER, "6", "6"],
    "Found complete": [FEWER, "5", "5"],
    "Files decided": [FEWER, FEWER, FEWER],  # 4
    "Approved files": [FEWER, FEWER, FEWER],
    "Refused files": [FEWER, FEWER, FEWER],
    "Median days from complete to decision": [FEWER, FEWER, FEWER],
    "Decided within the legal deadline": [FEWER, "60%", "60%"],
    "Approved by silence": [FEWER, FEWER, FEWER],
    "Files with documents requested": [FEWER, FEWER, FEWER],
    "Permits issued": [FEWER, FEWER, FEWER],
    "Complaints received": [FEWER, "7", "7"],
    "Acknowledged within 15 days": [FEWER, "67%", "67%"],
    "Answered within 60 days": [FEWER, "80%", "80%"],
    "Median days to answer": [FEWER, "7 days", "7 days"],
    "Complaints answered": [FEWER, FEWER, FEWER],
    "Average satisfaction (1 to 5)": [FEWER, FEWER, FEWER],
    "Ratings": [FEWER, FEWER, FEWER],
    "Reopened after the answer": [FEWER, FEWER, FEWER],
    "Inspections carried out": [FEWER, FEWER, FEWER],
}


def test_a_communes_page_publishes_each_figure_for_the_three_periods(client, rolled_up):
    page = client.get(PAGE).get_data(as_text=True)
    found = rows(page)
    assert {label: found[label] for label in HEADLINE} == HEADLINE
    assert "Figures of 15 May 2026" in page  # the day the figures are of (day first, en_GB)


def test_month_by_month_charts_have_their_table_beside_them(client, rolled_up):
    page = client.get(PAGE).get_data(as_text=True)
    charts = re.findall(r'<div class="chart">.*?</table>', page, re.S)
    assert len(charts) == 2
    within, answered = charts
    for chart in charts:
        assert len(re.findall(r'<text x="\d+" y="1[24][26]">', chart)) == 12  # every month named
        assert len(rows(chart)) == 12  # and in the table beside it
        assert re.search(r'<h3 id="(chart-\d)">.*?aria-labelledby="\1".*?aria-labelledby="\1"', chart, re.S)
    # Decided within the deadline: no month with 5 files or more, so no bar, "<5" on each month.
    assert "<path" not in within and within.count("&lt;5</text>") == 12
    assert all(cells == [FEWER] for cells in rows(within).values())
    # Answered within 60 days: 80 % in March (5 complaints), the one bar, on a scale of 100 %.
    assert rows(answered)["March 2026"] == ["80%"] and rows(answered)["April 2026"] == [FEWER]
    assert re.search(r'<path class="chart-bars" d="M\d+ 112v-77h\d+v77z"/>', answered)
    assert 'class="chart-scale"' in answered and ">100%</text>" in answered
    assert f"{PAGE}/details" in page


def test_in_arabic_the_months_run_from_right_to_left(client, rolled_up):
    def x_of_first_month(language: str) -> int:
        page = client.get(PAGE, headers={"Accept-Language": language}).get_data(as_text=True)
        chart = re.search(r"<svg.*?</svg>", page, re.S).group(0)
        return int(re.findall(r'<text x="(\d+)" y="126">', chart)[0])  # June 2025, the oldest month

    assert x_of_first_month("en") < 40 < 280 < x_of_first_month("ar")


def test_the_breakdowns_of_a_period(client, rolled_up):
    found = rows(client.get(PAGE + "/details?period=since_opening").get_data(as_text=True))
    assert found["Building permit (small project)"] == ["5", FEWER, FEWER, FEWER, FEWER]
    assert found["Repair permit"] == [FEWER] * 5
    assert found["Roads and potholes"] == ["6"]
    assert found["Street lighting"] == [FEWER]
    assert found["Service de la voirie"] == ["6"]
    assert found["Web"] == ["6"] and found["Open311 application"] == [FEWER]
    assert found["Complaint"] == ["5"] and found["Suggestion"] == [FEWER]
    recent = rows(client.get(PAGE + "/details?period=last_30_days").get_data(as_text=True))
    assert "Building permit (small project)" not in recent and "Roads and potholes" in recent  # C7


def test_no_figure_yet_and_closed_or_unknown_communes(client, demo):
    page = client.get(PAGE).get_data(as_text=True)
    assert "The figures are computed every night" in page
    assert client.get("/communes/01.511.01.0/performance").status_code == 404  # not open
    assert client.get("/communes/nonsense/performance").status_code == 404


def test_the_commune_is_linked_from_its_pages_and_every_footer(app, client, rolled_up):
    client.post("/communes/choose", {"code": scenario.CHEFCHAOUEN}, form_url="/signin")
    assert PAGE in client.get("/").get_data(as_text=True)
    assert 'href="/performance"' in client.get("/about").get_data(as_text=True)
    with app.app_context():
        reference = db.session.scalar(sa.text("SELECT reference FROM complaints ORDER BY id LIMIT 1"))
    assert PAGE in client.get(f"/complaints/{reference}/public").get_data(as_text=True)


def test_all_communes_side_by_side_per_10000_inhabitants(app, client, rolled_up):
    with app.app_context():
        population = get_by_code(scenario.CHEFCHAOUEN).population
    page = client.get("/performance").get_data(as_text=True)
    chefchaouen = re.search(r'<tr>\s*<th scope="row"><a href="/communes/01.151.01.01/performance">.*?</tr>', page, re.S)
    cells = re.findall(r"<td>(.*?)</td>", chefchaouen.group(0))
    per_10000 = f"{7 * 10_000 / population:.1f}".rstrip("0").rstrip(".")
    assert cells == [per_10000, "80%", "7 days", f"{6 * 10_000 / population:.1f}".rstrip("0").rstrip("."), "60%", FEWER]
    tiznit = re.search(r'<a href="/communes/09.581.01.07/performance">.*?</tr>', page, re.S).group(0)
    assert re.findall(r"<td>(.*?)</td>", tiznit) == [FEWER] * 6


def test_all_communes_sort_by_links_and_filter_by_region_and_province(app, client, rolled_up):
    def order(url: str) -> list[str]:
        page = client.get(url).get_data(as_text=True)
        return re.findall(r'<th scope="row"><a href="/communes/([\d.]+)/performance">', page)

    assert order("/performance") == [scenario.CHEFCHAOUEN, scenario.TIZNIT]  # by name
    # Tiznit's figures are all "fewer than 5": last, whichever the order.
    assert order("/performance?sort=complaints_received&order=asc") == [scenario.CHEFCHAOUEN, scenario.TIZNIT]
    page = client.get("/performance?sort=complaints_received").get_data(as_text=True)
    assert 'aria-sort="descending"' in page and "sort=complaints_received&amp;order=asc" in page
    with app.app_context():
        tiznit = get_by_code(scenario.TIZNIT)
        region, province = tiznit.region_code, tiznit.province_code
    assert order(f"/performance?region={region}") == [scenario.TIZNIT]
    assert order(f"/performance?province={province}") == [scenario.TIZNIT]
    nonsense = "/performance?region=nonsense&sort=nonsense&period=nonsense"
    assert order(nonsense) == [scenario.CHEFCHAOUEN, scenario.TIZNIT]


def test_pages_in_arabic_and_french_say_fewer_than_5_in_their_language(client, rolled_up):
    arabic = client.get(PAGE, headers={"Accept-Language": "ar"}).get_data(as_text=True)
    french = client.get(PAGE, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "أقل من 5" in arabic and 'dir="rtl"' in arabic
    assert "moins de 5" in french and "Demandes reçues" in french


def test_a_staff_member_of_another_commune_sees_the_same_public_figures(client, rolled_up):
    public = rows(client.get(PAGE).get_data(as_text=True))
    client.signin("clerk2@demo.ma")  # Tiznit: the commune wall must not hide Chefchaouen's public figures
    assert rows(client.get(PAGE).get_data(as_text=True)) == public


def test_counted_communes_are_the_open_ones(app, client, rolled_up):
    with app.app_context():
        db.session.execute(sa.update(Commune).where(Commune.code == scenario.TIZNIT).values(opened_at=None))
        db.session.commit()
    assert scenario.TIZNIT not in client.get("/performance").get_data(as_text=True)
