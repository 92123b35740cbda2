"""Translation status of the guide, for editors: which pages are up to date, outdated, missing.

    python scripts/translations.py              # the report (make translation-status)
    python scripts/translations.py record docs/account.en.md …   # after updating translations
    python scripts/translations.py record --all  # every translation of every page
                                                 # (except pages still marked untranslated)

The report exits 1 when a translation is missing (CI fails), 0 otherwise: outdated pages
are listed, not fatal — their readers see a notice linking to the French page. So are
pages created by ``make language`` and not translated yet (*untranslated*): the guide's
build refuses them unless their language is marked partial. The rules
live in ``overrides/hooks/translation_status.py``, which the guide's build uses too.
"""

import argparse
import importlib.util
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOK = ROOT / "overrides" / "hooks" / "translation_status.py"


def _load_hook():
    sys.path.insert(0, str(HOOK.parent))  # its sibling i18n_build.py, as MkDocs does
    spec = importlib.util.spec_from_file_location("translation_status", HOOK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml may hold tags such as ``!!python/name``; only plain data is read here."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config(config_file: Path) -> dict:
    """``mkdocs.yml`` as plain data: the one reader of it for scripts and tests alike."""
    return yaml.load(config_file.read_text(encoding="utf-8"), Loader=_AnyTagLoader)


def i18n_entries(config_file: Path) -> list[dict]:
    """The i18n plugin's ``languages:`` entries, as written (locale, default, extra …)."""
    for plugin in mkdocs_config(config_file).get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            return plugin["i18n"]["languages"]
    raise SystemExit(f"{config_file}: no i18n plugin configured")


def languages(config_file: Path) -> tuple[str, list[str]]:
    """The default language and every built language, from the i18n plugin's settings."""
    entries = i18n_entries(config_file)
    default = next(e["locale"] for e in entries if e.get("default"))
    return default, [e["locale"] for e in entries if e.get("build", True)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    sub = parser.add_subparsers(dest="command")
    record = sub.add_parser("record", help="mark translations as up to date with their source")
    record.add_argument("files", nargs="*", type=Path)
    record.add_argument("--all", action="store_true", help="every translation of every page")
    args = parser.parse_args(argv)

    hook = _load_hook()
    default, langs = languages(args.config)
    docs = args.config.parent / "docs"
    if args.command == "record":
        files = args.files
        if args.all:
            files = [
                path
                for lang in langs
                if lang != default
                for path in docs.glob(f"*.{lang}.md")
                if path.name.rsplit(".", 2)[0] not in hook.untranslated_pages(docs, default, lang)
            ]
        for file in files:
            page, lang = file.name.rsplit(".", 2)[:2]
            source = file.with_name(f"{page}.{default}.md")
            if lang == default or not source.is_file():
                parser.error(f"{file} is not a translation of a {default} page")
            hook.write_record(file, source.read_text(encoding="utf-8"))
            print(f"recorded {file}")
        return 0

    rows = hook.docs_status(docs, default, langs)
    width = max((len(row.page) for row in rows), default=4)
    for row in rows:
        detail = f" — sections changed: {', '.join(row.changed)}" if row.changed else ""
        since = f" (translated on {row.recorded})" if row.recorded else ""
        print(f"{row.page:<{width}}  {row.lang}  {row.state}{since}{detail}")
    missing = [row for row in rows if row.state == "missing"]
    outdated = [row for row in rows if row.state in ("outdated", "not recorded")]
    untranslated = [row for row in rows if row.state == hook.UNTRANSLATED]
    print(
        f"{len(rows)} translations: {len(outdated)} outdated, {len(untranslated)} untranslated, "
        f"{len(missing)} missing."
    )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
