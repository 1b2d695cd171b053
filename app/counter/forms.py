"""The counter's forms: who stands at the counter, what they file, and claiming a file later."""

from __future__ import annotations

from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired

from app.auth.forms import valid_cin
from app.complaints.forms import FileForm
from app.core.channels import CHANNEL_LABELS, Channel
from app.core.forms import Form
from app.core.validators import MaxLength
from app.i18n import lazy_gettext as _l
from app.permits.forms import valid_mobile

# What a clerk types in: the person at the counter, a paper letter, a phone call.
CLERK_CHANNELS = (Channel.COUNTER, Channel.LETTER, Channel.PHONE)


def _channel_field():
    return RadioField(
        _l("How did it reach the commune?"),
        choices=[SelectChoice(c.value, CHANNEL_LABELS[c]) for c in CLERK_CHANNELS],
        default=Channel.COUNTER.value,
        validators=[DataRequired(_l("Choose how it reached the commune."))],
    )


def _cin_field():
    return StringField(
        _l("CIN number"),
        validators=[DataRequired(_l("Enter the CIN number from the person's card.")), valid_cin],
        description=_l("With it, the person can later attach the file to an account and follow it."),
    )


class CounterPermitForm(Form):
    channel = _channel_field()
    permit_type = RadioField(
        _l("Which permit does the person apply for?"),
        coerce=int,
        validators=[DataRequired(_l("Choose the permit."))],
    )
    applicant_name = StringField(
        _l("Full name of the applicant"),
        validators=[DataRequired(_l("Enter the applicant's full name.")), MaxLength(120)],
    )
    applicant_cin = _cin_field()
    applicant_phone = StringField(_l("Mobile number (optional)"), validators=[valid_mobile, MaxLength(30)])


class CounterComplaintForm(FileForm):
    """The online form's fields (what, where, photos), and the person at the counter."""

    channel = _channel_field()
    contact_name = StringField(
        _l("Full name of the person"),
        validators=[DataRequired(_l("Enter the person's full name.")), MaxLength(120)],
    )
    contact_cin = _cin_field()


class ClaimForm(Form):
    reference = StringField(
        _l("Reference"),
        validators=[DataRequired(_l("Enter the reference from the receipt.")), MaxLength(20)],
        description=_l("As on the receipt, e.g. P-2026-000123 or C-2026-000045."),
    )
    code = StringField(
        _l("Tracking code"), validators=[DataRequired(_l("Enter the tracking code from the receipt.")), MaxLength(12)]
    )
    cin = StringField(_l("Your CIN number"), validators=[DataRequired(_l("Enter your CIN number.")), MaxLength(12)])
