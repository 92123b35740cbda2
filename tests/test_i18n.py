"""The catalogs are complete: no untranslated, fuzzy or obsolete string ships.

Every configured language but the source one (English msgids) has a catalog, with the plural
forms of its language (Arabic: six). A language published as partial (``partial: true`` in
its ``extra:`` in mkdocs.yml, see ``make language``) may still miss strings.
"""

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from conftest import ROOT, guide_languages

from site_app.config import LANGUAGES

TRANSLATIONS = ROOT / "site_app" / "translations"


def partial_languages() -> set[str]:
    return {e["locale"] for e in guide_languages() if (e.get("extra") or {}).get("partial")}


def translated(message) -> bool:
    """A message with every form filled (a plural message has one per plural form)."""
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings)


def catalogs():
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_every_catalog_is_complete(tmp_path):
    # Extract afresh, so a string added to the code without a translation is caught.
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            "site_app",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    assert catalogs(), "no catalog found"
    partial = partial_languages()
    for path in catalogs():
        with Path(path).open("rb") as handle:
            catalog = read_po(handle)
        missing = sorted(
            str(msg_id)
            for msg_id in wanted
            if not (catalog.get(msg_id) and translated(catalog.get(msg_id)))
        )
        fuzzy = [str(m.id) for m in catalog if m.id and m.fuzzy]
        if str(catalog.locale) not in partial:
            assert not missing, f"{path}: untranslated: {missing}"
        assert not fuzzy, f"{path}: fuzzy: {fuzzy}"


def test_every_configured_language_has_a_catalog_with_its_plural_forms():
    with_catalog = {path.parts[-3] for path in catalogs()}
    assert len(set(LANGUAGES) - with_catalog) == 1, "only the source language has no catalog"
    for path in catalogs():
        with Path(path).open("rb") as handle:
            catalog = read_po(handle)
        lang = path.parts[-3]
        assert lang in LANGUAGES, f"{path}: {lang} is not in LANGUAGES"
        # CLDR's categories (zero, one, two, few, many) plus "other": Arabic has six.
        assert catalog.num_plurals == len(Locale.parse(lang).plural_form.tags) + 1, path
        for message in catalog:
            if message.id and isinstance(message.string, tuple):
                assert len(message.string) == catalog.num_plurals, f"{path}: {message.id}"


@pytest.mark.parametrize(
    ("count", "arabic", "english"),
    [
        (1, "خلال ساعة واحدة", "within 1 hour "),
        (2, "خلال ساعتين", "within 2 hours"),
        (5, "خلال 5 ساعات", "within 5 hours"),
        (48, "خلال 48 ساعة", "within 48 hours"),
        (100, "خلال 100 ساعة", "within 100 hours"),
    ],
)
def test_counts_take_the_plural_form_of_each_language(make_app, count, arabic, english):
    """Arabic has six plural forms: 1 ساعة واحدة, 2 ساعتين, 3–10 ساعات, 11–99 and 100+ ساعة."""
    client = make_app(ACTIVATION_DELAY=timedelta(hours=count)).test_client()
    assert arabic in client.get("/check-your-mail/resend?lang=ar").text
    assert english in client.get("/check-your-mail/resend?lang=en").text


def test_stylesheets_use_logical_properties_so_right_to_left_mirrors():
    """``margin-inline-start``, not ``margin-left``: Arabic pages (dir="rtl") then mirror."""
    physical = re.compile(
        r"\b(?:margin|padding|border|inset)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:"
        r"|\b(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
    )
    for sheet in (ROOT / "site_app/static/css/app.css", ROOT / "docs/stylesheets/extra.css"):
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        found = physical.findall(css)
        assert not found, f"{sheet.name}: use logical properties instead of {found}"
    assert physical.search(".a { margin-left: 0 }") and physical.search("b { left: 1px }")
