"""Search that understands readers: each language's search index, prepared at build time.

Material's search (lunr, in a web worker) builds its index in the browser from
``search_index.json``: the documents (``title``, ``text``) and a ``config``
(``lang``, ``separator``, ``pipeline``, ``fields``). Material 9 removed custom query
transforms, and lunr skips its pipeline (stemmer, stop words) for the terms Material
sends, since each one gets a trailing wildcard: a query is matched as typed, lowercased,
split by the separator, each word as the prefix of a word of the index. So this module
works on what pages and queries share:

* the **separator**, per language, splits pages and queries alike. Besides spaces and
  punctuation it swallows elisions (« l' », « qu’ »), stop words, and the endings of a
  light stemmer (« bloquées », « bloquee », « bloquer » all become « bloqu »);
* hidden **fields**, indexed but never shown: ``keywords`` (weighs like a title) holds the
  title's words spelled without accents and the synonyms found in the title; ``topic``
  (weighs like a title too) the heading's references and keywords from the topic
  registry; ``app`` the app's own strings shown for the topic (``app_strings.py``), in the
  guide's default language and the page's; ``terms`` (weighs like text) the body's words
  without accents and the synonyms found in the body.

The default language's elisions and stop words (those no page of the language uses) are
dropped from every other language too: French typed into the English guide (« mot de
passe oublié ») looks for « mot », « passe », « oublié », not every word starting with
« de ». In the browser, ``docs/javascripts/search-worker.js`` then corrects typos and drops
the query words that no page has, in front of Material's worker.

Settings per language come from ``docs/search/languages.yml``, synonyms from
``docs/search/synonyms.<lang>.yml`` (see ``docs/CONTRIBUTING.md``); the languages are
those of the i18n plugin.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import app_strings
import material
import site_files
import topic_registry
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("help_search")

#: Letters and digits of the scripts the guide may use (lookarounds cannot use \p{L}:
#: Material compiles the separator without the "u" flag).
#: Arabic: letters, marks and digits only (not its comma ، semicolon ؛ or question mark ؟).
WORD = (
    r"0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u0590-\u05FF"
    r"\u0620-\u0669\u066E-\u06D3\u06D5-\u06FF"
)
LUNR_LANGUAGES = Path(material.__file__).parent / "templates/assets/javascripts/lunr/min"
APOSTROPHES = "'\u2019"
#: Hidden fields and their weight; Material's defaults weigh a title 1000 times the text.
FIELDS = {"keywords": 1000.0, "topic": 1000.0, "app": 100.0, "terms": 1.0}
#: Entries of whole pages: Material already ranks them higher than their sections.
PAGE_BOOST = 0.3
#: The sections the app links to (help topics) before other headings of the same words.
TOPIC_BOOST = 1.25
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
TAG = re.compile(r"<[^>]+>")
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


def _read_yaml(path: Path, default):
    if not path.exists():
        return default
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise PluginError(f"search: cannot read {path}: {error}") from error
    return default if data is None else data


def fold(word: str) -> str:
    """The word without accents (« bloquée » → « bloquee »), ligatures spelled out."""
    decomposed = unicodedata.normalize("NFKD", word.translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _any_case(word: str) -> str:
    """A regular expression matching ``word`` in any case (no flags in Material's)."""
    out = []
    for char in word:
        pair = {char.lower(), char.upper()} - {""}
        out.append(f"[{''.join(sorted(pair))}]" if len(pair) > 1 else re.escape(char))
    return "".join(out)


@dataclass
class Rule:
    """Synonyms: a query word of ``sources`` finds the paragraphs that use ``targets``."""

    sources: list[str]
    targets: list[str]


@dataclass
class Language:
    """How one language is split, folded and stemmed, in the pages and in queries."""

    code: str
    base_separator: str
    elisions: list[str] = field(default_factory=list)
    stop_words: list[str] = field(default_factory=list)
    endings: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    particles: list[str] = field(default_factory=list)
    lone_particles: list[str] = field(default_factory=list)
    #: Tried off a query word that finds nothing (docs/javascripts/search-worker.js).
    verb_prefixes: list[str] = field(default_factory=list)
    verb_suffixes: list[str] = field(default_factory=list)
    noun_patterns: list[str] = field(default_factory=list)
    contractions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        parts = []
        if self.elisions:
            parts.append(f"(?<![{WORD}])(?:{_alternatives(self.elisions)})[{APOSTROPHES}]")
        if self.stop_words:
            stop_words = {*self.stop_words, *map(fold, self.stop_words)}
            parts.append(f"(?<![{WORD}])(?:{_alternatives(stop_words)})(?![{WORD}])")
        self._whole_words = re.compile("|".join([*parts, self.base_separator]))
        if self.prefixes or self.lone_particles:
            # Written as part of the word (Arabic « ال »): cut like an elision. Hidden fields
            # keep words whole, prefix included: the browser cuts it (and the endings after
            # it) exactly as in the text.
            parts.append(self._prefix_pattern())
        #: Words as typed, endings kept (search-worker.js: « supprimé » is not « supprimer »).
        self.word_separator = "|".join([*parts, self.base_separator])
        if self.endings:
            endings = {*self.endings, *map(fold, self.endings)}
            parts.append(f"(?<=[{WORD}]{{3}})(?:{_alternatives(endings)})(?![{WORD}])")
        #: The separator Material uses in the browser.
        self.separator = "|".join([*parts, self.base_separator])
        self._split = re.compile(self.separator)

    def _prefix_pattern(self) -> str:
        """The article with up to two particles before it (« وبالبريد »: و ب ال), three
        letters or more after; a lone particle (« وحساب ») before four letters or more.

        The article twice at most: « الإلكتروني » folded is « الالكتروني », its article and
        an alef.
        """
        forms = []
        if self.prefixes:
            lead = f"(?:{_alternatives(self.particles)}){{0,2}}" if self.particles else ""
            forms.append(f"{lead}(?:{_alternatives(self.prefixes)}){{1,2}}(?=[{WORD}]{{3}})")
        if self.lone_particles:
            forms.append(f"(?:{_alternatives(self.lone_particles)})(?=[{WORD}]{{4}})")
        return f"(?<![{WORD}])(?:{'|'.join(forms)})"

    def reading(self, other: Language, used: set[str]) -> Language:
        """This language, also dropping ``other``'s elisions and its stop words not in ``used``.

        Words of the default language typed into this language's guide (the app's
        labels) then split as they do there, and its stop words stop matching every word
        they start, unless this language's pages use them as words.
        """
        foreign = [w for w in other.stop_words if w.lower() not in used and fold(w) not in used]
        return replace(
            self,
            elisions=list(dict.fromkeys([*self.elisions, *other.elisions])),
            stop_words=list(dict.fromkeys([*self.stop_words, *foreign])),
        )

    @staticmethod
    def _split_with(pattern, text: str) -> list[str]:
        plain = html.unescape(TAG.sub(" ", text))
        words = (re.sub(rf"^[^{WORD}]+|[^{WORD}]+$", "", t) for t in pattern.split(plain))
        return [w.lower() for w in words if w]

    def words(self, text: str) -> list[str]:
        """The words of ``text`` (HTML) as the browser indexes them (endings cut)."""
        return self._split_with(self._split, text)

    def whole_words(self, text: str) -> list[str]:
        """The words of ``text`` with their endings, with and without accents.

        A hidden field holds such words: the browser cuts their endings itself.
        """
        words = self._split_with(self._whole_words, text)
        return words + [fold(w) for w in words if fold(w) != w]

    def keys(self, text: str) -> list[str]:
        """The words of ``text`` for comparing phrases: folded, endings cut, in order."""
        return self.words(fold(text))


def _alternatives(words) -> str:
    """``(?:…)`` body matching any of ``words`` in any case, longest first."""
    return "|".join(_any_case(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def language(code: str, base_separator: str, docs_dir: str) -> Language:
    """The settings of ``code`` from ``docs/search/languages.yml`` (none is fine)."""
    settings = _read_yaml(Path(docs_dir) / "search" / "languages.yml", {}).get(code) or {}
    return Language(
        code,
        base_separator,
        elisions=[str(w) for w in settings.get("elisions") or []],
        stop_words=[str(w) for w in settings.get("stop_words") or []],
        endings=[str(w) for w in settings.get("endings") or []],
        prefixes=[str(w) for w in settings.get("prefixes") or []],
        particles=[str(w) for w in settings.get("particles") or []],
        lone_particles=[str(w) for w in settings.get("lone_particles") or []],
        verb_prefixes=[str(w) for w in settings.get("verb_prefixes") or []],
        verb_suffixes=[str(w) for w in settings.get("verb_suffixes") or []],
        noun_patterns=[str(w) for w in settings.get("noun_patterns") or []],
        contractions={str(k): str(v) for k, v in (settings.get("contractions") or {}).items()},
    )


def load_synonyms(path: Path) -> list[Rule]:
    """``same:`` lists of equivalent words, ``one_way:`` reader's word → guide's words."""
    data = _read_yaml(path, {})
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
        topic = {w for phrase in keywords for w in lang.whole_words(phrase)}
        # A reference's code weighs like a title (« E429 »); the rest of it (« -MAIL »,
        # « -CSRF ») like text, or « mail » would pull every query about e-mails here.
        codes = [lang.whole_words(reference) for reference in references]
        topic |= {parts[0] for parts in codes if parts}
        topic |= {m[1] for ref in references if (m := STATUS_IN_REFERENCE.match(ref))}
        suffixes = {w for parts in codes for w in parts[1:]}
        # Topic keywords are the editors' exact intent: no synonyms added to them.
        # The app's own words for the topic, as it shows them (its labels, in any language).
        app = {w for text in shown_by_app for w in lang.whole_words(text)}
        extra = {"topic": topic, "app": app}
        for name, shown in (("keywords", doc["title"]), ("terms", doc["text"])):
            visible = set(lang.words(shown))
            found = set(lang.whole_words(shown)) | _synonyms(lang, rules, shown)
            found |= suffixes if name == "terms" else set()
            # Only what adds a word to the index: the browser cuts endings itself.
            if name == "keywords":  # the synonyms of the topic's keywords count like them
                found |= {w for phrase in keywords for w in _synonyms(lang, rules, phrase)}
            extra[name] = {w for w in found if not set(lang.words(w)) <= visible}
        entry = {**doc, **{k: " ".join(sorted(v)) for k, v in extra.items() if v}}
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
    for name in ("verb_prefixes", "verb_suffixes", "noun_patterns"):
        if affixes := getattr(lang, name):
            config[name] = sorted({*affixes, *map(fold, affixes)}, key=lambda a: (-len(a), a))
    if lang.contractions:
        config["contractions"] = {k.lower(): v for k, v in lang.contractions.items()}
    return dict(data, config=config, docs=docs)


def _synonyms(lang: Language, rules: list[Rule], text: str) -> set[str]:
    """The words that ``rules`` add to a field showing ``text``."""
    keys = lang.keys(text)
    added = set()
    for rule in rules:
        if any(_contains(keys, lang.keys(target)) for target in rule.targets):
            added.update(w for source in rule.sources for w in lang.whole_words(source))
    return added


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
    catalogs = _app_catalogs(config, registry, languages)
    base = None
    for lang in [default, *(lang for lang in languages if lang != default)]:
        path = site / site_files.language_prefix(lang, default) / "search" / "search_index.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        settings = language(lang, data["config"]["separator"], config.docs_dir)
        if base is None:
            base = settings
        elif lang != default:
            used = {w for d in data["docs"] for w in settings.words(fold(d["title"] + " " + d["text"]))}
            used |= {w for d in data["docs"] for w in settings.words(d["title"] + " " + d["text"])}
            settings = settings.reading(base, used)
        rules = load_synonyms(search_dir / f"synonyms.{lang}.yml")
        shown_in = list(dict.fromkeys([default, lang]))
        topics = {
            topic: (
                entry["references"],
                entry["keywords"].get(lang, []),
                [t for msgid in entry["app_strings"] for lg in shown_in for t in catalogs.texts(msgid, lg)],
            )
            for topic, entry in registry.items()
        }
        data = prepare_index(data, settings, rules, topics)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _app_catalogs(config, registry: dict, languages: list[str]) -> app_strings.Catalogs:
    """The app's catalogs (``extra: app_catalogs:``); a warning for each msgid not in one."""
    directory = Path(config.config_file_path).parent / config.extra.get("app_catalogs", "")
    catalogs = app_strings.Catalogs(directory, languages)
    for topic, entry in registry.items():
        for msgid in entry["app_strings"]:
            for path in catalogs.missing(msgid):
                log.warning(
                    "help topic '%s' names the app string %r, which %s does not hold: "
                    "update its app_strings in %s",
                    topic,
                    msgid,
                    path,
                    topic_registry.registry_path(config).name,
                )
    return catalogs
