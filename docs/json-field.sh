# Sourced by the walkthrough blocks of README.md and docs/ (`. docs/json-field.sh`), in bash or zsh.
# json_field NAME: prints the string field NAME of the JSON answer on stdin; when there is none (a failed
# login, say), prints the whole answer on stderr and fails, so no bogus token is kept.
json_field() {
  node -e 'const answer = require("fs").readFileSync(0, "utf8"); let value;
    try { value = JSON.parse(answer)[process.argv[1]]; } catch {}
    if (typeof value !== "string") { console.error(`no ${process.argv[1]} in: ${answer || "(no answer)"}`); process.exit(1); }
    console.log(value);' "$1"
}
