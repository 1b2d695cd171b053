"""Issue 12.6: a photo is written under a pending name and published only when its record is
committed. A server killed between the two leaves no file under a real name, and the sweep
(``flask uploads sweep``, the worker once a day) removes what it left after a day."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.complaints.models import Complaint
from app.config import ROOT
from app.extensions import db
from tests.complaints.helpers import category, commune_of

DAY = 24 * 3600


@pytest.fixture
def folder(app, tmp_path):
    return Path(app.config["UPLOAD_FOLDER"])


def visible(folder: Path) -> list[str]:
    """Files under a real name (what a record can point at)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def everything(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def age(folder: Path, seconds: float) -> None:
    for path in folder.iterdir():
        then = time.time() - seconds
        os.utime(path, (then, then))


@contextmanager
def writes_held(app):
    """Another transaction holds the lock that filing a complaint needs, until the block ends."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        connection.execute(sa.text("LOCK TABLE complaints IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()
    engine.dispose()


def sweep(app) -> str:
    result = app.test_cli_runner().invoke(args=["uploads", "sweep"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_server_killed_between_writing_a_photo_and_committing_leaves_nothing_the_sweep_keeps(app, demo, folder):
    with app.app_context():
        commune = commune_of("clerk@demo.ma")
        args = [str(folder), str(commune.id), str(category(commune).id)]
        db.session.remove()
    with subprocess.Popen(
        [sys.executable, "-m", "tests.storage.filing_child", app.config["SQLALCHEMY_DATABASE_URI"], *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout.readline().strip() == "ready"
            with writes_held(app):
                child.stdin.write("go\n")
                child.stdin.flush()
                deadline = time.monotonic() + 60
                while not everything(folder) and time.monotonic() < deadline and child.poll() is None:
                    time.sleep(0.005)
                assert everything(folder), "the child never wrote its photo"
                child.send_signal(signal.SIGKILL)  # the photo is on disk, its complaint not committed
                child.wait()
        finally:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0
        db.session.remove()
    assert visible(folder) == []  # nothing under a name a record could point at, truncated or whole
    assert len(everything(folder)) == 1  # the pending copy, hidden

    assert "0 orphans removed" in sweep(app)  # under a day old: it may be a photo still on its way
    assert len(everything(folder)) == 1
    age(folder, DAY + 60)
    assert "1 orphans removed, 0 missing" in sweep(app)
    assert everything(folder) == []
