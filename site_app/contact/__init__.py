"""Contact: the form (views.py) and what it stores and mails (messages.py)."""

from .views import bp

__all__ = ["bp"]
