"""The account page itself, shown by every view of it (and again with a form's errors)."""

from datetime import datetime

from flask import render_template, request, session
from flask_login import current_user

from ..accounts import sessions
from ..forms import ConfirmForm
from ..passkeys import store as passkeys
from .forms import (
    AddPasskeyForm,
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    SignOutOthersForm,
)


def account_page(
    password_form=None, delete_form=None, sessions_form=None, email_form=None, status=200
):
    """The page, with the forms given (sent back with their errors) or empty ones."""
    return (
        render_template(
            "account/index.html",
            user=current_user,
            sessions=sessions.active_sessions(current_user),
            session_reference=sessions.reference,
            current_session=current_user.current_session,
            password_form=password_form or ChangePasswordForm(formdata=None),
            email_form=email_form or ChangeEmailForm(formdata=None),
            delete_form=delete_form or DeleteAccountForm(formdata=None),
            sessions_form=sessions_form or SignOutOthersForm(formdata=None),
            logout_form=ConfirmForm(formdata=None),
            previous_sign_in=_previous_sign_in(),
            passkeys=passkeys.passkeys_of(current_user),
            passkey_form=_passkey_form(),
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


def _passkey_form() -> AddPasskeyForm:
    """ "Add a passkey", its name filled in from this browser ("Chrome on Linux")."""
    form = AddPasskeyForm(formdata=None)
    form.passkey_name.data = passkeys.default_name(request.user_agent.string)
    return form
