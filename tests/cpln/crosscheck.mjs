// Cross-checks `wdsl build --target cpln` against Control Plane's own
// reading of `--target k8s` of the same program:
//
//   node crosscheck.mjs --org ORG --gvc GVC --host HOST <k8s manifests.yaml> <cpln file-or-dir>
//
// Gives every Ingress rule the host HOST (`cpln convert` makes a domain per
// host and needs one), runs the pinned CLI's `cpln convert` on it, and
// compares each workload with ours: per container the image, command and
// args, ports, env, cpu and memory, probes and volumes; the workload's
// scaling, whether it is open to the internet, and the secrets its identity
// may reveal; and the domain's routes. Prints one `ok`/`FAIL` line per
// workload and domain, with the differences; exit status 0 or 1.
//
// Where the two differ by design, the comparison says so once:
//   - images: ours are in the org's registry (/org/ORG/image/<name>:<tag>),
//     the k8s ones have no registry;
//   - a grpc port: --target k8s marks it h2c, which the converter reads as http2;
//   - cpu: the converter takes the limit, ours is the request (minCpu there);
//   - a secret: the k8s Secret's key `value` is the opaque secret's payload;
//   - env from ex.Redis bindings: it has no Control Plane form (a wdsl warning).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import yaml from "js-yaml";
import { offlineCpln } from "./cpln.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const org = option("--org");
const gvc = option("--gvc");
const host = option("--host");
if (!org || !gvc || !host || args.length !== 2) {
  console.error("usage: node crosscheck.mjs --org ORG --gvc GVC --host HOST <k8s manifests.yaml> <cpln file-or-dir>");
  process.exit(2);
}
const [k8sFile, ours] = args;

function yamlFiles(p) {
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p).sort().flatMap((e) => yamlFiles(path.join(p, e))).filter((f) => /\.ya?ml$/.test(f));
}

// ---- Control Plane's conversion of the k8s output
const k8s = yaml.loadAll(fs.readFileSync(k8sFile, "utf8")).filter((d) => d !== null);
for (const doc of k8s) {
  if (doc.kind !== "Ingress") continue;
  for (const rule of doc.spec?.rules ?? []) rule.host ??= host;
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wdsl-cpln-crosscheck-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
const k8sWithHost = path.join(tmp, "manifests.yaml");
fs.writeFileSync(k8sWithHost, k8s.map((d) => yaml.dump(d)).join("---\n"));
const cpln = await offlineCpln(org, gvc);
const converted = await cpln(["convert", "--file", k8sWithHost, "-o", "json-slim", "--color=false"]);
if (converted.code !== 0) {
  console.log(`FAIL cpln convert exited ${converted.code}: ${(converted.stderr || converted.stdout).trim()}`);
  process.exit(1);
}
const theirs = JSON.parse(converted.stdout);
const mine = yamlFiles(ours).flatMap((f) => yaml.loadAll(fs.readFileSync(f, "utf8")).filter((d) => d !== null));

// ---- the comparable view of each side
const last = (link) => (link ?? "").split("/").pop();
const image = (ref) => ref.replace(/^\/org\/[^/]+\/image\//, "").replace(/^\/\/image\//, "");
const probe = (p) =>
  p && {
    exec: p.exec?.command,
    httpGet: p.httpGet && { path: p.httpGet.path, port: p.httpGet.port },
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
  };
const knownDifferences = new Set();
function container(c, side) {
  const env = {};
  for (const e of c.env ?? []) {
    let value = e.value;
    if (side === "k8s" && /^redis:\/\//.test(value ?? "")) {
      knownDifferences.add(`env ${e.name}: ex.Redis has no Control Plane form`);
      continue;
    }
    if (side === "k8s") value = value?.replace(/^(cpln:\/\/secret\/[^.]+)\.value$/, "$1");
    env[e.name] = value;
  }
  const ports = (c.ports ?? [])
    .map((p) => ({ number: p.number, protocol: side === "ours" && p.protocol === "grpc" ? "http2" : p.protocol }))
    .sort((a, b) => a.number - b.number);
  return {
    image: image(c.image),
    command: c.command,
    args: c.args ?? [],
    ports,
    env,
    cpu: side === "k8s" ? c.minCpu ?? c.cpu : c.cpu,
    memory: c.memory,
    readinessProbe: probe(c.readinessProbe),
    livenessProbe: probe(c.livenessProbe),
    volumes: (c.volumes ?? []).map((v) => ({ uri: v.uri, path: v.path })),
  };
}
function reveals(objects, identityLink) {
  const identity = last(identityLink);
  return objects
    .filter((o) => o.kind === "policy" && o.targetKind === "secret")
    .filter((o) => (o.bindings ?? []).some((b) => b.permissions?.includes("reveal") && b.principalLinks?.some((l) => last(l) === identity)))
    .flatMap((o) => (o.targetLinks ?? []).map(last))
    .sort();
}
function workload(w, objects, side) {
  const a = w.spec?.defaultOptions?.autoscaling ?? {};
  return {
    type: w.spec?.type,
    containers: Object.fromEntries((w.spec?.containers ?? []).map((c) => [c.name, container(c, side)])),
    scale: { min: a.minScale ?? 1, max: a.maxScale ?? 1 },
    public: (w.spec?.firewallConfig?.external?.inboundAllowCIDR ?? []).includes("0.0.0.0/0"),
    secrets: w.spec?.identityLink ? reveals(objects, w.spec.identityLink) : [],
  };
}
const routes = (objects) =>
  objects
    .filter((o) => o.kind === "domain")
    .flatMap((d) => (d.spec?.ports ?? []).flatMap((p) => (p.routes ?? []).map((r) => `${d.name}${r.prefix} -> ${last(r.workloadLink)}:${r.port}`)))
    .sort();

// ---- compare
function differences(a, b, at = "") {
  if (isDeepStrictEqual(a, b)) return [];
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences(a[k], b[k], `${at}/${k}`));
  }
  return [`${at || "/"}: k8s ${JSON.stringify(b)}, cpln ${JSON.stringify(a)}`];
}
let failed = 0;
const report = (what, diffs) => {
  if (diffs.length === 0) return console.log(`ok  ${what}`);
  failed++;
  console.log(`FAIL ${what}`);
  for (const d of diffs) console.log(`       ${d}`);
};
const names = [...new Set([...mine, ...theirs].filter((o) => o.kind === "workload").map((o) => o.name))].sort();
for (const name of names) {
  const a = mine.find((o) => o.kind === "workload" && o.name === name);
  const b = theirs.find((o) => o.kind === "workload" && o.name === name);
  if (!a || !b) {
    report(`workload ${name}`, [`only in ${a ? "--target cpln" : "cpln convert of --target k8s"}`]);
    continue;
  }
  report(`workload ${name}: images, commands, ports, env, cpu/memory, probes, volumes, scaling, firewall, secrets`,
    differences(workload(a, mine, "ours"), workload(b, theirs, "k8s")));
}
report(`routes`, differences(routes(mine), routes(theirs)));
for (const note of [...knownDifferences].sort()) console.log(`note: known difference: ${note}`);
process.exit(failed ? 1 : 0);
