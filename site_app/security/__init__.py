"""Request safety below every feature: which hosts are served (hosts.py), where ``next``
may lead, security headers and request sizes (safety.py), the client's network (network.py)."""
