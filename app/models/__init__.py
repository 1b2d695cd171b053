from app.models.commune import Commune
from app.models.user import (
    COMMUNE_STAFF_ROLES,
    STAFF_ROLES,
    AccountSession,
    Agency,
    AgencyKind,
    PasswordReset,
    ResetKind,
    Role,
    User,
)

__all__ = [
    "COMMUNE_STAFF_ROLES",
    "AccountSession",
    "Agency",
    "AgencyKind",
    "Commune",
    "PasswordReset",
    "ResetKind",
    "Role",
    "STAFF_ROLES",
    "User",
]
