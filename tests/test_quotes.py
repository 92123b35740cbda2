"""The guide quotes the app's own words, character for character, in every language (issue 22,
item 3).

A reader who does not read the language well matches what the guide quotes with what the
screen shows by its shape. So every quoted run of the guide (« … », «…», "…") is text the
app shows in that language — read from its catalogs (the English msgids for the source
language), never from a copy made here — unless it is listed below as someone else's words
(a mail client's tab, a synonym). The headings of the error pages' articles are the pages'
titles, and the links' lifetimes are written as the app writes them.
"""

import html
import re

import pytest
from babel.messages.pofile import read_po
from conftest import PASSWORD, ROOT, submit
from flask_babel import force_locale
from test_glossary import APP_LANGUAGES, catalog_path, guide_languages, source_language

from site_app.accounts import notifications
from site_app.accounts import rules as accounts
from site_app.errors import ERRORS
from site_app.extensions import db
from site_app.mail import deliver_pending
from site_app.templating import language_name

DOCS = ROOT / "docs"
LANGUAGES = [lang for lang in guide_languages() if lang in APP_LANGUAGES]

#: Quoted words that are not the app's, per language: what they are.
NOT_THE_APPS = {
    "fr": {
        "valider": "the seed's synonym of « activer » (glossary)",
        "non spam": "the mail client's button",
        "Promotions": "Gmail's tab",
        "Notifications": "Gmail's tab",
        "Firefox sur Windows": "an example of a session's browser",
    },
    "en": {
        "Not spam": "the mail client's button",
        "Promotions": "Gmail's tab",
        "Updates": "Gmail's tab",
        "Firefox on Windows": "an example of a session's browser",
    },
    "ar": {
        "تأكيد": "the seed's synonym of «تفعيل» (glossary)",
        "ليست رسالة غير مرغوب فيها": "the mail client's button",
        "العروض الترويجية": "Gmail's tab",
        "التحديثات": "Gmail's tab",
        "Firefox على Windows": "an example of a session's browser",
    },
}

QUOTES = re.compile(r"«\s*([^»]+?)\s*»|\"([^\"\n]+)\"|“([^”\n]+)”")
SPACES = re.compile(r"[\s\u00a0\u202f]+")
#: The Unicode isolates the catalogs put around placeholders (CONTRIBUTING, "Writing style").
ISOLATES = re.compile("[\u2066-\u2069]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def normal(text: str) -> str:
    """Spaces as one plain space (no-break spaces are typography, not words), no isolates."""
    return SPACES.sub(" ", ISOLATES.sub("", text)).strip()


def app_texts(lang: str) -> list[str]:
    """Every text the app's catalogs give in ``lang`` (every plural form; the msgids for the
    source language), and the language names of the language selector."""
    source = lang == source_language()
    catalog = next(code for code in APP_LANGUAGES if code != lang) if source else lang
    texts = [language_name(code) for code in APP_LANGUAGES]
    with catalog_path(catalog).open("rb") as handle:
        for message in read_po(handle, locale=catalog):
            if message.id:
                shown = message.id if source else message.string
                texts += [s for s in (shown if isinstance(shown, tuple) else (shown,)) if s]
    return [normal(text) for text in texts]


def as_pattern(text: str) -> re.Pattern:
    """``text`` with each placeholder matching what the app fills in."""
    parts = PLACEHOLDER.split(text)
    return re.compile(".+?".join(re.escape(part) for part in parts))


def is_the_apps(quote: str, texts: list[str], patterns: list[re.Pattern]) -> bool:
    """Whether ``quote`` is a whole text of the app, placeholders filled in."""
    return quote in texts or any(pattern.fullmatch(quote) for pattern in patterns)


def quoted(markdown: str) -> list[str]:
    """The quoted runs of a guide page, outside code, link targets, attributes and admonition
    titles (those are the guide's words)."""
    text = re.sub(r"^```.*?^```", " ", markdown, flags=re.M | re.S)
    text = re.sub(r"^(?:!!!|\?\?\?).*$", " ", text, flags=re.M)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)
    text = re.sub(r"\{[^}\n]*\}", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("**", "").replace("*", "")
    text = SPACES.sub(" ", text)
    return [normal(next(g for g in match.groups() if g)) for match in QUOTES.finditer(text)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_quote_of_the_guide_is_the_apps_own_text(lang):
    texts = app_texts(lang)
    patterns = [as_pattern(text) for text in texts if PLACEHOLDER.search(text)]
    others = NOT_THE_APPS[lang]
    wrong = []
    for path in sorted(DOCS.glob(f"*.{lang}.md")):
        for quote in quoted(path.read_text(encoding="utf-8")):
            if quote not in others and not is_the_apps(quote, texts, patterns):
                wrong.append(f"{path.name}: {quote!r}")
    assert not wrong, f"{lang}: quoted, but the app does not show it:\n" + "\n".join(wrong)


def test_the_check_refuses_a_quote_that_differs_by_one_character():
    texts = app_texts(LANGUAGES[0])
    sample = next(text for text in texts if len(text) > 10 and not PLACEHOLDER.search(text))
    changed = sample[:-1] + ("x" if sample[-1] != "x" else "y")
    assert quoted(f"Cliquez sur « {sample} ».") == [sample]
    assert is_the_apps(sample, texts, [])
    assert not is_the_apps(changed, texts, [as_pattern(t) for t in texts if "%(" in t])


def headings(markdown: str) -> dict[str, str]:
    """Heading id → its text."""
    return {
        anchor: normal(text.replace("**", ""))
        for text, anchor in re.findall(r"^#+ (.+?) \{ #([\w-]+) \}", markdown, flags=re.M)
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_error_pages_articles_are_headed_with_the_pages_titles(app, lang):
    guide = {}
    for path in DOCS.glob(f"*.{lang}.md"):
        guide.update(headings(path.read_text(encoding="utf-8")))
    titled = {topic: title for topic, title, _ in ERRORS.values()}
    with app.test_request_context(), force_locale(lang):
        expected = {topic: normal(str(title)) for topic, title in titled.items()}
    wrong = {topic: (guide.get(topic), title) for topic, title in expected.items()}
    wrong = {topic: pair for topic, pair in wrong.items() if pair[0] != pair[1]}
    assert not wrong, f"{lang}: topic → (guide heading, page title): {wrong}"


def sections(markdown: str) -> dict[str, str]:
    """Heading id → the text under it, up to the next heading."""
    parts = re.split(r"^#+ .+? \{ #([\w-]+) \}$", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def shown_lifetimes(app, client, inbox, lang) -> dict[str, str]:
    """Each link's lifetime as the app writes it in ``lang`` (« 60 minutes », "48 hours"):
    read from the activation mail, the page after « Forgot your password? » and the sign-in
    link mail, found by the number its setting gives."""
    address = f"lifetime-{lang}@example.org"
    submit(client, f"/signup?lang={lang}", {"email": address, "password": PASSWORD})
    activation = inbox.last(address).get_body(("plain",)).get_content()
    forgot = submit(
        client, f"/password/forgot?lang={lang}", {"email": address}, follow_redirects=True
    )
    with app.app_context():
        notifications.sign_in_link(accounts.find_user(address), lang)
        db.session.commit()
        deliver_pending(flush=True)
    sign_in = inbox.last(address).get_body(("plain",)).get_content()
    texts = {
        "ACTIVATION_DELAY": (activation, 3600),
        "PASSWORD_RESET_DELAY": (re.sub(r"<[^>]+>", " ", forgot.text), 60),
        "SIGN_IN_LINK_DELAY": (sign_in, 60),
    }
    shown = {}
    for setting, (text, unit) in texts.items():
        number = int(app.config[setting].total_seconds() // unit)
        found = re.search(rf"(?<!\d){number}\s\w+", normal(text))
        assert found, f"{lang}: {setting} ({number}) is not written in:\n{text}"
        shown[setting] = found.group(0)
    return shown


#: The guide's sections that give each link's lifetime.
LIFETIMES = {
    "ACTIVATION_DELAY": ["activation-email", "account-deleted", "link-expired"],
    "PASSWORD_RESET_DELAY": ["reset-password", "link-expired"],
    "SIGN_IN_LINK_DELAY": ["sign-in-link"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_guide_gives_each_links_lifetime_as_the_app_writes_it(app, client, inbox, lang):
    shown = shown_lifetimes(app, client, inbox, lang)
    guide = {}
    for path in DOCS.glob(f"*.{lang}.md"):
        guide.update(sections(path.read_text(encoding="utf-8")))
    wrong = []
    for setting, topics in LIFETIMES.items():
        for topic in topics:
            if shown[setting] not in normal(guide[topic].replace("*", "")):
                wrong.append(f"#{topic} does not say {shown[setting]!r} ({setting})")
    assert not wrong, f"{lang}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_link_pages_are_headed_as_the_guides_sections(client, inbox, lang, time_machine):
    """Each link problem's page (expired, used, invalid) has the title of its guide section."""
    guide = {}
    for path in DOCS.glob(f"*.{lang}.md"):
        guide.update(headings(path.read_text(encoding="utf-8")))
    time_machine.move_to("2030-01-01 12:00:00+00:00", tick=False)
    address = f"links-{lang}@example.org"
    submit(client, f"/signup?lang={lang}", {"email": address, "password": PASSWORD})
    link = inbox.last(address).get_body(("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/activate/\S+)", link).group(1)
    head, token = link.rsplit("/", 1)
    pages = {
        "link-invalid": client.get(
            f"{head}/{'B' if token.startswith('A') else 'A'}{token[1:]}", follow_redirects=True
        )
    }
    time_machine.move_to("2030-01-05 12:00:00+00:00", tick=False)
    pages["link-expired"] = client.get(link, follow_redirects=True)
    time_machine.move_to("2030-01-01 12:05:00+00:00", tick=False)
    submit(client, link, {"password": PASSWORD})
    submit(client, "/logout", {}, form_url="/account")
    pages["link-used"] = client.get(link, follow_redirects=True)
    for topic, page in pages.items():
        title = normal(html.unescape(re.search(r"<h1>(.*?)</h1>", page.text, re.S).group(1)))
        assert guide.get(topic) == title, (
            f"{lang} #{topic}: guide {guide.get(topic)!r}, page {title!r}"
        )
