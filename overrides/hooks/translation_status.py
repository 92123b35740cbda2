"""Which translated pages fell behind their French source, for readers and for editors.

French (the i18n plugin's default language) is the source. Each translated page records,
in its front matter, the French text it translates::

    translation:
      source: 5d41402abc4b2a76      # the whole French page
      sections:                     # each section: heading id (or heading text) -> hash
        account-page: 7d793037a0760186
      date: 2026-11-28              # when the record was written

Hashes are taken on the text with its white space folded, so re-wrapping a paragraph
changes nothing, and need no git history.

A page created by ``make language`` (``scripts/new_language.py``) and not translated yet
says so instead: ``translation: {status: untranslated}`` (its text is the French one). The
build refuses to publish a language that has such pages unless the language is marked
``partial: true`` in its ``extra:`` in mkdocs.yml; then each untranslated page carries a
notice for its readers (``data-translation-status="untranslated"``, words:
``translation_untranslated`` and ``translation_untranslated_link`` of the language's
``extra:``). As a MkDocs hook, this module adds to every
outdated translated page a notice in the page's language (``data-translation-status=
"outdated"``, linking to the French page; its words are the language's ``extra:``
``translation_outdated`` and ``translation_outdated_link`` in mkdocs.yml) and writes the
editors' report to ``site/translation-status.html`` (not in the readers' navigation).

The same functions serve ``scripts/translations.py`` (``make translation-status``, and
``make translation-record`` once a translation is brought up to date).
"""

from __future__ import annotations

import datetime
import hashlib
import html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import i18n_build  # overrides/hooks/i18n_build.py (on sys.path beside this file)
import yaml

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?\n)---\s*\n", re.S)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.M)
HEADING_ID = re.compile(r"\{[^}\n]*?#([A-Za-z0-9_-]+)[^}\n]*\}\s*$")
INTRO = "(intro)"
#: libyaml's loader when PyYAML has it: the same data, parsed several times faster (the
#: build reads the front matter of every translation three times).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
UNTRANSLATED = "untranslated"


def split_front_matter(text: str) -> tuple[dict, str]:
    """Return the page's front matter (a dict) and its Markdown body."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return yaml.load(match.group(1), Loader=YAML_LOADER) or {}, text[match.end() :]


def _digest(text: str) -> str:
    folded = " ".join(text.split())
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()


def sections(body: str) -> dict[str, str]:
    """Hash each section of a Markdown body, keyed by its heading id (or heading text)."""
    keys, starts = [INTRO], [0]
    for match in HEADING.finditer(body):
        explicit = HEADING_ID.search(match.group(2))
        keys.append(explicit.group(1) if explicit else match.group(2).strip())
        starts.append(match.start())
    starts.append(len(body))
    return {key: _digest(body[starts[i] : starts[i + 1]]) for i, key in enumerate(keys)}


def source_record(source_text: str, today: datetime.date | None = None) -> dict:
    """The record a translation of ``source_text`` carries in its front matter."""
    meta, body = split_front_matter(source_text)
    return {
        "source": _digest(source_text),
        "sections": sections(body),
        "date": (today or datetime.date.today()).isoformat(),
    }


@dataclass
class Status:
    """The state of one page in one language."""

    page: str
    lang: str
    state: str  # "up to date", "outdated", "missing", "not recorded", "untranslated"
    changed: list[str] = field(default_factory=list)
    recorded: str | None = None


def page_status(page: str, lang: str, source_text: str, translation: Path) -> Status:
    """Compare the record of ``translation`` with the French text it should translate."""
    if not translation.is_file():
        return Status(page, lang, "missing")
    meta, _ = split_front_matter(translation.read_text(encoding="utf-8"))
    record = meta.get("translation") if isinstance(meta, dict) else None
    if isinstance(record, dict) and record.get("status") == UNTRANSLATED:
        return Status(page, lang, UNTRANSLATED)
    if not isinstance(record, dict) or "source" not in record:
        return Status(page, lang, "not recorded")
    recorded = str(record.get("date", "")) or None
    if record["source"] == _digest(source_text):
        return Status(page, lang, "up to date", recorded=recorded)
    now = sections(split_front_matter(source_text)[1])
    before = record.get("sections") or {}
    changed = [key for key in now if before.get(key) != now[key]]
    changed += [f"{key} (removed)" for key in before if key not in now]
    return Status(page, lang, "outdated", changed or ["(front matter)"], recorded)


def docs_status(docs: Path, default: str, languages: list[str]) -> list[Status]:
    """The status of every page of ``docs`` (``page.<default>.md`` files) in each language."""
    result = []
    for source in sorted(docs.glob(f"*.{default}.md")):
        page = source.name[: -len(f".{default}.md")]
        text = source.read_text(encoding="utf-8")
        for lang in languages:
            if lang != default:
                result.append(page_status(page, lang, text, docs / f"{page}.{lang}.md"))
    return result


def write_record(translation: Path, source_text: str) -> None:
    """Record in ``translation``'s front matter that it now translates ``source_text``."""
    meta, body = split_front_matter(translation.read_text(encoding="utf-8"))
    meta = dict(meta or {}, translation=source_record(source_text))
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    translation.write_text(f"---\n{front}---\n\n{body.lstrip()}", encoding="utf-8")


def untranslated_pages(docs: Path, default: str, lang: str) -> list[str]:
    """The pages of ``lang`` still marked ``translation: {status: untranslated}``."""
    return [
        row.page
        for row in docs_status(docs, default, [lang])
        if row.lang == lang and row.state == UNTRANSLATED
    ]


def _topics_in(path: Path) -> list[str]:
    """The explicit heading ids of a page (help topics among them)."""
    headings = (m.group(2) for m in HEADING.finditer(path.read_text(encoding="utf-8")))
    return [found.group(1) for found in map(HEADING_ID.search, headings) if found]


# -- MkDocs hook --------------------------------------------------------------------------

_outdated: dict[str, Status] = {}


def _languages(config) -> tuple[str, list[str], str]:
    return (
        i18n_build.default_language(config),
        i18n_build.build_languages(config),
        i18n_build.current_language(config),
    )


def on_files(files, config, **kwargs):
    """Refuse to publish a language with untranslated pages, unless it is marked partial."""
    default, _, lang = _languages(config)
    if lang == default or config.extra.get("partial"):
        return files
    docs = Path(config.docs_dir)
    pages = untranslated_pages(docs, default, lang)
    if pages:
        from mkdocs.exceptions import PluginError

        topics = [t for page in pages for t in _topics_in(docs / f"{page}.{lang}.md")]
        raise PluginError(
            f"language '{lang}': {len(pages)} page(s) not translated yet ({', '.join(pages)}), "
            f"so {len(topics)} help topic(s) too ({', '.join(topics)}). Translate them (then "
            f"make translation-record), or publish the language as partial: set "
            f"'partial: true' in its extra: in mkdocs.yml (readers are told)."
        )
    return files


def on_page_content(content, page, config, files, **kwargs):
    """Put a notice on top of a translated page whose French source changed, or that is
    not translated yet (in a language published as partial)."""
    default, _, lang = _languages(config)
    if lang == default or not page.file.src_uri.endswith(f".{lang}.md"):
        return content
    docs = Path(config.docs_dir)
    name = page.file.src_uri[: -len(f".{lang}.md")]
    source = docs / f"{name}.{default}.md"
    if not source.is_file():
        return content
    status = page_status(name, lang, source.read_text(encoding="utf-8"), docs / page.file.src_uri)
    if status.state == "up to date":
        return content
    state = UNTRANSLATED if status.state == UNTRANSLATED else "outdated"
    french_url = page.url[len(lang) + 1 :] if page.url.startswith(f"{lang}/") else page.url
    link = posixpath.relpath(french_url or ".", page.url or ".") + "/"
    words = config.extra
    notice = (
        f'<aside class="translation-status" data-translation-status="{state}">'
        f"<p>{html.escape(words.get(f'translation_{state}', ''))} "
        f'<a href="{html.escape(link)}" hreflang="{default}" lang="{default}">'
        f"{html.escape(words.get(f'translation_{state}_link', ''))}</a></p></aside>"
    )
    if state == UNTRANSLATED:  # the text below is the French one: say so to the browser
        content = f'<div lang="{default}" dir="ltr">{content}</div>'
    return notice + content


def on_post_build(config, **kwargs):
    """Write the editors' report (every page, every language) once all languages are built."""
    if i18n_build.inner_build(config):
        return
    default, languages, _ = _languages(config)
    rows = docs_status(Path(config.docs_dir), default, languages)
    cells = "".join(
        f"<tr data-state='{html.escape(s.state)}'><td>{html.escape(s.page)}</td>"
        f"<td>{s.lang}</td><td>{html.escape(s.state)}</td>"
        f"<td>{html.escape(s.recorded or '')}</td><td>{html.escape(', '.join(s.changed))}</td></tr>"
        for s in rows
    )
    report = (
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        "<meta name='robots' content='noindex'><title>Translation status</title>"
        "<h1>Translation status</h1><p>Source: the French pages. "
        "Update a translation, then run <code>make translation-record</code>.</p>"
        "<table><tr><th>Page</th><th>Language</th><th>State</th><th>Translated on</th>"
        f"<th>French sections changed since</th></tr>{cells}</table></html>\n"
    )
    (Path(config.site_dir) / "translation-status.html").write_text(report, encoding="utf-8")
