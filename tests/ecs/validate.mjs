// Validates the JSON inputs of Amazon ECS API calls that wdsl writes
// (`wdsl build --target ecs`: <name>.taskdef.json is the input of
// RegisterTaskDefinition, as `aws ecs register-task-definition
// --cli-input-json file://...` takes it; <name>.service.json that of
// CreateService) against the ECS API model.
//
//   node validate.mjs [--model service-2.json] <Operation> <file.json>...
//   node validate.mjs [--model service-2.json] --all <dir>
//
// --all validates every <dir>/*.taskdef.json as RegisterTaskDefinition and
// every <dir>/*.service.json as CreateService (not recursively; none at all
// is an error).
//
// The model: by default the one compiled into the pinned npm package
// @aws-sdk/client-ecs (AWS SDK for JavaScript v3, package.json here), which
// carries no JSON model file but exports, for every shape, a schema with the
// member names, their types and which are required (dist-cjs: `<Shape>$`),
// every enum as an object (`NetworkMode`), and TypeScript declarations that
// say which member has which enum (dist-types/models/*.d.ts). That gives
// member names, required members, types and enums. It does NOT give
// min/max lengths and ranges (the v3 SDK leaves those to the service), nor
// integer vs floating point (both are "number"): --model FILE instead reads
// a botocore/AWS CLI style model (service-2.json, "normal" format, e.g. from
// Debian's python3-botocore), which has both.
//
// Checked, at every level: each member name is one the shape has (an unknown
// one is an error listing the valid names, with a "did you mean" by edit
// distance), required members are there, null is nowhere (omit the member
// instead), JSON types (string, number/integer, boolean, list, map,
// structure, timestamp), enum values, min/max where the model has them, a
// union sets exactly one member. And, for RegisterTaskDefinition whose
// requiresCompatibilities has FARGATE: task-level cpu and memory are set and
// are a pair Fargate supports (fargate.json), networkMode is awsvpc, and
// Windows tasks have at least 1 vCPU.
//
// Prints `ok  <file>` for a valid file, otherwise `FAIL <file> (<Operation>)`
// and one indented line per error, `<JSON pointer>: <message>`. Exit status:
// 0 if every file is valid (and there was at least one), 1 otherwise, 2 for a
// usage error.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const usage =
  "usage: node validate.mjs [--model service-2.json] <Operation> <file.json>...\n" +
  "       node validate.mjs [--model service-2.json] --all <dir>";

function usageError(message) {
  console.error(`validate.mjs: ${message}\n${usage}`);
  process.exit(2);
}

// ---------------------------------------------------------------- the model
// Both loaders return { source, operations: {Op: inputShapeName}, shapes },
// shapes in botocore's "normal" form: {type, members: {m: {shape}}, required,
// member: {shape}, key: {shape}, value: {shape}, enum, min, max, union}. The
// npm loader adds the type "number" (integer or floating point, unknown).

function loadBotocoreModel(file) {
  const m = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!m.shapes || !m.operations) throw new Error(`${file} is not a botocore service model`);
  const operations = {};
  for (const [name, op] of Object.entries(m.operations)) if (op.input) operations[name] = op.input.shape;
  const version = m.metadata ? `apiVersion ${m.metadata.apiVersion}` : "";
  const shapes = {};
  for (const [name, shape] of Object.entries(m.shapes)) shapes[name] = shape.document ? { type: "document" } : shape;
  return { source: `${file} ${version}`.trim(), operations, shapes };
}

function loadNpmModel() {
  const require = createRequire(path.join(here, "package.json"));
  let pkgJson;
  try {
    pkgJson = require.resolve("@aws-sdk/client-ecs/package.json");
  } catch {
    throw new Error("@aws-sdk/client-ecs is not installed in tests/ecs (run tests/ecs/check.sh, which runs npm ci)");
  }
  const pkgDir = path.dirname(pkgJson);
  const pkg = JSON.parse(fs.readFileSync(pkgJson, "utf8"));
  const ecs = require("@aws-sdk/client-ecs");

  // Member types as the TypeScript declarations spell them, by interface.
  const tsTypes = {};
  const modelsDir = path.join(pkgDir, "dist-types", "models");
  for (const f of fs.readdirSync(modelsDir).filter((f) => f.endsWith(".d.ts"))) {
    const text = fs.readFileSync(path.join(modelsDir, f), "utf8");
    for (const [, iface, body] of text.matchAll(/^export interface (\w+) \{\n([\s\S]*?)^\}/gm)) {
      const members = (tsTypes[iface] = {});
      for (const [, name, type] of body.matchAll(/^ {4}(\w+)\??: (.+);$/gm)) members[name] = type.replace(/ \| undefined$/, "");
    }
  }
  const isEnum = (name) => {
    const v = ecs[name];
    return v && typeof v === "object" && !Array.isArray(v) && !ecs[`${name}$`] &&
      Object.values(v).length > 0 && Object.values(v).every((x) => typeof x === "string");
  };

  const shapes = {};
  const simpleNames = { 0: "String", 1: "Number", 2: "Boolean", 4: "Timestamp", 5: "Timestamp", 6: "Timestamp", 7: "Timestamp", 15: "Document", 17: "BigInteger", 19: "BigDecimal", 21: "Blob", 42: "Blob" };
  const simpleTypes = { String: "string", Number: "number", Boolean: "boolean", Timestamp: "timestamp", Document: "document", BigInteger: "integer", BigDecimal: "number", Blob: "blob" };
  const deref = (ref) => {
    for (;;) {
      if (typeof ref === "function") ref = ref();
      else if (Array.isArray(ref) && ref.length === 2) ref = ref[0]; // [schema, member traits]
      else return ref;
    }
  };
  const define = (name, shape) => {
    if (!shapes[name]) shapes[name] = shape;
    return name;
  };
  const enumShape = (e) => define(e, { type: "string", enum: Object.values(ecs[e]) });
  // The shape name of a schema; `ts` is the TypeScript type of the member
  // that refers to it, if any, which names an enum the schema cannot.
  const shapeOf = (ref, ts) => {
    const sc = deref(ref);
    if (typeof sc === "number") {
      if (sc & 64 || sc & 128) {
        const inner = sc & 63;
        const list = !!(sc & 64);
        const el = list ? /^(\w+)\[\]$/.exec(ts ?? "") : /^Record<string, (\w+)>$/.exec(ts ?? "");
        const innerName = inner === 0 && el && isEnum(el[1]) ? enumShape(el[1]) : shapeOf(inner);
        return list
          ? define(`${innerName}[]`, { type: "list", member: { shape: innerName }, synthetic: true })
          : define(`Map<String,${innerName}>`, { type: "map", key: { shape: "String" }, value: { shape: innerName }, synthetic: true });
      }
      if (sc === 0 && ts && isEnum(ts)) return enumShape(ts);
      const name = simpleNames[sc];
      if (!name) throw new Error(`unknown simple schema ${sc}`);
      return define(name, { type: simpleTypes[name], synthetic: true });
    }
    if (!Array.isArray(sc)) throw new Error(`unknown schema ${String(sc)}`);
    const [kind, , name] = sc;
    if (kind === 0) return shapeOf(sc[4], ts); // a simple type with traits (e.g. sensitive)
    if (shapes[name]) return name;
    if (kind === 1) {
      shapes[name] = { type: "list" };
      shapes[name].member = { shape: shapeOf(sc[4], /^(\w+)\[\]$/.exec(ts ?? "")?.[1]) };
    } else if (kind === 2) {
      shapes[name] = { type: "map" };
      shapes[name].key = { shape: shapeOf(sc[4]) };
      shapes[name].value = { shape: shapeOf(sc[5], /^Record<string, (\w+)>$/.exec(ts ?? "")?.[1]) };
    } else if (kind === 3 || kind === 4 || kind === -3) {
      const shape = (shapes[name] = { type: "structure", members: {} });
      if (kind === 4) shape.union = true;
      const names = sc[4];
      const required = sc[6] ?? 0;
      if (required) shape.required = names.slice(0, required);
      const ts = tsTypes[name] ?? {};
      names.forEach((m, i) => {
        shape.members[m] = { shape: shapeOf(sc[5][i], ts[m]) };
      });
    } else throw new Error(`unknown schema kind ${kind} (${name})`);
    return name;
  };

  const operations = {};
  for (const [key, value] of Object.entries(ecs)) {
    if (!key.endsWith("$") || !Array.isArray(value) || value[0] !== 9) continue;
    const input = deref(value[4]);
    if (Array.isArray(input) && input[0] === 3) operations[value[2]] = shapeOf(input);
  }
  if (Object.keys(operations).length === 0) throw new Error(`found no operation schemas in ${pkg.name} ${pkg.version}`);
  return { source: `npm ${pkg.name} ${pkg.version}`, operations, shapes };
}

// ------------------------------------------------------------ the checks

function editDistance(a, b) {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function didYouMean(word, candidates) {
  let best;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const pointer = (p) => p || "/";
const child = (p, key) => `${p}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;

function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function checkValue(model, value, shapeName, p, errors) {
  const shape = model.shapes[shapeName];
  if (!shape) throw new Error(`model has no shape ${shapeName}`);
  const err = (message) => errors.push(`${pointer(p)}: ${message}`);
  // Names the loader made up (String, Number, String[]) say nothing.
  const of = shape.synthetic ? "" : ` (${shapeName})`;
  if (value === null) return err(`must not be null (omit the member instead); expected ${shape.type === "structure" ? shapeName : shape.type}`);
  const range = (n, what) => {
    if (shape.min !== undefined && n < shape.min) err(`${what} ${n} is below the minimum ${shape.min}${of}`);
    if (shape.max !== undefined && n > shape.max) err(`${what} ${n} is above the maximum ${shape.max}${of}`);
  };
  switch (shape.type) {
    case "structure": {
      if (!isPlainObject(value)) return err(`must be an object${of}, got ${describe(value)}`);
      const names = Object.keys(shape.members);
      for (const [key, v] of Object.entries(value)) {
        const member = shape.members[key];
        if (!member) {
          const guess = didYouMean(key, names);
          err(`unknown member "${key}" of ${shapeName}${guess ? `; did you mean "${guess}"?` : ""} Valid members: ${names.join(", ")}`);
          continue;
        }
        checkValue(model, v, member.shape, child(p, key), errors);
      }
      for (const r of shape.required ?? [])
        if (!(r in value)) err(`missing required member "${r}" (${shapeName} requires ${shape.required.join(", ")})`);
      if (shape.union) {
        const set = Object.keys(value).filter((k) => shape.members[k]);
        if (set.length !== 1) err(`${shapeName} is a union: exactly one of ${names.join(", ")} must be set, got ${set.length}`);
      }
      return;
    }
    case "list":
      if (!Array.isArray(value)) return err(`must be a list${of}, got ${describe(value)}`);
      range(value.length, "list length");
      value.forEach((v, i) => checkValue(model, v, shape.member.shape, child(p, i), errors));
      return;
    case "map":
      if (!isPlainObject(value)) return err(`must be an object mapping keys to values${of}, got ${describe(value)}`);
      range(Object.keys(value).length, "number of entries");
      for (const [k, v] of Object.entries(value)) {
        const keyErrors = [];
        checkValue(model, k, shape.key.shape, child(p, k), keyErrors);
        for (const e of keyErrors) errors.push(e.replace(/: /, ": key: "));
        checkValue(model, v, shape.value.shape, child(p, k), errors);
      }
      return;
    case "string":
      if (typeof value !== "string") return err(`must be a string${of}, got ${describe(value)}`);
      if (shape.enum && !shape.enum.includes(value)) {
        const guess = didYouMean(value, shape.enum);
        return err(`"${value}" is not a valid ${shapeName}${guess ? `; did you mean "${guess}"?` : ""} Valid values: ${shape.enum.join(", ")}`);
      }
      range([...value].length, "length");
      return;
    case "integer":
    case "long":
      if (typeof value !== "number" || !Number.isInteger(value)) return err(`must be an integer${of}, got ${describe(value)}`);
      range(value, "value");
      return;
    case "number":
    case "double":
    case "float":
      if (typeof value !== "number" || !Number.isFinite(value)) return err(`must be a number${of}, got ${describe(value)}`);
      range(value, "value");
      return;
    case "boolean":
      if (typeof value !== "boolean") return err(`must be a boolean${of}, got ${describe(value)}`);
      return;
    case "timestamp":
      if (!(typeof value === "number" && Number.isFinite(value)) && !(typeof value === "string" && !Number.isNaN(Date.parse(value))))
        err(`must be a timestamp (epoch seconds, or an ISO 8601 string), got ${describe(value)}`);
      return;
    case "blob":
      if (typeof value !== "string") err(`must be a base64 string${of}, got ${describe(value)}`);
      return;
    case "document":
      return;
    default:
      throw new Error(`shape ${shapeName} has unknown type ${shape.type}`);
  }
}

// Fargate task sizes: fargate.json (see its "source").
let fargateTable;
function fargateChecks(task, errors) {
  if (!isPlainObject(task) || !Array.isArray(task.requiresCompatibilities) || !task.requiresCompatibilities.includes("FARGATE")) return;
  fargateTable ??= JSON.parse(fs.readFileSync(path.join(here, "fargate.json"), "utf8"));
  const err = (p, m) => errors.push(`${p}: ${m}`);
  const failed = (member) => errors.some((e) => e.startsWith(`/${member}:`));
  if (task.networkMode !== "awsvpc" && !failed("networkMode"))
    err("/networkMode", `must be "awsvpc" for a task that requires FARGATE, got ${task.networkMode === undefined ? "none" : JSON.stringify(task.networkMode)}`);
  const units = (s, re, unit) => {
    if (typeof s !== "string") return undefined;
    const m = /^\s*(\d+)\s*$/.exec(s);
    if (m) return Number(m[1]);
    const u = re.exec(s);
    return u ? Math.round(Number(u[1]) * 1024) : NaN;
  };
  const cpu = units(task.cpu, /^\s*(\d+(?:\.\d+)?)\s*vCPU\s*$/i);
  const memory = units(task.memory, /^\s*(\d+(?:\.\d+)?)\s*GB\s*$/i);
  const cpus = Object.keys(fargateTable.cpu);
  if (task.cpu === undefined) err("/cpu", `a task that requires FARGATE must set task-level cpu, one of ${cpus.join(", ")} (CPU units, as a string)`);
  if (task.memory === undefined) err("/memory", "a task that requires FARGATE must set task-level memory (MiB, as a string)");
  if (Number.isNaN(cpu)) err("/cpu", `${JSON.stringify(task.cpu)} is neither CPU units ("1024") nor vCPUs ("1 vCPU")`);
  if (Number.isNaN(memory)) err("/memory", `${JSON.stringify(task.memory)} is neither MiB ("2048") nor GB ("2 GB")`);
  if (cpu === undefined || Number.isNaN(cpu)) return;
  const allowed = fargateTable.cpu[String(cpu)];
  if (!allowed) return err("/cpu", `${cpu} CPU units is not a Fargate task size; valid cpu values: ${cpus.join(", ")}`);
  const os = task.runtimePlatform?.operatingSystemFamily;
  if (typeof os === "string" && os.startsWith("WINDOWS") && cpu < 1024)
    err("/cpu", `Windows tasks on Fargate need at least 1024 CPU units (1 vCPU), got ${cpu}`);
  if (memory === undefined || Number.isNaN(memory)) return;
  if (!allowed.includes(memory)) {
    const other = cpus.filter((c) => fargateTable.cpu[c].includes(memory));
    err("/memory", `Fargate has no task size cpu ${cpu} + memory ${memory} MiB; with cpu ${cpu} memory must be one of ${allowed.join(", ")}` +
      (other.length ? `; memory ${memory} goes with cpu ${other.join(" or ")}` : `; no cpu value allows memory ${memory}`));
  }
}

function validateFile(model, operation, file) {
  const errors = [];
  let value;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    errors.push(e.code ? `cannot read: ${e.message}` : `not valid JSON: ${e.message}`);
  }
  if (errors.length === 0) {
    checkValue(model, value, model.operations[operation], "", errors);
    if (operation === "RegisterTaskDefinition") fargateChecks(value, errors);
  }
  if (errors.length === 0) {
    console.log(`ok  ${file}`);
    return true;
  }
  console.log(`FAIL ${file} (${operation})`);
  for (const e of errors) console.log(`       ${e}`);
  return false;
}

// --------------------------------------------------------------- the CLI

const args = process.argv.slice(2);
let modelFile;
let allDir;
const rest = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "-h" || a === "--help") {
    console.log(usage);
    process.exit(0);
  } else if (a === "--model" || a === "--all") {
    if (i + 1 >= args.length) usageError(`${a} needs an argument`);
    if (a === "--model") modelFile = args[++i];
    else allDir = args[++i];
  } else if (a.startsWith("--")) usageError(`unknown option ${a}`);
  else rest.push(a);
}

let jobs; // [operation, file]
if (allDir !== undefined) {
  if (rest.length) usageError("--all takes a directory and nothing else");
  let entries;
  try {
    entries = fs.readdirSync(allDir).sort();
  } catch (e) {
    console.log(`FAIL ${allDir}\n       cannot read the directory: ${e.message}`);
    process.exit(1);
  }
  jobs = [];
  for (const f of entries) {
    if (f.endsWith(".taskdef.json")) jobs.push(["RegisterTaskDefinition", path.join(allDir, f)]);
    else if (f.endsWith(".service.json")) jobs.push(["CreateService", path.join(allDir, f)]);
  }
  if (jobs.length === 0) {
    console.log(`FAIL ${allDir}\n       has no *.taskdef.json or *.service.json files`);
    process.exit(1);
  }
} else {
  if (rest.length < 2) usageError("need an operation and at least one file");
  jobs = rest.slice(1).map((f) => [rest[0], f]);
}

let model;
try {
  model = modelFile ? loadBotocoreModel(modelFile) : loadNpmModel();
} catch (e) {
  console.error(`validate.mjs: cannot load the ECS API model: ${e.message}`);
  process.exit(1);
}
const operation = jobs[0][0];
if (!model.operations[operation]) {
  const guess = didYouMean(operation, Object.keys(model.operations));
  usageError(`the ECS API has no operation "${operation}"${guess ? `; did you mean "${guess}"?` : ""}`);
}
if (process.env.ECS_VALIDATE_VERBOSE) console.error(`validate.mjs: model from ${model.source}`);

let ok = true;
for (const [op, file] of jobs) ok = validateFile(model, op, file) && ok;
process.exit(ok ? 0 : 1);
