from __future__ import annotations

import contextlib
import enum
import functools
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.core.models import enum_column
from app.extensions import db
from app.i18n import in_page_language
from app.models.commune import Commune
from app.scoping import CommuneScoped


def _hasher() -> PasswordHasher:
    """Argon2id with the library's recommended parameters (cheaper ones only under test)."""
    params = current_app.config.get("ARGON2_PARAMS") if has_app_context() else None
    return _hasher_for(tuple(sorted((params or {}).items())))


@functools.cache
def _hasher_for(params: tuple) -> PasswordHasher:
    return PasswordHasher(**dict(params))


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    AGENT = "agent"  # field agent
    CLERK = "clerk"
    REVIEWER = "reviewer"  # member of an instruction commission, for one agency
    ADMIN = "admin"  # runs one commune
    NATIONAL_ADMIN = "national_admin"  # runs the platform, every commune

    @property
    def is_staff(self) -> bool:
        return self is not Role.CITIZEN


STAFF_ROLES = [r for r in Role if r.is_staff]
COMMUNE_STAFF_ROLES = [Role.AGENT, Role.CLERK, Role.REVIEWER, Role.ADMIN]


class AgencyKind(enum.StrEnum):
    COMMUNE_TECHNICAL = "commune_technical"
    URBAN_AGENCY = "urban_agency"
    CIVIL_PROTECTION = "civil_protection"
    CADASTRE = "cadastre"
    PROVINCE = "province"
    CULTURE = "culture"
    OTHER = "other"


class Agency(CommuneScoped, db.Model):
    """A body that sits on a commune's instruction commission."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind, 24))
    # Agencies' names go into Arabic and French sentences alike (timelines, opinions awaited).
    name_fr: Mapped[str] = mapped_column("name", sa.String(160))
    name_ar: Mapped[str | None] = mapped_column(sa.String(160))

    commune: Mapped[Commune] = relationship()

    @property
    def names(self) -> dict[str, str | None]:
        """Both names, for what is kept to be read later in either language (timeline entries)."""
        return {"ar": self.name_ar, "fr": self.name_fr}

    @property
    def name(self) -> str:
        return in_page_language(self.names)


class User(UserMixin, CommuneScoped, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Every staff member but a national admin belongs to a commune (the wall depends on it).
        sa.CheckConstraint(
            "role IN ('citizen', 'national_admin') OR commune_id IS NOT NULL", name="staff_have_a_commune"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(16), unique=True)  # E.164, +2126…
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(120))
    cin: Mapped[str | None] = mapped_column(sa.String(8))  # normalised; never a key
    role: Mapped[Role] = mapped_column(enum_column(Role, 20), default=Role.CITIZEN, index=True)
    commune_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communes.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    # Bumped when every device is signed out (password change, sign out everywhere, deactivation):
    # push subscriptions made before stop.
    session_version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    # A clerk may approve, refuse and issue permits only with this right (admins always may).
    may_decide: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    commune: Mapped[Commune | None] = relationship()
    agency: Mapped[Agency | None] = relationship()

    @classmethod
    def commune_criteria(cls, commune_id: int):
        # Staff of another commune do not exist for a commune's staff; citizens are not
        # owned by a commune (they may deal with several), their cases are.
        return sa.or_(cls.commune_id == commune_id, cls.role == Role.CITIZEN)

    # Flask-Login keeps this in the session and the remember-me cookie: the signed-in browser's
    # own token (see AccountSession), set when it signs in or is recognised.
    session_token: str = ""

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def is_national_admin(self) -> bool:
        return self.role is Role.NATIONAL_ADMIN

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.ADMIN, Role.NATIONAL_ADMIN)

    @property
    def can_decide(self) -> bool:
        return self.role is Role.ADMIN or (self.role is Role.CLERK and self.may_decide)

    @property
    def login(self) -> str:
        return self.email or self.phone or ""

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher().hash(password)

    def check_password(self, password: str) -> bool:
        try:
            _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher().check_needs_rehash(self.password_hash):
            self.set_password(password)
        return True

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def clerks_of(commune_id: int) -> list[User]:
    """The commune's active clerks and administrators: who hears of its deadlines."""
    statement = sa.select(User).where(
        User.commune_id == commune_id, User.role.in_([Role.CLERK, Role.ADMIN]), User.active.is_(True)
    )
    return list(db.session.scalars(statement.execution_options(skip_commune_scope=True)))


def _dummy_hash() -> str:
    return _dummy_hash_for(_hasher())


@functools.cache
def _dummy_hash_for(hasher: PasswordHasher) -> str:
    return hasher.hash("jamaati-no-such-account")


def verify_dummy_password(password: str) -> None:
    """Spend the same time as a real check when no account matches (no timing oracle)."""
    with contextlib.suppress(VerificationError):
        _hasher().verify(_dummy_hash(), password)


class AccountSession(db.Model):
    """One signed-in browser. Its cookies carry a token whose hash is stored here; signing out
    deletes the row, so a copy of the session or remember-me cookie opens nothing afterwards."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ResetKind(enum.StrEnum):
    EMAIL = "email"  # a link sent to the account's address
    COUNTER = "counter"  # a code given at the counter by a clerk who checked the CIN card


class PasswordReset(db.Model):
    """One way back into an account, usable once before it expires. Only a hash of the link's
    token or of the code is kept. The rows are the account's log: who gave a code, when, and
    when it was used."""

    __tablename__ = "password_resets"
    __table_args__ = (
        # A counter code always says which clerk gave it, and the CIN card they checked.
        sa.CheckConstraint(
            "kind = 'email' OR (issued_by_id IS NOT NULL AND cin_checked IS NOT NULL)", name="counter_code_issuer"
        ),
        sa.CheckConstraint("failed_attempts >= 0", name="failed_attempts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ResetKind] = mapped_column(enum_column(ResetKind, 8))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cin_checked: Mapped[str | None] = mapped_column(sa.String(8))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
