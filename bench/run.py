"""The benchmarks: each scenario of ``SCENARIOS`` measured side by side with its peer.

``bench/run.py [login guide signin signup purge memory docs]`` (all by default; `make bench`)
adds its figures to ``bench/results/<commit>.json``, then rewrites the table of
``bench/README.md`` from those files (``--table``: only that). Loopback only; every wrk
run, subprocess and loop is bounded. Knobs: BENCH_ROUNDS (3), BENCH_SECONDS (8 per wrk
run), BENCH_DB, BENCH_REDIS, BENCH_SITE_DIR.
"""

import asyncio
import http.client
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.parse
from collections import namedtuple
from collections.abc import Callable
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN, LOGS = ROOT / ".venv" / "bin", Path(tempfile.gettempdir()) / "bench-logs"
RESULTS, README = ROOT / "bench" / "results", ROOT / "bench" / "README.md"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
DB = os.environ.get("BENCH_DB", "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
SITE = os.environ.get("BENCH_SITE_DIR", "/tmp/bench-site")
EMAIL, PASSWORD = "bench-login@bench.example.org", "plaid-walrus-7391-quiet"
GUIDE, GZIP = "/help/create-account/", {"Accept-Encoding": "gzip"}  # every browser sends it
GUNICORN = ["--no-control-socket", "-w", "2", "-k", "sync"]
WRK = ["-t1", "-c4", "--latency", "--timeout", "10s"]
SERVED = f"gunicorn {' '.join(GUNICORN)} each, wrk {' '.join(WRK)} -d{SECONDS}s"
APP, FS = ("site_app:create_app()", {}), ("bench.fs_app:create_app()", {})
BARE = ("bench.run:bare_app()", {})
CPU_CALLS = {"signin": 200, "verify": 20}  # × 3 rounds, CPU of that process only; valgrind:
GRIND_CALLS = {"signin": (5, 35), "verify": (1, 2)}  # two counts: start-up cancels out
POST_LUA = """wrk.method, wrk.body = "POST", os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
local n, prefix = 0, os.getenv("BENCH_PREFIX")
request = prefix and function()  -- a sign-up needs a new address each time
  n = n + 1
  return wrk.format(nil, nil, nil, wrk.body:gsub("NEW@", prefix .. n .. "@"))
end
"""


def app_env(**extra) -> dict:
    """The settings of every server: PostgreSQL, Redis, the built guide, limits out of the way."""
    env = dict(os.environ, FLASK_SQLALCHEMY_DATABASE_URI=DB, FLASK_RATELIMIT_STORAGE_URI=REDIS)
    env.update(FLASK_SECRET_KEY="bench-only", FLASK_HELP_SITE_DIR=SITE, NO_MKDOCS_2_WARNING="1")
    for key in ("LOGIN_FAILURES_PER_IP", "LOGIN_FAILURES_PER_ACCOUNT", "MAIL_ACTIONS_PER_IP"):
        env[f"FLASK_{key}"] = '"100000 per minute"'
    env.update(FLASK_MAIL_ACTIONS_PER_EMAIL='"100000 per minute"', BENCH_PASSWORD=PASSWORD)
    return dict(env, BENCH_DB=DB, BENCH_EMAIL=EMAIL, **{key: str(v) for key, v in extra.items()})


def bare_app():
    """Started by gunicorn: a bare Flask app answering the guide page's bytes, nothing else."""
    from flask import Flask

    body = (Path(SITE) / GUIDE.removeprefix("/help/") / "index.html").read_bytes()
    app = Flask("bare")
    app.add_url_rule(GUIDE, "page", lambda: (body, {"Content-Type": "text/html; charset=utf-8"}))
    return app


class Server:
    """A gunicorn master started with the shared settings, stopped by its own pid."""

    def __init__(self, name: str, target: str, port: int, env: dict):
        self.url, self.log = f"http://127.0.0.1:{port}", open(LOGS / f"{name}.log", "wb")
        cmd = [BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{port}", target]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=app_env(**env), stdout=self.log, stderr=-2)
        for _ in range(150):  # 30 s at most
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited, see {self.log.name}")
            try:
                fetch(self.url + "/")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{name} not ready after 30 s")

    def workers(self, field: str) -> list[int]:
        """One ``ps`` field of each worker (pid, rss in KiB)."""
        ps = ["ps", "-o", f"{field}=", "--ppid", str(self.proc.pid)]
        return sorted(map(int, subprocess.run(ps, capture_output=True, timeout=10).stdout.split()))

    def rss_mb(self) -> str:
        return "/".join(f"{kib / 1024:.1f}" for kib in self.workers("rss"))

    def cpu_s(self) -> float:
        """User + system CPU seconds the workers have used: what other people's load spares."""
        stats = [Path(f"/proc/{pid}/stat").read_text() for pid in self.workers("pid")]
        ticks = sum(sum(map(int, stat.rsplit(")")[1].split()[11:13])) for stat in stats)
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()  # gunicorn's graceful stop; nothing if it has exited
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@contextmanager
def servers(**targets):
    """Start ``name=(target, env)`` servers on ports 8101…; stop them all on the way out."""
    with ExitStack() as stack:
        started = {}
        for port, (name, (target, env)) in enumerate(targets.items(), start=8101):
            started[name] = Server(name, target, port, env)
            stack.callback(started[name].stop)
        yield started


def fetch(url: str, body: str | None = None, **headers):
    """One request, a redirect not followed: (status, headers, body)."""
    parts = urllib.parse.urlsplit(url)
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    with closing(http.client.HTTPConnection(parts.netloc, timeout=30)) as connection:
        connection.request("GET" if body is None else "POST", parts.path, body, headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()


def wrk(url: str, lua: str = "", seconds: int = SECONDS, **env) -> dict:
    """One wrk run: requests/s and p50 (ms); a run with any error is refused."""
    cmd = ["wrk", *WRK, f"-d{seconds}s", "-H", "Accept-Encoding: gzip"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(lua)
        script.flush()
        run = {"capture_output": True, "text": True, "env": dict(os.environ, **env)}
        out = subprocess.run(cmd + ["-s", script.name, url], timeout=seconds + 30, **run).stdout
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out):
        raise RuntimeError(f"{url}: {bad[0]}")
    p50, unit = re.search(r"^\s+50(?:\.000)?%\s+([\d.]+)(us|ms|s)\b", out, re.M).groups()
    p50 = round(float(p50) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)
    count = int(re.search(r"(\d+) requests in", out)[1])
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), "p50": p50, "n": count}


def side_by_side(labels, load: Callable[[str], dict]) -> dict[str, list[dict]]:
    """``load(label)`` for each peer once per round, the order rotated every round."""
    labels, out = list(labels), {label: [] for label in labels}
    for index in range(ROUNDS):
        for label in labels[index % len(labels) :] + labels[: index % len(labels)]:
            out[label].append(load(label))
        line = ", ".join(f"{k} {v[-1]['rps']} req/s p50 {v[-1]['p50']} ms" for k, v in out.items())
        print(f"  round {index + 1}: {line}", flush=True)
    return out


def spread(values: list[float], unit: str = "×") -> str:
    """``median (each round)`` of one figure."""
    return f"{statistics.median(values):,.2f}{unit} ({' / '.join(f'{v:,.2f}' for v in values)})"


def rps(runs: list[dict]) -> str:
    cpu = statistics.median(run["cpu"] for run in runs)
    return " / ".join(f"{run['rps']:,.0f}" for run in runs) + f" req/s; {cpu:.2f} ms CPU"


def form(url: str, **fields) -> dict:
    """wrk's environment for one POST of the form at ``url`` by a new visitor."""
    status, headers, page = fetch(url)
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page.decode())[0]
    fields["csrf_token"] = re.search(r'value="([^"]+)"', field)[1]
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    return {"BENCH_COOKIE": cookie, "BENCH_BODY": urllib.parse.urlencode(fields, safe="@")}


def compare(path: str, base: str, **peers) -> dict:
    """GET ``path`` of ours and ``base`` with wrk, side by side: the ratios of each round."""
    with servers(**peers) as started:

        def load(name):  # and the workers' CPU per request, less sensitive to others' load
            before, result = started[name].cpu_s(), wrk(started[name].url + path)
            return dict(result, cpu=(started[name].cpu_s() - before) * 1000 / result["n"])

        runs = side_by_side(started, load)
    pairs = list(zip(runs["ours"], runs[base], strict=True))
    rate, cpu = [a["rps"] / b["rps"] for a, b in pairs], [b["cpu"] / a["cpu"] for a, b in pairs]
    figure = f"{spread(rate)} req/s; {spread(cpu)} less CPU per request"
    ours, theirs = rps(runs["ours"]), rps(runs[base])
    return dict(value=statistics.median(rate), figure=figure, ours=ours, base=theirs, runs=runs)


def inner(what: str, count: int) -> None:
    """Child process: the best CPU ms per call, 3 × ``count`` sign-ins or verifications."""
    os.environ.update(app_env())
    sys.path.insert(0, str(ROOT))
    from site_app import create_app
    from site_app.accounts import passwords
    from site_app.accounts import rules as accounts

    app = create_app({"OUTBOX_DELIVERY": "worker"})
    client = app.test_client(use_cookies=False)  # like wrk: one cookie, sent by hand
    page = client.get("/login")
    client.environ_base["HTTP_COOKIE"] = page.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)[1]
    fields = {"csrf_token": token, "email": EMAIL, "password": PASSWORD}
    with app.app_context():
        stored = accounts.find_user(EMAIL).password_hash

    def call():
        if what == "verify":
            with app.app_context():
                assert passwords.verify_password(stored, PASSWORD)
        else:
            assert client.post("/login", data=fields).status_code == 302

    accounts.verify_password = lambda password_hash, password: True  # argon2id apart
    call()
    best = min(timeit.repeat(call, timer=time.process_time, repeat=3, number=count))
    print(round(best / count * 1000, 2))


def signin() -> dict:
    def child(what, count, tool=()):
        cmd = [*tool, BIN / "python", __file__, "--inner", what, str(count)]
        return subprocess.Popen(cmd, env=app_env(), stdout=-1, stderr=-1, text=True)

    cpu = {w: float(child(w, n).communicate(timeout=600)[0]) for w, n in CPU_CALLS.items()}
    grind = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")
    procs = {(w, n): child(w, n, grind) for w, ns in GRIND_CALLS.items() for n in ns}
    out = {key: proc.communicate(timeout=1800)[1] for key, proc in procs.items()}
    count = {key: int(re.search(r"Collected : (\d+)", text)[1]) for key, text in out.items()}
    each = {w: (count[w, b] - count[w, a]) / 3 / (b - a) for w, (a, b) in GRIND_CALLS.items()}
    pair = {"CPU time": cpu, "instructions": each}
    share = {k: 100 * v["signin"] / (v["signin"] + v["verify"]) for k, v in pair.items()}
    ours, base = (f"{cpu[w]} ms CPU, {each[w] / 1e6:.1f} M instructions" for w in CPU_CALLS)
    figure = " · ".join(f"{key} {value:.1f} %" for key, value in share.items())
    return dict(value=share["instructions"], figure=figure, ours=ours, base=base)


class Sink:
    """An SMTP server's handler (aiosmtpd) answering each mail after ``delay`` seconds."""

    def __init__(self, delay):
        self.delay, self.count = delay, 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        await asyncio.sleep(self.delay)
        self.count += 1
        return "250 OK"


def signup() -> dict:
    from aiosmtpd.controller import Controller

    sinks, peers = {"slow": Sink(2.0), "instant": Sink(0.0)}, {}
    with ExitStack() as stack:
        for name, sink in sinks.items():
            with socket.socket() as sock:  # Controller(port=0) fails: pick the port here
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            controller = Controller(sink, hostname="127.0.0.1", port=port)
            controller.start()
            stack.callback(controller.stop)
            peers[name] = (APP[0], {"FLASK_MAIL_SERVER": "127.0.0.1", "FLASK_MAIL_PORT": port})
        with servers(**peers) as started:
            new = {"email": "NEW@bench.example.org", "password": PASSWORD}
            envs = {name: form(server.url + "/signup", **new) for name, server in started.items()}

            def load(name):
                env = dict(envs[name], BENCH_PREFIX=f"s{time.time_ns()}-")
                return wrk(started[name].url + "/signup", POST_LUA, **env)

            runs = side_by_side(started, load)
    delta = [a["p50"] - b["p50"] for a, b in zip(*runs.values(), strict=True)]
    ours, base = (f"p50 {' / '.join(str(r['p50']) for r in runs[n])} ms" for n in sinks)
    mails = ", ".join(f"{name} {sink.count}" for name, sink in sinks.items())
    figure, extra = "Δp50 " + spread(delta, " ms"), {"mails the SMTP servers accepted": mails}
    value = statistics.median(delta)  # slower with a slow server: the response waited for it
    return dict(value=value, figure=figure, ours=ours, base=base, extra=extra, runs=runs)


def purge(expired: int = 100_000, active: int = 900_000, recent: int = 5_000) -> dict:
    from sqlalchemy import event, text

    from site_app import create_app
    from site_app.accounts import rules as accounts
    from site_app.clock import utcnow
    from site_app.extensions import db

    app, plans, now, total = create_app(), [], utcnow(), expired + active + recent

    def explain(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("DELETE FROM USERS"):
            cursor.execute("EXPLAIN " + statement, parameters)
            plans.append(" / ".join(row[0].strip() for row in cursor.fetchall()))

    fill = text(  # 1…expired: never activated, too old; then activated long ago; then new
        "INSERT INTO users (email, password_hash, locale, security_stamp, created_at,"
        " activated_at) SELECT 'purge-' || g || '@bench.example.org', 'x', 'fr', 'purge-' || g,"
        f" CASE WHEN g > {expired + active} THEN :now ELSE :then END, CASE WHEN g > {expired}"
        f" AND g <= {expired + active} THEN :now END FROM generate_series(1, {total}) AS g"
    )
    clear = text("DELETE FROM users WHERE email LIKE 'purge-%'")
    with app.app_context():
        then = now - 2 * app.config["ACTIVATION_DELAY"]
        db.session.execute(clear)
        db.session.execute(fill, {"now": now, "then": then})
        db.session.execute(text("ANALYZE users"))  # fresh statistics, as autovacuum gives
        db.session.commit()
        event.listen(db.engine, "before_cursor_execute", explain)
        start = time.perf_counter()
        deleted = accounts.purge_unactivated_accounts()
        seconds = time.perf_counter() - start
        event.remove(db.engine, "before_cursor_execute", explain)
        left = db.session.scalar(text("SELECT count(*) FROM users WHERE email LIKE 'purge-%'"))
        db.session.execute(clear)
        db.session.commit()
    assert deleted >= expired and left == active + recent, (deleted, left)
    figure = f"{seconds:.2f} s; " + " → ".join(re.findall(r"(?:\w+ )*Scan on \w+", plans[0]))
    index, ours = "ix_users_unactivated" in plans[0], f"{deleted:,} of {total:,} deleted"
    return dict(value=seconds, figure=figure, ours=ours, base="–", index=index, plan=plans[0])


def memory() -> dict:
    stages = {}
    with servers(ours=APP, fs=FS) as started:
        time.sleep(3)
        stages["idle"] = {name: s.rss_mb() for name, s in started.items()}
        for server in started.values():
            wrk(server.url + "/login", seconds=5)
        stages["after GET /login"] = {name: s.rss_mb() for name, s in started.items()}
        for server in started.values():
            env = form(url := server.url + "/login", email=EMAIL, password=PASSWORD)
            assert fetch(url, env["BENCH_BODY"], Cookie=env["BENCH_COOKIE"])[0] == 302
            wrk(url, POST_LUA, seconds=5, **env)
        time.sleep(2)
        stages["2 s after sign-ins"] = {name: s.rss_mb() for name, s in started.items()}
    ours, base = (" · ".join(f"{k} {v[n]}" for k, v in stages.items()) for n in ("ours", "fs"))
    return dict(value=None, figure="MB per worker", ours=ours, base=base)


def docs_build(pages: int = 200) -> dict:
    """``make docs``' build (``mkdocs build --strict``), the guide grown to ``pages`` per language.

    The guide is ``bench/big_guide.py``'s copy (the real pages, numbered, in a 200-entry
    navigation); wall time and the build's CPU time, ``ROUNDS`` builds one after the other.
    """
    import big_guide  # bench/big_guide.py, beside this file

    walls, cpus, env = [], [], dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with tempfile.TemporaryDirectory(prefix="bench-docs-") as work:
        guide = big_guide.make_copy(Path(work) / "guide", pages)
        count = pages * len(big_guide.languages_of((guide / "mkdocs.yml").read_text("utf-8")))
        for index in range(ROUNDS):
            build = [BIN / "mkdocs", "build", "--strict", "-d", Path(work) / f"site{index}"]
            before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
            subprocess.run(build, cwd=guide, env=env, check=True, capture_output=True, timeout=900)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            print(f"  round {index + 1}: {walls[-1]:.1f} s, CPU {cpus[-1]:.1f} s", flush=True)
    each = statistics.median(cpus) * 1000 / count
    figure = f"{spread(walls, ' s')}; CPU {spread(cpus, ' s')}: {each:.0f} ms per page and language"
    ours = f"{count} pages ({pages} × {count // pages} languages)"
    return dict(value=statistics.median(walls), figure=figure, ours=ours, base="–")


Scenario = namedtuple("Scenario", "key name request baseline settings goal measure met")


SCENARIOS = [
    Scenario(
        "login", "Sign-in page", "GET /login, a new visitor each time (wrk keeps no cookie)",
        "Flask-Security-Too 5.9's /login (`bench/fs_app.py`)", SERVED, "≥ 1.5× its req/s",
        lambda: compare("/login", "fs", ours=APP, fs=FS), lambda r: r["value"] >= 1.5,
    ),
    Scenario(
        "guide", "Guide page", f"GET {GUIDE}, gzip", "a bare Flask page of the same HTML bytes",
        SERVED, "≥ 0.8× its req/s", lambda: compare(GUIDE, "bare", ours=APP, bare=BARE),
        lambda r: r["value"] >= 0.8,
    ),
    Scenario(
        "signin", "Sign-in: CPU beyond argon2id", "POST /login, right password, the "
        "verification stubbed out", "one argon2id verification (t=2, m=19 MiB, p=1)",
        "in-process (Flask test client, PostgreSQL, Redis); instructions by valgrind",
        "≤ 10 % of a sign-in", signin, lambda r: r["value"] <= 10,
    ),
    Scenario(
        "signup", "Sign-up, slow mail server", "POST /signup, SMTP answering after 2 s",
        "the same, SMTP answering at once", SERVED + ", background delivery",
        "p50 at most 50 ms slower", signup, lambda r: r["value"] <= 50,
    ),
    Scenario(
        "purge", "Purge of expired accounts", "`accounts.purge_unactivated_accounts()`: "
        "100,000 expired among 1,005,000 accounts", "–", "PostgreSQL, fresh ANALYZE",
        "< 2 s, index in the plan", purge, lambda r: r["value"] < 2 and r["index"],
    ),
    Scenario(
        "memory", "Worker memory", "RSS of each worker (MB): idle, after 5 s of GET /login, "
        "2 s after 5 s of sign-ins", "Flask-Security-Too's workers, same load", SERVED,
        "report", memory, None,
    ),
    Scenario(
        "docs", "Docs build, 200 pages × 3 languages", "`mkdocs build --strict` (`make docs`) of "
        "the guide grown by `bench/big_guide.py`", "–", f"one build at a time, {ROUNDS} builds",
        "report", docs_build, None,
    ),
]  # fmt: skip
#: Scenarios that need neither the app's servers nor its database (no `prepare()`).
STANDALONE = {"docs"}


def git(*args) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def prepare() -> None:
    """The guide built, the database migrated, the same account in both apps."""
    LOGS.mkdir(exist_ok=True), RESULTS.mkdir(exist_ok=True)
    os.environ.update(app_env())
    if not (Path(SITE) / "topics.json").exists():
        mkdocs = [BIN / "mkdocs", "build", "--strict", "-d", SITE]
        subprocess.run(mkdocs, cwd=ROOT, check=True, timeout=900)
    compress = [BIN / "python", "-m", "whitenoise.compress", "-q", SITE]  # as `make docs`
    subprocess.run(compress, check=True, timeout=600)
    url = urllib.parse.urlsplit(DB)  # createdb fails harmlessly if the database exists
    createdb = ["createdb", "-h", url.hostname, "-U", url.username, url.path.lstrip("/")]
    subprocess.run(createdb, capture_output=True, timeout=60)
    upgrade = [BIN / "flask", "--app", "site_app", "db", "upgrade"]
    subprocess.run(upgrade, cwd=ROOT, check=True, capture_output=True, timeout=300)
    sys.path.insert(0, str(ROOT))
    from bench import fs_app
    from site_app import create_app
    from site_app.accounts import rules as accounts

    fs_app.create_app(setup=True)
    with create_app({"OUTBOX_DELIVERY": "worker"}).test_request_context("/"):  # mail links
        if accounts.find_user(EMAIL) is None:
            accounts.register(EMAIL, PASSWORD, "fr")
            accounts.activate(accounts.find_user(EMAIL), "fr")


def run(keys: list[str]) -> Path:
    """Measure the scenarios named by ``keys``; add them to this commit's results file."""
    RESULTS.mkdir(exist_ok=True)
    dirty = git("status", "--porcelain", "--", "site_app", "bench/*.py") and "-dirty"
    path = RESULTS / f"{git('rev-parse', '--short', 'HEAD')}{dirty or ''}.json"
    data = json.loads(path.read_text()) if path.exists() else {"scenarios": {}}
    data.update(commit=path.stem, date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    data["machine"] = f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the start"
    data["settings"] = f"{SERVED}; {ROUNDS} rounds, the order rotated each round"
    for scenario in SCENARIOS:
        if scenario.key in keys:
            print(f"{scenario.name}: {scenario.request} vs {scenario.baseline}", flush=True)
            result = scenario.measure()
            result["met"] = scenario.met(result) if scenario.met else None
            data["scenarios"][scenario.key] = result
            print(f"  → {result['figure']} (met: {result['met']})", flush=True)
            path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def table() -> None:
    """Rewrite bench/README.md between its markers: the last run, then one line per commit."""
    runs = [json.loads(path.read_text()) for path in RESULTS.glob("[0-9a-f]*.json")]
    runs.sort(key=lambda data: data["date"])
    last, goals = runs[-1], [scenario for scenario in SCENARIOS if scenario.met]
    lines = [f"Last run: `{last['commit']}`, {last['date']}, {last['machine']}; {last['settings']}"]
    lines += ["", "| scenario | ours | baseline | figure | goal | met? |", "|---" * 6 + "|"]
    for s in SCENARIOS:
        if result := last["scenarios"].get(s.key):
            met = {True: "**yes**", False: "**no**", None: "–"}[result["met"]]
            cells = (result["ours"], f"{s.baseline}: {result['base']}", result["figure"], s.goal)
            lines.append(f"| {s.name}: {s.request} | {' | '.join(cells)} | {met} |")
            lines += [f"| ↳ {k} | {v} | | | | |" for k, v in result.get("extra", {}).items()]
    lines += ["", f"| commit | date | {' | '.join(s.name for s in goals)} |"]
    lines.append("|---" * (len(goals) + 2) + "|")
    for data in runs:
        cells = [data["scenarios"].get(s.key, {}).get("figure", "") for s in goals]
        if any(cells):  # a run of report-only scenarios (docs) has no line here
            lines.append(f"| `{data['commit']}` | {data['date']} | {' | '.join(cells)} |")
    begin, end = "<!-- bench-table -->\n", "<!-- /bench-table -->"
    head, rest = README.read_text().split(begin)
    README.write_text(head + begin + "\n".join(lines) + "\n" + end + rest.split(end)[1])


def main(argv: list[str]) -> None:
    if argv[:1] == ["--inner"]:
        return inner(argv[1], int(argv[2]))
    if argv[:1] != ["--table"]:
        keys = argv or [scenario.key for scenario in SCENARIOS]
        assert set(keys) <= {s.key for s in SCENARIOS}, f"scenarios: {[s.key for s in SCENARIOS]}"
        if set(keys) - STANDALONE:
            prepare()
        print("wrote", run(keys), flush=True)
    table()


if __name__ == "__main__":
    main(sys.argv[1:])
