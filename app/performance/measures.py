"""What the public figures are: one definition per measure, read by the roll-up, the pages, the
open data files and their data package (the README says the same, one sentence each)."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import lazy_gettext as _l

FEWER_THAN = 5  # a figure drawn from fewer cases than this is never shown: "fewer than 5"


@dataclass(frozen=True)
class Measure:
    code: str
    section: str  # permits | complaints | inspections
    kind: str  # count | share | median | average
    label: str
    explanation: str
    dimensions: tuple[str, ...] = ()  # the breakdowns published besides the commune's total


PERMIT_TYPE = ("type",)

MEASURES = (
    Measure(
        "permits_received",
        "permits",
        "count",
        _l("Applications received"),
        _l("Permit applications sent in the period, counted on the day the receipt was given."),
        ("type", "channel"),
    ),
    Measure(
        "permits_complete",
        "permits",
        "count",
        _l("Found complete"),
        _l("Files the commune found complete in the period: the day their legal clock started."),
        PERMIT_TYPE,
    ),
    Measure(
        "permits_decided",
        "permits",
        "count",
        _l("Files decided"),
        _l("Files approved or refused in the period."),
        PERMIT_TYPE,
    ),
    Measure(
        "permits_approved", "permits", "count", _l("Approved files"), _l("Files approved in the period."), PERMIT_TYPE
    ),
    Measure(
        "permits_refused", "permits", "count", _l("Refused files"), _l("Files refused in the period."), PERMIT_TYPE
    ),
    Measure(
        "permits_median_days",
        "permits",
        "median",
        _l("Median days from complete to decision"),
        _l(
            "Of the files decided in the period, the median number of calendar days from the day the file was "
            "found complete to the decision, pauses included."
        ),
        PERMIT_TYPE,
    ),
    Measure(
        "permits_within_deadline",
        "permits",
        "share",
        _l("Decided within the legal deadline"),
        _l(
            "Of the files decided in the period and those whose legal deadline passed in the period with no "
            "decision, the share decided by the deadline, counted as each file's page counts it (calendar or "
            "working days, public holidays, pauses while documents are requested)."
        ),
        PERMIT_TYPE,
    ),
    Measure(
        "permits_silence",
        "permits",
        "count",
        _l("Approved by silence"),
        _l(
            "Files whose legal deadline passed in the period with no decision, of a type where silence counts as "
            "approval (counted on the day after the deadline)."
        ),
        PERMIT_TYPE,
    ),
    Measure(
        "permits_documents_requested",
        "permits",
        "count",
        _l("Files with documents requested"),
        _l("Files for which the commune first asked for missing documents in the period."),
        PERMIT_TYPE,
    ),
    Measure(
        "permits_issued", "permits", "count", _l("Permits issued"), _l("Permits issued in the period."), PERMIT_TYPE
    ),
    Measure(
        "complaints_received",
        "complaints",
        "count",
        _l("Complaints received"),
        _l("Complaints, observations and suggestions received in the period."),
        ("kind", "category", "department", "channel"),
    ),
    Measure(
        "complaints_acknowledged_in_time",
        "complaints",
        "share",
        _l("Acknowledged within 15 days"),
        _l(
            "Of those received in the period that were acknowledged or whose 15 days have run out, the share "
            "acknowledged and forwarded to a department (or closed as out of scope) within 15 days of receipt."
        ),
    ),
    Measure(
        "complaints_answered_in_time",
        "complaints",
        "share",
        _l("Answered within 60 days"),
        _l(
            "Of those received in the period that were answered or whose 60 days have run out, the share whose "
            "first answer (or closing as out of scope) came within 60 days of receipt."
        ),
    ),
    Measure(
        "complaints_median_days",
        "complaints",
        "median",
        _l("Median days to answer"),
        _l("Of the first answers given in the period, the median number of days since the complaint was received."),
    ),
    Measure(
        "complaints_answered",
        "complaints",
        "count",
        _l("Complaints answered"),
        _l(
            "Complaints whose latest answer was given in the period, by outcome: resolved, not resolved, not the "
            "commune's competence."
        ),
        ("outcome",),
    ),
    Measure(
        "complaints_rating",
        "complaints",
        "average",
        _l("Average satisfaction (1 to 5)"),
        _l("The average of the ratings citizens gave to the answers of the period."),
    ),
    Measure(
        "complaints_ratings",
        "complaints",
        "count",
        _l("Ratings"),
        _l("How many of the answers of the period the citizen rated."),
    ),
    Measure(
        "complaints_reopened",
        "complaints",
        "share",
        _l("Reopened after the answer"),
        _l("Of those received in the period and answered, the share the citizen reopened after the answer."),
    ),
    Measure(
        "inspections_reported",
        "inspections",
        "count",
        _l("Inspections carried out"),
        _l("Inspections whose agent visited in the period (the time of the report on site), by outcome."),
        ("outcome",),
    ),
)

BY_CODE = {m.code: m for m in MEASURES}
SECTIONS = {
    "permits": _l("Permits"),
    "complaints": _l("Complaints, observations and suggestions"),
    "inspections": _l("Inspections"),
}


def of_section(section: str) -> list[Measure]:
    return [m for m in MEASURES if m.section == section]
