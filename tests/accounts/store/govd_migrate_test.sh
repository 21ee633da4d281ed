#!/usr/bin/env bash
# `govd migrate` on a fresh database: --check fails while behind, migrate prints the version,
# a second migrate applies nothing, --check passes, and a database ahead of the code is refused.
#   govd_migrate_test.sh GOVD_BINARY PG_TEST_SERVER_DIR
set -euo pipefail
govd=$1
server=$(cat "$2/conninfo")
db="govd_cli_$$"
psql -qX -v ON_ERROR_STOP=1 "$server" -c "CREATE DATABASE $db" >/dev/null
conninfo="$server dbname=$db"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_exit() {  # CODE CMD...
  local want=$1 got=0
  shift
  "$@" >out.txt 2>err.txt || got=$?
  [[ $got == "$want" ]] || { cat out.txt err.txt >&2; fail "$* exited $got, expected $want"; }
}
cd "$(mktemp -d)"

expect_exit 1 "$govd" migrate --check --db "$conninfo"
grep -q "behind" err.txt || fail "--check on an empty database does not say it is behind"

expect_exit 0 "$govd" migrate --db "$conninfo"
grep -Eq "^schema version [1-9][0-9]* \(applied [1-9]" out.txt || fail "migrate output: $(cat out.txt)"
version=$(sed -E 's/^schema version ([0-9]+).*/\1/' out.txt)

expect_exit 0 "$govd" migrate --db "$conninfo"
grep -q "(applied 0 migrations)" out.txt || fail "second migrate applied something: $(cat out.txt)"
expect_exit 0 "$govd" migrate --check --db "$conninfo"
grep -q "^schema version $version " out.txt || fail "--check output: $(cat out.txt)"

psql -qX -v ON_ERROR_STOP=1 "$conninfo" \
  -c "INSERT INTO govd.schema_migrations (version, name) VALUES ($version + 1, 'from the future')"
expect_exit 1 "$govd" migrate --check --db "$conninfo"
grep -q "newer\|knows only up to" err.txt || fail "--check ahead: $(cat err.txt)"
expect_exit 1 "$govd" migrate --db "$conninfo"
grep -q "upgrade govd" err.txt || fail "migrate ahead: $(cat err.txt)"

expect_exit 2 "$govd" migrate
psql -qX "$server" -c "DROP DATABASE $db" >/dev/null
echo "govd migrate: all checks passed"
