#!/usr/bin/env bash
# Smoke test against a running gateway: `./test-api.sh [base-url]` (default http://127.0.0.1:8080).
# Set GATEWAY_KEY to a tenant key (gw-sk-…) when auth is on, MODEL to pick the model (default: default).
set -euo pipefail
BASE=${1:-${GATEWAY_URL:-http://127.0.0.1:8080}}
MODEL=${MODEL:-default}
AUTH=()
[ -n "${GATEWAY_KEY:-}" ] && AUTH=(-H "Authorization: Bearer ${GATEWAY_KEY}")
pass=0; fail=0
check() { # name, expected status, curl args…
  local name=$1 expected=$2; shift 2
  local status
  status=$(curl -s -o /tmp/test-api.out -w '%{http_code}' "${AUTH[@]}" "$@" || true)
  if [ "$status" = "$expected" ]; then pass=$((pass+1)); echo "ok   $name ($status)";
  else fail=$((fail+1)); echo "FAIL $name: expected $expected, got $status: $(head -c 300 /tmp/test-api.out)"; fi
}
json=(-H 'content-type: application/json')
check "health" 200 "$BASE/health"
check "models" 200 "$BASE/v1/models"
check "chat" 200 "${json[@]}" -d "{\"model\":\"$MODEL\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_tokens\":16}" "$BASE/v1/chat/completions"
check "chat stream" 200 -N "${json[@]}" -d "{\"model\":\"$MODEL\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_tokens\":16}" "$BASE/v1/chat/completions"
grep -q 'data: \[DONE\]' /tmp/test-api.out && echo "ok   stream ends with [DONE]" || { fail=$((fail+1)); echo "FAIL stream has no [DONE]"; }
check "simple query" 200 "${json[@]}" -d '{"prompt":"Say hi"}' "$BASE/ai/query"
check "bad json" 400 "${json[@]}" -d '{bad' "$BASE/v1/chat/completions"
check "empty messages" 400 "${json[@]}" -d "{\"model\":\"$MODEL\",\"messages\":[]}" "$BASE/v1/chat/completions"
check "unknown model" 404 "${json[@]}" -d '{"model":"no-such-model","messages":[{"role":"user","content":"x"}]}' "$BASE/v1/chat/completions"
check "metrics" 200 "$BASE/metrics"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
