// Checks Control Plane objects in YAML files (what `wdsl build --target cpln`
// writes) field by field, since neither the Control Plane CLI nor npm has a
// schema to check them offline (`cpln apply` only checks that each document
// has a kind; the API checks the rest).
//
//   node validate.mjs <file-or-dir>...
//
// The shapes below follow Control Plane's published API types (the
// controlplane-com/types-ts interfaces of gvc, workload, identity, policy,
// domain) and the rules of its reference docs: enums, K8s-style cpu/memory
// quantities, probe limits, link forms, no unknown field. Across objects: a
// serverless workload serves exactly one port, standard ones do not scale on
// concurrency, `multi` metrics are cpu/memory/rps only; every link to a
// workload, identity or secret resolves (a workload's `cpln://secret/...`
// env needs a policy that lets its identity reveal that secret), and a
// domain route's port is one its workload serves.
//
// Files are read with js-yaml, the parser `cpln apply` uses. Prints one line
// per object, `ok  <kind> <name>  (<file>)` or `FAIL <kind> <name>  (<file>)`
// and one indented line per error, then `N of M object(s) valid`. Exit
// status: 0 when every object is valid and there was one, 1 otherwise, 2 for
// a usage error.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

const inputs = process.argv.slice(2);
if (inputs.length === 0 || inputs.some((a) => a.startsWith("-"))) {
  console.error("usage: node validate.mjs <file-or-dir>...");
  process.exit(2);
}

// ---- a small schema language: each node is {type, ...constraints}
const str = (extra = {}) => ({ type: "string", ...extra });
const int = (min, max) => ({ type: "integer", min, max });
const num = (min, max) => ({ type: "number", min, max });
const bool = { type: "boolean" };
const arr = (items, extra = {}) => ({ type: "array", items, ...extra });
const obj = (props, required = [], extra = {}) => ({ type: "object", props, required, ...extra });
const oneOf = (...values) => str({ enum: values });

const NAME = /^[a-z][-a-z0-9]{0,61}[a-z0-9]$/;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const link = (kind) => new RegExp(`^(//|/org/[^/]+/)${kind}/[^/]+$`);
const gvcLink = (kind) => new RegExp(`^(//|/org/[^/]+/)gvc/[^/]+/${kind}/[^/]+$`);

const probe = obj(
  {
    exec: obj({ command: arr(str(), { minItems: 1 }) }, ["command"]),
    httpGet: obj(
      {
        path: str({ pattern: /^\// }),
        port: int(1, 65535),
        scheme: oneOf("HTTP", "HTTPS"),
        httpHeaders: arr(obj({ name: str(), value: str() }, ["name", "value"])),
      },
      [],
    ),
    tcpSocket: obj({ port: int(1, 65535) }),
    grpc: obj({ port: int(1, 65535) }),
    initialDelaySeconds: int(0, 600),
    periodSeconds: int(1, 60),
    timeoutSeconds: int(1, 60),
    successThreshold: int(1, 20),
    failureThreshold: int(1, 20),
  },
  [],
  { exactlyOne: ["exec", "httpGet", "tcpSocket", "grpc"] },
);

const container = obj(
  {
    name: str({ pattern: NAME, not: /^cpln-/ }),
    image: str({ minLength: 1 }),
    command: str({ minLength: 1 }),
    args: arr(str()),
    workingDir: str({ pattern: /^\// }),
    cpu: str({ pattern: QUANTITY, maxLength: 20 }),
    memory: str({ pattern: QUANTITY, maxLength: 20 }),
    minCpu: str({ pattern: QUANTITY }),
    minMemory: str({ pattern: QUANTITY }),
    ports: arr(obj({ number: int(1, 65535), protocol: oneOf("http", "http2", "grpc", "tcp") }, ["number"])),
    env: arr(obj({ name: str({ pattern: /^[A-Za-z_][A-Za-z0-9_.-]*$/, not: /^CPLN_/ }), value: str() }, ["name"])),
    inheritEnv: bool,
    readinessProbe: probe,
    livenessProbe: probe,
    volumes: arr(
      obj(
        {
          uri: str({ pattern: /^(scratch|cpln|s3|gs|azureblob|azurefs):\/\/.+/ }),
          path: str({ pattern: /^\// }),
          recoveryPolicy: oneOf("retain", "recycle"),
        },
        ["uri", "path"],
      ),
    ),
  },
  ["name", "image"],
);

const autoscaling = obj({
  metric: oneOf("concurrency", "cpu", "memory", "rps", "latency", "keda", "disabled"),
  multi: arr(obj({ metric: oneOf("cpu", "memory", "rps"), target: num(1) }, ["metric", "target"]), { minItems: 1 }),
  metricPercentile: oneOf("p50", "p75", "p99"),
  target: num(1),
  minScale: int(0),
  maxScale: int(1),
  scaleToZeroDelay: int(30, 3600),
  maxConcurrency: int(0, 30000),
});

const common = { kind: str(), name: str(), description: str({ maxLength: 250 }), tags: { type: "object", any: true } };

const schemas = {
  gvc: obj(
    {
      ...common,
      spec: obj({
        staticPlacement: obj({ locationLinks: arr(str({ pattern: link("location") }), { minItems: 1 }) }, [
          "locationLinks",
        ]),
        pullSecretLinks: arr(str({ pattern: link("secret") })),
      }),
    },
    ["kind", "name", "spec"],
  ),
  workload: obj(
    {
      ...common,
      gvc: str({ pattern: NAME }),
      spec: obj(
        {
          type: oneOf("serverless", "standard", "cron", "stateful"),
          identityLink: str({ pattern: gvcLink("identity") }),
          containers: arr(container, { minItems: 1 }),
          defaultOptions: obj({
            autoscaling,
            capacityAI: bool,
            timeoutSeconds: int(1, 3600),
            debug: bool,
            suspend: bool,
            spot: bool,
          }),
          firewallConfig: obj({
            external: obj({
              inboundAllowCIDR: arr(str()),
              outboundAllowCIDR: arr(str()),
              outboundAllowHostname: arr(str()),
            }),
            internal: obj({
              inboundAllowType: oneOf("none", "same-gvc", "same-org", "workload-list"),
              inboundAllowWorkload: arr(str({ pattern: gvcLink("workload") })),
            }),
          }),
        },
        ["type", "containers"],
      ),
    },
    ["kind", "name", "spec"],
  ),
  identity: obj(
    {
      ...common,
      gvc: str({ pattern: NAME }),
      aws: obj(
        {
          cloudAccountLink: str({ pattern: link("cloudaccount") }),
          policyRefs: arr(str({ minLength: 1 }), { minItems: 1 }),
          roleName: str(),
          trustPolicy: { type: "object", any: true },
        },
        ["cloudAccountLink"],
      ),
    },
    ["kind", "name"],
  ),
  policy: obj(
    {
      ...common,
      targetKind: oneOf("secret", "workload", "gvc", "identity", "image", "domain", "cloudaccount"),
      targetLinks: arr(str({ pattern: /^(\/\/|\/org\/[^/]+\/)/ }), { minItems: 1 }),
      bindings: arr(
        obj(
          {
            permissions: arr(oneOf("reveal", "view", "use", "edit", "create", "delete", "manage"), { minItems: 1 }),
            principalLinks: arr(str({ pattern: /^(\/\/|\/org\/[^/]+\/)/ }), { minItems: 1 }),
          },
          ["permissions", "principalLinks"],
        ),
        { minItems: 1 },
      ),
    },
    ["kind", "name", "targetKind", "bindings"],
  ),
  domain: obj(
    {
      ...common,
      name: str({ pattern: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/ }),
      spec: obj(
        {
          dnsMode: oneOf("cname", "ns"),
          certChallengeType: oneOf("http01", "dns01"),
          acceptAllHosts: bool,
          ports: arr(
            obj(
              {
                number: int(1, 65535),
                protocol: oneOf("http", "http2", "tcp"),
                routes: arr(
                  obj(
                    {
                      prefix: str({ pattern: /^\// }),
                      regex: str(),
                      replacePrefix: str(),
                      workloadLink: str({ pattern: gvcLink("workload") }),
                      port: int(1, 65535),
                    },
                    ["workloadLink"],
                    { exactlyOne: ["prefix", "regex"] },
                  ),
                ),
              },
              ["number"],
            ),
          ),
        },
        ["dnsMode"],
      ),
    },
    ["kind", "name", "spec"],
  ),
};

function typeOf(v) {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function check(value, schema, at, errors) {
  const t = typeOf(value);
  const ok = schema.type === t || (schema.type === "number" && t === "integer");
  if (!ok) return errors.push(`${at}: must be ${schema.type}, is ${t}`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: must be one of ${schema.enum.join(", ")}`);
  if (schema.pattern && !schema.pattern.test(value)) errors.push(`${at}: "${value}" does not match ${schema.pattern}`);
  if (schema.not && schema.not.test(value)) errors.push(`${at}: "${value}" must not match ${schema.not}`);
  if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${at}: must not be empty`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength)
    errors.push(`${at}: longer than ${schema.maxLength}`);
  if (schema.min !== undefined && value < schema.min) errors.push(`${at}: ${value} is below ${schema.min}`);
  if (schema.max !== undefined && value > schema.max) errors.push(`${at}: ${value} is above ${schema.max}`);
  if (t === "array") {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      errors.push(`${at}: needs at least ${schema.minItems} item(s)`);
    value.forEach((item, i) => check(item, schema.items, `${at}/${i}`, errors));
  }
  if (t === "object" && !schema.any) {
    for (const key of Object.keys(value)) {
      if (!(key in schema.props)) errors.push(`${at}/${key}: unknown field`);
      else check(value[key], schema.props[key], `${at}/${key}`, errors);
    }
    for (const key of schema.required) if (!(key in value)) errors.push(`${at}: is missing required field "${key}"`);
    if (schema.exactlyOne) {
      const set = schema.exactlyOne.filter((k) => k in value);
      if (set.length !== 1) errors.push(`${at}: needs exactly one of ${schema.exactlyOne.join(", ")}`);
    }
  }
}

// ---- rules that span fields or objects
const lastSegment = (l) => l.split("/").pop();

function workloadRules(w, errors) {
  const spec = w.spec ?? {};
  const containers = spec.containers ?? [];
  const ports = containers.flatMap((c) => c.ports ?? []);
  const names = containers.map((c) => c.name);
  if (new Set(names).size !== names.length) errors.push(`/spec/containers: container names must be unique`);
  const a = spec.defaultOptions?.autoscaling ?? {};
  if (spec.type === "serverless") {
    if (ports.length !== 1 || ports[0].protocol === "tcp")
      errors.push(`/spec: a serverless workload serves exactly one HTTP port, it has ${ports.length}`);
    if (a.metric === "latency" || a.multi) errors.push(`/spec/defaultOptions/autoscaling: serverless cannot use latency or multi`);
  } else if (a.metric === "concurrency") {
    errors.push(`/spec/defaultOptions/autoscaling/metric: only serverless workloads scale on concurrency`);
  }
  if (a.multi) {
    if (a.metric !== undefined || a.target !== undefined)
      errors.push(`/spec/defaultOptions/autoscaling: multi replaces metric and target`);
    const metrics = a.multi.map((m) => m.metric);
    if (new Set(metrics).size !== metrics.length) errors.push(`/spec/defaultOptions/autoscaling/multi: a metric twice`);
  }
  if (["cpu", "memory"].includes(a.metric) && a.target > 100)
    errors.push(`/spec/defaultOptions/autoscaling/target: a utilization target is at most 100`);
  if (a.minScale !== undefined && a.maxScale !== undefined && a.minScale > a.maxScale)
    errors.push(`/spec/defaultOptions/autoscaling: minScale ${a.minScale} > maxScale ${a.maxScale}`);
  if (spec.defaultOptions?.capacityAI && (a.metric === "cpu" || a.multi))
    errors.push(`/spec/defaultOptions/capacityAI: cannot be combined with CPU scaling`);
  containers.forEach((c, i) => {
    for (const key of ["readinessProbe", "livenessProbe"]) {
      const port = c[key]?.httpGet?.port;
      if (port !== undefined && !ports.some((p) => p.number === port))
        errors.push(`/spec/containers/${i}/${key}/httpGet/port: ${port} is not a port of the workload`);
    }
  });
}

// Links between the objects of all the inputs (they are applied together).
function crossRules(objects) {
  const byKind = (kind) => objects.filter((o) => o.doc?.kind === kind);
  const identities = new Set(byKind("identity").map((o) => o.doc.name));
  const workloads = new Map(byKind("workload").map((o) => [o.doc.name, o.doc]));
  const reveals = new Map(); // identity name -> secret names it may reveal
  for (const { doc } of byKind("policy")) {
    if (doc.targetKind !== "secret") continue;
    for (const binding of doc.bindings ?? []) {
      if (!binding.permissions?.includes("reveal")) continue;
      for (const principal of binding.principalLinks ?? []) {
        const set = reveals.get(lastSegment(principal)) ?? new Set();
        for (const target of doc.targetLinks ?? []) set.add(lastSegment(target));
        reveals.set(lastSegment(principal), set);
      }
      for (const principal of binding.principalLinks ?? []) {
        if (/\/identity\//.test(principal) && !identities.has(lastSegment(principal)))
          objects.find((o) => o.doc === doc).errors.push(`/bindings: ${principal} is not an identity of the inputs`);
      }
    }
  }
  for (const o of byKind("workload")) {
    const spec = o.doc.spec ?? {};
    const identity = spec.identityLink ? lastSegment(spec.identityLink) : undefined;
    if (identity && !identities.has(identity)) o.errors.push(`/spec/identityLink: no identity "${identity}" in the inputs`);
    (spec.containers ?? []).forEach((c, i) =>
      (c.env ?? []).forEach((e, j) => {
        const m = /^cpln:\/\/secret\/([^.]+)/.exec(e.value ?? "");
        if (m && !(identity && reveals.get(identity)?.has(m[1])))
          o.errors.push(`/spec/containers/${i}/env/${j}: reads secret "${m[1]}" but no policy lets its identity reveal it`);
      }),
    );
  }
  for (const o of byKind("domain")) {
    (o.doc.spec?.ports ?? []).forEach((p, i) =>
      (p.routes ?? []).forEach((r, j) => {
        const w = workloads.get(lastSegment(r.workloadLink ?? ""));
        if (!w) return o.errors.push(`/spec/ports/${i}/routes/${j}: no workload ${r.workloadLink} in the inputs`);
        const served = (w.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((x) => x.number));
        if (r.port !== undefined && !served.includes(r.port))
          o.errors.push(`/spec/ports/${i}/routes/${j}/port: ${w.name} does not serve port ${r.port}`);
      }),
    );
  }
}

function yamlFiles(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return [p];
  return fs
    .readdirSync(p)
    .sort()
    .flatMap((e) => yamlFiles(path.join(p, e)))
    .filter((f) => /\.(ya?ml|json)$/.test(f));
}

const objects = [];
let broken = 0;
for (const input of inputs) {
  let files;
  try {
    files = yamlFiles(input);
  } catch (e) {
    console.log(`FAIL ${input}: ${e.message}`);
    broken++;
    continue;
  }
  for (const file of files) {
    let docs;
    try {
      docs = yaml.loadAll(fs.readFileSync(file, "utf8"), null, { filename: file }).filter((d) => d !== null);
    } catch (e) {
      console.log(`FAIL ${file}: ${e.message.split("\n")[0]}`);
      broken++;
      continue;
    }
    docs.forEach((doc, n) => objects.push({ doc, file, n: n + 1, errors: [] }));
  }
}
for (const o of objects) {
  const kind = o.doc?.kind;
  if (typeOf(o.doc) !== "object") o.errors.push(`document ${o.n} is not a map`);
  else if (!schemas[kind]) o.errors.push(`/kind: "${kind}" is not a kind wdsl writes (${Object.keys(schemas).join(", ")})`);
  else {
    check(o.doc, schemas[kind], "", o.errors);
    if (o.doc.name !== undefined && kind !== "domain" && !NAME.test(String(o.doc.name)))
      o.errors.push(`/name: "${o.doc.name}" is not a Control Plane name (lowercase letters, digits, dashes)`);
    if (kind === "workload") workloadRules(o.doc, o.errors);
  }
}
crossRules(objects);
let valid = 0;
for (const o of objects) {
  const where = `${o.doc?.kind} ${o.doc?.name}  (${o.file}, document ${o.n})`;
  if (o.errors.length === 0) {
    valid++;
    console.log(`ok  ${where}`);
  } else {
    console.log(`FAIL ${where}`);
    for (const e of o.errors) console.log(`       ${e}`);
  }
}
if (objects.length === 0 && broken === 0) {
  console.log(`FAIL no Control Plane objects found in ${inputs.join(" ")}`);
  process.exit(1);
}
console.log(`${valid} of ${objects.length} object(s) valid`);
process.exit(valid === objects.length && broken === 0 ? 0 : 1);
