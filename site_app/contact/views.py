"""The contact page: the support address, and a form that reaches support by mail.

The form has limits of its own (``CONTACT_PER_IP``, ``CONTACT_PER_EMAIL``, applied by
:func:`site_app.limits.policy.contact_limits`): someone blocked by the sign-up or reset quotas must
still be able to reach support.
"""

import re

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import LazyString, format_number, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Form, email_field
from ..limits.policy import contact_limits
from ..templating import render_form
from . import messages

bp = Blueprint("contact", __name__)

#: The longest message the form takes, in characters; written as each language writes
#: numbers (« 5 000 », "5,000").
MESSAGE_MAX = 5000
_MAX_SHOWN = LazyString(lambda: format_number(MESSAGE_MAX))


def _error_reference(value: str | None) -> str | None:
    """Keep an error reference (``B2``, ``E500-1A2B3C``) only if it has that shape."""
    return value if value and re.fullmatch(r"[A-Z0-9-]{1,32}", value) else None


class ContactForm(Form):
    email = email_field(autofocus=False)
    topic = SelectField(
        _l("Subject"),
        choices=[SelectChoice(key, label) for key, label in messages.CONTACT_TOPICS.items()],
        validators=[DataRequired(_l("Choose a subject."))],
    )
    message = TextAreaField(
        _l("Message"),
        validators=[
            DataRequired(_l("Write your message.")),
            Length(
                max=MESSAGE_MAX,
                message=_l("Keep your message to %(max)s characters or fewer.", max=_MAX_SHOWN),
            ),
        ],
        render_kw={"rows": 8},
    )
    ref = HiddenField(filters=[_error_reference])
    #: Left empty by people; bots fill it in.
    website = StringField(
        _l("Leave this field empty"),
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )


@bp.route("/contact", methods=["GET", "POST"])
@contact_limits
def contact():
    form = ContactForm()
    if request.method == "GET":
        form.ref.data = _error_reference(request.args.get("ref"))
        form.topic.data = messages.subject_for(form.ref.data) or form.topic.data
        if current_user.is_authenticated:
            form.email.data = current_user.email
    if form.validate_on_submit():
        if form.website.data:  # a bot: answer as if it worked, send nothing
            session["contact_reference"] = "C-000000"
        else:
            sent_message = messages.send_contact_message(
                form.email.data,
                form.topic.data,
                form.message.data.strip(),
                str(get_locale()),
                form.ref.data,
            )
            session["contact_reference"] = sent_message.reference
        return redirect(url_for("contact.sent"))
    return render_form("contact/index.html", form)


@bp.route("/contact/sent")
def sent():
    return render_template("contact/sent.html", reference=session.get("contact_reference"))
