"""The editors' preview (`make docs-serve`, scripts/preview.py) shows what `make docs` builds.

The preview renders again only the saved page (and a French page's translations); these
tests save a page in a copy of the guide while the preview runs, then compare what it
serves with ``mkdocs build --strict`` of the same sources and the same ``site_url``.
Its speed is measured by ``bench/preview.py``, not here.
"""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, free_port

sys.path.insert(0, str(ROOT / "bench"))
import big_guide  # noqa: E402  (the guide grown by generated pages)

LANGUAGES = ("fr", "en", "ar")
#: What the preview's server adds to each page it serves (MkDocs' live-reload client).
LIVERELOAD = re.compile(r"<script>\s*var livereload = function.*?</script>", re.S)
OUTDATED = 'data-translation-status="outdated"'


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=90) as response:
        return response.read().decode("utf-8")


def epoch_of(html: str) -> int:
    """The site version a served page knows (the live-reload client asks for a newer one)."""
    return int(re.search(r"livereload\((\d+), \d+\);", html)[1])


def page_url(base: str, lang: str, page: str) -> str:
    """``page`` ("" for the home page) in ``lang``: French at the root, the others below."""
    return base + ("" if lang == "fr" else f"{lang}/") + (f"{page}/" if page else "")


@pytest.fixture(scope="module")
def guide(tmp_path_factory):
    """A copy of the guide, and the preview serving it on a free port.

    Two pages are added (``bench/big_guide.py``), listed in the navigation without a
    title, as editors may: their menu entries name them by the titles of their text.
    """
    copy = big_guide.make_copy(tmp_path_factory.mktemp("guide"), pages=6)
    port = free_port()
    log = (copy / "preview.log").open("wb")
    command = [sys.executable, str(ROOT / "scripts" / "preview.py"), "--no-search"]
    command += ["-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=copy, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/help/"
    for _ in range(600):  # 120 s at most
        if server.poll() is not None:
            pytest.fail("the preview stopped:\n" + (copy / "preview.log").read_text())
        try:
            get(base)
            break
        except OSError:
            time.sleep(0.2)
    yield copy, base
    server.terminate()
    server.wait(timeout=30)
    log.close()


def full_build(copy: Path, base: str) -> Path:
    """``mkdocs build --strict`` of the copy, with the preview's address as its site_url."""
    site = copy / f"full-{time.monotonic_ns()}"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=copy,
        env={**os.environ, "HELP_SITE_URL": base, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def built_page(site: Path, lang: str, page: str) -> str:
    folder = site if lang == "fr" else site / lang
    return (folder / page / "index.html").read_text(encoding="utf-8")


def save_and_wait(guide, source: str, text: str, watched: str) -> None:
    """Append ``text`` to ``docs/<source>``; return once the preview has rendered it.

    The server answers ``/livereload/<epoch>/…`` when a newer version of the site is
    ready: that is what makes an open page reload by itself.
    """
    copy, base = guide
    epoch = epoch_of(get(watched))
    with (copy / "docs" / source).open("a", encoding="utf-8") as page:
        page.write(f"\n{text}\n")
    newer = int(get(f"{base.split('/help/')[0]}/livereload/{epoch}/1"))
    assert newer > epoch, (copy / "preview.log").read_text()[-3000:]


def test_french_edit_shows_and_marks_its_translations_outdated(guide):
    copy, base = guide
    before = {lang: get(page_url(base, lang, "account")) for lang in LANGUAGES}
    assert all(OUTDATED not in html for html in before.values())

    sentence = "Phrase ajoutée pendant la prévisualisation."
    save_and_wait(guide, "account.fr.md", sentence, page_url(base, "fr", "account"))

    served = {lang: get(page_url(base, lang, "account")) for lang in LANGUAGES}
    assert sentence in served["fr"]
    assert OUTDATED not in served["fr"]
    for lang in LANGUAGES[1:]:
        assert OUTDATED in served[lang], lang
        assert sentence not in served[lang]
    site = full_build(copy, base)
    for lang in LANGUAGES:
        # The very bytes the full build writes, plus the live-reload client.
        assert LIVERELOAD.sub("", served[lang]) == built_page(site, lang, "account"), lang


def test_translation_edit_and_every_other_page_match_the_full_build(guide):
    copy, base = guide
    sentence = "A sentence added while previewing."
    save_and_wait(guide, "troubleshooting.en.md", sentence, page_url(base, "en", ""))

    site = full_build(copy, base)
    english = get(page_url(base, "en", "troubleshooting"))
    assert sentence in english
    assert LIVERELOAD.sub("", english) == built_page(site, "en", "troubleshooting")
    # Pages never saved: converted and written once, when first asked for or in the
    # background; each language's 404 page is rendered again once its pages are converted.
    pages = sorted(path.name.removesuffix(".fr.md") for path in (copy / "docs").glob("*.fr.md"))
    for lang in LANGUAGES:
        for page in pages:
            page = "" if page == "index" else page
            served = LIVERELOAD.sub("", get(page_url(base, lang, page)))
            assert served == built_page(site, lang, page), (lang, page)
        folder = "" if lang == "fr" else f"{lang}/"
        served = LIVERELOAD.sub("", get(f"{base}{folder}404.html"))
        assert served == (site / folder / "404.html").read_text(encoding="utf-8"), lang


def test_preview_answers_under_help_with_its_404_page(guide):
    copy, base = guide
    with pytest.raises(urllib.error.HTTPError) as error:
        get(base + "no-such-page/")
    with error.value as answer:
        assert answer.code == 404
        assert "Page introuvable" in answer.read().decode("utf-8")


def test_translations_waiting_for_their_language_are_written_once_it_is_converted(tmp_path):
    """Just after the start, a French save's translations follow when their language is read."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import preview_site

    copy = big_guide.make_copy(tmp_path / "guide", pages=6)
    site = preview_site.PreviewSite(str(copy / "mkdocs.yml"), str(tmp_path / "site"))
    site.build()  # no background work runs here: English and Arabic are not converted yet
    sentence = "Phrase ajoutée juste après le démarrage."
    with (copy / "docs" / "account.fr.md").open("a", encoding="utf-8") as page:
        page.write(f"\n{sentence}\n")

    written = site.refresh({"account.fr.md"})

    assert written == ["fr:account.fr.md"]
    assert sorted(site.waiting) == [("ar", "account.ar.md"), ("en", "account.en.md")]
    assert not site.render_waiting()  # their languages are still being converted
    while site.read_next():
        pass
    assert site.render_waiting()
    full = full_build(copy, site.site_url)
    for lang in LANGUAGES:
        folder = Path(site.site_dir) if lang == "fr" else Path(site.site_dir) / lang
        served = (folder / "account" / "index.html").read_text(encoding="utf-8")
        assert served == built_page(full, lang, "account"), lang
    assert OUTDATED in built_page(full, "en", "account")
