"""Getting back into an account: a link by e-mail, or a code given at the counter.

Each way is a PasswordReset row that works once and expires; only a keyed hash of its secret is
stored. Using one sets the new password and ends every session of the account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from app.auth.services import AccountError, end_every_session, find_by_login, password_problem
from app.config import BABEL_LOCALES
from app.core.dates import aware, utcnow
from app.core.identity import InvalidIdentifier, normalize_cin, parse_login, typed_digits
from app.core.mail import MailNotSent, send_mail
from app.extensions import db
from app.i18n import current_language
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import PasswordReset, ResetKind, Role, User

CODE_DIGITS = 8


class ResetRefused(Exception):
    """The link or code does not (or no longer) open the account; ``message`` says so."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def _secret_hash(secret: str) -> str:
    """Keyed: a copy of the table alone does not let anyone try the eight-digit codes offline."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def _code_secret(user_id: int, code: str) -> str:
    return f"counter:{user_id}:{code}"


def _usable():
    now = utcnow()
    return sa.and_(PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)


# By e-mail


def request_email_reset(login: str, link_for: Callable[[str], str]) -> None:
    """Send a reset link if an active account has this e-mail address. Nothing tells the caller
    whether one does: no account, a phone number, too many links this hour all end quietly."""
    try:
        kind, value = parse_login(login)
    except InvalidIdentifier:
        return
    user = find_by_login(value) if kind == "email" else None
    if user is None or not user.active:
        current_app.logger.info("password reset asked for no e-mail account")
        return
    since = utcnow() - timedelta(hours=1)
    recent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.kind == ResetKind.EMAIL,
            PasswordReset.created_at > since,
        )
    )
    if recent >= current_app.config["PASSWORD_RESET_EMAILS_PER_HOUR"]:
        current_app.logger.warning("password reset links: hourly limit reached user=%s", user.id)
        return
    token = secrets.token_urlsafe(32)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    db.session.add(
        PasswordReset(
            user_id=user.id,
            kind=ResetKind.EMAIL,
            secret_hash=_secret_hash(token),
            expires_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    db.session.commit()
    language = user.locale if user.locale in BABEL_LOCALES else current_language()  # else the asker's
    with force_locale(BABEL_LOCALES[language]):
        subject = _("Choose a new password for Jamaati")
        body = _(
            "Hello %(name)s,\n\n"
            "Someone, probably you, asked to choose a new password for your Jamaati account.\n"
            "Open this link within %(minutes)d minutes to do so (it works once):\n\n%(link)s\n\n"
            "If you did not ask, ignore this message: your password stays as it is.",
            name=user.full_name,
            minutes=minutes,
            link=link_for(token),
        )
    try:
        send_mail(user.email, subject, body)
    except MailNotSent:
        current_app.logger.exception("password reset link not sent user=%s", user.id)
    else:
        current_app.logger.info("password reset link sent user=%s", user.id)


def email_reset(token: str) -> PasswordReset | None:
    """The live reset a link's token names, or None (unknown, used, expired, account closed)."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(
        sa.select(PasswordReset).where(
            PasswordReset.secret_hash == _secret_hash(token), PasswordReset.kind == ResetKind.EMAIL, _usable()
        )
    )
    return reset if reset is not None and reset.user.active else None


def reset_with_link(token: str, new_password: str) -> User:
    reset = email_reset(token)
    if reset is None:
        raise ResetRefused(
            _l(
                "This link no longer works: it was used, or more than %(minutes)d minutes went by.",
                minutes=current_app.config["PASSWORD_RESET_MINUTES"],
            )
        )
    return _complete(reset, new_password, "new_password")


# At the counter


def counter_account(login: str) -> User:
    """The citizen's account a clerk looks up, or AccountError saying why there is none."""
    try:
        user = find_by_login(login)
    except InvalidIdentifier:
        raise AccountError(
            "login", _l("Enter a Moroccan mobile number such as 06 12 34 56 78, or an e-mail address.")
        ) from None
    if user is None:
        raise AccountError("login", _l("No account uses this mobile number or e-mail address."))
    if user.role is not Role.CITIZEN:
        raise AccountError(
            "login", _l("This is a staff account: the commune's administrator looks after staff accounts.")
        )
    if not user.active:
        raise AccountError("login", _l("This account is closed."))
    return user


def issue_counter_code(citizen: User, clerk: User, cin_on_card: str) -> str:
    """A one-time code for a citizen whose CIN card a clerk has just checked in person. Earlier
    codes stop working. Logged on the account: who gave it, when, which card."""
    try:
        cin = normalize_cin(cin_on_card)
    except InvalidIdentifier:
        raise AccountError(
            "cin", _l("A CIN number is one or two letters then up to six digits, such as AB123456.")
        ) from None
    if citizen.cin and citizen.cin != cin:
        raise AccountError(
            "cin", _l("This is not the CIN number on the account. Check the card again: no code was given.")
        )
    now = utcnow()
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == citizen.id, PasswordReset.kind == ResetKind.COUNTER, _usable())
        .values(expires_at=now)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    db.session.add(
        PasswordReset(
            user_id=citizen.id,
            kind=ResetKind.COUNTER,
            secret_hash=_secret_hash(_code_secret(citizen.id, code)),
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["RESET_CODE_HOURS"]),
            issued_by_id=clerk.id,
            cin_checked=cin,
        )
    )
    db.session.commit()
    current_app.logger.info("counter reset code given user=%s by=%s", citizen.id, clerk.id)
    return code


def reset_with_code(login: str, code: str, new_password: str) -> User:
    """The citizen types the number, the code from the counter and a new password."""
    refused = ResetRefused(
        _l("This code does not open the account of this number: check both, or ask the counter for a new code.")
    )
    try:
        user = find_by_login(login)
    except InvalidIdentifier:
        raise refused from None
    if user is not None and not user.active:
        user = None
    live = (
        sa.select(PasswordReset)
        .where(
            PasswordReset.user_id == (user.id if user else None),
            PasswordReset.kind == ResetKind.COUNTER,
            PasswordReset.failed_attempts < current_app.config["RESET_CODE_ATTEMPTS"],
            _usable(),
        )
        .with_for_update()
    )
    resets = list(db.session.scalars(live)) if user is not None else []
    wanted = _secret_hash(_code_secret(user.id, typed_digits(code))) if user is not None else ""
    match = next((r for r in resets if hmac.compare_digest(r.secret_hash, wanted)), None)
    if match is None:
        if resets:  # a wrong try counts against every live code of the account
            db.session.execute(
                sa.update(PasswordReset)
                .where(PasswordReset.id.in_([r.id for r in resets]))
                .values(failed_attempts=PasswordReset.failed_attempts + 1)
            )
        db.session.commit()
        current_app.logger.warning("counter reset code refused")
        raise refused
    return _complete(match, new_password, "new_password")


# Both ways


def _complete(reset: PasswordReset, new_password: str, field: str) -> User:
    user = reset.user
    problem = password_problem(new_password, user.email, user.phone, user.full_name)
    if problem:
        db.session.rollback()
        raise AccountError(field, problem)
    now = utcnow()
    # One use, even when two requests bring the same link at once: only one UPDATE finds it unused.
    claimed = db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ResetRefused(_l("This link or code was already used."))
    db.session.execute(  # every other way back that was still open closes
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.id != reset.id, _usable())
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    user.set_password(new_password)
    end_every_session(user)  # commits
    current_app.logger.info("password reset kind=%s user=%s", reset.kind, user.id)
    return user


def account_resets(user: User) -> list[PasswordReset]:
    """The account's log of resets, newest first (shown to the citizen and at the counter)."""
    statement = (
        sa.select(PasswordReset)
        .where(PasswordReset.user_id == user.id)
        .order_by(PasswordReset.created_at.desc(), PasswordReset.id.desc())
        .limit(20)
    )
    return list(db.session.scalars(statement.execution_options(skip_commune_scope=True)))


def reset_state(reset: PasswordReset) -> str:
    if reset.used_at is not None:
        return "used"
    return "expired" if aware(reset.expires_at) <= utcnow() else "open"
