// The wdsl client for JavaScript and TypeScript code in containers
// (c:bindings, cases 2 and 3). A workload's `bindings: { "NAME" => resource }`
// reaches the container as environment variables; this module turns them into
// objects whose methods have the names and types of the resource's inflight
// API (`bucket.put`, `queue.push`, `counter.inc`, ...).
//
// - In the simulator (`wdsl run --sim`, `wdsl test`): `WING_<NAME>_URL` and
//   `WING_<NAME>_TOKEN`; every call is `POST <url>/<operation>` on the
//   Resource API (docs/resource-api.openapi.yaml) with `{"args": [...]}`.
// - In the cloud (`--target helm/k8s/ecs`): `WING_<NAME>_NAME` and
//   `WING_<NAME>_TYPE` (the AWS bucket name, queue URL or name, table name)
//   and `WING_<NAME>_SECRET`; calls go through the AWS SDK v3 packages the
//   image installs (./aws.js).
//
// No dependencies: Node.js >= 18 (global `fetch`). docs/simulator.md.

/** What the client throws: the operation failed, was not allowed, or the
 * binding is missing. `status` is the Resource API's HTTP status (0 when no
 * answer came). */
export class WingBindingError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = "WingBindingError";
    this.status = status;
  }
}

// A binding name as its environment variables spell it: `WING_<NAME>_URL`.
function envName(name) {
  if (typeof name !== "string" || name === "") {
    throw new WingBindingError(`a binding name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  return `WING_${name}`;
}

function readEnv(variable, name, env) {
  const value = env[variable];
  if (value === undefined || value === "") {
    throw new WingBindingError(
      `the environment variable ${variable} is not set, so binding "${name}" cannot be used; ` +
        `bind it in the workload with \`bindings: { "${name}" => resource }\` ` +
        `(or, outside wdsl, set ${variable} yourself)`,
    );
  }
  return value;
}

/** Where a binding lives: `{mode: "sim", url, token}`, `{mode: "aws", name,
 * type}` or `{mode: "secret", value}`, read from `env` (default
 * `process.env`). Throws a WingBindingError naming the missing variable. */
export function bindingEnv(name, env = process.env) {
  const prefix = envName(name);
  if (env[`${prefix}_URL`] !== undefined && env[`${prefix}_URL`] !== "") {
    const url = env[`${prefix}_URL`];
    if (url.startsWith("redis://")) return { mode: "redis", url };
    return { mode: "sim", url: url.replace(/\/+$/, ""), token: readEnv(`${prefix}_TOKEN`, name, env) };
  }
  if (env[`${prefix}_SECRET`] !== undefined) return { mode: "secret", value: env[`${prefix}_SECRET`] };
  if (env[`${prefix}_NAME`] !== undefined && env[`${prefix}_NAME`] !== "") {
    return { mode: "aws", name: env[`${prefix}_NAME`], type: readEnv(`${prefix}_TYPE`, name, env) };
  }
  readEnv(`${prefix}_URL`, name, env);  // throws, naming the variable
}

// Trailing `undefined` arguments are left out (optional parameters); one in
// the middle is sent as null, which the simulator treats as "not given".
function encodeArgs(args) {
  const out = [...args];
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out.map((arg) => (arg === undefined ? null : arg));
}

/** Calls `operation` of the resource behind `binding` (a bindingEnv result in
 * "sim" mode) and returns its result. */
export async function callResourceApi(binding, operation, args, label = binding.url) {
  const url = `${binding.url}/${encodeURIComponent(operation)}`;
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${binding.token}`, "content-type": "application/json" },
      body: JSON.stringify({ args: encodeArgs(args) }),
    });
  } catch (error) {
    const cause = error && error.cause ? `: ${error.cause.message || error.cause}` : "";
    throw new WingBindingError(`${label}.${operation}: cannot reach the wdsl Resource API at ${url} (${error.message}${cause}); is the simulator running?`);
  }
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new WingBindingError(`${label}.${operation}: HTTP ${response.status} from ${url} with a body that is not JSON: ${text.slice(0, 200)}`, response.status);
  }
  if (response.status === 200 && body !== null && typeof body === "object" && "result" in body) return body.result;
  const explanation = body && typeof body.error === "string" ? body.error : text.slice(0, 200);
  const what = response.status === 403 ? "not allowed" : response.status === 401 ? "not authorized" : `failed (HTTP ${response.status})`;
  throw new WingBindingError(`${label}.${operation} ${what}: ${explanation}`, response.status);
}

// The inflight operations of each resource kind, with the Wing signature's
// parameter count (stdlib/cloud.w, stdlib/ex.w). tests/clients checks this
// table against stdlib/resources.json.
export const OPERATIONS = {
  "cloud.Bucket": ["put", "putJson", "get", "getJson", "tryGet", "tryGetJson", "delete", "tryDelete", "exists", "list", "publicUrl", "copy", "rename"],
  "cloud.Queue": ["push", "pop", "approxSize", "purge"],
  "cloud.Counter": ["inc", "dec", "peek", "set"],
  "cloud.Function": ["invoke", "invokeAsync"],
  "cloud.Service": ["start", "stop", "started"],
  "cloud.Secret": ["value", "valueJson"],
};

function makeClient(type, name, env, awsBackend, operations = OPERATIONS[type], userClass = false) {
  if (operations === undefined) {
    throw new WingBindingError(`binding "${name}": the JavaScript client has no methods for ${type}; supported kinds: ${Object.keys(OPERATIONS).join(", ")}`);
  }
  envName(name);
  // The environment is read at each call, so a module can create every
  // client at import time and only a call of a missing binding fails.
  const resolve = () => {
    const where = bindingEnv(name, env);
    if (where.mode === "redis") {
      throw new WingBindingError(`binding "${name}" is an ex.Redis URL (${envName(name)}_URL); use a Redis client package (e.g. \`npm install redis\`) with that URL`);
    }
    return where;
  };
  const client = { bindingName: name, type };
  for (const op of operations) {
    client[op] = async (...args) => {
      const where = resolve();
      if (userClass) {
        if (where.mode !== "sim") {
          throw new WingBindingError(`${name}.${op}: binding "${name}" is a ${type}, and user-class bindings run in the simulator only for now`);
        }
        // A Wing `T?` result is `T | undefined` in the typings (bindings.d.ts).
        const result = await callResourceApi(where, op, args, name);
        return result === null ? undefined : result;
      }
      if (where.mode === "sim") return callResourceApi(where, op, args, name);
      if (where.mode === "secret") return secretValue(type, name, where.value, op);
      const aws = await awsBackend();
      return aws.call({ ...where, type: where.type || type }, name, op, args);
    };
  }
  return Object.freeze(client);
}

function secretValue(type, name, value, op) {
  if (type !== "cloud.Secret") throw new WingBindingError(`binding "${name}" carries a secret value but is declared as ${type}`);
  if (op === "value") return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new WingBindingError(`${name}.valueJson: the secret's value is not JSON (${error.message})`);
  }
}

let awsModule;
function loadAws() {
  if (awsModule === undefined) awsModule = import("./aws.js");
  return awsModule;
}

/** A client for a binding of kind `type` ("cloud.Bucket", ...) read from
 * `env` (default `process.env`). */
export function binding(type, name, env = process.env) {
  return makeClient(type, name, env, loadAws);
}

/** A client for a binding of a user class `type` ("main.Store") whose bound
 * `pub inflight` methods are `methods`; each runs in the simulator through
 * the Resource API. bindings.js makes these, typed in bindings.d.ts. */
export function classBinding(type, name, methods, env = process.env) {
  if (!Array.isArray(methods) || methods.some((m) => typeof m !== "string")) {
    throw new WingBindingError(`binding "${name}": the methods of ${type} must be an array of names`);
  }
  return makeClient(type, name, env, loadAws, methods, true);
}

export const bucket = (name, env) => binding("cloud.Bucket", name, env);
export const queue = (name, env) => binding("cloud.Queue", name, env);
export const counter = (name, env) => binding("cloud.Counter", name, env);
export const fn = (name, env) => binding("cloud.Function", name, env);
export const service = (name, env) => binding("cloud.Service", name, env);
export const secret = (name, env) => binding("cloud.Secret", name, env);
