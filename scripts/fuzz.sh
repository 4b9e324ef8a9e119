#!/usr/bin/env bash
# Runs every libFuzzer target of a WDSL_FUZZ=ON build for a bounded time.
#
#   scripts/fuzz.sh [BUILD_DIR]     (make fuzz calls it with build-fuzz)
#
# A fuzz target is an executable named fuzz_<what> anywhere in the build.
# Its seed corpus is tests/fuzz/corpus/<what>/ when that folder exists, plus
# every .w file under examples/ and tests/; new inputs it finds go to
# BUILD_DIR/fuzz-corpus/<what>/ (never into the source tree), crashes to
# BUILD_DIR/fuzz-crashes/. FUZZ_SECONDS (default 60) bounds each target.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir="${1:-build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"

mapfile -t targets < <(find "$build_dir" -type f -executable -name 'fuzz_*' \
                         -not -path '*/CMakeFiles/*' | sort)
if ((${#targets[@]} == 0)); then
  echo "fuzz: no fuzz_* targets in $build_dir (none written yet?)"
  exit 0
fi

seeds="$build_dir/fuzz-seeds"
rm -rf "$seeds" && mkdir -p "$seeds"
find examples tests -name '*.w' -type f 2>/dev/null | while read -r f; do
  cp "$f" "$seeds/$(echo "$f" | tr '/' '_')"
done

status=0
for target in "${targets[@]}"; do
  name="$(basename "$target")"
  what="${name#fuzz_}"
  corpus="$build_dir/fuzz-corpus/$what"
  crashes="$build_dir/fuzz-crashes/$what"
  mkdir -p "$corpus" "$crashes"
  dirs=("$corpus" "$seeds")
  [[ -d "tests/fuzz/corpus/$what" ]] && dirs+=("tests/fuzz/corpus/$what")
  echo "== $name for ${seconds}s (corpus: ${dirs[*]})"
  if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
         -artifact_prefix="$crashes/" -print_final_stats=1 "${dirs[@]}" </dev/null; then
    echo "fuzz: $name found a failure; inputs in $crashes/" >&2
    status=1
  fi
done
exit "$status"
