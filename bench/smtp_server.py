"""A loopback SMTP sink (aiosmtpd) answering each message after DELAY seconds.

    .venv/bin/python bench/smtp_server.py DELAY PORT_FILE [LIFETIME]

Writes its port to PORT_FILE; exits by itself after LIFETIME seconds (default 1800).
"""

import asyncio
import socket
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, delay: float):
        self.delay = delay
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.count += 1
        return "250 OK"


def free_port() -> int:
    # Controller(port=0) fails in _trigger_server: pick a free port ourselves.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    delay = float(sys.argv[1])
    port_file = Path(sys.argv[2])
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 1800
    port = free_port()
    controller = Controller(Handler(delay), hostname="127.0.0.1", port=port)
    controller.start()
    port_file.write_text(str(port))
    try:
        time.sleep(lifetime)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
