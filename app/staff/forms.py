from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired

from app.auth.forms import LOGIN_HINT, valid_login
from app.core.forms import Form
from app.core.validators import MaxLength
from app.i18n import lazy_gettext as _l

ROLE_LABELS = {
    "agent": _l("Field agent"),
    "clerk": _l("Clerk"),
    "reviewer": _l("Reviewer (instruction commission)"),
    "admin": _l("Commune administrator"),
    "national_admin": _l("National administrator"),
}


class StaffForm(Form):
    full_name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter the person's full name.")),
            MaxLength(120, message=_l("Use at most %(max)d characters.")),
        ],
    )
    login = StringField(
        _l("Mobile number or e-mail"),
        validators=[DataRequired(_l("Enter a mobile number or e-mail address.")), valid_login],
        description=LOGIN_HINT,
    )
    role = SelectField(_l("Role"), validate_choice=True)
    commune = SelectField(_l("Commune"), coerce=int, validate_choice=True)
    agency = SelectField(_l("Agency (reviewers only)"), coerce=int, validate_choice=True)
    password = PasswordField(
        _l("First password"),
        validators=[DataRequired(_l("Choose a first password."))],
        description=_l("Give it to the person privately; they can change it in their account."),
    )


class StaffEditForm(Form):
    role = SelectField(_l("Role"), validate_choice=True)
    active = BooleanField(_l("Account active"))
    may_decide = BooleanField(_l("May approve, refuse and issue permits (clerks)"))
