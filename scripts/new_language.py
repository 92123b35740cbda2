"""Add a language to the whole product in one step (``make language CODE=de``).

    python scripts/new_language.py de                 # name and direction from CLDR
    python scripts/new_language.py he --name עברית --dir rtl

What it does, so that a translator only has to translate:

* the app's catalog ``site_app/translations/<code>/LC_MESSAGES/messages.po``
  (``pybabel init`` from ``messages.pot``; untranslated strings show in English meanwhile);
* ``docs/<page>.<code>.md`` for every French page: the French text, with app links asking for
  the new language, marked ``translation: {status: untranslated}`` in its front matter;
* the language's entry in mkdocs.yml (i18n plugin): its name, Material in that language and
  direction, the guide's strings (``extra:``) and navigation titles copied from English for
  the translator, and ``partial: false``;
* the code in ``LANGUAGES`` (site_app/config.py): the app's language switch offers it, named
  in its own language (from CLDR, see ``site_app/templating.py``).

Until every page is translated (and recorded with ``make translation-record``), the guide's
build refuses the language; set ``partial: true`` in its ``extra:`` to publish it anyway —
untranslated pages then tell their readers so. See docs/CONTRIBUTING.md, "Adding a language".
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError
from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from translations import i18n_entries, languages  # noqa: E402

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?\n)---\s*\n", re.S)


def add_catalog(root: Path, code: str) -> Path:
    """``pybabel init`` the app's catalog for ``code`` from the committed template."""
    translations = root / "site_app" / "translations"
    CommandLineInterface().run(
        ["pybabel", "-q", "init", "-i", str(translations / "messages.pot"),
         "-d", str(translations), "-l", code]
    )  # fmt: skip
    return translations / code / "LC_MESSAGES" / "messages.po"


def add_pages(root: Path, default: str, code: str) -> list[Path]:
    """A copy of every French page, marked untranslated, with app links in ``code``."""
    created = []
    for source in sorted((root / "docs").glob(f"*.{default}.md")):
        text = source.read_text(encoding="utf-8")
        match = FRONT_MATTER.match(text)
        meta = yaml.safe_load(match.group(1)) if match else {}
        body = text[match.end() :] if match else text
        meta = dict(meta or {}, translation={"status": "untranslated"})
        body = re.sub(rf"([?&])lang={default}\b", rf"\1lang={code}", body)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        target = source.with_name(source.name.replace(f".{default}.md", f".{code}.md"))
        target.write_text(f"---\n{front}---\n\n{body.lstrip()}", encoding="utf-8")
        created.append(target)
    return created


def add_guide_language(config_file: Path, code: str, name: str, direction: str) -> None:
    """Append the language to the i18n plugin's ``languages:`` in mkdocs.yml.

    The file is edited as text (its comments stay); the entry is built from the English
    one, whose strings the translator then replaces.
    """
    text = config_file.read_text(encoding="utf-8")
    model = next(e for e in i18n_entries(config_file) if not e.get("default"))
    entry = {
        "locale": code,
        "name": name,
        "build": True,
        **{k: model[k] for k in ("site_name", "site_description") if k in model},
        "theme": {"language": code, "direction": direction},
        "extra": {**(model.get("extra") or {}), "partial": False},
        "nav_translations": model.get("nav_translations") or {},
    }
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(r"\s+languages:\s*$", line))
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    while not lines[end - 1].strip():
        end -= 1
    item_indent = " " * (len(lines[start + 1]) - len(lines[start + 1].lstrip()))
    dumped = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000)
    block = "".join(item_indent + line + "\n" for line in dumped.splitlines())
    comment = (
        f"{item_indent}  # Added by make language: translate the strings below (copied from "
        f"English).\n{item_indent}  # To publish it before every page is translated, "
        f"set its partial to true.\n"
    )
    block = block.replace("\n", "\n" + comment, 1)
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    config_file.write_text("".join(lines[:end]) + block + "".join(lines[end:]), encoding="utf-8")


def add_app_language(config_py: Path, code: str) -> None:
    """Add ``code`` to ``LANGUAGES = [...]`` in site_app/config.py."""
    text = config_py.read_text(encoding="utf-8")
    pattern = re.compile(r"^(LANGUAGES = \[)(.*?)(\])", re.M)
    if not pattern.search(text):
        raise SystemExit(f"{config_py}: no 'LANGUAGES = [...]' line")
    text = pattern.sub(lambda m: f'{m.group(1)}{m.group(2)}, "{code}"{m.group(3)}', text, 1)
    config_py.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("code", help="language code known to CLDR: de, es, he, pt_BR …")
    parser.add_argument("--name", help="its name in itself (default: from CLDR)")
    parser.add_argument("--dir", choices=("ltr", "rtl"), help="default: from CLDR")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        locale = Locale.parse(args.code)
    except (ValueError, UnknownLocaleError):
        parser.error(f"{args.code!r} is not a language code that Babel (CLDR) knows")
    name = args.name or (locale.get_display_name(args.code) or args.code)
    name = name[:1].upper() + name[1:]
    direction = args.dir or locale.text_direction

    default, existing = languages(args.root / "mkdocs.yml")
    if args.code in existing:
        parser.error(f"{args.code!r} is already a language of mkdocs.yml")
    print(add_catalog(args.root, args.code).relative_to(args.root))
    for page in add_pages(args.root, default, args.code):
        print(page.relative_to(args.root))
    add_guide_language(args.root / "mkdocs.yml", args.code, name, direction)
    print(f"mkdocs.yml: language {args.code} ({name}, {direction}), partial: false")
    add_app_language(args.root / "site_app" / "config.py", args.code)
    print(f"site_app/config.py: {args.code} added to LANGUAGES")
    print(
        "Next: translate the catalog, the pages (then make translation-record), the strings of "
        "mkdocs.yml, add the glossary column; or set partial: true to publish meanwhile."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
