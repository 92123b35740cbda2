"""How each language of the guide is split, folded and stemmed, in its pages and its queries.

The settings of ``docs/search/languages.yml`` (elisions, stop words, endings, prefixes …)
become one regular expression, the index's ``separator``: Material's worker splits the
pages and what readers type with it, so both are cut alike (``help_search.py``).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

#: Letters and digits of the scripts the guide may use (lookarounds cannot use \p{L}:
#: Material compiles the separator without the "u" flag).
#: Arabic: letters, marks and digits only (not its comma ، semicolon ؛ or question mark ؟).
WORD = (
    r"0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u0590-\u05FF"
    r"\u0620-\u0669\u066E-\u06D3\u06D5-\u06FF"
)
APOSTROPHES = "'\u2019"
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
TAG = re.compile(r"<[^>]+>")


def read_yaml(path: Path, default):
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
    verb_initials: list[str] = field(default_factory=list)
    #: Letters written before a word without the article (« بكلمة »), tried off a query word.
    query_particles: list[str] = field(default_factory=list)
    #: Query words this long or longer that find nothing are corrected (one edit).
    typo_length: int = 5
    contractions: dict[str, str] = field(default_factory=dict)
    #: What a phrase of a query means (a regular expression → what it is searched as).
    idioms: dict[str, str] = field(default_factory=dict)
    compounds: list[str] = field(default_factory=list)
    weak_words: list[str] = field(default_factory=list)

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
        self._keys: dict[str, tuple[str, ...]] = {}  # keys(): each synonym, once per build

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

    def phrase(self, text: str) -> list[str]:
        """The words of ``text`` in order, endings kept (the browser cuts them)."""
        return self._split_with(self._whole_words, text)

    def whole_words(self, text: str) -> list[str]:
        """The words of ``text`` with their endings, with and without accents.

        A hidden field holds such words: the browser cuts their endings itself.
        """
        words = self._split_with(self._whole_words, text)
        return words + [fold(w) for w in words if fold(w) != w]

    def keys(self, text: str) -> list[str]:
        """The words of ``text`` for comparing phrases: folded, endings cut, in order.

        Remembered: every field of every page is compared with every synonym's words."""
        if (known := self._keys.get(text)) is None:
            known = self._keys[text] = tuple(self.words(fold(text)))
        return list(known)


def _alternatives(words) -> str:
    """``(?:…)`` body matching any of ``words`` in any case, longest first."""
    return "|".join(_any_case(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def language(code: str, base_separator: str, docs_dir: str) -> Language:
    """The settings of ``code`` from ``docs/search/languages.yml`` (none is fine)."""
    settings = read_yaml(Path(docs_dir) / "search" / "languages.yml", {}).get(code) or {}
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
        verb_initials=[str(w) for w in settings.get("verb_initials") or []],
        query_particles=[str(w) for w in settings.get("query_particles") or []],
        typo_length=int(settings.get("typo_length") or 5),
        contractions={str(k): str(v) for k, v in (settings.get("contractions") or {}).items()},
        idioms=_idioms(code, settings.get("idioms") or {}),
        compounds=[str(w) for w in settings.get("compounds") or []],
        weak_words=[str(w) for w in settings.get("weak_words") or []],
    )


def _idioms(code: str, idioms: dict) -> dict[str, str]:
    """The ``idioms`` of ``code``; each pattern must compile (the browser reads them with
    the ``u`` flag: ``\\p{L}`` is any letter, checked here as ``\\w``)."""
    checked = {}
    for pattern, meaning in idioms.items():
        try:
            re.compile(str(pattern).replace(r"\p{L}", r"\w"))
        except re.error as error:
            raise PluginError(f"search: idiom {pattern!r} of {code!r}: {error}") from error
        checked[str(pattern)] = "" if meaning is None else str(meaning)
    return checked
