#!/usr/bin/env bash
# Instructions per call, SDK against the hand-written reqwest call, counted by
# callgrind: steady where wall-clock times on a small shared machine are not.
#
#   bash clover-api/benches/callgrind.sh            # 200 and 1200 calls per run
#   LOW=100 HIGH=600 bash clover-api/benches/callgrind.sh
#
# Each side runs alone in the `ratios` bench binary (CLOVER_BENCH_ONLY), once
# with LOW calls and once with HIGH; the difference divided by HIGH-LOW is the
# cost of one call, start-up (certificate loading, connection, warm-up) taken
# out. Both threads are counted: the client and the loopback server, which is
# the same work for both sides. The .out files stay in $OUT for
# callgrind_annotate.
set -euo pipefail

LOW=${LOW:-200}
HIGH=${HIGH:-1200}
OUT=${OUT:-target/callgrind}

command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
cd "$(dirname "$0")/../.."
binary=$(cargo bench -p clover-api --bench ratios --no-run --message-format=json 2>/dev/null |
  grep -o '"executable":"[^"]*"' | tail -1 | cut -d'"' -f4)
[ -x "$binary" ] || { echo "could not build the ratios bench" >&2; exit 1; }
mkdir -p "$OUT"

count() { # side op calls -> total instructions
  CLOVER_BENCH_ONLY=$1 CLOVER_BENCH_OP=$2 CLOVER_BENCH_COUNT=$3 \
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$1-$2-$3.out" "$binary" --bench 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}

for op in create_charge get_charge decode; do
  declare -A per_call=()
  for side in sdk raw; do
    low=$(count "$side" "$op" "$LOW")
    high=$(count "$side" "$op" "$HIGH")
    per_call[$side]=$(( (high - low) / (HIGH - LOW) ))
  done
  if [ "$op" = decode ]; then names=(from_slice path_to_error); else names=(sdk raw); fi
  awk -v op="$op" -v a="${names[0]}" -v b="${names[1]}" -v s="${per_call[sdk]}" -v r="${per_call[raw]}" \
    'BEGIN { printf "%s: %s %d instructions/call, %s %d instructions/call, %s/%s = %.3f\n", op, a, s, b, r, a, b, s / r }'
  unset per_call
done
