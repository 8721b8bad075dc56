#!/usr/bin/env bash
# Contract test: runs Schemathesis against a live server and its own OpenAPI document.
#
#   tests/contract/run.sh [extra schemathesis run options...]
#   tests/contract/run.sh --install      (only install Schemathesis into .venv)
#
# Starts the already built server binary on a free loopback port with a fresh data
# directory, against SQLite, or against a new PostgreSQL database when TEST_DATABASE_URL
# is a postgres admin URL (the database is created first and dropped afterwards). Waits for
# /readyz, inserts a few organisations, signs up two accounts whose bearer tokens
# authenticate the run (see schemathesis.toml), then runs every Schemathesis check
# (`--checks all`, plus the custom check in hooks.py) over the phases the CLI runs by
# default (examples, coverage, fuzzing, stateful).
# Exits non-zero when Schemathesis finds anything (or when the server cannot start).
#
# Environment:
#   ENSEMBLE_BIN            server binary (default: target/debug/ensemble under the repo)
#   TEST_DATABASE_URL       postgres://... admin URL; unset: SQLite
#   CONTRACT_MAX_EXAMPLES   most test cases per operation and phase (default 50)
#   CONTRACT_SEED           Hypothesis seed, for reproducible runs (default 20251129)
#   CONTRACT_TIMEOUT        hard limit for the Schemathesis run, seconds (default 480)
#   CONTRACT_SEED_ROWS      organisations inserted before the run (default 25; 0: none)
#   CONTRACT_KEEP_LOG       set to 1 to print the server log even when the run passes
#   CONTRACT_SERVER_LOG     a file to copy the whole server log to, kept after the run
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/contract"
VENV="$ROOT/.venv"
CONFIG="$HERE/schemathesis.toml"

BIN=${ENSEMBLE_BIN:-target/debug/ensemble}
[[ $BIN == /* ]] || BIN="$ROOT/$BIN"
MAX_EXAMPLES=${CONTRACT_MAX_EXAMPLES:-50}
SEED=${CONTRACT_SEED:-20251129}
TIMEOUT=${CONTRACT_TIMEOUT:-480}
SEED_ROWS=${CONTRACT_SEED_ROWS:-25}

log() { printf '[contract] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- 1. Schemathesis, pinned, in the project's virtualenv --------------------------------
ensure_schemathesis() {
    if [[ ! -x $VENV/bin/python ]]; then
        log "creating virtualenv $VENV"
        python3 -m venv "$VENV"
    fi
    local installed
    installed=$("$VENV/bin/python" - <<'EOF' 2>/dev/null || true
from importlib.metadata import PackageNotFoundError, version
try:
    print(version("schemathesis"))
except PackageNotFoundError:
    pass
EOF
)
    if [[ $installed != "$SCHEMATHESIS_VERSION" ]]; then
        log "installing schemathesis==$SCHEMATHESIS_VERSION (found: ${installed:-none})"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
            "schemathesis==$SCHEMATHESIS_VERSION"
    fi
}

# --- cleanup: always stop the server, drop the database, remove the temporary files --------
TMP=""
SERVER_PID=""
RUNNER_PID=""
PG_ADMIN_URL=""
PG_DB=""

stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 50; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server did not stop on SIGTERM; killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

cleanup() {
    local rc=$?
    set +e
    if [[ -n $RUNNER_PID ]]; then
        kill -TERM "$RUNNER_PID" 2>/dev/null
        wait "$RUNNER_PID" 2>/dev/null
    fi
    stop_server
    if [[ -n $TMP && -f $TMP/server.log ]] && [[ $rc -ne 0 || ${CONTRACT_KEEP_LOG:-} == 1 ]]; then
        log "server log (last 60 lines):"
        tail -n 60 "$TMP/server.log" >&2
    fi
    if [[ -n $TMP && -f $TMP/server.log && -n ${CONTRACT_SERVER_LOG:-} ]]; then
        cp "$TMP/server.log" "$CONTRACT_SERVER_LOG" && log "server log copied to $CONTRACT_SERVER_LOG"
    fi
    if [[ -n $PG_DB ]]; then
        psql "$PG_ADMIN_URL" -X -q -v ON_ERROR_STOP=1 \
            -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null ||
            log "warning: could not drop database $PG_DB"
    fi
    [[ -n $TMP ]] && rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 2. the server -------------------------------------------------------------------------
free_port() {
    "$VENV/bin/python" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

create_database() {
    PG_ADMIN_URL=$TEST_DATABASE_URL
    command -v psql >/dev/null || die "TEST_DATABASE_URL is set but psql is not installed"
    local name
    name="ensemble_contract_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    psql "$PG_ADMIN_URL" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\"" >/dev/null
    PG_DB=$name
    # The same URL with the new database as its path (query options such as sslmode kept).
    DATABASE=$("$VENV/bin/python" -c 'import sys, urllib.parse as u
url = u.urlsplit(sys.argv[1])
print(u.urlunsplit(url._replace(path="/" + sys.argv[2])))' "$PG_ADMIN_URL" "$name")
    log "database: PostgreSQL, new database $name"
}

# Starts the server on a free port; a port taken between choosing and binding is retried.
start_server() {
    local attempt
    for attempt in 1 2 3; do
        PORT=$(free_port)
        BASE="http://127.0.0.1:$PORT"
        (
            # Only the settings below: nothing inherited from the caller's environment.
            unset DATABASE_URL "${!ENSEMBLE_@}"
            export ENSEMBLE_LISTEN="127.0.0.1:$PORT"
            export ENSEMBLE_DATA_DIR="$TMP/data"
            export ENSEMBLE_WEB_DIR="$TMP/web"
            export ENSEMBLE_SHUTDOWN_TIMEOUT=2
            # The fuzzer registers and logs in thousands of times from one address; the
            # limits themselves are tested in tests/api/auth.rs.
            export ENSEMBLE_AUTH_ATTEMPTS_PER_IP=100000000
            export ENSEMBLE_AUTH_FAILURES_PER_ACCOUNT=100000000
            export RUST_LOG=${RUST_LOG:-info} NO_COLOR=1
            [[ -z $DATABASE ]] || export DATABASE_URL="$DATABASE"
            exec "$BIN"
        ) >"$TMP/server.log" 2>&1 &
        SERVER_PID=$!
        if wait_ready; then
            log "server ready at $BASE (pid $SERVER_PID)"
            return 0
        fi
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            die "server did not become ready within 60 s"
        fi
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
        grep -qi "address already in use" "$TMP/server.log" || die "server exited during start-up"
        log "port $PORT was taken (attempt $attempt); trying another"
    done
    die "could not start the server"
}

wait_ready() {
    local deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        if curl -fsS --max-time 2 -o /dev/null "$BASE/readyz" 2>/dev/null; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# A few organisations, so that lists have items whose shape the response schema check sees
# and, past the default page size, a non-null `next_cursor` (with an empty database every
# answer would be `{"items": [], "next_cursor": null}` and prove little). The API has
# no write operation yet, so they go straight into the migrated database. Pairs of rows
# share a creation time, which exercises the keyset's (created_at, id) tie-break. Times
# are written as the server writes them: UTC, 'YYYY-MM-DD HH:MM:SS.ffffff'.
seed_organisations() {
    ((SEED_ROWS > 0)) || return 0
    local i t values=() country created
    for ((i = 0; i < SEED_ROWS; i++)); do
        if ((i % 3 == 0)); then country=NULL; else country="'FR'"; fi
        t=$((i / 2))
        created=$(printf '2026-01-01 %02d:%02d:%02d.123457' $((t / 3600 % 24)) $((t / 60 % 60)) $((t % 60)))
        values+=("('contract-org-$i', 'Organisation contractuelle n° $i', \
'Seeded by tests/contract/run.sh.', $country, '$created', '$created')")
    done
    local sql
    sql="INSERT INTO organisations (slug, name, mission, country, created_at, updated_at) VALUES
$(IFS=,; printf '%s' "${values[*]}");"
    if [[ -n $DATABASE ]]; then
        psql "$DATABASE" -X -q -v ON_ERROR_STOP=1 -c "$sql" >/dev/null
    else
        "$VENV/bin/python" -c 'import sqlite3, sys
with sqlite3.connect(sys.argv[1], timeout=10) as db:
    db.execute(sys.argv[2])' "$TMP/data/ensemble.sqlite3" "$sql"
    fi
    log "seeded $SEED_ROWS organisations"
}

# Three accounts, signed in before Schemathesis starts: their access tokens (valid 15
# minutes) authenticate the run through schemathesis.toml. `main` is used for every
# operation that needs a bearer token; `doomed` only for DELETE /api/v1/me, which erases its
# account, and `devices` only for DELETE /api/v1/me/sessions/{id}, which may end its own
# session: with one account for all, the first 204 would leave every later authenticated
# request a 401.
# A server without accounts (no register route) gets placeholder tokens.
sign_up() {
    local who=$1 password=${2:-"Contract-$1-$RANDOM$RANDOM"} body status
    body=$("$VENV/bin/python" -c 'import json, sys
print(json.dumps({"email": f"contract-{sys.argv[1]}@example.org",
                  "password": sys.argv[2],
                  "display_name": f"Contract {sys.argv[1]}"}))' "$who" "$password")
    status=$(curl -sS --max-time 30 -o "$TMP/signup-$who.json" -w '%{http_code}' \
        -H 'Content-Type: application/json' -d "$body" "$BASE/api/v1/auth/register")
    case $status in
        201) "$VENV/bin/python" -c 'import json, sys
print(json.load(open(sys.argv[1]))["access_token"])' "$TMP/signup-$who.json" ;;
        404) echo "no-accounts-on-this-server" ;;
        *) die "signing up the $who account failed: HTTP $status $(cat "$TMP/signup-$who.json")" ;;
    esac
}

# The main account proves its address with the link the server mailed (without SMTP, an
# .eml file in the data directory), so that the operations that need a proven address
# (creating an organisation, commenting, giving) are tried for real.
prove_address() {
    local who=$1 token="" status
    for _ in $(seq 1 100); do
        token=$("$VENV/bin/python" "$HERE/mail_token.py" "$TMP/data/mail" "contract-$who@example.org")
        [[ -n $token ]] && break
        sleep 0.1
    done
    [[ -n $token ]] || die "no mail came to prove the $who account's address"
    status=$(curl -sS --max-time 30 -o "$TMP/confirm-$who.json" -w '%{http_code}' \
        -H 'Content-Type: application/json' -d "{\"token\": \"$token\"}" \
        "$BASE/api/v1/auth/email/confirm")
    [[ $status == 200 ]] ||
        die "proving the $who account's address failed: HTTP $status $(cat "$TMP/confirm-$who.json")"
    log "the $who account's address is proven"
}

# --- main ----------------------------------------------------------------------------------
# `run.sh --install`: only install Schemathesis (before several runs start at once).
if [[ ${1:-} == --install ]]; then
    ensure_schemathesis
    exit 0
fi
[[ -x $BIN ]] || die "no server binary at $BIN (build it, or set ENSEMBLE_BIN)"
command -v curl >/dev/null || die "curl is needed"
ensure_schemathesis

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ensemble-contract.XXXXXX")
mkdir -p "$TMP/data"
DATABASE=""
if [[ -n ${TEST_DATABASE_URL:-} ]]; then
    [[ $TEST_DATABASE_URL == postgres://* || $TEST_DATABASE_URL == postgresql://* ]] ||
        die "TEST_DATABASE_URL must be a postgres:// URL"
    create_database
else
    log "database: SQLite in a temporary data directory"
fi
start_server
seed_organisations
# hooks.py gives the main account's password where an operation asks for it.
CONTRACT_MAIN_PASSWORD="Contract-main-$RANDOM$RANDOM"
export CONTRACT_MAIN_PASSWORD
CONTRACT_ACCESS_TOKEN=$(sign_up main "$CONTRACT_MAIN_PASSWORD")
prove_address main
CONTRACT_DOOMED_ACCESS_TOKEN=$(sign_up doomed)
CONTRACT_DEVICES_ACCESS_TOKEN=$(sign_up devices)
export CONTRACT_ACCESS_TOKEN CONTRACT_DOOMED_ACCESS_TOKEN CONTRACT_DEVICES_ACCESS_TOKEN

# --- 3. Schemathesis -----------------------------------------------------------------------
args=(
    --config-file "$CONFIG"
    run "$BASE/api/openapi.json"
    --checks all
    --max-examples "$MAX_EXAMPLES"
    --seed "$SEED"
    --request-timeout 10
)
# Plain output for logs: no colours in CI; TTY_INTERACTIVE=0 below stops the live spinners.
[[ -z ${CI:-} ]] || args+=(--no-color)

log "schemathesis $SCHEMATHESIS_VERSION: ${args[*]} $*"
started=$SECONDS
rc=0
# Hypothesis keeps caches in `.hypothesis/` under the working directory: send them to $TMP.
# In the background, waited for, so that a SIGTERM/SIGINT to this script is handled at once.
SCHEMATHESIS_HOOKS="$HERE/hooks.py" HYPOTHESIS_STORAGE_DIRECTORY="$TMP/hypothesis" \
    TTY_INTERACTIVE=0 timeout -k 10 "$TIMEOUT" "$VENV/bin/schemathesis" "${args[@]}" "$@" &
RUNNER_PID=$!
wait "$RUNNER_PID" || rc=$?
RUNNER_PID=""
log "schemathesis finished in $((SECONDS - started)) s with exit code $rc"
(( rc != 124 )) || log "schemathesis was stopped after CONTRACT_TIMEOUT=$TIMEOUT s"
exit "$rc"
