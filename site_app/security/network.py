"""Who is asking, as the limits count it: the client's network.

Below everything that counts (Flask-Limiter's key in ``extensions.py``, the limits of
``site_app/limits/``), so it imports nothing of the app.
"""

import ipaddress

from flask import request


def client_network() -> str:
    """The client's IPv4 address, or the /64 of its IPv6 address."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
