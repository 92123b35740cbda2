-- POST a fixed form (BENCH_PATH, BENCH_BODY) with a fixed session cookie (BENCH_COOKIE).
-- The CSRF token in the body is tied to that cookie: fetch the pair from a GET first.
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH") or "/login"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
