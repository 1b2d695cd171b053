"""The latitude/longitude pair of a form (a complaint, an inspection report): both or neither, in Morocco."""

from __future__ import annotations

from app.core.geo import in_morocco
from app.i18n import gettext as _


def position_valid(form, outside_morocco: str) -> bool:
    """Adds the error to the right field and says whether the pair can be used. The message for a
    position outside Morocco says what this form offers instead."""
    lat, lon = form.latitude.data, form.longitude.data
    if form.latitude.errors or form.longitude.errors:
        return False
    if (lat is None) != (lon is None):
        (form.longitude if lon is None else form.latitude).errors.append(
            _("Give both the latitude and the longitude, or neither.")
        )
        return False
    if lat is not None and not in_morocco(lat, lon):
        form.latitude.errors.append(outside_morocco)
        return False
    return True
