#!/usr/bin/env bash
# Whole-run benchmark of one scenario under the centralized and the consortium design
# (docs/performance.md): wall time and peak memory from /usr/bin/time, messages and bytes from
# the traces (ebsim compare). Usage:
#   bash bench/compare_designs.sh bench/scenarios/consortium_1k.yaml [BUILD_DIR]
# The scenario must have market.design: consortium; the centralized run uses --set.
set -euo pipefail
scenario=${1:?usage: compare_designs.sh SCENARIO.yaml [BUILD_DIR]}
build=${2:-build}
ebsim="$build/ebsim"
out=$(mktemp -d /tmp/ebsim-bench-XXXXXX)
name=$(basename "$scenario" .yaml)
for design in centralized consortium; do
  /usr/bin/time -f "$design: wall %e s, peak RSS %M KiB" \
    "$ebsim" run "$scenario" -q --set market.design=$design -o "$out/$name-$design.h5" > "$out/$design.txt" 2> "$out/$design.err" || {
      cat "$out/$design.err"; exit 1; }
  grep -E "wall|RSS" "$out/$design.err"
done
"$ebsim" compare "$out/$name-centralized.h5" "$out/$name-consortium.h5"
echo "traces in $out"
