// Unit tests of the JavaScript client (runtime/clients/js) with `node --test`:
// against a stand-in Resource API that answers as runtime/resource_api.cpp
// does, against a fake AWS SDK package, and its operation table against
// stdlib/resources.json. Run: node --test tests/clients/js_client.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const client = await import(path.join(root, "runtime/clients/js/index.js"));

const TOKEN = "t0ken";
const calls = [];
let server;
let base;

// Allows put/get on root/Default/b, like a binding `b.allow(["put", "get"])`.
before(async () => {
  const objects = new Map();
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const answer = (status, json) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      calls.push({ url: req.url, auth: req.headers.authorization, body });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return answer(401, { error: "missing or unknown token" });
      const match = /^\/v1\/(.+)\/([^/]+)$/.exec(req.url);
      const [, resource, op] = match;
      if (resource !== "root/Default/b" || !["put", "get", "list"].includes(op)) {
        return answer(403, { error: `\`root/Default/w\` may not call \`${op}\` on \`${resource}\`: it is not bound to that operation` });
      }
      const { args } = JSON.parse(body);
      if (op === "put") { objects.set(args[0], args[1]); return answer(200, { result: null }); }
      if (op === "list") return answer(200, { result: [...objects.keys()] });
      if (!objects.has(args[0])) return answer(500, { error: `Object does not exist (key=${args[0]}).` });
      return answer(200, { result: objects.get(args[0]) });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}/v1/root/Default`;
});
after(() => server.close());

const env = () => ({ WING_FILES_URL: `${base}/b`, WING_FILES_TOKEN: TOKEN, WING_OTHER_URL: `${base}/q`, WING_OTHER_TOKEN: TOKEN });

test("a bound operation round-trips through the Resource API", async () => {
  const files = client.bucket("FILES", env());
  assert.equal(await files.put("a.txt", "hello"), null);
  assert.equal(await files.get("a.txt"), "hello");
  assert.deepEqual(await files.list(), ["a.txt"]);
  const put = calls.find((c) => c.url.endsWith("/b/put"));
  assert.equal(put.auth, `Bearer ${TOKEN}`);
  assert.deepEqual(JSON.parse(put.body), { args: ["a.txt", "hello"] });
});

test("optional arguments: trailing ones are left out, middle ones become null", async () => {
  const files = client.bucket("FILES", env());
  await files.list(undefined);
  assert.deepEqual(JSON.parse(calls.at(-1).body), { args: [] });
  const c = client.counter("OTHER", env());
  await assert.rejects(c.inc(undefined, "k"));
  assert.deepEqual(JSON.parse(calls.at(-1).body), { args: [null, "k"] });
});

test("an unbound operation throws with the server's 403 explanation", async () => {
  const files = client.bucket("FILES", env());
  await assert.rejects(files.delete("a.txt"), (error) => {
    assert.ok(error instanceof client.WingBindingError);
    assert.equal(error.status, 403);
    assert.match(error.message, /^FILES\.delete not allowed: `root\/Default\/w` may not call `delete` on `root\/Default\/b`/);
    return true;
  });
});

test("an operation that throws in the simulator throws its message", async () => {
  await assert.rejects(client.bucket("FILES", env()).get("missing"), /FILES\.get failed \(HTTP 500\): Object does not exist \(key=missing\)\./);
});

test("a user class: its methods go to the Resource API, null comes back as undefined", async () => {
  // The stand-in serves root/Default/b: `get` and `put` stand for the class's methods.
  const store = client.classBinding("main.Store", "FILES", ["put", "get", "wipe"], env());
  assert.equal(store.type, "main.Store");
  assert.equal(await store.put("c.txt", "from a class"), undefined);
  assert.equal(await store.get("c.txt"), "from a class");
  await assert.rejects(store.wipe("c.txt"), (error) => error.status === 403 && /FILES\.wipe not allowed/.test(error.message));
  assert.throws(() => client.classBinding("main.Store", "FILES", "get"), /must be an array of names/);
  const cloud = client.classBinding("main.Store", "S", ["get"], { WING_S_NAME: "x", WING_S_TYPE: "main.Store" });
  await assert.rejects(cloud.get("k"), /user-class bindings run in the simulator only for now/);
});

test("a wrong token gives 401 with the server's words", async () => {
  const files = client.bucket("FILES", { ...env(), WING_FILES_TOKEN: "nope" });
  await assert.rejects(files.get("a.txt"), (e) => e.status === 401 && /not authorized: missing or unknown token/.test(e.message));
});

test("a missing variable is named, at the call and not at creation", async () => {
  const files = client.bucket("NOPE", {});
  await assert.rejects(files.get("x"), /WING_NOPE_URL is not set, so binding "NOPE" cannot be used/);
  await assert.rejects(client.bucket("FILES", { WING_FILES_URL: `${base}/b` }).get("x"), /WING_FILES_TOKEN is not set/);
});

test("an unreachable Resource API says so", async () => {
  const files = client.bucket("FILES", { WING_FILES_URL: "http://127.0.0.1:1/v1/root/Default/b", WING_FILES_TOKEN: TOKEN });
  await assert.rejects(files.get("x"), /cannot reach the wdsl Resource API at http:\/\/127\.0\.0\.1:1\/v1\/root\/Default\/b\/get/);
});

test("secrets from WING_<NAME>_SECRET (the cloud form)", async () => {
  const s = client.secret("DB", { WING_DB_SECRET: '{"user":"u"}' });
  assert.equal(await s.value(), '{"user":"u"}');
  assert.deepEqual(await s.valueJson(), { user: "u" });
});

test("an unsupported kind and a Redis URL give clear errors", async () => {
  assert.throws(() => client.binding("cloud.Api", "X", {}), /no methods for cloud\.Api/);
  await assert.rejects(client.bucket("R", { WING_R_URL: "redis://cache:6379" }).get("k"), /ex\.Redis URL .*npm install redis/);
});

test("every operation of stdlib/resources.json has a method, and no more", () => {
  const stdlib = JSON.parse(fs.readFileSync(path.join(root, "stdlib/resources.json"), "utf8")).resources;
  for (const [type, ops] of Object.entries(client.OPERATIONS)) {
    assert.deepEqual([...ops].sort(), Object.keys(stdlib[type].permissions).sort(), type);
  }
  const typings = fs.readFileSync(path.join(root, "runtime/clients/js/index.d.ts"), "utf8");
  for (const ops of Object.values(client.OPERATIONS)) {
    for (const op of ops) assert.match(typings, new RegExp(`\\n  ${op}\\(`), `index.d.ts declares ${op}`);
  }
});

test("in the cloud: a missing SDK package is named, a present one is used", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wdsl-js-client-"));
  try {
    fs.cpSync(path.join(root, "runtime/clients/js"), path.join(dir, ".wdsl-client"), { recursive: true });
    const cloudEnv = { WING_B_NAME: "app-b", WING_B_TYPE: "cloud.Bucket" };
    const copy = await import(path.join(dir, ".wdsl-client/index.js"));
    await assert.rejects(copy.bucket("B", cloudEnv).put("k", "v"), /needs the package @aws-sdk\/client-s3.*npm install @aws-sdk\/client-s3/);
    // A stand-in @aws-sdk/client-s3 that records the commands it is sent.
    const pkg = path.join(dir, "node_modules/@aws-sdk/client-s3");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "@aws-sdk/client-s3", type: "module", main: "index.js" }));
    fs.writeFileSync(path.join(pkg, "index.js"), `
      export const sent = [];
      const command = (name) => class { constructor(input) { this.name = name; this.input = input; } };
      export const PutObjectCommand = command("Put"), GetObjectCommand = command("Get"), HeadObjectCommand = command("Head");
      export class S3Client { async send(c) { sent.push([c.name, c.input]);
        if (c.name === "Get") return { Body: { transformToString: async () => "body" } };
        return {}; } }`);
    const b = copy.bucket("B", cloudEnv);
    await b.put("k", "v");
    assert.equal(await b.get("k", { startByte: 1, endByte: 2 }), "body");
    const { sent } = await import(path.join(pkg, "index.js"));
    assert.deepEqual(sent, [["Put", { Bucket: "app-b", Key: "k", Body: "v", ContentType: undefined }],
                            ["Get", { Bucket: "app-b", Key: "k", Range: "bytes=1-2" }]]);

    // A function on tf-aws: Lambda's Invoke through a stand-in @aws-sdk/client-lambda.
    const lambdaPkg = path.join(dir, "node_modules/@aws-sdk/client-lambda");
    fs.mkdirSync(lambdaPkg, { recursive: true });
    fs.writeFileSync(path.join(lambdaPkg, "package.json"), JSON.stringify({ name: "@aws-sdk/client-lambda", type: "module", main: "index.js" }));
    fs.writeFileSync(path.join(lambdaPkg, "index.js"), `
      export const sent = [];
      export class InvokeCommand { constructor(input) { this.input = input; } }
      export class LambdaClient { async send(c) {
        const payload = new TextDecoder().decode(c.input.Payload);
        sent.push([c.input.FunctionName, c.input.InvocationType, payload]);
        if (c.input.InvocationType === "Event") return { StatusCode: 202 };
        if (c.input.FunctionName === "app-fails") return { FunctionError: "Unhandled",
          Payload: new TextEncoder().encode(JSON.stringify({ errorMessage: "no boom allowed", errorType: "wdsl.HandlerError" })) };
        return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify({ echo: JSON.parse(payload) })) };
      } }`);
    const resize = copy.fn("RESIZE", { WING_RESIZE_NAME: "app-resize", WING_RESIZE_TYPE: "cloud.Function" });
    assert.deepEqual(await resize.invoke({ w: 640 }), { echo: { w: 640 } });
    assert.equal(await resize.invokeAsync("later"), undefined);
    const fails = copy.fn("F", { WING_F_NAME: "app-fails", WING_F_TYPE: "cloud.Function" });
    await assert.rejects(fails.invoke(), /the function app-fails failed \(Unhandled\): no boom allowed/);
    const lambda = await import(path.join(lambdaPkg, "index.js"));
    assert.deepEqual(lambda.sent, [["app-resize", "RequestResponse", '{"w":640}'], ["app-resize", "Event", '"later"'],
                                   ["app-fails", "RequestResponse", "null"]]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
