#!/usr/bin/env bash
# Runs Ensemble locally: builds the web app and the server, then serves both at
# http://127.0.0.1:8080 on an embedded SQLite database in ./data, with demo data.
# Any setting can be overridden from the environment (see README.md), e.g.
#   ENSEMBLE_LISTEN=0.0.0.0:8080 scripts/run.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

setup_all
say "Building the web app"
bash scripts/build-web.sh
say "Building the server (release)"
cargo build --release -p ensemble-api

export ENSEMBLE_WEB_DIR="${ENSEMBLE_WEB_DIR:-$ROOT/web-client/dist}"
export ENSEMBLE_DATA_DIR="${ENSEMBLE_DATA_DIR:-$ROOT/data}"
# Fictitious organisations and people, loaded once into an empty database (ENSEMBLE_DEMO=0: none).
export ENSEMBLE_DEMO="${ENSEMBLE_DEMO:-1}"
say "Serving at http://${ENSEMBLE_LISTEN:-127.0.0.1:8080} (Ctrl-C to stop)"
exec "$ROOT/target/release/ensemble" serve
