"""Give argon2id's working memory back to the system once a worker has been idle a while.

Each password hash or check allocates ``ARGON2_MEMORY_COST`` KiB (19 MiB) with
``malloc`` and frees it. glibc keeps a freed block that size for the next one, which
is what makes sign-ins fast under load (no page faults), but it also means a worker
that signed one person in holds ~20 MB more from then on. Here, once no hash has
been computed for ``ARGON2_RELEASE_AFTER_IDLE`` seconds, a daemon thread asks glibc to
return its free pages (``malloc_trim(0)``): busy workers keep the block, idle ones
shrink back (bench/README.md, "Memory").

Elsewhere than glibc (musl, macOS) ``malloc_trim`` does not exist and nothing is done.
"""

import ctypes
import os
import threading
import time


def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None


class IdleRelease:
    """Call :meth:`used` after each hash; memory is released ``delay`` seconds after the last."""

    def __init__(self):
        self.last_use = 0.0
        self.delay = 0.0
        self.releases = 0
        self._trim = _malloc_trim()
        self._wake = threading.Event()
        self._pid = None
        self._lock = threading.Lock()

    def used(self, delay: float | None) -> None:
        if not delay or self._trim is None:
            return
        self.delay = delay
        self.last_use = time.monotonic()
        if self._pid != os.getpid():  # first hash in this process (gunicorn forks workers)
            with self._lock:
                if self._pid != os.getpid():
                    self._wake = threading.Event()
                    threading.Thread(
                        target=self._watch, name="argon2-memory-release", daemon=True
                    ).start()
                    self._pid = os.getpid()
        self._wake.set()

    def _watch(self) -> None:
        wake = self._wake
        while True:
            wake.wait()
            wake.clear()
            while (left := self.last_use + self.delay - time.monotonic()) > 0:
                time.sleep(left)
            self._trim(0)
            self.releases += 1


idle_release = IdleRelease()
