"""Forms of the sign-up, sign-in and password reset pages."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField

from ..forms import Form, current_password_field, email_field, new_password_field


class SignupForm(Form):
    email = email_field()
    password = new_password_field(email_field="email")


class LoginForm(Form):
    #: The browser's autofill offers the site's passkeys here too (conditional mediation).
    email = email_field(autocomplete="username webauthn")
    password = current_password_field()
    next = HiddenField()


class ResetPasswordForm(Form):
    """``account_email`` is set by the view so the rules can compare against it."""

    password = new_password_field(_l("New password"))


class ActivateWithPasswordForm(Form):
    """Activation from a browser that did not sign up: the password chosen at sign-up."""

    password = current_password_field(_l("The password you chose when signing up"))
