"""The commune's counter: who may serve there, the receipt it prints, claiming a counter file
with an account later, and each commune's practice space."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.complaints import services as complaints
from app.complaints.models import Complaint, ComplaintEvent, ComplaintPhoto, ComplaintSupporter
from app.core import storage
from app.core.codes import same_code
from app.core.identity import InvalidIdentifier, normalize_cin
from app.core.practice import practice_space
from app.demo import seed_practice_files
from app.extensions import db
from app.inspections.models import Inspection, InspectionEvent, InspectionReport, ReportPhoto
from app.models import Commune, Role, User
from app.permits import services as permits
from app.permits.models import CaseDocument, CaseEvent, DocumentRequest, Opinion, PermitCase
from app.permits.workflow import Status

COUNTER_ROLES = (Role.CLERK, Role.ADMIN)


def serves_at_counter(user: User) -> bool:
    """Staff of a commune who file for people: its clerks and its administrator."""
    return user.is_authenticated and user.role in COUNTER_ROLES and user.commune_id is not None


# --- the receipt -----------------------------------------------------------------------------------


def permit_deadline(case: PermitCase) -> tuple[int, bool, date | None]:
    """The legal days, whether they are working days, and the day due when the clock runs."""
    summary = permits.clock_summary(case)
    legal_days = case.legal_days if case.legal_days is not None else case.type.deadline_days
    working = case.working_days if case.working_days is not None else case.type.working_days
    return legal_days, bool(working), summary["deadline"]


# --- claiming a counter file ---------------------------------------------------------------------


def _same_cin(stored: str | None, typed: str) -> bool:
    try:
        typed = normalize_cin(typed)
    except InvalidIdentifier:
        typed = ""
    return same_code(stored, typed) and bool(stored)


def claim(user: User, reference: str, code: str, cin: str) -> PermitCase | Complaint | None:
    """Attach a file filed at the counter to this account, when the reference, the tracking code
    and the CIN all match and nobody has claimed it yet; else None, whichever was wrong."""
    reference = reference.strip().upper()
    if reference.startswith("C-"):
        case = complaints.by_tracking(reference, code)
        cin_ok = case is not None and _same_cin(case.contact_cin, cin)
        free = case is not None and case.author_id is None and case.filed_by_id is not None
    else:
        case = permits.by_tracking(reference, code)
        cin_ok = case is not None and _same_cin(case.applicant_cin, cin)
        free = case is not None and case.applicant_id is None and case.status is not Status.DRAFT
    if case is None or not cin_ok or not free:
        return None
    if isinstance(case, Complaint):
        case.author = user
    else:
        case.applicant = user
    case.record("claimed", user, public=False)
    db.session.commit()
    current_app.logger.info("counter file claimed ref=%s user=%s", case.reference, user.id)
    return case


# --- the practice space ----------------------------------------------------------------------------


def _ids(statement) -> list[int]:
    return list(db.session.scalars(statement.execution_options(skip_commune_scope=True)))


def clear_practice(commune: Commune) -> int:
    """Delete the commune's practice files, and everything hanging from them (files on disk too).
    Runs in the practice space: the wall lets no real case be touched."""
    with practice_space():
        case_ids = _ids(sa.select(PermitCase.id).where(PermitCase.commune_id == commune.id))
        complaint_ids = _ids(sa.select(Complaint.id).where(Complaint.commune_id == commune.id))
        inspection_ids = _ids(sa.select(Inspection.id).where(Inspection.commune_id == commune.id))
        report_ids = _ids(sa.select(InspectionReport.id).where(InspectionReport.inspection_id.in_(inspection_ids)))
        stored = [
            *_ids(sa.select(CaseDocument.storage_name).where(CaseDocument.case_id.in_(case_ids))),
            *_ids(sa.select(ComplaintPhoto.storage_name).where(ComplaintPhoto.complaint_id.in_(complaint_ids))),
            *_ids(sa.select(ReportPhoto.storage_name).where(ReportPhoto.report_id.in_(report_ids))),
        ]
        children = [
            (ReportPhoto.report_id, report_ids),
            (InspectionReport.id, report_ids),
            (InspectionEvent.inspection_id, inspection_ids),
            (Inspection.id, inspection_ids),
            (CaseEvent.case_id, case_ids),
            (CaseDocument.case_id, case_ids),
            (DocumentRequest.case_id, case_ids),
            (Opinion.case_id, case_ids),
            (PermitCase.id, case_ids),
            (ComplaintEvent.complaint_id, complaint_ids),
            (ComplaintPhoto.complaint_id, complaint_ids),
            (ComplaintSupporter.complaint_id, complaint_ids),
        ]
        db.session.execute(sa.update(Complaint).where(Complaint.id.in_(complaint_ids)).values(merged_into_id=None))
        for column, ids in children:
            if ids:
                db.session.execute(sa.delete(column.class_).where(column.in_(ids)))
        if complaint_ids:
            db.session.execute(sa.delete(Complaint).where(Complaint.id.in_(complaint_ids)))
        for name in stored:
            storage.delete_after_commit(name)  # the fictitious scans go with their records
        db.session.commit()
    return len(case_ids) + len(complaint_ids) + len(inspection_ids)


def renew_practice(commune: Commune, admin: User) -> None:
    """A fresh set of fictitious files for the commune's practice space (the demo generator's)."""
    clear_practice(commune)
    with practice_space():
        seed_practice_files(commune, admin)
    current_app.logger.info("practice files renewed commune=%s by=%s", commune.code, admin.id)
