"""Thin views: parse the form, call :mod:`site_app.accounts.rules`, render."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts import known_browsers, sign_in, tokens
from ..accounts import rules as accounts
from ..editor.counting import count_shown
from ..forms import ConfirmForm, EmailForm
from ..limits.policy import count_mail_request
from ..mail.jobs import defer
from ..security.safety import safe_next
from ..situation import links as situation_links
from ..situation import record as situation
from ..situation import resets as situation_resets
from ..templating import render_form
from .forms import ActivateWithPasswordForm, LoginForm, ResetPasswordForm, SignupForm
from .page_cache import cached_for_anonymous
from .signing import complete_sign_in, end_session, start_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@cached_for_anonymous
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        if current_user.is_authenticated:
            return redirect(form.next.data or url_for("account.index"))
    if form.validate_on_submit():
        outcome = sign_in.sign_in(form.email.data, form.password.data, str(get_locale()))
        if outcome.ok:
            complete_sign_in(outcome.user, outcome.previous_sign_in)
            return redirect(safe_next(form.next.data) or url_for("account.index"))
        # A pending account's answer is the wrong password's (see accounts/sign_in.py).
        # For "Forgot your password?": kept here, never in its URL (access logs keep URLs).
        session["typed_email"] = form.email.data
    elif request.method == "POST":
        sign_in.refused_form()
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and not form.errors:  # its message counts for /editor
        count_shown("wrong-password", "B1", str(get_locale()))  # a pending account's too (M1)
    return (
        render_template(
            "auth/login.html", form=form, failed=request.method == "POST" and not form.errors
        ),
        status,
    )


@bp.route("/login/link", methods=["GET", "POST"], defaults={"token": None})
@bp.route("/login/link/<token>", methods=["GET", "POST"])
def sign_in_link(token):
    """GET only shows a button: mail scanners open links, they must not sign in."""
    token, moved = _link_token("sign-in", token)
    check = tokens.check_sign_in_link(token)
    if check.problem:
        return _link_problem(check, "sign-in")
    if moved:
        return moved
    form = ConfirmForm()
    if form.validate_on_submit():
        if not tokens.use_sign_in_link(check.user, str(get_locale())):
            return _link_problem(tokens.TokenCheck(problem="used"), "sign-in")
        start_session(check.user)
        return redirect(url_for("account.index"))
    return render_template("auth/sign_in_link.html", form=form, email=check.user.email)


#: Where the session keeps the token of the link being followed, per purpose.
LINK_TOKEN_KEYS = {"activate": "activate_link", "reset": "reset_link", "sign-in": "sign_in_link"}


def _link_token(purpose: str, token: str | None) -> tuple[str, object | None]:
    """The token of the mailed link being followed, and the redirect to answer with, if any.

    The first GET of ``/activate/<token>`` (and of the reset and sign-in links) keeps the
    token in the session and sends the browser on to the same page without it
    (``/activate``), as Django's reset view does. There the page may send a ``Referer``
    (``Referrer-Policy: same-origin``): over HTTPS, Flask-WTF refuses a form sent without
    one (``WTF_CSRF_SSL_STRICT``), and a page whose address holds a token must send none
    (safety.py), so none of these forms could be sent behind HTTPS. The page's address
    then carries no token to show, to send as ``Referer`` or to log. A form posted to the
    token's own address (a page served before this change) still works.
    """
    key = LINK_TOKEN_KEYS[purpose]
    if token is None:
        return session.get(key) or "", None
    if request.method != "GET":
        return token, None
    session[key] = token
    return token, redirect(url_for(request.endpoint), code=303)


@bp.route("/signup", methods=["GET", "POST"])
@cached_for_anonymous
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        email = form.email.data
        count_mail_request(email, known_browsers.known_for_mail(email, signing_up=True))
        signed_up = situation.sign_up(  # its mail's receipt, for the guide
            lambda: accounts.register(email, form.password.data, str(get_locale()))
        )
        session["signup_proof"] = signed_up.proof
        known_browsers.remember_sign_up(signed_up.account)
        return _check_your_mailbox(email, "signup")
    return render_form("auth/signup.html", form)


def _check_your_mailbox(email: str, reason: str):
    """Send the person to "check your mailbox", which names the address they typed."""
    session["pending_email"] = email
    return redirect(url_for("auth.check_mailbox", reason=reason))


@bp.route("/check-your-mail/<any(signup, resend, reset):reason>")
def check_mailbox(reason):
    """The same answer whether or not the address has an account."""
    return render_template(
        "auth/check_mailbox.html", reason=reason, email=session.get("pending_email")
    )


@bp.route("/activate", methods=["GET", "POST"], defaults={"token": None})
@bp.route("/activate/<token>", methods=["GET", "POST"])
def activate(token):
    """GET only shows a button: mail scanners open links, they must not activate.

    A browser other than the one that signed up last is asked for the password
    chosen then: only the mailbox's holder who knows the password activates it.
    """
    token, moved = _link_token("activate", token)
    check = tokens.check_token(token, tokens.ACTIVATE, _delay("ACTIVATION_DELAY"))
    if check.problem:
        return _link_problem(check, "activate")
    if moved:
        return moved
    needs_password = not tokens.proves_signup(check.user, session.get("signup_proof"))
    form = ActivateWithPasswordForm() if needs_password else ConfirmForm()
    if form.validate_on_submit():
        if needs_password and not sign_in.check_password(check.user, form.password.data):
            form.password.errors.append(
                _l(
                    "This isn't the password you chose the last time you signed up with this "
                    "address."
                )
            )
        elif accounts.activate(check.user, str(get_locale())):
            start_session(check.user)
            flash(_l("Your account is now active. Welcome!"), "success")
            return redirect(url_for("account.index"))
        else:  # a new sign-up replaced this link while it was being confirmed
            return _link_problem(tokens.TokenCheck(problem="used", replaced=True), "activate")
    return render_form(
        "auth/activate.html", form, email=check.user.email, needs_password=needs_password
    )


@bp.route("/activation/resend", methods=["GET", "POST"])
def resend_activation():
    return _mail_request("auth/resend_activation.html", accounts.resend_activation, "resend")


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    # The address typed at a failed sign-in is kept in the session for this form.
    return _mail_request(
        "auth/forgot_password.html", accounts.request_password_reset, "reset", prefill=True
    )


def _mail_request(template: str, job, reason: str, prefill: bool = False):
    """An address asking for a mail (activation, reset): counted, then the same answer for
    every address. The mail is a deferred job, outside the request: only an account gets
    one, which would show in the timing."""
    form = EmailForm()
    if prefill and request.method == "GET":  # a failed sign-in's address, never the URL's
        form.email.data = session.get("typed_email")
    if form.validate_on_submit():
        email = form.email.data
        count_mail_request(email, known_browsers.known_for_mail(email))
        if reason == "reset":  # a browser that signed in to the account sees its mail
            situation_resets.defer_password_reset(job, email, str(get_locale()))
        else:
            defer(job, email=email, locale=str(get_locale()))
        return _check_your_mailbox(email, reason)
    return render_form(template, form)


@bp.route("/password/reset", methods=["GET", "POST"], defaults={"token": None})
@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    token, moved = _link_token("reset", token)
    check = tokens.check_token(token, tokens.RESET_PASSWORD, _delay("PASSWORD_RESET_DELAY"))
    if check.problem:
        return _link_problem(check, "reset")
    if moved:
        return moved
    form = ResetPasswordForm()
    form.account_email = check.user.email
    if form.validate_on_submit():
        # Only the owner can follow the link: their language is the one they use now.
        accounts.set_locale(check.user, str(get_locale()))
        accounts.set_password(check.user, form.password.data)  # ends all its sessions
        end_session()
        flash(_l("Your password has been changed. Sign in with your new password."), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/reset_password.html", form, email=check.user.email)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    end_session()
    flash(_l("You have been signed out."), "success")
    return redirect(url_for("main.index"))


def _delay(name):
    return current_app.config[name]


def _link_problem(check: tokens.TokenCheck, purpose: str):
    """The page for an expired, tampered, used or replaced link, with its help topic."""
    problem = check.problem
    status = 400 if problem == "invalid" else 410
    count_shown(f"link-{problem}", "", str(get_locale()))
    situation_links.remember_problem(request.view_args.get("token"), purpose, check)
    return (
        render_template(
            "errors/link.html",
            problem=problem,
            replaced=check.replaced,
            purpose=purpose,
            topic=f"link-{problem}",
            form=EmailForm(formdata=None),
        ),
        status,
    )
