// A signature-checking proxy for the runtime/aws tests: every request that
// reaches it is signed again with the AWS SDK's SigV4 signer
// (@smithy/signature-v4), and only a request whose Authorization header is
// exactly what the SDK computes is passed on to the stand-in service
// (--upstream). Anything else gets AWS's own error (SignatureDoesNotMatch),
// so a test fails when libcurl's signing is wrong for a service, region,
// payload, session token or signed header.
//
//   node proxy.mjs --upstream http://127.0.0.1:PORT --region us-east-1 \
//        --keys '{"AKID": {"secret": "...", "token": "..."}}'
// prints "listening <port>" when ready.
import http from "node:http";
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (i % 2 ? pairs : [...pairs, [arg.replace(/^--/, ""), all[i + 1]]]), []),
);
const upstream = new URL(args.upstream);
const region = args.region;
const keys = JSON.parse(args.keys);

// Which service a request is for, judged from the request itself (never
// from its signature): Lambda's REST path, the JSON protocols' X-Amz-Target,
// STS's Action, else S3.
function serviceOf(headers, body, path = "") {
  const target = headers["x-amz-target"] ?? "";
  if (path.startsWith("/2015-03-31/functions/")) return "lambda";
  if (target.startsWith("AmazonSQS.")) return "sqs";
  if (target.startsWith("DynamoDB_20120810.")) return "dynamodb";
  if (target.startsWith("secretsmanager.")) return "secretsmanager";
  if (/^Action=/.test(body.toString())) return "sts";
  return "s3";
}

async function check(req, body) {
  const auth = req.headers["authorization"] ?? "";
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!match) return `not a SigV4 Authorization header: ${JSON.stringify(auth)}`;
  const [, keyId, , , , signedList] = match;
  const key = keys[keyId];
  if (!key) return `unknown access key id ${keyId}`;
  const service = serviceOf(req.headers, body, req.url);
  const signed = signedList.split(";");
  for (const name of ["host", "x-amz-date"]) {
    if (!signed.includes(name)) return `header ${name} is not signed`;
  }
  for (const name of signed) {
    if (req.headers[name] === undefined) return `header ${name} is signed but not sent`;
  }
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith("x-amz-") && !signed.includes(name)) return `header ${name} is sent but not signed`;
  }
  if (key.token) {
    if (req.headers["x-amz-security-token"] !== key.token) return "X-Amz-Security-Token is missing or not the session token";
  } else if (req.headers["x-amz-security-token"] !== undefined) {
    return "X-Amz-Security-Token sent with long-term credentials";
  }
  if (service === "s3") {
    const hash = createHash("sha256").update(body).digest("hex");
    if (req.headers["x-amz-content-sha256"] !== hash) return `x-amz-content-sha256 is not the body's hash ${hash}`;
  }
  const url = new URL(req.url, "http://placeholder");
  const query = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const headers = {};
  for (const name of signed) headers[name] = req.headers[name] ?? "";
  const dateText = req.headers["x-amz-date"] ?? "";
  const date = new Date(dateText.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (Number.isNaN(date.getTime())) return `bad x-amz-date ${dateText}`;
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId: keyId, secretAccessKey: key.secret, sessionToken: key.token || undefined },
    sha256: Sha256,
    uriEscapePath: service !== "s3",
    applyChecksum: false,
  });
  const expected = await signer.sign(
    { method: req.method, protocol: "http:", hostname: url.hostname, path: url.pathname, query, headers, body: body.length ? body : undefined },
    { signingDate: date, signableHeaders: new Set(signed) },
  );
  const want = expected.headers["authorization"];
  if (want !== auth) return `signature mismatch for ${service} in ${region}:\n  sent     ${auth}\n  expected ${want}`;
  return null;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    const body = Buffer.concat(chunks);
    let problem;
    try {
      problem = await check(req, body);
    } catch (error) {
      problem = `signer failed: ${error.stack ?? error}`;
    }
    if (problem) {
      process.stderr.write(`sigv4 proxy: ${req.method} ${req.url}: ${problem}\n`);
      const service = serviceOf(req.headers, body, req.url);
      if (service === "s3" || service === "sts") {
        res.writeHead(403, { "content-type": "application/xml" });
        res.end(`<Error><Code>SignatureDoesNotMatch</Code><Message>${problem.replace(/[<&]/g, " ")}</Message></Error>`);
      } else {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "com.amazon.coral.service#InvalidSignatureException", message: problem }));
      }
      return;
    }
    const headers = { ...req.headers, "x-wdsl-signature-checked": "1" };
    const forward = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    forward.end(body);
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${server.address().port}\n`));
