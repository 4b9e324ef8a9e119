// Checks docs/resource-api.openapi.yaml (see check.sh):
// 1. it is a valid OpenAPI 3.1 document (@apidevtools/swagger-parser), and a
//    deliberately broken copy is rejected, so the validator really validates;
// 2. its operations (`<kind>.<operation>.request` schemas) are exactly the
//    `sim` operations of stdlib/resources.json;
// 3. its response codes are exactly the statuses runtime/resource_api.cpp
//    answers with.
// Prints one line per failed check and exits 1, or "ok ..." and exits 0.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const file = process.argv[2] ?? path.join(root, "docs/resource-api.openapi.yaml");
const failures = [];

let doc;
try {
  doc = await SwaggerParser.validate(file);
} catch (error) {
  console.error(`${file}: not a valid OpenAPI document: ${error.message}`);
  process.exit(1);
}
if (!String(doc.openapi).startsWith("3.1")) failures.push(`${file}: openapi is ${doc.openapi}, expected 3.1.x`);

const broken = structuredClone(doc);
broken.paths["/v1/{resource}/{operation}"].post.responses["200"] = { content: {} };  // no description
try {
  await SwaggerParser.validate(broken);
  failures.push("the validator accepted a response without `description`; it is not validating");
} catch {
  // expected
}

const stdlib = JSON.parse(fs.readFileSync(path.join(root, "stdlib/resources.json"), "utf8")).resources;
const expected = new Set();
for (const [kind, entry] of Object.entries(stdlib)) {
  for (const permission of Object.values(entry.permissions ?? {})) for (const op of permission.sim ?? []) expected.add(`${kind}.${op}`);
}
const documented = new Set();
for (const name of Object.keys(doc.components.schemas)) {
  const match = /^(.+)\.(request|result)$/.exec(name);
  if (match) documented.add(match[1]);
  if (match && !doc.components.schemas[`${match[1]}.${match[2] === "request" ? "result" : "request"}`]) {
    failures.push(`${name} has no matching ${match[2] === "request" ? "result" : "request"} schema`);
  }
}
for (const op of expected) if (!documented.has(op)) failures.push(`stdlib/resources.json allows ${op}, the document has no ${op}.request`);
for (const op of documented) if (!expected.has(op)) failures.push(`the document has ${op}, which stdlib/resources.json does not list`);

const source = fs.readFileSync(path.join(root, "runtime/resource_api.cpp"), "utf8");
const answered = new Set([...source.matchAll(/Answer\(res,\s*(\d{3})/g)].map((m) => m[1]));
const responses = new Set(Object.keys(doc.paths["/v1/{resource}/{operation}"].post.responses));
for (const code of answered) if (!responses.has(code)) failures.push(`runtime/resource_api.cpp answers ${code}, the document does not list it`);
for (const code of responses) if (!answered.has(code)) failures.push(`the document lists ${code}, runtime/resource_api.cpp never answers it`);

if (failures.length > 0) {
  for (const failure of failures) console.error(`FAIL: ${failure}`);
  process.exit(1);
}
console.log(`ok ${path.relative(root, file)}: valid OpenAPI ${doc.openapi}, ${documented.size} operations as in stdlib/resources.json, responses ${[...responses].join(" ")}`);
