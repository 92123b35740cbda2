"""Who a mail comes from and how its dates read, in every language (issue 22, items 1 and 4).

A reader who does not read French finds the mail by its sender's name; every date a mail
gives reads the same way (long date, hours:minutes, UTC), from one helper — and the account
page writes its dates with the same helper, so they read as the mails' do.
"""

import re
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path

import pytest
from conftest import PASSWORD, create_account, person, sign_in, submit
from flask_babel import force_locale, gettext

from site_app.accounts import notifications
from site_app.accounts import rules as accounts
from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.mail import deliver_pending

DOCS = Path(__file__).resolve().parent.parent / "docs"
QUOTES = {"fr": ("« ", " »"), "en": ('"', '"'), "ar": ("«", "»")}

#: The instant the dated mails are sent at, and how a native reader expects it written.
SENT_AT = datetime(2026, 11, 28, 14, 5, 42, tzinfo=UTC)
EXPECTED = {
    "fr": "28 novembre 2026 à 14:05 UTC",
    "en": "November 28, 2026, at 2:05\u202fPM UTC",  # CLDR: a narrow no-break space
    "ar": "28 نوفمبر 2026 الساعة 2:05 م بتوقيت UTC",
}


def app_name(app, lang):
    """The sender's name in ``lang``, as the catalogs say it: the service's help center."""
    with app.test_request_context(), force_locale(lang):
        return gettext("%(service)s help center", service=app.config["SERVICE_NAME"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sender_is_named_in_the_mails_language(app, client, inbox, lang):
    address = f"sender-{lang}@example.org"
    submit(client, f"/signup?lang={lang}", {"email": address, "password": PASSWORD})
    sender = inbox.last(address)["From"].addresses[0]
    assert sender.display_name == app_name(app, lang)
    assert sender.addr_spec == parseaddr(app.config["MAIL_DEFAULT_SENDER"])[1]


def test_each_language_has_its_own_sender_name(app):
    names = {lang: app_name(app, lang) for lang in LANGUAGES}
    assert len(set(names.values())) == len(LANGUAGES), names


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sender_names_the_service(app, lang):
    """« Centre d'aide » alone does not say which service wrote: the name is in it, and
    it is not the page header's name (review of issue 22)."""
    with app.test_request_context(), force_locale(lang):
        header = gettext("Help center")
    assert app.config["SERVICE_NAME"] in app_name(app, lang)
    assert app_name(app, lang) != header


def test_the_service_name_is_a_setting(make_app, inbox):
    app = make_app(SERVICE_NAME="Acme")
    with app.app_context():
        accounts.register("acme@example.org", PASSWORD, "fr")
    assert inbox.last("acme@example.org")["From"].addresses[0].display_name == (
        "Centre d'aide Acme"
    )


#: Where the guide sends the reader to the spam folder, it names the sender (issue 22).
SPAM_ADVICE = ["troubleshooting", "create-account"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", SPAM_ADVICE)
def test_the_guide_names_the_sender_where_it_sends_to_the_spam_folder(app, lang, page):
    """The guide quotes the sender as the mails show it with the embedded SERVICE_NAME
    (an operator who renames the service rewords these sentences too: README)."""
    text = (DOCS / f"{page}.{lang}.md").read_text(encoding="utf-8")
    text = re.sub(r"</?bdi>", "", text)
    name = app_name(app, lang).replace("\u2068", "").replace("\u2069", "")
    assert f"{QUOTES[lang][0]}{name}{QUOTES[lang][1]}" in text


def test_the_configured_address_is_kept_and_named_in_the_mails_language(make_app, inbox):
    app = make_app(MAIL_DEFAULT_SENDER="Ops desk <ops@example.com>")
    with app.app_context():
        accounts.register("ops-desk@example.org", PASSWORD, LANGUAGES[0])
    sender = inbox.last("ops-desk@example.org")["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == (
        app_name(app, LANGUAGES[0]),
        "ops@example.com",
    )


def dated_mails(app, inbox, lang, time_machine):
    """The activation mail, then every other mail that gives a date, sent at :data:`SENT_AT`
    to an account in ``lang``."""
    address = f"dated-{lang}@example.org"
    time_machine.move_to(SENT_AT, tick=False)
    with app.app_context():
        accounts.register(address, PASSWORD, lang)  # sends the activation mail
        activation = inbox.last(address)
        user = accounts.find_user(address)
        for notify in (
            notifications.password_changed,
            notifications.account_targeted,
            notifications.account_deleted,
        ):
            notify(user)
        db.session.commit()
        deliver_pending(flush=True)
    others = inbox.to(address)[1:]
    assert len(others) == 3, [m["Subject"] for m in others]
    return activation, others


def parts(mail):
    """The text part and the HTML part's text, without the invisible isolates that
    right-to-left languages put around placeholders (site_app/typography.py)."""
    html = mail.get_body(preferencelist=("html",)).get_content()
    text = mail.get_body(preferencelist=("plain",)).get_content()
    return tuple(
        re.sub("[\u2066-\u2069]", "", part) for part in (text, re.sub(r"<[^>]+>", "", html))
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_mail_writes_its_date_one_way(app, inbox, lang, time_machine):
    activation, others = dated_mails(app, inbox, lang, time_machine)
    for mail in [activation, *others]:
        for part in parts(mail):
            where = f"{lang} {mail['Subject']!r}:\n{part}"
            assert re.search(r"\d:\d\d\b", part) and "UTC" in part, where
            assert not re.search(r"\d:\d\d:\d\d", part), f"seconds in {where}"
            assert not re.search(r"\bTU\b|التوقيت العالمي|GMT", part), where
    expected = EXPECTED[lang]  # a native reader's spelling of SENT_AT, and of 48 hours later
    for mail in others:
        for part in parts(mail):
            assert expected in part, f"{lang} {mail['Subject']!r}: no {expected!r} in\n{part}"
    deadline = expected.replace("28", "30", 1)
    for part in parts(activation):
        assert deadline in part, f"{lang}: no {deadline!r} in\n{part}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_account_page_writes_its_dates_as_the_mails_do(app, lang, time_machine):
    time_machine.move_to(SENT_AT, tick=False)
    address = create_account(app, address=f"page-{lang}@example.org", locale=lang)
    owner = person(app)
    for _ in range(2):  # the second sign-in has a « Last sign-in » to show
        owner.get(f"/language/{lang}")
        sign_in(owner, address)
        submit(owner, "/logout", {}, form_url="/account")
    owner.get(f"/language/{lang}")
    sign_in(owner, address)
    page = owner.get("/account")
    assert page.status_code == 200
    shown = re.sub("[\u2066-\u2069]", "", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
    shown = re.sub(r"[ \t\n]+", " ", shown)
    # created, activated, last sign-in, and the session's « last seen »
    assert shown.count(EXPECTED[lang]) == 4, f"{lang}: {EXPECTED[lang]!r} x4 not in\n{shown}"
    assert not re.search(r"\d:\d\d:\d\d", shown), f"{lang}: seconds in\n{shown}"


def test_french_writes_the_first_of_the_month_as_an_ordinal(app):
    """« 1er décembre 2026 », not « 1 décembre »; other days and languages are Babel's own."""
    from site_app.mail.wording import mail_datetime

    first = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("fr"):
            assert mail_datetime(first) == gettext(
                "%(date)s, at %(time)s UTC", date="1er décembre 2026", time="09:30"
            )
            assert mail_datetime(SENT_AT).startswith("28 novembre 2026")
        with force_locale("en"):
            assert mail_datetime(first).startswith("December 1, 2026")
