from __future__ import annotations

from flask import current_app

from app.auth.services import AccountError, create_staff, end_every_session
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import Agency, Commune, Role, User


def create_staff_member(form, communes: list[Commune], agencies: list[Agency]) -> User:
    """Create the account an admin described in the staff form."""
    commune = next((c for c in communes if c.id == form.commune.data), None)
    agency = next((a for a in agencies if a.id == form.agency.data), None)
    return create_staff(
        login=form.login.data,
        password=form.password.data,
        full_name=form.full_name.data,
        role=Role(form.role.data),
        commune=commune,
        agency=agency,
    )


def update_staff_member(member: User, role: Role, active: bool, may_decide: bool = False) -> None:
    if role is not Role.NATIONAL_ADMIN and member.commune_id is None:
        raise AccountError(
            "role", _l("This person belongs to no commune: create a new account in the commune instead.")
        )
    if role is Role.REVIEWER and member.agency is None:
        raise AccountError("role", _l("A reviewer sits for an agency: create a new account for this agency."))
    member.role = role
    member.active = active
    member.may_decide = may_decide and role is Role.CLERK
    db.session.commit()
    if not active:
        end_every_session(member)  # a deactivated account is signed out everywhere
    current_app.logger.info("staff updated user=%s role=%s active=%s", member.id, role, active)
