// The frame as people see it on every screen: a header that holds one row on a laptop and
// fits a 320 px phone, pages that never scroll sideways from 320 to 1920 px, a wide screen
// used (the directory's filters beside its results), the person's picture in the header, and
// countries, languages and causes named in the reader's language rather than by their codes.

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import {
    BASE_URL,
    accountButton,
    api,
    assertNoPageErrors,
    checkAccessibility,
    launch,
    newPage,
    png,
    provenAccount,
    screenshot,
    signIn,
    settle,
} from './lib.mjs';

assert.ok(BASE_URL, 'BASE_URL is not set: run the browser tests with tests/browser/run.sh');

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});
afterEach(() => assertNoPageErrors());

const WIDTHS = [320, 375, 768, 1024, 1280, 1920];

/**
 * How far the page reaches past the screen's right edge, in CSS pixels, once laid out, and
 * the elements that do (the innermost first), to say which.
 */
function overflow(page) {
    return page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => {
            const width = document.documentElement.clientWidth;
            const past = [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > width + 0.5 && !e.querySelector('*'))
                .slice(0, 3)
                .map((e) => `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent ?? '').slice(0, 30)}" right=${Math.round(e.getBoundingClientRect().right)}`);
            resolve({ by: document.documentElement.scrollWidth - width, past });
        })),
    );
}

/** The spread of these elements' vertical centres: 0 when they sit on one row. */
async function rowSpread(locators) {
    const centres = [];
    for (const locator of locators) {
        const box = await locator.boundingBox();
        assert.ok(box, `${locator} is not on screen`);
        centres.push(box.y + box.height / 2);
    }
    return Math.max(...centres) - Math.min(...centres);
}

/** A demo organisation with a country, causes and updates (the demo data has many). */
async function demoOrganisation() {
    const listed = await api(BASE_URL, 'GET', '/organisations?limit=50');
    assert.equal(listed.status, 200);
    for (const organisation of listed.body.items) {
        if (!organisation.country) continue;
        const profile = await api(BASE_URL, 'GET', `/organisations/${organisation.slug}`);
        const updates = await api(BASE_URL, 'GET', `/organisations/${organisation.slug}/updates?limit=1`);
        if (profile.body.causes.length && updates.body.items.length) {
            return { profile: profile.body, update: updates.body.items[0] };
        }
    }
    throw new Error('no demo organisation with a country, causes and an update');
}

test('the header holds one row at 1280 px in every language, and no page scrolls sideways from 320 to 1920 px', async () => {
    // Proven: pictures are sent by accounts whose address is.
    const account = await provenAccount('screens', { displayName: 'Maximiliana Wide-Screen Tester' });
    const { email } = account;
    // A picture of oneself, set through the API: the header shows it.
    const sent = await fetch(`${BASE_URL}/api/v1/uploads?shape=square`, {
        method: 'POST',
        headers: { authorization: `Bearer ${account.access_token}`, 'content-type': 'image/png' },
        body: png(120, 120),
    });
    assert.equal(sent.status, 201);
    const upload = await sent.json();
    const me = await api(BASE_URL, 'PATCH', '/me', { token: account.access_token, body: { avatar: upload.id } });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    const { profile, update } = await demoOrganisation();

    const page = await newPage(browser);
    await signIn(page, email);
    const avatar = accountButton(page).locator('img');
    await avatar.waitFor();
    assert.match(await avatar.getAttribute('src'), /^\/media\//);

    const row = () => [
        page.locator('.brand'),
        page.getByRole('navigation').getByRole('link').first(),
        accountButton(page),
        page.locator('#language-picker'),
    ];
    for (const lang of ['en', 'fr', 'es', 'zh']) {
        await page.locator('#language-picker').selectOption(lang);
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
        assert.ok(await rowSpread(row()) < 8, `the header is on one row at 1280 px in ${lang}`);
    }
    await page.locator('#language-picker').selectOption('en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');

    const pages = [
        ['/', page.locator('main a[href^="/organisations/"]').first()],
        [`/organisations/${profile.slug}`, page.getByRole('heading', { level: 1, name: profile.name })],
        [`/updates/${update.id}`, page.getByRole('heading', { level: 1, name: update.title })],
        ['/feed', page.getByRole('heading', { level: 1 })],
        ['/settings', page.getByRole('heading', { level: 1 })],
    ];
    for (const [path, ready] of pages) {
        await page.goto(`${BASE_URL}${path}`);
        await ready.waitFor();
        for (const width of WIDTHS) {
            await page.setViewportSize({ width, height: 800 });
            const { by, past } = await overflow(page);
            assert.equal(by, 0, `${path} scrolls sideways at ${width} px: ${past.join('; ')}`);
        }
    }
    // On the smallest phone the menu opens inside the screen, and the header stays in two rows.
    await page.setViewportSize({ width: 320, height: 640 });
    await accountButton(page).click();
    const menu = await page.locator('#account-menu').boundingBox();
    assert.ok(menu.x >= 0 && menu.x + menu.width <= 320, `the menu is inside the screen: ${JSON.stringify(menu)}`);
    const header = await page.locator('.site-header .header-row').boundingBox();
    assert.ok(header.height < 120, `the header takes ${header.height} px on a 320 px phone`);
    await checkAccessibility(page, 'the account menu open on a 320 px phone');
    // Escape closes it and gives the focus back to its button.
    await page.keyboard.press('Escape');
    await page.locator('#account-menu').waitFor({ state: 'hidden' });
    assert.equal(await accountButton(page).evaluate((b) => b === document.activeElement), true);
    await page.close();
});

test('a wide screen shows the filters beside the results; a phone, above them', async () => {
    const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${BASE_URL}/`);
    const results = page.locator('main ul.organisation-list');
    await results.locator('a').first().waitFor();
    const form = page.getByRole('search');
    let [f, r] = [await form.boundingBox(), await results.boundingBox()];
    assert.ok(f.x + f.width <= r.x, `the filters (${JSON.stringify(f)}) are left of the results (${JSON.stringify(r)})`);
    // Cards side by side.
    const cards = page.locator('main ul.organisation-list > li');
    assert.ok(await rowSpread([cards.nth(0), cards.nth(1)]) < 1, 'two cards on a row');
    await settle(page);
    await screenshot(page, 'discover-wide');
    await page.setViewportSize({ width: 390, height: 844 });
    [f, r] = [await form.boundingBox(), await results.boundingBox()];
    assert.ok(f.y + f.height <= r.y, 'on a phone, the filters come first');
    await checkAccessibility(page, 'the directory on a phone');
    await page.close();
});

test('countries, languages and causes are named in the reader’s language, not by their codes', async () => {
    const { profile } = await demoOrganisation();
    const causes = await api(BASE_URL, 'GET', '/causes', { headers: { 'accept-language': 'fr' } });
    const causeNames = new Map(causes.body.items.map((c) => [c.slug, c.name]));
    const page = await newPage(browser, { locale: 'fr-FR' });
    await page.goto(`${BASE_URL}/organisations/${profile.slug}`);
    await page.getByRole('heading', { level: 1, name: profile.name }).waitFor();
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    // The causes by their French names, each linking to its page.
    const tags = page.locator('.facts a.tag');
    await page.waitForFunction((first) => document.querySelector('.facts a.tag')?.textContent === first,
        causeNames.get(profile.causes[0]));
    assert.deepEqual(await tags.allInnerTexts(), profile.causes.map((slug) => causeNames.get(slug)));
    // The country by its French name: the one the directory's filter offers for its code.
    const country = await page.locator('.facts dt', { hasText: /^Pays$/ }).locator('xpath=following-sibling::dd[1]').innerText();
    await page.goto(`${BASE_URL}/`);
    const option = page.locator(`#country option[value="${profile.country}"]`);
    await option.waitFor({ state: 'attached' });
    const countryName = await option.innerText();
    assert.notEqual(countryName, profile.country);
    assert.ok(country.startsWith(countryName), `${country} names ${countryName}`);
    assert.equal(await page.locator('#country option[value="DE"]').innerText(), 'Allemagne');
    assert.equal(await page.locator('#language option[value="sw"]').innerText(), 'swahili');
    // Choosing it: the cards say where each organisation works, by name.
    await page.locator('#country').selectOption(profile.country);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL(new RegExp(`country=${profile.country}`));
    // The list shown stays until the filtered one is there: wait for it to be that one.
    await page.waitForFunction((expected) => {
        const cards = [...document.querySelectorAll('main ul.organisation-list > li')];
        return cards.length > 0 && cards.every((card) => card.textContent.includes(expected));
    }, `Pays : ${countryName}`);
    assert.doesNotMatch(await page.locator('main').innerText(), /Pays : [A-Z]{2}\b/);
    // In Chinese too.
    await page.locator('#language-picker').selectOption('zh');
    await page.waitForFunction(() => document.documentElement.lang === 'zh');
    assert.equal(await page.locator('#country option[value="DE"]').innerText(), '德国');
    await settle(page);
    await screenshot(page, 'discover-zh');
    await checkAccessibility(page, 'the directory in Chinese');
    await page.close();
});
