// Smoke test: the web app starts in a real browser, shows the directory, is accessible, and
// the server answers deep links with the app.

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { BASE_URL, assertNoPageErrors, checkAccessibility, launch, newPage, screenshot, trackErrors } from './lib.mjs';

assert.ok(BASE_URL, 'BASE_URL is not set: run the browser tests with tests/browser/run.sh');

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});
// Any uncaught error or console error in any page of a test fails it.
afterEach(() => assertNoPageErrors());

test('the home page shows organisations, declares its language and passes axe', async (t) => {
    const page = await newPage(browser);
    const errors = trackErrors(page);
    const response = await page.goto(`${BASE_URL}/`);
    assert.equal(response.status(), 200);

    // The page is empty until the WASM has started and the API has answered: wait for the
    // directory's links to organisations, or (an app without them yet) for a heading.
    const orgLinks = page.locator('main a[href^="/organisations/"]');
    const heading = page.locator('h1');
    await orgLinks.or(heading).first().waitFor({ timeout: 30_000 });
    // The heading may come first, the list once the API has answered.
    if (!(await orgLinks.count())) await orgLinks.first().waitFor({ timeout: 5_000 }).catch(() => {});
    // From navigation to the directory on screen (WASM fetched and compiled, the API
    // answered): the first-render time the README records.
    const firstRender = await page.evaluate(() => Math.round(performance.now()));
    t.diagnostic(`first render with data: ${firstRender} ms after navigation`);
    const links = await orgLinks.count();
    if (links > 0) {
        t.diagnostic(`${links} links to organisations in <main>`);
    } else {
        assert.ok(await heading.count(), 'neither a link to an organisation in <main> nor an <h1>');
        t.diagnostic(`no link to an organisation in <main> yet; <h1>: ${await heading.first().innerText()}`);
    }

    const lang = await page.locator('html').getAttribute('lang');
    assert.match(lang ?? '', /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, '<html lang> is missing or malformed');
    t.diagnostic(`<html lang="${lang}">, title: ${await page.title()}`);

    // The picture first: it is there to look at when the accessibility check fails.
    await screenshot(page, 'home');
    await checkAccessibility(page, 'home');
    assert.deepEqual(errors, [], 'the page reported errors');
    await page.close();
});

test('a deep link is answered with the app, not a 404', async () => {
    const page = await newPage(browser);
    const response = await page.goto(`${BASE_URL}/feed`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'] ?? '', /^text\/html/);
    // The same document as the home page: the app, which then routes on the client.
    const index = await (await fetch(`${BASE_URL}/`)).text();
    assert.equal(await response.text(), index);
    await page.close();
});
