"""CPU time per request in-process (time.process_time, less sensitive to a busy machine)
for a few configuration variants: what each suggested app change would save.

    .venv/bin/python bench/variants.py
"""

import os
import sys
import time

from common import ROOT, app_env, save

os.environ.update(app_env())
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from site_app import create_app  # noqa: E402


def cpu_ms(app, path, n=300, headers=None):
    client = app.test_client()
    for _ in range(30):
        client.get(path, headers=headers).close()
    best = 1e9
    for _ in range(3):
        start = time.process_time()
        for _ in range(n):
            response = client.get(path, headers=headers)
            response.get_data()
            response.close()
        best = min(best, (time.process_time() - start) / n * 1000)
    return round(best, 3)


def bare(size):
    app = Flask("bare")
    body = b"x" * size
    app.add_url_rule("/", "page", lambda: (body, 200, {"Content-Type": "text/html"}))
    return app


def proto():
    from help_static_proto import wrap

    return wrap(create_app())


def main():
    results = {
        "bare 2953 B": cpu_ms(bare(2953), "/"),
        "GET /login default": cpu_ms(create_app(), "/login"),
        "GET /login WTF_I18N_ENABLED=False": cpu_ms(create_app({"WTF_I18N_ENABLED": False}), "/login"),
        "GET /login RATELIMIT_ENABLED=False": cpu_ms(create_app({"RATELIMIT_ENABLED": False}), "/login"),
        "GET /login both off": cpu_ms(create_app({"RATELIMIT_ENABLED": False, "WTF_I18N_ENABLED": False}), "/login"),
        "bare 26444 B": cpu_ms(bare(26444), "/"),
        "GET guide gzip default": cpu_ms(create_app(), "/help/create-account/", headers={"Accept-Encoding": "gzip"}),
        "GET guide gzip RATELIMIT_ENABLED=False": cpu_ms(create_app({"RATELIMIT_ENABLED": False}), "/help/create-account/", headers={"Accept-Encoding": "gzip"}),
        "GET guide gzip, help_static_proto middleware": cpu_ms(proto(), "/help/create-account/", headers={"Accept-Encoding": "gzip"}),
        "GET guide identity default": cpu_ms(create_app(), "/help/create-account/"),
        "GET guide identity, help_static_proto middleware": cpu_ms(proto(), "/help/create-account/"),
    }
    for name, value in results.items():
        print(f"{value:7.3f} ms CPU  {name}", flush=True)
    save("variants", results)


if __name__ == "__main__":
    main()
