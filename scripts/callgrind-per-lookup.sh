#!/bin/sh
# Instructions per lookup under callgrind: (Ir with N lookups - Ir with 0) / N, for each engine
# and key mix. Usage: scripts/callgrind-per-lookup.sh [N]   (default N = 200000)
# MIXES="hit miss" and ENGINES="psp_status_outline foldhash_outline" run a subset.
# Prints: engine mix instructions-per-lookup (engine `none`: the loop alone, no lookup;
# `…_outline`: the lookup called through an #[inline(never)] function, as a service with
# several call sites calls it, instead of inlined into the loop).
# N is rounded up to whole passes over each mix, and the division uses the lookups that ran.
set -eu
N=${1:-200000}
cargo build --quiet --release --features bench-baselines --example callgrind_lookup
BIN=target/release/examples/callgrind_lookup
# Prints "instructions lookups" for one run.
ir() {
    out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN" "$@" 2>&1)
    echo "$(echo "$out" | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')" \
        "$(echo "$out" | sed -n 's/.*: \([0-9]*\) lookups.*/\1/p')"
}
for mix in ${MIXES:-hit miss prefix range ci resolve3}; do
    engines="none psp_status psp_status_outline psp_status_lookup psp_status_lookup_outline foldhash foldhash_outline std_hashmap std_hashmap_outline match match_outline"
    # resolve has no out-of-line variant.
    [ "$mix" = resolve3 ] && engines="none psp_status foldhash std_hashmap match"
    engines=${ENGINES:-$engines}
    for engine in $engines; do
        if ! "$BIN" "$engine" "$mix" 1 >/dev/null 2>&1; then
            echo "$engine $mix (no such values)"
            continue
        fi
        set -- $(ir "$engine" "$mix" 0)
        zero=$1
        set -- $(ir "$engine" "$mix" "$N")
        echo "$engine $mix $(echo "scale=1; ($1 - $zero) / $2" | bc)"
    done
done
