"""Issue 12.7: one storage interface, a folder or an S3-compatible bucket behind it, tested
against a real S3 API server (moto's, started by tests/storage/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
import sqlalchemy as sa

from app import config, create_app
from app.complaints.models import ComplaintPhoto
from app.core import storage
from app.extensions import db
from tests.conftest import Client
from tests.storage.conftest import keys
from tests.storage.helpers import complaint_with_photos


@pytest.fixture(params=["folder", "s3"])
def a_store(request, tmp_path):
    if request.param == "folder":
        yield storage.FileStore(tmp_path / "files")
        return
    request.getfixturevalue("s3_env")
    client = boto3.client("s3")
    client.create_bucket(Bucket="contract")
    yield storage.S3Store("contract", "files/", client=client)
    for entry in list(storage.S3Store("contract", "", client=client).list()):
        client.delete_object(Bucket="contract", Key=entry.name)
    client.close()


def test_both_stores_keep_a_pending_file_out_of_sight_until_it_is_published(a_store):
    a_store.put("a.jpg", b"first", pending=True)
    assert not a_store.exists("a.jpg") and [e.name for e in a_store.list()] == []
    assert [e.name for e in a_store.list(pending=True)] == ["a.jpg"]
    with pytest.raises(storage.MissingFile):
        a_store.open("a.jpg")
    assert a_store.publish("a.jpg") is True
    assert a_store.publish("a.jpg") is False  # nothing pending any more
    with a_store.open("a.jpg") as stored:
        assert stored.read() == b"first"
    [entry] = a_store.list()
    assert (entry.name, entry.size) == ("a.jpg", 5)
    assert abs(entry.modified - datetime.now(UTC)) < timedelta(minutes=5)
    assert list(a_store.list(pending=True)) == []
    a_store.put("b.pdf", b"second")  # straight in (a restore)
    assert sorted(e.name for e in a_store.list()) == ["a.jpg", "b.pdf"]
    a_store.delete("a.jpg")
    a_store.delete("never-there.jpg")
    assert not a_store.exists("a.jpg") and a_store.exists("b.pdf")
    with pytest.raises(storage.MissingFile):
        a_store.open("../secret_key")  # never a path outside the store


def test_complaint_photos_go_to_the_bucket_and_are_served_from_it(app, bucket, make_client, demo):
    complaint_id, reference, [(photo_id, name)] = complaint_with_photos(app)
    assert keys(bucket) == [f"uploads/{name}"]  # published; nothing pending left
    assert not Path(app.config["UPLOAD_FOLDER"], name).exists()
    clerk = make_client()
    clerk.signin("clerk@demo.ma")
    served = clerk.get(f"/desk/complaints/{complaint_id}/photos/{photo_id}")
    body = served.get_data()
    served.close()
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "private, no-store"
    assert int(served.headers["Content-Length"]) == len(body)
    with app.app_context():
        size = db.session.scalar(sa.select(ComplaintPhoto.size).where(ComplaintPhoto.id == photo_id))
    assert len(body) == size and body[:2] == b"\xff\xd8"

    url = f"/desk/complaints/{complaint_id}"
    assert clerk.post(f"{url}/photos/{photo_id}/public", {"public": "1"}, form_url=url).status_code == 303
    visitor = make_client()
    first = visitor.get(f"/complaints/{reference}/photos/{photo_id}")
    first.close()
    assert first.status_code == 200 and first.headers["ETag"]
    again = visitor.get(f"/complaints/{reference}/photos/{photo_id}", headers={"If-None-Match": first.headers["ETag"]})
    again.close()
    assert again.status_code == 304

    boto3.client("s3").delete_object(Bucket=bucket, Key=f"uploads/{name}")
    gone = clerk.get(f"/desk/complaints/{complaint_id}/photos/{photo_id}")
    assert gone.status_code == 404


def test_a_second_server_serves_the_photos_the_first_stored_in_the_bucket(app, bucket, make_client, demo, tmp_path):
    """Two app servers, each with its own (empty) folder, one bucket: no file is local to one."""
    complaint_id, _ref, [(photo_id, _name)] = complaint_with_photos(app)
    second = create_app(
        config.TestConfig(
            app.config["SQLALCHEMY_DATABASE_URI"], STORAGE_URL=app.config["STORAGE_URL"], UPLOAD_FOLDER=str(tmp_path)
        )
    )

    clerk = Client(second.test_client())
    clerk.signin("clerk@demo.ma")
    served = clerk.get(f"/desk/complaints/{complaint_id}/photos/{photo_id}")
    served.close()
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    for store in second.extensions.get("jamaati_s3_stores", {}).values():
        store.client.close()
    with second.app_context():
        db.engine.dispose()


def test_a_rolled_back_filing_leaves_nothing_in_the_bucket_and_the_sweep_tidies_it(app, bucket, demo):
    with app.app_context():
        storage.stage("abandoned.jpg", b"never recorded")
        assert keys(bucket) == ["uploads/.pending/abandoned.jpg"]
        db.session.rollback()
        assert keys(bucket) == []
        storage.store().put("orphan.jpg", b"no record")
        storage.store().put("left.jpg", b"pending, no record", pending=True)
        _id, _ref, [(_photo_id, kept)] = complaint_with_photos(app)
        assert storage.sweep().removed == []  # all under a day old
        report = storage.sweep(datetime.now(UTC) + timedelta(days=2))
        assert sorted(report.removed) == ["left.jpg", "orphan.jpg"] and report.missing == []
        assert keys(bucket) == [f"uploads/{kept}"]


def test_a_backup_of_an_install_on_s3_restores_into_another_bucket(app, bucket, demo, tmp_path, fresh_install):
    _id, _ref, photos = complaint_with_photos(app, count=2)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.tar")])
    assert result.exit_code == 0, result.output
    other = "jamaati-restored-" + bucket.rsplit("-", 1)[1]
    boto3.client("s3").create_bucket(Bucket=other)
    restored = fresh_install(STORAGE_URL=f"s3://{other}")
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup.tar")])
    assert result.exit_code == 0, result.output
    assert keys(other) == sorted(name for _photo_id, name in photos)
    with app.app_context(), storage.store().open(photos[0][1]) as original:
        first = original.read()
    with restored.app_context(), storage.store().open(photos[0][1]) as copy:
        assert copy.read() == first
    for store in restored.extensions.get("jamaati_s3_stores", {}).values():
        store.client.close()
