from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from app.auth import bp
from app.auth.forms import ChangePasswordForm, SignInForm, SignUpForm
from app.auth.services import (
    AccountError,
    SignInResult,
    authenticate,
    change_password,
    end_every_session,
    end_session,
    open_session,
    register_citizen,
)
from app.communes.routes import visitor_commune
from app.communes.services import open_communes
from app.core.identity import normalize_cin
from app.extensions import db, limiter
from app.i18n import current_language
from app.web import attach_error, full_redirect, local_target, redirect_back, render


def _auth_rate_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_auth_rate_limit, methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignUpForm()
    communes = open_communes()
    form.commune.choices = [SelectChoice(c.id, f"{c.name} — {c.province}") for c in communes]
    if request.method == "GET" and (chosen := visitor_commune()) is not None:
        form.commune.data = chosen.id
    if form.validate_on_submit():
        commune = next(c for c in communes if c.id == form.commune.data)
        try:
            user = register_citizen(
                login=form.login.data,
                password=form.password.data,
                full_name=form.full_name.data,
                cin=normalize_cin(form.cin.data) if form.cin.data and form.cin.data.strip() else None,
                commune=commune,
                locale=current_language(),
            )
        except AccountError as error:
            attach_error(form, error.field, error.message)
        else:
            session.clear()
            open_session(user)
            login_user(user, remember=True)
            flash(_("Welcome, your account is ready."), "success")
            return full_redirect(url_for("main.home"))
    return render("auth/signup.html", form=form)


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(_auth_rate_limit, methods=["POST"])
def signin():
    if current_user.is_authenticated:
        return redirect_back()
    form = SignInForm()
    if form.validate_on_submit():
        outcome = authenticate(form.login.data, form.password.data)
        if outcome.result is SignInResult.OK:
            language = g.get("language")
            session.clear()
            open_session(outcome.user)
            login_user(outcome.user, remember=form.remember.data)
            if outcome.user.locale is None and language:
                outcome.user.locale = language
                db.session.commit()
            return full_redirect(local_target())
        if outcome.result is SignInResult.LOCKED:
            form.form_errors.append(
                _(
                    "Too many failed attempts with this identifier. For your security, wait "
                    "%(minutes)d minutes and try again.",
                    minutes=current_app.config["LOCKOUT_MINUTES"],
                )
            )
        else:
            form.form_errors.append(_("The mobile number, e-mail or password is not right."))
    return render("auth/signin.html", form=form, next=request.args.get("next", ""))


def _sign_out_here() -> None:
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember-me cookie


@bp.route("/signout", methods=["POST"])
def signout():
    if current_user.is_authenticated:
        end_session(current_user)  # a copy of this browser's cookies no longer opens anything
    _sign_out_here()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"), code=303)


@bp.route("/account/signout-everywhere", methods=["POST"])
@login_required
def signout_everywhere():
    end_every_session(current_user)
    _sign_out_here()
    flash(_("You are signed out on every device, this one included."), "info")
    return redirect(url_for("auth.signin"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            attach_error(form, error.field, error.message)
        else:
            # This device stays signed in, and remembered only if it was before.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("main.account"), code=303)
    return render("auth/password.html", form=form)
