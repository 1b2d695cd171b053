"""The rules of a permit file: drafting, submitting, instructing, deciding, issuing.

Every status change goes through the state machine's ``apply`` (app/core/statemachine.py), which
checks the transition and writes the timeline entry in the same transaction; the entry announces
``signals.file_event``, to which notifications and other areas listen.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.core import storage
from app.core.channels import Channel
from app.core.codes import new_tracking_code, reference, same_code
from app.core.dates import aware, today, utcnow
from app.core.errors import RuleError
from app.core.paging import paginate_parts
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.inspections import services as inspections
from app.inspections.models import Inspection
from app.models import Agency, Commune, Role, User
from app.permits import workflow
from app.permits.catalog import FIXED_HOLIDAYS, PERMIT_TYPES
from app.permits.clock import day_number
from app.permits.models import (
    CLOSED_SQL,
    OPEN_SQL,
    WAITING_SQL,
    CaseDocument,
    DocumentRequest,
    Holiday,
    Opinion,
    PermitCase,
    PermitType,
    Verdict,
)
from app.permits.workflow import CLOCK_RUNNING, OPEN, Status
from app.uploads import UploadError, discard, store_upload

STEPS = ("applicant", "parcel", "details", "documents")


def holidays() -> set[date]:
    return set(db.session.scalars(sa.select(Holiday.day)))


def active_types() -> list[PermitType]:
    return list(
        db.session.scalars(sa.select(PermitType).where(PermitType.active).order_by(PermitType.position, PermitType.id))
    )


# --- the applicant's journey ---------------------------------------------------------------


def by_idempotency_key(key: str) -> PermitCase | None:
    """The application started with this scoped key (app.core.replay), if any."""
    return db.session.scalar(sa.select(PermitCase).where(PermitCase.idempotency_key == key))


def start(
    applicant: User | None,
    permit_type: PermitType,
    commune: Commune,
    idempotency_key: str | None = None,
    channel: Channel = Channel.WEB,
    *,
    filed_by: User | None = None,
    person: dict | None = None,
) -> PermitCase:
    """Start a draft application. ``idempotency_key`` is the scoped key of app.core.replay: a
    second start with it raises IntegrityError, answered there with the draft already started.
    ``channel`` says how it reached the commune (the public figures count by channel). At the
    counter there is no account yet: ``filed_by`` is the clerk, ``person`` the name, CIN and
    phone of whoever stands there (they may claim the file later, app/counter)."""
    person = person or {
        "applicant_name": applicant.full_name,
        "applicant_cin": applicant.cin,
        "applicant_phone": applicant.phone,
    }
    case = PermitCase(
        idempotency_key=idempotency_key,
        channel=channel,
        applicant=applicant,
        filed_by=filed_by,
        type=permit_type,
        commune=commune,
        details={},
        steps_done=[],
        **person,
    )
    db.session.add(case)
    db.session.flush()
    case.record("created", applicant or filed_by, public=False, **for_the_person(case, filed_by))
    db.session.commit()
    return case


def acts_for_the_person(case: PermitCase, user: User) -> bool:
    """A clerk of the file's commune doing what the applicant would (they came to the counter)."""
    return case.applicant_id != user.id and user.role in (Role.CLERK, Role.ADMIN) and user.commune_id == case.commune_id


def for_the_person(case: PermitCase, user: User | None) -> dict:
    """What a step taken by a clerk on the person's behalf adds to the engine's ``apply``: the
    applicant's role, and the mark the timeline shows ("at the counter, by …")."""
    if user is None or not acts_for_the_person(case, user):
        return {}
    return {"role": Role.CITIZEN, "at_counter": True}


def _editable(case: PermitCase) -> None:
    if case.status is not Status.DRAFT:
        raise RuleError(_l("This application has been sent: it can no longer be changed."))


def save_step(case: PermitCase, step: str, values: dict) -> None:
    """Store one task-list step's answers (already validated by its form)."""
    _editable(case)
    if step == "details":
        case.details = {**values}
    else:
        for key, value in values.items():
            setattr(case, key, value)
    if step not in case.steps_done:
        case.steps_done = [*case.steps_done, step]
    db.session.commit()


def missing_documents(case: PermitCase) -> list[dict]:
    return [item for item in case.type.documents if item["required"] and not case.documents_for(item["code"])]


def ready_to_send(case: PermitCase) -> list[str]:
    """The steps still to do before sending. Missing documents do not block sending: law
    55-19 gives every filed request a receipt, and the commune's completeness check asks for
    what is missing (the legal clock starts only once the file is complete)."""
    todo = [s for s in STEPS if s != "documents" and not step_done(case, s)]
    if not case.documents:
        todo.append("documents")
    return todo


def step_done(case: PermitCase, step: str) -> bool:
    if step == "documents":
        return not missing_documents(case)
    return step in case.steps_done


def can_upload(case: PermitCase, user: User) -> bool:
    """The applicant, or a clerk for them with the paper they brought, on a draft or when asked."""
    mine = case.applicant_id == user.id or acts_for_the_person(case, user)
    return mine and case.status in (Status.DRAFT, Status.DOCUMENTS_REQUESTED)


def add_document(case: PermitCase, item_code: str, file_storage, user: User) -> CaseDocument:
    if not can_upload(case, user):
        raise RuleError(_l("Documents can be added only to a draft, or when the commune asks for them."))
    item = case.type.document(item_code)
    requested_other = item_code == "other" and case.open_request is not None
    if item is None and not requested_other:
        raise RuleError(_l("This document is not on the list for this permit."))
    stored = store_upload(file_storage, item["kinds"] if item else ["pdf", "image"])
    document = CaseDocument(
        case=case,
        item_code=item_code,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        storage_name=stored.storage_name,
        uploaded_by_id=user.id,
    )
    db.session.add(document)
    if case.status is not Status.DRAFT:
        marks = {key: value for key, value in for_the_person(case, user).items() if key != "role"}
        case.record("document_added", user, item=item_code, name=stored.original_name, **marks)
    db.session.commit()  # the file is published with it (or removed, if the commit fails)
    return document


def removable(case: PermitCase, document: CaseDocument) -> bool:
    """The applicant may take a file back until the commune has it: in a draft, or added since the
    documents were requested and not sent yet."""
    if case.status is Status.DRAFT:
        return True
    since = case.open_request.requested_at if case.open_request else utcnow()
    return aware(document.uploaded_at) >= aware(since)  # SQLite gives both back naive


def remove_document(case: PermitCase, document: CaseDocument, user: User) -> None:
    if not can_upload(case, user) or document.case_id != case.id or not removable(case, document):
        raise RuleError(_l("This document can no longer be removed."))
    db.session.delete(document)
    storage.delete_after_commit(document.storage_name)  # the scan of a deed or a CIN goes too
    db.session.commit()


def submit(case: PermitCase, user: User) -> PermitCase:
    if ready_to_send(case):
        raise RuleError(_l("Some steps are not finished yet."))
    case.submitted_at = utcnow()
    case.reference = reference("P", today().year, case.id)
    case.tracking_code = new_tracking_code()
    workflow.MACHINE.apply(case, "submit", user, reference=case.reference, **for_the_person(case, user))
    db.session.commit()
    current_app.logger.info("permit submitted case=%s ref=%s", case.id, case.reference)
    return case


def provide_documents(case: PermitCase, user: User) -> None:
    request = case.open_request
    if request is None:
        raise RuleError(_l("No document is requested on this file."))
    added_since = [d for d in case.documents if d.uploaded_at >= request.requested_at]
    if not added_since:
        raise RuleError(_l("Add the requested documents first."))
    workflow.MACHINE.apply(case, "provide_documents", user, **for_the_person(case, user))
    request.answered_at = utcnow()
    if case.paused_since is not None:
        case.paused_days += case.clock.pause_length(today(), holidays())
        case.paused_since = None
    db.session.commit()


# --- instruction ---------------------------------------------------------------------------


def mark_complete(case: PermitCase, clerk: User) -> None:
    workflow.check("mark_complete", case.status, clerk.role, clerk.can_decide)  # before the clock is touched
    if case.clock_started_on is None:
        case.clock_started_on = today()
        # The rule in force when the clock starts stays the file's, whatever the type becomes.
        case.legal_days, case.working_days = case.type.deadline_days, case.type.working_days
        case.silence_is_approval = case.type.silence_is_approval
    deadline = case.clock.deadline(today(), holidays())
    workflow.MACHINE.apply(case, "mark_complete", clerk, deadline=deadline.isoformat())
    db.session.commit()


def request_documents(case: PermitCase, clerk: User, items: list[dict], message: str | None = None) -> DocumentRequest:
    """``items``: [{"code": checklist code or "other", "reason": why}] — each with its reason."""
    if not items or any(not (i.get("reason") or "").strip() for i in items):
        raise RuleError(_l("Say, for each document, why it is needed."), field="items")
    if case.clock_started_on is not None and case.paused_since is None:
        case.paused_since = today()  # also when a file already found complete is asked again
    workflow.MACHINE.apply(case, "request_documents", clerk, message=message, items=items)
    request = DocumentRequest(case=case, items=items, requested_by_id=clerk.id)
    db.session.add(request)
    db.session.commit()
    return request


def required_agencies(case: PermitCase) -> list[Agency]:
    return case.required_agencies()


def record_opinion(case: PermitCase, agency: Agency, verdict: Verdict, comment: str | None, actor: User) -> Opinion:
    if case.status not in CLOCK_RUNNING:
        raise RuleError(_l("Opinions are recorded while the file is under review."))
    if agency not in required_agencies(case):
        raise RuleError(_l("This agency does not give an opinion on this kind of permit."))
    on_paper = actor.role is not Role.REVIEWER
    if actor.role is Role.REVIEWER and actor.agency_id != agency.id:
        raise RuleError(_l("You give opinions for your own agency only."))
    if actor.role not in (Role.REVIEWER, Role.CLERK, Role.ADMIN):
        raise RuleError(_l("You may not record opinions."))
    if verdict is not Verdict.FAVOURABLE and not (comment or "").strip():
        raise RuleError(_l("Explain the conditions or the reasons."), field="comment")
    if any(o.agency_id == agency.id for o in case.opinions):
        raise RuleError(_l("This agency's opinion is already recorded."))
    opinion = Opinion(
        case=case,
        agency=agency,
        verdict=verdict,
        comment=(comment or "").strip() or None,
        on_paper=on_paper,
        recorded_by=actor,
    )
    db.session.add(opinion)
    case.record(
        "opinion",
        actor,
        agency=agency.name_fr,
        agency_ar=agency.name_ar,
        verdict=verdict.value,
        on_paper=on_paper,
        message=opinion.comment,
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same agency's opinion, recorded a moment earlier elsewhere
        db.session.rollback()
        raise RuleError(_l("This agency's opinion is already recorded.")) from None
    return opinion


def request_site_visit(
    case: PermitCase, clerk: User, kind, agent: User | None, due_on: date | None, message: str | None = None
) -> Inspection:
    """The file goes to "site visit" and an inspection waits for (or goes to) an agent."""
    workflow.MACHINE.apply(case, "request_site_visit", clerk, message=message)
    inspection = inspections.request_for_permit(case, clerk, kind, agent, due_on, message)
    db.session.commit()
    return inspection


def record_site_visit(case: PermitCase, actor: User, note: str, photos: list) -> None:
    if not note.strip():
        raise RuleError(_l("Write what was seen on site."), field="note")
    workflow.check("record_site_visit", case.status, actor.role, actor.can_decide)  # before any file is kept
    stored = []
    try:
        for photo in photos:
            if photo and photo.filename:
                stored.append(store_upload(photo, ["image"]))
    except UploadError:
        discard(stored)  # one photo refused: keep none, the agent sends them again
        raise
    # The applicant sees that the visit took place; what was seen stays an internal note.
    workflow.MACHINE.apply(case, "record_site_visit", actor, photos=len(stored))
    case.record("note", actor, public=False, message=note.strip())
    for file in stored:
        db.session.add(
            CaseDocument(
                case=case,
                item_code="site_visit",
                original_name=file.original_name,
                content_type=file.content_type,
                size=file.size,
                storage_name=file.storage_name,
                internal=True,
                uploaded_by_id=actor.id,
            )
        )
    # Recorded here from a paper report: the file's inspections no longer wait for an agent's one.
    inspections.settle_for_permit(case.id, actor)
    db.session.commit()


def send_for_decision(case: PermitCase, clerk: User) -> None:
    workflow.MACHINE.apply(case, "send_for_decision", clerk)
    db.session.commit()


def approve(case: PermitCase, clerk: User, conditions: str | None, going_ahead: str | None = None) -> None:
    """``going_ahead``: why the decision does not wait for an awaited opinion (see workflow)."""
    workflow.MACHINE.apply(case, "approve", clerk, message=(conditions or "").strip() or None, going_ahead=going_ahead)
    case.conditions = (conditions or "").strip() or None
    case.decided_at, case.decided_by_id = utcnow(), clerk.id
    db.session.commit()


def refuse(case: PermitCase, clerk: User, reasons: list[str], going_ahead: str | None = None) -> None:
    reasons = [r.strip() for r in reasons if r and r.strip()]
    if not reasons:
        raise RuleError(_l("Give at least one reason for the refusal."), field="reasons")
    workflow.MACHINE.apply(case, "refuse", clerk, reasons=reasons, going_ahead=going_ahead)
    case.refusal_reasons = reasons
    case.decided_at, case.decided_by_id = utcnow(), clerk.id
    db.session.commit()


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def issue(case: PermitCase, clerk: User) -> None:
    workflow.check("issue", case.status, clerk.role, clerk.can_decide)  # before a number is given
    case.issued_on = today()
    case.valid_until = _add_months(case.issued_on, case.type.validity_months) if case.type.validity_months else None
    case.permit_number = f"{case.issued_on.year}/{case.commune.code}/{case.id:06d}"
    case.verify_code = secrets.token_urlsafe(12)
    workflow.MACHINE.apply(case, "issue", clerk, number=case.permit_number)
    db.session.commit()
    current_app.logger.info("permit issued case=%s number=%s", case.id, case.permit_number)


def revoke(case: PermitCase, admin: User, reason: str) -> None:
    if not reason.strip():
        raise RuleError(_l("Say why the permit is revoked."), field="reason")
    workflow.MACHINE.apply(case, "revoke", admin, message=reason.strip())
    case.revoked_at = utcnow()
    db.session.commit()


def withdraw(case: PermitCase, user: User) -> None:
    """By the applicant, or by a clerk at their request at the counter (marked so)."""
    workflow.MACHINE.apply(case, "withdraw", user, **for_the_person(case, user))
    db.session.commit()


def delete_draft(case: PermitCase, applicant: User) -> None:
    """A draft never sent goes with its files (a CIN's scan, a deed): nobody at the commune saw it."""
    if case.status is not Status.DRAFT or case.applicant_id != applicant.id:
        raise RuleError(_l("Only a draft that was never sent can be deleted."))
    for document in case.documents:
        storage.delete_after_commit(document.storage_name)
    for row in (*case.documents, *case.events, case):
        db.session.delete(row)
    db.session.commit()


def add_note(case: PermitCase, author: User, text: str, public: bool) -> None:
    if not text.strip():
        raise RuleError(_l("Write the message first."), field="text")
    case.record("message" if public else "note", author, public=public, message=text.strip())
    db.session.commit()


# --- what the clock says --------------------------------------------------------------------


def clock_running(case: PermitCase) -> bool:
    """Started and not yet decided or withdrawn (back at the completeness check counts too)."""
    return case.clock_started_on is not None and case.status in OPEN


def clock_summary(case: PermitCase) -> dict:
    """What the applicant's page and /track show of the legal clock."""
    running, days, on = clock_running(case), holidays(), today()
    return {
        "days_left": case.clock.left(on, days) if running else None,
        "deadline": case.clock.deadline(on, days) if running else None,
        "silence_approval": silence_means_approval(case, on),
    }


def silence_means_approval(case: PermitCase, on: date | None = None) -> bool:
    """The deadline passed with no decision on a type where silence counts as approval."""
    if not case.silence_counts or not clock_running(case) or case.paused_since:
        return False
    left = case.clock.left(on or today(), holidays())
    return left is not None and left < 0


def validity(case: PermitCase, on: date | None = None) -> str:
    """'valid', 'revoked', 'expired' or 'not_issued' — what the public verify page says."""
    if case.status is Status.REVOKED:
        return "revoked"
    if case.status is not Status.ISSUED:
        return "not_issued"
    if case.valid_until and (on or today()) > case.valid_until:
        return "expired"
    return "valid"


# --- finding files --------------------------------------------------------------------------


def applicant_cases(user: User) -> list[PermitCase]:
    statement = sa.select(PermitCase).where(PermitCase.applicant_id == user.id).order_by(PermitCase.updated_at.desc())
    return list(db.session.scalars(statement))


def staff_cases(user: User):
    """Files a staff member may see: the commune scope applies to every query; reviewers see
    only files sent to their agency's kind of body, once complete."""
    # A file reaches the desk once sent: it has a reference from then on.
    statement = sa.select(PermitCase).where(PermitCase.status != Status.DRAFT, PermitCase.reference.is_not(None))
    if user.role is Role.REVIEWER:
        kind = user.agency.kind.value if user.agency else None
        type_ids = [t.id for t in db.session.scalars(sa.select(PermitType)) if kind in t.agency_kinds]
        statement = statement.where(PermitCase.clock_started_on.is_not(None), PermitCase.type_id.in_(type_ids))
    return statement


def visible_types(user: User) -> list[PermitType]:
    """The permit types whose files this staff member sees (a reviewer: those sent to his agency)."""
    types = db.session.scalars(sa.select(PermitType).order_by(PermitType.position, PermitType.id)).all()
    if user.role is Role.REVIEWER:
        kind = user.agency.kind.value if user.agency else None
        types = [t for t in types if kind in t.agency_kinds]
    return list(types)


QUEUE_PER_PAGE = 25
QUEUE_MAX_PAGE = 10_000


def days_left(today: date, holidays: Collection[date]):
    """Each started file's days left, in SQL, as its clock counts them (Clock.left): its stored
    due number less today's on the file's own count; while paused, the stored days left."""
    today_number = sa.case(
        (PermitCase.working_days.is_(True), day_number(today, True, holidays)), else_=today.toordinal()
    )
    left = PermitCase.due_number - today_number
    return sa.case(
        (PermitCase.paused_since.is_not(None), PermitCase.due_number),
        # Days of an earlier pause that a holiday added since now covers: never more than the law gives.
        (left > PermitCase.legal_days, PermitCase.legal_days),
        # A weekend or holiday after the last day: already late, not "0 days left".
        (sa.and_(left >= 0, PermitCase.due_on < today), -1),
        else_=left,
    )


def _urgency_parts(today: date, holidays: Collection[date]) -> list:
    """Overdue first, then fewest days left; then files whose clock has not started (oldest
    first); then closed files (latest first). Each part is read on its own (app/core/paging)."""
    latest = [PermitCase.updated_at.desc(), PermitCase.id.desc()]
    started = sa.and_(sa.text(OPEN_SQL), PermitCase.clock_started_on.is_not(None))
    return [
        (started, [days_left(today, holidays), PermitCase.submitted_at, *latest]),
        (sa.text(WAITING_SQL), [PermitCase.submitted_at, *latest]),
        (sa.text(CLOSED_SQL), latest),
    ]


def desk_queue(user: User, status: str = "", type_id: int | None = None, query: str = "", page: int = 1):
    """The files this staff member may see (commune wall, reviewer's agency), filtered and
    ordered by urgency, one page of them: ordered, paged and counted in SQL."""
    statement = staff_cases(user).options(sa.orm.joinedload(PermitCase.type))
    if status:
        statement = statement.where(PermitCase.status == Status(status))
    if type_id:
        statement = statement.where(PermitCase.type_id == type_id)
    query = query.strip()[:80]
    if query:
        statement = statement.where(
            sa.or_(
                PermitCase.reference.contains(query.upper(), autoescape=True),
                sa.func.lower(PermitCase.applicant_name).contains(query.lower(), autoescape=True),
            )
        )
    page = min(max(page, 1), QUEUE_MAX_PAGE)
    return paginate_parts(statement, PermitCase.id, _urgency_parts(today(), holidays()), page, QUEUE_PER_PAGE)


def _public(statement):
    """Public pages (/track, /verify) answer anyone, staff of another commune included."""
    return statement.execution_options(skip_commune_scope=True)


def by_tracking(reference: str, code: str) -> PermitCase | None:
    case = db.session.scalar(_public(sa.select(PermitCase).where(PermitCase.reference == reference.strip().upper())))
    if case is None or not same_code(case.tracking_code, code):
        return None
    return case


def by_verify_code(code: str) -> PermitCase | None:
    return db.session.scalar(
        _public(sa.select(PermitCase).where(PermitCase.verify_code == code, PermitCase.verify_code.is_not(None)))
    )


def seed_types() -> None:
    """Create the catalogue's permit types that do not exist yet; fixed holidays for this year and next."""
    existing = set(db.session.scalars(sa.select(PermitType.code)))
    for position, spec in enumerate(PERMIT_TYPES):
        if spec["code"] in existing:
            continue
        names = spec["name"]
        db.session.add(
            PermitType(
                code=spec["code"],
                name_ar=names["ar"],
                name_fr=names["fr"],
                name_en=names["en"],
                fields=spec["fields"],
                documents=spec["documents"],
                agency_kinds=spec["agency_kinds"],
                deadline_days=spec["deadline_days"],
                validity_months=spec["validity_months"],
                position=position,
            )
        )
    known = set(db.session.scalars(sa.select(Holiday.day)))
    for year in (today().year, today().year + 1):
        for month_day, name, name_ar in FIXED_HOLIDAYS:
            day = date.fromisoformat(f"{year}-{month_day}")
            if day not in known:
                db.session.add(Holiday(day=day, name=name, name_ar=name_ar))
    db.session.commit()
