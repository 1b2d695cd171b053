"""The open data files: shaped after BLDS and the Open311 request list, with no personal data,
"fewer than 5" for small figures, cacheable, and every data package the site serves valid for
Frictionless' own validator."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from frictionless import validate

from app.complaints import services as complaints
from app.complaints.models import Complaint
from app.complaints.workflow import Status
from app.extensions import db
from tests.performance import scenario
from tests.permits import files

COMMUNE = scenario.CHEFCHAOUEN
SCOPES = ("all", scenario.CHEFCHAOUEN, scenario.TIZNIT)
# What the spring's files must never hold: the applicant, their CIN and phone, the parcel's
# address and title, what citizens wrote, the exact position of a case.
PRIVATE = ("Mohamed El Amrani", "AB123456", "612345678", "Quartier Souika", "12345/08", "Un trou devant", "Rue 1")


def csv_rows(client, url: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True))))


def test_figures_per_month_in_csv_and_json(client, rolled_up):
    rows = csv_rows(client, f"/open-data/{COMMUNE}/figures.csv")
    by_key = {(r["month"], r["measure"], r["dimension"], r["key"]): r["value"] for r in rows}
    assert by_key[("2026-03", "permits_received", "total", "")] == "6"
    assert by_key[("2026-03", "complaints_received", "total", "")] == "5"
    assert by_key[("2026-03", "complaints_acknowledged_in_time", "total", "")] == "0.8"
    assert by_key[("2026-03", "permits_within_deadline", "total", "")] == "fewer than 5"  # 4 files
    assert by_key[("2026-03", "complaints_received", "channel", "open311")] == "fewer than 5"
    assert {r["commune_code"] for r in rows} == {COMMUNE}
    assert not any(r["month"] in ("last_30_days", "last_12_months", "since_opening") for r in rows)
    values = {r["value"] for r in rows}
    assert all(v == "fewer than 5" or float(v) >= 0 for v in values)
    json_rows = json.loads(client.get(f"/open-data/{COMMUNE}/figures.json").get_data(as_text=True))
    assert [{k: str(v) for k, v in r.items()} for r in json_rows] == rows
    everything = csv_rows(client, "/open-data/all/figures.csv")
    assert {r["commune_code"] for r in everything} == {scenario.CHEFCHAOUEN, scenario.TIZNIT}


def test_a_count_under_5_never_shows_in_any_file(client, rolled_up):
    for scope in SCOPES:
        for row in csv_rows(client, f"/open-data/{scope}/figures.csv"):
            if row["measure"].endswith(("received", "decided", "issued", "silence", "ratings", "answered")):
                assert row["value"] == "fewer than 5" or int(row["value"]) >= 5, row


def test_issued_permits_are_shaped_after_blds(client, rolled_up):
    rows = csv_rows(client, f"/open-data/{COMMUNE}/permits.csv")
    assert len(rows) == 1
    permit = rows[0]
    assert permit["PermitNum"].startswith("2026/01.151.01.01/")
    assert (permit["AppliedDate"], permit["IssuedDate"]) == ("2026-03-02", "2026-03-12")
    assert (permit["StatusCurrent"], permit["StatusCurrentMapped"]) == ("issued", "Permit Issued")
    assert (permit["PermitType"], permit["PermitTypeMapped"], permit["PermitClass"]) == (
        "building_small",
        "Building",
        "urbanism",
    )
    assert (permit["Latitude"], permit["Longitude"]) == ("35.1688", "-5.2636")
    assert permit["Jurisdiction"] == COMMUNE and permit["OriginalCity"] == "Chefchaouen"


def test_complaints_are_shaped_like_the_open311_request_list(client, rolled_up):
    rows = json.loads(client.get(f"/open-data/{COMMUNE}/complaints.json").get_data(as_text=True))
    assert len(rows) == 7
    first = rows[0]
    assert set(first) >= {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "lat",
        "long",
    }
    assert first["status"] == "closed" and first["status_notes"] == "Réparé."
    assert first["requested_datetime"] == "2026-03-02T10:00:00Z"  # 10:00 in Morocco, at UTC+0 in Ramadan
    assert first["expected_datetime"] == "2026-05-01T10:00:00Z"
    assert first["description"] is None and first["address"] is None
    assert [r["channel"] for r in rows].count("open311") == 1
    assert rows[-1]["status"] == "open" and rows[-1]["status_notes"] is None


def test_no_personal_data_in_any_file(client, rolled_up):
    for scope in SCOPES:
        for dataset in ("figures", "permits", "complaints"):
            for fmt in ("csv", "json"):
                body = client.get(f"/open-data/{scope}/{dataset}.{fmt}").get_data(as_text=True)
                assert not [p for p in PRIVATE if p in body], (scope, dataset, fmt)
                assert not re.search(r"3\d\.\d{5}", body)  # no position finer than 4 decimals


def test_files_are_cacheable_and_revalidated(client, rolled_up):
    url = f"/open-data/{COMMUNE}/complaints.csv"
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public")
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag, "Accept-Encoding": "br"})
    assert again.status_code == 304 and again.data == b""
    plain = client.get(url, headers={"If-None-Match": etag.replace(":br", "")})
    assert plain.status_code == 304
    package = client.get(f"/open-data/{COMMUNE}/datapackage.json")
    assert client.get(package.request.path, headers={"If-None-Match": package.headers["ETag"]}).status_code == 304


def test_a_file_changes_its_etag_when_a_case_changes(app, client, rolled_up, clock):
    url = f"/open-data/{COMMUNE}/complaints.csv"
    etag = client.get(url).headers["ETag"]
    clock.at("2026-05-16 10:00")
    with app.app_context():
        clerk = files.user("clerk@demo.ma")
        waiting = db.session.scalar(
            sa.select(Complaint).where(Complaint.status == Status.RECEIVED, Complaint.commune_id == clerk.commune_id)
        )
        complaints.acknowledge(waiting, clerk, "")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_open_data_page_lists_every_download(client, rolled_up):
    page = client.get("/open-data").get_data(as_text=True)
    for scope in SCOPES:
        assert f"/open-data/{scope}/datapackage.json" in page
        for dataset in ("figures", "permits", "complaints"):
            assert f"/open-data/{scope}/{dataset}.csv" in page and f"/open-data/{scope}/{dataset}.json" in page
    assert "CC BY 4.0" in page
    assert client.get("/open-data/01.511.01.0/figures.csv").status_code == 404  # a closed commune
    assert client.get(f"/open-data/{COMMUNE}/figures.xml").status_code == 404


@pytest.mark.parametrize("scope", SCOPES)
def test_every_data_package_the_site_serves_is_valid(client, rolled_up, tmp_path, scope):
    """Saved as a reader would save it (the package and the files it names, side by side), then
    checked by Frictionless: the descriptor, every schema, every row of every file."""
    descriptor = client.get(f"/open-data/{scope}/datapackage.json").get_json()
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for resource in descriptor["resources"]:
        body = client.get(f"/open-data/{scope}/{resource['path']}")
        assert body.status_code == 200
        (tmp_path / resource["path"]).write_bytes(body.data)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["title", "rowNumber", "fieldName", "note"])
    # The same check as a reader runs it, with the command line.
    command = Path(sys.executable).parent / "frictionless"
    checked = subprocess.run([command, "validate", "datapackage.json"], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout[-2000:]
    assert len(report.tasks) == (6 if scope != scenario.TIZNIT else 5)  # Tiznit issued no permit
