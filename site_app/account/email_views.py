"""Changing the email address: the request (account page), the confirmation link mailed to
the new address and the "this wasn't me" link mailed to the old one
(site_app/accounts/email_changes.py)."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from ..accounts import email_changes, known_browsers, sign_in, tokens
from ..forms import ConfirmForm
from ..limits.policy import count_mail_request
from ..templating import render_form
from .forms import ChangeEmailForm, ConfirmEmailWithPasswordForm
from .page import account_page as _page

bp = Blueprint("email_change", __name__, url_prefix="/account/email")


@bp.route("", methods=["POST"])
@login_required
def change():
    """Mail a confirmation link to the new address and a notice to the current one.

    The password is counted like a sign-in (B2, B3). The answer is the same whether or
    not the new address has an account.
    """
    form = ChangeEmailForm()
    check = sign_in.PasswordCheck(current_user, scope="account-password")
    if not form.validate_on_submit():
        check.unused()
    elif not check.verify(form.email_password.data):
        form.email_password.errors.append(_l("Incorrect password."))
    elif form.new_email.data == current_user.email:
        form.new_email.errors.append(_l("This is already your account's email address."))
    else:
        count_mail_request(form.new_email.data)
        email_changes.request_change(current_user._get_current_object(), form.new_email.data)
        flash(
            _l(
                "We sent a confirmation link to %(email)s. Your address will change once "
                "you open it and confirm; until then, sign in with your current address.",
                email=form.new_email.data,
            ),
            "success",
        )
        return redirect(url_for("account.index", _anchor="email"))
    return _page(email_form=form, status=422)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """GET only shows a button (mail scanners open links). A browser not signed in to the
    account is asked for its password: a link that reached a stranger's mailbox (a typo in
    the address) must not hand them the account."""
    check = email_changes.check_confirmation(token)
    if check.problem:
        return _link_problem(check.problem)
    change = check.change
    owner_here = current_user.is_authenticated and current_user.id == change.user_id
    form = ConfirmForm() if owner_here else ConfirmEmailWithPasswordForm()
    if form.validate_on_submit():
        if not owner_here and not sign_in.check_password(
            change.user, form.password.data, scope="account-password"
        ):
            form.password.errors.append(_l("Incorrect password."))
        elif email_changes.confirm(change):
            if owner_here:
                known_browsers.remember_sign_in(change.user)  # the new stamp retired it
            flash(_l("Your email address is now %(email)s.", email=change.new_email), "success")
            return redirect(url_for("account.index" if owner_here else "auth.login"))
        else:
            return _link_problem("taken")
    return render_form(
        "account/confirm_email.html",
        form,
        new_email=change.new_email,
        needs_password=not owner_here,
    )


@bp.route("/revert/<token>", methods=["GET", "POST"])
def revert(token):
    """The "this wasn't me" link: the old address back, every session signed out, the
    passkeys removed, then a new password (the link came to the account's own mailbox, so
    it may lead straight to the reset)."""
    check = email_changes.check_revert(token)
    if check.problem:
        return _link_problem(check.problem)
    change = check.change
    form = ConfirmForm()
    if form.validate_on_submit():
        reverted = email_changes.revert(change)
        if reverted is None:
            return _link_problem("taken")
        logout_user()  # this browser too: its row is gone already
        session.clear()
        if reverted.passkeys_removed:
            done = _l(
                "The email address change has been canceled, you've been signed out "
                "everywhere and your account's passkeys have been removed. Choose a new "
                "password now: someone knows yours. Then add your passkeys again from your "
                "account page."
            )
        else:
            done = _l(
                "The email address change has been canceled and you've been signed out "
                "everywhere. Choose a new password now: someone knows yours."
            )
        flash(done, "success")
        token = tokens.make_token(reverted.user, tokens.RESET_PASSWORD)
        return redirect(url_for("auth.reset_password", token=token))
    return render_template(
        "account/revert_email.html",
        form=form,
        old_email=change.old_email,
        new_email=change.new_email,
        has_passkeys=bool(change.user.passkeys),
    )


def _link_problem(problem: str):
    """Expired, tampered or used links, and a new address that got an account meanwhile."""
    status = {"invalid": 400, "taken": 409}.get(problem, 410)
    return (
        render_template(
            "errors/link.html",
            problem=problem,
            replaced=False,
            purpose="email-change",
            topic="change-email" if problem == "taken" else f"link-{problem}",
        ),
        status,
    )
