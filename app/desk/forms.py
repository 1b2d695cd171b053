"""The desk's forms. Each action form on a file has its own field names (one page shows several
forms); CSRF tokens are written by the templates, checked by CSRFProtect for every POST."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.i18n import current_language
from app.permits.models import PermitType, Verdict
from app.tracking.services import VERDICT_LABELS

MESSAGE_MAX = 4000


class QueueFilterForm(FlaskForm):
    """The queue's filters: a plain GET form (bookmarkable, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Reference or applicant's name"))
    status = SelectField(_l("Status"), validate_choice=False)
    type = SelectField(_l("Type of permit"), validate_choice=False)


class ActionForm(FlaskForm):
    """A step with nothing to type: mark complete, send for decision, issue."""


def request_documents_form(permit_type: PermitType, formdata=None):
    """A row per checklist item — tick it and say why — plus a row for another document."""
    language = current_language()

    class RequestDocumentsForm(FlaskForm):
        documents_message = TextAreaField(
            _l("Message to the applicant (optional)"),
            validators=[Optional(), Length(max=MESSAGE_MAX)],
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
                validators=[Length(max=500)],
            ),
        )
    RequestDocumentsForm.ask_other = BooleanField(_l("Another document"))
    RequestDocumentsForm.reason_other = StringField(
        _l("Which document, and why is it needed?"), validators=[Length(max=500)]
    )
    return RequestDocumentsForm(formdata=formdata)


class RecordSiteVisitForm(FlaskForm):
    visit_note = TextAreaField(
        _l("What was seen on site"),
        validators=[DataRequired(_l("Write what was seen on site.")), Length(max=MESSAGE_MAX)],
        description=_l("The note and the photos stay internal; the applicant sees that the visit took place."),
    )
    photos = MultipleFileField(
        _l("Photos (optional)"), description=_l("JPEG or PNG photos, several at once if needed.")
    )


class ApproveForm(FlaskForm):
    conditions = TextAreaField(
        _l("Conditions (optional)"),
        validators=[Optional(), Length(max=MESSAGE_MAX)],
        description=_l("The applicant sees them with the decision and on the permit."),
    )


class RefuseForm(FlaskForm):
    reasons = TextAreaField(
        _l("Reasons for the refusal"),
        validators=[DataRequired(_l("Give at least one reason for the refusal.")), Length(max=MESSAGE_MAX)],
        description=_l("One reason per line. The applicant sees each of them."),
    )

    def reason_list(self) -> list[str]:
        return [line.strip() for line in (self.reasons.data or "").splitlines() if line.strip()]


class RevokeForm(FlaskForm):
    revoke_reason = TextAreaField(
        _l("Why is the permit revoked?"),
        validators=[DataRequired(_l("Say why the permit is revoked.")), Length(max=MESSAGE_MAX)],
        description=_l("The holder sees it, and the public verification page will say the permit is revoked."),
    )


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Message"), validators=[DataRequired(_l("Write the message first.")), Length(max=MESSAGE_MAX)]
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


class OpinionForm(FlaskForm):
    verdict = RadioField(
        _l("Opinion"),
        choices=[SelectChoice(v.value, label) for v, label in VERDICT_LABELS.items()],
        validators=[DataRequired(_l("Choose the opinion."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Optional(), Length(max=MESSAGE_MAX)],
        description=_l("Required for conditions or an unfavourable opinion."),
    )

    @property
    def verdict_value(self) -> Verdict:
        return Verdict(self.verdict.data)
