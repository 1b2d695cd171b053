"""The forms of inspections. The report form works with no JavaScript and follows the offline
contract: a hidden idempotency key, photos compressed by the phone, 422 when refused."""

from __future__ import annotations

from datetime import datetime

from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from app.core.dates import parse_phone_time, today
from app.core.forms import Form
from app.core.positions import position_valid
from app.core.validators import MaxLength
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.inspections.workflow import INFRACTION_TYPES, OUTCOME_LABELS, PERMIT_TYPES, TYPE_LABELS, Outcome

FINDINGS_MAX = 4000
SUMMARY_MAX = 1000
ANSWERS = (SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No")), SelectChoice("na", _l("Not applicable")))


class ReportForm(Form):
    latitude = FloatField(_l("Latitude"), validators=[Optional()])
    longitude = FloatField(_l("Longitude"), validators=[Optional()])
    accuracy = HiddenField()
    findings = TextAreaField(
        _l("What did you find?"),
        validators=[
            DataRequired(_l("Write what you found on site.")),
            MaxLength(FINDINGS_MAX, message=_l("Write the findings in 4,000 characters or fewer.")),
        ],
        description=_l("Only the commune's staff read it."),
    )
    outcome = RadioField(
        _l("Outcome"),
        choices=[SelectChoice(o.value, OUTCOME_LABELS[o]) for o in Outcome],
        validators=[DataRequired(_l("Choose the outcome: compliant, not compliant or no access."))],
    )
    public_summary = TextAreaField(
        _l("Summary for the applicant or the citizen (optional)"),
        validators=[Optional(), MaxLength(SUMMARY_MAX, message=_l("Write the summary in 1,000 characters or fewer."))],
        description=_l("Shown on the file's public timeline. Leave it empty to keep the report internal."),
    )
    photos = MultipleFileField(_l("Photos (optional)"), description=_l("Up to ten photos."))
    idempotency_key = HiddenField()
    filed_at = HiddenField()  # the phone's time when the report was written, if it sends one

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        outside = _("This position is outside Morocco. Use your location again, or leave the position empty.")
        return position_valid(self, outside) and valid

    @property
    def accuracy_m(self) -> float | None:
        try:
            value = float(self.accuracy.data) if self.accuracy.data else None
        except ValueError:
            return None
        return value if value is not None and 0 <= value < 100_000 else None

    @property
    def filed_at_time(self) -> datetime | None:
        return parse_phone_time(self.filed_at.data)


class OnTheSpotForm(ReportForm):
    """An infraction found on the spot: its kind and place, then the report."""

    infraction = RadioField(
        _l("What kind of infraction?"),
        choices=[SelectChoice(t.value, TYPE_LABELS[t]) for t in INFRACTION_TYPES],
        validators=[DataRequired(_l("Choose the kind of infraction."))],
    )
    address = StringField(
        _l("Address or place"),
        validators=[DataRequired(_l("Say where it is: a street, a neighbourhood, a landmark.")), MaxLength(240)],
    )


def checklist_fields(form: Form, questions: list[str], formdata, prefix: str = "check") -> list:
    """One yes / no / not applicable question per checklist item, bound to the same request data."""
    fields = []
    for index, question in enumerate(questions):
        bound = RadioField(question, choices=list(ANSWERS), validators=[Optional()]).bind(form, f"{prefix}_{index}")
        bound.process(formdata)
        fields.append(bound)
    return fields


def agent_choices(agents, empty_label: str) -> list[SelectChoice]:
    return [SelectChoice(0, empty_label)] + [SelectChoice(u.id, u.full_name) for u in agents]


class ActionForm(Form):
    """A step with nothing to type."""


class _Scheduling(Form):
    agent = SelectField(_l("Field agent"), coerce=int, validate_choice=False)
    due_on = DateField(_l("To be done by (optional)"), validators=[Optional()])

    def validate_due_on(self, field) -> None:
        if field.data and field.data < today():
            raise ValidationError(_("Choose today or a later day."))


class AssignForm(_Scheduling):
    pass


class SiteCheckForm(_Scheduling):
    instructions = TextAreaField(
        _l("What should the agent check? (optional)"), validators=[Optional(), MaxLength(FINDINGS_MAX)]
    )


class SiteVisitForm(_Scheduling):
    """The permit desk's "request a site visit": the kind of check, the agent, the date."""

    visit_message = TextAreaField(
        _l("Message to the applicant (optional)"),
        validators=[Optional(), MaxLength(FINDINGS_MAX)],
        description=_l("For example, who should be there to open the gate. The applicant sees it."),
    )
    visit_type = RadioField(
        _l("Kind of check"),
        choices=[SelectChoice(t.value, TYPE_LABELS[t]) for t in PERMIT_TYPES],
        default=PERMIT_TYPES[0].value,
        validators=[DataRequired(_l("Choose a site visit or an end-of-works check."))],
    )


class ChecklistForm(Form):
    ar = TextAreaField(_l("Questions in Arabic"), validators=[MaxLength(8000)])
    fr = TextAreaField(_l("Questions in French"), validators=[MaxLength(8000)])
    en = TextAreaField(
        _l("Questions in English"),
        validators=[MaxLength(8000)],
        description=_l("One question per line, in the same order in the three languages."),
    )

    @staticmethod
    def lines(text: str | None) -> list[str]:
        return [line.strip()[:200] for line in (text or "").splitlines() if line.strip()]
