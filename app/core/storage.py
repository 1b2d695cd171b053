"""Where uploaded files live: one interface, two stores.

- ``FileStore``: a folder (``JAMAATI_UPLOADS``, default instance/uploads). Several app servers
  need it shared (NFS or similar): a file written by one is read by the others.
- ``S3Store``: an S3-compatible bucket (``JAMAATI_STORAGE=s3://bucket/prefix``, boto3; the
  endpoint and keys come from boto3's usual ``AWS_*`` settings).

A new file is written under a pending name and published under its own name only when the
transaction that records it commits (``stage``); a rollback, or a process killed before its
commit, leaves at most a pending file that no record references, which ``sweep`` removes a day
later. So a record never points at a half-written file, and no file outlives its transaction
unnoticed. Files are served through ``send`` (one cache rule for private files, one for public).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlsplit

import boto3
import sqlalchemy as sa
from botocore.exceptions import ClientError
from flask import Response, abort, current_app, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core import jobs
from app.extensions import db

log = logging.getLogger("jamaati.storage")

# Private files (documents, desk photos, inspection photos): never kept by a browser or a proxy.
PRIVATE_CACHE = "private, no-store"
# Public photos: kept, but asked for again each time (an ETag makes that a 304), so a photo a clerk
# withdraws is gone at the next look.
PUBLIC_CACHE = "public, no-cache"
KEEP_ORPHANS = timedelta(days=1)
SWEEP_EVERY = timedelta(days=1)
STAGED = "jamaati.staged_files"
DOOMED = "jamaati.doomed_files"
NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")  # what new_name() makes; never a path


class MissingFile(LookupError):
    pass


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    modified: datetime  # aware, UTC


def new_name(suffix: str) -> str:
    return secrets.token_urlsafe(24) + suffix


def _checked(name: str) -> str:
    if not NAME.fullmatch(name):
        raise MissingFile(name)  # nothing outside the store can be named
    return name


class Store(ABC):
    """Files by name. ``put(pending=True)`` writes a file that ``publish`` makes visible."""

    @abstractmethod
    def put(self, name: str, data: bytes, pending: bool = False) -> None: ...

    @abstractmethod
    def publish(self, name: str) -> bool:
        """The pending file becomes the file; False when there is no pending file of that name."""

    @abstractmethod
    def open(self, name: str) -> BinaryIO:
        """The file's bytes, to read and close; MissingFile when there is none."""

    @abstractmethod
    def delete(self, name: str) -> None:
        """The file and its pending copy, if any (no error when there is none)."""

    @abstractmethod
    def exists(self, name: str) -> bool: ...

    @abstractmethod
    def list(self, pending: bool = False) -> Iterator[Entry]:
        """The published files (or the pending ones)."""

    @abstractmethod
    def response(self, name: str, mimetype: str, download_name: str | None, as_attachment: bool) -> Response:
        """The file as an answer, conditional (ETag) and with its length; MissingFile when there is none."""


class FileStore(Store):
    """A folder; pending files are hidden beside the others (``.<name>.pending``), on the same
    file system, so publishing is an atomic rename."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str, pending: bool = False) -> Path:
        _checked(name)
        return self.folder / (f".{name}.pending" if pending else name)

    def put(self, name: str, data: bytes, pending: bool = False) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        staging = self._path(name, pending=True)
        try:
            with open(staging, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())  # on disk before the record that points at it is committed
        except OSError:
            staging.unlink(missing_ok=True)  # a full disk: no half-written file left behind
            raise
        if not pending:
            self.publish(name)

    def publish(self, name: str) -> bool:
        try:
            os.replace(self._path(name, pending=True), self._path(name))
        except FileNotFoundError:
            return False
        return True

    def open(self, name: str) -> BinaryIO:
        try:
            return open(self._path(name), "rb")
        except FileNotFoundError:
            raise MissingFile(name) from None

    def delete(self, name: str) -> None:
        for pending in (False, True):
            self._path(name, pending).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def list(self, pending: bool = False) -> Iterator[Entry]:
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            hidden = path.name.startswith(".")
            if not path.is_file() or hidden != pending or (pending and not path.name.endswith(".pending")):
                continue
            stat = path.stat()
            name = path.name[1 : -len(".pending")] if pending else path.name
            yield Entry(name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def response(self, name: str, mimetype: str, download_name: str | None, as_attachment: bool) -> Response:
        path = self._path(name)
        if not path.is_file():
            raise MissingFile(name)
        try:
            response = send_file(path, mimetype=mimetype, download_name=download_name, as_attachment=as_attachment)
        except FileNotFoundError:  # removed between the two looks
            raise MissingFile(name) from None
        return _through_front_server(response, name)


def _through_front_server(response: Response, name: str) -> Response:
    """Behind nginx (UPLOADS_ACCEL_REDIRECT, see deploy/nginx) the app has checked who asks and nginx
    sends the bytes from its internal location onto the same folder: a 20 MB PDF on 2G holds no app
    server thread for minutes. The answer keeps its headers (type, name, caching) for nginx to pass on."""
    prefix = current_app.config.get("UPLOADS_ACCEL_REDIRECT")
    if not prefix:
        return response
    response.close()  # the file send_file opened: nginx reads it itself
    response.direct_passthrough = False
    response.set_data(b"")
    response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    return response


class S3Store(Store):
    """An S3-compatible bucket: ``<prefix><name>``, pending files under ``<prefix>.pending/``."""

    def __init__(self, bucket: str, prefix: str = "", client=None) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.client = client or boto3.client("s3")

    def _key(self, name: str, pending: bool = False) -> str:
        return self.prefix + (".pending/" if pending else "") + _checked(name)

    @staticmethod
    def _missing(error: ClientError) -> bool:
        return error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")

    def put(self, name: str, data: bytes, pending: bool = False) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(name, pending), Body=data)

    def publish(self, name: str) -> bool:
        source = {"Bucket": self.bucket, "Key": self._key(name, pending=True)}
        try:
            self.client.copy_object(Bucket=self.bucket, Key=self._key(name), CopySource=source)
        except ClientError as error:
            if self._missing(error):
                return False
            raise
        self.client.delete_object(**source)
        return True

    def _get(self, name: str) -> dict:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as error:
            if self._missing(error):
                raise MissingFile(name) from None
            raise

    def open(self, name: str) -> BinaryIO:
        return self._get(name)["Body"]

    def delete(self, name: str) -> None:
        keys = [{"Key": self._key(name, pending)} for pending in (False, True)]
        self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})

    def exists(self, name: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as error:
            if self._missing(error):
                return False
            raise
        return True

    def list(self, pending: bool = False) -> Iterator[Entry]:
        prefix = self.prefix + (".pending/" if pending else "")
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/")
        for page in pages:
            for item in page.get("Contents", []):
                yield Entry(item["Key"][len(prefix) :], item["Size"], item["LastModified"].astimezone(UTC))

    def response(self, name: str, mimetype: str, download_name: str | None, as_attachment: bool) -> Response:
        found = self._get(name)
        response = send_file(
            found["Body"],
            mimetype=mimetype,
            download_name=download_name,
            as_attachment=as_attachment,
            etag=found["ETag"].strip('"'),
            last_modified=found["LastModified"],
        )
        if response.status_code == 200:
            response.content_length = found["ContentLength"]
        else:
            found["Body"].close()  # a 304: the bytes are not sent
        return response


def store() -> Store:
    """The app's store, from its settings (one S3 client per bucket, kept on the app)."""
    url = current_app.config.get("STORAGE_URL") or ""
    if url.startswith("s3://"):
        stores = current_app.extensions.setdefault("jamaati_s3_stores", {})
        if url not in stores:
            parts = urlsplit(url)
            prefix = parts.path.strip("/")
            stores[url] = S3Store(parts.netloc, prefix + "/" if prefix else "")
        return stores[url]
    if url:
        raise RuntimeError(f"JAMAATI_STORAGE={url!r}: only s3://bucket is known (leave it unset for a folder)")
    return FileStore(Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads"))


# --- Files and transactions -------------------------------------------------------------------


def stage(name: str, data: bytes) -> None:
    """Write a new file under its pending name: published when db.session commits, removed when
    the transaction ends any other way."""
    current, session = store(), db.session()
    if not session.in_transaction():
        session.begin()  # a transaction whose end decides the file's fate, even if nothing else is written
    current.put(name, data, pending=True)
    session.info.setdefault(STAGED, []).append((current, name))


def delete_after_commit(name: str) -> None:
    """The file goes once the deletion of its record is committed (kept if that rolls back)."""
    db.session.info.setdefault(DOOMED, []).append((store(), name))


def discard(names: list[str]) -> None:
    """Files staged by this request that it gave up on before any commit: gone now."""
    staged = db.session.info.get(STAGED, [])
    db.session.info[STAGED] = [(s, n) for s, n in staged if n not in names]
    for name in names:
        store().delete(name)


@event.listens_for(Session, "after_commit")
def _publish_staged(session: Session) -> None:
    # The records are committed: a file that fails to move now is recovered by the sweep (it is
    # pending and referenced), so the request is not failed for it.
    for current, name in session.info.pop(STAGED, []):
        try:
            current.publish(name)
        except Exception:
            log.exception("file %s committed but not published (the uploads sweep will)", name)
    for current, name in session.info.pop(DOOMED, []):
        try:
            current.delete(name)
        except Exception:
            log.exception("file %s of a deleted record not removed (the uploads sweep will)", name)


@event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    session.info.pop(DOOMED, None)
    for current, name in session.info.pop(STAGED, []):
        try:
            current.delete(name)
        except Exception:
            log.exception("pending file %s of a rolled-back transaction not removed (the sweep will)", name)


# --- Serving ----------------------------------------------------------------------------------


def send(
    name: str, mimetype: str, public: bool = False, download_name: str | None = None, as_attachment: bool = False
) -> Response:
    """Answer with a stored file, after the route's access check. A missing file is a 404 (and a
    warning: the sweep reports it too). This is the one place files leave the app (behind nginx, a
    folder's files leave through X-Accel-Redirect: FileStore.response)."""
    try:
        response = store().response(name, mimetype, download_name, as_attachment)
    except MissingFile:
        log.warning("stored file %s is missing", name)
        abort(404)
    response.headers["Cache-Control"] = PUBLIC_CACHE if public else PRIVATE_CACHE
    response.headers["X-Content-Type-Options"] = "nosniff"
    if download_name is None:
        response.headers["Content-Disposition"] = "inline"
    return response


# --- The sweep --------------------------------------------------------------------------------


@dataclass
class SweepReport:
    published: list[str] = field(default_factory=list)  # committed, then the process stopped
    removed: list[str] = field(default_factory=list)  # orphans over a day old
    missing: list[tuple[str, int, str]] = field(default_factory=list)  # (table, id, name)


def file_columns() -> list[sa.Table]:
    """Every table whose rows point at a stored file (a ``storage_name`` column)."""
    return [table for table in db.metadata.sorted_tables if "storage_name" in table.c]


def referenced() -> dict[str, tuple[str, int]]:
    names = {}
    for table in file_columns():
        for row_id, name in db.session.execute(sa.select(table.c.id, table.c.storage_name)):
            names[name] = (table.name, row_id)
    return names


def sweep(now: datetime | None = None) -> SweepReport:
    """Publish committed files a stopped process left pending, remove orphans over a day old,
    and report records whose file is missing."""
    current, report = store(), SweepReport()
    names = referenced()
    db.session.rollback()  # no transaction held open while the store is walked
    cutoff = (now or datetime.now(UTC)) - KEEP_ORPHANS
    for entry in current.list(pending=True):
        if entry.name in names:
            if current.publish(entry.name):
                report.published.append(entry.name)
        elif entry.modified < cutoff:
            current.delete(entry.name)
            report.removed.append(entry.name)
    present = set()
    for entry in current.list():
        present.add(entry.name)
        if entry.name not in names and entry.modified < cutoff:
            current.delete(entry.name)
            report.removed.append(entry.name)
    for name, (table, row_id) in sorted(names.items()):
        if name not in present and name not in report.published:
            report.missing.append((table, row_id, name))
            log.warning("%s id=%s: its file %s is missing", table, row_id, name)
    log.info(
        "uploads sweep: %s published, %s orphans removed, %s missing",
        len(report.published),
        len(report.removed),
        len(report.missing),
    )
    return report


@jobs.tidy_uploads.connect
def sweep_once_a_day(app) -> int:
    """The worker's hourly call: a sweep when this worker has not made one for a day."""
    last = app.extensions.get("jamaati_uploads_swept_at")
    now = datetime.now(UTC)
    if last is not None and now - last < SWEEP_EVERY:
        return 0
    report = sweep(now)
    app.extensions["jamaati_uploads_swept_at"] = now
    return len(report.published) + len(report.removed)
