#!/usr/bin/env bash
# Container figures (issue #5; docs/performance.md):
#   1. a no-op `wdsl build` of an app with 5 local images (every tag exists,
#      so no `docker build` runs), median of RUNS (target < 100 ms plus
#      hashing, which bench_hash measures at > 500 MB/s);
#   2. time from `wdsl run --sim` to all 5 containers ready
#      (.wdsl/endpoints.json written), median of 3;
#   3. requests per second with wrk through the router versus straight to
#      the container's published port (busybox httpd, a static file).
# Images are built FROM scratch from Debian's busybox-static; everything
# listens on 127.0.0.1 and stops by itself (containers removed on exit).
#
#   bench/bench_containers.sh [RUNS]   (make bench runs it; needs Docker)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"
runs="${1:-10}"
wdsl="$root/build/cli/wdsl"
[[ -x "$wdsl" ]] || { echo "bench_containers: build first (make build)" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "bench_containers: no Docker engine answers (scripts/docker.sh)" >&2; exit 2; }
[[ "$(ldd /bin/busybox 2>&1 || true)" == *"not a dynamic"* ]] || { echo "bench_containers: needs busybox-static" >&2; exit 2; }

work="$(mktemp -d /tmp/wdsl-bench-containers.XXXXXX)"
app="$work/benchapp"
mkdir -p "$app"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

{
  echo "bring containers;"
  for i in 1 2 3 4 5; do
    mkdir -p "$app/img$i/srv"
    cp /bin/busybox "$app/img$i/busybox"
    echo "image $i" >"$app/img$i/srv/index.html"
    head -c 100000 /dev/urandom >"$app/img$i/srv/blob.bin"
    printf 'FROM scratch\nCOPY busybox /bin/busybox\nCOPY srv /srv\nENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/srv"]\n' \
      >"$app/img$i/Dockerfile"
    echo "new containers.Workload(name: \"w$i\", image: \"./img$i\", port: 8080, public: true, routes: [\"/w$i\"]) as \"w$i\";"
  done
} >"$app/main.w"
for i in 1 2 3 4 5; do mkdir -p "$app/img$i/srv/w$i" && echo "hello $i" >"$app/img$i/srv/w$i/index.html"; done
context_mb=$(du -sm "$app" | cut -f1)

echo "== containers: 5 local images (${context_mb} MB of contexts)"
start=$(now_ms)
(cd "$app" && "$wdsl" build main.w >/dev/null 2>&1)
echo "  first wdsl build (5 docker builds):   $(( $(now_ms) - start )) ms"
times=()
for _ in $(seq 1 "$runs"); do
  start=$(now_ms)
  (cd "$app" && "$wdsl" build main.w >/dev/null 2>&1)
  times+=($(( $(now_ms) - start )))
done
echo "  no-op wdsl build, median of $runs:     $(printf '%s\n' "${times[@]}" | median) ms"

ready=()
for _ in 1 2 3; do
  rm -f "$app/.wdsl/endpoints.json"
  start=$(now_ms)
  (cd "$app" && exec "$wdsl" run --sim main.w --port 0 >"$work/run.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 6000); do [[ -f "$app/.wdsl/endpoints.json" ]] && break; sleep 0.01; done
  [[ -f "$app/.wdsl/endpoints.json" ]] || { cat "$work/run.log" >&2; exit 1; }
  ready+=($(( $(now_ms) - start )))
  [[ ${#ready[@]} -lt 3 ]] && { kill -INT "$pid"; wait "$pid" || true; pid=""; }
done
echo "  wdsl run --sim to 5 containers ready:  $(printf '%s\n' "${ready[@]}" | median) ms (median of 3)"

if command -v wrk >/dev/null; then
  ingress=$(python3 -c "import json; print(json.load(open('$app/.wdsl/endpoints.json'))['ingress']['url'])")
  direct=$(python3 -c "import json; print(json.load(open('$app/.wdsl/endpoints.json'))['root/Default/w1']['replicas'][0]['url'])")
  via=$(wrk -t 2 -c 8 -d 5s "$ingress/w1/" | awk '/Requests\/sec/ {print $2}')
  straight=$(wrk -t 2 -c 8 -d 5s "$direct/w1/" | awk '/Requests\/sec/ {print $2}')
  echo "  wrk, straight to the container:        $straight req/s"
  echo "  wrk, through the router:               $via req/s"
  awk -v a="$via" -v b="$straight" 'BEGIN {printf "  ratio router/direct:                   %.2f\n", a / b}'
else
  echo "  wrk skipped (WDSL_NEED_BENCH=1 ./scripts/setup.sh)"
fi
