// Derives compact Terraform provider schemas from the jsii assemblies of the
// prebuilt CDKTF provider bindings pinned in package.json, and caches them in
// schema/<provider>.json (gitignored; rebuilt when the installed package
// version or this file's FORMAT changes).
//
//   node extract.mjs [--force]      # writes schema/{aws,docker,helm,tls}.json
//
// validate.mjs calls ensureSchemas() itself, so running this by hand is only
// needed to look at the result. Parsing the 120 MB aws .jsii takes 3-6 s and
// about 550 MB of memory; the result is 2.4 MB and loads in a fraction of a
// second. Which provider version: the pinned package's (package.json's
// "cdktf.provider"), e.g. @cdktf/provider-aws 20.1.0 is hashicorp/aws
// 5.100.0 and 21.22.1 is 6.25.0; @cdktf/provider-helm 11.0.0 is
// hashicorp/helm 2.17.0, the last 2.x (12.x is helm 3.x, whose kubernetes
// and set are attributes, not blocks); @cdktf/provider-tls 11.0.1 is
// hashicorp/tls 4.1.0. validate.mjs rejects a required_providers version
// constraint that excludes the pinned version.
//
// Not here: hashicorp/kubernetes (@cdktf/provider-kubernetes 12.1.1 is
// kubernetes 2.38.0 and extracts fine, but installs 145 MB for the provider
// block alone), so provider.kubernetes is not checked.
//
// What the jsii gives, per resource and data source class (base
// cdktf.TerraformResource / cdktf.TerraformDataSource):
//   - the Terraform type name: the class summary "Represents a {@link
//     https://registry.terraform.io/.../docs/resources/s3_bucket aws_s3_bucket}"
//   - its arguments: the properties of the initializer's Config struct
//     (S3BucketConfig). Computed-only attributes are not there (cdktf makes
//     them getters), so setting one is correctly an unknown argument.
//   - each argument's Terraform name: the anchor of the property's registry
//     link, "{@link https://.../s3_bucket#bucket_prefix S3Bucket#bucket_prefix}".
//     camelCase -> snake_case alone would be wrong for ~70 aws arguments
//     (fetchPasswordData is get_password_data, selfAttribute is self,
//     addressLine1 is address_line_1, equalTo is equals).
//   - required: the property is not optional. cdktf marks an argument
//     optional when the provider schema says Optional (also Optional +
//     Computed); a block is required when its MinItems > 0.
//   - types: primitive string/number/boolean/any, arrays and maps of them,
//     structs for nested blocks and nested attributes. A property whose
//     summary is "<name> block." is a nested block (JSON: an object or a list
//     of objects); a struct-typed property without it is a nested attribute
//     (JSON: exactly the value's shape). A block that is a single struct (not
//     an array) has MaxItems 1.
//
// Output (one file per provider):
//   { format, provider: {local, source, version}, package: {name, version},
//     providerConfig: <struct id>, resources: {type: <struct id>},
//     dataSources: {type: <struct id>}, structs: {<id>: {<arg>: Arg}},
//     snakeCaseMismatches: n }
//   Arg  = { t: Type, r?: 1 (required), b?: 1 (nested block) }
//   Type = "string" | "number" | "bool" | "any" | {list: Type} | {map: Type}
//        | {struct: <struct id>}
import fs from "node:fs";
import zlib from "node:zlib";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const schemaDir = path.join(here, "schema");
export const FORMAT = 1;

// The providers checked: Terraform's local name and the npm package with the
// prebuilt bindings (package.json pins the version).
export const PROVIDERS = [
  { local: "aws", pkg: "@cdktf/provider-aws" },
  { local: "docker", pkg: "@cdktf/provider-docker" },
  { local: "helm", pkg: "@cdktf/provider-helm" },
  { local: "tls", pkg: "@cdktf/provider-tls" },
];

const require = createRequire(path.join(here, "package.json"));

function installedPackage(pkg) {
  let pkgJson;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`${pkg} is not installed in tests/tfaws (run tests/tfaws/check.sh, which runs npm ci)`);
  }
  return { dir: path.dirname(pkgJson), json: JSON.parse(fs.readFileSync(pkgJson, "utf8")) };
}

// The assembly: .jsii, which may be a redirect to a compressed file.
function readAssembly(dir) {
  let file = path.join(dir, ".jsii");
  for (let hops = 0; hops < 3; hops++) {
    let text = fs.readFileSync(file);
    if (file.endsWith(".gz")) text = zlib.gunzipSync(text);
    const a = JSON.parse(text.toString("utf8"));
    if (a.schema === "jsii/file-redirect") {
      if (a.compression && a.compression !== "gzip") throw new Error(`${file}: unsupported compression ${a.compression}`);
      file = path.join(dir, a.filename);
      continue;
    }
    if (!a.types) throw new Error(`${file} has no types (schema ${a.schema})`);
    return a;
  }
  throw new Error(`${dir}/.jsii: too many redirects`);
}

const camelToSnake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function extractProvider({ local, pkg }) {
  const { dir, json } = installedPackage(pkg);
  const assembly = readAssembly(dir);
  const registryName = json.cdktf?.provider?.name; // registry.terraform.io/hashicorp/aws
  const version = json.cdktf?.provider?.version;
  if (!registryName || !version) throw new Error(`${pkg}/package.json has no cdktf.provider name and version`);
  const prefix = `${assembly.name}.`;
  const T = assembly.types;
  const structs = {};
  let mismatches = 0;
  const idOf = (fqn) => (fqn.startsWith(prefix) ? fqn.slice(prefix.length) : fqn);

  const typeOf = (t, where) => {
    if (t.primitive) {
      if (t.primitive === "boolean") return "bool";
      if (t.primitive === "string" || t.primitive === "number" || t.primitive === "any") return t.primitive;
      if (t.primitive === "json") return "any";
      throw new Error(`${where}: unknown primitive ${t.primitive}`);
    }
    if (t.union) {
      const rest = t.union.types.filter((u) => u.fqn !== "cdktf.IResolvable");
      return rest.length === 1 ? typeOf(rest[0], where) : "any";
    }
    if (t.collection) {
      const el = typeOf(t.collection.elementtype, where);
      if (t.collection.kind === "array") return { list: el };
      if (t.collection.kind === "map") return { map: el };
      throw new Error(`${where}: unknown collection kind ${t.collection.kind}`);
    }
    if (t.fqn) {
      if (t.fqn === "cdktf.IResolvable") return "any";
      if (!T[t.fqn]) throw new Error(`${where}: unknown type ${t.fqn}`);
      return { struct: struct(t.fqn) };
    }
    throw new Error(`${where}: unknown type ${JSON.stringify(t)}`);
  };

  // The Terraform name of a property: the anchor of its registry link
  // ("{@link https://.../s3_bucket#bucket_prefix S3Bucket#bucket_prefix}").
  const linkRe = /\{@link \S+#(\S+) \S+#\1\}/;
  const struct = (fqn) => {
    const id = idOf(fqn);
    if (structs[id]) return id;
    const s = T[fqn];
    if (s.kind !== "interface" || !s.datatype) throw new Error(`${fqn} is not a struct`);
    const args = (structs[id] = {});
    for (const p of s.properties ?? []) {
      // (A summary holding "@hourly" makes jsii file the rest, link
      // included, as a custom doc tag.)
      const docs = [p.docs?.summary, p.docs?.remarks, ...Object.values(p.docs?.custom ?? {})].filter(Boolean).join(" ");
      const m = linkRe.exec(docs);
      if (!m) throw new Error(`${fqn}.${p.name}: no registry link gives its Terraform name`);
      const name = m[1];
      if (name !== camelToSnake(p.name)) mismatches++;
      const arg = { t: typeOf(p.type, `${fqn}.${p.name}`) };
      if (!p.optional) arg.r = 1;
      if (/^\S+ block\.$/.test(p.docs?.summary ?? "")) arg.b = 1;
      if (args[name]) throw new Error(`${fqn}: two properties are named ${name}`);
      args[name] = arg;
    }
    return id;
  };

  const out = {
    format: FORMAT,
    provider: { local, source: registryName.replace(/^registry\.terraform\.io\//, ""), version },
    package: { name: pkg, version: json.version },
    providerConfig: undefined,
    resources: {},
    dataSources: {},
    structs,
    snakeCaseMismatches: 0,
  };
  const summaryRe = /^Represents a \{@link https:\/\/registry\.terraform\.io\/providers\/\S+\/docs(?:\/(resources|data-sources)\/\S+)? ([\w-]+)\}\.?$/;
  for (const [fqn, t] of Object.entries(T)) {
    if (t.kind !== "class" || !["cdktf.TerraformResource", "cdktf.TerraformDataSource", "cdktf.TerraformProvider"].includes(t.base)) continue;
    const m = summaryRe.exec(t.docs?.summary ?? "");
    if (!m) throw new Error(`${fqn}: cannot read the Terraform type name from its summary ${JSON.stringify(t.docs?.summary)}`);
    const config = t.initializer?.parameters?.find((p) => p.name === "config");
    if (!config?.type?.fqn) throw new Error(`${fqn}: no config parameter`);
    const id = struct(config.type.fqn);
    if (t.base === "cdktf.TerraformProvider") out.providerConfig = id;
    else {
      const table = t.base === "cdktf.TerraformResource" ? out.resources : out.dataSources;
      if (m[1] !== (t.base === "cdktf.TerraformResource" ? "resources" : "data-sources")) throw new Error(`${fqn}: summary links to ${m[1]}`);
      if (table[m[2]]) throw new Error(`${fqn}: ${m[2]} defined twice`);
      table[m[2]] = id;
    }
  }
  if (!out.providerConfig) throw new Error(`${pkg}: no provider class`);
  if (Object.keys(out.resources).length === 0) throw new Error(`${pkg}: no resource classes`);
  out.snakeCaseMismatches = mismatches;
  return out;
}

// Returns {local: schema}, extracting what is missing or stale.
export function ensureSchemas({ force = false, log = (m) => console.error(m) } = {}) {
  const schemas = {};
  for (const p of PROVIDERS) {
    const file = path.join(schemaDir, `${p.local}.json`);
    const installed = installedPackage(p.pkg).json.version;
    if (!force && fs.existsSync(file)) {
      try {
        const s = JSON.parse(fs.readFileSync(file, "utf8"));
        if (s.format === FORMAT && s.package?.version === installed) {
          schemas[p.local] = s;
          continue;
        }
      } catch {
        // unreadable: extract again
      }
    }
    const started = Date.now();
    const s = extractProvider(p);
    fs.mkdirSync(schemaDir, { recursive: true });
    // Atomic: a concurrent run reads either nothing or a whole file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(s));
    fs.renameSync(tmp, file);
    log(`tests/tfaws: extracted ${p.local} provider ${s.provider.source} ${s.provider.version} schema from ${p.pkg} ${s.package.version}: ` +
      `${Object.keys(s.resources).length} resources, ${Object.keys(s.dataSources).length} data sources (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    schemas[p.local] = s;
  }
  return schemas;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== "--force")) {
    console.error("usage: node extract.mjs [--force]");
    process.exit(2);
  }
  try {
    const schemas = ensureSchemas({ force: args.includes("--force") });
    for (const s of Object.values(schemas))
      console.log(`${path.join(schemaDir, `${s.provider.local}.json`)}: ${s.provider.source} ${s.provider.version} (${s.package.name} ${s.package.version}), ` +
        `${Object.keys(s.resources).length} resources, ${Object.keys(s.dataSources).length} data sources, ${Object.keys(s.structs).length} structs, ` +
        `${s.snakeCaseMismatches} arguments whose name is not the snake_case of the property`);
  } catch (e) {
    console.error(`extract.mjs: ${e.message}`);
    process.exit(1);
  }
}
