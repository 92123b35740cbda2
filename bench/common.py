"""Shared helpers of the benchmarks: start gunicorn, run wrk, parse its output.

Everything listens on 127.0.0.1 only; every loop is bounded in count and time.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
APP_PORT, BARE_PORT = 8101, 8102
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "1"))
WRK_CONNS = int(os.environ.get("BENCH_WRK_CONNS", "4"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))


def app_env(**extra) -> dict:
    """The app's settings for the benchmarks (PostgreSQL db `bench`, Redis db 14)."""
    env = dict(os.environ)
    env.update(
        FLASK_APP="site_app",
        FLASK_SECRET_KEY="bench-secret-not-for-production",
        FLASK_SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:5432/bench",
        FLASK_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/14",
        FLASK_HELP_SITE_DIR=os.environ.get("BENCH_SITE_DIR", "/tmp/bench-site"),
        FLASK_LOGIN_FAILURES_PER_IP='"100000 per minute"',
        FLASK_LOGIN_FAILURES_PER_ACCOUNT='"100000 per minute"',
        FLASK_MAIL_ACTIONS_PER_IP='"100000 per hour"',
        FLASK_MAIL_ACTIONS_PER_EMAIL='"100000 per hour"',
        # Without MAIL_SERVER, mails go to the development mailbox as they did when it was
        # the default (off, they would pile up in the outbox and change what is measured).
        FLASK_DEV_MAILBOX="true",
        NO_MKDOCS_2_WARNING="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Gunicorn:
    """A gunicorn master (2 sync workers) started and stopped by its own pid."""

    def __init__(self, target: str, port: int, env: dict, workers: int = 2, log: str = "gunicorn"):
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.logfile = open(RESULTS / f"{log}-{port}.log", "ab")
        self.proc = subprocess.Popen(
            [str(VENV / "gunicorn"), "--no-control-socket", "-w", str(workers), "-b", f"127.0.0.1:{port}", target],
            cwd=ROOT, env=env, stdout=self.logfile, stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def wait_ready(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited, see {self.logfile.name}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/help/", timeout=2).read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {self.port} not ready after {seconds}s")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def worker_rss_mb(self, settle: float = 2.0) -> list[float]:
        """VmRSS of each worker, in MB, once the requests still running are done."""
        time.sleep(settle)
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kib = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            sizes.append(round(kib / 1024, 1))
        return sizes

    def worker_pss_mb(self) -> list[float]:
        """Proportional set size of each worker (shared pages divided among sharers), in MB."""
        sizes = []
        for pid in self.worker_pids():
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            sizes.append(round(int(re.search(r"Pss:\s+(\d+)", rollup).group(1)) / 1024, 1))
        return sizes

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.logfile.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, script: str | None = None, headers: list[str] = (), seconds: int = WRK_SECONDS,
        conns: int = WRK_CONNS, env: dict | None = None) -> dict:
    """Run wrk once and return requests/s, p50/p99 latency (ms) and error counts."""
    cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        cmd += ["-H", header]
    if script:
        cmd += ["-s", str(ROOT / "bench" / script)]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, env=env).stdout
    result = {"url": url, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\b", out, re.M)
        result[f"p{pct}"] = round(_ms(*match.groups()), 2)
    requests = re.search(r"(\d+) requests in", out)
    result["requests"] = int(requests.group(1)) if requests else 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non2xx3xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    return result


def pairs(name: str, ours, base, rounds: int = ROUNDS) -> dict:
    """Alternate ours/base `rounds` times; return every run and the ratio of each pair."""
    runs = []
    for index in range(rounds):
        first, second = (ours, base) if index % 2 == 0 else (base, ours)
        results = {}
        for label, call in (("ours", first), ("base", second)) if index % 2 == 0 else (("base", first), ("ours", second)):
            results[label] = call()
        pair = {
            "ours": results["ours"], "base": results["base"],
            "rps_ratio": round(results["ours"]["rps"] / results["base"]["rps"], 3),
            "p50_ratio": round(results["ours"]["p50"] / results["base"]["p50"], 3),
            "p99_ratio": round(results["ours"]["p99"] / results["base"]["p99"], 3),
        }
        runs.append(pair)
        print(f"[{name}] round {index + 1}: ours {results['ours']['rps']:.1f} rps "
              f"p50 {results['ours']['p50']} p99 {results['ours']['p99']} ms | base "
              f"{results['base']['rps']:.1f} rps p50 {results['base']['p50']} p99 "
              f"{results['base']['p99']} ms | ratio {pair['rps_ratio']}", flush=True)
    return {"name": name, "pairs": runs}


def save(name: str, data) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"date": time.strftime("%Y-%m-%d %H:%M:%S %z"), **data} if isinstance(data, dict) else data
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"wrote {RESULTS / f'{name}.json'}", file=sys.stderr)
