"""The catalogs are complete: no untranslated, fuzzy or obsolete string ships."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from conftest import ROOT

TRANSLATIONS = ROOT / "site_app" / "translations"


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
    for path in catalogs():
        with Path(path).open("rb") as handle:
            catalog = read_po(handle)
        missing = sorted(
            str(msg_id)
            for msg_id in wanted
            if not (catalog.get(msg_id) and catalog.get(msg_id).string)
        )
        fuzzy = [str(m.id) for m in catalog if m.id and m.fuzzy]
        assert not missing, f"{path}: untranslated: {missing}"
        assert not fuzzy, f"{path}: fuzzy: {fuzzy}"
