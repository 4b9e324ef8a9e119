#!/usr/bin/env python3
"""Save-to-visible latency of `wdsl run`'s live update (issue #8): write a
file, then poll the app's URL (through the router) until the new content
shows. RUNS times each for
  - a file a `sync` rule covers (copied into the running container; target p50 < 300 ms),
  - a file no rule covers (image rebuilt, replica replaced; target < 3 s for a small image),
  - main.w with a new Api handler body (recompiled, the handler reloaded in place; the
    workload's container is untouched).
Prints p50/p95/max. The image is FROM scratch with Debian's busybox-static;
everything listens on 127.0.0.1 and is removed at the end.

    bench/bench_live_update.py [WDSL] [RUNS]   (make bench runs it; needs Docker)
"""
import json, os, shutil, signal, subprocess, sys, tempfile, time, urllib.request

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
wdsl = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "cli", "wdsl"))
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20

work = tempfile.mkdtemp(prefix="wdsl-bench-live-")
app = os.path.join(work, "liveapp")
os.makedirs(os.path.join(app, "web", "srv", "synced"))
shutil.copy("/bin/busybox", os.path.join(app, "web", "busybox"))
with open(os.path.join(app, "web", "Dockerfile"), "w") as f:
    f.write('FROM scratch\nCOPY busybox /bin/busybox\nCOPY srv /srv\nENTRYPOINT ["/bin/busybox"]\n'
            'CMD ["httpd", "-f", "-p", "8080", "-h", "/srv"]\n')
def write(relative, text):
    with open(os.path.join(app, relative), "w") as f:
        f.write(text)
write("web/srv/index.html", "start\n")
write("web/srv/synced/page.html", "start\n")
def program(reply):
    return ('bring containers;\nbring cloud;\n'
            'new containers.Workload(name: "web", image: "./web", port: 8080, public: true,\n'
            '  sync: [containers.SyncRule { src: "web/srv/synced", dest: "/srv/synced" }]) as "web";\n'
            'let api = new cloud.Api() as "api";\n'
            'api.get("/v", inflight (req) => { return cloud.ApiResponse { status: 200, body: "' + reply + '" }; });\n')
write("main.w", program("start"))

output = open(os.path.join(work, "run.log"), "w")
server = subprocess.Popen([wdsl, "run", "main.w", "--port", "0"], cwd=app, stdout=output, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, env=dict(os.environ, NO_COLOR="1"))
def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except Exception:
        return None
try:
    endpoints = os.path.join(app, ".wdsl", "endpoints.json")
    deadline = time.time() + 180
    while not os.path.exists(endpoints) and time.time() < deadline:
        time.sleep(0.1)
    ingress = json.load(open(endpoints))["ingress"]["url"]
    api = json.load(open(endpoints))["root/Default/api"]["url"]

    def measure(relative, path, count, timeout, base=None, content=None):
        times = []
        for n in range(count):
            text = f"version {n} {time.time()}\n"
            started = time.perf_counter()
            write(relative, content(text) if content else text)
            while get((base or ingress) + path) != (text.strip() if content else text):
                if time.perf_counter() - started > timeout:
                    raise SystemExit(f"bench_live_update: {relative} did not show within {timeout} s")
                time.sleep(0.05)  # coarse: polling must not load the 2-core machine it measures
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.3)  # let the watcher's batch close before the next write
        return sorted(times)

    def summary(times):
        p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
        return f"p50 {p(0.5):.0f} ms   p95 {p(0.95):.0f} ms   max {times[-1]:.0f} ms"

    synced = measure("web/srv/synced/page.html", "/synced/page.html", runs, 30)
    rebuilt = measure("web/srv/index.html", "/index.html", runs, 120)
    print(f"== wdsl run live update, {runs} saves each (busybox httpd FROM scratch, 1 replica)")
    print(f"  synced file (docker cp, no restart): {summary(synced)}   (target p50 < 300 ms)")
    print(f"  unsynced file (rebuild + replace):   {summary(rebuilt)}   (target < 3 s)")
    reloaded = measure("main.w", "/v", runs, 30, base=api, content=lambda text: program(text.strip()))
    print(f"  Api handler in main.w (reload):      {summary(reloaded)}")
finally:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(work, ignore_errors=True)
