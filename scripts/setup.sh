# Shared set-up for scripts/run.sh and scripts/test.sh: installs what a fresh Debian machine
# with Rust lacks. Idempotent and quick when everything is there. Source it; don't run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

say() { printf '\n==> %s\n' "$*" >&2; }

# What the scripts need, each checked by what it provides (a command, a library), so that
# tools installed some other way (Node.js from NodeSource, a newer PostgreSQL client)
# are used as they are; only what is missing is installed from Debian's packages.
missing_packages() {
    command -v pkg-config >/dev/null || echo pkg-config
    pkg-config --exists libpq 2>/dev/null || echo libpq-dev
    command -v psql >/dev/null || echo postgresql-client
    python3 -c 'import venv, ensurepip' 2>/dev/null || echo python3-venv
    command -v node >/dev/null || echo nodejs
    command -v npm >/dev/null || echo npm
}

ensure_apt_packages() {
    local missing=("$@")
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
    local missing
    mapfile -t missing < <(missing_packages)
    ensure_apt_packages "${missing[@]}"
    ensure_rust_components
}
