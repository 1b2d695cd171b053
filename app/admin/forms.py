from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange

from app.core.forms import Form
from app.core.geo import in_morocco
from app.core.validators import MaxLength
from app.i18n import lazy_gettext as _l

AGENCY_LABELS = {
    "commune_technical": _l("Commune technical service"),
    "urban_agency": _l("Urban agency"),
    "civil_protection": _l("Civil protection"),
    "cadastre": _l("Cadastre (ANCFCC)"),
    "province": _l("Province or prefecture"),
    "culture": _l("Ministry of Culture"),
    "other": _l("Other body"),
}


class AgencyForm(Form):
    kind = SelectField(
        _l("Kind of body"),
        choices=[SelectChoice(kind, label) for kind, label in AGENCY_LABELS.items()],
        validate_choice=True,
    )
    name_ar = StringField(
        _l("Name in Arabic"), validators=[DataRequired(_l("Enter the agency's name in Arabic.")), MaxLength(160)]
    )
    name = StringField(
        _l("Name in French"), validators=[DataRequired(_l("Enter the agency's name in French.")), MaxLength(160)]
    )


class PermitTypeForm(Form):
    """What a national admin may change on a permit type (its fields and checklist stay in code)."""

    name_ar = StringField(
        _l("Name in Arabic"), validators=[DataRequired(_l("Enter the name in Arabic.")), MaxLength(160)]
    )
    name_fr = StringField(
        _l("Name in French"), validators=[DataRequired(_l("Enter the name in French.")), MaxLength(160)]
    )
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(_l("Enter the name in English.")), MaxLength(160)]
    )
    deadline_days = IntegerField(
        _l("Legal deadline, in days"),
        validators=[
            InputRequired(_l("Enter the legal deadline in days.")),
            NumberRange(1, 365, _l("Enter a number of days between 1 and 365.")),
        ],
        description=_l(
            "Counted from the day the file is found complete. A change applies to files whose clock "
            "starts after it; files already under review keep their rule."
        ),
    )
    working_days = RadioField(
        _l("How the days are counted"),
        choices=[
            SelectChoice("calendar", _l("Calendar days")),
            SelectChoice("working", _l("Working days (no weekends, no public holidays)")),
        ],
        validators=[DataRequired(_l("Choose how the days are counted."))],
    )
    silence_is_approval = BooleanField(_l("When the deadline passes without a decision, silence counts as approval"))
    validity_months = IntegerField(
        _l("Validity of the permit, in months"),
        validators=[
            InputRequired(_l("Enter the validity in months.")),
            NumberRange(0, 120, _l("Enter a number of months between 0 and 120.")),
        ],
        description=_l("0 means the permit has no end date."),
    )
    active = BooleanField(_l("Citizens can apply for it"))


class HolidayForm(Form):
    day = DateField(
        _l("Date"),
        validators=[InputRequired(_l("Enter the date of the holiday."))],
        description=_l("For example 2026-03-20."),
    )
    name = StringField(_l("Name in French"), validators=[DataRequired(_l("Enter the holiday's name.")), MaxLength(120)])
    name_ar = StringField(
        _l("Name in Arabic"), validators=[DataRequired(_l("Enter the name in Arabic.")), MaxLength(120)]
    )


class CommuneAreaForm(Form):
    """Where the commune is: complaints positioned beyond the radius are flagged for the clerk."""

    latitude = FloatField(
        _l("Latitude of the centre"),
        validators=[InputRequired(_l("Enter the latitude, for example 35.1714."))],
        description=_l("In decimal degrees, for example 35.1714."),
    )
    longitude = FloatField(
        _l("Longitude of the centre"),
        validators=[InputRequired(_l("Enter the longitude, for example -5.2697."))],
        description=_l("In decimal degrees, for example -5.2697 (west of Greenwich is negative)."),
    )
    radius_km = FloatField(
        _l("Radius, in kilometres"),
        validators=[
            InputRequired(_l("Enter the radius in kilometres.")),
            NumberRange(0.5, 200, _l("Enter a radius between 0.5 and 200 km.")),
        ],
        description=_l("Wide enough to hold the whole commune: a complaint farther away is flagged, never refused."),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not in_morocco(self.latitude.data, self.longitude.data):
            self.latitude.errors.append(_l("This position is outside Morocco. Check the latitude and the longitude."))
            valid = False
        return valid
