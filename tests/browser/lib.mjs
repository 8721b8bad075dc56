// Helpers for the browser tests: Debian's Chromium driven by playwright-core, axe-core
// accessibility checks, screenshots, direct calls to the JSON API for set-up, and the mail
// the server sends.
//
// The tests run under Node's own runner (`node --test`), started by tests/browser/run.sh,
// which serves the built web app and the API with demo data and exports BASE_URL and
// ENSEMBLE_MAIL_DIR.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

/** Where the server under test answers (no trailing slash). */
export const BASE_URL = (process.env.BASE_URL ?? '').replace(/\/+$/, '');

/** The password `register` gives every account (long enough, and not a common one). */
export const PASSWORD = 'correct horse battery staple';

/**
 * Where screenshots go: target/screenshots (ignored by git), so that a test run leaves the
 * tree clean. `SCREENSHOT_DIR=docs/screenshots bash tests/browser/run.sh` refreshes the ones
 * the README shows.
 */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR
    ? join(process.cwd(), process.env.SCREENSHOT_DIR)
    : join(ROOT, 'target', 'screenshots');

// Chromium runs as root here, without a GPU, and must not call home (QUIC, component and
// extension updates, sync, first-run pages): each of these is a flag. playwright-core starts
// it with a fresh temporary profile (user-data-dir) of its own and deletes it on close.
const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_BIN overrides it. */
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** A headless Chromium. Close it in an `after` hook. */
export async function launch() {
    return chromium.launch({
        executablePath: CHROMIUM_BIN,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: 60_000,
    });
}

/** A phone-sized screen (an iPhone 12 to 15), for `newPage(browser, { phone: true })`. */
export const PHONE = {
    viewport: { width: 390, height: 844 },
    // 1, not the 3 of real phones: the same layout, and screenshots a ninth of the size.
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
};

/**
 * A page in a fresh browser context (its own cookies and storage: a new visitor), closed
 * with the page. `phone: true` gives a touch screen of 390x844; otherwise `viewport` (default
 * 1280x800). Other options go to `browser.newContext` (e.g. `colorScheme`, `timezoneId`).
 *
 * The page's Content-Security-Policy stays enforced, as for real visitors: a page that
 * breaks it (an inline script, a foreign origin) fails here too.
 */
export async function newPage(browser, { locale = 'en-GB', viewport, phone = false, ...options } = {}) {
    const context = await browser.newContext({
        locale,
        ...(phone ? PHONE : { viewport: viewport ?? { width: 1280, height: 800 } }),
        ...options,
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    watch(page);
    page.once('close', () => {
        context.close().catch(() => {});
    });
    return page;
}

/** Another tab of the same browser as `page` (same cookies and storage), watched too. */
export async function newTab(page) {
    const tab = await page.context().newPage();
    watch(tab);
    return tab;
}

// Every page a test opens is watched: `assertNoPageErrors` (each test file calls it after
// each test) fails the test on any uncaught error or console error in any of them, closed
// or not, so no journey can forget to look.
const watched = [];

function watch(page) {
    watched.push({ url: () => page.url(), errors: trackErrors(page) });
}

/** Throws if any page opened since the last call reported an error; then forgets them. */
export function assertNoPageErrors() {
    const found = watched.flatMap((w) => w.errors.map((e) => `${e} (page ${w.url()})`));
    watched.length = 0;
    if (found.length) {
        throw new Error(`the pages reported errors:\n  ${found.join('\n  ')}`);
    }
}

/**
 * Records what goes wrong in the page: uncaught exceptions (a Rust panic in the WASM shows up
 * as one), console errors (CSP violations, the app's own error logs), HTTP answers >= 500
 * and requests that got no answer. Answers 4xx are not errors: the app meets them in normal
 * use (401 signed out, 404, 422 for a form refused field by field). Returns the live array
 * of messages; assert it is empty once the page has settled.
 */
export function trackErrors(page) {
    const errors = [];
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
        // Chromium logs every non-2xx fetch as "Failed to load resource: …", without the URL:
        // the listeners below report those worth reporting, with it.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource:')) {
            errors.push(`console.error: ${message.text()}`);
        }
    });
    page.on('response', (response) => {
        if (response.status() >= 500) {
            errors.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
        }
    });
    page.on('requestfailed', (request) => {
        // Navigating away cancels requests still in flight: not a failure of the page.
        const failure = request.failure()?.errorText ?? '';
        if (!failure.includes('ERR_ABORTED')) {
            errors.push(`request failed: ${request.method()} ${request.url()} (${failure})`);
        }
    });
    return errors;
}

/**
 * Waits for the page to be quiet: no request for half a second (at most 5 s, since a page
 * that polls never is) and its web fonts loaded. Screenshots and axe's colour-contrast check
 * need a settled page; wait for the content you test first, this only lets the rest finish.
 */
export async function settle(page) {
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
    await page.evaluate(() => document.fonts.ready.then(() => true));
}

// --- accessibility ------------------------------------------------------------------------

const require = createRequire(import.meta.url);
let axeSource;

// The server's Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`) blocks inline
// scripts, so `page.addScriptTag({ content })` is refused. `page.evaluate` with the source
// runs it through the DevTools protocol, which CSP does not govern, so axe is injected
// without weakening the policy the tests check (no `bypassCSP`).
async function injectAxe(page) {
    if (await page.evaluate(() => typeof window.axe === 'object')) return;
    axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    // `void 0` last: the script's own last value is not sent back to Node.
    await page.evaluate(`${axeSource}\n;void 0;`);
}

/** The WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * Runs axe-core on the page as it is now (wait for its content first) against WCAG 2.0, 2.1
 * and 2.2 A and AA, and throws, listing rule, impact, help and failing elements, when any
 * violation is `serious` or `critical`; on a phone-sized screen, also when the page scrolls
 * sideways (reflow). Lesser ones are printed, not fatal. `options.exclude`
 * takes selectors to leave out (say why in the test). Returns all the violations.
 */
export async function checkAccessibility(page, label, { exclude = [] } = {}) {
    await settle(page);
    await injectAxe(page);
    const violations = await page.evaluate(
        async ({ tags, exclude }) => {
            const context = exclude.length ? { include: [document], exclude: exclude.map((s) => [s]) } : document;
            const result = await window.axe.run(context, {
                runOnly: { type: 'tag', values: tags },
                resultTypes: ['violations'],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
                    summary: n.failureSummary ?? '',
                    html: n.html,
                })),
            }));
        },
        { tags: WCAG_TAGS, exclude },
    );
    // Reflow (WCAG 1.4.10): at a phone's width the page must not scroll sideways.
    const width = await page.evaluate(() => ({
        content: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
    }));
    if (width.viewport <= 480 && width.content > width.viewport + 1) {
        violations.push({
            id: 'reflow',
            impact: 'serious',
            help: `content is ${width.content} px wide on a ${width.viewport} px screen`,
            helpUrl: 'https://www.w3.org/WAI/WCAG22/Understanding/reflow.html',
            nodes: [],
        });
    }
    const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const minor = violations.filter((v) => !blocking.includes(v));
    if (minor.length) {
        console.log(`accessibility (${label}): ${minor.length} minor or moderate issue(s):\n${describe(minor)}`);
    }
    if (blocking.length) {
        throw new Error(
            `accessibility (${label}) at ${page.url()}: ${blocking.length} serious or critical violation(s):\n${describe(blocking)}`,
        );
    }
    return violations;
}

function describe(violations) {
    return violations
        .map((v) => {
            const nodes = v.nodes
                .slice(0, 10)
                .map((n) => `      - ${n.target}\n        ${n.html.slice(0, 200)}\n        ${n.summary.replace(/\n\s*/g, ' / ')}`)
                .join('\n');
            const more = v.nodes.length > 10 ? `\n      … and ${v.nodes.length - 10} more` : '';
            return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
        })
        .join('\n');
}

// --- screenshots --------------------------------------------------------------------------

/** A full-page PNG at docs/screenshots/<name>.png; returns its path. */
export async function screenshot(page, name) {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await settle(page);
    // Caret and animations would make the same page differ from one run to the next.
    await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
    return path;
}

// --- the API, for set-up and checks -------------------------------------------------------

/**
 * A request to `/api/v1<path>`: JSON in (`body`), JSON out. Returns `{ status, body, headers }`
 * whatever the status (the body is parsed when it is JSON, else text, null when empty).
 */
export async function api(baseUrl, method, path, { token, body, headers = {} } = {}) {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/v1${path}`, {
        method,
        headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    let parsed = text || null;
    if (text && type.includes('json')) parsed = JSON.parse(text);
    return { status: response.status, body: parsed, headers: response.headers };
}

/** An email address no other test uses, e.g. `uniqueEmail('donor')`. */
export function uniqueEmail(who = 'browser') {
    return `${who}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.org`;
}

/**
 * Signs up a new account through the API and returns the auth response (`access_token`,
 * `refresh_token`, …). Throws unless the server answers 201.
 */
export async function register(baseUrl, email, { displayName } = {}) {
    const display_name = displayName ?? `Tester ${email.split('@')[0]}`.slice(0, 60);
    const { status, body } = await api(baseUrl, 'POST', '/auth/register', {
        body: { email, password: PASSWORD, display_name },
    });
    if (status !== 201) {
        throw new Error(`registering ${email}: HTTP ${status} ${JSON.stringify(body)}`);
    }
    return body;
}

// --- mail ---------------------------------------------------------------------------------

/**
 * Where the server under test writes the mail it sends: without an SMTP server (as here),
 * each message is an `.eml` file (RFC 5322) under `<data dir>/mail/`.
 */
export const MAIL_DIR = process.env.ENSEMBLE_MAIL_DIR ?? '';

/**
 * Waits for the newest message to `address` written at or after `since` (milliseconds since
 * the epoch; take `Date.now()` before the action that sends it) and, with `path`, linking
 * to that page of the app (e.g. `/reset-password`). The server sends mail from its job
 * queue, a moment after the request that causes it. Returns `{ subject, to, text, links,
 * link }`: `text` is the plain-text part, `links` the addresses in it, `link` the first one
 * to `path`.
 */
export async function waitForMail(address, { path, since = 0, timeout = 15_000 } = {}) {
    if (!MAIL_DIR) throw new Error('ENSEMBLE_MAIL_DIR is not set: run the browser tests with tests/browser/run.sh');
    const deadline = Date.now() + timeout;
    const wanted = address.toLowerCase();
    for (;;) {
        const names = await readdir(MAIL_DIR).catch(() => []);
        const found = [];
        for (const name of names.filter((n) => n.endsWith('.eml'))) {
            const file = join(MAIL_DIR, name);
            const { mtimeMs } = await stat(file);
            if (mtimeMs < since) continue;
            const mail = parseMail(await readFile(file, 'utf8'));
            if (!mail.to.toLowerCase().includes(`<${wanted}>`) && mail.to.toLowerCase().trim() !== wanted) continue;
            mail.link = path ? mail.links.find((l) => new URL(l).pathname === path) : mail.links[0];
            if (path && !mail.link) continue;
            found.push({ mtimeMs, mail });
        }
        if (found.length) {
            found.sort((a, b) => b.mtimeMs - a.mtimeMs);
            return found[0].mail;
        }
        if (Date.now() > deadline) {
            throw new Error(`no mail to ${address}${path ? ` with a link to ${path}` : ''} in ${MAIL_DIR} within ${timeout} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

/**
 * The parts of a message the tests read: its headers `to` and `subject` (encoded words
 * decoded) and its text/plain part, found in nested multiparts and decoded from
 * quoted-printable or base64. Enough for the server's own mail, not a general parser.
 */
export function parseMail(raw) {
    const { headers, body } = splitEntity(raw);
    const text = plainText(headers, body) ?? '';
    return {
        to: decodeWords(headers.get('to') ?? ''),
        subject: decodeWords(headers.get('subject') ?? ''),
        text,
        links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
    };
}

/** Headers (names lowercased, folded lines joined) and body of a message or a part. */
function splitEntity(raw) {
    const end = raw.search(/\r?\n\r?\n/);
    const head = end < 0 ? raw : raw.slice(0, end);
    const body = end < 0 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
    const headers = new Map();
    for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return { headers, body };
}

/** The decoded text/plain part of an entity, looking inside multiparts; else undefined. */
function plainText(headers, body) {
    const type = headers.get('content-type') ?? 'text/plain';
    if (/^multipart\//i.test(type)) {
        const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
        if (!boundary) return undefined;
        // Parts sit between `--boundary` lines; the preamble and the closing `--boundary--` go.
        const parts = body.split(new RegExp(`\\r?\\n?--${escapeRegExp(boundary)}(?:--)?[ \\t]*\\r?\\n?`)).slice(1);
        for (const part of parts.filter((p) => p.trim())) {
            const entity = splitEntity(part);
            const text = plainText(entity.headers, entity.body);
            if (text !== undefined) return text;
        }
        return undefined;
    }
    if (!/^text\/plain/i.test(type)) return undefined;
    const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
    return body;
}

/**
 * Quoted-printable (RFC 2045): `=` at a line's end is a soft break (a long line, e.g. a
 * link, cut in two: joined again), `=XX` a byte (`=3D` is `=`, as in `?token=3D…`).
 */
export function decodeQuotedPrintable(text) {
    const joined = text.replace(/=\r?\n/g, '');
    const bytes = [];
    for (let i = 0; i < joined.length; i += 1) {
        const hex = joined.slice(i + 1, i + 3);
        if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
            bytes.push(parseInt(hex, 16));
            i += 2;
        } else {
            bytes.push(...Buffer.from(joined[i], 'utf8'));
        }
    }
    return Buffer.from(bytes).toString('utf8');
}

/** Encoded words of a header (RFC 2047: `=?utf-8?b?…?=`, `=?utf-8?q?…?=`). */
function decodeWords(value) {
    return value
        .replace(/\?=\s+=\?/g, '?==?')
        .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_, _charset, kind, data) =>
            kind.toLowerCase() === 'b'
                ? Buffer.from(data, 'base64').toString('utf8')
                : decodeQuotedPrintable(data.replace(/_/g, ' ')),
        );
}

function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// --- the header ----------------------------------------------------------------------------

/** The signed-in person's button in the header (their picture and name), in any language. */
export function accountButton(page) {
    return page.getByRole('button', { name: /^(Your account:|Votre compte :|Tu cuenta:|我的账户：)/ });
}

/** Opens the account's menu and chooses one of its links or buttons, by its name. */
export async function fromAccountMenu(page, name) {
    await accountButton(page).click();
    const menu = page.locator('#account-menu');
    await menu.getByRole('link', { name, exact: true }).or(menu.getByRole('button', { name, exact: true })).click();
}

// --- pictures -----------------------------------------------------------------------------

/** A PNG of `width` × `height`: blue on the left half, yellow on the right. */
export function png(width, height) {
    const crcTable = Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
    });
    const crc = (bytes) => {
        let c = 0xffffffff;
        for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type, data) => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(data.length);
        const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
        const sum = Buffer.alloc(4);
        sum.writeUInt32BE(crc(body));
        return Buffer.concat([length, body, sum]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header[8] = 8; // bit depth
    header[9] = 2; // RGB
    const rows = [];
    for (let y = 0; y < height; y++) {
        const row = Buffer.alloc(1 + width * 3);
        for (let x = 0; x < width; x++) {
            const [r, g, b] = x < width / 2 ? [0, 0, 255] : [255, 200, 0];
            row[1 + x * 3] = r;
            row[2 + x * 3] = g;
            row[3 + x * 3] = b;
        }
        rows.push(row);
    }
    return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', header),
        chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}

/** A new account whose address is proven, through the link mailed at sign-up. */
export async function provenAccount(who, options) {
    const email = uniqueEmail(who);
    const account = await register(BASE_URL, email, options);
    const welcome = await waitForMail(email, { path: '/verify-email' });
    const token = new URL(welcome.link).searchParams.get('token');
    const confirmed = await api(BASE_URL, 'POST', '/auth/email/confirm', { body: { token } });
    assert.equal(confirmed.status, 200, `proving ${email}: HTTP ${confirmed.status}`);
    return { email, ...account };
}

/** Runs the server's command line on the server's database (what a self-hoster does). */
function serverCommand(...args) {
    const { ENSEMBLE_TEST_BIN: bin, ENSEMBLE_TEST_DATABASE: database, ENSEMBLE_TEST_DATA_DIR: data } = process.env;
    assert.ok(bin && database && data, 'run the browser tests with tests/browser/run.sh');
    execFileSync(bin, ['--database-url', database, '--data-dir', data, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
    });
}

/** Makes this address's account a platform moderator (`ensemble moderators grant EMAIL`). */
export function grantModerator(email) {
    serverCommand('moderators', 'grant', email);
}

/** Makes this address's account a platform administrator (`ensemble admin grant EMAIL`). */
export function grantAdmin(email) {
    serverCommand('admin', 'grant', email);
}

/** Signs in through the form as a person would, landing on their feed. */
export async function signIn(page, email) {
    await page.goto(`${BASE_URL}/signin`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/feed$/);
}
