"""Translation status: a translated page whose French source changed says so, editors get a list.

Tested the way an editor works: change a French page, commit, build — the other languages'
versions of that page (and only those) carry the notice; update their records — it is gone.
"""

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from test_docs import run_mkdocs_build

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import translations  # noqa: E402

DEFAULT, LANGUAGES = translations.languages(ROOT / "mkdocs.yml")
TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT]
NOTICE = 'data-translation-status="outdated"'


def run_report(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "translations.py")]
        + ["--config", str(project / "mkdocs.yml"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def commit(project: Path, message: str) -> None:
    git = ["git", "-C", str(project), "-c", "user.name=Editor", "-c", "user.email=e@example.org"]
    subprocess.run([*git, "commit", "-qam", message], check=True)


@pytest.fixture
def project(tmp_path):
    """A copy of the guide's sources, committed to a git repository of its own."""
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    subprocess.run(["git", "-C", str(tmp_path), "init", "-q"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    commit(tmp_path, "guide")
    return tmp_path


def states(report: subprocess.CompletedProcess) -> dict[tuple[str, str], str]:
    """``{(page, lang): state}`` read from the report's lines."""
    found = {}
    for line in report.stdout.splitlines():
        words = line.split()
        if len(words) >= 3 and words[1] in LANGUAGES:
            found[words[0], words[1]] = words[2] if words[2] != "up" else "up to date"
    return found


def page_url(page: str, lang: str) -> str:
    prefix = "" if lang == DEFAULT else f"{lang}/"
    return f"{prefix}{'' if page == 'index' else page + '/'}"


def built(site: Path, page: str, lang: str) -> str:
    return (site / page_url(page, lang) / "index.html").read_text(encoding="utf-8")


def test_every_translation_records_its_source():
    """A translation without a record could never be reported as outdated."""
    report = run_report(ROOT)
    assert report.returncode == 0, report.stdout + report.stderr
    assert states(report) and "not" not in states(report).values()


def test_a_changed_french_page_marks_its_translations_until_they_are_updated(project):
    source = project / "docs" / f"account.{DEFAULT}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text + "\nUn nouveau paragraphe sur la déconnexion.\n", encoding="utf-8")
    commit(project, "account: a new paragraph")

    site = project / "site"
    build = run_mkdocs_build(project / "mkdocs.yml", site)
    assert build.returncode == 0, build.stderr
    for lang in TRANSLATED:
        page = built(site, "account", lang)
        assert NOTICE in page, lang
        # The notice links to the French page.
        link = page.split(NOTICE, 1)[1].split('href="', 1)[1].split('"', 1)[0]
        base = "http://help.test/help/"
        assert urljoin(base + page_url("account", lang), link) == base + page_url(
            "account", DEFAULT
        )
        for other in ("index", "create-account", "troubleshooting"):
            assert NOTICE not in built(site, other, lang), (other, lang)
    assert NOTICE not in built(site, "account", DEFAULT)
    report = run_report(project)
    assert report.returncode == 0  # outdated is listed, not fatal
    outdated = {key for key, state in states(report).items() if state == "outdated"}
    assert outdated == {("account", lang) for lang in TRANSLATED}
    assert "sections changed: sign-out" in report.stdout  # the section that changed
    assert "outdated" in (site / "translation-status.html").read_text(encoding="utf-8")

    # The editor updates the translations, then records them.
    files = [str(project / "docs" / f"account.{lang}.md") for lang in TRANSLATED]
    assert run_report(project, "record", *files).returncode == 0
    build = run_mkdocs_build(project / "mkdocs.yml", site)
    assert build.returncode == 0, build.stderr
    for lang in TRANSLATED:
        assert NOTICE not in built(site, "account", lang)


def test_rewrapping_a_french_paragraph_changes_nothing(project):
    source = project / "docs" / f"create-account.{DEFAULT}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(" ", "\n", 3).replace("\n\n", "\n\n\n", 2), encoding="utf-8")
    assert set(states(run_report(project)).values()) == {"up to date"}


def test_a_missing_translation_fails_the_report(project):
    for lang in TRANSLATED:
        (project / "docs" / f"account.{lang}.md").unlink()
    report = run_report(project)
    assert report.returncode == 1
    missing = {key for key, state in states(report).items() if state == "missing"}
    assert missing == {("account", lang) for lang in TRANSLATED}
