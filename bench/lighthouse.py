"""Lighthouse scores of the guide and the account pages, on mobile and desktop.

Run by hand against the app on a loopback address (``make run`` serves it at
http://127.0.0.1:5000, the address the guide's ``site_url`` names by default, so its
hreflang links and sitemaps are same-origin)::

    npm install --prefix /tmp/lighthouse lighthouse
    CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/lighthouse.py \
        --lighthouse /tmp/lighthouse/node_modules/.bin/lighthouse

Prints a Markdown table (the one in bench/lighthouse.md) and every audit that cost a
point, and writes the raw scores to bench/results/lighthouse.json.

"guide article with a situation" is measured as the browser that just signed up sees it
(issue 23): bench/lighthouse_signed_up.mjs signs up first (a fresh address each run) and
Lighthouse measures in that same browser, so the page fills its ``[data-situation]`` element
while it is measured (its ``/api/situation`` request is in the report).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

PAGES = {
    "guide home": "/help/",
    "guide article": "/help/troubleshooting/",
    "guide article with a situation": "/help/troubleshooting/#check-spam",
    "sign-in": "/login",
    "sign-up": "/signup",
    "contact": "/contact",
}
#: Pages measured with the cookies of a browser that signed up just before.
SIGNED_UP = {"guide article with a situation"}
FORM_FACTORS = {"mobile": [], "desktop": ["--preset=desktop"]}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
RESULTS = Path(__file__).resolve().parent / "results" / "lighthouse.json"


def lighthouse_signed_up(command: str, base: str, url: str, desktop: bool) -> dict:
    """One Lighthouse run in a browser that just signed up (bench/lighthouse_signed_up.mjs:
    Puppeteer signs up, then Lighthouse navigates in that browser, its cookies kept — where
    the page's script reads them; cookies sent as ``--extra-headers`` are not in
    ``document.cookie``). Uses the ``node_modules`` next to ``command``."""
    modules = Path(command).resolve().parent.parent
    answer = subprocess.run(
        ["node", str(Path(__file__).with_name("lighthouse_signed_up.mjs")), base, url]
        + (["desktop"] if desktop else []),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={
            **os.environ,
            "NODE_PATH": str(modules),
            "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
        },
    )
    return json.loads(answer.stdout)


def lighthouse(command: str, url: str, flags: list[str]) -> dict:
    """One Lighthouse run; its JSON report."""
    answer = subprocess.run(
        [command, url, *flags, "--quiet", "--output=json", "--output-path=stdout"]
        + ["--only-categories=" + ",".join(CATEGORIES)]
        + ["--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )
    return json.loads(answer.stdout)


def lost_points(report: dict) -> list[str]:
    """The weighted audits that did not score 1."""
    lost = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{category['id']}: {audit['id']} {audit.get('displayValue', '')}")
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--lighthouse", default="lighthouse", help="the lighthouse command")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median kept)")
    parser.add_argument("--page", action="append", choices=PAGES, help="only these pages")
    args = parser.parse_args()
    if urlsplit(args.base).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback addresses only")

    scores: dict = {}
    for name, path in PAGES.items():
        if args.page and name not in args.page:
            continue
        for factor, flags in FORM_FACTORS.items():
            reports = []
            for _ in range(args.runs):
                if name in SIGNED_UP:
                    desktop = factor == "desktop"
                    report = lighthouse_signed_up(
                        args.lighthouse, args.base, args.base + path, desktop
                    )
                else:
                    report = lighthouse(args.lighthouse, args.base + path, flags)
                reports.append(report)
            scores[f"{name} ({path}), {factor}"] = {
                category: statistics.median(r["categories"][category]["score"] for r in reports)
                for category in CATEGORIES
            }
            for line in sorted({line for r in reports for line in lost_points(r)}):
                print(f"  {name} {factor}: {line}", file=sys.stderr)

    print("| page | " + " | ".join(CATEGORIES) + " |")
    print("|---|" + "---|" * len(CATEGORIES))
    for page, values in scores.items():
        print(f"| {page} | " + " | ".join(f"{round(values[c] * 100)}" for c in CATEGORIES) + " |")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
