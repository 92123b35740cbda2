"""Take the guide's screenshots from the real app, in every language, with numbered points.

For each language: a fresh app on a throw-away database, at a frozen date
(2030-01-15 10:00 UTC, server and browser clocks) with fixed addresses and
passwords, is driven by Chromium through the guide's steps. On each screen the
elements marked ``data-help-point="N"`` (and the B1/B2 messages) get a frame
and a numbered badge, then the viewport is saved (1000x700 CSS pixels at 2x)
as ``docs/assets/screenshots/<lang>/<name>.png``; the boxes go to
``callouts.json`` next to them (CSS pixels; tests/test_browser.py checks them).

Usage: make screenshots   (or: python scripts/screenshots.py [--site site/] [--lang fr] …)
The steps and the drawing are in tests/browser_support.py, shared with the tests.
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import browser_support as support  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site",
        type=Path,
        default=ROOT / "site",
        help="the built guide (make docs); default: site/",
    )
    parser.add_argument(
        "--lang",
        action="append",
        choices=support.LANGUAGES,
        help="only this language (repeatable); default: all",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=5000,
        help="port shown in the mails' links, if free (default 5000)",
    )
    args = parser.parse_args(argv)

    problem = support.missing_browser()
    if problem:
        print(f"screenshots: {problem}", file=sys.stderr)
        return 1
    if not (args.site / "topics.json").is_file():
        print(f"screenshots: {args.site} is not a built guide (run make docs)", file=sys.stderr)
        return 1

    with support.chromium() as browser, tempfile.TemporaryDirectory() as workdir:
        for lang in args.lang or support.LANGUAGES:
            out_dir = support.SCREENSHOTS_DIR / lang
            out_dir.mkdir(parents=True, exist_ok=True)
            callouts = support.capture_screenshots(
                browser, args.site, Path(workdir) / lang, lang, out_dir=out_dir, port=args.port
            )
            for name in callouts:
                print(out_dir.relative_to(ROOT) / name)
            print(support.write_callouts(lang, callouts).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
