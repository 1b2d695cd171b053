"""The forms of complaints: filing (works with no JavaScript), following, and the clerks' actions."""

from __future__ import annotations

from datetime import datetime

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional

from app.complaints.workflow import KIND_LABELS, OUTCOME_LABELS, Kind, Outcome
from app.core.dates import parse_phone_time
from app.core.forms import Form
from app.core.identity import InvalidIdentifier, normalize_email, normalize_phone
from app.core.positions import position_valid
from app.core.validators import MaxLength
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l

DESCRIPTION_MAX = 2000
MESSAGE_MAX = 4000


class FileForm(Form):
    kind = RadioField(
        _l("What do you want to send?"),
        choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in Kind],
        default=Kind.COMPLAINT.value,
        validators=[DataRequired(_l("Choose complaint, observation or suggestion."))],
    )
    category = SelectField(
        _l("What is it about?"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("Choose what it is about."))],
    )
    description = TextAreaField(
        _l("Describe the problem"),
        validators=[
            DataRequired(_l("Describe the problem.")),
            MaxLength(DESCRIPTION_MAX, message=_l("Describe the problem in 2,000 characters or fewer.")),
        ],
        description=_l("What, since when, and anything that helps to find it. At most 2,000 characters."),
    )
    latitude = FloatField(_l("Latitude (optional)"), validators=[Optional()])
    longitude = FloatField(_l("Longitude (optional)"), validators=[Optional()])
    accuracy = HiddenField()
    location_text = StringField(
        _l("Address or neighbourhood"),
        validators=[Optional(), MaxLength(240)],
        description=_l("A street, a neighbourhood, a landmark. Needed if you do not give your position."),
    )
    photos = MultipleFileField(_l("Photos (optional)"), description=_l("Up to three photos."))
    contact_name = StringField(_l("Your name (optional)"), validators=[Optional(), MaxLength(120)])
    contact_phone = StringField(_l("Mobile number (optional)"), validators=[Optional(), MaxLength(30)])
    contact_email = StringField(_l("E-mail address (optional)"), validators=[Optional(), MaxLength(254)])
    idempotency_key = HiddenField()
    seen_duplicates = HiddenField()
    written_at = HiddenField()  # the phone's time when it was sent there, if it says

    @property
    def written_at_time(self) -> datetime | None:
        return parse_phone_time(self.written_at.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        outside = _(
            "This position is outside Morocco. Use your location again on the spot, or write the address instead."
        )
        valid = position_valid(self, outside) and valid
        lat, lon = self.latitude.data, self.longitude.data
        if (
            lat is None
            and lon is None
            and not (self.location_text.data or "").strip()
            and not self.latitude.errors
            and not self.longitude.errors
        ):
            self.location_text.errors.append(
                _("Say where it is: use your location, or write an address or a neighbourhood.")
            )
            valid = False
        phone = (self.contact_phone.data or "").strip()
        if phone:
            try:
                self.phone_e164 = normalize_phone(phone)
            except InvalidIdentifier:
                self.contact_phone.errors.append(_("Enter a Moroccan mobile number, like 06 12 34 56 78."))
                valid = False
        else:
            self.phone_e164 = None
        email = (self.contact_email.data or "").strip()
        if email:
            try:
                self.email_normalized = normalize_email(email)
            except InvalidIdentifier:
                self.contact_email.errors.append(_("Enter an e-mail address like name@example.ma."))
                valid = False
        else:
            self.email_normalized = None
        return valid


class SupportForm(Form):
    """ "Already reported: follow it instead." A guest may leave a phone or e-mail."""

    contact = HiddenField()


class FollowForm(Form):
    """A guest acts on a complaint with its reference and tracking code (both kept hidden)."""

    reference = HiddenField(validators=[DataRequired(_l("Enter a reference.")), MaxLength(20)])
    code = HiddenField(validators=[DataRequired(_l("Enter the tracking code.")), MaxLength(12)])


class RateForm(FollowForm):
    rating = RadioField(
        _l("How satisfied are you with the answer?"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validators=[DataRequired(_l("Choose a rating from 1 to 5."))],
        description=_l("1: not at all, 5: fully."),
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), MaxLength(DESCRIPTION_MAX)])


class ReopenForm(FollowForm):
    reason = TextAreaField(
        _l("Why are you not satisfied? (optional)"), validators=[Optional(), MaxLength(DESCRIPTION_MAX)]
    )


# --- the clerks' side -------------------------------------------------------------------------


class QueueFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False)
    category = SelectField(_l("Category"), validate_choice=False)
    department = SelectField(_l("Department"), validate_choice=False)


class ActionForm(Form):
    """A step with nothing to type."""


class PublicSummaryForm(Form):
    summary = TextAreaField(
        _l("Public summary"),
        description=_l(
            "What anyone may read of this complaint, on its public page, in Open311 and the open data. "
            "Write the problem in your own words: no name, phone number or other personal detail. "
            "Leave it empty to publish nothing."
        ),
        validators=[Optional(), MaxLength(500)],
    )


class AcknowledgeForm(Form):
    department = StringField(
        _l("Forward to the department"), validators=[DataRequired(_l("Name the department.")), MaxLength(120)]
    )


class AssignForm(Form):
    agent = SelectField(_l("Assign to"), coerce=int, validate_choice=False)


class AnswerForm(Form):
    outcome = RadioField(
        _l("Outcome"),
        choices=[SelectChoice(o.value, OUTCOME_LABELS[o]) for o in Outcome],
        validators=[DataRequired(_l("Choose the outcome."))],
    )
    answer = TextAreaField(
        _l("Public answer"),
        validators=[DataRequired(_l("Write the answer the citizen will read.")), MaxLength(MESSAGE_MAX)],
        description=_l("If not resolved, say why; if not the commune's competence, say where to go."),
    )


class OutOfScopeForm(Form):
    message = TextAreaField(
        _l("Where should the citizen go instead?"),
        validators=[DataRequired(_l("Tell the citizen where to go instead.")), MaxLength(MESSAGE_MAX)],
    )


class NoteForm(Form):
    text = TextAreaField(
        _l("Internal note"), validators=[DataRequired(_l("Write the note first.")), MaxLength(MESSAGE_MAX)]
    )


class MergeForm(Form):
    target = StringField(
        _l("Reference of the complaint it duplicates"),
        validators=[DataRequired(_l("Enter a reference.")), MaxLength(20)],
    )


class CategoryForm(Form):
    name_ar = StringField(_l("Name in Arabic"), validators=[DataRequired(_l("Enter a name.")), MaxLength(120)])
    name_fr = StringField(_l("Name in French"), validators=[DataRequired(_l("Enter a name.")), MaxLength(120)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(_l("Enter a name.")), MaxLength(120)])
    department = StringField(_l("Department"), validators=[DataRequired(_l("Name the department.")), MaxLength(120)])
    duplicate_radius_m = IntegerField(
        _l("Duplicate radius in metres"),
        validators=[
            DataRequired(_l("Enter a radius in metres.")),
            NumberRange(10, 5000, _l("Enter a radius between 10 and 5,000 metres.")),
        ],
    )
    answer_templates = TextAreaField(
        _l("Answer templates (optional)"),
        validators=[Optional(), MaxLength(20000)],
        description=_l(
            "One per paragraph: a title on the first line, the text below. Separate them with an empty line."
        ),
    )
    active = BooleanField(_l("Citizens can choose this category"))
