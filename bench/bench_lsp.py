#!/usr/bin/env python3
"""Latency of `wdsl lsp` diagnostics (issue #10): a 2,000-line program is
opened, then changed N times (one line edited each time, alternately valid and
with an unknown name); for each change, the time from sending didChange to the
publishDiagnostics of that version. Prints p50/p95/max (target p95 < 50 ms).
Then hover and completion latencies on the same file (a completion compiles
the text with a placeholder at the cursor), and the server's peak RSS.

    bench/bench_lsp.py [WDSL] [CHANGES]
"""
import json, os, subprocess, sys, time

wdsl = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "build", "cli", "wdsl")
changes = int(sys.argv[2]) if len(sys.argv) > 2 else 100

lines = ["bring cloud;"]
i = 0
while len(lines) < 2000:
    lines += [f"let b{i} = new cloud.Bucket() as \"b{i}\";",
              f"let q{i} = new cloud.Queue() as \"q{i}\";",
              f"q{i}.setConsumer(inflight (m: str) => {{",
              f"  b{i}.put(\"k\", m);",
              f"}});",
              f"let f{i} = (x: num): num => {{ return x * {i}; }};",
              f"log(\"{{f{i}(2)}}\");"]
    i += 1
base = lines  # whole groups: 2,003 lines, a valid program

server = subprocess.Popen([wdsl, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
buffer = b""

def send(message):
    body = json.dumps(message).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()

def receive():
    global buffer
    while True:
        end = buffer.find(b"\r\n\r\n")
        if end >= 0:
            length = int(buffer[:end].split(b":")[1])
            if len(buffer) >= end + 4 + length:
                message = json.loads(buffer[end + 4:end + 4 + length])
                buffer = buffer[end + 4 + length:]
                return message
        chunk = os.read(server.stdout.fileno(), 65536)
        if not chunk:
            raise SystemExit("the server closed its output")
        buffer += chunk

uri = "file:///tmp/wdsl-bench-lsp/main.w"
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
while "id" not in receive():
    pass
send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "version": 0, "text": "\n".join(base)}}})
latencies = []
for version in range(1, changes + 1):
    text = list(base)
    text[1000] = f"let extra = b0;" if version % 2 else f"let extra = nope{version};"
    started = time.perf_counter()
    send({"jsonrpc": "2.0", "method": "textDocument/didChange",
          "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": "\n".join(text)}]}})
    while True:
        message = receive()
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"].get("version") == version:
            break
    latencies.append((time.perf_counter() - started) * 1000)

def timed_requests(method, position, count):
    times = []
    for n in range(count):
        started = time.perf_counter()
        request_id = 1000 + n
        send({"jsonrpc": "2.0", "id": request_id, "method": method,
              "params": {"textDocument": {"uri": uri}, "position": position}})
        while receive().get("id") != request_id:
            pass
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)

def percentiles(values):
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return f"p50 {p(0.5):.1f} ms   p95 {p(0.95):.1f} ms   max {values[-1]:.1f} ms"

# Line 1005 is `  b143.put("k", m);` inside an inflight closure (see `lines`).
hovers = timed_requests("textDocument/hover", {"line": 1005, "character": 8}, 50)
completions = timed_requests("textDocument/completion", {"line": 1005, "character": 7}, 20)
with open(f"/proc/{server.pid}/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
send({"jsonrpc": "2.0", "method": "exit"})
server.wait(timeout=10)
latencies.sort()
print(f"== wdsl lsp on a {len(base)}-line file")
print(f"  diagnostics after a change ({changes}): {percentiles(latencies)}   (an edit after a quiet spell compiles at once; target p95 < 50 ms)")
print(f"  hover ({len(hovers)}):                     {percentiles(hovers)}")
print(f"  completion after `.` ({len(completions)}):       {percentiles(completions)}")
print(f"  server peak RSS: {int(peak) // 1024} MiB")
