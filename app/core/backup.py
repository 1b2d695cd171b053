"""``flask backup`` and ``flask restore``: one archive holds the database, every file its records
point at, and a manifest with their checksums.

The database is copied as one consistent snapshot while the app keeps running: SQLite's online
backup API, or ``pg_dump`` on a snapshot the backup exports, in which it also reads which files
the records point at. So the archive holds every record committed before the backup started and
exactly the files they need. The archive is written under a temporary name and renamed once
complete. What an archive does not hold, and must be kept elsewhere: SECRET_KEY and the VAPID
key pair (see README).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from app.core import storage
from app.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads/"
DUMPS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


class BackupError(RuntimeError):
    """What went wrong, in words for the person at the terminal."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    kind: str
    revision: str | None
    files: dict[str, tuple[str, int]]  # storage name -> (table, id), as of the snapshot


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _url() -> sa.engine.URL:
    return db.engine.url


def _kind() -> str:
    name = _url().get_backend_name()
    if name not in DUMPS:
        raise BackupError(f"backups know SQLite and PostgreSQL, not {name}")
    return name


def _libpq(url: sa.engine.URL) -> tuple[str, dict]:
    """The connection for pg_dump/pg_restore: the password in their environment, not on a command line."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _major(version_text: str) -> int:
    """15 from 'pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)'."""
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", version_text)
    if not match:
        raise BackupError(f"cannot read a version in {version_text!r}")
    return int(match.group(1))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _check_pg_tool(name: str, server_major: int) -> str:
    """pg_dump refuses a server newer than itself; say so before starting."""
    tool = _tool(name)
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    if _major(output) < server_major:
        raise BackupError(
            f"{output.strip()} is older than the PostgreSQL {server_major} server: install "
            f"postgresql-client-{server_major} (or newer)"
        )
    return tool


def _files_in(execute) -> dict[str, tuple[str, int]]:
    names = {}
    for table in storage.file_columns():
        for row_id, name in execute(f"SELECT id, storage_name FROM {table.name}"):  # our own table names
            names[name] = (table.name, row_id)
    return names


def _revision(execute) -> str | None:
    try:
        rows = list(execute("SELECT version_num FROM alembic_version"))
    except (sqlite3.Error, sa.exc.DBAPIError):
        return None
    return rows[0][0] if rows else None


def _sqlite_snapshot(work: Path) -> Snapshot:
    path = work / DUMPS["sqlite"]
    source = db.engine.raw_connection()
    target = sqlite3.connect(path)
    try:
        source.driver_connection.backup(target)  # every page in one step: one consistent copy
        execute = lambda sql: target.execute(sql).fetchall()  # noqa: E731
        return Snapshot(path, "sqlite", _revision(execute), _files_in(execute))
    finally:
        target.close()
        source.close()


def _postgres_snapshot(work: Path) -> Snapshot:
    path = work / DUMPS["postgresql"]
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            # Exported, the snapshot is the one pg_dump reads and the one we read the files' names in.
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            server_major = int(connection.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000
            pg_dump = _check_pg_tool("pg_dump", server_major)
            execute = lambda sql: connection.execute(sa.text(sql)).all()  # noqa: E731
            files, revision = _files_in(execute), _revision(execute)
            dsn, env = _libpq(_url())
            done = subprocess.run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(path), f"--dbname={dsn}"],
                capture_output=True,
                text=True,
                env=env,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return Snapshot(path, "postgresql", revision, files)


def _read_stored(current: storage.Store, name: str) -> bytes | None:
    for _attempt in range(2):
        try:
            with current.open(name) as stored:
                return stored.read()
        except storage.MissingFile:
            # Committed a moment ago and not yet published by its request: publish it now.
            if not current.publish(name):
                return None
    return None


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def archive_path(dest: Path) -> Path:
    if dest.is_dir():
        return dest / f"jamaati-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar"
    return dest


def backup(dest: Path) -> tuple[Path, dict]:
    """Write the archive; returns where and its manifest."""
    kind, target = _kind(), archive_path(dest)
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="jamaati-backup-") as work:
        snapshot = (_sqlite_snapshot if kind == "sqlite" else _postgres_snapshot)(Path(work))
        dump = snapshot.path.read_bytes()
        current = storage.store()
        manifest = {
            "format": FORMAT,
            "started_at": started.isoformat(),
            "database": kind,
            "revision": snapshot.revision,
            "dump": {"name": snapshot.path.name, "size": len(dump), "sha256": sha256(dump)},
            "files": [],
            "missing": [],
        }
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w") as archive:
            _add(archive, snapshot.path.name, dump)
            for name, (table, row_id) in sorted(snapshot.files.items()):
                data = _read_stored(current, name)
                if data is None:
                    manifest["missing"].append({"name": name, "table": table, "id": row_id})
                    continue
                _add(archive, UPLOADS + name, data)
                manifest["files"].append({"name": name, "size": len(data), "sha256": sha256(data)})
            manifest["finished_at"] = datetime.now(UTC).isoformat()
            _add(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
        os.replace(partial, target)
    return target, manifest


# --- Restore ----------------------------------------------------------------------------------


def read_checked(path: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and every member, each checked against its checksum; BackupError otherwise."""
    try:
        with tarfile.open(path, "r") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            if MANIFEST not in members:
                raise BackupError(f"{path} has no {MANIFEST}: not a Jamaati backup")
            manifest = json.loads(archive.extractfile(members[MANIFEST]).read())
            if manifest.get("format") != FORMAT:
                raise BackupError(f"{path} is a backup of format {manifest.get('format')}, this version reads {FORMAT}")
            wanted = [(manifest["dump"]["name"], manifest["dump"]["sha256"])]
            wanted += [(UPLOADS + f["name"], f["sha256"]) for f in manifest["files"]]
            contents = {}
            for name, checksum in wanted:
                if name not in members:
                    raise BackupError(f"{path} lacks {name}: the archive is incomplete")
                data = archive.extractfile(members[name]).read()
                if sha256(data) != checksum:
                    raise BackupError(f"{name} in {path} does not match its checksum: the archive is damaged")
                contents[name] = data
    except (tarfile.TarError, OSError, ValueError, KeyError) as error:
        raise BackupError(f"{path} cannot be read as a Jamaati backup ({error})") from None
    return manifest, contents


def _accounts() -> int:
    users = db.metadata.tables["users"]
    if not sa.inspect(db.engine).has_table(users.name):
        return 0
    count = db.session.scalar(sa.select(sa.func.count()).select_from(users))
    db.session.rollback()
    return count


def _restore_sqlite(dump: bytes) -> None:
    target_path = _url().database
    if not target_path or target_path == ":memory:":
        raise BackupError("restore needs a SQLite database in a file")
    db.session.remove()
    db.engine.dispose()
    with tempfile.TemporaryDirectory(prefix="jamaati-restore-") as work:
        copy = Path(work) / "database.sqlite"
        copy.write_bytes(dump)
        source, target = sqlite3.connect(copy), sqlite3.connect(target_path)
        try:
            source.backup(target)  # the whole database replaced, through SQLite's own locking
        finally:
            source.close()
            target.close()


def _restore_postgres(dump: bytes) -> None:
    db.session.remove()
    with db.engine.connect() as connection:
        server_major = int(connection.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000
    db.engine.dispose()
    pg_restore = _check_pg_tool("pg_restore", server_major)
    with tempfile.TemporaryDirectory(prefix="jamaati-restore-") as work:
        path = Path(work) / DUMPS["postgresql"]
        path.write_bytes(dump)
        dsn, env = _libpq(_url())
        done = subprocess.run(
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
            + ["--exit-on-error", f"--dbname={dsn}", str(path)],
            capture_output=True,
            text=True,
            env=env,
        )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def restore(path: Path, force: bool = False) -> dict:
    """Bring the archive back into this (fresh) install: the database, then the files."""
    manifest, contents = read_checked(path)
    kind = _kind()
    if manifest["database"] != kind:
        raise BackupError(f"{path} holds a {manifest['database']} database; this install uses {kind}")
    if not force and (accounts := _accounts()):
        raise BackupError(f"this install already has {accounts} accounts: restore into a fresh one (or --force)")
    (_restore_sqlite if kind == "sqlite" else _restore_postgres)(contents[manifest["dump"]["name"]])
    current = storage.store()
    for item in manifest["files"]:
        current.put(item["name"], contents[UPLOADS + item["name"]])
    return manifest
