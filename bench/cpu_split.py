"""Where the CPU of a POST /login load goes: gunicorn workers, PostgreSQL, Redis, wrk, the rest.

Reads utime+stime of every process from /proc before and after one wrk run
(BENCH_WRK_SECONDS) against gunicorn (BENCH_WORKERS workers), and divides by the
number of sign-ins; also the argon2id verification alone in one process.

    .venv/bin/python bench/cpu_split.py
"""

import os
import time
import urllib.parse
from pathlib import Path

from common import APP_PORT, Gunicorn, app_env, save, wrk
from formpair import cookie_and_token
from post_login import EMAIL, PASSWORD, WORKERS, ensure_account

TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """pid → (command name, seconds of user+system CPU so far)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / TICK)
    return table


def group(name: str, pid: int, workers: set[int]) -> str:
    if pid in workers:
        return "gunicorn workers"
    for prefix, label in (("postgres", "PostgreSQL"), ("redis", "Redis"), ("wrk", "wrk")):
        if name.startswith(prefix):
            return label
    return "other"


def verification_cpu_ms(password_hash, params, count=30) -> float:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=params[0], memory_cost=params[1], parallelism=params[2])
    hasher.verify(password_hash, PASSWORD)
    start = time.process_time()
    for _ in range(count):
        hasher.verify(password_hash, PASSWORD)
    return (time.process_time() - start) / count * 1000


def main():
    password_hash, params = ensure_account()
    base = f"http://127.0.0.1:{APP_PORT}"
    with Gunicorn("site_app:create_app()", APP_PORT, app_env(), workers=WORKERS) as ours:
        cookie, token = cookie_and_token(base, "/login")
        body = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD, "next": ""})
        env = dict(os.environ, BENCH_PATH="/login", BENCH_BODY=body, BENCH_COOKIE=cookie)
        wrk(base + "/login", script="post_form.lua", env=env, seconds=3)  # warm-up
        workers = set(ours.worker_pids())
        before, start = cpu_by_process(), time.monotonic()
        result = wrk(base + "/login", script="post_form.lua", env=env)
        after, wall = cpu_by_process(), time.monotonic() - start
    split = {}
    for pid, (name, seconds) in after.items():
        spent = seconds - before.get(pid, (name, 0.0))[1]
        if spent > 0:
            label = group(name, pid, workers)
            split[label] = split.get(label, 0.0) + spent
    count = result["requests"]
    per_sign_in = {label: round(seconds / count * 1000, 2) for label, seconds in sorted(split.items())}
    verify = verification_cpu_ms(password_hash, params)
    out = {"workers": WORKERS, "sign_ins": count, "rps": result["rps"], "wall_s": round(wall, 1),
           "cpu_ms_per_sign_in": per_sign_in,
           "cpu_ms_total_per_sign_in": round(sum(split.values()) / count * 1000, 2),
           "verification_alone_cpu_ms": round(verify, 2),
           "machine_cpu_s_available": round(wall * os.cpu_count(), 1),
           "machine_cpu_s_used": round(sum(split.values()), 1)}
    print(out)
    save(f"cpu_split-w{WORKERS}", out)


if __name__ == "__main__":
    main()
