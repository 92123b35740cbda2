"""Adding a language is one step (``make language``), and the build guards what it publishes.

Plays an editor in a throw-away copy of the project: add German, build (refused: nothing is
translated yet), mark it partial, build (published, each page telling its readers in their
language that it is not translated), translate one page and record it (its notice is gone).
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

CODE = "de"
NOTICE = "Diese Seite ist noch nicht übersetzt."


def run(*args, cwd):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def build(project):
    return run("-m", "mkdocs", "build", "--strict", cwd=project)  # no -q: it hides warnings


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of what ``make language`` and the guide's build read and write."""
    copy = tmp_path_factory.mktemp("project")
    for part in ("docs", "overrides", "scripts", "site_app/translations"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("*.mo", "*.png"))
    shutil.copy(ROOT / "site_app" / "config.py", copy / "site_app" / "config.py")
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    for png in (ROOT / "docs").rglob("*.png"):  # same names, no need for the pixels
        (copy / png.relative_to(ROOT)).write_bytes(b"")
    added = run("scripts/new_language.py", CODE, "--root", str(copy), cwd=copy)
    assert added.returncode == 0, added.stderr
    return copy


def test_make_language_creates_catalog_pages_guide_and_app_entries(project):
    assert (project / "site_app/translations" / CODE / "LC_MESSAGES/messages.po").is_file()
    for french in (project / "docs").glob("*.fr.md"):
        page = french.with_name(french.name.replace(".fr.md", f".{CODE}.md"))
        text = page.read_text(encoding="utf-8")
        assert "status: untranslated" in text, page
        ids = re.findall(r"\{ #([\w-]+) \}", french.read_text(encoding="utf-8"))
        assert ids == re.findall(r"\{ #([\w-]+) \}", text)  # every help topic is there
        assert "?lang=fr" not in text
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    entry = config.split(f"- locale: {CODE}\n", 1)[1]
    assert "name: Deutsch" in entry and "language: de" in entry and "direction: ltr" in entry
    assert "partial: false" in entry and "translation_untranslated:" in entry
    languages = (project / "site_app" / "config.py").read_text(encoding="utf-8")
    assert re.search(rf'^LANGUAGES = \[.*"{CODE}"\]', languages, re.M)


def test_untranslated_language_is_refused_then_published_as_partial(project):
    refused = build(project)
    assert refused.returncode != 0
    assert f"language '{CODE}'" in refused.stderr and "partial: true" in refused.stderr

    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    head, entry = text.split(f"- locale: {CODE}\n", 1)
    entry = re.sub(r"(?m)^(\s+)partial: false$", r"\1partial: true", entry, count=1)
    entry = re.sub(r"translation_untranslated: .*", f"translation_untranslated: {NOTICE}", entry)
    config.write_text(f"{head}- locale: {CODE}\n{entry}", encoding="utf-8")
    published = build(project)
    assert published.returncode == 0, published.stderr
    site = project / "site"
    page = (site / CODE / "account" / "index.html").read_text(encoding="utf-8")
    assert 'data-translation-status="untranslated"' in page and NOTICE in page
    assert '<html lang="de"' in page
    topics = yaml.safe_load((site / "topics.json").read_text(encoding="utf-8"))
    assert topics[CODE]["delete-account"].startswith(f"{CODE}/account/")
    english = (site / "en" / "account" / "index.html").read_text(encoding="utf-8")
    assert "data-translation-status" not in english

    # The translator translates one page and records it: that page's notice is gone.
    german = project / "docs" / f"account.{CODE}.md"
    text = german.read_text(encoding="utf-8").replace("# Votre compte", "# Ihr Konto")
    german.write_text(text.replace("  status: untranslated\n", ""), encoding="utf-8")
    recorded = run("scripts/translations.py", "record", f"docs/account.{CODE}.md", cwd=project)
    assert recorded.returncode == 0, recorded.stderr
    assert build(project).returncode == 0
    page = (site / CODE / "account" / "index.html").read_text(encoding="utf-8")
    assert "data-translation-status" not in page and "Ihr Konto" in page
    other = (site / CODE / "troubleshooting" / "index.html").read_text(encoding="utf-8")
    assert 'data-translation-status="untranslated"' in other
