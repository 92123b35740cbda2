"""How often the guide's search puts the answering paragraph first (issues 14 and 21).

Builds the guide twice — as configured (``mkdocs.yml``, ``help_search.py`` and the guide's
search worker) and with the theme's default search configuration (no search options,
``HELP_SEARCH_PLAIN=1``: the index keeps only the per-language split, pages start
Material's worker alone) — and reads each query's answers in the order the search box
shows them: from the built worker files run by Node (``tests/search_node.js``, the
default), or typed into Chromium on a loopback server (``--browser``). The sets: the tuned
one (``tests/search_queries.yml`` plus the registry's references), the first held-out
one (``tests/search_heldout.yml``, tuning data since the second round of issue 21), the
second (``held-out-2``: ``tests/search_heldout_2.yml``, tuning data since the third), the
third (``held-out-3``: ``tests/search_heldout_3.yml``, tuning data since the fourth), the
fourth (``held-out-4``: ``tests/search_heldout_4.yml`` when it is there, measured only:
``-v`` never lists its misses), and the French labels typed into every guide (``seen``: the
tuned set's and the first held-out set's; ``seen-2``, ``seen-3``, ``seen-4``: the second's,
third's, fourth's). Also prints,
per set, how many queries find nothing although one of their words is in the index
("empty"), and each
language's index size, raw and gzipped.

    .venv/bin/python bench/search_quality.py                  # every set, both builds
    .venv/bin/python bench/search_quality.py --only guide --set tuned -v   # with each miss
"""

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

import search_support as measure  # noqa: E402
from figure_tools import browser_support as support  # noqa: E402

SETS = {
    "tuned": lambda langs: measure.load_queries(langs),
    "held-out": lambda langs: measure.load_heldout(langs),
    "held-out-2": lambda langs: measure.load_heldout(langs, path=measure.HELDOUT_2),
    "seen": lambda langs: (
        measure.load_queries(langs, measure.SEEN_FRENCH)
        + measure.load_heldout(langs, measure.SEEN_FRENCH)
    ),
    "seen-2": lambda langs: measure.load_heldout(langs, measure.SEEN_FRENCH, measure.HELDOUT_2),
    "held-out-3": lambda langs: measure.load_heldout(langs, path=measure.HELDOUT_3),
    "seen-3": lambda langs: measure.load_heldout(langs, measure.SEEN_FRENCH, measure.HELDOUT_3),
}
if measure.HELDOUT_4.exists():  # the fourth set, once the lead has put it in tests/
    SETS["held-out-4"] = lambda langs: measure.load_heldout(langs, path=measure.HELDOUT_4)
    SETS["seen-4"] = lambda langs: measure.load_heldout(
        langs, measure.SEEN_FRENCH, measure.HELDOUT_4
    )
#: Measured only: ``-v`` does not list their misses (nobody may tune on them).
MEASURED_ONLY = {"held-out-4", "seen-4"}


def build(variant: str, site: Path) -> Path:
    """Build the guide; ``default`` drops the search options and the index preparation."""
    config_file = ROOT / "mkdocs.yml"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    plain = None
    if variant == "default":
        text = config_file.read_text(encoding="utf-8")
        # The search plugin without its options (text-level: mkdocs.yml has !ENV tags).
        text, found = re.subn(r"(?m)^( +)- search:\n(?:\1    .*\n)+", r"\1- search\n", text)
        if found != 1:
            raise SystemExit("mkdocs.yml: cannot find the search plugin's options")
        plain = ROOT / "mkdocs.search-default.yml"  # beside mkdocs.yml: same relative paths
        plain.write_text(text, encoding="utf-8")
        config_file, env["HELP_SEARCH_PLAIN"] = plain, "1"
    try:
        command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file)]
        result = subprocess.run(
            [*command, "-d", str(site)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        if plain:
            plain.unlink()
    if result.returncode:
        raise SystemExit(result.stdout + result.stderr)
    return site


def index_sizes(site: Path, langs) -> dict[str, tuple[int, int]]:
    """``{lang: (bytes, gzipped bytes)}`` of each language's ``search_index.json``."""
    sizes = {}
    for lang, home in measure.home_paths().items():
        if lang in langs:
            data = (
                site / home.removeprefix("/help/") / "search" / "search_index.json"
            ).read_bytes()
            sizes[lang] = (len(data), len(gzip.compress(data, compresslevel=9, mtime=0)))
    return sizes


def run(variant: str, workdir: Path, langs, sets, browser: bool, verbose: bool) -> dict:
    site = build(variant, workdir / f"site-{variant}")
    homes = measure.home_paths()
    figures = {"sizes": index_sizes(site, langs)}
    for name in sets:
        queries = SETS[name](langs)
        if browser:
            app = workdir / f"app-{variant}-{name}"
            with support.LiveApp(site, app) as live, support.chromium() as chromium:
                results = measure.measure(chromium, live.base_url, queries, homes)
        else:
            results = measure.measure_with_node(site, queries, homes)
        if verbose and name not in MEASURED_ONLY:
            print(f"--- {variant}, {name}: not first")
            print("\n".join(measure.failures(results)) or "(none)")
        empty = measure.empty_though_matching(site, queries, homes)
        figures[name] = {
            lang: (*row, len(empty.get(lang, []))) for lang, row in measure.summary(results).items()
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["guide", "default"])
    parser.add_argument("--set", action="append", choices=list(SETS), help="repeatable")
    parser.add_argument("--lang", action="append", help="one language (repeatable)")
    parser.add_argument("--browser", action="store_true", help="type the queries in Chromium")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    langs = args.lang or measure.configured_languages()
    variants = [args.only] if args.only else ["guide", "default"]
    sets = args.set or list(SETS)
    with tempfile.TemporaryDirectory() as tmp:
        figures = {v: run(v, Path(tmp), langs, sets, args.browser, args.verbose) for v in variants}
    print(
        "\n| language | set | queries | "
        + " | ".join(f"{v}: first / top 3 / empty" for v in variants)
    )
    print("|---|---|---|" + "---|" * len(variants))
    for lang in langs:
        for name in sets:
            rows = [figures[v][name].get(lang) for v in variants]
            if not rows[0]:
                continue
            total = rows[0][2]
            cells = [f"{f}/{total} ({f / total:.0%}) / {t}/{total} / {e}" for f, t, _, e in rows]
            print(f"| {lang} | {name} | {total} | " + " | ".join(cells) + " |")
    print("\n| language | " + " | ".join(f"{v}: index, gzipped" for v in variants) + " |")
    print("|---|" + "---|" * len(variants))
    for lang in langs:
        cells = [
            f"{raw / 1024:.1f} KiB, {gz / 1024:.1f} KiB"
            for raw, gz in (figures[v]["sizes"][lang] for v in variants)
        ]
        print(f"| {lang} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
