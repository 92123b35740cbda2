"""Forms of the account page."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from ..forms import Form, current_password_field, email_field, new_password_field


class ChangePasswordForm(Form):
    """``account_email`` is set by the view so the rules can compare against it."""

    current_password = current_password_field(_l("Current password"))
    new_password = new_password_field(_l("New password"))


class DeleteAccountForm(Form):
    password = current_password_field()


class SignOutOthersForm(Form):
    """« Sign out of the other sessions »: the password proves it is the owner asking.

    Its own field name: the delete form on the same page has ``password``.
    """

    sessions_password = current_password_field()


class ChangeEmailForm(Form):
    """The new address and the password (its own field name: the page has several)."""

    new_email = email_field(autofocus=False, label=_l("New email address"))
    email_password = current_password_field()


class ConfirmEmailWithPasswordForm(Form):
    """The confirmation link opened in a browser not signed in to the account."""

    password = current_password_field()


class AddPasskeyForm(Form):
    """The account page's "Add a passkey": sent by static/js/passkeys.js as JSON (the name
    and the password), rendered here for its labels, hints and show-password button."""

    passkey_name = StringField(
        _l("Passkey name"),
        validators=[Length(max=60)],
        render_kw={"maxlength": 60, "autocomplete": "off"},
    )
    passkey_password = current_password_field()
