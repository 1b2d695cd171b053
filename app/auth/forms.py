from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Optional, ValidationError

from app.core.forms import Form
from app.core.identity import InvalidIdentifier, normalize_cin, parse_login
from app.core.validators import MaxLength
from app.i18n import lazy_gettext as _l

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


NEW_PASSWORD_HINT = _l("At least 8 characters. Not only digits, and not a common password.")


class ResetRequestForm(Form):
    login = StringField(
        _l("Mobile number or e-mail"),
        validators=[DataRequired(_l("Enter your mobile number or e-mail address.")), valid_login],
        description=_l("The one you sign in with."),
    )


class NewPasswordForm(Form):
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a new password."))],
        description=NEW_PASSWORD_HINT,
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type your new password again.")),
            EqualTo("new_password", _l("The two passwords are not the same.")),
        ],
    )


class CodeResetForm(NewPasswordForm):
    login = StringField(
        _l("Mobile number or e-mail"),
        validators=[DataRequired(_l("Enter your mobile number or e-mail address.")), valid_login],
        description=_l("The one you sign in with."),
    )
    code = StringField(
        _l("Reset code"),
        validators=[DataRequired(_l("Enter the code the counter gave you."))],
        description=_l("The 8 digits the clerk gave you, printed or read out."),
    )


class CounterLookupForm(Form):
    class Meta:
        csrf = False  # a search (GET): it changes nothing

    login = StringField(
        _l("The citizen's mobile number or e-mail"),
        validators=[DataRequired(_l("Enter the mobile number or e-mail address of the account."))],
    )


class IssueCodeForm(Form):
    login = HiddenField()
    cin = StringField(
        _l("CIN number on the card"),
        validators=[DataRequired(_l("Type the CIN number printed on the card."))],
        description=_l("Read it from the card the citizen shows you, not from the screen."),
    )
    seen = BooleanField(
        _l("I have the CIN card in my hands, and its photo and name are the citizen's in front of me."),
        validators=[DataRequired(_l("Check the card in person before giving a code."))],
    )
