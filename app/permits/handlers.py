"""How permit files react to what other areas announce."""

from __future__ import annotations

from app.inspections.signals import report_filed
from app.permits.workflow import MACHINE, Status


@report_filed.connect
def land_report_on_file(report, agent, **_) -> None:
    """An agent's report of a permit's inspection: an internal entry with the findings, the public
    summary (if any) for the applicant; a file waiting for this visit goes back to review."""
    case = report.inspection.permit_case
    if case is None:
        return
    params = {"inspection": report.inspection.reference, "outcome": report.outcome.value}
    if case.status is Status.SITE_VISIT:
        MACHINE.apply(case, "record_site_visit", agent, message=report.public_summary, **params)
    elif report.public_summary:
        case.record("message", agent, message=report.public_summary)
    case.record("note", agent, public=False, message=report.findings, **params)
