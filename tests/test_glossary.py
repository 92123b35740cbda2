"""One term per concept in each language: docs/glossary.yml, shown in docs/CONTRIBUTING.md.

Checks what readers see: the guide's Markdown, the app's strings (the English msgids and
each catalog's translations) and the mail templates. The languages are read from mkdocs.yml
and ``LANGUAGES`` in site_app/config.py, so a new language is checked as soon as it exists.
"""

import re

import pytest
import yaml
from babel.messages.pofile import read_po
from conftest import ROOT, i18n_entries

from site_app.config import LANGUAGES as APP_LANGUAGES

DOCS = ROOT / "docs"
TRANSLATIONS = ROOT / "site_app" / "translations"
MAIL_TEMPLATES = ROOT / "site_app" / "templates" / "email"
CONCEPTS = yaml.safe_load((DOCS / "glossary.yml").read_text(encoding="utf-8"))["concepts"]


def guide_languages() -> list[str]:
    return [language["locale"] for language in i18n_entries(ROOT / "mkdocs.yml")]


def catalog_path(lang: str):
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def source_language() -> str:
    """The app's msgids are written in the one configured language that has no catalog."""
    sources = [lang for lang in APP_LANGUAGES if not catalog_path(lang).is_file()]
    assert len(sources) == 1, f"one language without a catalog expected, got {sources}"
    return sources[0]


LANGUAGES = list(dict.fromkeys(guide_languages() + list(APP_LANGUAGES)))


# --- What readers read, as plain text -----------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def readable_markdown(text: str) -> str:
    """The words of a Markdown page, without code, link targets, HTML tags or attributes.

    Of the front matter, only what readers see is kept (the description, the title).
    """
    if text.startswith("---\n"):
        _, front, text = text.split("---\n", 2)
        meta = yaml.safe_load(front) or {}
        text = " ".join(str(meta.get(key, "")) for key in ("title", "description")) + "\n" + text
    text = re.sub(r"^```.*?^```", " ", text, flags=re.M | re.S)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r'^(?:!!!|\?\?\?)\s*[\w ]+?(?:\s+"(.*)")?\s*$', r"\1", text, flags=re.M)
    text = re.sub(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)", "]", text)  # link and image targets
    text = re.sub(r"\{[^}\n]*\}", " ", text)  # { #id } and { width=… }
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\S+@\S+\.\w+", " ", text)
    return re.sub(r"\s+", " ", text)


def readable_template(text: str) -> str:
    """The English of a mail template: its ``_("…")`` strings and any text outside tags."""
    text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
    strings = re.findall(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""", text)
    outside = re.sub(r"\{[{%].*?[}%]\}", " ", text, flags=re.S)
    outside = re.sub(r"<[^>]+>", " ", outside)
    return PLACEHOLDER.sub(" ", " ".join([a or b for a, b in strings] + [outside]))


def published_texts(lang: str) -> list[tuple[str, str]]:
    """``(where, text)`` for everything published in ``lang``."""
    texts = [
        (path.name, readable_markdown(path.read_text(encoding="utf-8")))
        for path in sorted(DOCS.glob(f"*.{lang}.md"))
    ]
    if lang not in APP_LANGUAGES:
        return texts
    if lang == source_language():
        messages = []
        for other in APP_LANGUAGES:
            if other != lang:
                with catalog_path(other).open("rb") as handle:
                    messages += [m.id for m in read_po(handle) if m.id]
        texts += [
            (path.relative_to(ROOT).as_posix(), readable_template(path.read_text("utf-8")))
            for path in sorted(MAIL_TEMPLATES.iterdir())
        ]
    else:
        with catalog_path(lang).open("rb") as handle:
            messages = [m.string for m in read_po(handle) if m.id]
    for message in messages:
        for text in message if isinstance(message, tuple) else (message,):
            texts.append((f"catalog {lang}", PLACEHOLDER.sub(" ", text)))
    return texts


def avoided_terms(lang: str, text: str) -> list[str]:
    """Each avoided term of the glossary found in ``text``, with a little context."""
    found = []
    for concept in CONCEPTS:
        entry = concept[lang]
        if entry.get("synonym"):
            text = text.replace(entry["synonym"], " ")
        for pattern in entry.get("avoid", []):
            for match in re.finditer(pattern, text, flags=re.I):
                context = text[max(0, match.start() - 30) : match.end() + 30]
                found.append(f"{match.group(0)!r} ({concept['concept']}): …{context}…")
    return found


# --- The tests ----------------------------------------------------------------------------------


def test_every_concept_names_its_term_in_every_language():
    assert guide_languages() and APP_LANGUAGES
    for concept in CONCEPTS:
        missing = [lang for lang in LANGUAGES if not (concept.get(lang) or {}).get("use")]
        assert not missing, f"glossary.yml: {concept['concept']!r} has no term in {missing}"
        for lang in LANGUAGES:
            for pattern in concept[lang].get("avoid", []):
                re.compile(pattern)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_published_texts_use_the_glossary_terms(lang):
    problems = [
        f"{where}: {problem}"
        for where, text in published_texts(lang)
        for problem in avoided_terms(lang, text)
    ]
    assert not problems, "avoided terms (see docs/glossary.yml):\n" + "\n".join(problems)


def test_the_check_finds_what_it_must():
    """Guard against patterns or stripping that would make the test above pass on anything."""
    source = source_language()
    assert avoided_terms(source, readable_markdown("Open the « mail » to [validate](/x)."))
    assert not avoided_terms(source, readable_markdown("Open the [email](/mail/x) `mail`."))
    for lang in LANGUAGES:
        synonyms = [c[lang]["synonym"] for c in CONCEPTS if c[lang].get("synonym")]
        for synonym in synonyms:  # the synonym is allowed, the same word elsewhere is not
            assert not avoided_terms(lang, synonym)


@pytest.mark.parametrize("lang", guide_languages())
def test_each_synonym_is_mentioned_once_in_the_guide(lang):
    guide = " ".join(
        readable_markdown(path.read_text(encoding="utf-8"))
        for path in sorted(DOCS.glob(f"*.{lang}.md"))
    )
    for concept in CONCEPTS:
        synonym = concept[lang].get("synonym")
        if synonym:
            count = guide.count(synonym)
            assert count == 1, f"{lang}: {synonym!r} appears {count} times in the guide"


def test_contributing_shows_the_glossary_as_a_table():
    text = (DOCS / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("\n## Glossary", 1)[1].split("\n## ", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|") and not re.match(r"^\|[\s|:-]+\|$", line)
    ]
    header, body = rows[0], rows[1:]
    columns = {re.search(r"\((\w+)\)", cell).group(1): n for n, cell in enumerate(header) if n}
    assert set(columns) == set(LANGUAGES), f"glossary table columns {header}"
    table = {row[0]: row for row in body}
    for concept in CONCEPTS:
        row = table.get(concept["concept"])
        assert row, f"CONTRIBUTING.md glossary: no row for {concept['concept']!r}"
        for lang, n in columns.items():
            assert row[n] == concept[lang]["use"], f"{concept['concept']!r} [{lang}]: {row[n]!r}"


@pytest.mark.parametrize("lang", [lang for lang in guide_languages() if lang in APP_LANGUAGES])
def test_step_a1_names_the_header_link_the_app_shows(client, lang):
    """A1's heading, text, screenshot legend and alt text quote the app's point 2 label."""
    page = client.get(f"/?lang={lang}").text
    label = re.search(r'data-help-point="2"[^>]*>([^<]+)<', page).group(1).strip()
    label = label.replace("&#39;", "'")
    markdown = (DOCS / f"create-account.{lang}.md").read_text(encoding="utf-8")
    section = markdown.split("{ #step-a1 }", 1)[1].split("\n### ", 1)[0]
    heading = markdown.split("{ #step-a1 }", 1)[0].rsplit("\n", 1)[1]
    text, figure = section.split('<div class="help-step"', 1)
    legend = figure.split('<span class="help-point">2</span>', 1)[1].split("\n</div>", 1)[0]
    alt = re.search(r"!\[([^\]]*)\]", figure).group(1)
    for name, part in {"heading": heading, "text": text, "legend": legend, "alt": alt}.items():
        assert label in part, f"{lang}: A1 {name} does not name {label!r}: {part!r}"
