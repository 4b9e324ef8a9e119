// Validates Kubernetes objects in YAML files against the OpenAPI schemas that
// the npm package kubernetes-models carries (Kubernetes 1.27 API).
//
//   node validate.mjs [--allow-unknown-fields] <file-or-dir|->...
//
// Every .yaml/.yml file (directories recursively, in sorted order; `-` is
// standard input, e.g. `helm template ... | node validate.mjs -`) is split
// into its documents; empty documents (only comments, as `helm template`
// writes) are skipped. Each object is checked by the kubernetes-models class
// chosen by its apiVersion + kind (any built-in kind; an unknown one is an
// error), plus what the schemas alone do not check:
//   - metadata.name (or generateName) must be set: the API server wants one;
//   - no unknown fields: the schemas never say additionalProperties: false,
//     but the API server (kubectl >= 1.27, field validation Strict) rejects a
//     misspelt field, so this does too (--allow-unknown-fields turns it off).
// A null field counts as absent, as in the API server.
// YAML is read as YAML 1.1, as Kubernetes' own reader does: unquoted
// yes/no/on/off are booleans, so `value: yes` in an env var is an error here
// as it is in a cluster.
//
// Prints one line per object, `ok  <apiVersion> <kind> <name>  (<file>)` or
// `FAIL <apiVersion> <kind> <name>  (<file>, document <n>, line <l>)` and one
// indented line per error with its JSON path. Exit status: 0 if every object
// is valid and there was at least one, 1 otherwise, 2 for a usage error.
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const usage = "usage: node validate.mjs [--allow-unknown-fields] <file-or-dir|->...";
let allowUnknown = false;
const inputs = [];
for (const arg of process.argv.slice(2)) {
  if (arg === "--allow-unknown-fields") allowUnknown = true;
  else if (arg === "-h" || arg === "--help") {
    console.log(usage);
    process.exit(0);
  } else if (arg.startsWith("--")) {
    console.error(`validate.mjs: unknown option ${arg}\n${usage}`);
    process.exit(2);
  } else inputs.push(arg);
}
if (inputs.length === 0) {
  console.error(usage);
  process.exit(2);
}

let objects = 0;
let failures = 0;

function fail(where, messages) {
  failures++;
  console.log(`FAIL ${where}`);
  for (const m of messages) console.log(`       ${m}`);
}

function yamlFiles(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return [p];
  const out = [];
  for (const e of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = path.join(p, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(child));
    else if (/\.ya?ml$/.test(e.name)) out.push(child);
  }
  return out;
}

// apiVersion "apps/v1" + kind "Deployment" -> kubernetes-models/apps/v1/Deployment,
// "v1" + "Service" -> kubernetes-models/v1/Service.
const classCache = new Map();
async function modelClass(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") return null;
  if (!/^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) return null;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind)) return null;
  const key = `${apiVersion}/${kind}`;
  if (!classCache.has(key)) {
    let cls = null;
    try {
      const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
      cls = mod[kind] ?? null;
    } catch {
      cls = null;
    }
    // Only top-level kinds carry apiVersion and kind (DeploymentSpec does not).
    if (!cls || cls.apiVersion !== apiVersion || cls.kind !== kind) cls = null;
    classCache.set(key, cls);
  }
  return classCache.get(key);
}

function dropNulls(v) {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
    return out;
  }
  return v;
}

// Runs the schema's validator on a proxy of the data that records which keys
// the validator looks up in each object. An object in which it looked up at
// least one key has a schema with properties; its keys never looked up are
// unknown fields. (Free-form objects, where it looks up none, are left alone.)
function validateTracked(cls, data) {
  const lookedUp = new Map(); // JSON path -> Set of keys
  const seen = new Map(); // JSON path -> object
  const proxies = new WeakMap();
  function track(obj, p) {
    if (!obj || typeof obj !== "object") return obj;
    if (proxies.has(obj)) return proxies.get(obj);
    seen.set(p, obj);
    const keys = new Set();
    lookedUp.set(p, keys);
    const proxy = new Proxy(obj, {
      get(target, key, receiver) {
        if (typeof key !== "string") return Reflect.get(target, key, receiver);
        if (!Array.isArray(target)) keys.add(key);
        const v = Reflect.get(target, key, receiver);
        return Object.hasOwn(target, key) ? track(v, `${p}/${escapePointer(key)}`) : v;
      },
    });
    proxies.set(obj, proxy);
    return proxy;
  }
  const errors = [];
  try {
    cls.prototype.validate.call(track(data, ""));
  } catch (e) {
    if (!Array.isArray(e?.errors)) throw e;
    for (const err of e.errors) {
      let msg = err.message ?? err.keyword;
      if (err.keyword === "required") msg = `is missing required field "${err.params.missingProperty}"`;
      else if (err.keyword === "enum") msg += `: ${err.params.allowedValues.map((x) => JSON.stringify(x)).join(", ")}`;
      errors.push(`${err.instancePath || "/"}: ${msg}`);
    }
  }
  if (!allowUnknown) {
    for (const [p, obj] of seen) {
      if (Array.isArray(obj)) continue;
      const keys = lookedUp.get(p);
      if (keys.size === 0) continue;
      for (const k of Object.keys(obj)) if (!keys.has(k)) errors.push(`${p}/${escapePointer(k)}: unknown field`);
    }
  }
  return [...new Set(errors)];
}

function escapePointer(key) {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

async function checkObject(obj, file, docIndex, line) {
  objects++;
  const isObj = obj && typeof obj === "object" && !Array.isArray(obj);
  const apiVersion = isObj ? obj.apiVersion : undefined;
  const kind = isObj ? obj.kind : undefined;
  const name = isObj ? (obj.metadata?.name ?? obj.metadata?.generateName ?? "<no name>") : "<not an object>";
  const where = `${apiVersion ?? "<no apiVersion>"} ${kind ?? "<no kind>"} ${name}  (${file}, document ${docIndex}, line ${line})`;
  if (!isObj) return fail(where, ["a Kubernetes object must be a YAML mapping"]);
  const cls = await modelClass(apiVersion, kind);
  if (!cls) return fail(where, [`unknown apiVersion/kind ${JSON.stringify(apiVersion)} ${JSON.stringify(kind)} (not a built-in Kubernetes 1.27 kind)`]);
  const data = dropNulls(obj);
  const errors = validateTracked(cls, data);
  if (typeof data.metadata?.name !== "string" && typeof data.metadata?.generateName !== "string")
    errors.unshift("/metadata/name: is missing (metadata.name or metadata.generateName is required)");
  if (errors.length) return fail(where, errors);
  console.log(`ok  ${apiVersion} ${kind} ${name}  (${file})`);
}

async function checkText(text, file) {
  const lineOf = (offset) => text.slice(0, offset).split("\n").length;
  const docs = parseAllDocuments(text, { version: "1.1", prettyErrors: true });
  if (!Array.isArray(docs)) return; // an empty stream
  let n = 0;
  for (const doc of docs) {
    n++;
    const line = lineOf(doc.range?.[0] ?? 0);
    if (doc.errors.length) {
      objects++;
      fail(`<YAML error>  (${file}, document ${n}, line ${line})`, doc.errors.map((e) => e.message.split("\n")[0]));
      continue;
    }
    const value = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue; // only comments
    await checkObject(value, file, n, lineOf(doc.contents?.range?.[0] ?? 0));
  }
}

for (const input of inputs) {
  if (input === "-") {
    await checkText(fs.readFileSync(0, "utf8"), "<stdin>");
    continue;
  }
  let files;
  try {
    files = yamlFiles(input);
  } catch (e) {
    objects++;
    fail(`${input}`, [e.code === "ENOENT" ? "no such file or directory" : e.message]);
    continue;
  }
  for (const f of files) await checkText(fs.readFileSync(f, "utf8"), f);
}

if (objects === 0) {
  console.log(`FAIL no Kubernetes objects found in ${inputs.join(" ")}`);
  process.exit(1);
}
const valid = objects - failures;
console.log(`${valid} of ${objects} object(s) valid`);
process.exit(failures ? 1 : 0);
