#!/usr/bin/env bash
# Server CPU per request of GET /auth/ping and GET /auth/user for one built checkout, read from
# /proc, with the server's log drained through a pipe as `npm run bench` does. Run it on two
# checkouts in turn (say main and an older commit, each after `npm ci && npm run build`) and
# compare medians: on a shared 2-core machine single runs vary by up to 1.7x.
# Usage: bash bench/cpu-per-request.sh <checkout dir> [port]
set -euo pipefail
dir=$(cd "$1" && pwd)
port=${2:-3999}
database="auth_cpu_$(basename "$dir" | tr -c 'a-z0-9\n' '_')"
export NODE_ENV=development HOST=127.0.0.1 PORT=$port LOG_LEVEL=info PURGE_INTERVAL_SECONDS=0
export DATABASE_URL="mysql://root@127.0.0.1:3306/$database"
# A throwaway secret for this run only.
JWT_SECRET=$(node -e 'process.stdout.write(require("crypto").randomBytes(48).toString("base64url"))')
export JWT_SECRET
cd "$dir"
node app --create >/dev/null
# The server on CPU 0, the load and the log pipe on CPU 1: the scheduler moving them about is
# most of the run-to-run spread on two cores.
taskset -c 0 node dist/app.js --server 2>&1 | taskset -c 1 cat >/dev/null &
sleep 3
pid=$(pgrep -f "node dist/app.js --server" | grep -v taskset | head -1)
trap 'kill -INT "$pid" 2>/dev/null || true' EXIT
address="cpu$RANDOM$RANDOM@example.com"
token=$(curl -s -X POST -H 'content-type: application/json' \
  -d "{\"email\":\"$address\",\"password\":\"correct horse battery\",\"name\":\"B\"}" \
  "http://127.0.0.1:$port/auth/signup" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).access_token))')
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
for path in /auth/ping /auth/user; do
  taskset -c 1 npx autocannon -c 64 -d 2 -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >/dev/null 2>&1
  before=$(ticks)
  requests=$(taskset -c 1 npx autocannon -c 64 -d 8 -j -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).requests.total))')
  after=$(ticks)
  tick=$(getconf CLK_TCK)
  echo "$(basename "$dir") GET $path: $requests requests, $(((after - before) * 1000000 / tick / requests)) µs server CPU each"
done
