#!/usr/bin/env bash
# Builds the web app (web-client/) into web-client/dist/, ready for the server to serve:
#   index.html                       never cached (it names the files below)
#   ensemble-web-<hash>.js           wasm-bindgen's loader       } content-hashed:
#   ensemble-web_bg-<hash>.wasm      the app, optimised          } cached for good
#   style-<hash>.css                 the stylesheet              }
#
# Without trunk: cargo, wasm-bindgen and binaryen's wasm-opt, each installed here on first use
# from crates.io and npm only. Once they are, a run with nothing changed takes seconds.
# Runs from any directory: bash scripts/build-web.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CRATE=ensemble-web
TARGET=wasm32-unknown-unknown
PROFILE=wasm-release
# Debian's binaryen (108) turns today's rustc output into a broken module: use npm's.
BINARYEN_VERSION=132
WEB="$ROOT/web-client"
DIST="$WEB/dist"
TOOLS="$ROOT/.tools"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# wasm-bindgen and wasm-opt outputs, reused while the compiled module stays the same.
STAGE="$TARGET_DIR/$CRATE-stage"

cd "$ROOT"

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
short_hash() { sha256sum "$1" | cut -c1-16; }

# --- Tools -------------------------------------------------------------------------------

if ! rustup target list --installed | grep -qx "$TARGET"; then
    say "Adding the Rust target $TARGET"
    rustup target add "$TARGET"
fi

# The CLI must be exactly the version of the wasm-bindgen crate the app links, or it refuses
# the module: read that version from Cargo.lock.
wasm_bindgen_locked_version() {
    awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print }' \
        Cargo.lock | sort -u
}
if [[ ! -f Cargo.lock ]] || [[ -z "$(wasm_bindgen_locked_version)" ]]; then
    # Resolves the dependencies and writes them to Cargo.lock, without building anything.
    cargo metadata --format-version 1 >/dev/null
fi
WASM_BINDGEN_VERSION="$(wasm_bindgen_locked_version)"
if [[ -z "$WASM_BINDGEN_VERSION" || "$WASM_BINDGEN_VERSION" == *$'\n'* ]]; then
    echo "error: expected one version of wasm-bindgen in Cargo.lock, found:" \
        "'${WASM_BINDGEN_VERSION//$'\n'/ }'" >&2
    exit 1
fi
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
    say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Prints the path of wasm-opt, installing it if needed; prints nothing if it cannot be had.
wasm_opt() {
    local bin="$TOOLS/node_modules/.bin/wasm-opt"
    if [[ -x "$bin" ]] && "$bin" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
        echo "$bin"
        return
    fi
    say "Installing binaryen@$BINARYEN_VERSION from npm into .tools/"
    mkdir -p "$TOOLS"
    if npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
        "binaryen@$BINARYEN_VERSION" >&2 && [[ -x "$bin" ]]; then
        echo "$bin"
    fi
}

# --- Compile -----------------------------------------------------------------------------

say "Compiling $CRATE ($PROFILE)"
cargo build -p "$CRATE" --target "$TARGET" --profile "$PROFILE"
COMPILED="$TARGET_DIR/$TARGET/$PROFILE/$CRATE.wasm"

# Everything after cargo depends only on the compiled module and the tools' versions.
STAGE_KEY="$(short_hash "$COMPILED") wasm-bindgen=$WASM_BINDGEN_VERSION binaryen=$BINARYEN_VERSION"
if [[ "$(cat "$STAGE/key" 2>/dev/null || true)" != "$STAGE_KEY" ]]; then
    rm -rf "$STAGE"
    mkdir -p "$STAGE"
    say "Generating the JavaScript bindings"
    wasm-bindgen --target web --no-typescript --out-dir "$STAGE" "$COMPILED"

    WASM_OPT="$(wasm_opt)"
    if [[ -n "$WASM_OPT" ]]; then
        say "Optimising the module for size"
        # The features rustc enables by default for $TARGET; every current browser has them.
        "$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
            --enable-sign-ext --enable-reference-types --enable-multivalue \
            -o "$STAGE/$CRATE.opt.wasm" "$STAGE/${CRATE}_bg.wasm"
        mv "$STAGE/$CRATE.opt.wasm" "$STAGE/${CRATE}_bg.wasm"
        # Written last, so an interrupted or unoptimised stage is redone rather than reused.
        echo "$STAGE_KEY" >"$STAGE/key"
    else
        warn "could not install binaryen@$BINARYEN_VERSION from npm: the module is not optimised"
    fi
fi

# --- Assemble dist/ ----------------------------------------------------------------------

say "Writing ${DIST#"$ROOT/"}/"
NEXT="$DIST.next"
rm -rf "$NEXT"
mkdir -p "$NEXT"
JS="$CRATE-$(short_hash "$STAGE/$CRATE.js").js"
WASM="${CRATE}_bg-$(short_hash "$STAGE/${CRATE}_bg.wasm").wasm"
STYLE="style-$(short_hash "$WEB/style/main.css").css"
cp "$STAGE/$CRATE.js" "$NEXT/$JS"
cp "$STAGE/${CRATE}_bg.wasm" "$NEXT/$WASM"
cp "$WEB/style/main.css" "$NEXT/$STYLE"
# The bootstrap that loads the module; a file so that the CSP needs no 'unsafe-inline'.
printf 'import init from "/%s";\ninit({ module_or_path: "/%s" });\n' "$JS" "$WASM" >"$NEXT/boot.js"
BOOT="boot-$(short_hash "$NEXT/boot.js").js"
mv "$NEXT/boot.js" "$NEXT/$BOOT"
# JavaScript that dependencies ship with (wasm-bindgen "snippets"), imported by relative path.
if [[ -d "$STAGE/snippets" ]]; then
    cp -R "$STAGE/snippets" "$NEXT/snippets"
fi
sed -e "s|%JS%|$JS|g" -e "s|%WASM%|$WASM|g" -e "s|%STYLE%|$STYLE|g" -e "s|%BOOT%|$BOOT|g" \
    "$WEB/index.html" >"$NEXT/index.html"
if grep -q '%[A-Z]*%' "$NEXT/index.html"; then
    echo "error: web-client/index.html has a placeholder this script does not fill" >&2
    exit 1
fi
rm -rf "$DIST"
mv "$NEXT" "$DIST"

WASM_BYTES="$(wc -c <"$DIST/$WASM")"
WASM_GZIP_BYTES="$(gzip -9 -c "$DIST/$WASM" | wc -c)"
say "Done: ${DIST#"$ROOT/"}/$WASM is $((WASM_BYTES / 1024)) KiB, $((WASM_GZIP_BYTES / 1024)) KiB gzipped ($WASM_GZIP_BYTES bytes)"
