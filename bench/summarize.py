"""Print every pair of bench/results/*.json as a table row (for bench/README.md)."""

import json
import statistics
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def show(name):
    file = RESULTS / f"{name}.json"
    if not file.exists():
        return
    data = json.loads(file.read_text())
    print(f"## {name} ({data.get('date')})")
    blocks = list(data.get("runs", []))
    for extra in data.values():
        if isinstance(extra, dict) and "runs" in extra:
            blocks += extra["runs"]
    for block in blocks:
        ratios = [pair["rps_ratio"] for pair in block["pairs"]]
        print(f"{block['name']}: rps ratios {ratios}, median {statistics.median(ratios)}")
        for pair in block["pairs"]:
            ours, base = pair["ours"], pair["base"]
            print(f"  | {ours['rps']:.1f} | {ours['p50']} | {ours['p99']} | {base['rps']:.1f} | "
                  f"{base['p50']} | {base['p99']} | {pair['rps_ratio']} | {pair['p50_ratio']} | "
                  f"{pair['p99_ratio']} | non-2xx/3xx {ours.get('non2xx3xx')} {ours.get('socket_errors', '')}")
    for key in ("sizes", "rss_idle_mb", "rss_after_mb"):
        if key in data:
            print(f"{key}: {data[key]}")
    for key, value in data.items():
        if isinstance(value, dict) and "rss_after_mb" in value:
            print(f"{key} rss_after_mb: {value['rss_after_mb']}")


for name in ("get_pages", "post_login", "signup"):
    show(name)
