"""Accounts: the rules behind sign-up, sign-in, sessions and staff creation."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth import throttle
from app.auth.devices import KnownDevice, device_for
from app.core.dates import utcnow
from app.core.identity import parse_login
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import AccountSession, Agency, Commune, Role, User
from app.models.user import verify_dummy_password

MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS = frozenset(
    [
        "password",
        "motdepasse",
        "azerty",
        "azertyuiop",
        "qwerty",
        "qwertyuiop",
        "123456789",
        "12345678",
        "1234567890",
        "password1",
        "password123",
        "iloveyou",
        "maroc",
        "morocco",
        "maroc123",
        "morocco123",
        "bismillah",
        "jamaati",
        "jamaati123",
        "admin123",
        "welcome",
        "welcome1",
        "abcdefgh",
        "abc12345",
        "azerty123",
        "qwerty123",
        "soleil123",
        "marrakech",
        "casablanca",
        "rabat2024",
        "rabat2025",
        "rabat2026",
    ]
)


class AccountError(Exception):
    """A rule was broken; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def password_problem(password: str, *personal: str | None) -> str | None:
    """Why a password is too weak, or None. The message is translated by the caller's locale."""
    lowered = password.lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if password.isdigit() or len(set(password)) < 4 or lowered in COMMON_PASSWORDS:
        return _l("This password is too easy to guess. Mix words, digits or symbols.")
    if any(p and p.lower().lstrip("+") in lowered for p in personal):
        return _l("Do not use your name, phone number or e-mail address in your password.")
    return None


def find_by_login(login: str) -> User | None:
    kind, value = parse_login(login)
    column = User.email if kind == "email" else User.phone
    return db.session.scalar(sa.select(User).where(column == value))


def register_citizen(
    *, login: str, password: str, full_name: str, cin: str | None, commune: Commune | None, locale: str | None
) -> User:
    kind, value = parse_login(login)
    if find_by_login(value) is not None:
        # Sign-up must say so to be usable; the rate limit keeps it from being a lookup service.
        message = (
            _l("An account already uses this mobile number. Sign in instead.")
            if kind == "phone"
            else _l("An account already uses this e-mail address. Sign in instead.")
        )
        raise AccountError("login", message)
    problem = password_problem(password, value, full_name)
    if problem:
        raise AccountError("password", problem)
    user = User(
        role=Role.CITIZEN,
        full_name=full_name.strip(),
        cin=cin,
        commune=commune,
        locale=locale,
        **{kind: value},
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    current_app.logger.info("account created user=%s role=citizen", user.id)
    return user


class SignInResult(enum.Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    SLOWED_DOWN = "slowed_down"


@dataclass
class SignIn:
    result: SignInResult
    user: User | None = None
    wait_seconds: int = 0


def authenticate(login: str, password: str, *, address: str, device: KnownDevice | None = None) -> SignIn:
    """Check a sign-in. Repeated failures from one address, or for one identifier from many,
    slow the next attempts down (app.auth.throttle); the owner's known device counts apart.

    The answer is the same whether or not an account exists: no enumeration.
    """
    try:
        user = find_by_login(login)
    except ValueError:
        user = None
    counted = throttle.counters(
        throttle.identifier_key(login), address, device_for(user.id, device) if user is not None else None
    )
    if wait := throttle.wait_seconds(counted):
        verify_dummy_password(password)
        return SignIn(SignInResult.SLOWED_DOWN, wait_seconds=wait)
    if user is None:
        verify_dummy_password(password)
    if user is not None and user.check_password(password) and user.is_active:
        throttle.forget_failures(counted)
        user.last_sign_in_at = utcnow()
        db.session.commit()
        current_app.logger.info("sign-in user=%s", user.id)
        return SignIn(SignInResult.OK, user)
    throttle.count_failure(counted)
    wait = throttle.wait_seconds(counted)
    current_app.logger.warning("sign-in failed slowed_down=%s", bool(wait))
    return SignIn(SignInResult.SLOWED_DOWN if wait else SignInResult.BAD_CREDENTIALS, wait_seconds=wait)


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError("current_password", _l("Your current password is not right."))
    problem = password_problem(new, user.email, user.phone, user.full_name)
    if problem:
        raise AccountError("new_password", problem)
    user.set_password(new)
    end_every_session(user, keep=user.session_token)  # every other device is signed out
    current_app.logger.info("password changed user=%s", user.id)


def set_language(user: User, language: str) -> None:
    user.locale = language
    db.session.commit()


def create_staff(
    *,
    login: str,
    password: str,
    full_name: str,
    role: Role,
    commune: Commune | None,
    agency: Agency | None = None,
    enforce_password_policy: bool = True,
) -> User:
    """Create a staff account. Every staff member but a national admin belongs to a commune."""
    if not role.is_staff:
        raise AccountError("role", _l("Choose a staff role."))
    if role is not Role.NATIONAL_ADMIN and commune is None:
        raise AccountError("commune", _l("Choose the commune this person works for."))
    if role is Role.REVIEWER and agency is None:
        raise AccountError("agency", _l("A reviewer sits for an agency: choose it."))
    if agency is not None and commune is not None and agency.commune_id != commune.id:
        raise AccountError("agency", _l("This agency does not sit in that commune."))
    kind, value = parse_login(login)
    if find_by_login(value) is not None:
        raise AccountError("login", _l("An account already uses this identifier."))
    if enforce_password_policy:
        problem = password_problem(password, value, full_name)
        if problem:
            raise AccountError("password", problem)
    user = User(
        role=role,
        full_name=full_name.strip(),
        commune=None if role is Role.NATIONAL_ADMIN else commune,
        agency=agency if role is Role.REVIEWER else None,
        **{kind: value},
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    current_app.logger.info("staff account created user=%s role=%s commune=%s", user.id, role, user.commune_id)
    return user


MAX_SESSIONS = 20  # signed-in browsers per account; beyond that the oldest is signed out


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _session_lifetime() -> timedelta:
    return current_app.config["REMEMBER_COOKIE_DURATION"]


def open_session(user: User) -> None:
    """A browser signs in: a new server-side session, named by a token only its cookies carry."""
    token = secrets.token_urlsafe(32)
    db.session.add(AccountSession(user_id=user.id, token_hash=_token_hash(token)))
    db.session.flush()
    kept = (
        sa.select(AccountSession.id)
        .where(AccountSession.user_id == user.id, AccountSession.created_at > utcnow() - _session_lifetime())
        .order_by(AccountSession.id.desc())
        .limit(MAX_SESSIONS)
    )
    db.session.execute(
        sa.delete(AccountSession).where(AccountSession.user_id == user.id, AccountSession.id.not_in(kept))
    )
    db.session.commit()
    user.session_token = token


def end_session(user: User) -> None:
    """This browser signs out: its session is gone, whichever copy of its cookies comes back."""
    if user.session_token:
        db.session.execute(
            sa.delete(AccountSession).where(AccountSession.token_hash == _token_hash(user.session_token))
        )
        db.session.commit()


def end_every_session(user: User, keep: str | None = None) -> None:
    """Every browser signed in to the account is signed out (but ``keep``'s, the one asking), and
    push subscriptions made before stop (they follow session_version). Committed."""
    sessions = AccountSession.user_id == user.id
    if keep:
        sessions = sa.and_(sessions, AccountSession.token_hash != _token_hash(keep))
    db.session.execute(sa.delete(AccountSession).where(sessions))
    user.session_version += 1
    db.session.commit()
    current_app.logger.info("sessions ended user=%s kept_this_one=%s", user.id, bool(keep))


def load_user(token: str) -> User | None:
    """Flask-Login's loader: the token names a live server-side session of an active account."""
    if not token or len(token) > 100:
        return None
    # One query per request, as before sessions were kept on the server.
    statement = (
        sa.select(User)
        .join(AccountSession, AccountSession.user_id == User.id)
        .where(
            AccountSession.token_hash == _token_hash(token),
            AccountSession.created_at > utcnow() - _session_lifetime(),
            User.active.is_(True),
        )
    )
    user = db.session.scalar(statement)
    if user is not None:
        user.session_token = token
    return user
