// Runs the pinned Control Plane CLI (package.json) offline: in a fresh
// CPLN_HOME with a profile `offline` whose token is a dummy, without its
// update check and without `cpln convert`'s upload of what it converts.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = path.join(here, "node_modules", ".bin", "cpln");

function run(args, env) {
  return new Promise((resolve) => {
    execFile(binary, args, { env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

// A function that runs `cpln ...args` with the profile for `org` and `gvc`;
// its temporary home is removed when the process exits.
export async function offlineCpln(org, gvc) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "wdsl-cpln-home-"));
  process.on("exit", () => fs.rmSync(home, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    CPLN_HOME: home,
    CPLN_SKIP_UPDATE_CHECK: "1",
    SKIP_K8S_CONVERTER_LOGGING: "true",
    NO_COLOR: "1",
  };
  const profile = ["profile", "update", "offline", "--org", org, "--token", "dummy"];
  if (gvc) profile.push("--gvc", gvc);
  const made = await run(profile, env);
  if (made.code !== 0) throw new Error(`cpln profile update failed: ${made.stderr || made.stdout}`);
  return (args) => run([...args, "--profile", "offline"], env);
}
