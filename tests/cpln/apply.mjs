// Runs the real `cpln apply -f <file-or-dir>` against a stand-in for the
// Control Plane API on 127.0.0.1 and checks what it sent:
//
//   node apply.mjs [--org ORG] <file-or-dir>
//
// The CLI must accept the input (it parses every .yaml/.yml/.json file with
// js-yaml and wants a kind in every document), and PUT each document exactly
// once, unchanged, to the collection of its kind: /org/ORG/gvc, /policy,
// /domain, /secret, and /org/ORG/gvc/<its gvc:>/workload or /identity. This
// is as far as the CLI goes offline: it has no dry run, and the API checks
// the fields (validate.mjs does that here). Prints `ok: ...` or `FAIL ...`
// lines; exit status 0 or 1 (2 for a usage error).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import yaml from "js-yaml";
import { offlineCpln } from "./cpln.mjs";

const args = process.argv.slice(2);
let org = "example-org";
const orgAt = args.indexOf("--org");
if (orgAt >= 0) org = args.splice(orgAt, 2)[1];
if (args.length !== 1 || !org) {
  console.error("usage: node apply.mjs [--org ORG] <file-or-dir>");
  process.exit(2);
}
const input = args[0];

function files(p) {
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p).sort().flatMap((e) => files(path.join(p, e))).filter((f) => /\.(ya?ml|json)$/.test(f));
}

const requests = [];
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    if (req.method === "PUT") {
      requests.push({ url: req.url, body: JSON.parse(body) });
      res.writeHead(201, { "content-type": "application/json", location: `${req.url}/created` });
      return res.end("{}");
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const endpoint = `http://127.0.0.1:${server.address().port}`;

let failed = 0;
const fail = (message) => {
  failed++;
  console.log(`FAIL ${message}`);
};
try {
  const cpln = await offlineCpln(org);
  const applied = await cpln(["apply", "-f", input, "--endpoint", endpoint]);
  if (applied.code !== 0) {
    fail(`cpln apply -f ${input} exited ${applied.code}: ${(applied.stderr || applied.stdout).trim()}`);
  } else {
    const documents = fs.existsSync(input)
      ? files(input).flatMap((f) => yaml.loadAll(fs.readFileSync(f, "utf8")).filter((d) => d !== null))
      : [];
    const collection = (doc) =>
      ["workload", "identity", "volumeset"].includes(doc.kind)
        ? `/org/${org}/gvc/${doc.gvc ?? "<profile gvc>"}/${doc.kind}`
        : `/org/${org}/${doc.kind}`;
    for (const doc of documents) {
      const sent = requests.filter((r) => r.body.kind === doc.kind && r.body.name === doc.name);
      if (sent.length !== 1) fail(`${doc.kind} ${doc.name}: sent ${sent.length} time(s), expected once`);
      else if (sent[0].url !== collection(doc)) fail(`${doc.kind} ${doc.name}: PUT ${sent[0].url}, expected ${collection(doc)}`);
      else if (!isDeepStrictEqual(sent[0].body, doc)) fail(`${doc.kind} ${doc.name}: the CLI changed the object it sent`);
    }
    if (requests.length !== documents.length) fail(`${requests.length} request(s) for ${documents.length} document(s)`);
    if (documents.length === 0) fail(`no Control Plane objects in ${input}`);
    if (!failed) console.log(`ok: cpln apply sent all ${documents.length} object(s), each to its kind's collection`);
  }
} catch (e) {
  fail(e.message);
}
server.close();
process.exit(failed ? 1 : 0);
