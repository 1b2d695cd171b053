"""How complaints react to what other areas announce."""

from __future__ import annotations

from app.communes.signals import commune_opened
from app.complaints.services import seed_categories
from app.inspections.signals import report_filed


@report_filed.connect
def land_report_on_complaint(report, agent, **_) -> None:
    """A site check's report: the findings as an internal entry, the public summary (if any) for
    the citizen."""
    complaint = report.inspection.complaint
    if complaint is None:
        return
    inspection = report.inspection.reference
    complaint.record(
        "site_check", agent, public=False, message=report.findings, inspection=inspection, outcome=report.outcome.value
    )
    if report.public_summary:
        complaint.record("site_check", agent, message=report.public_summary, inspection=inspection)


@commune_opened.connect
def give_standard_categories(commune, **_) -> None:
    seed_categories(commune)
