"""Issue 12.8: ``flask backup`` takes one consistent archive while the app keeps serving, and
``flask restore`` brings it back into a fresh install: every complaint acknowledged before the
backup started, with its photos, byte for byte. A damaged archive is refused before anything
is changed."""

from __future__ import annotations

import io
import secrets
import tarfile
import threading
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from app.complaints.models import Complaint, ComplaintPhoto
from app.core import storage
from app.extensions import db, limiter
from tests.complaints.helpers import filing_form
from tests.conftest import CSRF_FIELD, Client
from tests.permits.helpers import photo_bytes
from tests.storage.helpers import complaint_with_photos

COMMUNE = "01.151.01.01"


def run(app, *args: str, exit_code: int = 0) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == exit_code, result.output + repr(result.exception)
    return result.output


class Filers:
    """Citizens filing complaints with a photo through the running server, until stopped."""

    def __init__(self, live_server: str, form: dict, count: int = 3) -> None:
        self.url = f"{live_server}/complaints/new?commune={COMMUNE}"
        self.form = form
        self.acknowledged: list[int] = []  # complaint ids, in the order their 303 arrived
        self.failures: list[str] = []
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.file, args=(n,), daemon=True) for n in range(count)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def file(self, n: int) -> None:
        with requests.Session() as http:
            page = http.get(self.url, headers={"Accept-Language": "en"}).text
            token = next(g for g in CSRF_FIELD.search(page).groups() if g)
            photo = photo_bytes(size=(800, 600), color=(30 * n, 100, 160))
            while not self.stop.is_set():
                form = {
                    **self.form,
                    "csrf_token": token,
                    "idempotency_key": secrets.token_urlsafe(16),
                    "description": f"Filed by citizen {n} during the backup.",
                    "seen_duplicates": "1",
                }
                files = {"photos": ("street.jpg", photo, "image/jpeg")}
                answer = http.post(self.url, data=form, files=files, allow_redirects=False)
                if answer.status_code == 303 and "/complaints/filed/" in answer.headers["Location"]:
                    with self.lock:
                        self.acknowledged.append(int(answer.headers["Location"].rsplit("/", 1)[1]))
                else:
                    self.failures.append(f"{answer.status_code} {answer.text[:200]}")

    def acked(self) -> list[int]:
        with self.lock:
            return list(self.acknowledged)

    def wait_for(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked()) < count and time.monotonic() < deadline and not self.failures:
            time.sleep(0.05)
        assert not self.failures, self.failures[:3]
        assert len(self.acked()) >= count, f"only {len(self.acked())} complaints filed"


def photos_of(ids: list[int]) -> dict[str, bytes]:
    """Each photo of these complaints: storage name -> bytes, from the app's own store."""
    rows = db.session.execute(
        sa.select(ComplaintPhoto.storage_name).where(ComplaintPhoto.complaint_id.in_(ids))
    ).scalars()
    found = {}
    for name in rows:
        with storage.store().open(name) as stored:
            found[name] = stored.read()
    return found


def test_a_backup_taken_while_complaints_are_filed_restores_everything_acknowledged_before_it(
    app, demo, live_server, tmp_path, fresh_install, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)  # a crowd from one address (the test)
    form = {k: v for k, v in filing_form(app).items() if k not in ("latitude", "longitude", "accuracy")}
    with Filers(live_server, form) as filers:
        filers.wait_for(6)
        before = filers.acked()  # acknowledged before the backup started
        output = run(app, "backup", str(tmp_path))
        during = len(filers.acked()) - len(before)
        filers.wait_for(len(before) + during + 3)  # the filing went on, undisturbed
    assert not filers.failures, filers.failures[:3]
    [archive] = tmp_path.glob("jamaati-*.tar")
    assert f"backup: {archive}" in output
    with app.app_context():
        originals = photos_of(before)
        db.session.remove()
    assert len(originals) == len(before)

    restored = fresh_install()
    assert "restored:" in run(restored, "restore", str(archive))
    with restored.app_context():
        ids = set(db.session.scalars(sa.select(Complaint.id).execution_options(skip_commune_scope=True)))
        assert set(before) <= ids
        assert photos_of(before) == originals  # every photo, byte for byte
        assert storage.sweep().missing == []  # and no restored record lacks its file
        db.session.remove()
    clerk = Client(restored.test_client())
    clerk.signin("clerk@demo.ma")  # the accounts came back too
    assert clerk.get(f"/desk/complaints/{before[0]}").status_code == 200
    print(f"acknowledged before the backup: {len(before)}, during it: {during}, restored: {len(ids)}")


def test_a_damaged_archive_is_refused_before_anything_is_changed(app, demo, tmp_path, fresh_install):
    complaint_with_photos(app)
    run(app, "backup", str(tmp_path / "good.tar"))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(tmp_path / "good.tar") as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("uploads/"):
                data = data[:-1] + bytes([data[-1] ^ 1])  # one bit flipped in a photo
            target.addfile(member, io.BytesIO(data))
    restored = fresh_install()
    output = run(restored, "restore", str(damaged), exit_code=1)
    assert "does not match its checksum" in output
    with restored.app_context():
        assert not sa.inspect(db.engine).has_table("users")  # nothing was restored
    assert not Path(restored.config["UPLOAD_FOLDER"]).exists()


def test_restore_refuses_an_install_that_has_accounts(app, demo, tmp_path):
    run(app, "backup", str(tmp_path / "b.tar"))
    assert "already has" in run(app, "restore", str(tmp_path / "b.tar"), exit_code=1)
