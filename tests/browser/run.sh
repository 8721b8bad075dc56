#!/usr/bin/env bash
# Browser tests: the built web app in Debian's Chromium (headless), driven by playwright-core,
# with axe-core accessibility checks and screenshots written to target/screenshots (SCREENSHOT_DIR=docs/screenshots refreshes the committed ones).
#
#   tests/browser/run.sh [test files] [`node --test` options]   (default: every *.test.mjs)
#   e.g. tests/browser/run.sh tests/browser/smoke.test.mjs --test-name-pattern='deep link'
#
# Starts the already built server binary on a free loopback port with a fresh data directory,
# SQLite and the demo data, serving the built web app; waits for /readyz; runs the tests
# one file at a time with BASE_URL and ENSEMBLE_MAIL_DIR (where the server, without SMTP,
# writes the mail it sends) exported; stops the server on exit. When a test fails,
# the end of the server log is printed.
#
# Environment:
#   ENSEMBLE_BIN            server binary (default: target/debug/ensemble under the repo)
#   ENSEMBLE_WEB_DIR        the built web app (default: web-client/dist, from scripts/build-web.sh)
#   BROWSER_TEST_TIMEOUT    longest a single test may take, seconds (default 120)
#   BROWSER_KEEP_LOG        set to 1 to print the server log even when the tests pass
#   CHROMIUM_BIN            the browser (default /usr/bin/chromium)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/setup.sh"
cd "$ROOT"
started=$SECONDS

BIN=${ENSEMBLE_BIN:-target/debug/ensemble}
[[ $BIN == /* ]] || BIN="$ROOT/$BIN"
WEB_DIR=${ENSEMBLE_WEB_DIR:-web-client/dist}
[[ $WEB_DIR == /* ]] || WEB_DIR="$ROOT/$WEB_DIR"
TIMEOUT=${BROWSER_TEST_TIMEOUT:-120}

log() { printf '[browser] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -x $BIN ]] || die "no server binary at $BIN (build it with cargo build -p ensemble-api, or set ENSEMBLE_BIN)"
[[ -f $WEB_DIR/index.html ]] || die "no web app at $WEB_DIR (build it with scripts/build-web.sh)"
command -v curl >/dev/null || die "curl is needed"

# Run on its own (not from scripts/test.sh), Chromium and Node may still be missing.
mapfile -t missing < <(missing_packages | grep -xE 'chromium|nodejs|npm' || true)
ensure_apt_packages "${missing[@]}"
ensure_browser_deps

# --- cleanup: always stop the server and the test runner, remove the temporary files -------
WORK_DIR=""
SERVER_PID=""
RUNNER_PID=""

cleanup() {
    local rc=$? i
    set +e
    if [[ -n $RUNNER_PID ]]; then
        # The whole group: the runner runs each test file in a child process, which would
        # outlive it. playwright-core answers SIGTERM by closing its browsers but lets the
        # test go on, so what is left after 5 s is killed (Chromium, seeing its pipe
        # closed, then exits too).
        kill -TERM -- "-$RUNNER_PID" 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            kill -0 -- "-$RUNNER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$RUNNER_PID" 2>/dev/null
        wait "$RUNNER_PID" 2>/dev/null
    fi
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$SERVER_PID" 2>/dev/null && { log "server did not stop on SIGTERM; killing it"; kill -KILL "$SERVER_PID"; }
        wait "$SERVER_PID" 2>/dev/null
    fi
    if [[ -n $WORK_DIR && -f $WORK_DIR/server.log ]] && [[ $rc -ne 0 || ${BROWSER_KEEP_LOG:-} == 1 ]]; then
        log "server log (last 60 lines):"
        tail -n 60 "$WORK_DIR/server.log" >&2
    fi
    [[ -n $WORK_DIR ]] && rm -rf "$WORK_DIR"
    log "finished in $((SECONDS - started)) s with exit code $rc"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the server ----------------------------------------------------------------------------
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ensemble-browser.XXXXXX")
mkdir -p "$WORK_DIR/data"
: >"$WORK_DIR/server.log" # before the server starts writing it, for the port lookup below
(
    # Only the settings below: nothing inherited from the caller's environment (a
    # DATABASE_URL pointing at real data, JSON logs that the port lookup cannot read).
    unset DATABASE_URL "${!ENSEMBLE_@}"
    export ENSEMBLE_DEMO=1 ENSEMBLE_SHUTDOWN_TIMEOUT=2
    # The journeys sign up many accounts from one address; the limits themselves are tested
    # in tests/api/auth.rs.
    export ENSEMBLE_AUTH_ATTEMPTS_PER_IP=100000 ENSEMBLE_AUTH_FAILURES_PER_ACCOUNT=100000
    # The start-up line (info) gives the port, whatever filter the caller chose.
    export RUST_LOG="${RUST_LOG:-info,actix_server=warn},ensemble_api::startup=info" NO_COLOR=1
    # Global options come before the subcommand. Port 0: the system picks a free one, which
    # the server logs (no race between choosing a port and binding it).
    exec "$BIN" --database-url "$WORK_DIR/data/ensemble.sqlite3" --data-dir "$WORK_DIR/data" \
        --listen 127.0.0.1:0 --web-dir "$WEB_DIR" serve
) >"$WORK_DIR/server.log" 2>&1 &
SERVER_PID=$!

# The address is in the start-up line: `serving address=127.0.0.1:PORT public_url=...`.
BASE=""
ready=0
deadline=$((SECONDS + 60))
while ((SECONDS < deadline)); do
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during start-up"
    if [[ -z $BASE ]]; then
        port=$(sed -nE 's/.*serving.*address=127\.0\.0\.1:([0-9]+).*/\1/p' "$WORK_DIR/server.log" | head -n 1)
        [[ -z $port ]] || BASE="http://127.0.0.1:$port"
    fi
    if [[ -n $BASE ]] && [[ $(curl -sS --max-time 2 -o /dev/null -w '%{http_code}' "$BASE/readyz" 2>/dev/null) == 200 ]]; then
        ready=1
        break
    fi
    sleep 0.2
done
((ready)) || die "the server was not ready within 60 s${BASE:+ at $BASE}"
log "server ready at $BASE (pid $SERVER_PID), web app from $WEB_DIR"
# The demo's pictures are drawn by a background job after start-up: the pages (and the
# screenshots) are looked at once they are there, as a visitor would see them.
deadline=$((SECONDS + 120))
until grep -q 'demo pictures' "$WORK_DIR/server.log"; do
    ((SECONDS < deadline)) || die "the demo's pictures were not drawn within 120 s"
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited"
    sleep 0.5
done
log "demo pictures drawn"

# --- the tests -----------------------------------------------------------------------------
options=() tests=()
for arg in "$@"; do
    if [[ $arg == -* ]]; then options+=("$arg"); else tests+=("$arg"); fi
done
if ((!${#tests[@]})); then
    shopt -s nullglob
    tests=("$ROOT"/tests/browser/*.test.mjs)
    shopt -u nullglob
    ((${#tests[@]})) || die "no tests/browser/*.test.mjs"
fi
# One file at a time: each starts its own Chromium, and two at once on a 2-core machine
# make timings (and so flakiness) worse. Explicit file names, since how `node --test` reads
# a directory argument changed between Node 20 and 22.
# In a process group of its own (setsid), so that cleanup can stop it with its children.
export BASE_URL=$BASE ENSEMBLE_MAIL_DIR=$WORK_DIR/data/mail
# The server's binary and database, for what only the command line does (naming a moderator).
export ENSEMBLE_TEST_BIN=$BIN ENSEMBLE_TEST_DATABASE=$WORK_DIR/data/ensemble.sqlite3 ENSEMBLE_TEST_DATA_DIR=$WORK_DIR/data
setsid node --test --test-concurrency=1 --test-timeout=$((TIMEOUT * 1000)) --test-reporter=spec \
    "${options[@]}" "${tests[@]}" &
RUNNER_PID=$!
rc=0
wait "$RUNNER_PID" || rc=$?
RUNNER_PID=""
exit "$rc"
