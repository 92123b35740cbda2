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
  registry; ``terms`` (weighs like text) the body's words without accents and the synonyms
  found in the body.

Settings per language come from ``docs/search/languages.yml``, synonyms from
``docs/search/synonyms.<lang>.yml`` (see ``docs/CONTRIBUTING.md``); the languages are
those of the i18n plugin.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import material
import site_files
import topic_registry
import yaml
from mkdocs.exceptions import PluginError

#: Letters and digits of the scripts the guide may use (lookarounds cannot use \p{L}:
#: Material compiles the separator without the "u" flag).
WORD = r"0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u0590-\u05FF\u0600-\u06FF"
LUNR_LANGUAGES = Path(material.__file__).parent / "templates/assets/javascripts/lunr/min"
APOSTROPHES = "'\u2019"
#: Hidden fields and their weight; Material's defaults weigh a title 1000 times the text.
FIELDS = {"keywords": 1000.0, "topic": 1000.0, "terms": 1.0}
#: Entries of whole pages: Material already ranks them higher than their sections.
PAGE_BOOST = 0.3
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
TAG = re.compile(r"<[^>]+>")
#: A reference as printed by the app (E404, B2, E403-CSRF): its number is searchable alone.
STATUS_IN_REFERENCE = re.compile(r"^[A-Za-z]+(\d{3})\b")


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

    def __post_init__(self):
        parts = []
        if self.elisions:
            parts.append(f"(?<![{WORD}])(?:{_alternatives(self.elisions)})[{APOSTROPHES}]")
        if self.stop_words:
            stop_words = {*self.stop_words, *map(fold, self.stop_words)}
            parts.append(f"(?<![{WORD}])(?:{_alternatives(stop_words)})(?![{WORD}])")
        self._whole_words = re.compile("|".join([*parts, self.base_separator]))
        if self.endings:
            endings = {*self.endings, *map(fold, self.endings)}
            parts.append(f"(?<=[{WORD}]{{3}})(?:{_alternatives(endings)})(?![{WORD}])")
        #: The separator Material uses in the browser.
        self.separator = "|".join([*parts, self.base_separator])
        self._split = re.compile(self.separator)

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

    ``topics`` maps a heading id to ``(references, keywords)`` for this language.
    """
    docs = []
    for doc in data.get("docs", []):
        fragment = doc["location"].partition("#")[2]
        references, keywords = topics.get(fragment, ((), ()))
        topic = {w for phrase in keywords for w in lang.whole_words(phrase)}
        # A reference's code weighs like a title (« E429 »); the rest of it (« -MAIL »,
        # « -CSRF ») like text, or « mail » would pull every query about e-mails here.
        codes = [lang.whole_words(reference) for reference in references]
        topic |= {parts[0] for parts in codes if parts}
        topic |= {m[1] for ref in references if (m := STATUS_IN_REFERENCE.match(ref))}
        suffixes = {w for parts in codes for w in parts[1:]}
        # Topic keywords are the editors' exact intent: no synonyms added to them.
        extra = {"topic": topic}
        for name, shown in (("keywords", doc["title"]), ("terms", doc["text"])):
            visible = set(lang.words(shown))
            found = set(lang.whole_words(shown)) | _synonyms(lang, rules, shown)
            found |= suffixes if name == "terms" else set()
            # Only what adds a word to the index: the browser cuts endings itself.
            extra[name] = {w for w in found if not set(lang.words(w)) <= visible}
        entry = {**doc, **{k: " ".join(sorted(v)) for k, v in extra.items() if v}}
        if not fragment:
            entry["boost"] = doc.get("boost", 1) * PAGE_BOOST
        docs.append(entry)
    config = dict(data.get("config", {}), separator=lang.separator)
    config["fields"] = {**config.get("fields", {}), **{k: {"boost": v} for k, v in FIELDS.items()}}
    # Stop words and endings are in the separator; lunr's trimmer would drop digits (E404)
    # in some languages. lunr support for the language is loaded when the theme has it.
    supported = lang.code == "en" or (LUNR_LANGUAGES / f"lunr.{lang.code}.min.js").exists()
    config["lang"] = [lang.code if supported else "en"]
    config["pipeline"] = []
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
    for lang in languages:
        path = site / site_files.language_prefix(lang, default) / "search" / "search_index.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        settings = language(lang, data["config"]["separator"], config.docs_dir)
        rules = load_synonyms(search_dir / f"synonyms.{lang}.yml")
        topics = {
            topic: (entry["references"], entry["keywords"].get(lang, []))
            for topic, entry in registry.items()
        }
        data = prepare_index(data, settings, rules, topics)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
