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

# The browser tests' npm packages (playwright-core, axe-core), at the versions pinned in
# tests/browser/package-lock.json. `npm ci` deletes node_modules and reinstalls it, so it runs
# only when needed: node_modules is missing, or older than the lock file (a pull changed the
# pins). npm writes node_modules/.package-lock.json last, so it dates the whole install, and an
# interrupted one (which `npm ci` began by deleting node_modules) leaves none.
ensure_browser_deps() {
    # Debian's Chromium: playwright's own browser downloads come from a CDN that is not a
    # package registry, and Debian's build gets security updates with apt. Only the tests
    # need it, so the run command does not install it.
    command -v chromium >/dev/null || ensure_apt_packages chromium
    # Chinese glyphs: without a CJK font, pages in Chinese show boxes in screenshots.
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' \
        || ensure_apt_packages fonts-noto-cjk
    local dir="$ROOT/tests/browser"
    local installed="$dir/node_modules/.package-lock.json"
    if [[ ! -f $installed || $dir/package-lock.json -nt $installed ]]; then
        say "Installing the browser tests' npm packages (tests/browser)"
        (cd "$dir" && npm ci --no-audit --no-fund)
    fi
}

# The Python packages the tests use, pinned, in the project's virtualenv (.venv): aiosmtpd
# is the real SMTP server the mail tests send to (tests/mail/smtp_server.py).
AIOSMTPD_VERSION=1.4.6
# The picture tests: Pillow makes the pictures sent and inspects the ones served (someone
# else's reading of JPEG, PNG, WebP and EXIF); moto's server is the S3-protocol bucket.
PILLOW_VERSION=13.0.0
MOTO_VERSION=5.2.5
ensure_test_python() {
    local venv="$ROOT/.venv"
    [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
    if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('aiosmtpd') != '$AIOSMTPD_VERSION')" 2>/dev/null; then
        say "Installing aiosmtpd==$AIOSMTPD_VERSION into .venv (the mail tests' SMTP server)"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
    fi
    if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('pillow') != '$PILLOW_VERSION' or m.version('moto') != '$MOTO_VERSION')" 2>/dev/null; then
        say "Installing pillow==$PILLOW_VERSION and moto[server]==$MOTO_VERSION into .venv (the picture tests)"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "pillow==$PILLOW_VERSION" "moto[server]==$MOTO_VERSION"
    fi
}

setup_all() {
    local missing
    mapfile -t missing < <(missing_packages)
    ensure_apt_packages "${missing[@]}"
    ensure_rust_components
}
