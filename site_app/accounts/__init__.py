"""Accounts: the rules (rules.py), sessions, tokens, passwords, known browsers, retention,
which mails they send (notifications.py) and ``flask accounts`` (cli.py)."""
