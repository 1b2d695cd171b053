from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
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
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.auth.forms import valid_cin
from app.core.identity import InvalidIdentifier, normalize_phone
from app.i18n import current_language


def valid_mobile(form, field) -> None:
    if field.data and field.data.strip():
        try:
            normalize_phone(field.data)
        except InvalidIdentifier:
            raise ValidationError(_l("Enter a Moroccan mobile number such as 06 12 34 56 78.")) from None


class NewApplicationForm(FlaskForm):
    permit_type = RadioField(
        _l("Which permit do you need?"), coerce=int, validators=[DataRequired(_l("Choose the permit you need."))]
    )
    commune = SelectField(_l("Commune where the land is"), coerce=int, validate_choice=True)
    idempotency_key = HiddenField()  # one per application started: a replayed POST is the same case


class ApplicantForm(FlaskForm):
    applicant_name = StringField(
        _l("Full name of the applicant"),
        validators=[DataRequired(_l("Enter the applicant's full name.")), Length(max=120)],
    )
    applicant_cin = StringField(_l("CIN number (optional)"), validators=[Optional(), valid_cin])
    applicant_phone = StringField(
        _l("Mobile number (optional)"),
        validators=[Optional(), valid_mobile],
        description=_l("The commune may call this number about the file."),
    )
    applicant_address = StringField(
        _l("Postal address"), validators=[DataRequired(_l("Enter the applicant's address.")), Length(max=240)]
    )


class ParcelForm(FlaskForm):
    not_titled = BooleanField(_l("The land has no land title (not registered)"))
    land_title = StringField(
        _l("Land title number"),
        validators=[Length(max=40)],
        description=_l("As written on the property certificate, e.g. 12345/08."),
    )
    address = StringField(
        _l("Address or place of the land"), validators=[DataRequired(_l("Enter where the land is.")), Length(max=240)]
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


class UploadForm(FlaskForm):
    item = HiddenField()
    file = FileField(_l("Choose a file"))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Message"), validators=[DataRequired(_l("Write the message first.")), Length(max=4000)])


class FiniteDecimalField(DecimalField):
    """A number as people write it; NaN and infinities (even "sNaN") are not numbers here."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Enter a number."))


def details_form(permit_type, data=None) -> FlaskForm:
    """The form for the type-specific questions, built from the type's field list."""
    language = current_language()

    class DetailsForm(FlaskForm):
        pass

    for spec in permit_type.fields:
        label = spec["label"].get(language) or spec["label"]["fr"]
        required = spec.get("required", True)
        checks = [DataRequired(_l("Answer this question."))] if required else [Optional()]
        if spec["kind"] == "int":
            field = IntegerField(label, validators=[*checks, NumberRange(0, 100_000, _l("Enter a whole number."))])
        elif spec["kind"] == "decimal":
            field = FiniteDecimalField(
                label,
                places=None,
                validators=[*checks, NumberRange(Decimal(0), Decimal(10_000_000), _l("Enter a number."))],
            )
        elif spec["kind"] == "choice":
            choices = [SelectChoice(c["value"], c["label"].get(language) or c["label"]["fr"]) for c in spec["choices"]]
            field = RadioField(
                label, choices=choices, validators=[DataRequired(_l("Choose an answer."))] if required else [Optional()]
            )
        else:
            field = TextAreaField(label, validators=[*checks, Length(max=2000)])
        setattr(DetailsForm, spec["name"], field)
    return DetailsForm(data=data)


def plain(value):
    """JSON-friendly answers: Decimal becomes a number written as typed."""
    return float(value) if isinstance(value, Decimal) else value
