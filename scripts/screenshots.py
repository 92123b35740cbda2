"""Take the guide's figures from the real app, in every language, with numbered points.

For each language of ``site_app/config.py``: a fresh app on a throw-away
database, at a frozen date (2030-01-15 10:00 UTC, server and browser clocks)
with fixed addresses and passwords, is driven by Chromium through the guide's
steps. Each figure is cut around its points (the elements marked
``data-help-point="N"`` and the B1/B2 messages), drawn with frames and numbered
badges, captured at 2x and saved as ``docs/assets/screenshots/<lang>/<name>.webp``;
point 4 is the activation mail the app sent, shown in a neutral mail reader. The
sizes and boxes go to ``callouts.json`` beside them (tests/test_browser.py checks
them against the live app; the guide's build reads the sizes).

Usage: make screenshots   (or: python scripts/screenshots.py [--site site/] [--lang fr] …)
The steps are in scripts/figure_tools/browser_support.py, the figures in figures.py there.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from figure_tools import browser_support as support
from figure_tools import figures

ROOT = Path(__file__).resolve().parent.parent


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
            out_dir = figures.SCREENSHOTS_DIR / lang
            out_dir.mkdir(parents=True, exist_ok=True)
            for stale in out_dir.glob("*.png"):
                stale.unlink()
            callouts = figures.capture(browser, args.site, Path(workdir) / lang, lang, out_dir)
            for name, figure in callouts.items():
                size = (out_dir / name).stat().st_size // 1024
                print(
                    f"{out_dir.relative_to(ROOT) / name}  {figure['width']}x{figure['height']}"
                    f" CSS px, {size} KiB"
                )
            print(figures.write_callouts(lang, callouts).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
