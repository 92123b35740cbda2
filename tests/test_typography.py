"""What each language's readers see is set as their language sets it (issue 22, items 5, 6).

Read from the built guide, the app's pages and the mails the SMTP server receives:

- in Arabic, every Latin run that the browser would reorder (an IP, an address, a URL, a
  reference: Latin letters or digits around a dot, a slash, ``@``, ``:`` or ``-``) is
  isolated: inside ``<bdi>``, an element with ``dir``, code in ``<bdi>``, or, in text that
  holds no markup (``alt``, a plain-text mail), between Unicode isolates;
- in French, no plain space before ``: ; ? !`` or inside « »: a no-break one.

The checks here are written apart from the build step and the compile step that do it
(``overrides/hooks/typography.py``, ``scripts/compile_catalogs.py``), so they can fail.
"""

import re
from html.parser import HTMLParser

import pytest
from conftest import PASSWORD, submit

from site_app.accounts import notifications
from site_app.accounts import rules as accounts
from site_app.config import LANGUAGES
from site_app.extensions import db
from site_app.mail import deliver_pending
from site_app.templating import text_direction

#: Latin text that bidi reorders inside right-to-left text: letters and digits around a
#: separator, a letter among them (digits alone, as in 14:05 or 2026-12-02, stay in order).
REORDERED = re.compile(r"(?=[\w./@:-]*[A-Za-z])[A-Za-z0-9]+(?:[./@:-][A-Za-z0-9]+)+/?")
ISOLATED = re.compile("[\u2066\u2067\u2068][^\u2069]*\u2069")
#: A plain space where French puts a no-break one.
PLAIN_SPACE = re.compile(r"\w ([;:!?»])| ?« ")
#: Elements whose text is not prose: French spacing does not apply there, and neither does
#: direction, except in inline code (which does not isolate: it must be in ``<bdi>``).
NOT_PROSE = {"code", "pre", "script", "style", "kbd", "samp", "textarea", "svg", "title"}
NOT_PROSE_RTL = NOT_PROSE - {"code", "kbd", "samp"}
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Reader(HTMLParser):
    """Collects a page's prose (outside code and scripts), with whether it is isolated, and
    its ``alt`` texts."""

    def __init__(self, not_prose=NOT_PROSE):
        super().__init__(convert_charrefs=True)
        self.not_prose = not_prose
        self.stack, self.texts, self.alts = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("alt"):
            self.alts.append(attrs["alt"])
        if tag not in VOID:
            isolated = tag == "bdi" or "dir" in attrs
            self.stack.append((tag, tag in self.not_prose, isolated))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not any(skip for _, skip, _ in self.stack):
            self.texts.append((data, any(isolated for _, _, isolated in self.stack)))


def read(html: str, not_prose=NOT_PROSE) -> Reader:
    reader = Reader(not_prose)
    reader.feed(html)
    return reader


def unisolated_runs(text: str) -> list[str]:
    """The reordered Latin runs of plain ``text`` that are not between isolates."""
    return REORDERED.findall(ISOLATED.sub(" ", text))


def direction_problems(html: str) -> list[str]:
    reader = read(html, NOT_PROSE_RTL)
    found = [
        run for text, isolated in reader.texts if not isolated for run in unisolated_runs(text)
    ]
    found += [f"alt: {run}" for alt in reader.alts for run in unisolated_runs(alt)]
    return found


def french_problems(html: str) -> list[str]:
    reader = read(html)
    texts = [text for text, _ in reader.texts] + reader.alts
    return [
        f"…{m.string[max(0, m.start() - 25) : m.end() + 5]}…"
        for t in texts
        for m in PLAIN_SPACE.finditer(t)
    ]


def test_the_checks_find_what_they_must():
    assert direction_problems("<p>مثل <code>203.0.113.x</code></p>") == ["203.0.113.x"]
    assert direction_problems("<p>مثل <bdi><code>203.0.113.x</code></bdi></p>") == []
    assert direction_problems('<img alt="يبدأ بـ https://help.example.org/activate/">')
    assert (
        direction_problems('<img alt="يبدأ بـ \u2066https://help.example.org/activate/\u2069">')
        == []
    )
    assert french_problems("<p>Votre compte : « Mon compte » ?</p>") != []
    assert french_problems("<p>Votre compte\u00a0: «\u202fMon compte\u202f»\u202f?</p>") == []
    assert french_problems("<p><code>a : b</code> 14:05 https://x.org</p>") == []


def guide_pages(help_site, lang):
    """The article of each built page of ``lang`` (the French pages are at the root)."""
    root = help_site if lang == LANGUAGES[0] else help_site / lang
    for path in sorted(root.glob("*/index.html")) + [root / "index.html"]:
        if path.parent.name in LANGUAGES and path.parent != root:
            continue
        article = re.search(r"<article.*?</article>", path.read_text(encoding="utf-8"), re.S)
        if article:
            yield path.relative_to(help_site).as_posix(), article.group(0)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if text_direction(lang) == "rtl"])
def test_latin_runs_are_isolated_in_the_right_to_left_guide(help_site, lang):
    pages = dict(guide_pages(help_site, lang))
    assert len(pages) >= 4, pages.keys()
    wrong = {
        page: problems for page, html in pages.items() if (problems := direction_problems(html))
    }
    assert not wrong, wrong


def test_the_french_guide_has_its_no_break_spaces(help_site):
    pages = dict(guide_pages(help_site, "fr"))
    assert len(pages) >= 4, pages.keys()
    wrong = {page: problems for page, html in pages.items() if (problems := french_problems(html))}
    assert not wrong, wrong


APP_PAGES = ["/", "/login", "/signup", "/password/forgot", "/activation/resend", "/contact"]


def app_pages(app, client, inbox, lang):
    """The app's pages in ``lang``, the account page and an error page among them."""
    pages = {path: client.get(f"{path}?lang={lang}").text for path in APP_PAGES}
    pages["/nowhere (404)"] = client.get(f"/nowhere?lang={lang}").text
    address = f"typo-{lang}@example.org"
    submit(client, f"/signup?lang={lang}", {"email": address, "password": PASSWORD})
    link = re.search(r"/activate/\S+", inbox.last(address).get_body(("plain",)).get_content())
    pages["/activate/…"] = client.get(link.group(0), follow_redirects=True).text
    submit(client, link.group(0), {})
    pages["/account"] = client.get("/account").text
    return {path: re.search(r"<body.*</body>", html, re.S).group(0) for path, html in pages.items()}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if text_direction(lang) == "rtl"])
def test_latin_runs_are_isolated_in_the_right_to_left_app(app, client, inbox, lang):
    pages = app_pages(app, client, inbox, lang)
    wrong = {
        page: problems for page, html in pages.items() if (problems := direction_problems(html))
    }
    assert not wrong, wrong


def test_the_french_app_has_its_no_break_spaces(app, client, inbox):
    pages = app_pages(app, client, inbox, "fr")
    wrong = {page: problems for page, html in pages.items() if (problems := french_problems(html))}
    assert not wrong, wrong


def every_mail(app, inbox, lang):
    """One of each mail the account features send, in ``lang``."""
    address = f"mails-{lang}@example.org"
    with app.app_context():
        accounts.register(address, PASSWORD, lang)
        user = accounts.find_user(address)
        for notify in (
            notifications.account_created,
            notifications.signup_with_existing_address,
            notifications.password_changed,
            notifications.account_targeted,
            notifications.account_deleted,
        ):
            notify(user)
        notifications.password_reset(user, lang)
        notifications.sign_in_link(user, lang)
        db.session.commit()
        deliver_pending(flush=True)
    mails = inbox.to(address)
    assert len(mails) == 8, [m["Subject"] for m in mails]
    return mails


def text_lines(mail) -> list[str]:
    """The lines of the plain-text part that mix Arabic and Latin (a line that is only a
    link lays itself out left to right)."""
    text = mail.get_body(("plain",)).get_content()
    return [line for line in text.splitlines() if re.search(r"[\u0600-\u06ff]", line)]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if text_direction(lang) == "rtl"])
def test_latin_runs_are_isolated_in_the_right_to_left_mails(app, inbox, lang):
    wrong = {}
    for mail in every_mail(app, inbox, lang):
        html = mail.get_body(("html",)).get_content()
        problems = direction_problems(re.search(r"<body.*</body>", html, re.S).group(0))
        problems += [run for line in text_lines(mail) for run in unisolated_runs(line)]
        if problems:
            wrong[str(mail["Subject"])] = problems
    assert not wrong, wrong


def test_the_french_mails_have_their_no_break_spaces(app, inbox):
    wrong = {}
    for mail in every_mail(app, inbox, "fr"):
        html = mail.get_body(("html",)).get_content()
        problems = french_problems(html)
        text = mail.get_body(("plain",)).get_content()
        problems += [m.group(0) for m in PLAIN_SPACE.finditer(text)]
        if PLAIN_SPACE.search(str(mail["Subject"])):
            problems.append(f"subject: {mail['Subject']}")
        if problems:
            wrong[str(mail["Subject"])] = problems
    assert not wrong, wrong
