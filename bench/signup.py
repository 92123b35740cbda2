"""POST /signup with an SMTP server answering after 2 s against one answering at once.

Two SMTP sinks (bench/smtp_server.py) and two app servers (one per sink), default
OUTBOX_DELIVERY "background"; wrk alternates between them, fresh email each request.

    .venv/bin/python bench/signup.py
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import APP_PORT, ROOT, Gunicorn, app_env, pairs, save, wrk
from formpair import cookie_and_token, post

SLOW_PORT = APP_PORT + 2


def start_smtp(delay: float):
    port_file = Path(tempfile.mkdtemp(prefix="bench-smtp-")) / "port"
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "smtp_server.py"), str(delay),
                             str(port_file), "1800"])
    for _ in range(100):
        if port_file.exists() and port_file.read_text():
            return proc, int(port_file.read_text())
        time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("SMTP sink did not start")


def main():
    fast_smtp, fast_port = start_smtp(0)
    slow_smtp, slow_port = start_smtp(2)
    prefix = f"s{int(time.time())}"
    try:
        with Gunicorn("site_app:create_app()", APP_PORT,
                      app_env(FLASK_MAIL_SERVER="127.0.0.1", FLASK_MAIL_PORT=fast_port)), \
             Gunicorn("site_app:create_app()", SLOW_PORT,
                      app_env(FLASK_MAIL_SERVER="127.0.0.1", FLASK_MAIL_PORT=slow_port), log="slow"):
            envs = {}
            for name, port in (("fast", APP_PORT), ("slow", SLOW_PORT)):
                base = f"http://127.0.0.1:{port}"
                cookie, token = cookie_and_token(base, "/signup")
                body = f"csrf_token={token}&email={prefix}-check-{name}%40bench.example.org&password=plaid-walrus-7391-quiet"
                status, location = post(base, "/signup", cookie, body)
                print(name, "one sign-up:", status, location, flush=True)
                assert status == 302, "sign-up does not succeed"
                envs[name] = dict(os.environ, BENCH_COOKIE=cookie, BENCH_TOKEN=token)
            runs = {"n": 0}

            def run(name, port):
                runs["n"] += 1
                env = dict(envs[name], BENCH_PREFIX=f"{prefix}-{name}-{runs['n']}")
                return wrk(f"http://127.0.0.1:{port}/signup", script="signup.lua", env=env)

            results = {"smtp_ports": {"fast": fast_port, "slow": slow_port}, "runs": [pairs(
                "POST /signup: SMTP answering after 2 s (ours) vs at once (base)",
                lambda: run("slow", SLOW_PORT), lambda: run("fast", APP_PORT))]}
    finally:
        for proc in (fast_smtp, slow_smtp):
            proc.terminate()
            proc.wait(timeout=10)
    for pair in results["runs"][0]["pairs"]:
        pair["p50_difference_ms"] = round(pair["ours"]["p50"] - pair["base"]["p50"], 2)
        print("p50 difference (slow - fast):", pair["p50_difference_ms"], "ms")
    save("signup", results)


if __name__ == "__main__":
    main()
