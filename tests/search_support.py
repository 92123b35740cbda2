"""Typing readers' queries into the guide's search box and reading the answers in order.

Shared by ``tests/test_search.py`` (the goals) and ``bench/search_quality.py`` (the
figures, with and without the help center's index preparation). The query sets:
``tests/search_queries.yml``, the tuned set (the error references of the topic registry
are added to it, each expected to find its own topic), and the held-out sets, never tuned
on (see their headers): ``tests/search_heldout.yml`` (v1, tuning data since the second
round of issue 21), ``tests/search_heldout_2.yml`` (v2, tuning data since the third) and
``tests/search_heldout_3.yml`` (v3, measured only). Queries are
typed into Chromium (``measure``) or given to the same worker files run by Node on the
same index (``measure_with_node``, through ``tests/search_node.js``): the tests check
that both read the same answers.
"""

import functools
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "search_queries.yml"
HELDOUT = ROOT / "tests" / "search_heldout.yml"
HELDOUT_2 = ROOT / "tests" / "search_heldout_2.yml"
HELDOUT_3 = ROOT / "tests" / "search_heldout_3.yml"
#: The fourth set, written for the fourth round and kept away from it: measured by the lead
#: at the round's end (``bench/search_quality.py --set held-out-4``); never tuned on.
HELDOUT_4 = ROOT / "tests" / "search_heldout_4.yml"
REGISTRY = ROOT / "docs" / "topics.yml"
NODE_SEARCH = ROOT / "tests" / "search_node.js"
#: libyaml's parser when PyYAML has it: the pure-Python one takes about 0.1 s of CPU per
#: query file, and the tests read each file many times.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _read_yaml(path: Path):
    """The data of ``path``, parsed once per process (callers never change it)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)


#: The results as a reader reads them. Material groups them by page: each group shows the
#: page as a header (a result itself only when it matches best, then with its text), its
#: best sections, and hides the others under "N more on this page". Visible results come
#: first, group after group; the hidden ones after all of them.
READ_RESULTS_JS = """
() => {
  const visible = [], hidden = [];
  for (const item of document.querySelectorAll(".md-search-result__item")) {
    const links = Array.from(item.querySelectorAll("a.md-search-result__link")).map(link => ({
      href: link.getAttribute("href"),
      score: parseFloat(link.querySelector("article").dataset.mdScore || "0"),
      folded: link.closest("details") !== null,
    }));
    const [page, ...sections] = links;
    const best = Math.max(...links.map(link => link.score));
    if (page.score > 0 && page.score >= best) visible.push(page.href);
    for (const section of sections) (section.folded ? hidden : visible).push(section.href);
  }
  return visible.concat(hidden);
}
"""


def configured_languages() -> list[str]:
    """The languages of the i18n plugin in ``mkdocs.yml``, default first (never hard-coded)."""
    from conftest import guide_languages

    return [entry["locale"] for entry in guide_languages() if entry.get("build", True)]


def home_paths() -> dict[str, str]:
    """Each language's guide home in the app: the default at /help/, others below it."""
    return {
        lang: "/help/" if n == 0 else f"/help/{lang}/"
        for n, lang in enumerate(configured_languages())
    }


@dataclass
class Query:
    lang: str
    text: str
    answer: str  #: the heading id of the paragraph that answers

    def __str__(self):
        return f"[{self.lang}] {self.text!r} → #{self.answer}"


def reference_queries(languages) -> list[Query]:
    """Every reference of the registry, typed as printed, finds its topic."""
    registry = _read_yaml(REGISTRY)
    return [
        Query(lang, reference, topic)
        for topic, entry in registry.items()
        if isinstance(entry, dict)
        for reference in entry.get("references") or []
        for lang in languages
    ]


#: Beside each language's list, in both sets: French labels read on screen, typed into that
#: language's guide (``en_seen_french``) by a reader who has not switched the language yet.
SEEN_FRENCH = "{lang}_seen_french"


def _load(path: Path, languages, kind: str) -> list[Query]:
    data = _read_yaml(path)
    return [
        Query(lang, str(q), str(a))
        for lang in languages
        for q, a in data.get(kind.format(lang=lang)) or []
    ]


def load_queries(languages, kind: str = "{lang}") -> list[Query]:
    """The tuned set of ``languages`` (``kind``: ``"{lang}"``, with the registry's
    references, or ``SEEN_FRENCH``)."""
    written = _load(QUERIES, languages, kind)
    return written + (reference_queries(languages) if kind == "{lang}" else [])


def load_heldout(languages, kind: str = "{lang}", path: Path = HELDOUT) -> list[Query]:
    """The held-out questions of ``languages`` (``kind``: ``"{lang}"`` or ``SEEN_FRENCH``)
    from ``path`` (``HELDOUT``, ``HELDOUT_2`` or ``HELDOUT_3``)."""
    return _load(path, languages, kind)


def heading_ids(html: str) -> list[str]:
    """The ids of the headings of a built page."""
    return re.findall(r"<h[1-6][^>]*\sid=\"([^\"]+)\"", html)


def answer_of(href: str) -> str:
    """The heading id a result links to (``page/#id?h=…`` or ``page/?h=…#id``)."""
    fragment = href.partition("#")[2]
    return re.split(r"[?&]", fragment)[0]


def shown_as(href: str, home: str) -> str:
    """A result as the reports name it: its heading id, or its page below ``home``."""
    path = urlsplit(href).path
    return answer_of(href) or path.removeprefix(home) or "(home page)"


#: Counts the theme's answers: it rewrites the result count line after each search.
COUNT_ANSWERS_JS = """
() => {
  if (window.__searchAnswers !== undefined) { return; }
  window.__searchAnswers = 0;
  new MutationObserver(records => { window.__searchAnswers += records.length; })
    .observe(document.querySelector(".md-search-result__meta"), {childList: true});
}
"""


def search(page, query: str) -> list[str]:
    """Type ``query`` into the open search box; the results' links, in reading order."""
    box = page.locator(".md-search__input")
    page.evaluate(COUNT_ANSWERS_JS)
    before = page.evaluate("() => window.__searchAnswers")
    # The whole query at once, as a paste would put it; the theme searches on "keyup", so a
    # last key stroke that changes nothing makes it read the query (one search, not one per
    # letter: the same answer, in a fraction of the time).
    box.fill(query)
    box.press("End")
    page.wait_for_function(f"() => window.__searchAnswers > {before}", timeout=10_000)
    # Read once neither the count of answers nor the list has changed for 180 ms.
    last, stable = None, 0
    for _ in range(100):
        page.wait_for_timeout(60)
        state = page.evaluate(f"() => [window.__searchAnswers, ({READ_RESULTS_JS})()]")
        stable = stable + 1 if state == last else 0
        last = state
        if stable >= 3:
            break
    return last[1] if last else []


def open_search(page, url: str) -> None:
    page.goto(url)
    page.locator(".md-search__input").click()
    # The worker has the index once a query gets an answer.
    page.locator(".md-search__input").press_sequentially("a", delay=5)
    page.wait_for_function(
        "() => document.querySelector('.md-search-result__meta').textContent.trim() !== ''"
    )


def rank(links: list[str], answer: str) -> int | None:
    """1-based position of the answer among the results, or None."""
    for position, href in enumerate(links, 1):
        if answer_of(href) == answer:
            return position
    return None


def measure(browser, base_url: str, queries: list[Query], homes: dict[str, str]) -> dict:
    """Run every query in its language; ``{lang: [(query, rank, first three answers)]}``."""
    results: dict[str, list] = {}
    for lang in sorted({q.lang for q in queries}):
        context = browser.new_context(locale=lang, viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        open_search(page, base_url + homes[lang])
        for query in (q for q in queries if q.lang == lang):
            links = search(page, query.text)
            top = [shown_as(h, homes[lang]) for h in links[:3]]
            results.setdefault(lang, []).append((query, rank(links, query.answer), top))
        context.close()
    return results


def missing_node() -> str | None:
    """Why the search cannot be run with Node here, or None."""
    if not shutil.which(os.environ.get("NODE", "node")):
        return "node is missing (apt-get install -y nodejs)"
    return None


def _node(site: Path, home: str, texts: list[str], *options: str) -> list:
    output = subprocess.run(
        [os.environ.get("NODE", "node"), str(NODE_SEARCH), str(site), home, *options],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    return json.loads(output)


def measure_with_node(site: Path, queries: list[Query], homes: dict[str, str]) -> dict:
    """``measure``'s answers, from the built ``site``'s worker files run by Node."""
    results: dict[str, list] = {}
    for lang in sorted({q.lang for q in queries}):
        asked = [q for q in queries if q.lang == lang]
        answers = _node(site, homes[lang].removeprefix("/help/"), [q.text for q in asked])
        for query, links in zip(asked, answers, strict=True):
            top = [shown_as(h, "") for h in links[:3]]
            results.setdefault(lang, []).append((query, rank(links, query.answer), top))
    return results


def empty_though_matching(site: Path, queries: list[Query], homes: dict[str, str]) -> dict:
    """``{lang: [queries that find nothing although one of their words starts a word of the
    index]}`` (Material's split of the query, with and without accents), by Node."""
    empty: dict[str, list] = {}
    for lang in sorted({q.lang for q in queries}):
        asked = [q for q in queries if q.lang == lang]
        texts = [q.text for q in asked]
        answers = _node(site, homes[lang].removeprefix("/help/"), texts, "--matching")
        empty[lang] = [
            q for q, a in zip(asked, answers, strict=True) if a["matching"] and not a["links"]
        ]
    return empty


def summary(results: dict) -> dict[str, tuple[int, int, int]]:
    """``{lang: (first, within three, total)}``."""
    return {
        lang: (
            sum(1 for _, r, _ in rows if r == 1),
            sum(1 for _, r, _ in rows if r is not None and r <= 3),
            len(rows),
        )
        for lang, rows in results.items()
    }


def failures(results: dict) -> list[str]:
    return [
        f"{query} ranked {r or 'nowhere'}; first: {', '.join(top) or 'no result'}"
        for rows in results.values()
        for query, r, top in rows
        if r != 1
    ]
