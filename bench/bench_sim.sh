#!/usr/bin/env bash
# Simulator figures (issue #4; docs/simulator.md, "Figures"):
#   1. time from `wdsl run --sim` to ready (.wdsl/endpoints.json written) for
#      a generated app of 50 resources, median of RUNS, with a fresh state
#      and a fresh manifest each time (target < 200 ms), and again with an
#      up-to-date manifest;
#   2. Api requests per second with wrk on 127.0.0.1 against a trivial
#      handler, side by side with a static file served by busybox httpd;
#   3. the interpreter on a loop of 10^6 iterations (`wdsl test`).
# Everything listens on 127.0.0.1 only and stops by itself.
#
#   bench/bench_sim.sh [RUNS]      (make bench runs it; wrk and busybox come
#                                   from WDSL_NEED_BENCH=1 scripts/setup.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
runs="${1:-10}"
wdsl="$root/build/cli/wdsl"
gen="$root/build/bench/bench_compile"
[[ -x "$wdsl" && -x "$gen" ]] || { echo "bench_sim: build first (make build)" >&2; exit 2; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]+"${pids[@]}"}"; do kill -INT "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts `wdsl run --sim` in $1 on port $2 and waits for endpoints.json;
# sets ready_ms to the milliseconds it took.
ready_ms=0
start_sim() {
  local dir="$1" port="$2" start
  rm -f "$dir/.wdsl/endpoints.json"
  start=$(now_ms)
  (cd "$dir" && exec "$wdsl" run --sim main.w --port "$port" >"$dir/run.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 2000); do
    if [[ -f "$dir/.wdsl/endpoints.json" ]]; then
      ready_ms=$(( $(now_ms) - start ))
      return 0
    fi
    sleep 0.005
  done
  echo "bench_sim: the simulator did not get ready; its log:" >&2
  cat "$dir/run.log" >&2
  exit 1
}
stop_sim() {
  local pid="${pids[-1]}"
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'pids[-1]'
}

echo "== 1. wdsl run --sim to ready, 50 resources, median of $runs"
app="$work/app50"
mkdir -p "$app"
"$gen" --emit 50 > "$app/main.w"
cold=() warm=()
for _ in $(seq 1 "$runs"); do
  rm -rf "$app/.wdsl" "$app/target"
  start_sim "$app" 0
  cold+=("$ready_ms")
  stop_sim
  rm -rf "$app/.wdsl"
  start_sim "$app" 0
  warm+=("$ready_ms")
  stop_sim
done
echo "  compile + start:            $(printf '%s\n' "${cold[@]}" | median) ms (target < 200 ms)"
echo "  up-to-date manifest, start: $(printf '%s\n' "${warm[@]}" | median) ms"

echo "== 2. requests per second on 127.0.0.1 (wrk -t2 -c16 -d5s)"
if command -v wrk >/dev/null && command -v busybox >/dev/null; then
  api="$work/api"
  mkdir -p "$api/static"
  cat > "$api/main.w" <<'EOF'
bring cloud;
let api = new cloud.Api() as "api";
api.get("/", inflight (req: cloud.ApiRequest): cloud.ApiResponse => {
  return cloud.ApiResponse { status: 200, body: "ok" };
});
EOF
  printf 'ok' > "$api/static/index.html"
  port=$(free_port)
  start_sim "$api" "$port"
  sim_rps=$(wrk -t2 -c16 -d5s "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}')
  stop_sim
  port=$(free_port)
  busybox httpd -f -p "127.0.0.1:$port" -h "$api/static" &
  pids+=($!)
  sleep 0.3
  bb_rps=$(wrk -t2 -c16 -d5s "http://127.0.0.1:$port/index.html" | awk '/Requests\/sec/ {print $2}')
  kill "${pids[-1]}" 2>/dev/null || true
  wait "${pids[-1]}" 2>/dev/null || true
  unset 'pids[-1]'
  echo "  wdsl Api, inflight handler: $sim_rps req/s"
  echo "  busybox httpd, static file: $bb_rps req/s"
  awk -v a="$sim_rps" -v b="$bb_rps" 'BEGIN {printf "  ratio wdsl/busybox:         %.2f\n", a / b}'
else
  echo "  skipped: wrk or busybox missing (WDSL_NEED_BENCH=1 ./scripts/setup.sh)"
fi

echo "== 3. the interpreter: a loop of 10^6 iterations in a test"
loop="$work/loop"
mkdir -p "$loop"
cat > "$loop/main.w" <<'EOF'
test "a million iterations" {
  let var sum = 0;
  for i in 0..1000000 {
    sum = sum + i % 7;
  }
  assert(sum > 0);
}
test "nothing" {
  assert(true);
}
EOF
(cd "$loop" && "$wdsl" test main.w -t nothing >/dev/null)  # builds the manifest
times=()
for _ in $(seq 1 5); do
  start=$(now_ms)
  (cd "$loop" && "$wdsl" test main.w -t million >/dev/null)
  loop_ms=$(( $(now_ms) - start ))
  start=$(now_ms)
  (cd "$loop" && "$wdsl" test main.w -t nothing >/dev/null)
  base_ms=$(( $(now_ms) - start ))
  times+=($(( loop_ms - base_ms )))
done
ms=$(printf '%s\n' "${times[@]}" | median)
echo "  10^6 iterations: $ms ms ($(awk -v m="$ms" 'BEGIN {printf "%.0f", m * 1e6 / 1e6}') ns per iteration)"
