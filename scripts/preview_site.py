"""The guide held in memory for the preview (``scripts/preview.py``): built once, then page by page.

``mkdocs serve`` rebuilds every page of every language on each save: at 200 pages per
language that is half a minute here (mkdocs-static-i18n #57, mkdocs-material #7903; the
plugin's ``--dirty`` support, #249, is still open, and a dirty build renders the other
pages' navigation without their titles). Instead, :class:`PreviewSite` runs MkDocs' own
build once (``mkdocs.commands.build.build``, every hook and plugin as in ``make docs``) and
keeps what it gave each page to render it — the page, the language's files, navigation and
templates, and a copy of the configuration as the i18n plugin had set it for that language.
Rendering a page again calls the same two MkDocs functions the build calls for it
(``_populate_page``: Markdown to HTML; ``_build_page``: the theme's template) with those.
So a page rendered again is the page ``make docs`` writes for the same sources (with the
preview's address as ``site_url``); ``tests/test_preview.py`` compares them byte for byte.
(Running the plugin's ``on_config`` again to switch languages does not work: its reset
keeps the last language's theme settings as the "original" ones.)

At the start, the build templates no page (half of its time) and converts only the default
language's pages (two thirds of the rest): a page is written when a browser asks for it,
its language's pages converted first (the navigation names them by their titles), and
:meth:`PreviewSite.read_next` and :meth:`PreviewSite.render_next` do the rest in the
background. What the start leaves out (the search index, the sitemaps beside each page)
is ``scripts/preview.py``'s.
"""

from __future__ import annotations

import copy
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

import site_files  # noqa: E402  (the guide's hook modules: per-language files,
import translation_status  # noqa: E402  which headings carry ids)

#: Configuration entries that are not per-language values (plugin and hook objects).
NOT_COPIED = {"plugins", "hooks"}


# -- the reach into mkdocs-static-i18n (1.3.1, pinned): only these three functions -----------


def current_language(config) -> str:
    """The language the i18n plugin is configuring or building now."""
    return config.plugins["i18n"].current_language


def set_current_language(config, lang: str) -> None:
    """Tell the i18n plugin (and the hooks, which ask it) which language is being rendered."""
    config.plugins["i18n"].current_language = lang


def languages(config) -> tuple[str, list[str]]:
    """The default language and every language built."""
    i18n = config.plugins["i18n"]
    return i18n.default_language, list(i18n.build_languages)


# ---------------------------------------------------------------------------------------------


@dataclass
class Rendering:
    """What the build gave one page of one language: ``_build_page``'s arguments."""

    lang: str
    page: object  # mkdocs.structure.pages.Page
    files: object  # the language's Files (links are resolved against them)
    doc_files: list
    nav: object
    env: object
    excluded: bool
    topic_ids: frozenset[str]
    #: Converted from its Markdown (``_populate_page``); the default language's at the start.
    read: bool


def heading_ids(markdown: str) -> frozenset[str]:
    """The explicit heading ids (``{ #id }``) of a page: the help topics among them."""
    headings = (match.group(2) for match in translation_status.HEADING.finditer(markdown))
    return frozenset(m.group(1) for m in map(translation_status.HEADING_ID.search, headings) if m)


def snapshot(config) -> dict:
    """A copy of every configuration value (the pages' templates may change some)."""
    return {key: copy.deepcopy(value) for key, value in config.items() if key not in NOT_COPIED}


class PreviewSite:
    """The guide built into ``site_dir``, every page renderable again on its own."""

    def __init__(self, config_file: str, site_dir: str, dev_addr: str | None = None):
        self.config_file, self.site_dir, self.dev_addr = config_file, site_dir, dev_addr
        #: Where the site is served (``/help/``, from ``site_url``), and its address.
        self.mount_path, self.site_url = "/", None
        self.config = None
        self.pages: dict[tuple[str, str], Rendering] = {}
        #: Pages not written yet (the start defers them), in the order the build met them.
        self.pending: dict[tuple[str, str], None] = {}
        #: Pages of the other languages not converted yet (the start defers them too).
        self.unread: dict[tuple[str, str], None] = {}
        #: Translations of saved French pages, written once their language is converted.
        self.waiting: dict[tuple[str, str], None] = {}
        self._current = None
        self._dest: dict[str, tuple[str, str]] = {}
        self._settings: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._urgent = 0
        self._turns = threading.Condition()

    # -- the whole build -------------------------------------------------------------------

    def build(self) -> None:
        """MkDocs' whole build; no page templated, only the default language's converted.

        A language's navigation names its pages by their titles, which come from
        converting them: its pages are all converted before the first one is templated
        (:meth:`_read_language`), and its 404 page, rendered during the build with that
        navigation, is rendered again then (:meth:`_write_not_found`).
        """
        options = {"dev_addr": self.dev_addr} if self.dev_addr else {}
        config = load_config(config_file=self.config_file, site_dir=self.site_dir, **options)
        # As mkdocs serve: the site's links (canonical, hreflang) name the preview.
        host, port = config.dev_addr
        self.mount_path = "/" + urlsplit(config.site_url or "/").path.strip("/") + "/"
        self.mount_path = self.mount_path.replace("//", "/")
        config.site_url = self.site_url = f"http://{host}:{port}{self.mount_path}"
        if self.config is None:  # plugins with on_startup are kept for the next loads
            config.plugins.on_startup(command="serve", dirty=False)
        default = languages(config)[0]
        pages: dict[tuple[str, str], Rendering] = {}
        settings: dict[str, dict] = {}
        real_populate, real_build_page = mkdocs_build._populate_page, mkdocs_build._build_page

        def populate(page, config, files, dirty=False):
            lang = current_language(config)
            if lang == default:
                real_populate(page, config, files, dirty)
            if lang == default:
                ids = heading_ids(page.markdown or "")
            else:  # the same text as page.markdown will be: without its front matter
                ids = heading_ids(translation_status.FRONT_MATTER.sub("", page.file.content_string))
            rendering = Rendering(lang, page, files, [], None, None, False, ids, lang == default)
            pages[lang, page.file.src_uri] = rendering

        def defer(page, config, doc_files, nav, env, dirty=False, excluded=False):
            lang = current_language(config)
            if lang not in settings:  # the configuration as the i18n plugin set it for lang
                settings[lang] = snapshot(config)
            rendering = pages[lang, page.file.src_uri]
            rendering.doc_files, rendering.nav, rendering.env = doc_files, nav, env
            rendering.excluded = excluded

        with self._turn(urgent=True):
            mkdocs_build._populate_page, mkdocs_build._build_page = populate, defer
            try:
                mkdocs_build.build(config)
            finally:
                mkdocs_build._populate_page = real_populate
                mkdocs_build._build_page = real_build_page
            self.config, self._current, self.pages = config, None, pages
            self._settings = settings
            self.pending = dict.fromkeys(pages)
            self.unread = dict.fromkeys(key for key, r in pages.items() if not r.read)
            self.waiting = {}
            self._dest = {r.page.file.abs_dest_path: key for key, r in pages.items()}

    # -- one page --------------------------------------------------------------------------

    def _use(self, lang: str) -> None:
        """Give the configuration the values the build rendered ``lang`` with."""
        if self._current != lang:
            set_current_language(self.config, lang)
            for name, value in snapshot(self._settings[lang]).items():
                self.config[name] = value
            self._current = lang

    def _read(self, key) -> None:
        """Convert one page from its Markdown (the caller has the turn)."""
        rendering = self.pages[key]
        self._use(rendering.lang)
        mkdocs_build._populate_page(rendering.page, self.config, rendering.files)
        rendering.read = True
        if self.unread.pop(key, False) is None and not any(
            k[0] == rendering.lang for k in self.unread
        ):
            self._write_not_found(rendering.lang)

    def _read_language(self, lang: str) -> None:
        for key in [key for key in self.unread if key[0] == lang]:
            self._read(key)

    def _write_not_found(self, lang: str) -> None:
        """Render ``lang``'s 404 page again, now that its navigation has its titles."""
        if "404.html" not in self.config.theme.static_templates:
            return
        rendering = next(r for r in self.pages.values() if r.lang == lang)
        template = rendering.env.get_template("404.html")
        html = mkdocs_build._build_template(
            "404.html", template, rendering.files, self.config, rendering.nav
        )
        default = languages(self.config)[0]
        html = site_files.rebase_config_script(html, lang, default)  # as help_center.py
        site_files.write_per_language(Path(self.site_dir), "404.html", {lang: html}, default)

    def _render(self, key, read: bool) -> None:
        """Template one page (``read``: from its source again first). The caller has the turn."""
        rendering = self.pages[key]
        self._read_language(rendering.lang)
        self._use(rendering.lang)
        if read:
            mkdocs_build._populate_page(rendering.page, self.config, rendering.files)
        mkdocs_build._build_page(
            rendering.page,
            self.config,
            rendering.doc_files,
            rendering.nav,
            rendering.env,
            excluded=rendering.excluded,
        )
        self.pending.pop(key, None)

    def render_dest(self, path: str) -> bool:
        """Write the pending page whose output is ``path`` now (a browser asks for it)."""
        key = self._dest.get(path)
        if key not in self.pending:
            return False
        with self._turn(urgent=True):
            if key in self.pending:
                self._render(key, read=False)
        return True

    def read_next(self) -> bool:
        """Convert one page of another language, after any urgent work; False when done.

        Done in the background right after the start: a saved French page's translations
        are rendered again with it, and their language must be converted for that.
        """
        return self._next(self.unread, lambda key: self._read(key))

    def render_next(self) -> bool:
        """Write one page nobody has opened yet, after any urgent work; False when done."""
        return self._next(self.pending, lambda key: self._render(key, read=False))

    def _next(self, queue: dict, work) -> bool:
        with self._turn(urgent=False):
            if not queue:
                return False
            key = next(iter(queue))
            try:
                work(key)
            except Exception:
                queue.pop(key, None)  # logged by MkDocs; not tried again in a loop
                raise
            return True

    def refresh(self, src_uris: set[str]) -> list[str] | None:
        """Render again the saved pages, and each saved default-language page's translations.

        A translation's notice (*outdated*) depends on its French page; a translation whose
        language is not converted yet (just after the start) waits for it in ``waiting``
        (:meth:`render_waiting`). Returns the pages written, or None when only a whole build
        is right: a file MkDocs does not know yet, or a change of a page's heading ids (help
        topics are checked across pages).
        """
        default, built = languages(self.config)
        saved, translations = [], []
        for src in sorted(src_uris):
            found = [key for key in self.pages if key[1] == src]
            if not found:
                return None
            saved += found
            if found[0][0] == default:
                name = src.removesuffix(f".{default}.md")
                translations += [(lg, f"{name}.{lg}.md") for lg in built if lg != default]
        unread = {key[0] for key in self.unread}
        later = [k for k in translations if k in self.pages and k not in saved and k[0] in unread]
        keys = [k for k in dict.fromkeys(saved + translations) if k in self.pages]
        keys = [key for key in keys if key not in later]
        with self._turn(urgent=True):
            self.waiting.update(dict.fromkeys(later))
            for key in keys:
                rendering = self.pages[key]
                self._read_language(rendering.lang)
                title, before = rendering.page.title, rendering.topic_ids
                self._render(key, read=True)
                rendering.topic_ids = heading_ids(rendering.page.markdown or "")
                if rendering.topic_ids != before:
                    return None
                rendering.page.validate_anchor_links(
                    files=rendering.files, log_level=self.config.validation.links.anchors
                )
                if rendering.page.title != title:  # the other pages' navigation names it
                    self.pending.update(dict.fromkeys(k for k in self.pages if k[0] == key[0]))
                    self.pending.pop(key, None)
        return [f"{lang}:{src}" for lang, src in keys]

    def render_waiting(self) -> bool:
        """Render the saved French pages' translations whose language is converted now."""
        with self._turn(urgent=False):
            unread = {key[0] for key in self.unread}
            ready = [key for key in self.waiting if key[0] not in unread]
            for key in ready:
                del self.waiting[key]
                self._render(key, read=True)
            return bool(ready)

    @contextmanager
    def _turn(self, urgent: bool):
        """One renderer at a time (the configuration is one object); urgent work goes first."""
        with self._turns:
            if urgent:
                self._urgent += 1
            else:
                self._turns.wait_for(lambda: self._urgent == 0)
        try:
            with self._lock:
                yield
        finally:
            if urgent:
                with self._turns:
                    self._urgent -= 1
                    self._turns.notify_all()
