#!/usr/bin/env bash
# Measures wdsl against Wing's own test programs (github.com/winglang/wing):
#   tests/valid/*.w    how many parse (`wdsl check --phase=parse`), check
#                      (`--phase=check`) and compile (`wdsl check`: preflight
#                      and the IR passes too); the rest name what they need
#   tests/invalid/*.w  how many wdsl rejects (each should be rejected)
# Programs outside LANGUAGE.md's subset (jsii/cdk modules, `fs`, `math`,
# variadic parameters, `@type`) fail in the first group by design; the first
# error of each failure is printed so the reasons can be reviewed.
#
#   bench/wing_corpus.sh WING_CHECKOUT [WDSL]
set -euo pipefail
wing="${1:?usage: bench/wing_corpus.sh WING_CHECKOUT [WDSL]}"
wdsl="${2:-$(dirname "${BASH_SOURCE[0]}")/../build/cli/wdsl}"
[[ -d "$wing/tests/valid" && -d "$wing/tests/invalid" ]] || { echo "no tests/valid and tests/invalid under $wing" >&2; exit 2; }
[[ -x "$wdsl" ]] || { echo "no wdsl binary at $wdsl (make build)" >&2; exit 2; }
wdsl="$(realpath "$wdsl")"

first_error() { grep -m1 -E 'error\[' "$1" | cut -c1-160 || true; }
err="$(mktemp)"
trap 'rm -f "$err"' EXIT

total=0 parsed=0 checked=0 compiled=0
cd "$wing/tests/valid"
for f in *.w; do
  total=$((total + 1))
  if timeout 10 "$wdsl" check "$f" --phase=parse >/dev/null 2>"$err"; then
    parsed=$((parsed + 1))
    if timeout 10 "$wdsl" check "$f" --phase=check >/dev/null 2>"$err"; then
      checked=$((checked + 1))
      if timeout 10 "$wdsl" check "$f" >/dev/null 2>"$err"; then
        compiled=$((compiled + 1))
      else
        echo "  preflight/passes: $(first_error "$err")"
      fi
    else
      echo "  check: $(first_error "$err")"
    fi
  else
    echo "  parse: $(first_error "$err")"
  fi
done
echo "tests/valid:   $total programs, $parsed parse and load, $checked check, $compiled compile (preflight and passes)"

total=0 rejected=0
cd "$wing/tests/invalid"
for f in *.w; do
  total=$((total + 1))
  if timeout 10 "$wdsl" check "$f" >/dev/null 2>&1; then
    echo "  accepted: $f"
  else
    rejected=$((rejected + 1))
  fi
done
echo "tests/invalid: $total programs, $rejected rejected"
