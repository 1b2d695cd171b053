"""Following a complaint after its answer: what the follow-up part of a page shows (on /track and
the author's page), and rating or reopening it from a form."""

from __future__ import annotations

from flask import flash, request

from app.complaints import services
from app.complaints.forms import RateForm, ReopenForm
from app.complaints.models import Complaint
from app.complaints.workflow import IllegalTransition
from app.core.errors import RuleError
from app.extensions import db
from app.i18n import gettext as _


def context(complaint: Complaint, rate_form=None, reopen_form=None, guest: bool = True) -> dict:
    """What the follow-up part shows (on /track and the author's page), forms filled for a guest."""
    rate_form = rate_form or RateForm(formdata=None)
    reopen_form = reopen_form or ReopenForm(formdata=None)
    if guest:
        for form in (rate_form, reopen_form):
            form.reference.data, form.code.data = complaint.reference, complaint.tracking_code
    if request.method == "GET" and complaint.rating and not rate_form.rating.data:
        rate_form.rating.data = str(complaint.rating)
    return {
        "complaint": complaint,
        "clock": services.clock(complaint),
        "rate_form": rate_form,
        "reopen_form": reopen_form,
        "can_rate": services.can_rate(complaint),
        "can_reopen": services.can_reopen(complaint),
        "guest": guest,
        "reopen_days": services.reopen_days(),
    }


def rate(complaint: Complaint, form: RateForm) -> bool:
    if form.validate_on_submit():
        try:
            services.rate(complaint, int(form.rating.data), form.comment.data)
        except RuleError as error:
            db.session.rollback()
            form.form_errors.append(str(error.message))
            return False
        flash(_("Thank you for your rating."), "success")
        return True
    return False


def reopen(complaint: Complaint, form: ReopenForm, actor) -> bool:
    if form.validate_on_submit():
        try:
            services.reopen(complaint, actor, form.reason.data)
        except (RuleError, IllegalTransition) as error:
            db.session.rollback()
            form.form_errors.append(str(getattr(error, "message", None) or _("This complaint cannot be reopened now.")))
            return False
        flash(_("The complaint is reopened. The commune will look at it again."), "success")
        return True
    return False
