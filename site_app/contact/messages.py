"""Contact rules: store a message, mail it to support, acknowledge it to the sender.

Like :mod:`site_app.accounts.rules`, nothing here reads the request.
"""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..help.topics import help_url
from ..limits.causes import CAUSES
from ..mail.outbox import commit_and_dispatch, queue_mail
from ..models import ContactMessage

#: Subjects offered by the contact form: a help topic each, or "other".
CONTACT_TOPICS = {
    "create-account": _l("Creating my account and the activation email"),
    "wrong-password": _l("Signing in and my password"),
    "ip-blocked": _l("My IP address is blocked"),
    "account-page": _l("My account"),
    "other": _l("Something else"),
}
#: The subject that matches an error reference (``B2``, ``E429`` …) of the page the
#: person came from (``/contact?ref=B2``); other references keep the first subject. A
#: refusal's (limits/causes.py) is its help topic, when that is a subject.
REFERENCE_SUBJECTS = {
    "B1": "wrong-password",
    "E429": "ip-blocked",
    **{cause.reference: cause.topic for cause in CAUSES.values() if cause.topic in CONTACT_TOPICS},
}


def subject_for(reference: str | None) -> str | None:
    """The contact subject of an error reference, or None (``E429-…`` counts as ``E429``)."""
    if not reference:
        return None
    return REFERENCE_SUBJECTS.get(reference) or REFERENCE_SUBJECTS.get(reference.split("-")[0])


#: References drawn before giving up: a draw may repeat one given before (16.7 million exist).
REFERENCE_DRAWS = 5


def new_reference() -> str:
    """A reference to give the sender: ``C-`` and six random hex digits."""
    return f"C-{secrets.token_hex(3).upper()}"


def send_contact_message(
    email: str, topic: str, message: str, locale: str, error_reference: str | None
) -> ContactMessage:
    """Store the message, mail it to support and acknowledge it to the sender.

    A reference drawn for an earlier message is drawn again (the unique constraint
    says so, even for two messages sent at once): that was a 500, and the message lost.
    """
    for _ in range(REFERENCE_DRAWS):
        contact = ContactMessage(
            reference=new_reference(),
            email=email,
            topic=topic,
            message=message,
            error_reference=error_reference or None,
            locale=locale,
        )
        db.session.add(contact)
        try:
            db.session.flush()
            break
        except IntegrityError:  # that reference was given already
            db.session.rollback()
    else:
        raise RuntimeError(f"no free contact reference in {REFERENCE_DRAWS} draws")
    support = current_app.config["SUPPORT_EMAIL"]
    languages = current_app.config["LANGUAGES"]
    context = {
        "contact": contact,
        "topic_label": CONTACT_TOPICS[topic],
        "support_email": support,
        "help": lambda name: help_url(name, locale, external=True),
    }
    queue_mail(
        "contact_support",
        support,
        languages[0],
        _l("Contact %(reference)s: %(topic)s", reference=contact.reference, topic=topic),
        reply_to=email,
        **context,
    )
    queue_mail(
        "contact_ack",
        email,
        locale,
        _l("We've received your message (%(reference)s)", reference=contact.reference),
        **context,
    )
    commit_and_dispatch()
    return contact
