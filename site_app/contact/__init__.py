"""Contact: the form (views.py) and what it stores and mails (messages.py)."""
