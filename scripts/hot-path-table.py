#!/usr/bin/env python3
"""Prints the Markdown table of BENCHMARKS.md's hot-path section from criterion's estimates.

Run after `cargo bench --features bench-baselines --bench hot_path`. Each benchmark runs a
stream of queries per iteration; its id ends with the stream length, so time per lookup =
median / n. Ratios are baseline / psp-status for the same call site (out of line or inlined),
from the same run.
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
groups = ["classify_hit", "classify_miss", "rule_prefix", "rule_range", "case_insensitive_hit",
          "resolve_3_signals"]
engines = ["psp_status", "foldhash", "std_hashmap", "match"]


def median(group, bench):
    # The latest run (an older run may have left another stream length).
    runs = sorted((root / group / bench).glob("*/new/estimates.json"),
                  key=lambda f: f.stat().st_mtime)
    if not runs:
        return None
    n = int(runs[-1].parent.parent.name)
    return json.loads(runs[-1].read_text())["median"]["point_estimate"] / n


print("| benchmark | call | psp-status ns | foldhash ns | std HashMap ns | match ns "
      "| foldhash / psp-status | std / psp-status | match / psp-status |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for g in groups:
    for site in ["outline", "inline"]:
        med = {e: median(g, f"{e}_{site}") for e in engines}
        p = med["psp_status"]
        if p is None:
            continue
        cells = [f"{med[e]:.2f}" if med[e] is not None else "–" for e in engines]
        ratios = [f"{med[e] / p:.2f}×" if med[e] is not None else "–" for e in engines[1:]]
        label = "out of line" if site == "outline" else "inlined"
        print(f"| {g} | {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
