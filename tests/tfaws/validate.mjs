// Validates Terraform JSON configuration (what `wdsl build --target tf-aws`
// writes: target/main.tfaws/main.tf.json) against the real provider schemas
// of hashicorp/aws, kreuzwerker/docker, hashicorp/helm (2.x) and
// hashicorp/tls, as extract.mjs derives them from the prebuilt CDKTF
// bindings pinned in package.json. (hashicorp/kubernetes is not among them:
// a provider.kubernetes block is not checked.)
//
//   node validate.mjs <main.tf.json>...
//
// Checked:
//   - top level: only Terraform's block types (terraform, provider, resource,
//     data, variable, output, locals, module, ...); "//" comments anywhere.
//   - every resource.<type>.<name> and data.<type>.<name>: the type exists
//     in its provider (a "did you mean"), the name is an identifier, every
//     argument is one the type has (a "did you mean", or the valid names),
//     required arguments and blocks are there, values have a plausible JSON
//     type (a string where a number, boolean, list or map is expected is an
//     error unless it holds a ${...} interpolation; null only for optional
//     arguments), nested blocks (an object, or a list of objects; at most one
//     where the schema allows one) and nested attributes recursively, and
//     `dynamic` blocks. Meta-arguments (count, for_each, depends_on,
//     provider, lifecycle, provisioner, connection) are checked too.
//   - a few provider rules the schema cannot express, for the resources wdsl
//     writes (RULES below): aws_dynamodb_table needs hash_key (the schema has
//     it Optional + Computed for point-in-time restores) and an attribute
//     block for exactly the key attributes; literal policy documents and
//     container definitions must be JSON.
//   - providers: `terraform.required_providers` lists every provider a
//     resource or data source uses, with a `source` (the schema's, for aws
//     and docker) and a `version` constraint that admits the provider version
//     the schema is from; `provider.aws` is configured when aws is used;
//     every provider block whose provider has a schema (provider.aws,
//     provider.helm with its kubernetes { exec { ... } } block, ...) is
//     checked like a resource body; every `provider = "aws.<alias>"` has
//     that alias.
//   - references: every `${aws_x.y...}` / `${data.aws_x.y...}` (any string,
//     anywhere in the file), depends_on entry and replace_triggered_by entry
//     names a resource or data source declared in the file; `var.x`,
//     `local.x` and `module.x` name a declared variable, local or module.
//     Attribute names after the block are not checked.
//
// Prints `ok  <file>` for a valid file, otherwise `FAIL <file>` and one
// indented line per error, `<JSON pointer>: <message>`. Exit status: 0 if
// every file is valid, 1 otherwise, 2 for a usage error.
import fs from "node:fs";
import { ensureSchemas } from "./extract.mjs";

const usage = "usage: node validate.mjs <main.tf.json>...";

// ------------------------------------------------------------ helpers

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
    if (Math.abs(c.length - word.length) >= bestDistance) continue;
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  if (bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
  // "bucket_name" -> "bucket": a candidate that is a whole-word prefix or
  // suffix of the word (or the other way round), the longest one.
  const w = word.toLowerCase();
  const near = candidates.filter((c) => {
    const l = c.toLowerCase();
    return w.startsWith(`${l}_`) || w.endsWith(`_${l}`) || l.startsWith(`${w}_`) || l.endsWith(`_${w}`);
  });
  return near.sort((a, b) => b.length - a.length)[0];
}

const pointer = (p) => p || "/";
const child = (p, key) => `${p}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isIdentifier = (s) => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s);

function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}

// The expressions of a Terraform template string: the insides of ${...}
// and %{...} ($${ and %%{ are escapes), braces and quoted strings balanced.
function templateExpressions(s) {
  const out = [];
  for (let i = 0; i < s.length - 1; i++) {
    if ((s[i] !== "$" && s[i] !== "%") || s[i + 1] !== "{") continue;
    if (s[i + 2] === undefined) break;
    if (i > 0 && s[i - 1] === s[i]) continue; // $${ or %%{
    let depth = 1;
    let j = i + 2;
    let quote = false;
    for (; j < s.length && depth > 0; j++) {
      const c = s[j];
      if (quote) {
        if (c === "\\") j++;
        else if (c === '"') quote = false;
      } else if (c === '"') quote = true;
      else if (c === "{") depth++;
      else if (c === "}") depth--;
    }
    out.push(s.slice(i + 2, depth === 0 ? j - 1 : j));
    i = j - 1;
  }
  return out;
}
const hasInterpolation = (s) => typeof s === "string" && templateExpressions(s).length > 0;

// Terraform version constraints: "6.25.0", ">= 6.0, < 7.0", "~> 6.25".
function parseVersion(s) {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?$/.exec(s.trim());
  return m ? { parts: [m[1], m[2], m[3]].map((x) => (x === undefined ? undefined : Number(x))) } : undefined;
}
const cmp = (a, b) => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};
// Returns true/false, or an error message for a malformed constraint.
function admits(constraint, version) {
  const v = parseVersion(version).parts;
  for (const raw of constraint.split(",")) {
    const m = /^\s*(=|!=|>=|<=|>|<|~>)?\s*(\S+)\s*$/.exec(raw);
    const c = m && parseVersion(m[2]);
    if (!c) return `"${constraint}" is not a version constraint`;
    const op = m[1] ?? "=";
    const p = c.parts;
    const d = cmp(v, p);
    let ok;
    if (op === "=") ok = d === 0;
    else if (op === "!=") ok = d !== 0;
    else if (op === ">") ok = d > 0;
    else if (op === ">=") ok = d >= 0;
    else if (op === "<") ok = d < 0;
    else if (op === "<=") ok = d <= 0;
    else {
      // ~> 6 and ~> 6.25: >= that, < next major; ~> 6.25.0: < next minor.
      const given = p.filter((x) => x !== undefined).length;
      const upper = given === 3 ? [p[0], p[1] + 1, 0] : [p[0] + 1, 0, 0];
      ok = d >= 0 && cmp(v, upper) < 0;
    }
    if (!ok) return false;
  }
  return true;
}

const normalizeSource = (s) => s.toLowerCase().replace(/^registry\.terraform\.io\//, "");

// ------------------------------------------------------ the schemas

// Built into Terraform: terraform_data needs no provider.
const BUILTIN = {
  local: "terraform",
  resources: { terraform_data: "terraform_data" },
  dataSources: {},
  structs: { terraform_data: { input: { t: "any" }, triggers_replace: { t: "any" } } },
};

// Provider rules the schemas cannot express, for the resources wdsl writes.
// JSON_ARGS: arguments whose literal string value must be a JSON document:
// "policy" (an IAM policy: an object with a Statement), "object", "array".
const JSON_ARGS = {
  aws_iam_role: { assume_role_policy: "policy" },
  aws_iam_role_policy: { policy: "policy" },
  aws_iam_policy: { policy: "policy" },
  aws_iam_user_policy: { policy: "policy" },
  aws_s3_bucket_policy: { policy: "policy" },
  aws_sqs_queue: { policy: "policy", redrive_policy: "object", redrive_allow_policy: "object" },
  aws_sqs_queue_policy: { policy: "policy" },
  aws_sqs_queue_redrive_policy: { redrive_policy: "object" },
  aws_sns_topic_policy: { policy: "policy" },
  aws_ecr_repository_policy: { policy: "policy" },
  aws_ecr_lifecycle_policy: { policy: "object" },
  aws_secretsmanager_secret: { policy: "policy" },
  aws_secretsmanager_secret_policy: { policy: "policy" },
  aws_ecs_task_definition: { container_definitions: "array" },
};

function checkJsonString(value, want, p, err) {
  if (typeof value !== "string") return;
  const exprs = templateExpressions(value);
  if (exprs.length === 1 && value.trim() === `\${${exprs[0]}}`) return; // "${jsonencode(...)}", "${data.x.json}"
  // Interpolations inside JSON strings: parse with a placeholder there.
  let text = value;
  if (exprs.length) text = value.replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, "__tf__");
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return err(p, `must be a JSON document (a string holding JSON${exprs.length ? ", after replacing its ${...} interpolations" : ""}), but it does not parse: ${e.message}`);
  }
  if (want === "array" && !Array.isArray(doc)) return err(p, `must be a JSON array, got ${describe(doc)}`);
  if (want !== "array" && !isPlainObject(doc)) return err(p, `must be a JSON object, got ${describe(doc)}`);
  if (want === "policy" && !("Statement" in doc)) err(p, `is not an IAM policy document: it has no "Statement"`);
}

function dynamodbRules(body, p, err) {
  const restoring = body.restore_source_name !== undefined || body.restore_source_table_arn !== undefined;
  if (restoring) return;
  if (body.hash_key === undefined)
    return err(p, `missing "hash_key": aws_dynamodb_table needs its partition key unless it is restored (restore_source_name or restore_source_table_arn); ` +
      "the schema marks hash_key Optional + Computed only for restores, and the provider fails without it");
  const blocks = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(isPlainObject);
  const attributes = blocks(body.attribute);
  const declared = new Map(attributes.filter((a) => typeof a.name === "string").map((a) => [a.name, a]));
  const keys = new Map(); // name -> where it is used
  const use = (v, where) => {
    if (typeof v === "string" && !hasInterpolation(v) && !keys.has(v)) keys.set(v, where);
  };
  use(body.hash_key, "hash_key");
  use(body.range_key, "range_key");
  blocks(body.global_secondary_index).forEach((g, i) => {
    use(g.hash_key, `global_secondary_index/${i}/hash_key`);
    use(g.range_key, `global_secondary_index/${i}/range_key`);
  });
  blocks(body.local_secondary_index).forEach((l, i) => use(l.range_key, `local_secondary_index/${i}/range_key`));
  if (body.dynamic?.attribute !== undefined || attributes.some((a) => hasInterpolation(a.name))) return;
  for (const [name, where] of keys)
    if (!declared.has(name)) err(child(p, where.split("/")[0]), `key attribute "${name}" (${where}) has no attribute block: aws_dynamodb_table needs attribute { name = "${name}", type = "S" | "N" | "B" }`);
  for (const name of declared.keys())
    if (!keys.has(name)) err(child(p, "attribute"), `attribute "${name}" is not a table or index key: DynamoDB rejects attribute definitions that no key uses (all attributes must be indexed)`);
}

// ------------------------------------------------------ the checks

const META_RESOURCE = ["count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"];
const META_DATA = ["count", "for_each", "depends_on", "provider", "lifecycle"];
const LIFECYCLE_RESOURCE = ["create_before_destroy", "prevent_destroy", "ignore_changes", "replace_triggered_by", "precondition", "postcondition"];
const LIFECYCLE_DATA = ["precondition", "postcondition"];
const TOP_LEVEL = ["terraform", "provider", "resource", "data", "variable", "output", "locals", "module", "moved", "import", "removed", "check", "ephemeral"];
const VARIABLE_KEYS = ["type", "default", "description", "sensitive", "nullable", "validation", "ephemeral"];
const OUTPUT_KEYS = ["value", "description", "sensitive", "depends_on", "precondition", "ephemeral"];
const RESERVED_ROOTS = new Set(["var", "local", "module", "data", "each", "count", "path", "self", "terraform", "resource", "ephemeral"]);

class Validator {
  constructor(schemas, doc) {
    this.schemas = schemas; // local name -> schema
    this.doc = doc;
    this.errors = [];
    this.allResourceTypes = new Set();
    for (const s of Object.values(schemas)) for (const t of Object.keys(s.resources)) this.allResourceTypes.add(t);
  }

  err(p, message) {
    this.errors.push(`${pointer(p)}: ${message}`);
  }

  // The schema of a provider local name, by the source required_providers
  // gives it, else by the local name.
  schemaFor(local) {
    if (local === "terraform") return BUILTIN;
    const rp = this.doc.terraform?.required_providers?.[local];
    if (isPlainObject(rp) && typeof rp.source === "string") {
      const src = normalizeSource(rp.source);
      for (const s of Object.values(this.schemas)) if (s.provider.source === src) return s;
      return undefined;
    }
    return this.schemas[local];
  }

  // ---- values against types
  checkType(type, value, p, argName) {
    const err = (m) => this.err(p, m);
    if (typeof value === "string" && type !== "string" && type !== "any" && hasInterpolation(value)) return; // an expression
    if (type === "any") return;
    if (type === "string") {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return; // Terraform converts
      return err(`must be a string, got ${describe(value)}`);
    }
    if (type === "number") {
      if (typeof value === "number") return;
      return err(`must be a number, got ${describe(value)}${typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? " (write the JSON number, not a string)" : ""}`);
    }
    if (type === "bool") {
      if (typeof value === "boolean") return;
      return err(`must be a boolean (true or false), got ${describe(value)}`);
    }
    if (type.list) {
      if (!Array.isArray(value)) return err(`must be a list${type.list.struct ? " of objects" : ""}, got ${describe(value)}`);
      value.forEach((v, i) => this.checkElement(type.list, v, child(p, i), argName));
      return;
    }
    if (type.map) {
      if (!isPlainObject(value)) return err(`must be an object (a map), got ${describe(value)}`);
      for (const [k, v] of Object.entries(value)) this.checkElement(type.map, v, child(p, k), argName);
      return;
    }
    if (type.struct) {
      if (!isPlainObject(value)) return err(`must be an object, got ${describe(value)}`);
      this.checkBody(type.struct, value, p, { what: `"${argName}"` });
      return;
    }
    throw new Error(`unknown type ${JSON.stringify(type)}`);
  }

  checkElement(type, v, p, argName) {
    if (v === null) return this.err(p, "a list or map element must not be null");
    this.checkType(type, v, p, argName);
  }

  // A nested block: an object (one block) or a list of objects.
  checkBlock(arg, name, value, p) {
    const structId = arg.t.struct ?? arg.t.list?.struct;
    const single = !!arg.t.struct;
    if (arg.t === "any") return; // cdktf stops at its nesting depth limit
    if (typeof value === "string")
      return this.err(p, `"${name}" is a nested block: it must be an object or a list of objects, not an expression${hasInterpolation(value) ? ' (to generate blocks, use "dynamic")' : ""}`);
    if (isPlainObject(value)) return this.checkBody(structId, value, p, { what: `block "${name}"` });
    if (!Array.isArray(value)) return this.err(p, `"${name}" is a nested block: it must be an object or a list of objects, got ${describe(value)}`);
    if (single && value.length > 1) this.err(p, `at most one "${name}" block is allowed, got ${value.length}`);
    value.forEach((v, i) => {
      if (!isPlainObject(v)) this.err(child(p, i), `a "${name}" block must be an object, got ${describe(v)}`);
      else this.checkBody(structId, v, child(p, i), { what: `block "${name}"` });
    });
  }

  // A block body against a struct: argument names, required ones, values.
  // ctx: {what, type (resource/data type, top level only), meta: [names],
  // lifecycle: [names]}
  checkBody(structId, body, p, ctx) {
    const schema = ctx.schema ?? this.currentSchema;
    const args = schema.structs[structId];
    if (!args) throw new Error(`schema has no struct ${structId}`);
    const names = Object.keys(args);
    const dynamicBlocks = new Set();
    for (const [key, value] of Object.entries(body)) {
      const q = child(p, key);
      if (key === "//") continue;
      if (ctx.meta?.includes(key)) {
        this.checkMeta(key, value, q, ctx);
        continue;
      }
      if (key === "dynamic") {
        this.checkDynamic(args, value, q, dynamicBlocks);
        continue;
      }
      const arg = args[key];
      if (!arg) {
        const guess = didYouMean(key, [...names, ...(ctx.meta ?? [])]);
        const on = ctx.type ? `${ctx.type}` : ctx.what;
        this.err(q, `unknown argument "${key}" of ${on}${guess ? `; did you mean "${guess}"?` : ""} Valid arguments: ${names.sort().join(", ")}`);
        continue;
      }
      if (value === null) {
        if (arg.r) this.err(q, `required argument "${key}" must not be null`);
        continue;
      }
      if (arg.b) this.checkBlock(arg, key, value, q);
      else this.checkType(arg.t, value, q, key);
    }
    const missing = names.filter((n) => args[n].r && !(n in body) && !dynamicBlocks.has(n));
    for (const n of missing)
      this.err(p, `missing required ${args[n].b ? "block" : "argument"} "${n}"${ctx.type ? ` of ${ctx.type}` : ` in ${ctx.what}`}` +
        ` (required: ${names.filter((x) => args[x].r).join(", ")})`);
  }

  checkDynamic(args, value, p, dynamicBlocks) {
    if (!isPlainObject(value)) return this.err(p, `"dynamic" must be an object of block names, got ${describe(value)}`);
    const blockNames = Object.keys(args).filter((n) => args[n].b);
    for (const [name, d] of Object.entries(value)) {
      const q = child(p, name);
      const arg = args[name];
      if (!arg || !arg.b) {
        const guess = didYouMean(name, blockNames);
        this.err(q, `dynamic "${name}": no such nested block${guess ? `; did you mean "${guess}"?` : ""} Blocks: ${blockNames.join(", ") || "none"}`);
        continue;
      }
      dynamicBlocks.add(name);
      for (const dd of Array.isArray(d) ? d : [d]) {
        if (!isPlainObject(dd)) {
          this.err(q, `dynamic "${name}" must be an object, got ${describe(dd)}`);
          continue;
        }
        for (const k of Object.keys(dd))
          if (!["for_each", "iterator", "labels", "content", "//"].includes(k)) this.err(child(q, k), `unknown argument "${k}" of a dynamic block (for_each, iterator, content)`);
        if (!("for_each" in dd)) this.err(q, `dynamic "${name}" needs "for_each"`);
        if (!isPlainObject(dd.content)) this.err(q, `dynamic "${name}" needs a "content" object`);
        else if (arg.t !== "any") this.checkBody(arg.t.struct ?? arg.t.list.struct, dd.content, child(q, "content"), { what: `block "${name}"` });
      }
    }
  }

  checkMeta(key, value, p, ctx) {
    const err = (m) => this.err(p, m);
    switch (key) {
      case "count":
        if (typeof value !== "number" && !hasInterpolation(value)) err(`must be a number or an expression, got ${describe(value)}`);
        if ("for_each" in ctx.body) err(`"count" and "for_each" cannot both be set`);
        return;
      case "for_each":
        if (!isPlainObject(value) && !Array.isArray(value) && !hasInterpolation(value)) err(`must be a map, a set or an expression, got ${describe(value)}`);
        return;
      case "depends_on":
        if (!Array.isArray(value)) return err(`must be a list of references ("aws_x.name"), got ${describe(value)}`);
        value.forEach((v, i) => {
          if (typeof v !== "string") this.err(child(p, i), `must be a reference string ("aws_x.name"), got ${describe(v)}`);
          else this.checkReferences(v, child(p, i), { bare: true });
        });
        return;
      case "provider":
        if (typeof value !== "string" || !/^[a-z][a-z0-9_-]*(\.[A-Za-z_][\w-]*)?$/.test(value))
          err(`must be a provider reference like "aws" or "aws.west", got ${describe(value)}`);
        return;
      case "lifecycle": {
        if (!isPlainObject(value)) return err(`must be an object, got ${describe(value)}`);
        for (const [k, v] of Object.entries(value)) {
          const q = child(p, k);
          if (!ctx.lifecycle.includes(k)) {
            const guess = didYouMean(k, ctx.lifecycle);
            this.err(q, `unknown lifecycle argument "${k}"${guess ? `; did you mean "${guess}"?` : ""} Valid: ${ctx.lifecycle.join(", ")}`);
          } else if ((k === "create_before_destroy" || k === "prevent_destroy") && typeof v !== "boolean") this.err(q, `must be a boolean, got ${describe(v)}`);
          else if (k === "ignore_changes" && !Array.isArray(v) && v !== "all") this.err(q, `must be a list of argument names or "all", got ${describe(v)}`);
          else if (k === "replace_triggered_by") {
            if (!Array.isArray(v)) this.err(q, `must be a list of references, got ${describe(v)}`);
            else v.forEach((r, i) => typeof r === "string" && this.checkReferences(r, child(q, i), { bare: !hasInterpolation(r) }));
          }
        }
        return;
      }
      default: // provisioner, connection: not checked
    }
  }

  // ---- resources and data sources
  checkBlocks(kind) {
    const top = this.doc[kind];
    if (top === undefined) return;
    const p0 = `/${kind}`;
    if (!isPlainObject(top)) return this.err(p0, `must be an object of ${kind === "data" ? "data source" : "resource"} types, got ${describe(top)}`);
    for (const [type, byName] of Object.entries(top)) {
      const p1 = child(p0, type);
      if (type === "//") continue;
      if (!isPlainObject(byName)) {
        this.err(p1, `must be an object of names, got ${describe(byName)}`);
        continue;
      }
      for (const [name, body] of Object.entries(byName)) {
        const p2 = child(p1, name);
        if (name === "//") continue;
        if (!isIdentifier(name)) this.err(p2, `"${name}" is not a valid ${kind} name (a letter or _, then letters, digits, _ and -)`);
        if (!isPlainObject(body)) {
          this.err(p2, `must be an object, got ${describe(body)}`);
          continue;
        }
        const local = typeof body.provider === "string" ? body.provider.split(".")[0] : type === "terraform_data" ? "terraform" : type.split("_")[0];
        this.used.push({ kind, type, name, local, alias: typeof body.provider === "string" ? body.provider.split(".")[1] : undefined, p: p2 });
        const schema = this.schemaFor(local);
        if (!schema) {
          const known = Object.values(this.schemas).map((s) => `${s.provider.local} (${s.provider.source})`).join(", ");
          this.err(p2, `no schema for provider "${local}" of ${type}: this check knows ${known} and terraform_data; extend tests/tfaws/extract.mjs`);
          continue;
        }
        const table = kind === "data" ? schema.dataSources : schema.resources;
        const structId = table[type];
        if (!structId) {
          const everywhere = kind === "data" ? Object.values(this.schemas).flatMap((s) => Object.keys(s.dataSources)) : [...this.allResourceTypes];
          const guess = didYouMean(type, everywhere);
          const other = kind === "data" ? schema.resources[type] : schema.dataSources[type];
          this.err(p1, `unknown ${kind === "data" ? "data source" : "resource"} type "${type}" in ${schema.provider.source ?? "terraform"} ${schema.provider.version ?? ""}`.trimEnd() +
            (guess ? `; did you mean "${guess}"?` : "") + (other ? ` (${type} is a ${kind === "data" ? "resource" : "data source"})` : ""));
          break;
        }
        this.currentSchema = schema;
        const meta = kind === "data" ? META_DATA : META_RESOURCE;
        this.checkBody(structId, body, p2, {
          type: kind === "data" ? `data source ${type}` : type,
          meta,
          lifecycle: kind === "data" ? LIFECYCLE_DATA : LIFECYCLE_RESOURCE,
          body,
          schema,
        });
        if (kind === "resource") {
          const err = (p, m) => this.err(p, m);
          if (type === "aws_dynamodb_table") dynamodbRules(body, p2, err);
          for (const [arg, want] of Object.entries(JSON_ARGS[type] ?? {})) if (body[arg] !== undefined) checkJsonString(body[arg], want, child(p2, arg), err);
          const inline = body.inline_policy;
          if (type === "aws_iam_role" && inline)
            for (const [i, ip] of (Array.isArray(inline) ? inline : [inline]).entries()) {
              const q = Array.isArray(inline) ? child(child(p2, "inline_policy"), i) : child(p2, "inline_policy");
              if (isPlainObject(ip) && ip.policy !== undefined) checkJsonString(ip.policy, "policy", child(q, "policy"), err);
            }
        }
      }
    }
  }

  // ---- providers
  checkProviders() {
    const tf = this.doc.terraform;
    const tfs = tf === undefined ? [] : Array.isArray(tf) ? tf : [tf];
    tfs.forEach((t, i) => {
      if (!isPlainObject(t)) this.err(Array.isArray(tf) ? `/terraform/${i}` : "/terraform", `must be an object, got ${describe(t)}`);
    });
    const rps = {};
    tfs.filter(isPlainObject).forEach((t, i) => {
      const rp = t.required_providers;
      if (rp === undefined) return;
      const p = `${Array.isArray(tf) ? `/terraform/${i}` : "/terraform"}/required_providers`;
      if (!isPlainObject(rp)) return this.err(p, `must be an object, got ${describe(rp)}`);
      for (const [k, v] of Object.entries(rp)) rps[k] = { v, p: child(p, k) };
    });
    const locals = [...new Set(this.used.map((u) => u.local))].filter((l) => l !== "terraform");
    for (const local of locals) {
      const users = this.used.filter((u) => u.local === local);
      const example = `${users[0].kind === "data" ? "data." : ""}${users[0].type}.${users[0].name}`;
      const schema = this.schemaFor(local);
      const want = schema ? `{"source": "${schema.provider.source}", "version": "~> ${schema.provider.version.split(".").slice(0, 2).join(".")}"}` : `{"source": "...", "version": "..."}`;
      const entry = rps[local];
      if (!entry) {
        this.err("/terraform/required_providers", `missing "${local}" (used by ${example}${users.length > 1 ? ` and ${users.length - 1} more` : ""}); add "${local}": ${want}`);
        continue;
      }
      const { v, p } = entry;
      if (!isPlainObject(v)) {
        this.err(p, `must be an object with "source" and "version", e.g. ${want}, got ${describe(v)}`);
        continue;
      }
      if (typeof v.source !== "string") this.err(p, `missing "source" (e.g. "${schema?.provider.source ?? `hashicorp/${local}`}")`);
      else if (schema && normalizeSource(v.source) !== schema.provider.source && this.schemas[local])
        this.err(child(p, "source"), `"${v.source}" is not ${this.schemas[local].provider.source}, the provider whose schema this check has for "${local}"`);
      if (typeof v.version !== "string") this.err(p, `missing "version" (a constraint such as "~> ${schema ? schema.provider.version.split(".").slice(0, 2).join(".") : "1.0"}")`);
      else if (schema) {
        const ok = admits(v.version, schema.provider.version);
        if (typeof ok === "string") this.err(child(p, "version"), ok);
        else if (!ok)
          this.err(child(p, "version"), `"${v.version}" excludes ${schema.provider.source} ${schema.provider.version}, the version whose schema this check has ` +
            `(${schema.package.name} ${schema.package.version}); the file would be checked against a different provider than terraform installs`);
      }
    }

    // provider blocks
    const prov = this.doc.provider;
    const configured = {}; // local -> Set of aliases ("" for the default)
    if (prov !== undefined && !isPlainObject(prov)) this.err("/provider", `must be an object of provider names, got ${describe(prov)}`);
    else
      for (const [local, cfgs] of Object.entries(prov ?? {})) {
        if (local === "//") continue;
        const p = child("/provider", local);
        const list = Array.isArray(cfgs) ? cfgs : [cfgs];
        configured[local] = new Set();
        list.forEach((cfg, i) => {
          const q = Array.isArray(cfgs) ? child(p, i) : p;
          if (!isPlainObject(cfg)) return this.err(q, `must be an object, got ${describe(cfg)}`);
          const alias = typeof cfg.alias === "string" ? cfg.alias : "";
          if (configured[local].has(alias)) this.err(q, alias ? `duplicate provider "${local}" alias "${alias}"` : `duplicate default (no alias) configuration of provider "${local}"`);
          configured[local].add(alias);
          const schema = this.schemaFor(local);
          if (schema && schema !== BUILTIN) {
            this.currentSchema = schema;
            this.checkBody(schema.providerConfig, cfg, q, { type: `provider ${local}`, meta: ["version"], lifecycle: [], body: cfg, schema });
          }
        });
      }
    for (const local of locals) {
      const users = this.used.filter((u) => u.local === local);
      if (local === "aws" && !configured.aws)
        this.err("/provider", `missing "aws": ${users.length} aws resource(s) and data source(s) are used (e.g. ${users[0].type}.${users[0].name}) but no provider.aws configures the AWS provider (at least {"region": ...})`);
      for (const u of users)
        if (u.alias !== undefined && !configured[local]?.has(u.alias))
          this.err(child(u.p, "provider"), `no provider "${local}" configuration with alias "${u.alias}"${configured[local] ? ` (aliases: ${[...configured[local]].filter(Boolean).join(", ") || "none"})` : ""}`);
    }
  }

  // ---- references
  declared() {
    const set = (o) => new Set(isPlainObject(o) ? Object.keys(o) : []);
    const byType = (o) => {
      const m = new Map();
      if (isPlainObject(o)) for (const [t, names] of Object.entries(o)) if (isPlainObject(names)) m.set(t, new Set(Object.keys(names)));
      return m;
    };
    const locals = new Set();
    for (const l of Array.isArray(this.doc.locals) ? this.doc.locals : [this.doc.locals]) if (isPlainObject(l)) for (const k of Object.keys(l)) locals.add(k);
    return { resource: byType(this.doc.resource), data: byType(this.doc.data), var: set(this.doc.variable), local: locals, module: set(this.doc.module) };
  }

  // Every `type.name` traversal in the expressions of s (or in s itself, a
  // bare traversal, for depends_on): declared?
  checkReferences(s, p, { bare = false } = {}) {
    const d = (this.decl ??= this.declared());
    const exprs = bare ? [s] : templateExpressions(s);
    const re = /(?<![\w.\-"])(data\.)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)/g;
    const quote = s.length > 80 ? `${s.slice(0, 77)}...` : s;
    for (const e of exprs) {
      for (const m of e.matchAll(re)) {
        const [, isData, a, b] = m;
        const ref = isData ? `data.${a}.${b}` : `${a}.${b}`;
        let known;
        let names;
        let what;
        if (isData) {
          known = d.data.get(a)?.has(b);
          names = [...(d.data.get(a) ?? [])];
          what = "data source";
        } else if (a === "var" || a === "local" || a === "module") {
          known = d[a].has(b);
          names = [...d[a]];
          what = { var: "variable", local: "local value", module: "module" }[a];
        } else if (RESERVED_ROOTS.has(a)) continue;
        else if (this.allResourceTypes.has(a) || d.resource.has(a) || a === "terraform_data") {
          known = d.resource.get(a)?.has(b);
          names = [...(d.resource.get(a) ?? [])];
          what = "resource";
        } else continue; // a for-expression variable, an iterator, ...
        if (known) continue;
        const guess = didYouMean(b, names);
        const prefix = isData ? `data.${a}.` : `${a}.`;
        const where = bare ? JSON.stringify(quote) : JSON.stringify(`\${${e.length > 70 ? `${e.slice(0, 67)}...` : e}}`);
        this.err(p, `reference to undeclared ${what} ${ref} in ${where}` + (guess ? `; did you mean ${prefix}${guess}?` : names.length ? `; declared: ${names.map((n) => prefix + n).join(", ")}` : `; no ${prefix.slice(0, -1)} is declared at all`));
      }
    }
  }

  walkStrings(v, p, skip) {
    if (typeof v === "string") {
      if (hasInterpolation(v)) this.checkReferences(v, p);
    } else if (Array.isArray(v)) v.forEach((x, i) => this.walkStrings(x, child(p, i), skip));
    else if (isPlainObject(v))
      for (const [k, x] of Object.entries(v)) {
        const q = child(p, k);
        if (skip(q, k)) continue;
        this.walkStrings(x, q, skip);
      }
  }

  // ---- the rest of the file
  checkOthers() {
    for (const key of Object.keys(this.doc))
      if (key !== "//" && !TOP_LEVEL.includes(key)) {
        const guess = didYouMean(key, TOP_LEVEL);
        this.err(child("", key), `unknown top-level block "${key}"${guess ? `; did you mean "${guess}"?` : ""} Valid: ${TOP_LEVEL.join(", ")}`);
      }
    const named = (key, allowed, required) => {
      const v = this.doc[key];
      if (v === undefined) return;
      if (!isPlainObject(v)) return this.err(`/${key}`, `must be an object of names, got ${describe(v)}`);
      for (const [name, body] of Object.entries(v)) {
        const p = child(`/${key}`, name);
        if (name === "//") continue;
        if (!isIdentifier(name)) this.err(p, `"${name}" is not a valid ${key} name`);
        if (!isPlainObject(body)) {
          this.err(p, `must be an object, got ${describe(body)}`);
          continue;
        }
        for (const k of Object.keys(body))
          if (k !== "//" && !allowed.includes(k)) {
            const guess = didYouMean(k, allowed);
            this.err(child(p, k), `unknown argument "${k}" of ${key}${guess ? `; did you mean "${guess}"?` : ""} Valid: ${allowed.join(", ")}`);
          }
        for (const r of required) if (!(r in body)) this.err(p, `missing required argument "${r}" of ${key}`);
      }
    };
    named("variable", VARIABLE_KEYS, []);
    named("output", OUTPUT_KEYS, ["value"]);
    const locals = this.doc.locals;
    for (const [i, l] of (Array.isArray(locals) ? locals : locals === undefined ? [] : [locals]).entries())
      if (!isPlainObject(l)) this.err(Array.isArray(locals) ? `/locals/${i}` : "/locals", `must be an object, got ${describe(l)}`);
  }

  run() {
    if (!isPlainObject(this.doc)) {
      this.err("", `a Terraform JSON file must be an object, got ${describe(this.doc)}`);
      return this.errors;
    }
    this.used = [];
    this.checkOthers();
    this.checkBlocks("resource");
    this.checkBlocks("data");
    this.checkProviders();
    // depends_on and replace_triggered_by were checked as bare traversals.
    this.walkStrings(this.doc, "", (q, k) => k === "depends_on" || /\/lifecycle\/replace_triggered_by$/.test(q));
    return this.errors;
  }
}

// --------------------------------------------------------------- the CLI

const files = process.argv.slice(2);
if (files.includes("-h") || files.includes("--help")) {
  console.log(usage);
  process.exit(0);
}
for (const f of files) if (f.startsWith("--")) {
  console.error(`validate.mjs: unknown option ${f}\n${usage}`);
  process.exit(2);
}
if (files.length === 0) {
  console.error(`validate.mjs: need at least one file\n${usage}`);
  process.exit(2);
}

let schemas;
try {
  schemas = ensureSchemas();
} catch (e) {
  console.error(`validate.mjs: cannot load the provider schemas: ${e.message}`);
  process.exit(1);
}

let allOk = true;
for (const file of files) {
  let errors;
  try {
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    errors = new Validator(schemas, doc).run();
  } catch (e) {
    errors = [e.code ? `cannot read: ${e.message}` : e instanceof SyntaxError ? `not valid JSON: ${e.message}` : `internal error: ${e.stack}`];
  }
  if (errors.length === 0) {
    console.log(`ok  ${file}`);
    continue;
  }
  allOk = false;
  console.log(`FAIL ${file}`);
  for (const e of errors) console.log(`       ${e}`);
}
process.exit(allOk ? 0 : 1);
