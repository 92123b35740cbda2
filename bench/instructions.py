"""Instructions per request, counted by valgrind's callgrind: repeatable on a noisy machine.

Runs the app in-process (Flask test client, no cookies kept: like wrk) twice under
callgrind, with FEW and FEW + MANY requests, and divides the difference by MANY, so
start-up cancels out. The same binary and inputs give the same count whatever else the
machine does, which wall-clock and CPU-time figures here do not (±20 % between runs).

    .venv/bin/python bench/instructions.py get-login [KEY=VALUE ...]   # app settings
    .venv/bin/python bench/instructions.py post-login                  # argon2 stubbed out
    .venv/bin/python bench/instructions.py verify                      # one argon2id check

About 2 minutes per figure (Python runs ~50× slower under valgrind).
"""

import json
import os
import re
import subprocess
import sys
import tempfile

from common import ROOT, VENV, app_env, save

FEW, MANY = 20, int(os.environ.get("BENCH_MANY", "200"))

RUNNER = r"""
import os, re, sys
sys.path.insert(0, {root!r})
from site_app import accounts, create_app
scenario, count, settings = sys.argv[1], int(sys.argv[2]), __import__("json").loads(sys.argv[3])
app = create_app(settings)
client = app.test_client(use_cookies=False)
if scenario == "get-login":
    def one():
        client.get("/login").close()
elif scenario == "verify":
    from site_app.passwords import hash_password, verify_password
    with app.app_context():
        stored = hash_password("plaid-walrus-7391-quiet")
    def one():
        with app.app_context():
            verify_password(stored, "plaid-walrus-7391-quiet")
else:
    accounts.verify_password = lambda password_hash, password: True  # argon2 apart
    sys.path.insert(0, {bench!r})
    from login_overhead import one as post, signed_in_client
    client, form = signed_in_client(app)
    def one():
        post(client, form)
one()
for _ in range(count):
    one()
"""


def instructions(scenario: str, count: int, settings: dict) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out",
             str(VENV / "python"), "-c", RUNNER.format(root=str(ROOT), bench=str(ROOT / "bench")),
             scenario, str(count), json.dumps(settings)],
            capture_output=True, text=True, env=app_env(), timeout=1800,
        )
    match = re.search(r"Collected : (\d+)", out.stderr)
    if not match:
        raise RuntimeError(out.stderr[-2000:])
    return int(match.group(1))


def main():
    scenario = sys.argv[1] if len(sys.argv) > 1 else "get-login"
    settings = {"OUTBOX_DELIVERY": "worker"}
    for arg in sys.argv[2:]:
        key, value = arg.split("=", 1)
        settings[key] = json.loads(value)
    few = instructions(scenario, FEW, settings)
    more = instructions(scenario, FEW + MANY, settings)
    per_request = (more - few) / MANY
    result = {"scenario": scenario, "settings": settings, "instructions_per_request": round(per_request)}
    print(result, flush=True)
    name = "-".join([scenario] + [a.split("=")[0].lower() for a in sys.argv[2:]])
    save(f"instructions-{name}", result)


if __name__ == "__main__":
    main()
