"""Search that understands readers: each language's search index, prepared at build time.

Material's search (lunr, in a web worker) builds its index in the browser from
``search_index.json``: the documents (``title``, ``text``) and a ``config``
(``lang``, ``separator``, ``pipeline``, ``fields``). Material 9 removed custom query
transforms, and lunr skips its pipeline (stemmer, stop words) for the terms Material
sends, since each one gets a trailing wildcard: a query is matched as typed, lowercased,
split by the separator, each word as the prefix of a word of the index. So the index
carries what pages and queries share, and the guide's own worker
(``docs/javascripts/search-worker.js``, which runs Material's: ``worker_address``) does
the rest in the reader's browser: typos, verb forms, words found nowhere, the ranking.

* the **separator** (``search_language.py``), per language, splits pages and queries
  alike: spaces and punctuation, elisions (« l' », « qu’ »), stop words (question words
  and fillers too), prefixes (Arabic « ال », « وبال »), and the endings of a light stemmer
  (« bloquées », « bloquee », « bloquer » all become « bloqu »). The default language's
  elisions and stop words that no page of another language uses are dropped there too:
  French typed into the English guide (« mot de passe oublié ») looks for « mot »,
  « passe », « oublié », not for every word starting with « de »;
* hidden **fields**, indexed but never shown: ``keywords`` holds the title's words spelled
  without accents and the synonyms of the title and of the topic's keywords; ``topic`` the
  heading's references and keywords from the topic registry; ``labels`` and ``app`` the
  app's own strings shown for the topic (``app_strings.py``), in the guide's default
  language and the page's: its short labels one a line (glued too when the stop words
  leave two words or fewer: « moncompte »), the words of its sentences;
  ``terms`` the body's words without accents and its synonyms;
* help topics weigh a little more than other headings (``TOPIC_BOOST``), whole pages less;
* what the worker reads besides: the separator that keeps endings (``word_separator``),
  Arabic verb affixes and noun patterns, English contractions, idioms.

Settings per language come from ``docs/search/languages.yml``, synonyms from
``docs/search/synonyms.<lang>.yml`` (see ``docs/CONTRIBUTING.md``); the languages are
those of the i18n plugin.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import app_strings
import material
import site_files
import topic_registry
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from search_language import TAG, Language, fold, language, read_yaml

log = get_plugin_logger("help_search")

LUNR_LANGUAGES = Path(material.__file__).parent / "templates/assets/javascripts/lunr/min"
#: Hidden fields and their weight for lunr (Material weighs a title 1000 times the text).
#: search-worker.js ranks by the fields a query word is in; lunr's score parts ties.
FIELDS = {"keywords": 1000.0, "topic": 1000.0, "labels": 100.0, "app": 100.0, "terms": 1.0}
#: An app string of this many words or fewer (after stop words) is a label: kept as a line.
LABEL_WORDS = 6
#: A label that keeps this many words or fewer once its stop words are dropped is also
#: indexed glued (« moncompte »).
GLUED_WORDS = 2
#: Entries of whole pages: Material already ranks them higher than their sections.
PAGE_BOOST = 0.3
#: The sections the app links to (help topics) before other headings of the same words.
TOPIC_BOOST = 1.25
#: The guide's search worker (docs/javascripts/search-worker.js), which runs Material's.
WORKER = "javascripts/search-worker.js"
MATERIAL_WORKERS = "assets/javascripts/workers/"
#: A reference as printed by the app (E404, B2, E403-CSRF): its number is searchable alone.
STATUS_IN_REFERENCE = re.compile(r"^[A-Za-z]+(\d{3})\b")


def worker_address(material: str) -> str:
    """The search worker a page starts (``__config.search``): the guide's, given Material's.

    Material lets a site bring its own worker (``config.search``); the guide's imports
    Material's, named in ``?material=`` relative to itself, and prepares its queries.
    """
    prefix, found, name = material.rpartition(MATERIAL_WORKERS)
    if not found:
        raise PluginError(f"search: Material's search worker is not in {MATERIAL_WORKERS}")
    return f"{prefix}{WORKER}?material=../{MATERIAL_WORKERS}{name}"


@dataclass
class Rule:
    """Synonyms: a query word of ``sources`` finds the paragraphs that use ``targets``."""

    sources: list[str]
    targets: list[str]


def load_synonyms(path: Path) -> list[Rule]:
    """``same:`` lists of equivalent words, ``one_way:`` reader's word → guide's words."""
    data = read_yaml(path, {})
    if not isinstance(data, dict) or set(data) - {"same", "one_way"}:
        raise PluginError(f"search: {path} must have the keys 'same' and/or 'one_way'")
    rules = []
    for group in data.get("same") or []:
        words = [str(w) for w in group]
        rules += [Rule([w for w in words if w != target], [target]) for target in words]
    for source, targets in (data.get("one_way") or {}).items():
        targets = targets if isinstance(targets, list) else [targets]
        rules.append(Rule([str(source)], [str(t) for t in targets]))
    return rules


def _contains(sequence: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(
        sequence[i : i + size] == phrase for i in range(len(sequence) - size + 1)
    )


def prepare_index(data: dict, lang: Language, rules: list[Rule], topics: dict) -> dict:
    """Return the index of one language with its separator and hidden fields.

    ``topics`` maps a heading id to ``(references, keywords, shown)`` for this language
    (``shown``: the texts of the app's strings for the topic).
    """
    docs = []
    for doc in data.get("docs", []):
        fragment = doc["location"].partition("#")[2]
        references, keywords, shown_by_app = topics.get(fragment, ((), (), ()))
        # The topic's keywords one a line (search-worker.js ranks a query that says one of
        # them whole first), then its references' codes: « E429 » weighs like a title, the
        # rest (« -MAIL », « -CSRF ») like text, or « mail » would pull every query about
        # e-mails here.
        topic = [" ".join(lang.phrase(phrase)) for phrase in keywords]
        topic += [" ".join(map(fold, lang.phrase(phrase))) for phrase in keywords]
        codes = [lang.whole_words(reference) for reference in references]
        topic += [parts[0] for parts in codes if parts]
        topic += [m[1] for ref in references if (m := STATUS_IN_REFERENCE.match(ref))]
        suffixes = {w for parts in codes for w in parts[1:]}
        # The app's own words for the topic, as it shows them (in any language): its short
        # labels and titles one a line (« Trop de demandes »: search-ranking.js ranks a
        # query that says one whole first), the words of its sentences.
        labels = [
            line
            for text in shown_by_app
            if len(words := lang.phrase(text)) <= LABEL_WORDS
            for line in (" ".join(words), " ".join(map(fold, words)), *glued(lang, text))
        ]
        labelled = {w for line in labels for w in line.split()}
        app = {w for text in shown_by_app for w in lang.whole_words(text)} - labelled
        extra = {
            "topic": list(dict.fromkeys(line for line in topic if line)),
            "labels": list(dict.fromkeys(line for line in labels if line)),
            "app": app,
        }
        for name, shown in (("keywords", doc["title"]), ("terms", doc["text"])):
            visible = set(lang.words(shown))
            found = set(lang.whole_words(shown)) | _synonyms(lang, rules, shown)
            found |= suffixes if name == "terms" else set()
            # Only what adds a word to the index: the browser cuts endings itself.
            if name == "keywords":  # the synonyms of the topic's keywords count like them
                found |= {w for phrase in keywords for w in _synonyms(lang, rules, phrase)}
            extra[name] = {w for w in found if not set(lang.words(w)) <= visible}
        entry = {**doc, **{k: _field(v) for k, v in extra.items() if v}}
        if not fragment:
            entry["boost"] = doc.get("boost", 1) * PAGE_BOOST
        elif fragment in topics:
            entry["boost"] = doc.get("boost", 1) * TOPIC_BOOST
        docs.append(entry)
    config = dict(data.get("config", {}), separator=lang.separator)
    config["fields"] = {**config.get("fields", {}), **{k: {"boost": v} for k, v in FIELDS.items()}}
    # Stop words and endings are in the separator; lunr's trimmer would drop digits (E404)
    # in some languages. lunr support for the language is loaded when the theme has it.
    supported = lang.code == "en" or (LUNR_LANGUAGES / f"lunr.{lang.code}.min.js").exists()
    config["lang"] = [lang.code if supported else "en"]
    config["pipeline"] = []
    # Read by docs/javascripts/search-worker.js, not by Material.
    config["word_separator"] = lang.word_separator
    for name in (
        "verb_prefixes",
        "verb_suffixes",
        "noun_patterns",
        "verb_initials",
        "query_particles",
    ):
        if affixes := getattr(lang, name):
            config[name] = sorted({*affixes, *map(fold, affixes)}, key=lambda a: (-len(a), a))
    config["typo_length"] = lang.typo_length
    if lang.contractions:
        config["contractions"] = {k.lower(): v for k, v in lang.contractions.items()}
    if lang.idioms:
        config["idioms"] = [[pattern, meaning] for pattern, meaning in lang.idioms.items()]
    # As the browser searches them: the words the separator keeps, endings cut.
    terms = ([w for w in lang.words(term) if len(w) > 1] for term in lang.compounds)
    if compounds := [words for words in terms if len(words) > 1]:
        config["compounds"] = compounds
    if lang.weak_words:
        config["weak_words"] = sorted({w for term in lang.weak_words for w in lang.words(term)})
    return dict(data, config=config, docs=docs)


def glued(lang: Language, text: str) -> list[str]:
    """A label that loses words to the stop words (« Mon compte », « S'inscrire », « Ce
    n'était pas moi »), as one word: its letters and digits, folded. search-worker.js
    searches a query glued the same way, so the label typed whole finds its topic."""
    raw = re.findall(r"[^\W_]+", html.unescape(TAG.sub(" ", text)))
    kept = len(lang.phrase(text))
    if len(raw) < 2 or kept == len(raw) or kept > GLUED_WORDS:
        return []
    return ["".join(fold(w).lower() for w in raw)]


def _field(words: list[str] | set[str]) -> str:
    """A hidden field: lines in their order (a list), or words (a set) sorted."""
    return "\n".join(words) if isinstance(words, list) else " ".join(sorted(words))


def _synonyms(lang: Language, rules: list[Rule], text: str) -> set[str]:
    """The words that ``rules`` add to a field showing ``text``.

    A target said only inside a longer compound of the language (« S'inscrire » in the
    header's « Se connecter / S'inscrire ») adds nothing: that heading is about the
    compound, and search-ranking.js counts such a word as text there too.
    """
    keys = lang.keys(text)
    inside = _compound_spans(lang, keys)
    added = set()
    for rule in rules:
        if any(_says(keys, lang.keys(target), inside) for target in rule.targets):
            added.update(w for source in rule.sources for w in lang.whole_words(source))
    return added


def _compound_spans(lang: Language, keys: list[str]) -> list[tuple[int, int]]:
    """Where ``keys`` say a compound of ``lang`` (start, end), as the browser cuts it."""
    spans = []
    for term in lang.compounds:
        words = lang.keys(term)
        size = len(words)
        if size < 2:
            continue
        spans += [(i, i + size) for i in range(len(keys) - size + 1) if keys[i : i + size] == words]
    return spans


def _says(keys: list[str], phrase: list[str], spans: list[tuple[int, int]]) -> bool:
    """Whether ``keys`` say ``phrase`` once outside a longer compound (``spans``)."""
    size = len(phrase)
    return size > 0 and any(
        keys[i : i + size] == phrase
        and not any(a <= i and i + size <= b and b - a > size for a, b in spans)
        for i in range(len(keys) - size + 1)
    )


def prepare_site(config, site: Path, languages: list[str], default: str) -> None:
    """Prepare the index of each language of the built ``site`` (MkDocs ``config``)."""
    registry = topic_registry.load(config)
    unknown = {lang for t in registry.values() for lang in t["keywords"]} - set(languages)
    if unknown:
        raise PluginError(
            f"help topics: keywords for unknown language(s) {', '.join(sorted(unknown))} "
            f"in {topic_registry.registry_path(config).name} (languages: {', '.join(languages)})"
        )
    search_dir = Path(config.docs_dir) / "search"
    catalogs = app_strings.load(config, registry, languages)
    first = None  # the default language's settings
    for lang in [default, *(lang for lang in languages if lang != default)]:
        path = site / site_files.language_prefix(lang, default) / "search" / "search_index.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        settings = language(lang, data["config"]["separator"], config.docs_dir)
        if lang == default:
            first = settings
        elif first is not None:
            settings = settings.reading(first, _words_of(settings, data["docs"]))
        shown_in = list(dict.fromkeys([default, lang]))  # the app's words before the switch
        topics = {
            topic: (
                entry["references"],
                entry["keywords"].get(lang, []),
                [
                    text
                    for msgid in entry["app_strings"]
                    for text in catalogs.texts(msgid, shown_in)
                ],
            )
            for topic, entry in registry.items()
        }
        rules = load_synonyms(search_dir / f"synonyms.{lang}.yml")
        data = prepare_index(data, settings, rules, topics)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _words_of(lang: Language, docs: list[dict]) -> set[str]:
    """Every word the pages of ``docs`` show, as indexed (with and without accents)."""
    shown = " ".join(f"{doc['title']} {doc['text']}" for doc in docs)
    return set(lang.words(shown)) | set(lang.words(fold(shown)))
