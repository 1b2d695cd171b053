"""“What to do here”: one or two sentences for each staff page, opened from the page itself
(a <details> element: no JavaScript needed). base.html shows the one for the page's endpoint."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from app.i18n import lazy_gettext as _l

GUIDES = {
    "main.home": _l(
        "Your work, the most urgent first. New here? Enter the practice space below and try every action on "
        "fictitious files first."
    ),
    "permits_desk.queue": _l(
        "The commune's permit files, overdue first. Open one to check it for completeness, ask for documents "
        "or move it on."
    ),
    "permits_desk.show": _l(
        "Read the file and its documents, then take the next step offered at the bottom. If the applicant is at "
        "the counter, use “At the counter for the applicant”."
    ),
    "complaints_desk.queue": _l(
        "Complaints, observations and suggestions: acknowledge each within 15 days, answer within 60."
    ),
    "complaints_desk.show": _l(
        "Acknowledge and forward the complaint, ask for a site check if needed, then write the answer the "
        "citizen will read."
    ),
    "inspections_desk.queue": _l("Site visits and checks waiting: give each to a field agent, then read the reports."),
    "inspections.my_day": _l(
        "The visits assigned to you. Download the day before leaving: the reports can be written without a connection."
    ),
    "counter.index": _l(
        "For a person in front of you, or a letter or a call: file their application or complaint, then print "
        "the receipt and give it to them."
    ),
    "counter.new_permit": _l(
        "Choose the permit and type the person's name and CIN as on their card. The next page has the same "
        "questions and checklist as online."
    ),
    "counter.permit": _l(
        "Fill in each part with the person, scan or photograph each document they brought, then send: the "
        "receipt opens, ready to print."
    ),
    "counter.new_complaint": _l(
        "Type what the person reports, where, and their name and CIN. Photos are optional. The receipt opens "
        "once it is filed."
    ),
    "counter.for_the_applicant": _l(
        "Only what the applicant asks for, in front of you: add the documents they brought on paper, mark them "
        "provided, or withdraw at their request. The timeline shows it was done at the counter, by you."
    ),
    "staff.index": _l("The staff of your commune and their roles."),
}


def for_page() -> str | None:
    """The guide of the page being served, for staff only."""
    if not (current_user.is_authenticated and current_user.is_staff):
        return None
    guide = GUIDES.get(request.endpoint or "")
    return str(guide) if guide else None
