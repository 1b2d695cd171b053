from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from app.auth import bp, devices, reset
from app.auth.access import roles_required
from app.auth.forms import (
    ChangePasswordForm,
    CodeResetForm,
    CounterLookupForm,
    IssueCodeForm,
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
    SignUpForm,
)
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
from app.extensions import db, limit_sending
from app.i18n import current_language
from app.i18n import gettext as _
from app.models import Role
from app.web import absolute_url, attach_error, full_redirect, is_local_url, local_target, redirect_back, render


def _auth_rate_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


@bp.route("/signup", methods=["GET", "POST"])
@limit_sending(_auth_rate_limit)
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
            # Back to what the person set out to do (an application, say), else home.
            return devices.remember_device(full_redirect(local_target()), user.id)
    next_page = request.args.get("next", "")
    return render("auth/signup.html", form=form, next=next_page if is_local_url(next_page) else "")


@bp.route("/signin", methods=["GET", "POST"])
@limit_sending(_auth_rate_limit)
def signin():
    if current_user.is_authenticated:
        return redirect_back()
    form = SignInForm()
    if form.validate_on_submit():
        outcome = authenticate(
            form.login.data, form.password.data, address=get_remote_address(), device=devices.this_device()
        )
        if outcome.result is SignInResult.OK:
            language = g.get("language")
            session.clear()
            open_session(outcome.user)
            login_user(outcome.user, remember=form.remember.data)
            if outcome.user.locale is None and language:
                outcome.user.locale = language
                db.session.commit()
            return devices.remember_device(full_redirect(local_target()), outcome.user.id)
        if outcome.result is SignInResult.SLOWED_DOWN:
            minutes = -(-outcome.wait_seconds // 60)
            form.form_errors.append(
                ngettext(
                    "Too many failed attempts with this identifier. For your security, wait %(num)d minute "
                    "and try again, or sign in from a device you used before.",
                    "Too many failed attempts with this identifier. For your security, wait %(num)d minutes "
                    "and try again, or sign in from a device you used before.",
                    minutes,
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


# Getting back into an account


@bp.route("/reset", methods=["GET", "POST"])
@limit_sending(_auth_rate_limit)
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        # The link names the configured public address, never the Host header the request came with.
        reset.request_email_reset(form.login.data, lambda token: absolute_url("auth.reset_with_link", token=token))
        return redirect(url_for("auth.reset_sent"), code=303)
    return render("auth/reset_request.html", form=form)


@bp.get("/reset/sent")
def reset_sent():
    # The same page whether or not an account has the address: it tells nobody which exist.
    return render("auth/reset_sent.html", minutes=current_app.config["PASSWORD_RESET_MINUTES"])


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limit_sending(_auth_rate_limit)
def reset_with_link(token: str):
    # Opening the link changes nothing (mail scanners open links too): only sending the form does.
    form = NewPasswordForm()
    if reset.email_reset(token) is None:
        return render("auth/reset_link.html", form=None, status=404)
    if form.validate_on_submit():
        try:
            reset.reset_with_link(token, form.new_password.data)
        except reset.ResetRefused as refused:
            form.form_errors.append(refused.message)
        except AccountError as error:
            attach_error(form, error.field, error.message)
        else:
            return _password_reset_done()
    response = render("auth/reset_link.html", form=form)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/reset/code", methods=["GET", "POST"])
@limit_sending(_auth_rate_limit)
def reset_with_code():
    form = CodeResetForm()
    if form.validate_on_submit():
        try:
            reset.reset_with_code(form.login.data, form.code.data, form.new_password.data)
        except reset.ResetRefused as refused:
            form.form_errors.append(refused.message)
        except AccountError as error:
            attach_error(form, error.field, error.message)
        else:
            return _password_reset_done()
    return render("auth/reset_code.html", form=form)


def _password_reset_done():
    if current_user.is_authenticated:
        _sign_out_here()  # every session of the account has just ended, this one too
    flash(_("Your password is changed and every device is signed out. Sign in with your new password."), "success")
    return redirect(url_for("auth.signin"), code=303)


@bp.route("/desk/reset-code", methods=["GET", "POST"])
@roles_required(Role.CLERK, Role.ADMIN)
def counter_code():
    """At the counter: find the citizen's account, check the CIN card, give a one-time code."""
    lookup = CounterLookupForm(request.args)
    issue = IssueCodeForm()
    login = issue.login.data if request.method == "POST" else lookup.login.data
    citizen = None
    if login and (request.method == "POST" or lookup.validate()):
        try:
            citizen = reset.counter_account(login)
        except AccountError as error:
            attach_error(lookup, error.field, error.message)
    if request.method == "POST" and citizen is not None and issue.validate_on_submit():
        try:
            code = reset.issue_counter_code(citizen, current_user, issue.cin.data)
        except AccountError as error:
            attach_error(issue, error.field, error.message)
        else:
            response = render(
                "auth/desk_code_issued.html",
                citizen=citizen,
                code=f"{code[:4]} {code[4:]}",
                hours=current_app.config["RESET_CODE_HOURS"],
            )
            response.headers["Cache-Control"] = "no-store"  # shown once, kept nowhere
            return response
    if citizen is not None:
        issue.login.data = lookup.login.data = login
    resets = reset.account_resets(citizen) if citizen is not None else []
    return render(
        "auth/desk_code.html", lookup=lookup, issue=issue, citizen=citizen, resets=resets, state=reset.reset_state
    )
