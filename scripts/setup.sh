# Shared set-up for scripts/run.sh and scripts/test.sh: installs what a fresh Debian machine
# with Rust lacks. Idempotent and quick when everything is there. Source it; don't run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

say() { printf '\n==> %s\n' "$*" >&2; }

# Debian packages: the PostgreSQL client library (the server links libpq), pkg-config,
# psql and pg_isready (test databases), Python's venv (schemathesis), Node.js and npm
# (wasm-opt from npm).
APT_PACKAGES=(pkg-config libpq-dev postgresql-client python3-venv nodejs npm)

ensure_apt_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        say "Installing Debian packages: ${missing[*]}"
        local sudo=""
        [[ $(id -u) -eq 0 ]] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

ensure_rust_components() {
    local installed
    installed="$(rustup component list --installed 2>/dev/null || true)"
    grep -q '^rustfmt' <<<"$installed" || rustup component add rustfmt
    grep -q '^clippy' <<<"$installed" || rustup component add clippy
}

setup_all() {
    ensure_apt_packages "${APT_PACKAGES[@]}"
    ensure_rust_components
}
