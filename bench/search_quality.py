"""How often the guide's search puts the answering paragraph first (issue 14).

Builds the guide twice — as configured (``mkdocs.yml`` + ``help_search.py``) and with
the theme's default search configuration (no search options, ``HELP_SEARCH_PLAIN=1``:
the index keeps only the per-language split) — serves each on a loopback port, types
every query of ``tests/search_queries.yml`` (plus the registry's references) into the
search box in Chromium and reads the results in order.

    .venv/bin/python bench/search_quality.py              # both, side by side
    .venv/bin/python bench/search_quality.py --only guide -v   # one, with each miss
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import browser_support as support  # noqa: E402
import search_support as measure  # noqa: E402


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
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "-q",
                "-f",
                str(config_file),
                "-d",
                str(site),
            ],
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


def run(variant: str, workdir: Path, langs, verbose: bool) -> dict:
    site = build(variant, workdir / f"site-{variant}")
    queries = measure.load_queries(langs)
    with support.LiveApp(site, workdir / f"app-{variant}") as live, support.chromium() as browser:
        results = measure.measure(browser, live.base_url, queries, measure.home_paths())
    if verbose:
        print(f"--- {variant}: not first")
        print("\n".join(measure.failures(results)) or "(none)")
    return measure.summary(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["guide", "default"])
    parser.add_argument("--lang", action="append", help="one language (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    langs = args.lang or measure.configured_languages()
    variants = [args.only] if args.only else ["guide", "default"]
    with tempfile.TemporaryDirectory() as tmp:
        figures = {v: run(v, Path(tmp), langs, args.verbose) for v in variants}
    print("\n| language | queries | " + " | ".join(f"{v}: first / top 3" for v in variants) + " |")
    print("|---|---|" + "---|" * len(variants))
    for lang in langs:
        total = figures[variants[0]][lang][2]
        cells = [
            f"{first}/{total} ({first / total:.0%}) / {top3}/{total}"
            for first, top3, _ in (figures[v][lang] for v in variants)
        ]
        print(f"| {lang} | {total} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
