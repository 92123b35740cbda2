"""Thin views of the account page."""

from datetime import datetime

from flask import Blueprint, flash, g, redirect, render_template, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from ..accounts import known_browsers, sessions
from ..accounts import rules as accounts
from ..accounts.passwords import verify_password
from ..extensions import db
from ..forms import ConfirmForm
from ..limits import password_check_limits
from .forms import ChangePasswordForm, DeleteAccountForm, SignOutOthersForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(password_form=None, delete_form=None, sessions_form=None, status=200):
    return (
        render_template(
            "account/index.html",
            user=current_user,
            sessions=sessions.active_sessions(current_user),
            current_session=current_user.current_session,
            password_form=password_form or ChangePasswordForm(formdata=None),
            delete_form=delete_form or DeleteAccountForm(formdata=None),
            sessions_form=sessions_form or SignOutOthersForm(formdata=None),
            logout_form=ConfirmForm(formdata=None),
            previous_sign_in=_previous_sign_in(),
        ),
        status,
    )


def _previous_sign_in() -> datetime | None:
    """The sign-in before the one of this session (kept in the session at sign-in).

    The account's ``last_login_at`` is this very sign-in: showing it would tell
    the owner nothing, while the previous one lets them spot a stranger's.
    """
    value = session.get("previous_sign_in")
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@bp.route("")
@login_required
def index():
    return _page()


@bp.route("/password", methods=["POST"])
@login_required
@password_check_limits
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            user = current_user._get_current_object()
            accounts.set_password(user, form.new_password.data, keep_session=user.current_session)
            known_browsers.remember_sign_in(user)  # the new stamp retired the old entry
            flash(
                _l("Your password has been changed, and your other sessions have been signed out."),
                "success",
            )
            return redirect(url_for("account.index"))
        g.password_failed = True
        form.current_password.errors.append(_l("This is not your current password."))
    return _page(password_form=form, status=422)


@bp.route("/sessions/sign-out-others", methods=["POST"])
@login_required
@password_check_limits
def sign_out_other_sessions():
    """End every session of the account but this one (the password is asked)."""
    form = SignOutOthersForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.sessions_password.data):
            user = current_user._get_current_object()
            sessions.end_sessions(user, keep=user.current_session)
            db.session.commit()
            flash(_l("Your other sessions are signed out."), "success")
            return redirect(url_for("account.index", _anchor="sessions"))
        g.password_failed = True
        form.sessions_password.errors.append(_l("This is not your password."))
    return _page(sessions_form=form, status=422)


@bp.route("/delete", methods=["POST"])
@login_required
@password_check_limits
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.password.data):
            user = current_user._get_current_object()
            logout_user()
            accounts.delete_account(user)
            session.clear()
            flash(_l("Your account has been deleted."), "success")
            return redirect(url_for("main.index"))
        g.password_failed = True
        form.password.errors.append(_l("This is not your password."))
    return _page(delete_form=form, status=422)
