"""Form fields shared by the blueprints: email and password, with localized errors."""

import re
from functools import lru_cache

from babel import support
from flask import has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from .accounts.addresses import normalize_email, stored_address
from .accounts.passwords import password_problems

EMAIL_MAX_LENGTH = 254
#: NUL, which PostgreSQL's text type refuses (it was a 500, and the logged traceback held
#: the sender's address and message), and lone surrogates (JSON's "\ud800"), which no
#: UTF-8 encoder writes. Nothing a person means to type.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_TEXT = _l(
    "This text contains an invisible character that can't be saved. "
    "Type the text again instead of pasting it."
)


def storable(text: str) -> bool:
    """Tell whether ``text`` can be stored and mailed as it is (no NUL, no lone surrogate)."""
    return _UNSTORABLE.search(text) is None


def refuse_unstorable(form, field) -> None:
    """Run on every field of every form (:class:`Form`): the field says what is wrong."""
    if isinstance(field.data, str) and not storable(field.data):
        raise ValidationError(UNSTORABLE_TEXT)


class ValidEmail:
    """Refuse what is not a deliverable-looking address; store its normalised form."""

    def __call__(self, form, field):
        if field.data and not field.data.split("@")[0].isascii():
            raise StopValidation(
                _l("Use only unaccented letters, digits and . _ - + before the @ sign.")
            )
        stored = stored_address(field.data)
        if stored is None:
            raise StopValidation(_l("Enter a valid email address, such as name@example.org."))
        field.data = stored


class AcceptablePassword:
    """Apply the password rules; the message says which rule failed."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        email = form[self.email_field].data if self.email_field else ""
        if self.email_field is None and hasattr(form, "account_email"):
            email = form.account_email
        problems = password_problems(field.data or "", email or "")
        if problems:
            raise StopValidation(problems[0])


def email_field(autofocus: bool = True, label=None, autocomplete: str = "email") -> EmailField:
    """The email input, ready for password managers (and, on the sign-in page, for the
    browser's passkeys: ``username webauthn``)."""
    render_kw = {"autocomplete": autocomplete, "spellcheck": "false", "autocapitalize": "none"}
    if autofocus:
        render_kw["autofocus"] = True
    return EmailField(
        label or _l("Email address"),
        filters=[normalize_email],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX_LENGTH, message=_l("This email address is too long.")),
            ValidEmail(),
        ],
        render_kw=render_kw,
    )


def current_password_field(label=None) -> PasswordField:
    """A password typed to prove who you are (no rules beyond a sane length)."""
    return PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=1024, message=_l("This password is too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


def new_password_field(label=None, email_field: str | None = None) -> PasswordField:
    """A new password, checked against the rules."""
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired(_l("Choose a password.")), AcceptablePassword(email_field)],
        render_kw={"autocomplete": "new-password", "aria-describedby": "password-rules"},
    )


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


#: The methods that send a form (Flask-WTF's); the default of ``formdata`` below means "the
#: request's text fields, if it sent any" (Flask-WTF's own default is private).
SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FROM_REQUEST = object()


class Form(FlaskForm):
    """Every form of the site: WTForms' own messages in the page's language.

    Flask-WTF reloads WTForms' catalog from disk on every request; here it is loaded
    once per language.

    Fields are read from the form's text fields only. Flask-WTF would also read
    uploaded files and JSON bodies: a file part or a JSON object where a text
    field is expected reached the filters as an object and made a 500. No form
    of the site takes files or JSON, so such a field is simply missing (422).

    Every field refuses text that cannot be stored (:func:`refuse_unstorable`), once
    here rather than field by field, so a new field cannot forget it.
    """

    def __init__(self, formdata=_FROM_REQUEST, **kwargs):
        if formdata is _FROM_REQUEST:
            sent = has_request_context() and request.method in SUBMIT_METHODS
            formdata = request.form if sent and request.form else None
        super().__init__(formdata=formdata, **kwargs)

    def validate(self, extra_validators=None):
        extra = {name: list(chain) for name, chain in (extra_validators or {}).items()}
        for name in self._fields:
            extra.setdefault(name, []).append(refuse_unstorable)
        return super().validate(extra_validators=extra)

    class Meta:
        def get_translations(self, form):
            return _wtforms_translations(str(get_locale()))


class EmailForm(Form):
    """Just an address: resend activation, forgotten password."""

    email = email_field()


class ConfirmForm(Form):
    """A button and its CSRF token: confirm activation, sign out."""
