"""The guide's preview for editors (``make docs-serve``): http://127.0.0.1:8000/help/, live reload.

    python scripts/preview.py [-f mkdocs.yml] [-a 127.0.0.1:8000] [--no-search]

A saved page shows in the browser about a second later, whatever the size of the guide:
the guide is built once (``scripts/preview_site.py``) and a save renders again only that
page — and, for a French page, its translations, so their *outdated* notice appears at
once. Browsers reload by themselves (MkDocs' own live-reload server, as ``mkdocs serve``).

* **Start**: the build converts the French pages only and templates none; a page is
  written when a browser asks for it, the rest is done in the background (the other
  languages' pages first, then every page not opened yet, then the search index).
* **What lags** (``make docs`` is the reference): the search index is the guide as it was
  at the start (a full ``mkdocs build`` in the background, at low priority, writes it
  about a minute later); when a saved page's title changes, the other pages of its
  language show it once re-rendered in the background; ``translation-status.html``
  (the editors' report) is the one of the start.
* **Whole builds**: a new, deleted or renamed file, a page whose heading ids change (help
  topics are checked across pages), ``mkdocs.yml``, ``docs/topics.yml`` or anything under
  ``overrides/`` (templates) rebuilds everything, as ``mkdocs serve`` does on every save.
  A change to a hook's Python code needs a restart.
"""

from __future__ import annotations

import argparse
import logging
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))

import site_files  # noqa: E402  (the guide's hook module: the per-language files)
from preview_site import PreviewSite, languages  # noqa: E402

log = logging.getLogger("mkdocs.preview")
#: How often the sources are looked at (mkdocs serve: 0.5 s); a look costs ~5 ms at 600 pages.
POLLING_INTERVAL = 0.2
#: The theme's bundles carry their content's hash in their name: browsers may keep them,
#: so a reload fetches the page and the editable files only.
HASHED_ASSET = re.compile(r"/assets/.+\.[0-9a-f]{8}\.min\.(?:css|js)$")
#: Files MkDocs never reads (hidden ones) and editors' temporary copies (``x~``, ``#x#``).
IGNORED = re.compile(r"(^|/)\.|~$|(^|/)#[^/]*#$")
#: Background work waits until the editor's browser has been quiet this long (seconds).
QUIET = 1.0


class Sources:
    """The files watched, by modification time and size, to tell what a save changed."""

    def __init__(self, roots: list[str]):
        self.roots = roots
        self.seen = self._scan()

    def _scan(self) -> dict[str, tuple[int, int]]:
        seen = {}
        for root in self.roots:
            paths = [root] if os.path.isfile(root) else [
                path
                for folder, _, names in os.walk(root)
                for path in (os.path.join(folder, name) for name in names)
                if not IGNORED.search(os.path.relpath(path, root).replace(os.sep, "/"))
            ]  # fmt: skip
            for path in paths:
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                seen[path] = (stat.st_mtime_ns, stat.st_size)
        return seen

    def changes(self) -> tuple[set[str], bool]:
        """The files modified since the last call, and whether any was added or removed."""
        now, before = self._scan(), self.seen
        self.seen = now
        modified = {path for path in now.keys() & before.keys() if now[path] != before[path]}
        return modified, now.keys() != before.keys()


class Preview:
    """The site, its server, the background renderer and the background search build."""

    def __init__(self, config_file: str, dev_addr: str | None, search: bool):
        self.dir = tempfile.mkdtemp(prefix="help-preview-")
        self.site = PreviewSite(config_file, os.path.join(self.dir, "site"), dev_addr)
        self.signals = os.path.join(self.dir, "signals")
        os.mkdir(self.signals)
        self.config_file, self.search, self.search_build = config_file, search, None
        #: When a browser last asked for something, or a save was last rendered.
        self.active = time.monotonic()
        self.search_wanted, self.search_lock, self.prefixes = False, threading.Lock(), {}
        self.stopping = threading.Event()
        self.broken = False

    def build(self) -> None:
        """The whole build; then the sitemaps beside each page and the search index."""
        started = time.perf_counter()
        self.site.build()
        default, built = languages(self.site.config)
        site = Path(self.site.site_dir)
        prefixes = {lang: site_files.language_prefix(lang, default) for lang in built}
        sitemaps = {
            lang: (site / p / "sitemap.xml").read_text("utf-8") for lang, p in prefixes.items()
        }
        urls = {lang: [] for lang in built}
        for (lang, _), rendering in self.site.pages.items():
            urls[lang].append(rendering.page.url)
        site_files.write_sitemaps(site, sitemaps, urls, default)
        log.info(
            f"Preview built in {time.perf_counter() - started:.1f} s: {len(self.site.pages)} "
            "pages, each written when opened or in the background"
        )
        with self.search_lock:
            self._stop_search_build()
            self.search_wanted, self.prefixes = self.search, prefixes

    def _stop_search_build(self) -> None:
        if self.search_build:
            self.search_build[0].terminate()
            self.search_build[0].wait(timeout=30)
            self.search_build[3].close()
            self.search_build = None

    def _start_search_build(self) -> None:
        """``mkdocs build`` at low priority in the background: the preview's search index."""
        self.search_wanted, prefixes = False, self.prefixes
        out = os.path.join(self.dir, f"search-{time.monotonic_ns()}")
        command = ["nice", "-n", "10", sys.executable, "-m", "mkdocs", "build", "-q"]
        command += ["-f", self.config_file, "-d", out]
        logfile = open(out + ".log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, stdout=logfile, stderr=subprocess.STDOUT)
        self.search_build = (process, out, prefixes, logfile, time.perf_counter())

    def _collect_search_index(self) -> None:
        """Copy the background build's search indexes into the preview once it has finished."""
        process, out, prefixes, logfile, started = self.search_build
        if process.poll() is None:
            return
        self.search_build = None
        logfile.close()
        if process.returncode:
            log.warning(f"The search index was not built (exit {process.returncode}): {out}.log")
            return
        for prefix in prefixes.values():
            index = Path(out) / prefix / "search" / "search_index.json"
            target = Path(self.site.site_dir) / prefix / "search" / "search_index.json"
            shutil.copyfile(index, f"{target}.new")
            os.replace(f"{target}.new", target)
        shutil.rmtree(out, ignore_errors=True)
        log.info(f"Search index ready ({time.perf_counter() - started:.0f} s in the background)")

    def background(self) -> None:
        """Convert the other languages' pages, write the pages nobody has opened yet, then
        build the search index.

        One thing at a time, each after any urgent work; writing pages and the search index
        only while the editor's browser is quiet: on two cores, a save and its reload go first.
        """
        while not self.stopping.is_set():
            try:
                if self.site.read_next():  # at once: a French save needs its translations
                    if self.site.render_waiting():
                        self._reload_browsers()
                    continue
                if time.monotonic() - self.active < QUIET:
                    pass
                elif self.site.render_next():
                    continue
                else:
                    with self.search_lock:
                        if self.search_build is None and self.search_wanted:
                            self._start_search_build()
                        elif self.search_build:
                            self._collect_search_index()
            except Exception:  # a page that fails is logged; the preview goes on
                log.exception("Background work failed")
            self.stopping.wait(0.2)

    def _reload_browsers(self) -> None:
        """Have the server reload the browsers (it watches this folder; nothing to build)."""
        (Path(self.signals) / "reload").write_text(str(time.monotonic_ns()), encoding="utf-8")

    def rebuild(self, sources: Sources) -> None:
        """Called by the server once saves have settled: the saved pages, or everything."""
        started = time.perf_counter()
        modified, added_or_removed = sources.changes()
        docs = self.site.config.docs_dir + os.sep
        pages = {p[len(docs) :].replace(os.sep, "/") for p in modified if p.startswith(docs)}
        written = None
        if not modified and not added_or_removed and not self.broken:
            return  # the reload signal, or an ignored file (an editor's temporary copy)
        if pages and not added_or_removed and len(pages) == len(modified) and not self.broken:
            written = self.site.refresh(pages)
        self.active = time.monotonic()
        if any(path.endswith(".py") for path in modified):
            log.warning("A hook's code changed: restart the preview to run it (Ctrl-C)")
        if written is None:
            log.info("Rebuilding the whole guide")
            self.broken = True  # until a whole build succeeds: the site may be half written
            self.build()
            self.broken = False
        else:
            log.info(f"Rendered {', '.join(written)} in {time.perf_counter() - started:.2f} s")
            if self.site.waiting:
                waiting = ", ".join(f"{lang}:{src}" for lang, src in self.site.waiting)
                log.info(f"Then {waiting}, once their language is converted (just started)")

    def serve(self) -> None:
        started = time.perf_counter()
        self.build()
        config = self.site.config
        root, mount = self.site.site_dir, self.site.mount_path
        host, port = config.dev_addr
        roots = [config.docs_dir, config.config_file_path]
        roots += [config.theme.custom_dir] if config.theme.custom_dir else []
        sources = Sources(roots)
        server = LiveReloadServer(
            builder=lambda: self.rebuild(sources),
            host=host,
            port=port,
            root=root,
            mount_path=mount,
            polling_interval=POLLING_INTERVAL,
        )
        not_found = os.path.join(root, "404.html")
        server.error_handler = lambda code: (
            Path(not_found).read_bytes() if code == 404 and os.path.isfile(not_found) else None
        )
        serve_request = server.serve_request

        def app(environ, start_response):
            """A page not written yet is written before the server looks for its file."""
            self.active = time.monotonic()
            path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
            if (path + "/").startswith(server.mount_path):
                file = posixpath.normpath("/" + path[len(server.mount_path) :]).lstrip("/")
                file = os.path.join(root, file)
                if not self.site.render_dest(os.path.join(file, "index.html")):
                    self.site.render_dest(file)
            if HASHED_ASSET.search(path):
                respond = start_response

                def start_response(status, headers, exc_info=None):
                    headers.append(("Cache-Control", "max-age=86400"))
                    return respond(status, headers, exc_info)

            return serve_request(environ, start_response)

        server.set_app(app)
        for item in [*roots, self.signals]:
            server.watch(item)
        server = config.plugins.on_serve(server, config=config, builder=server.builder) or server
        worker = threading.Thread(target=self.background, daemon=True)
        worker.start()
        log.info(f"Preview ready in {time.perf_counter() - started:.1f} s")
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            self.stopping.set()
            server.shutdown()
            worker.join(timeout=30)
            with self.search_lock:
                self._stop_search_build()
            config.plugins.on_shutdown()
            shutil.rmtree(self.dir, ignore_errors=True)


def _stop(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-f", "--config-file", default="mkdocs.yml")
    parser.add_argument("-a", "--dev-addr", help="IP:PORT (default: dev_addr of mkdocs.yml)")
    parser.add_argument(
        "--no-search", action="store_true", help="no background build of the search index"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    signal.signal(signal.SIGTERM, _stop)  # `kill` cleans up like Ctrl-C
    logging.basicConfig(level=logging.INFO, format="%(levelname)-8s -  %(message)s")
    # The i18n plugin logs every setting of every language at each whole build.
    logging.getLogger("mkdocs.plugins.mkdocs_static_i18n").setLevel(logging.WARNING)
    Preview(args.config_file, args.dev_addr, search=not args.no_search).serve()


if __name__ == "__main__":
    main()
