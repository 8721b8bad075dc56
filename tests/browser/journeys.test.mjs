// The two journeys of the web app, in a real browser against the real server (demo data):
// a supporter who discovers, searches, signs up, follows, reads the feed, comments and
// switches to French; an editor who creates an organisation and posts an update that a
// follower then finds in their feed. Screenshots of the main pages go to docs/screenshots.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
    BASE_URL,
    PASSWORD,
    api,
    checkAccessibility,
    launch,
    newPage,
    register,
    screenshot,
    trackErrors,
    uniqueEmail,
} from './lib.mjs';

assert.ok(BASE_URL, 'BASE_URL is not set: run the browser tests with tests/browser/run.sh');

let browser;
before(async () => {
    browser = await launch();
});
after(async () => {
    await browser?.close();
});

test("a supporter's journey: discover, search, sign up, follow, feed, comment, give, French", async () => {
    const page = await newPage(browser, { phone: true });
    const errors = trackErrors(page);
    await page.goto(`${BASE_URL}/`);
    await page.locator('main a[href^="/organisations/"]').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'discover');
    await checkAccessibility(page, 'discover');

    // Search: the address keeps it.
    const search = page.getByRole('searchbox', { name: 'Search organisations' });
    await search.fill('jardins');
    await search.press('Enter');
    await page.waitForURL(/\?q=jardins/);
    const result = page.getByRole('link', { name: 'Les Jardins de la Brèche' });
    await result.waitFor();
    await result.click();
    await page.getByRole('heading', { level: 1, name: 'Les Jardins de la Brèche' }).waitFor();
    assert.ok(await page.locator('article.update').count() > 0, 'its updates are shown');
    await screenshot(page, 'organisation');
    await checkAccessibility(page, 'organisation');

    // Sign up from the follow button.
    await page.getByRole('link', { name: 'Sign in to follow' }).click();
    await page.getByRole('link', { name: 'New here? Create an account' }).click();
    await page.getByLabel('Your name').fill('Supporter');
    await page.getByLabel('Email').fill(uniqueEmail('supporter'));
    await page.getByLabel('Password').fill(PASSWORD);
    await checkAccessibility(page, 'sign up');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.waitForURL(/\/feed$/);
    // A new account has an empty feed: causes to pick and organisations to discover.
    await page.getByRole('heading', { name: 'What do you care about?' }).waitFor();
    await page.getByRole('heading', { name: 'Organisations you might like' }).waitFor();
    await page.locator('main a[href^="/organisations/"]').first().waitFor();
    await screenshot(page, 'feed-empty');
    await checkAccessibility(page, 'empty feed');

    // Follow.
    await page.goto(`${BASE_URL}/organisations/les-jardins-de-la-breche`);
    const follow = page.getByRole('button', { name: 'Follow' });
    await follow.waitFor();
    const before = await page.locator('.follow .muted').innerText();
    await follow.click();
    await page.getByRole('button', { name: 'Following' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Following' }).getAttribute('aria-pressed'), 'true');
    const count = (text) => Number(text.replace(/\D/g, ''));
    await page.waitForFunction(
        (n) => Number(document.querySelector('.follow .muted').innerText.replace(/\D/g, '')) === n,
        count(before) + 1,
    );

    // The feed now has its news.
    await page.getByRole('navigation').getByRole('link', { name: 'My feed' }).click();
    const first = page.locator('article.update').first();
    await first.waitFor();
    assert.match(await first.innerText(), /Les Jardins de la Brèche/);
    await screenshot(page, 'feed');
    await checkAccessibility(page, 'feed');

    // Comment on an update.
    await first.locator('a[href^="/updates/"]').last().click();
    await page.getByLabel('Your comment').fill('Bravo à toute l’équipe !');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comment-body', { hasText: 'Bravo à toute l’équipe !' }).waitFor();
    await screenshot(page, 'update');
    await checkAccessibility(page, 'update');

    // Give through the sandbox (test mode: no money moves), then find it in My donations.
    await page.goto(`${BASE_URL}/organisations/les-jardins-de-la-breche`);
    await page.getByRole('heading', { name: 'Give to this organisation' }).waitFor();
    await page.getByLabel('Amount').fill('25');
    await page.getByLabel('Every month').check();
    await checkAccessibility(page, 'organisation, signed in');
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(/\/payments\/sandbox\/checkout\//);
    await page.getByText('Test mode.').waitFor();
    await screenshot(page, 'sandbox-checkout');
    await checkAccessibility(page, 'sandbox checkout');
    await page.getByRole('button', { name: 'Pay (test)' }).click();
    await page.getByRole('heading', { name: /Thank you/ }).waitFor();
    await page.goto(`${BASE_URL}/donations`);
    const gift = page.locator('main article').first();
    await gift.waitFor();
    assert.match(await gift.innerText(), /Les Jardins de la Brèche[\s\S]*Every month[\s\S]*Active/);
    // The printable receipt: fetched with the token, opened in a new tab.
    await gift.getByRole('button', { name: 'Get the receipt' }).click();
    const [receipt] = await Promise.all([
        page.waitForEvent('popup'),
        gift.getByRole('link', { name: 'Open the printable receipt' }).click(),
    ]);
    await receipt.getByRole('heading', { name: /receipt/i }).first().waitFor();
    const printable = await receipt.locator('body').innerText();
    assert.match(printable, /Receipt number/);
    assert.match(printable, /Les Jardins de la Brèche/);
    await receipt.close();
    await screenshot(page, 'my-donations');
    await checkAccessibility(page, 'my donations');

    // A cause, the notifications, the settings.
    await page.goto(`${BASE_URL}/causes/food-security`);
    await page.getByRole('heading', { level: 1, name: 'Food security' }).waitFor();
    await page.getByRole('button', { name: 'Follow' }).click();
    await page.getByRole('button', { name: 'Following' }).waitFor();
    await checkAccessibility(page, 'cause');
    await page.getByRole('navigation').getByRole('link', { name: 'Notifications' }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await checkAccessibility(page, 'notifications');
    await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    const visible = page.getByLabel('Show the organisations I follow on their pages');
    await visible.waitFor();
    assert.equal(await visible.isChecked(), true);
    await visible.uncheck();
    await page.getByText('Saved.').waitFor();
    await page.getByLabel('Name of the new token').fill('my feed reader');
    await page.getByRole('button', { name: 'Create the token' }).click();
    await page.getByText('Copy it now: it will not be shown again.').waitFor();
    const secret = await page.locator('code.secret').innerText();
    const withToken = await api(BASE_URL, 'GET', '/me/feed', { token: secret });
    assert.equal(withToken.status, 200, 'the token reads the feed');
    await page.getByRole('button', { name: 'Revoke my feed reader' }).click();
    await page.getByRole('button', { name: 'Revoke my feed reader' }).waitFor({ state: 'detached' });
    assert.equal((await api(BASE_URL, 'GET', '/me/feed', { token: secret })).status, 401);
    await checkAccessibility(page, 'settings');

    // French, remembered.
    await page.getByLabel('Language').selectOption('fr');
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await page.getByRole('navigation').getByRole('link', { name: 'Mon fil' }).waitFor();
    // The account keeps the choice too, for other browsers.
    const session = JSON.parse(await page.evaluate(() => localStorage.getItem('ensemble.session')));
    await assert.doesNotReject(async () => {
        for (let i = 0; i < 50; i += 1) {
            const me = await api(BASE_URL, 'GET', '/me', { token: session.access_token });
            if (me.body.locale === 'fr') return;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error('the account did not take French');
    });
    await page.reload();
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    await page.getByRole('navigation').getByRole('link', { name: 'Découvrir' }).click();
    await page.locator('main a[href^="/organisations/"]').first().waitFor();
    await screenshot(page, 'discover-fr');
    await checkAccessibility(page, 'discover in French');

    assert.deepEqual(errors, [], 'the pages reported errors');
    await page.close();
});

test("an editor's journey: create an organisation, post an update, a follower reads it", async () => {
    const editorEmail = uniqueEmail('editor');
    const editor = await register(BASE_URL, editorEmail, { displayName: 'Editor' });
    const page = await newPage(browser);
    const errors = trackErrors(page);
    await page.goto(`${BASE_URL}/signin`);
    await page.getByLabel('Email').fill(editorEmail);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/feed$/);

    await page.getByRole('link', { name: 'Add an organisation' }).click();
    const name = `Atelier Vélo ${Date.now().toString(36)}`;
    // Refused whole, with the field named, when the mission is missing.
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create the organisation' }).click();
    await page.getByText('This field is required.').waitFor();
    await page.getByLabel('Mission, in one or two sentences').fill('Repair bikes together, for free.');
    await page.getByLabel('Country (two-letter code, e.g. FR)').fill('fr');
    await checkAccessibility(page, 'new organisation');
    await page.getByRole('button', { name: 'Create the organisation' }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const slug = new URL(page.url()).pathname.split('/').pop();

    // A follower, through the API.
    const followerEmail = uniqueEmail('follower');
    const follower = await register(BASE_URL, followerEmail);
    const followed = await api(BASE_URL, 'PUT', `/organisations/${slug}/follow`, { token: follower.access_token });
    assert.equal(followed.status, 200);

    await page.getByLabel('Title').fill('Open workshop on Saturday');
    await page.getByLabel("What's new?").fill('Bring your bike: **we fix it together**.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Your update is published.').waitFor();
    await page.getByRole('heading', { name: 'Open workshop on Saturday' }).waitFor();
    await screenshot(page, 'organisation-editor');

    // Edit it from its page; then post another and delete it.
    await page.getByRole('link', { name: 'Open workshop on Saturday' }).click();
    await page.getByRole('heading', { level: 1, name: 'Open workshop on Saturday' }).waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Title').fill('Open workshop on Sunday');
    await checkAccessibility(page, 'editing an update');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes are saved.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Open workshop on Sunday' }).waitFor();
    await page.getByRole('link', { name }).first().click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByLabel('Title').fill('Cancelled: rain');
    await page.getByLabel("What's new?").fill('No workshop this week.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('link', { name: 'Cancelled: rain' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cancelled: rain' }).waitFor();
    const cancelled = new URL(page.url()).pathname.split('/').pop();
    await page.getByRole('button', { name: 'Delete this update' }).click();
    await page.getByRole('button', { name: 'Yes, delete it for everyone' }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    assert.equal((await api(BASE_URL, 'GET', `/updates/${cancelled}`)).status, 404);

    // The team's page: a French translation, the members, verification, donations.
    await page.getByRole('link', { name: 'Manage this organisation' }).click();
    await page.getByRole('heading', { level: 1, name: `Manage ${name}` }).waitFor();
    await page.getByLabel('Language of the translation').selectOption('fr');
    await page.locator('#tr-mission').fill('Réparer les vélos ensemble, gratuitement.');
    await page.locator('form', { has: page.locator('#tr-mission') }).getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const translated = await api(BASE_URL, 'GET', `/organisations/${slug}?lang=fr`);
    assert.equal(translated.body.mission, 'Réparer les vélos ensemble, gratuitement.');
    assert.ok(await page.getByRole('button', { name: 'Ask for review' }).count(), 'an owner may ask for review');
    await page.getByRole('heading', { name: 'Donations received' }).waitFor();
    await screenshot(page, 'organisation-admin');
    await checkAccessibility(page, 'organisation admin');
    assert.deepEqual(errors, [], 'the pages reported errors');
    await page.close();

    const reader = await newPage(browser, { locale: 'fr-FR' });
    await reader.goto(`${BASE_URL}/signin`);
    // The browser's language is French: the interface follows.
    await reader.getByLabel('Adresse e-mail').fill(followerEmail);
    await reader.locator('#password').fill(PASSWORD);
    await reader.locator('form button[type=submit]').click();
    await reader.waitForURL(/\/feed$/);
    const news = reader.locator('article.update').first();
    await news.waitFor();
    assert.match(await news.innerText(), /Open workshop on Sunday/);
    assert.match(await news.innerHTML(), /<strong>we fix it together<\/strong>/);
    await reader.close();
    assert.ok(editor.access_token);
});
