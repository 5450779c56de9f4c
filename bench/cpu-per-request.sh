#!/usr/bin/env bash
# Server CPU per request of one path, for one or more built checkouts (each after `npm ci`), read
# from /proc. Every checkout's server runs at once, pinned to CPU 0, with its log drained through a
# pipe as `npm run bench` does; the load runs on CPU 1, one checkout after the other in each round,
# so that a noisy stretch of the shared machine hits every checkout alike. Compare the minimums and
# medians: the same build varies by 1.5x between rounds here, and by as much between two processes.
# --refresh N measures POST /auth/refresh instead, on N chains of one user each (bench/refresh-chains.ts);
# REDIS_URL in the environment puts the rate limiter in Redis.
# Usage: bash bench/cpu-per-request.sh [--rounds N] [--seconds S] [--path /auth/user | --refresh N] <checkout>...
set -euo pipefail
rounds=8 seconds=3 path=/auth/user chains=0
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --rounds) rounds=$2 ;;
    --seconds) seconds=$2 ;;
    --path) path=$2 ;;
    --refresh) chains=$2 path=/auth/refresh ;;
    *) echo "unknown option $1" >&2 && exit 2 ;;
  esac
  shift 2
done
[[ $# -gt 0 ]] || { echo "usage: $0 [--rounds N] [--seconds S] [--path P | --refresh N] <checkout>..." >&2 && exit 2; }
export NODE_ENV=development HOST=127.0.0.1 LOG_LEVEL=info PURGE_INTERVAL_SECONDS=0 BCRYPT_ROUNDS=10
# Counted, never reached from one IP: the signups below must not be refused on a rerun.
export RATE_LIMIT_SIGNUP_PER_IP=1000000000 RATE_LIMIT_REFRESH_PER_IP=1000000000
chains_script="$(cd "$(dirname "$0")" && pwd)/refresh-chains.ts"
token_dir=$(mktemp -d)
# A throwaway secret for this run only.
JWT_SECRET=$(node -e 'process.stdout.write(require("crypto").randomBytes(48).toString("base64url"))')
export JWT_SECRET
labels=() ports=() pids=() tokens=() databases=()
cleanup() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  sleep 1
  for database in "${databases[@]}"; do mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $database" || true; done
  rm -rf "$token_dir"
}
trap cleanup EXIT
port=4000
for dir in "$@"; do
  dir=$(cd "$dir" && pwd)
  port=$((port + 1))
  label="$(basename "$dir")"
  database="auth_cpu_$(echo "$label" | tr -c 'a-z0-9\n' '_')"
  (cd "$dir" && DATABASE_URL="mysql://root@127.0.0.1:3306/$database" node app --create >/dev/null)
  (cd "$dir" && DATABASE_URL="mysql://root@127.0.0.1:3306/$database" PORT=$port \
    taskset -c 0 node dist/app.js --server 2>&1 | taskset -c 1 cat >/dev/null) &
  labels+=("$label") ports+=("$port") databases+=("$database")
done
for index in "${!labels[@]}"; do
  port=${ports[$index]}
  for _ in $(seq 1 50); do fuser "$port/tcp" >/dev/null 2>&1 && break; sleep 0.2; done
  pids[index]=$(fuser "$port/tcp" 2>/dev/null | tr -d ' ')
  if ((chains > 0)); then
    npx tsx "$chains_script" start "http://127.0.0.1:$port" "$token_dir/$index" "$chains"
    # Warm-up, unmeasured: the JIT compiles the path first.
    taskset -c 1 npx tsx "$chains_script" run "http://127.0.0.1:$port" "$token_dir/$index" 5 >/dev/null
    continue
  fi
  tokens[index]=$(curl -s -X POST -H 'content-type: application/json' \
    -d "{\"email\":\"cpu$RANDOM$RANDOM@example.com\",\"password\":\"correct horse battery\",\"name\":\"B\"}" \
    "http://127.0.0.1:$port/auth/signup" |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).access_token))')
  # Warm-up, unmeasured: the JIT compiles the path first.
  taskset -c 1 npx autocannon -c 64 -d 3 -H "Authorization: Bearer ${tokens[index]}" "http://127.0.0.1:$port$path" >/dev/null 2>&1
done
tick=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq 1 "$rounds"); do
  for index in "${!labels[@]}"; do
    if ((chains > 0)); then
      before=$(ticks "${pids[index]}")
      requests=$(taskset -c 1 npx tsx "$chains_script" run "http://127.0.0.1:${ports[index]}" "$token_dir/$index" "$seconds")
      after=$(ticks "${pids[index]}")
      echo "${labels[index]} $(((after - before) * 1000000 / tick / requests))"
      continue
    fi
    before=$(ticks "${pids[index]}")
    requests=$(taskset -c 1 npx autocannon -c 64 -d "$seconds" -j -H "Authorization: Bearer ${tokens[index]}" \
      "http://127.0.0.1:${ports[index]}$path" 2>/dev/null |
      node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).requests.total))')
    after=$(ticks "${pids[index]}")
    echo "${labels[index]} $(((after - before) * 1000000 / tick / requests))"
  done
done | node -e '
  let s = "";
  process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const runs = new Map();
    for (const [label, micros] of s.trim().split("\n").map((line) => line.split(" "))) {
      runs.set(label, [...(runs.get(label) ?? []), Number(micros)]);
    }
    for (const [label, values] of runs) {
      const sorted = [...values].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      console.log(`${label} '"$path"' µs of server CPU per request: min ${sorted[0]}, median ${median} (${values.join(" ")})`);
    }
  });'
