"""Sign-up, activation and the home page, end to end, in every language."""

import re

import pytest
from conftest import PASSWORD, link_in, submit
from sqlalchemy import func, select

from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.models import User
from site_app.templating import language_name, text_direction

SUBJECTS = {
    "fr": ("VEUILLEZ ACTIVER VOTRE COMPTE", "Votre compte a été créé"),
    "en": ("PLEASE ACTIVATE YOUR ACCOUNT", "Your account has been created"),
    "ar": ("يُرجى تفعيل حسابك", "تم إنشاء حسابك"),
}


def sign_up(client, address, password=PASSWORD, lang="fr"):
    return submit(client, f"/signup?lang={lang}", {"email": address, "password": password})


def activate(client, inbox, address):
    link = link_in(inbox.last(address), "/activate/")
    return submit(client, link, {}, follow_redirects=True)


def test_home_shows_language_selector_and_account_entry(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'data-help-point="1"' in page and 'data-help-point="2"' in page
    assert "Sign in" in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_offers_every_language_named_in_itself(client, lang):
    page = client.get(f"/login?lang={lang}").text
    direction = ' dir="rtl"' if text_direction(lang) == "rtl" else ""
    assert f'<html lang="{lang}"{direction}>' in page
    switch = page.split('data-help-point="1"', 1)[1].split("</div>", 1)[0]
    names = re.findall(r'lang="(\w+)"[^>]*>([^<]+)<', switch)
    assert names == [(code, language_name(code)) for code in LANGUAGES]
    assert dict(names)["ar"] == "العربية" and dict(names)["fr"] == "Français"


def test_first_visit_follows_accept_language_then_the_choice_sticks(client):
    assert '<html lang="fr">' in client.get("/", headers={"Accept-Language": "fr"}).text
    switched = client.get("/language/en?next=/login")
    assert switched.status_code == 302 and switched.location == "/login"
    assert "lang=en" in switched.headers["Set-Cookie"]
    # The cookie now wins over the browser's language.
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "fr"}).text
    client.get("/language/fr")
    assert '<html lang="fr">' in client.get("/", headers={"Accept-Language": "en"}).text


def test_language_switch_refuses_foreign_next(client):
    assert client.get("/language/en?next=//evil.example").location == "/"
    assert client.get("/language/xx").status_code == 404


def test_login_page_offers_sign_up_as_point_3(client):
    page = client.get("/login?lang=fr").text
    assert re.search(r'<a href="/signup" data-help-point="3"[^>]*>S(&#39;|\')inscrire</a>', page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_up_activate_and_land_on_account_page(client, inbox, app, lang):
    address = f"new-{lang}@example.org"
    answer = sign_up(client, address, lang=lang)
    assert answer.status_code == 302
    assert "/check-your-mail/signup" in answer.location

    mail = inbox.last(address)
    activation_subject, created_subject = SUBJECTS[lang]
    assert mail["Subject"] == activation_subject
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "48" in text and ("spam" in text.lower())
    # The deadline is written in UTC in every language (Babel's French "TU" reads oddly),
    # with Western digits (also in Arabic: "10:00 ص بتوقيت UTC").
    # (Arabic placeholders sit between invisible isolates, site_app/typography.py.)
    shown = re.sub("[\u2066-\u2069]", "", text)
    assert re.search(r"\b\d{1,2}:\d{2}(\s[AP]M|\s[صم])? (بتوقيت )?UTC\b", shown), text
    assert "/help/go/activation-email?lang=" + lang in text
    assert "/activate/" in html and f'lang="{lang}"' in html
    if text_direction(lang) == "rtl":  # right to left, even where <html> is dropped
        assert '<html lang="ar" dir="rtl">' in html and '<div dir="rtl"' in html

    link = link_in(mail, "/activate/")
    # A mail scanner opening the link changes nothing.
    confirm_page = client.get(link, follow_redirects=True)
    assert confirm_page.status_code == 200 and "<form" in confirm_page.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == address)).activated_at is None

    account = submit(client, link, {}, follow_redirects=True)
    assert account.request.path == "/account"
    assert 'data-help-point="5"' in account.text and address in account.text
    assert inbox.last(address)["Subject"] == created_subject
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == address)).activated_at


def test_activation_link_works_once(client, inbox):
    sign_up(client, "once@example.org")
    link = link_in(inbox.last("once@example.org"), "/activate/")
    submit(client, link, {})
    assert submit(client, "/logout", {}, form_url="/account").status_code == 302
    again = client.get(link)
    assert again.status_code == 410
    assert "déjà été utilisé" in again.text


def test_activation_link_expires_after_the_delay(client, inbox, time_machine):
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    sign_up(client, "late@example.org")
    link = link_in(inbox.last("late@example.org"), "/activate/")
    time_machine.move_to("2030-01-03 12:00:01+00:00", tick=False)
    expired = client.get(link)
    assert expired.status_code == 410
    assert "expiré" in expired.text
    assert "/help/" in expired.text and "#link-expired" in expired.text


def test_tampered_activation_link_is_invalid(client, inbox):
    sign_up(client, "tamper@example.org")
    link = link_in(inbox.last("tamper@example.org"), "/activate/")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    answer = client.get(tampered)
    assert answer.status_code == 400
    assert "#link-invalid" in answer.text
    assert submit(client, tampered, {}, form_url="/signup").status_code == 400


def test_signing_up_twice_makes_one_account_and_tells_the_owner(client, inbox, app):
    first = sign_up(client, "twice@example.org", lang="en")
    activate(client, inbox, "twice@example.org")
    inbox.clear()
    stranger = app.test_client()
    second = sign_up(stranger, "Twice@Example.org", password="another long password", lang="fr")
    assert second.status_code == first.status_code == 302
    assert second.location == first.location
    # The owner is told, in the owner's language (not the stranger's).
    [notice] = inbox.to("twice@example.org")
    assert notice["Subject"] == "Someone tried to sign up with your email address"
    with app.app_context():
        count = db.session.scalar(select(func.count(User.id)))
        assert count == 1


def test_resend_activation_sends_a_new_working_link(client, inbox):
    sign_up(client, "lost@example.org")
    inbox.clear()
    answer = submit(client, "/activation/resend", {"email": "lost@example.org"})
    assert answer.status_code == 302
    assert inbox.last("lost@example.org")["Subject"] == "VEUILLEZ ACTIVER VOTRE COMPTE"
    page = activate(client, inbox, "lost@example.org")
    assert page.request.path == "/account"


def test_resend_for_unknown_address_answers_the_same(client, inbox):
    answer = submit(client, "/activation/resend", {"email": "nobody@example.org"})
    assert answer.status_code == 302 and "/check-your-mail/resend" in answer.location
    assert inbox.to("nobody@example.org") == []
