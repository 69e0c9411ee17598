#!/usr/bin/env python3
"""Prints the Markdown table of BENCHMARKS.md's hot-path section from criterion's estimates.

Run after `cargo bench --features bench-baselines --bench hot_path`. Each benchmark looks up a
whole key mix per iteration; its id ends with the mix length, so time per lookup = median / n.
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
groups = ["classify_hit", "classify_miss", "rule_prefix", "rule_range", "case_insensitive_hit",
          "resolve_3_signals"]
engines = ["psp_status", "std_hashmap", "match"]
print("| benchmark | n | psp-status ns | std HashMap ns | match ns | HashMap / psp-status | match / psp-status |")
print("|---|---:|---:|---:|---:|---:|---:|")
for g in groups:
    med = {}
    n = None
    for e in engines:
        # The latest run (an older run on other tables may have left another mix length).
        runs = sorted((root / g / e).glob("*/new/estimates.json"), key=lambda f: f.stat().st_mtime)
        if runs:
            n = int(runs[-1].parent.parent.name)
            med[e] = json.loads(runs[-1].read_text())["median"]["point_estimate"] / n
    if len(med) < 3:
        print(f"| {g} | – | not run | | | | |")
        continue
    p, h, m = med["psp_status"], med["std_hashmap"], med["match"]
    print(f"| {g} | {n} | {p:.2f} | {h:.2f} | {m:.2f} | {h / p:.1f}× | {m / p:.1f}× |")
