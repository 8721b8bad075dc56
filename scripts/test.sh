#!/usr/bin/env bash
# Runs every check and test: formatting, lints (clippy, while building), the web app build, unit tests, the
# black-box API tests on SQLite and on PostgreSQL, schemathesis against the live server on
# both, and the web app's journeys in Chromium (tests/browser). PostgreSQL:
# TEST_DATABASE_URL (an admin URL; default the local server,
# postgres://postgres@127.0.0.1:5432/postgres). Without a reachable PostgreSQL the
# PostgreSQL half is skipped with a warning, except under CI=true, where it is an error.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
started=$SECONDS

setup_all

say "Formatting (cargo fmt --check)"
cargo fmt --all --check

# Clippy's lints, warnings denied, are checked while the workspace's own crates are built:
# clippy's driver stands in for rustc for them (dependencies are built as usual). The same
# lints as `cargo clippy -- -D warnings`, without a second, check-only compilation of every
# dependency for the server and again for the web app (about 14 minutes of a cold run on
# two cores). The driver is told its arguments the way `cargo clippy` tells it.
RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver)"
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

say "Building the web app (with clippy's lints)"
bash scripts/build-web.sh

say "Building the server and its tests (with clippy's lints)"
cargo build --workspace --exclude ensemble-web --all-targets --locked

ensure_test_python

say "Tests on SQLite"
cargo test --workspace --exclude ensemble-web --locked

PG_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if psql "$PG_URL" -Atqc 'select 1' >/dev/null 2>&1; then
    # Databases of an earlier run that was killed before it could drop them.
    for db in $(psql "$PG_URL" -Atqc "select datname from pg_database where datname like 'ensemble\_test\_%' or datname like 'ensemble\_contract\_%'"); do
        psql "$PG_URL" -qc "drop database if exists \"$db\" with (force)" >/dev/null
    done
    say "Tests on PostgreSQL"
    TEST_DATABASE_URL="$PG_URL" cargo test -p ensemble-api --test api --locked
    PG_OK=1
elif [[ "${CI:-}" == "true" ]]; then
    echo "error: PostgreSQL is not reachable at $PG_URL (CI tests both backends)" >&2
    exit 1
else
    echo "warning: PostgreSQL is not reachable at $PG_URL: PostgreSQL tests skipped" >&2
    PG_OK=0
fi

say "Contract tests (schemathesis), SQLite and PostgreSQL side by side"
cargo build -p ensemble-api --locked
# Each run keeps one core busy generating cases (the server answers in a fraction of it):
# the two backends run at once, each with its own log, printed whole when it fails.
bash tests/contract/run.sh --install
CONTRACT_LOGS="$ROOT/target/contract"
mkdir -p "$CONTRACT_LOGS"
ENSEMBLE_BIN="$ROOT/target/debug/ensemble" bash tests/contract/run.sh \
    >"$CONTRACT_LOGS/sqlite.log" 2>&1 &
sqlite_run=$!
if ((PG_OK)); then
    TEST_DATABASE_URL="$PG_URL" ENSEMBLE_BIN="$ROOT/target/debug/ensemble" bash tests/contract/run.sh \
        >"$CONTRACT_LOGS/postgres.log" 2>&1 &
    postgres_run=$!
fi
contract_failed=0
for backend in sqlite postgres; do
    pid_var="${backend}_run"
    [[ -n ${!pid_var:-} ]] || continue
    if wait "${!pid_var}"; then
        echo "contract ($backend): passed ($(grep -c '' "$CONTRACT_LOGS/$backend.log") log lines, $CONTRACT_LOGS/$backend.log)"
        grep -E '^\[contract\]|passed|failed|skipped' "$CONTRACT_LOGS/$backend.log" | grep -v ' INFO ' || true
    else
        echo "contract ($backend): FAILED; its log:" >&2
        cat "$CONTRACT_LOGS/$backend.log" >&2
        contract_failed=1
    fi
done
((contract_failed == 0)) || exit 1

say "Browser tests (Chromium)"
ENSEMBLE_BIN="$ROOT/target/debug/ensemble" bash tests/browser/run.sh

say "All checks passed in $((SECONDS - started)) s"
