"""A copy of the guide grown to N pages in each language, for the preview and build benchmarks.

``make_copy(dest, pages=200)`` copies what the guide's build reads (``mkdocs.yml``,
``docs/``, ``overrides/``) to ``dest`` and adds generated pages until each language has
``pages`` of them: ``article-NNN.<lang>.md``, the text of one of the real pages in that
language (in turn), with its title numbered, its help-topic ids renamed (each topic
belongs to one page) and its translation record written, so every translation starts up
to date. They are listed in ``nav:`` by sections of 20 (their titles translated in
``nav_translations``), as a large guide would be: every page then carries a 200-entry
navigation, which is what makes each page cost what it costs.

    .venv/bin/python bench/big_guide.py /tmp/big-guide [200]
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

import translation_status  # noqa: E402

SECTION_SIZE = 20
#: The title of the generated sections, per language (any other language: the French one).
SECTION_TITLE = {"fr": "Articles {n}", "en": "Articles {n} (en)", "ar": "مقالات {n}"}


def languages_of(config_text: str) -> list[str]:
    """The i18n plugin's locales, the default one first, from mkdocs.yml's text."""
    locales = re.findall(r"^ +- locale: (\S+)$", config_text, re.M)
    default = re.search(r"^ +- locale: (\S+)\n +name: .*\n +default: true$", config_text, re.M)
    return [default[1]] + [lang for lang in locales if lang != default[1]]


def _variant(text: str, number: int, topics: set[str]) -> str:
    """A real page made into article ``number``: own title, own ids for the help topics."""
    meta, body = translation_status.split_front_matter(text)
    body = re.sub(r"^# (.+)$", rf"# \1 ({number})", body, count=1, flags=re.M)
    for topic in topics:
        body = re.sub(rf"(\{{[^}}\n]*#|\]\(#){re.escape(topic)}\b", rf"\g<1>{topic}-{number}", body)
    meta.pop("translation", None)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000) if meta else ""
    return f"---\n{front}---\n\n{body.lstrip()}" if front else body


def make_copy(dest: Path, pages: int = 200) -> Path:
    """Copy the guide's sources to ``dest`` and grow it to ``pages`` per language."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, dest / name, dirs_exist_ok=True)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    languages = languages_of(config)
    default, docs = languages[0], dest / "docs"
    topics = set(yaml.safe_load((docs / "topics.yml").read_text(encoding="utf-8")))
    sources = sorted(path.name[: -len(f".{default}.md")] for path in docs.glob(f"*.{default}.md"))
    nav, translations = [], {lang: [] for lang in languages[1:]}
    for index in range(pages - len(sources)):
        number, name = index + 1, f"article-{index + 1:03d}"
        source = sources[index % len(sources)]
        french = _variant((docs / f"{source}.{default}.md").read_text("utf-8"), number, topics)
        (docs / f"{name}.{default}.md").write_text(french, encoding="utf-8")
        for lang in languages[1:]:
            page = docs / f"{name}.{lang}.md"
            text = (docs / f"{source}.{lang}.md").read_text(encoding="utf-8")
            page.write_text(_variant(text, number, topics), encoding="utf-8")
            translation_status.write_record(page, french)
        if index % SECTION_SIZE == 0:
            section = index // SECTION_SIZE + 1
            nav.append(f"  - {SECTION_TITLE[default].format(n=section)}:")
            for lang in languages[1:]:
                title = SECTION_TITLE.get(lang, SECTION_TITLE[default]).format(n=section)
                translations[lang].append(
                    f"            {SECTION_TITLE[default].format(n=section)}: {title}"
                )
        nav.append(f"    - {name}.md")
    last_nav = re.search(r"^nav:\n(?:  - .*\n)+", config, re.M)
    config = config[: last_nav.end()] + "\n".join(nav) + "\n" + config[last_nav.end() :]
    blocks = list(re.finditer(r"^( +)nav_translations:\n(?:\1  .*\n)+", config, re.M))
    for lang, block in reversed(list(zip(languages[1:], blocks, strict=True))):
        added = "\n".join(translations[lang]) + "\n"
        config = config[: block.end()] + added + config[block.end() :]
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


if __name__ == "__main__":
    target = Path(sys.argv[1])
    make_copy(target, int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    print(target)
