"""The applicant's forms, and the desk's. Each action form on a file has its own field names
(one page shows several forms); CSRF tokens are written by the templates, checked by CSRFProtect
for every POST."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DecimalField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from app.auth.forms import valid_cin
from app.core.forms import Form
from app.core.identity import InvalidIdentifier, normalize_phone
from app.core.validators import MaxLength
from app.i18n import current_language
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.permits.models import VERDICT_LABELS, PermitType, Verdict


def valid_mobile(form, field) -> None:
    if field.data and field.data.strip():
        try:
            normalize_phone(field.data)
        except InvalidIdentifier:
            raise ValidationError(_l("Enter a Moroccan mobile number such as 06 12 34 56 78.")) from None


class NewApplicationForm(Form):
    permit_type = RadioField(
        _l("Which permit do you need?"), coerce=int, validators=[DataRequired(_l("Choose the permit you need."))]
    )
    commune = SelectField(_l("Commune where the land is"), coerce=int, validate_choice=True)
    idempotency_key = HiddenField()  # one per application started: a replayed POST is the same case


class ApplicantForm(Form):
    applicant_name = StringField(
        _l("Full name of the applicant"),
        validators=[DataRequired(_l("Enter the applicant's full name.")), MaxLength(120)],
    )
    applicant_cin = StringField(_l("CIN number (optional)"), validators=[Optional(), valid_cin])
    applicant_phone = StringField(
        _l("Mobile number (optional)"),
        validators=[Optional(), valid_mobile],
        description=_l("The commune may call this number about the file."),
    )
    applicant_address = StringField(
        _l("Postal address"), validators=[DataRequired(_l("Enter the applicant's address.")), MaxLength(240)]
    )


class ParcelForm(Form):
    not_titled = BooleanField(_l("The land has no land title (not registered)"))
    land_title = StringField(
        _l("Land title number"),
        validators=[MaxLength(40)],
        description=_l("As written on the property certificate, e.g. 12345/08."),
    )
    address = StringField(
        _l("Address or place of the land"), validators=[DataRequired(_l("Enter where the land is.")), MaxLength(240)]
    )
    latitude = FloatField(
        _l("Latitude (optional)"),
        validators=[Optional(), NumberRange(-90, 90, _l("A latitude is between -90 and 90."))],
    )
    longitude = FloatField(
        _l("Longitude (optional)"),
        validators=[Optional(), NumberRange(-180, 180, _l("A longitude is between -180 and 180."))],
    )

    def validate_land_title(self, field) -> None:
        if not self.not_titled.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter the land title number, or tick that the land has no title."))


class UploadForm(Form):
    item = HiddenField()
    file = FileField(_l("Choose a file"))


class FiniteDecimalField(DecimalField):
    """A number as people write it, with a decimal point or comma (Arabic's too); NaN and
    infinities (even "sNaN") are not numbers here."""

    def process_formdata(self, valuelist) -> None:
        if valuelist and "." not in valuelist[0]:
            valuelist = [valuelist[0].replace(",", ".").replace("\u066b", "."), *valuelist[1:]]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a number, such as 120.5.")) from None
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Enter a number, such as 120.5."))


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a whole number, such as 2.")) from None


# Numbers are typed left to right, on the phone's number keyboard, in a short box: a text input
# (GOV.UK's advice: type=number refuses "140,5" in some browsers and lets "1e309" through).
NUMBER_INPUT = {"dir": "ltr", "class": "short", "autocomplete": "off", "spellcheck": "false"}


def details_form(permit_type, data=None, **options) -> Form:
    """The form for the type-specific questions, built from the type's field list (``options``
    go to the form: a prefix and formdata when it shares a page with other forms)."""
    language = current_language()

    class DetailsForm(Form):
        pass

    for spec in permit_type.fields:
        label = spec["label"].get(language) or spec["label"]["fr"]
        required = spec.get("required", True)
        checks = [DataRequired(_l("Answer this question."))] if required else [Optional()]
        # Something typed that is not a number is told as such, not as "answer this question" (and 0 is an answer).
        typed = [InputRequired(_l("Answer this question."))] if required else [Optional()]
        if spec["kind"] == "int":
            field = WholeNumberField(
                label,
                widget=TextInput(),
                validators=[*typed, NumberRange(0, 100_000, _l("Enter a whole number from 0 to 100,000."))],
                render_kw=NUMBER_INPUT | {"inputmode": "numeric"},
            )
        elif spec["kind"] == "decimal":
            field = FiniteDecimalField(
                label,
                widget=TextInput(),
                places=None,
                validators=[
                    *typed,
                    NumberRange(Decimal(0), Decimal(10_000_000), _l("Enter a number from 0 to 10,000,000.")),
                ],
                render_kw=NUMBER_INPUT | {"inputmode": "decimal"},
            )
        elif spec["kind"] == "choice":
            choices = [SelectChoice(c["value"], c["label"].get(language) or c["label"]["fr"]) for c in spec["choices"]]
            field = RadioField(
                label, choices=choices, validators=[DataRequired(_l("Choose an answer."))] if required else [Optional()]
            )
        else:
            field = TextAreaField(label, validators=[*checks, MaxLength(2000)])
        setattr(DetailsForm, spec["name"], field)
    return DetailsForm(data=data, **options)


def plain(value):
    """JSON-friendly answers: Decimal becomes a number written as typed."""
    return float(value) if isinstance(value, Decimal) else value


# --- the desk (clerks, reviewers, agents) ----------------------------------------------------

MESSAGE_MAX = 4000


class QueueFilterForm(Form):
    """The queue's filters: a plain GET form (bookmarkable, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Reference or applicant's name"))
    status = SelectField(_l("Status"), validate_choice=False)
    type = SelectField(_l("Type of permit"), validate_choice=False)


class ActionForm(Form):
    """A step with nothing to type: mark complete, send for decision, issue."""


def request_documents_form(permit_type: PermitType, formdata=None):
    """A row per checklist item — tick it and say why — plus a row for another document."""
    language = current_language()

    class RequestDocumentsForm(Form):
        documents_message = TextAreaField(
            _l("Message to the applicant (optional)"),
            validators=[Optional(), MaxLength(MESSAGE_MAX)],
        )

        @property
        def rows(self):
            return [(self[f"ask_{code}"], self[f"reason_{code}"]) for code in codes]

        def items(self) -> list[dict]:
            return [
                {"code": code, "reason": self[f"reason_{code}"].data.strip()}
                for code in codes
                if self[f"ask_{code}"].data
            ]

        def validate(self, extra_validators=None) -> bool:
            valid = super().validate(extra_validators)
            for ask, reason in self.rows:
                text = (reason.data or "").strip()
                if ask.data and not text:
                    reason.errors.append(_("Say why this document is needed."))
                    valid = False
                elif text and not ask.data:
                    ask.errors.append(_("Tick this document to ask for it, or clear its reason."))
                    valid = False
            if valid and not self.items():
                first = self.rows[0][0]
                first.errors.append(_("Tick at least one document to ask for, and say why."))
                valid = False
            return valid

    codes = [item["code"] for item in permit_type.documents] + ["other"]
    for item in permit_type.documents:
        label = item["label"].get(language) or item["label"]["fr"]
        setattr(RequestDocumentsForm, f"ask_{item['code']}", BooleanField(label))
        setattr(
            RequestDocumentsForm,
            f"reason_{item['code']}",
            StringField(
                _("Why is “%(document)s” needed?", document=label),
                validators=[MaxLength(500)],
            ),
        )
    RequestDocumentsForm.ask_other = BooleanField(_l("Another document"))
    RequestDocumentsForm.reason_other = StringField(
        _l("Which document, and why is it needed?"), validators=[MaxLength(500)]
    )
    return RequestDocumentsForm(formdata=formdata)


class RecordSiteVisitForm(Form):
    visit_note = TextAreaField(
        _l("What was seen on site"),
        validators=[DataRequired(_l("Write what was seen on site.")), MaxLength(MESSAGE_MAX)],
        description=_l("The note and the photos stay internal; the applicant sees that the visit took place."),
    )
    photos = MultipleFileField(
        _l("Photos (optional)"), description=_l("JPEG or PNG photos, several at once if needed.")
    )


def going_ahead_field() -> TextAreaField:
    """Why a decision does not wait for an awaited opinion (see app.permits.workflow)."""
    return TextAreaField(
        _l("Why decide without the awaited opinions?"),
        validators=[Optional(), MaxLength(MESSAGE_MAX)],
        description=_l("Only when an opinion is still awaited. It is kept on the file's timeline."),
    )


class ApproveForm(Form):
    approve_going_ahead = going_ahead_field()
    conditions = TextAreaField(
        _l("Conditions (optional)"),
        validators=[Optional(), MaxLength(MESSAGE_MAX)],
        description=_l("The applicant sees them with the decision and on the permit."),
    )


class RefuseForm(Form):
    refuse_going_ahead = going_ahead_field()
    reasons = TextAreaField(
        _l("Reasons for the refusal"),
        validators=[DataRequired(_l("Give at least one reason for the refusal.")), MaxLength(MESSAGE_MAX)],
        description=_l("One reason per line. The applicant sees each of them."),
    )

    def reason_list(self) -> list[str]:
        return [line.strip() for line in (self.reasons.data or "").splitlines() if line.strip()]


class RevokeForm(Form):
    revoke_reason = TextAreaField(
        _l("Why is the permit revoked?"),
        validators=[DataRequired(_l("Say why the permit is revoked.")), MaxLength(MESSAGE_MAX)],
        description=_l("The holder sees it, and the public verification page will say the permit is revoked."),
    )


class NoteForm(Form):
    text = TextAreaField(
        _l("Message"), validators=[DataRequired(_l("Write the message first.")), MaxLength(MESSAGE_MAX)]
    )
    visibility = RadioField(
        _l("Who sees it?"),
        choices=[
            SelectChoice("internal", _l("Only the commune's staff (internal note)")),
            SelectChoice("public", _l("The applicant too (public message)")),
        ],
        default="internal",
        validators=[DataRequired(_l("Choose who sees it."))],
    )


class OpinionForm(Form):
    verdict = RadioField(
        _l("Opinion"),
        choices=[SelectChoice(v.value, label) for v, label in VERDICT_LABELS.items()],
        validators=[DataRequired(_l("Choose the opinion."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Optional(), MaxLength(MESSAGE_MAX)],
        description=_l("Required for conditions or an unfavourable opinion."),
    )

    @property
    def verdict_value(self) -> Verdict:
        return Verdict(self.verdict.data)
