"""A spring of one commune (Chefchaouen), built day by day through the services people use, with a
few cases of another commune (Tiznit) that must never count. The figures' tests know each answer.

Rolled up on 2026-05-15. Morocco is at UTC+0 during Ramadan (until 2026-03-22 here) and UTC+1
after: the roll-up must count days in Morocco, whatever the offset.

Permits (building_small: 15 calendar days, silence counts; repair switched to 15 working days):
  P1 sent 03-02, complete 03-03, approved 03-10 (7 days, in time), issued 03-12
  P2 sent 03-02, complete 03-04, documents requested 03-06, provided 03-16 (10 days paused),
     complete again 03-17, refused 03-25 (21 days; deadline 03-29 with the pause: in time)
  P3 sent 03-02, complete 03-05, never decided: deadline 03-20, approved by silence on 03-21
  P4 sent 03-02, complete 03-05, approved 03-30 (25 days, deadline 03-20: late)
  P5 repair, sent 03-31, complete 04-01 (Wed), approved 04-21: 14 working days (in time; 20
     calendar days would be late)
  P6 sent 03-20, never found complete
  a draft never sent; in Tiznit one file sent, complete and approved in March
Complaints:
  C1 received 03-02, acknowledged 03-05, answered 03-20 (resolved), rated 4
  C2 received 03-02, acknowledged 03-20 (late), answered 05-10 (late, not resolved), rated 2
  C3 received 03-03 (an observation), acknowledged 03-04, answered 03-10 (resolved), reopened 03-12,
     answered again 03-25 (not resolved)
  C4 received 03-03 (a suggestion, lighting), closed as out of scope 03-05 (from "received")
  C5 received 03-04 through Open311, acknowledged 03-06, answered 03-08 (resolved)
  C6 received 04-10, untouched: its 15 days have run out by 05-15, its 60 days not
  C7 received 2026-05-01 at 00:30 in Morocco (still April 30 in UTC)
  in Tiznit one complaint received in March and answered
Inspections: one on-the-spot infraction report in Chefchaouen on 04-02 (not compliant), one in Tiznit.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.services import create_staff
from app.complaints import services as complaints
from app.complaints.models import Complaint, ComplaintCategory
from app.complaints.workflow import Kind, Outcome
from app.core.channels import Channel
from app.extensions import db
from app.inspections import services as inspections
from app.inspections.workflow import Outcome as InspectionOutcome
from app.inspections.workflow import Type
from app.models import Role, User
from app.permits import services as permits
from app.permits.models import PermitType
from tests.permits import files

ROLLED_UP_ON = "2026-05-15 06:00"
# The decisions here do not wait for the commission's opinions: the clerk says why (app.permits.workflow).
NO_WAIT = "La commission ne s'est pas réunie."
CHEFCHAOUEN = "01.151.01.01"
TIZNIT = "09.581.01.07"


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _category(commune, code: str) -> ComplaintCategory:
    return db.session.scalar(
        sa.select(ComplaintCategory).where(ComplaintCategory.commune_id == commune.id, ComplaintCategory.code == code)
    )


def _complaint(commune, kind=Kind.COMPLAINT, code="roads", **options) -> Complaint:
    return complaints.file_complaint(
        commune, _category(commune, code), kind, "Un trou devant le numéro 12.", location_text="Rue 1", **options
    )


def _report(agent: User, key: str, outcome: InspectionOutcome) -> None:
    inspection = inspections.open_on_the_spot(agent, Type.UNAUTHORISED_CONSTRUCTION, "Hay Souika", None, None)
    inspections.file_report(inspection, agent, inspections.ReportInput("Un étage ajouté.", outcome, key))


def build(app, clock) -> None:
    """The whole spring; call with the demo data in place (the ``demo`` fixture)."""
    with app.app_context():
        repair = db.session.scalar(sa.select(PermitType).where(PermitType.code == "repair"))
        repair.working_days = True  # the type's rule is copied to the file when its clock starts
        db.session.commit()
        try:
            _spring(clock)
        finally:
            repair.working_days = False  # permit types outlive a test
            db.session.commit()
        db.session.remove()


def _spring(clock) -> None:
    clerk = _user("clerk@demo.ma")
    chefchaouen, tiznit = clerk.commune, _user("clerk2@demo.ma").commune
    _user("clerk2@demo.ma").may_decide = True
    tiznit_agent = create_staff(
        login="agent2@demo.ma",
        password="jamaati-demo",
        full_name="Agent Tiznit",
        role=Role.AGENT,
        commune=tiznit,
        enforce_password_policy=False,
    )

    clock.at("2026-03-02 10:00")
    p1, p2, p3, p4 = (files.submitted() for _ in range(4))
    other = files.submitted(commune_of="clerk2@demo.ma", account="citoyen.tiznit@demo.ma")
    files.draft()  # never sent: not an application
    c1, c2 = _complaint(chefchaouen), _complaint(chefchaouen)
    _complaint(tiznit)
    clock.at("2026-03-03 09:00")
    permits.mark_complete(p1, clerk)
    c3 = _complaint(chefchaouen, Kind.OBSERVATION)
    c4 = _complaint(chefchaouen, Kind.SUGGESTION, "lighting")
    permits.mark_complete(other, _user("clerk2@demo.ma"))
    clock.at("2026-03-04 09:00")
    permits.mark_complete(p2, clerk)
    complaints.acknowledge(c3, clerk, "")
    c5 = _complaint(chefchaouen, channel=Channel.OPEN311)
    clock.at("2026-03-05 09:00")
    permits.mark_complete(p3, clerk)
    permits.mark_complete(p4, clerk)
    complaints.acknowledge(c1, clerk, "")
    complaints.close_out_of_scope(c4, clerk, "Adressez-vous à la province.")
    clock.at("2026-03-06 09:00")
    permits.request_documents(p2, clerk, [{"code": "other", "reason": "Le plan de masse est illisible."}])
    complaints.acknowledge(c5, clerk, "")
    clock.at("2026-03-08 09:00")
    complaints.answer(c5, clerk, Outcome.RESOLVED, "Réparé.")
    clock.at("2026-03-10 09:00")
    permits.approve(p1, clerk, None, going_ahead=NO_WAIT)
    complaints.answer(c3, clerk, Outcome.RESOLVED, "Réparé.")
    permits.approve(other, _user("clerk2@demo.ma"), None, going_ahead=NO_WAIT)
    clock.at("2026-03-12 09:00")
    permits.issue(p1, clerk)
    complaints.reopen(c3, None, "Ce n'est pas réparé.")
    clock.at("2026-03-16 09:00")
    permits.add_document(p2, "other", files.upload("pdf"), p2.applicant)
    permits.provide_documents(p2, p2.applicant)
    clock.at("2026-03-17 09:00")
    permits.mark_complete(p2, clerk)
    clock.at("2026-03-20 09:00")
    complaints.acknowledge(c2, clerk, "")
    complaints.answer(c1, clerk, Outcome.RESOLVED, "Réparé.")
    files.submitted()  # P6
    clock.at("2026-03-21 09:00")
    complaints.rate(c1, 4, None)
    clock.at("2026-03-25 09:00")
    permits.refuse(p2, clerk, ["Le projet dépasse la hauteur permise."], going_ahead=NO_WAIT)
    complaints.answer(c3, clerk, Outcome.NOT_RESOLVED, "Les travaux sont prévus en juin.")
    clock.at("2026-03-30 09:00")
    permits.approve(p4, clerk, None, going_ahead=NO_WAIT)
    clock.at("2026-03-31 09:00")
    p5 = files.submitted(type_code="repair")
    clock.at("2026-04-01 09:00")
    permits.mark_complete(p5, clerk)
    clock.at("2026-04-02 11:00")
    _report(_user("agent@demo.ma"), "spring-report-1", InspectionOutcome.NOT_COMPLIANT)
    _report(tiznit_agent, "spring-report-2", InspectionOutcome.COMPLIANT)
    clock.at("2026-04-10 09:00")
    _complaint(chefchaouen)  # C6
    clock.at("2026-04-21 09:00")
    permits.approve(p5, clerk, None, going_ahead=NO_WAIT)
    clock.at("2026-05-01 00:30")
    _complaint(chefchaouen)  # C7
    clock.at("2026-05-10 09:00")
    complaints.answer(c2, clerk, Outcome.NOT_RESOLVED, "Hors budget cette année.")
    clock.at("2026-05-11 09:00")
    complaints.rate(c2, 2, None)
    clock.at(ROLLED_UP_ON)
