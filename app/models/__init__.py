from app.models.commune import Commune
from app.models.user import (
    COMMUNE_STAFF_ROLES,
    STAFF_ROLES,
    AccountSession,
    Agency,
    AgencyKind,
    LoginThrottle,
    Role,
    User,
)

__all__ = [
    "COMMUNE_STAFF_ROLES",
    "AccountSession",
    "Agency",
    "AgencyKind",
    "Commune",
    "LoginThrottle",
    "Role",
    "STAFF_ROLES",
    "User",
]
