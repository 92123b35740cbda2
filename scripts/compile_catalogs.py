"""Compile the app's catalogs (.po → .mo) with each language's typography (``make
translations``).

What ``pybabel compile`` does, plus :func:`site_app.typography.for_catalog` on every
translation: French gets its no-break spaces before ``: ; ? !`` and inside « », Arabic its
isolated placeholders. Translators type plain spaces; the ``.po`` files stay as they wrote
them. Prints, like ``pybabel compile --statistics``, how much of each catalog is translated.

    python scripts/compile_catalogs.py [--directory site_app/translations]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_app.typography import for_catalog  # noqa: E402


def compile_catalog(po_path: Path) -> tuple[int, int]:
    """Write ``messages.mo`` next to ``po_path``; return (translated, total)."""
    lang = po_path.parent.parent.name
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = total = 0
    for message in catalog:
        if not message.id:
            continue
        total += 1
        if isinstance(message.string, tuple):
            message.string = tuple(for_catalog(lang, text) for text in message.string)
            done = all(message.string)
        else:
            message.string = for_catalog(lang, message.string)
            done = bool(message.string)
        translated += done and not message.fuzzy
    with po_path.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    return translated, total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=Path, default=ROOT / "site_app" / "translations")
    args = parser.parse_args(argv)
    for po_path in sorted(args.directory.glob("*/LC_MESSAGES/messages.po")):
        translated, total = compile_catalog(po_path)
        share = 100 * translated // total if total else 100
        print(f"{translated} of {total} messages ({share}%) translated in {po_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
