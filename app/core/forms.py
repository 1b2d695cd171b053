"""The base of every form: what people type loses the bidi controls it leaves open (app.core.bidi)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from app.core.bidi import drop_unpaired_bidi


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Every text field (inputs, text areas, e-mail…) but passwords: those are kept as typed.
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                options["filters"] = (*options.get("filters", ()), drop_unpaired_bidi)
            return unbound_field.bind(form=form, **options)
