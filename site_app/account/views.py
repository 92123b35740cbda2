"""Thin views of the account page."""

from flask import Blueprint, flash, redirect, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from ..accounts import known_browsers, sessions, sign_in
from ..accounts import rules as accounts
from ..extensions import db
from .forms import ChangePasswordForm, DeleteAccountForm, SignOutOthersForm
from .page import account_page as _page

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("")
@login_required
def index():
    return _page()


def _with_password(form, field, wrong, done, page_form: str):
    """One of the page's three password forms (password change, other sessions, deletion):
    counted like a sign-in from the moment it is sent (B2, B3); only a wrong password stays
    counted. ``done(user)`` answers when the password is right."""
    check = sign_in.PasswordCheck(current_user, scope="account-password")
    if not form.validate_on_submit():
        check.unused()
    elif check.verify(field.data):
        return done(current_user._get_current_object())
    else:
        field.errors.append(wrong)
    return _page(**{page_form: form}, status=422)


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email

    def done(user):
        accounts.set_password(user, form.new_password.data, keep_session=user.current_session)
        known_browsers.remember_sign_in(user)  # the new stamp retired the old entry
        flash(
            _l("Your password has been changed, and your other sessions have been signed out."),
            "success",
        )
        return redirect(url_for("account.index"))

    wrong = _l("Incorrect current password.")
    return _with_password(form, form.current_password, wrong, done, "password_form")


@bp.route("/sessions/sign-out-others", methods=["POST"])
@login_required
def sign_out_other_sessions():
    """End every session of the account but this one (the password is asked)."""
    form = SignOutOthersForm()

    def done(user):
        sessions.end_sessions(user, keep=user.current_session)
        db.session.commit()
        flash(_l("You've been signed out of your other sessions."), "success")
        return redirect(url_for("account.index", _anchor="sessions"))

    wrong = _l("Incorrect password.")
    return _with_password(form, form.sessions_password, wrong, done, "sessions_form")


@bp.route("/sessions/<string(length=32):ref>/sign-out", methods=["POST"])
@login_required
def sign_out_session(ref):
    """End one session of the list (the password is asked, as for the other sessions).

    The current one has no such control: "Sign out" ends it.
    """
    form = SignOutOthersForm()

    def done(user):
        if sessions.end_session_named(user, ref, keep=user.current_session):
            db.session.commit()
            flash(_l("That session has ended."), "success")
        else:
            flash(_l("That session had already ended."), "info")
        return redirect(url_for("account.index", _anchor="sessions"))

    wrong = _l("Incorrect password.")
    return _with_password(form, form.sessions_password, wrong, done, "sessions_form")


@bp.route("/delete", methods=["POST"])
@login_required
def delete():
    form = DeleteAccountForm()

    def done(user):
        logout_user()
        accounts.delete_account(user)
        session.clear()
        flash(_l("Your account has been deleted."), "success")
        return redirect(url_for("main.index"))

    return _with_password(
        form, form.password, _l("Incorrect password."), done, "delete_form"
    )
