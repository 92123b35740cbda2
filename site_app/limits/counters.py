"""Fixed-window counters on Flask-Limiter's storage, in memory while it is unreachable.

A limit is named by its setting (``LOGIN_FAILURES_PER_IP`` …); its key is the rest.
"""

import logging
import time
from functools import lru_cache

from flask import current_app
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from ..extensions import limiter

log = logging.getLogger(__name__)

#: How long a process counts in its own memory after the shared storage failed.
RETRY_STORAGE_AFTER = 30


class _Counters:
    """Fixed-window counters on the shared storage, or in memory while it is unreachable."""

    def __init__(self):
        self.memory = FixedWindowRateLimiter(MemoryStorage())
        self.retry_at = 0.0

    def run(self, method: str, *args, **kwargs):
        if time.monotonic() >= self.retry_at:
            try:
                return getattr(FixedWindowRateLimiter(limiter.storage), method)(*args, **kwargs)
            except Exception:  # noqa: BLE001 - any storage failure: keep serving
                log.warning("limit storage unreachable; counting in memory", exc_info=True)
                self.retry_at = time.monotonic() + RETRY_STORAGE_AFTER
        return getattr(self.memory, method)(*args, **kwargs)


def _counters() -> _Counters:
    counters = current_app.extensions.get("site_limits")
    if counters is None:  # once per app (a MemoryStorage starts a timer thread)
        counters = current_app.extensions["site_limits"] = _Counters()
    return counters


@lru_cache(maxsize=32)
def _parse(value: str):
    return parse(value)


def _item(name: str):
    return _parse(current_app.config[name])


def hit(name: str, *key: str, cost: int = 1) -> bool:
    """Count ``cost`` on the limit ``name`` for ``key``; False when it is spent."""
    return _counters().run("hit", _item(name), *key, cost=cost)


def give_back(name: str, *key: str) -> None:
    """Take one count back (an attempt that turned out right)."""
    _counters().run("hit", _item(name), *key, cost=-1)


def window_seconds(name: str) -> int:
    """The length of the window of the limit setting ``name`` (e.g. 3600 for "3 per hour")."""
    return _item(name).get_expiry()


def reset_at(name: str, *key: str) -> float:
    """When the window of the limit ``name`` for ``key`` ends (a time stamp)."""
    reset = _counters().run("get_window_stats", _item(name), *key).reset_time
    return reset if reset > time.time() else time.time() + _item(name).get_expiry()


def first_in_window(name: str, *key: str) -> bool:
    """True once per window of the limit ``name`` (e.g. one warning mail per attack)."""
    item = _item(name)
    return _counters().run("hit", type(item)(1, item.multiples), "once", *key)


def use_once(seconds: int, *key: str) -> bool:
    """True the first time ``key`` is used within ``seconds`` (on the shared storage, so
    across processes): what makes a passkey ceremony's challenge single-use even when a
    copy of the browser's session cookie is sent again."""
    from limits import RateLimitItemPerSecond

    return _counters().run("hit", RateLimitItemPerSecond(1, seconds), "once-only", *key)
