"""CPU per successful POST /login in-process vs one argon2id verification alone.

    .venv/bin/python bench/login_cost.py
"""

import os
import sys
import time

from common import ROOT, app_env, save

os.environ.update(app_env())
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from post_login import EMAIL, PASSWORD, ensure_account  # noqa: E402

from site_app import create_app  # noqa: E402


def main(count=60):
    password_hash, (t, m, p) = ensure_account()
    hasher = PasswordHasher(time_cost=t, memory_cost=m, parallelism=p)
    hasher.verify(password_hash, PASSWORD)
    start_cpu, start = time.process_time(), time.perf_counter()
    for _ in range(count):
        hasher.verify(password_hash, PASSWORD)
    verify = ((time.process_time() - start_cpu) / count * 1000, (time.perf_counter() - start) / count * 1000)
    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    form = {"email": EMAIL, "password": PASSWORD, "next": ""}
    for _ in range(3):
        client.post("/login", data=form).close()
    start_cpu, start = time.process_time(), time.perf_counter()
    for _ in range(count):
        response = client.post("/login", data=form)
        assert response.status_code == 302, response.status_code
        response.close()
    login = ((time.process_time() - start_cpu) / count * 1000, (time.perf_counter() - start) / count * 1000)
    result = {"verify_cpu_ms": round(verify[0], 2), "verify_wall_ms": round(verify[1], 2),
              "post_login_cpu_ms": round(login[0], 2), "post_login_wall_ms": round(login[1], 2),
              "overhead_beyond_verify_wall_ms": round(login[1] - verify[1], 2)}
    print(result)
    save("login_cost", result)


if __name__ == "__main__" and not sys.argv[1:]:
    main()


def profile(count=40):
    """cProfile of successful POST /login requests → results/profile-post-login.txt."""
    import cProfile
    import io
    import pstats

    from common import RESULTS
    from profile_app import by_package

    ensure_account()
    app = create_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    form = {"email": EMAIL, "password": PASSWORD, "next": ""}
    client.post("/login", data=form).close()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        client.post("/login", data=form).close()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    print(by_package(stats), file=out)
    stats.sort_stats("cumulative").print_stats(40)
    (RESULTS / "profile-post-login.txt").write_text(out.getvalue())
    print(out.getvalue()[:9000])


if __name__ == "__main__" and sys.argv[1:] == ["--profile"]:
    profile()
