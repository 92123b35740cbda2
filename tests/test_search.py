"""The guide's search, typed by readers (issues 14 and 21).

Per language of the guide, in the order the search box shows the results:

- the tuned set (``tests/search_queries.yml`` and the registry's references): the answering
  paragraph first for at least 96 % of the queries, within the first three for all;
- the held-out sets (``tests/search_heldout.yml``, written before any tuning, tuning data
  since the second round of issue 21; ``tests/search_heldout_2.yml``, written before that
  round, tuning data since the third; ``tests/search_heldout_3.yml``, written before the
  third round, tuning data since the fourth; ``tests/search_heldout_4.yml``, written before
  the fourth round and never tuned on): first for at least 90 %, within the first three for
  all (``HELD_OUT_REACHED``: the floors, where the goal is not reached yet);
- French labels read on screen (every set's ``<lang>_seen_french``), typed into every
  language's guide by a reader who has not switched the language yet: within the first
  three;
- no query of any set finds nothing while one of its words is in the index;
- a typo in a word of five letters or more is corrected, another form of a word (a noun
  for the guide's verb, an Arabic verb form) finds what the word finds; a search without
  results says what to try, links the contact page, and is reported, and so is a word of a
  search that no page has (not listed as missing under every result).

The answers are read from the built guide's own worker files, run by Node on each
language's index (``tests/search_node.js``: a second for every query of every set);
``test_the_browser_reads_what_node_reads`` types a sample of every set into Chromium and
checks that it reads the same answers, in the same order. ``bench/search_quality.py``
prints the figures beside the theme's default search.
"""

import os

import pytest
import search_support as search
from figure_tools import browser_support as support

IN_CI = os.environ.get("CI") == "true"
LANGUAGES = search.configured_languages()
HOMES = search.home_paths()
#: Every n-th query of both sets is also typed into Chromium.
BROWSER_SAMPLE = 7


def _missing(problem: str | None, what: str) -> None:
    if problem:
        (pytest.fail if IN_CI else pytest.skip)(f"search tests need {what}: {problem}")


@pytest.fixture(scope="module")
def node(help_site):
    """``{query: (rank, first three)}`` from Node, for a list of queries."""
    _missing(search.missing_node(), "Node")
    cache: dict = {}
    asked: set[str] = set()

    def answers(queries):
        # The first question in a language asks every query of this module in that
        # language too: one Node run per language, where each set and each small test
        # started its own (each run loads the worker and builds the index, about 0.4 s).
        more = [q for lang in {q.lang for q in queries} - asked for q in _module_queries(lang)]
        asked.update(q.lang for q in queries)
        todo = list({(q.lang, q.text, q.answer): q for q in [*queries, *more]}.values())
        todo = [q for q in todo if (q.lang, q.text, q.answer) not in cache]
        for rows in search.measure_with_node(help_site, todo, HOMES).values():
            for query, rank, top in rows:
                cache[query.lang, query.text, query.answer] = (query, rank, top)
        results: dict[str, list] = {}
        for q in queries:
            results.setdefault(q.lang, []).append(cache[q.lang, q.text, q.answer])
        return results

    return answers


@pytest.fixture(scope="module")
def live(help_site, tmp_path_factory):
    with support.LiveApp(help_site, tmp_path_factory.mktemp("search-app")) as live:
        yield live


#: The held-out sets: the first (tuning data since the second round of issue 21), the
#: second (tuning data since the third), the third (tuning data since the fourth) and the
#: fourth (written before the fourth round, never tuned on, measured at its end).
HELD_OUT_SETS = {
    "held-out": search.HELDOUT,
    "held-out-2": search.HELDOUT_2,
    "held-out-3": search.HELDOUT_3,
    "held-out-4": search.HELDOUT_4,
}
#: The French labels of a set, per language where they are not all within the first three
#: yet: (first, within three) as measured. Their goal test is expected to fail (strict);
#: the figures must not go down. The other sets' labels are checked together below.
SEEN_REACHED = {
    "held-out-4": {"en": (36, 37)},
}


def _sets(lang):
    return {
        "tuned": search.load_queries([lang]),
        **{name: search.load_heldout([lang], path=path) for name, path in HELD_OUT_SETS.items()},
        "seen": search.load_queries([lang], search.SEEN_FRENCH)
        + [
            query
            for name, path in HELD_OUT_SETS.items()
            if lang not in SEEN_REACHED.get(name, {})
            for query in search.load_heldout([lang], search.SEEN_FRENCH, path)
        ],
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_query_sets_name_paragraphs_of_the_guide(help_site, lang):
    """At least 40 tuned and 30 held-out questions per language, each answered by a heading."""
    sets = _sets(lang)
    written = [q for q in sets["tuned"] if q not in search.reference_queries([lang])]
    assert len(written) >= 40, f"only {len(written)} tuned queries for {lang}"
    for name in HELD_OUT_SETS:
        assert len(sets[name]) >= 30, f"only {len(sets[name])} {name} questions for {lang}"
    ids = set()
    for page in (help_site / HOMES[lang].removeprefix("/help/")).glob("*/index.html"):
        ids |= set(search.heading_ids(page.read_text(encoding="utf-8")))
    answers = {q.answer for queries in sets.values() for q in queries}
    assert not sorted(answers - ids), f"answers without a heading in {lang}"


def _check(results, lang, first_share):
    first, top3, total = search.summary(results)[lang]
    report = "\n".join(search.failures(results))
    assert top3 == total, f"not in the first three:\n{report}"
    assert first >= first_share * total, f"first for {first}/{total} only:\n{report}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_readers_find_the_answering_paragraph_tuned_set(node, lang):
    _check(node(search.load_queries([lang])), lang, 0.96)


#: Each held-out set as measured (answer first, within the first three), in the languages
#: where it is below the goal. Their goal test is expected to fail (strict: once a language
#: reaches the goal, remove it from here); the figures themselves must not go down. The
#: first set is tuning data since the second round of issue 21, the second since the third,
#: the third since the fourth (their misses were fixed by general means: stop words, verb
#: forms, synonyms, topic paraphrases, idioms, ranking). A set nobody tuned on measures
#: what the search does with new questions: never raise its figures by tuning on them.
HELD_OUT_REACHED = {
    # Fourth round of issue 21 (6 Dec): the three sets are tuning data; every language
    # reaches the goal on each (the third was at 54, 60 and 54 first on 3 Dec).
    "held-out": {},
    "held-out-2": {},
    "held-out-3": {},
    # The fourth set, measured at the fourth round's end (6 Dec): at least 90 % first in
    # French and English, 68 then 67 of 75 in Arabic (after the fourth native read renamed
    # an Arabic heading), and not every question within the first three.
    "held-out-4": {"fr": (73, 74), "en": (72, 73), "ar": (67, 71)},
}


def _goal(name, lang):
    if lang not in HELD_OUT_REACHED[name]:
        return pytest.param(name, lang)
    first, top3 = HELD_OUT_REACHED[name][lang]
    reason = f"{name} goal not reached in {lang}: {first} first, {top3} within three"
    return pytest.param(name, lang, marks=pytest.mark.xfail(strict=True, reason=reason))


@pytest.mark.parametrize(
    ("name", "lang"), [_goal(name, lang) for name in HELD_OUT_SETS for lang in LANGUAGES]
)
def test_readers_find_the_answering_paragraph_held_out_set(node, name, lang):
    """Questions the search was never tuned on (the figures of the README)."""
    _check(node(search.load_heldout([lang], path=HELD_OUT_SETS[name])), lang, 0.90)


@pytest.mark.parametrize("name", list(HELD_OUT_SETS))
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_held_out_figures_do_not_go_down(node, name, lang):
    if lang not in HELD_OUT_REACHED[name]:
        pytest.skip(f"{lang} reaches the goal: the held-out test checks it")
    results = node(search.load_heldout([lang], path=HELD_OUT_SETS[name]))
    first, top3, total = search.summary(results)[lang]
    report = "\n".join(search.failures(results))
    reached_first, reached_top3 = HELD_OUT_REACHED[name][lang]
    assert first >= reached_first and top3 >= reached_top3, f"{first}, {top3}/{total}:\n{report}"


def _seen_below_goal(expected_to_fail):
    for name, languages in SEEN_REACHED.items():
        for lang, (first, top3) in languages.items():
            reason = f"{name} labels not all within three in {lang}: {first} first, {top3}"
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if expected_to_fail else []
            yield pytest.param(name, lang, marks=marks)


@pytest.mark.parametrize(("name", "lang"), list(_seen_below_goal(True)))
def test_french_labels_of_a_set_below_the_goal(node, name, lang):
    """The goal for the labels of ``SEEN_REACHED``'s sets: expected to fail (strict)."""
    results = node(search.load_heldout([lang], search.SEEN_FRENCH, HELD_OUT_SETS[name]))
    first, top3, total = search.summary(results)[lang]
    assert top3 == total, f"{first}, {top3}/{total} within three"


@pytest.mark.parametrize(("name", "lang"), list(_seen_below_goal(False)))
def test_the_french_labels_figures_do_not_go_down(node, name, lang):
    results = node(search.load_heldout([lang], search.SEEN_FRENCH, HELD_OUT_SETS[name]))
    first, top3, total = search.summary(results)[lang]
    reached_first, reached_top3 = SEEN_REACHED[name][lang]
    assert first >= reached_first and top3 >= reached_top3, f"{first}, {top3}/{total}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_french_labels_seen_on_screen_are_found_from_every_guide(node, lang):
    seen = _sets(lang)["seen"]
    if not seen:
        pytest.skip(f"no French labels for the {lang} guide in any set")
    results = node(seen)
    first, top3, total = search.summary(results)[lang]
    assert top3 == total, "\n".join(search.failures(results))


def _every_set(lang):
    return [q for queries in _sets(lang).values() for q in queries]


def _module_queries(lang):
    """Every query the tests of this module give Node in ``lang``."""
    small = [_nothing(lang), search.Query(lang, "Ce n'était pas moi", "change-email")]
    small.append(search.Query(lang, "pas moi", "change-email"))
    small += [search.Query(lang, text, "") for pair in FORMS.get(lang, []) for text in pair]
    if lang in IDIOMS:
        idiom, plain, answer = IDIOMS[lang]
        small += [search.Query(lang, idiom, answer), search.Query(lang, plain, answer)]
    if lang in TYPOS:
        pairs, short = TYPOS[lang]
        small += [search.Query(lang, text, "") for pair in pairs for text in pair]
        small.append(search.Query(lang, short, ""))
    return _every_set(lang) + small


def _nothing(lang):
    """A query none of whose words is in the index."""
    return search.Query(lang, "zzqxwv blorptang", "")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_query_never_finds_nothing_when_one_of_its_words_is_in_the_guide(help_site, node, lang):
    """Every query of both sets: a word found nowhere, or a form of a word, never empties
    the list while another word of the query is a word of the index (DocSearch's optional
    words)."""
    _missing(search.missing_node(), "Node")
    # Each query is answered on its own: the query none of whose words is in the index
    # (which finds nothing, and must not count as matching) goes in the same Node run.
    nothing = _nothing(lang)
    queries = [*_every_set(lang), search.Query(lang, "zzqxwv B2", ""), nothing]
    empty = search.empty_though_matching(help_site, queries, HOMES)[lang]
    assert not empty, [str(q) for q in empty]
    assert node([nothing])[lang][0][2] == []


#: Per language: (a form of a word the guide does not use, the guide's form) pairs: the
#: noun of a verb, a doubled consonant, a verb whose present tense drops its first letter.
FORMS = {
    "fr": [("validation du compte", "valider le compte")],
    "en": [("logged in", "log in")],
    "ar": [("وصلني الايميل", "تصلني الايميل")],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_form_of_a_word_finds_what_the_guides_form_finds(node, lang):
    if lang not in FORMS:
        pytest.skip(f"no word forms written for {lang}")
    queries = [search.Query(lang, text, "") for pair in FORMS[lang] for text in pair]
    tops = [top for _, _, top in node(queries)[lang]]
    for n, pair in enumerate(FORMS[lang]):
        assert tops[2 * n] and tops[2 * n][:1] == tops[2 * n + 1][:1], (
            pair,
            tops[2 * n : 2 * n + 2],
        )


#: Per language: a query whose meaning is in words the index drops (a negation, a question
#: word), and the paragraph its idiom (``idioms`` in docs/search/languages.yml) finds; the
#: same words without the idiom's phrase find another one first.
IDIOMS = {
    "fr": ("où est passé le mail d'activation", "le mail d'activation", "check-spam"),
    "en": ("where is my activation email", "my activation email", "check-spam"),
    "ar": ("وين رسالة التفعيل", "رسالة التفعيل", "check-spam"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_idiom_is_searched_as_what_it_means(node, lang):
    if lang not in IDIOMS:
        pytest.skip(f"no idiom written for {lang}")
    idiom, plain, answer = IDIOMS[lang]
    (_, with_idiom, top), (_, _, plain_top) = node(
        [search.Query(lang, idiom, answer), search.Query(lang, plain, answer)]
    )[lang]
    assert with_idiom == 1, top
    assert plain_top[:1] != [answer], plain_top


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_label_made_of_stop_words_is_found_typed_whole(node, lang):
    """« Ce n'était pas moi » (the address-change notice's link) is all stop words: the
    build indexes such a label glued (help_search.glued) and the worker searches the query
    glued the same way, in every guide; one of its words alone is not the label."""
    label = search.Query(lang, "Ce n'était pas moi", "change-email")
    part = search.Query(lang, "pas moi", "change-email")
    (_, rank, top), (_, _, part_top) = node([label, part])[lang]
    assert rank == 1, top
    assert part_top[:1] != ["change-email"], part_top


#: Per language: (a typo, the word as written) pairs, and a typo of four letters.
TYPOS = {
    "fr": ([("mot de pase oublié", "mot de passe oublié"), ("activaton", "activation")], "lein"),
    "en": (
        [("forgoten pasword", "forgotten password"), ("activaton link", "activation link")],
        "lnik",
    ),
    "ar": ([("التفعبل", "التفعيل"), ("انتهت صلاحيه الرابط", "انتهت صلاحية الرابط")], "حسبا"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_typo_in_a_word_of_five_letters_finds_what_the_word_finds(node, lang):
    if lang not in TYPOS:
        pytest.skip(f"no typos written for {lang}")
    pairs, short = TYPOS[lang]
    queries = [search.Query(lang, text, "") for pair in pairs for text in pair]
    tops = [top for _, _, top in node([*queries, search.Query(lang, short, "")])[lang]]
    for n, pair in enumerate(pairs):
        assert tops[2 * n] and tops[2 * n][:1] == tops[2 * n + 1][:1], (
            pair,
            tops[2 * n : 2 * n + 2],
        )
    assert tops[-1] == [], f"{short!r} (four letters) is not corrected"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_browser_reads_what_node_reads(browser, live, node, lang):
    """A sample of both sets typed into Chromium: the same answers in the same order."""
    sample = _every_set(lang)[::BROWSER_SAMPLE]
    typed = search.measure(browser, live.base_url, sample, HOMES)[lang]
    computed = node(sample)[lang]
    differ = [
        f"{query}: browser {r1} {t1}, node {r2} {t2}"
        for (query, r1, t1), (_, r2, t2) in zip(typed, computed, strict=True)
        if (r1, t1) != (r2, t2)
    ]
    assert not differ, "\n".join(differ)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_without_results_says_what_to_try_and_is_reported(browser, live, lang):
    from playwright.sync_api import expect

    context = browser.new_context(locale=lang)
    page = context.new_page()
    search.open_search(page, live.url(HOMES[lang]))
    hint = page.locator(".md-search-result .help-search-hint")
    search.search(page, "zzqx blorptang")
    expect(hint).to_be_visible()
    expect(hint.locator(f'a[href="/contact?lang={lang}"]')).to_be_visible()
    if support.missing_axe() is None:  # test_browser.py requires axe-core in CI
        page.evaluate(support.AXE_JS.read_text(encoding="utf-8"))
        found = page.evaluate(
            "() => axe.run('.md-search-result', {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        problems = [
            (v["id"], n["target"], n["failureSummary"])
            for v in found["violations"]
            for n in v["nodes"]
        ]
        assert not problems, problems
    # The miss still reaches the report (help-app.js sends it after 1.5 s).
    assert f"'zzqx blorptang' [{lang}]" in _reported(page, live, f"'zzqx blorptang' [{lang}]")
    # A search that finds something hides the hint again; a word of it that no page has
    # is not listed as missing under every result, but reported.
    assert search.search(page, "B2 zzqxwv")
    expect(hint).to_be_hidden()
    expect(page.locator(".md-search-result__terms")).to_have_count(0)
    assert f"'zzqxwv' [{lang}]" in _reported(page, live, f"'zzqxwv' [{lang}]")
    context.close()


def _reported(page, live, expected: str) -> str:
    """``flask help report`` once it lists ``expected``, or after about 10 s."""
    report = ""
    for _ in range(40):
        page.wait_for_timeout(250)
        report = live.app.test_cli_runner().invoke(args=["help", "report"]).output
        if expected in report:
            break
    return report
