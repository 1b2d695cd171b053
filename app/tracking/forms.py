from wtforms import StringField
from wtforms.validators import DataRequired

from app.core.forms import Form
from app.core.validators import MaxLength
from app.i18n import lazy_gettext as _l


class TrackForm(Form):
    reference = StringField(
        _l("Reference"),
        validators=[DataRequired(_l("Enter the file's reference.")), MaxLength(20)],
        description=_l("As on your receipt, for example P-2026-000123."),
    )
    code = StringField(
        _l("Tracking code"),
        validators=[DataRequired(_l("Enter the tracking code.")), MaxLength(12)],
        description=_l("The 8 letters and digits printed under the reference."),
    )
