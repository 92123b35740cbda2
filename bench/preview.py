"""The editors' preview at 200 pages × 3 languages, in Chromium: ``mkdocs serve`` against ours.

For each variant, a fresh copy of the guide grown to ``--pages`` pages per language
(``bench/big_guide.py``) is previewed on a loopback port and opened in Chromium
(Playwright, ``/usr/bin/chromium``); nothing is mocked, the pages reload by themselves:

* **start**: from launching the command to Chromium showing a French article;
* **French edit**: from the saved file (a sentence appended to ``article-N.fr.md``) to the
  open French page showing it, and to its open English translation showing the
  *outdated* notice (``data-translation-status="outdated"``);
* **English edit**: from the saved ``article-M.en.md`` to the open English page showing it;
* **search**: from the start to the French search index holding every page (``mkdocs
  serve`` writes it with the pages; ``scripts/preview.py`` in the background).

    .venv/bin/python bench/preview.py [--pages 200] [--rounds 3] [--only before|after]

``before`` is ``mkdocs serve`` (the old ``make docs-serve``), ``after`` is
``scripts/preview.py`` (``make docs-serve``). Prints the figures and writes them to
``bench/results/preview.json``; they are copied by hand into the README (Help center).
Every wait is bounded (``--timeout``).
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import big_guide  # noqa: E402
from figure_tools import browser_support as support  # noqa: E402

BIN = ROOT / ".venv" / "bin"
COMMANDS = {
    "before": [str(BIN / "mkdocs"), "serve"],
    "after": [str(BIN / "python"), str(ROOT / "scripts" / "preview.py")],
}
OUTDATED = '[data-translation-status="outdated"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def open_when_served(page, url: str, deadline: float) -> None:
    """Retry ``url`` until the server answers it (it listens once its build is done)."""
    while True:
        try:
            response = page.goto(url, wait_until="load")
            if response and response.ok:
                return
        except Exception:  # noqa: BLE001 (connection refused while the server starts)
            pass
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{url} not served in time")
        time.sleep(0.2)


def search_ready(base: str, pages: int, deadline: float) -> float | None:
    """The instant the French search index holds an entry for each of the ``pages``.

    Asked once when ``deadline`` has passed already (None: not yet).
    """
    while True:
        try:
            with urllib.request.urlopen(f"{base}search/search_index.json", timeout=30) as answer:
                docs = json.load(answer)["docs"]
            if len({doc["location"].partition("#")[0] for doc in docs}) >= pages:
                return time.perf_counter()
        except (OSError, ValueError, KeyError):
            pass
        if time.perf_counter() > deadline:
            if deadline:
                raise TimeoutError("the search index was not ready in time")
            return None
        time.sleep(5)  # the preview's background work waits for its browsers to be quiet


def save(path: Path, mark: str) -> float:
    """Append a sentence to a page as an editor's save would; the instant it is written."""
    with path.open("a", encoding="utf-8") as page:
        page.write(f"\n{mark}\n")
    return time.perf_counter()


def measure(variant: str, pages: int, rounds: int, timeout: float, browser) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"bench-preview-{variant}-"))
    guide = big_guide.make_copy(work / "guide", pages)
    docs, port = guide / "docs", free_port()
    base = f"http://127.0.0.1:{port}/help/"
    command = [*COMMANDS[variant], "-f", str(guide / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log = open(work / "server.log", "wb")  # noqa: SIM115 (closed below)
    french, english = support.new_page(browser, "fr"), support.new_page(browser, "en")
    for tab in (french, english):
        tab.set_default_timeout(timeout * 1000)
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=guide, env=env, stdout=log, stderr=subprocess.STDOUT)
    result = {"command": " ".join(Path(c).name for c in command[:2]), "french": [], "english": []}
    result["load at the start"] = round(os.getloadavg()[0], 1)
    try:
        open_when_served(french, f"{base}article-100/", started + timeout)
        result["start"] = time.perf_counter() - started
        print(f"  {variant}: first page shown after {result['start']:.1f} s", flush=True)
        searchable = search_ready(base, pages, deadline=0)  # written with the pages?
        for index in range(rounds):
            number = f"{101 + index:03d}"
            french.goto(f"{base}article-{number}/")
            english.goto(f"{base}en/article-{number}/")
            assert english.locator(OUTDATED).count() == 0, "outdated before the edit"
            time.sleep(1)  # both pages' live-reload requests are waiting
            mark = f"Correction {index} {time.time_ns()}"
            saved = save(docs / f"article-{number}.fr.md", mark)
            french.get_by_text(mark).wait_for()
            shown = time.perf_counter() - saved
            english.locator(OUTDATED).wait_for()
            flagged = time.perf_counter() - saved
            result["french"].append({"shown": shown, "outdated_flag": flagged})
            print(f"  {variant}: French edit shown {shown:.2f} s, flag {flagged:.2f} s", flush=True)
        for index in range(rounds):
            number = f"{151 + index:03d}"
            english.goto(f"{base}en/article-{number}/")
            time.sleep(1)
            mark = f"Correction {index} {time.time_ns()}"
            saved = save(docs / f"article-{number}.en.md", mark)
            english.get_by_text(mark).wait_for()
            result["english"].append({"shown": time.perf_counter() - saved})
            print(f"  {variant}: English edit shown {result['english'][-1]['shown']:.2f} s")
        searchable = searchable or search_ready(base, pages, time.perf_counter() + timeout)
        result["search ready"] = searchable - started
        print(f"  {variant}: search index ready after {result['search ready']:.0f} s", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        french.context.close(), english.context.close()
    return result


def summary(result: dict) -> dict:
    def figure(values):
        return f"{statistics.median(values):.2f} s ({' / '.join(f'{v:.2f}' for v in values)})"

    return {
        "start": f"{result['start']:.1f} s",
        "French edit shown": figure([r["shown"] for r in result["french"]]),
        "translations flagged outdated": figure([r["outdated_flag"] for r in result["french"]]),
        "English edit shown": figure([r["shown"] for r in result["english"]]),
        "search index ready": f"{result['search ready']:.0f} s",
        "load at the start": result["load at the start"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages per language")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=sorted(COMMANDS))
    parser.add_argument("--timeout", type=float, default=600, help="seconds, every wait")
    args = parser.parse_args()
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the start",
        "pages per language": args.pages,
    }
    path = ROOT / "bench" / "results" / "preview.json"
    if args.only and path.exists():  # the other variant's figures stay
        results = {**json.loads(path.read_text()), **results}
    with support.chromium() as browser:
        for variant in [args.only] if args.only else ["before", "after"]:
            print(f"{variant}: {' '.join(COMMANDS[variant][-1:])}", flush=True)
            raw = measure(variant, args.pages, args.rounds, args.timeout, browser)
            results[variant] = {"summary": summary(raw), **raw}
            results["load at the end"] = round(os.getloadavg()[0], 1)
            path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    for variant in COMMANDS:
        if variant in results:
            print(variant, json.dumps(results[variant]["summary"], ensure_ascii=False))


if __name__ == "__main__":
    main()
