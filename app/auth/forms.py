from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Optional, ValidationError

from app.core.forms import Form
from app.core.identity import InvalidIdentifier, normalize_cin, parse_login
from app.core.validators import MaxLength

LOGIN_HINT = _l("A Moroccan mobile number such as 06 12 34 56 78, or an e-mail address.")


def valid_login(form, field) -> None:
    try:
        parse_login(field.data or "")
    except InvalidIdentifier:
        raise ValidationError(
            _l("Enter a Moroccan mobile number such as 06 12 34 56 78, or an e-mail address such as name@example.ma.")
        ) from None


def valid_cin(form, field) -> None:
    if field.data and field.data.strip():
        try:
            normalize_cin(field.data)
        except InvalidIdentifier:
            raise ValidationError(
                _l("A CIN number is one or two letters then up to six digits, such as AB123456.")
            ) from None


class SignUpForm(Form):
    full_name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter your full name.")),
            MaxLength(120, message=_l("Use at most %(max)d characters.")),
        ],
        description=_l("In Arabic or Latin letters, as on your ID card."),
    )
    login = StringField(
        _l("Mobile number or e-mail"),
        validators=[DataRequired(_l("Enter your mobile number or e-mail address.")), valid_login],
        description=LOGIN_HINT,
    )
    cin = StringField(
        _l("CIN number (optional)"),
        validators=[Optional(), valid_cin],
        description=_l("Your national ID card number. It helps clerks find your files."),
    )
    commune = SelectField(_l("Your commune"), coerce=int, validate_choice=True)
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Choose a password."))],
        description=_l("At least 8 characters. Not only digits, and not a common password."),
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(_l("Type your password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class SignInForm(Form):
    login = StringField(
        _l("Mobile number or e-mail"),
        validators=[DataRequired(_l("Enter your mobile number or e-mail address."))],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"), default=True)


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a new password."))],
        description=_l("At least 8 characters. Not only digits, and not a common password."),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type your new password again.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )
