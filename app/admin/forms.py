from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

AGENCY_LABELS = {
    "commune_technical": _l("Commune technical service"),
    "urban_agency": _l("Urban agency"),
    "civil_protection": _l("Civil protection"),
    "cadastre": _l("Cadastre (ANCFCC)"),
    "province": _l("Province or prefecture"),
    "culture": _l("Ministry of Culture"),
    "other": _l("Other body"),
}


class AgencyForm(FlaskForm):
    kind = SelectField(_l("Kind of body"), choices=[SelectChoice(kind, label) for kind, label in AGENCY_LABELS.items()], validate_choice=True)
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the agency's name.")), Length(max=160)])
