"""The hashes of the guide's inline scripts, for the ``script-src`` of its pages.

The build (``overrides/hooks/script_hashes.py``) hashes every inline script the theme
writes into ``script-hashes.json``; the guide is then served with ``script-src 'self'``
and those hashes, never ``'unsafe-inline'``: a script injected into a guide page does not
run, as on the account pages. A guide built without the file gets ``'self'`` alone (its
inline scripts blocked, the start logs why), never a weaker policy.
"""

import json
import logging
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

HASHES_FILE = "script-hashes.json"


def guide_script_sources() -> list[str]:
    """The ``'sha256-…'`` sources of the built guide (read again when it is rebuilt)."""
    path = Path(current_app.config["HELP_SITE_DIR"]) / HASHES_FILE
    try:
        stat = path.stat()
    except OSError:
        return []
    cache = current_app.extensions.setdefault("help_script_hashes", {})
    if cache.get("mtime") != stat.st_mtime:
        sources = json.loads(path.read_text(encoding="utf-8")).get("script-src", [])
        cache.update(mtime=stat.st_mtime, sources=[s for s in sources if s.startswith("'sha")])
    return cache["sources"]


def warn_if_missing() -> None:
    """Say at start that a built guide lacks its hashes (its inline scripts will not run)."""
    site = Path(current_app.config["HELP_SITE_DIR"])
    if (site / "index.html").is_file() and not (site / HASHES_FILE).is_file():
        log.warning(
            "%s has no %s: the guide's inline scripts are blocked; rebuild it (make docs)",
            site,
            HASHES_FILE,
        )
