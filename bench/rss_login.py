"""RSS of one process before/after sign-ins (in-process), to see what the growth is.

    [MALLOC_MMAP_THRESHOLD_=131072] .venv/bin/python bench/rss_login.py
"""
import os
import re
import sys

from common import ROOT, app_env

os.environ.update(app_env())
sys.path.insert(0, str(ROOT))

from post_login import EMAIL, PASSWORD, ensure_account  # noqa: E402

from site_app import create_app  # noqa: E402


def rss():
    return int(re.search(r"VmRSS:\s+(\d+)", open("/proc/self/status").read()).group(1)) / 1024


ensure_account()
app = create_app({"WTF_CSRF_ENABLED": False})
client = app.test_client()
for path in ("/login", "/help/create-account/", "/signup"):
    client.get(path).close()
print(f"after GETs {rss():.1f} MB")
form = {"email": EMAIL, "password": PASSWORD, "next": ""}
client.post("/login", data=form).close()
print(f"after 1 sign-in {rss():.1f} MB")
for _ in range(30):
    client.post("/login", data=form).close()
print(f"after 31 sign-ins {rss():.1f} MB (MALLOC_MMAP_THRESHOLD_={os.environ.get('MALLOC_MMAP_THRESHOLD_')})")
