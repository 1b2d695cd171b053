"""Issue 12.6: the uploads sweep publishes what a stopped server committed but did not publish,
removes orphans over a day old (never younger ones: they may be on their way), and reports
records whose file is missing; the worker runs it once a day."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.notifications import worker
from tests.storage.helpers import complaint_with_photos

DAY = 24 * 3600


@pytest.fixture
def folder(app):
    return Path(app.config["UPLOAD_FOLDER"])


@pytest.fixture
def clerk(make_client, demo):
    client = make_client()
    client.signin("clerk@demo.ma")
    return client


def sweep(app, exit_code: int = 0) -> str:
    result = app.test_cli_runner().invoke(args=["uploads", "sweep"])
    assert result.exit_code == exit_code, result.output
    return result.output


def aged(path: Path, seconds: float = DAY + 60) -> Path:
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def orphan(folder: Path, name: str, seconds: float = DAY + 60) -> Path:
    """A file no record points at, written that many seconds ago."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"left behind")
    return aged(folder / name, seconds)


def desk_photo(clerk, complaint_id: int, photo_id: int):
    response = clerk.get(f"/desk/complaints/{complaint_id}/photos/{photo_id}")
    response.close()
    return response


def test_a_photo_committed_by_a_server_stopped_before_publishing_it_is_published_by_the_sweep(app, clerk, folder):
    complaint_id, _ref, [(photo_id, name)] = complaint_with_photos(app)
    # What a server killed between its commit and the rename leaves: the record, the pending file.
    os.replace(folder / name, folder / f".{name}.pending")
    assert desk_photo(clerk, complaint_id, photo_id).status_code == 404  # not a 500
    assert "1 published, 0 orphans removed, 0 missing" in sweep(app)
    assert desk_photo(clerk, complaint_id, photo_id).status_code == 200
    assert sorted(p.name for p in folder.iterdir()) == [name]


def test_the_sweep_removes_orphans_over_a_day_old_and_keeps_younger_ones(app, demo, folder):
    _id, _ref, [(_photo_id, name)] = complaint_with_photos(app)
    aged(folder / name)  # an old file, but its record points at it
    old, young = orphan(folder, "left-behind.jpg"), orphan(folder, "on-its-way.jpg", seconds=3600)
    abandoned = orphan(folder, ".abandoned.jpg.pending")
    assert "0 published, 2 orphans removed, 0 missing" in sweep(app)
    assert not old.exists() and not abandoned.exists()
    assert young.exists() and (folder / name).exists()


def test_the_sweep_reports_each_record_whose_file_is_missing(app, clerk, folder):
    complaint_id, _ref, photos = complaint_with_photos(app, count=2)
    (gone_id, gone), (_kept_id, _kept) = photos
    (folder / gone).unlink()
    output = sweep(app, exit_code=1)
    assert f"missing: complaint_photos id={gone_id} {gone}" in output
    assert "0 published, 0 orphans removed, 1 missing" in output
    assert desk_photo(clerk, complaint_id, gone_id).status_code == 404


def test_the_worker_sweeps_once_a_day(app, demo, folder):
    app.extensions.pop("jamaati_uploads_swept_at", None)
    first = orphan(folder, "orphan-1.jpg")
    with app.app_context():
        worker.run(once=True)
    assert not first.exists()
    second = orphan(folder, "orphan-2.jpg")
    with app.app_context():
        worker.run(once=True)  # an hour later: not swept again today
    assert second.exists()
