"""Forms of the sign-up, sign-in and password reset pages."""

from flask_wtf import FlaskForm
from wtforms import HiddenField

from ..forms import current_password_field, email_field, new_password_field


class SignupForm(FlaskForm):
    email = email_field()
    password = new_password_field(email_field="email")


class LoginForm(FlaskForm):
    email = email_field()
    password = current_password_field()
    next = HiddenField()


class ResetPasswordForm(FlaskForm):
    """``account_email`` is set by the view so the rules can compare against it."""

    password = new_password_field()
