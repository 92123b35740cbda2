"""Rate limits: password attempts (sign-in, account page) and requests that send mail.

Counted by hand on Flask-Limiter's storage (``RATELIMIT_STORAGE_URI``: memory, or Redis
shared by every process) rather than with its decorators, because a decorator checks
before the view and counts after it: 30 parallel wrong passwords were all verified before
the first was counted. Here an attempt is counted *before* the password is verified (one
atomic increment) and given back when it succeeded, so only failures stay counted.

Keys are what the address really is: the validated, normalised email (the form stored
on the account; an invalid address opens no counter) and the client's network (an IPv4
address, an IPv6 /64, which one household or server usually holds whole).

- :mod:`.causes`: every refusal is a :class:`~.causes.Blocked` error naming its
  :class:`~.causes.Cause` — reference, help topic, title, message, the limit it counts —
  which errors.py, error.html, contact and the guide's topic checks all read;
- :mod:`.counters`: the counters, on the shared storage or in memory while it is down;
- :mod:`.policy`: what counts where (password attempts, mail requests, the contact form);
- :mod:`.kept_page`: the refusal shown again across the language switch.
"""
