"""The search index each language gets at build time (overrides/hooks/help_search.py).

Material's worker splits pages and queries with the index's ``separator`` and matches each
query word as the prefix of an indexed word; these tests split the same way (Python's
``re`` reads the same expression) to check what a reader's words become. The app's strings
each topic names (``app_strings``) must exist in its catalogs and agree with the app's own
error, limit and mail definitions. The browser itself is exercised by
``tests/test_search.py``.
"""

import ast
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from test_docs import run_mkdocs_build

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

import help_search  # noqa: E402
import search_language  # noqa: E402
import search_support  # noqa: E402

LANGUAGES = search_support.configured_languages()
ROOTS = {lang: path.removeprefix("/help/") for lang, path in search_support.home_paths().items()}
FIELDS = ("title", "text", "keywords", "topic", "labels", "app", "terms")
CATALOGS = sorted((ROOT / "site_app" / "translations").glob("*/LC_MESSAGES/messages.po"))
DEFAULT = LANGUAGES[0]


def index(site, lang):
    path = site / ROOTS[lang] / "search" / "search_index.json"
    return json.loads(path.read_text(encoding="utf-8"))


def split(separator: str, text: str) -> list[str]:
    """What Material's tokenizer keeps of ``text``: the pieces between separators, lowercase."""
    return [piece.lower() for piece in re.split(separator, text) if piece]


def indexed_words(data, location: str | dict) -> set[str]:
    """Every word the browser indexes for a document (``location`` ends its address)."""
    doc = location
    if isinstance(location, str):
        doc = next(d for d in data["docs"] if d["location"].endswith(location))
    text = " ".join(re.sub(r"<[^>]+>", " ", doc.get(name, "")) for name in FIELDS)
    return set(split(data["config"]["separator"], text))


@pytest.fixture(scope="module")
def fr(help_site):
    return index(help_site, "fr")


@pytest.fixture(scope="module")
def en(help_site):
    return index(help_site, "en")


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
@pytest.mark.parametrize("elision", ["l", "d", "j", "qu", "n", "s", "c", "m", "t", "L", "Qu"])
def test_french_elisions_are_split_off_and_ignored(fr, elision, apostrophe):
    separator = fr["config"]["separator"]
    assert split(separator, f"{elision}{apostrophe}adresse") == split(separator, "adresse")
    # Only at the start of a word: « aujourd'hui » keeps both halves.
    assert split(separator, f"aujourd{apostrophe}hui") == ["aujourd", "hui"]


def test_stop_words_match_nothing_but_meaningful_particles_stay(fr, en):
    assert split(fr["config"]["separator"], "Je ne reçois pas le mail") == ["reçoi", "mail"]
    english = en["config"]["separator"]
    assert split(english, "I didn't get the email") == ["get", "email"]
    assert split(english, "sign in") != split(english, "sign out")


@pytest.mark.parametrize(
    ("lang", "forms"),
    [
        ("fr", ["bloquée", "bloquee", "bloqués", "bloquees", "bloqué", "BLOQUÉES"]),
        ("fr", ["spam", "spams"]),
        ("en", ["lock", "locked", "locks", "locking"]),
        ("en", ["email", "emails"]),
    ],
)
def test_forms_of_a_word_become_one_word(help_site, lang, forms):
    separator = index(help_site, lang)["config"]["separator"]
    assert len({tuple(split(separator, form)) for form in forms}) == 1, forms


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_word_is_also_indexed_without_accents(help_site, lang):
    data = index(help_site, lang)
    separator = data["config"]["separator"]
    for doc in data["docs"]:
        words = indexed_words(data, doc)
        shown = search_language.fold(re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]))
        assert set(split(separator, shown)) <= words, doc["location"]


def test_synonyms_of_the_editors_files_reach_the_index(fr, en):
    assert {"mdp", "pwd"} <= indexed_words(fr, "#reset-password")
    assert "verrouill" in indexed_words(fr, "#ip-blocked")
    assert "junk" in indexed_words(en, "#check-spam")
    assert "signup" in indexed_words(en, "#create-account")


def test_a_label_that_loses_its_words_to_stop_words_is_also_glued():
    lang = search_language.Language("fr", r"[\s/?]+", elisions=["s"], stop_words=["mon", "ce"])
    assert help_search.glued(lang, "Mon compte") == ["moncompte"]
    assert help_search.glued(lang, "S'inscrire") == ["sinscrire"]
    assert help_search.glued(lang, "Compte protégé") == []  # no word lost
    # More than GLUED_WORDS words left: its words find it.
    assert help_search.glued(lang, "Mon compte est bloqué par trop de tentatives") == []


def test_a_synonym_said_only_inside_a_longer_compound_is_not_added(tmp_path):
    """« S'inscrire » inside the header's « Se connecter / S'inscrire » (a compound of the
    language) adds none of its synonyms to that heading; said alone it does."""
    lang = search_language.Language(
        "fr", r"[\s/]+", elisions=["s"], stop_words=["se"], compounds=["se connecter / s'inscrire"]
    )
    rules = [help_search.Rule(["inscription"], ["s'inscrire"])]
    assert help_search._synonyms(lang, rules, "Choisir « Se connecter / S'inscrire »") == set()
    assert help_search._synonyms(lang, rules, "Choisir « S'inscrire »") == {"inscription"}
    assert help_search._synonyms(lang, rules, "S'inscrire, puis se connecter / s'inscrire") == {
        "inscription"
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_references_and_keywords_of_the_registry_are_keywords_of_their_heading(help_site, lang):
    data = index(help_site, lang)
    registry = yaml.safe_load((DOCS / "topics.yml").read_text(encoding="utf-8"))
    separator = data["config"]["separator"]
    for topic, entry in registry.items():
        if not isinstance(entry, dict):
            continue
        doc = next(d for d in data["docs"] if d["location"].endswith(f"#{topic}"))
        keywords = set(split(separator, doc.get("topic", "")))
        for reference in entry.get("references", []):
            code, *rest = split(separator, reference)
            assert code in keywords, (topic, reference)  # weighs like the heading
            assert set(rest) <= indexed_words(data, doc), (topic, reference)
        for phrase in str(entry.get("keywords", {}).get(lang, "")).split(","):
            assert set(split(separator, phrase)) <= keywords, (topic, phrase)


def test_every_reference_the_app_shows_is_registered():
    """B1, B2, E400 … E503: readers type what the error page printed."""
    from site_app.errors import ERRORS
    from site_app.limits.causes import CAUSES

    registry = yaml.safe_load((DOCS / "topics.yml").read_text(encoding="utf-8"))
    owner = {
        reference: topic
        for topic, entry in registry.items()
        if isinstance(entry, dict)
        for reference in entry.get("references", [])
    }
    for status, (topic, *_) in ERRORS.items():
        assert owner.get(f"E{status}") == topic, f"E{status} must be a reference of '{topic}'"
    assert {cause.reference for cause in CAUSES.values()} >= {"B2", "B3"}
    for cause in CAUSES.values():
        reference, topic = cause.reference, cause.topic
        assert owner.get(reference) == topic, f"{reference} must be a reference of '{topic}'"
    printed = set()
    for path in (ROOT / "site_app").rglob("*"):
        if path.suffix in (".py", ".html"):
            text = path.read_text(encoding="utf-8")
            printed |= set(re.findall(r'reference\s*=\s*"([A-Z][A-Z0-9-]*)"', text))
    assert {"B1", "E403-CSRF", "E400-HOST"} <= printed  # the scan still sees them
    assert not printed - set(owner), f"not in docs/topics.yml: {sorted(printed - set(owner))}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_whole_pages_weigh_less_than_their_sections_and_help_topics_more(help_site, lang):
    """Material ranks a page above its sections; the hook evens that out."""
    registry = yaml.safe_load((DOCS / "topics.yml").read_text(encoding="utf-8"))
    for doc in index(help_site, lang)["docs"]:
        page, _, fragment = doc["location"].partition("#")
        expected = 1 if fragment and fragment not in registry else None
        boost = doc.get("boost")
        if not fragment:
            assert boost is not None and boost < 1, doc["location"]
        elif fragment in registry:
            assert boost is not None and boost > 1, doc["location"]
        else:
            assert boost == expected or boost is None, doc["location"]


def test_a_language_without_settings_still_gets_folding_and_synonyms(tmp_path):
    (tmp_path / "search").mkdir()
    language = search_language.language("pt", r"[\s\-]+", str(tmp_path))
    rules = [help_search.Rule(["senha"], ["palavra passe"])]
    data = {
        "config": {"lang": ["pt"], "separator": r"[\s\-]+", "fields": {}},
        "docs": [{"location": "a/#x", "title": "Palavra-passe esquecida", "text": "Ação"}],
    }
    sentence = "Escolha uma senha nova, longa e sua, e depois confirme-a"
    prepared = help_search.prepare_index(
        data, language, rules, {"x": (["E1"], ["chave"], ["Esqueceu a senha?", sentence])}
    )
    doc = prepared["docs"][0]
    assert prepared["config"]["lang"] == ["pt"]  # the theme ships lunr.pt
    assert doc["keywords"] == "senha"  # the title's words are indexed already
    assert "acao" in doc["terms"].split()
    assert set(doc["topic"].split()) == {"e1", "chave"}
    # The app's label one a line (a query saying it ranks it first), a sentence's words.
    assert doc["labels"] == "esqueceu a senha"
    # (« senha », « a »: in the label already)
    app = {"escolha", "uma", "nova", "longa", "e", "sua", "depois", "confirme"}
    assert set(doc["app"].split()) == app
    assert doc["boost"] > 1  # a help topic
    unknown = help_search.prepare_index(
        data, search_language.language("xx", "-", str(tmp_path)), [], {}
    )
    assert unknown["config"]["lang"] == ["en"]  # no lunr support: the default tokenizer


def _registry(tmp_path, extra: str) -> Path:
    path = tmp_path / "topics.yml"
    path.write_text((DOCS / "topics.yml").read_text(encoding="utf-8") + extra, "utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("contact:\n  references: B9\n", "'contact' in topics.yml needs a description"),
        ("contact:\n  description: x\n  references: [B1]\n", "reference B1 belongs to"),
        ("contact:\n  description: x\n  keywords: {de: Hilfe}\n", "unknown language(s) de"),
        ("contact:\n  description: x\n  app_strings: Contact us\n", "app_strings (a list)"),
        (
            "contact:\n  description: x\n  app_strings: [Contact us!]\n",
            "help topic 'contact' names the app string 'Contact us!', which",
        ),
    ],
)
def test_registry_mistakes_fail_the_build(tmp_path, extra, message):
    result = run_mkdocs_build(
        ROOT / "mkdocs.yml", tmp_path / "site", HELP_TOPICS_FILE=str(_registry(tmp_path, extra))
    )
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def _app_strings() -> dict[str, set[str]]:
    registry = yaml.safe_load((DOCS / "topics.yml").read_text(encoding="utf-8"))
    return {
        topic: set(entry.get("app_strings") or [])
        for topic, entry in registry.items()
        if isinstance(entry, dict)
    }


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: path.parts[-3])
def test_every_app_string_a_topic_names_is_in_the_catalogs(catalog):
    """A msgid the app no longer has (reworded, removed) must be updated in docs/topics.yml."""
    with catalog.open("rb") as file:
        messages = read_po(file)
    named = {msgid for strings in _app_strings().values() for msgid in strings}
    assert len(named) >= 50
    gone = sorted(msgid for msgid in named if messages.get(msgid) is None)
    assert not gone, f"not in {catalog.relative_to(ROOT)}: {gone}"


def test_the_app_errors_limits_and_mails_name_the_strings_of_their_topic():
    """The app links each error page, limit page and mail to a topic: their words are its."""
    from site_app.errors import ERRORS
    from site_app.limits.causes import CAUSES

    strings = _app_strings()
    shown = [(topic, title, text) for topic, title, text in ERRORS.values()]
    shown += [(cause.topic, cause.title, cause.message) for cause in CAUSES.values()]
    for topic, *texts in shown:
        for text in texts:
            assert str(text._args[0]) in strings[topic], (topic, str(text._args[0]))
    mails = 0
    for path in (ROOT / "site_app").rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "queue_mail"):
                continue
            template, subject = call.args[0].value, call.args[3].args[0].value
            body = (ROOT / "site_app/templates/email" / f"{template}.txt").read_text("utf-8")
            topics = re.findall(r'help\("([a-z0-9-]+)"\)', body)
            if topics:  # the mail to support links no topic
                mails += 1
                assert any(subject in strings[t] for t in topics), (template, subject, topics)
    assert mails >= 8


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_default_languages_app_strings_are_words_of_their_topic_in_every_index(help_site, lang):
    """« Trop de tentatives » typed into any guide finds what the app shows it for."""
    data = index(help_site, lang)
    separator = data["config"]["separator"]
    catalog = ROOT / "site_app/translations" / DEFAULT / "LC_MESSAGES/messages.po"
    with catalog.open("rb") as file:
        messages = read_po(file)
    checked = 0
    for topic, msgids in _app_strings().items():
        doc = next(d for d in data["docs"] if d["location"].endswith(f"#{topic}"))
        words = indexed_words(data, doc)
        for msgid in msgids:
            message = messages.get(msgid)
            texts = message.string if isinstance(message.string, tuple) else [message.string]
            for text in texts:
                text = re.sub(r"%\([^)]*\)[a-z]", " ", text)
                assert set(split(separator, text)) <= words, (lang, topic, text)
                checked += 1
    assert checked >= 50


def test_the_default_languages_stop_words_match_nothing_in_the_other_languages(help_site):
    """Unless a page of that language uses them as words (English « on »)."""
    english, arabic = (index(help_site, lang)["config"]["separator"] for lang in ("en", "ar"))
    assert split(english, "mot de passe oublié") == split(english, "mot passe oublié")
    assert "de" not in split(arabic, "mot de passe")
    assert "on" in split(english, "sign on")


@pytest.mark.parametrize(
    ("typed", "as_in_the_guide"),
    [
        ("وبالبريد", "بريد"),  # و + ب + the article
        ("فالحساب", "حساب"),
        ("وحساب", "حساب"),  # a lone و before four letters
        ("للحساب", "حساب"),  # ل + the article, written لل
        ("حسابا", "حساب"),  # tanween (its alef; the worker drops the diacritic)
    ],
)
def test_arabic_particles_and_article_are_cut_like_elisions(help_site, typed, as_in_the_guide):
    separator = index(help_site, "ar")["config"]["separator"]
    assert split(separator, typed) == split(separator, as_in_the_guide)
    # A word starting with one of those letters stays whole: « كلمة » is not « لمة ».
    assert split(separator, "كلمة") == split(separator, "الكلمة") != split(separator, "لمة")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_starts_the_guides_search_worker(help_site, lang):
    """Material's worker runs behind the guide's (docs/javascripts/search-worker.js)."""
    home = help_site / ROOTS[lang] / "index.html"
    html = home.read_text(encoding="utf-8")
    config = json.loads(re.search(r'id="__config"[^>]*>(.*?)</script>', html, re.S)[1])
    worker, _, material = config["search"].partition("?material=")
    assert (home.parent / worker).resolve() == (help_site / help_search.WORKER).resolve()
    assert ((home.parent / worker).parent / material).resolve().is_file()
