"""Where the time of one request goes: cProfile over N in-process requests (no gunicorn).

    .venv/bin/python bench/profile_app.py /login 500
    .venv/bin/python bench/profile_app.py /help/create-account/ 500 gzip
"""

import cProfile
import io
import os
import pstats
import sys
import time

from common import RESULTS, app_env

os.environ.update(app_env())
sys.path.insert(0, str(RESULTS.parent.parent))

from site_app import create_app  # noqa: E402


def by_package(stats) -> str:
    """Own time (tottime) summed per library: which layer the CPU is spent in."""
    import re
    from collections import Counter

    totals = Counter()
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        match = re.search(r"site-packages/([^/]+)", filename)
        if match:
            key = match.group(1)
        elif "/site_app/templates/" in filename:
            key = "site_app templates (compiled Jinja)"
        elif "/site_app/" in filename:
            key = "site_app"
        elif filename.startswith("~") or filename.startswith("<"):
            key = "builtins"
        else:
            key = "stdlib"
        totals[key] += tottime
    total = sum(totals.values())
    lines = [f"own time by library ({total:.2f} s total):"]
    lines += [f"  {100 * value / total:5.1f} %  {name}" for name, value in totals.most_common(14)]
    return "\n".join(lines) + "\n"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/login"
    count = min(int(sys.argv[2]) if len(sys.argv) > 2 else 500, 20000)
    headers = {"Accept-Encoding": "gzip"} if "gzip" in sys.argv[3:] else {}
    app = create_app()
    client = app.test_client()
    for _ in range(20):  # warm-up: templates compiled, connections opened
        client.get(path, headers=headers).close()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        response = client.get(path, headers=headers)
        response.get_data()
        response.close()
    profiler.disable()
    elapsed = time.perf_counter() - start
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    print(f"{path}: {count} requests in {elapsed:.2f}s = {1000 * elapsed / count:.2f} ms/request "
          f"(profiled), status {response.status_code}", file=out)
    print(by_package(stats), file=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    RESULTS.mkdir(exist_ok=True)
    name = path.strip("/").replace("/", "_") or "root"
    (RESULTS / f"profile-{name}.txt").write_text(out.getvalue())
    print(out.getvalue()[:12000])


if __name__ == "__main__":
    main()
