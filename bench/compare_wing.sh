#!/usr/bin/env bash
# Times the reference Wing compiler against wdsl on one program:
#   wing compile -t sim main.w          (npm winglang, pinned below)
#   build/cli/wdsl build main.w --target ir
# and prints both medians and their ratio.
#
#   bench/compare_wing.sh [PROGRAM.w] [RUNS]
#
# Wing is installed into .tools/wingref/ (gitignored) on first use; when npm
# or its registry cannot be reached the comparison is skipped (exit 0).
# Uses hyperfine when installed (WDSL_NEED_BENCH=1 scripts/setup.sh), else a
# plain loop. Both compilers see the program as main.w in a scratch folder,
# since Wing only accepts an entrypoint named main.w or *.main.w.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

program="${1:-bench/programs/thirty_lines.w}"
runs="${2:-${BENCH_RUNS:-10}}"
wing_version="${WING_VERSION:-0.85.49}"
tools="$root/.tools/wingref"
wing="$tools/node_modules/.bin/wing"
wdsl="$root/build/cli/wdsl"
export WING_DISABLE_ANALYTICS=1

[[ -f "$program" ]] || { echo "compare_wing: no such program: $program" >&2; exit 1; }
program_name="$program"
program="$(realpath "$program")"

skip() {
  echo "compare_wing: skipped: $*"
  exit 0
}

install_wing() {
  command -v npm >/dev/null 2>&1 || skip "npm is not installed (apt-get install npm), so Wing cannot be installed"
  command -v node >/dev/null 2>&1 || skip "node is not installed"
  if ! timeout 60 npm view "winglang@$wing_version" version </dev/null >/dev/null 2>&1; then
    skip "the npm registry does not answer, so winglang@$wing_version cannot be installed"
  fi
  echo "compare_wing: installing winglang@$wing_version into .tools/wingref (once)"
  mkdir -p "$tools"
  (
    cd "$tools"
    [[ -f package.json ]] || npm init -y >/dev/null
    npm install --no-audit --no-fund --loglevel=error "winglang@$wing_version" </dev/null
  ) >"$tools/install.log" 2>&1 || {
    tail -n 20 "$tools/install.log" >&2
    echo "compare_wing: npm install failed (log: .tools/wingref/install.log)" >&2
    exit 1
  }
}

if [[ ! -x "$wing" ]] || [[ "$("$wing" --version 2>/dev/null)" != "$wing_version" ]]; then
  install_wing
fi

work="$(mktemp -d /tmp/wdsl-compare.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp "$program" "$work/main.w"
cd "$work"

wing_cmd="$wing compile -t sim --no-update-check --no-analytics main.w"
wdsl_cmd="$wdsl build main.w --target ir"

# Each compiler must succeed once before it is timed.
if ! $wing_cmd >"$work/wing.out" 2>&1 </dev/null; then
  cat "$work/wing.out" >&2
  echo "compare_wing: Wing rejected $program_name" >&2
  exit 1
fi
have_wdsl=1
if [[ ! -x "$wdsl" ]]; then
  echo "compare_wing: $wdsl is not built (make build); timing Wing only"
  have_wdsl=0
elif ! $wdsl_cmd >"$work/wdsl.out" 2>&1 </dev/null; then
  cat "$work/wdsl.out" >&2
  echo "compare_wing: wdsl rejected $program_name" >&2
  exit 1
fi

# Prints the median wall time of a command in milliseconds.
median_ms() {
  local cmd="$1" i start end
  if command -v hyperfine >/dev/null 2>&1; then
    # -N: no shell in between, so a few-millisecond wdsl run is measured fairly.
    if ! hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/hf.json" \
           "$cmd" </dev/null >/dev/null 2>"$work/hf.err"; then
      cat "$work/hf.err" >&2
      return 1
    fi
    node -e 'const r = require(process.argv[1]).results[0];
             console.log((r.median * 1000).toFixed(1));' "$work/hf.json"
  else
    $cmd >/dev/null 2>&1 </dev/null  # warm-up
    : >"$work/times"
    for ((i = 0; i < runs; i++)); do
      start=$(date +%s%N)
      $cmd >/dev/null 2>&1 </dev/null
      end=$(date +%s%N)
      echo $(((end - start) / 1000)) >>"$work/times"
    done
    sort -n "$work/times" | awk '{ t[NR] = $1 } END {
      m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
      printf "%.1f\n", m / 1000 }'
  fi
}

lines=$(wc -l <"$program")
tool="$(command -v hyperfine >/dev/null 2>&1 && echo hyperfine || echo "a loop")"
echo "compare_wing: $program_name ($lines lines), $runs runs each with $tool"
wing_ms=$(median_ms "$wing_cmd")
echo "  wing $wing_version compile -t sim   median ${wing_ms} ms"
if ((have_wdsl)); then
  wdsl_ms=$(median_ms "$wdsl_cmd")
  echo "  wdsl build --target ir          median ${wdsl_ms} ms"
  awk -v a="$wing_ms" -v b="$wdsl_ms" 'BEGIN {
    if (b > 0) printf "  ratio wing/wdsl: %.1fx\n", a / b; else print "  ratio: n/a" }'
fi
