#!/usr/bin/env sh
# Self-signed certificate for local docker compose runs (browsers will warn). Production: put the real
# certificate and key at ops/nginx/ssl/tls.crt and tls.key (or use the Kubernetes TLS secret).
set -eu
dir=$(dirname "$0")/ssl
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=${1:-localhost}" \
  -keyout "$dir/tls.key" -out "$dir/tls.crt"
chmod 644 "$dir/tls.crt" "$dir/tls.key"
echo "wrote $dir/tls.crt and $dir/tls.key"
