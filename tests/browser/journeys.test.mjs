// The journeys of the web app, in a real browser against the real server (demo data): a
// supporter who discovers, searches, signs up, proves their address from the mail, follows,
// reads the feed, comments, gives, changes address and switches to French; an editor who
// proves their address, creates an organisation and posts an update that a follower then
// finds in their feed, and invites that follower by address (who signs in from the mailed
// link and accepts); an owner who invites a newcomer's address, the newcomer signing up from
// the mailed link and joining the team; a supporter who forgot their password and chooses
// a new one from the mail; a supporter who chooses what comes by mail, then stops the replies to their comments
// from the link in one of those messages. The mail is read where the server writes it (no
// SMTP in the tests), and its links opened in the browser as a person would. Screenshots of
// the main pages go to docs/screenshots.

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import {
    BASE_URL,
    accountButton,
    assertNoPageErrors,
    PASSWORD,
    api,
    checkAccessibility,
    fromAccountMenu,
    launch,
    newPage,
    newTab,
    png,
    provenAccount,
    register,
    screenshot,
    settle,
    trackErrors,
    uniqueEmail,
    waitForMail,
} from './lib.mjs';

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

test("a supporter's journey: discover, search, sign up, prove the address, follow, feed, comment, give, French", async () => {
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
    const email = uniqueEmail('supporter');
    await page.getByLabel('Your name').fill('Supporter');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await checkAccessibility(page, 'sign up');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.waitForURL(/\/feed$/);
    // A new account has an empty feed: causes to pick and organisations to discover.
    await page.getByRole('heading', { name: 'What do you care about?' }).waitFor();
    await page.getByRole('heading', { name: 'Organisations you might like' }).waitFor();
    await page.locator('main a[href^="/organisations/"]').first().waitFor();
    const unproven = page.getByText('Confirm your address: we sent you a link.');
    await unproven.waitFor();
    await screenshot(page, 'feed-empty');
    await checkAccessibility(page, 'empty feed');

    // Giving and commenting wait for a proven address: the link mailed at sign-up proves it.
    const welcome = await waitForMail(email, { path: '/verify-email' });
    await page.goto(welcome.link);
    await page.getByRole('heading', { level: 1, name: 'Your address is confirmed' }).waitFor();
    await page.getByText(`${email} is yours`).waitFor();
    await screenshot(page, 'address-confirmed');
    await checkAccessibility(page, 'address confirmed');
    await page.getByRole('link', { name: 'Continue to my feed' }).click();
    await page.getByRole('heading', { level: 1, name: 'My feed' }).waitFor();
    assert.equal(await unproven.count(), 0, 'the reminder is gone');
    // Signed in, from page to page inside the app (no reload): the directory, an
    // organisation (this once disposed what a pending request still used).
    await page.getByRole('navigation').getByRole('link', { name: 'Discover' }).click();
    await page.locator('main a[href^="/organisations/"]').first().click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Discover' }).click();
    await page.locator('main a[href^="/organisations/"]').nth(1).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();

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
    await fromAccountMenu(page, 'Notifications');
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await checkAccessibility(page, 'notifications');
    await fromAccountMenu(page, 'Settings');
    const visible = page.getByLabel('Show the organisations I follow on their pages');
    await visible.waitFor();
    assert.equal(await visible.isChecked(), true);
    await visible.uncheck();
    await page.getByText('Saved.').waitFor();
    // A picture of oneself: cut to its centre square, shown at once.
    await page.getByLabel('Your picture (square; others are cut to their centre)').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png(300, 200) });
    await page.getByRole('button', { name: 'Remove your picture' }).waitFor();
    await accountButton(page).locator('img').waitFor();
    const me = await api(BASE_URL, 'GET', '/me', { token: await page.evaluate(() => JSON.parse(localStorage.getItem('ensemble.session')).access_token) });
    assert.deepEqual([me.body.avatar.width, me.body.avatar.height], [200, 200]);
    await page.getByLabel('Name of the new token').fill('my feed reader');
    await page.getByRole('button', { name: 'Create the token' }).click();
    await page.getByText('Copy it now: it will not be shown again.').waitFor();
    const secret = await page.locator('code.secret').innerText();
    const withToken = await api(BASE_URL, 'GET', '/me/feed', { token: secret });
    assert.equal(withToken.status, 200, 'the token reads the feed');
    await page.getByRole('button', { name: 'Revoke my feed reader' }).click();
    await page.getByRole('button', { name: 'Revoke my feed reader' }).waitFor({ state: 'detached' });
    assert.equal((await api(BASE_URL, 'GET', '/me/feed', { token: secret })).status, 401);
    // The devices signed in, this one marked; a new password.
    await page.getByRole('heading', { name: 'Signed-in devices' }).waitFor();
    await page.getByText('(this device)').waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password (at least 10 characters)').fill('another long passphrase');
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.getByText('Password changed. Your other devices are signed out.').waitFor();
    await checkAccessibility(page, 'settings');
    // A new address: the account takes it once the link mailed there is opened.
    const moved = uniqueEmail('supporter-moved');
    await page.getByLabel('New address').fill(moved);
    await page.getByLabel('Your password, to confirm it is you').fill('a wrong guess, surely');
    await page.getByRole('button', { name: 'Send a link to the new address' }).click();
    await page.getByText('This is not your password.').waitFor();
    await page.getByLabel('Your password, to confirm it is you').fill('another long passphrase');
    await page.getByRole('button', { name: 'Send a link to the new address' }).click();
    await page.getByText(`We sent a link to ${moved}: your address changes when you open it.`).waitFor();
    const change = await waitForMail(moved, { path: '/verify-email' });
    await page.goto(change.link);
    await page.getByRole('heading', { level: 1, name: 'Your new address is confirmed' }).waitFor();
    await fromAccountMenu(page, 'Settings');
    await page.getByText(`Your address now: ${moved}`).waitFor();

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

    // Signing out ends the session at the server, not just in this browser.
    const signedIn = JSON.parse(await page.evaluate(() => localStorage.getItem('ensemble.session')));
    await fromAccountMenu(page, 'Se déconnecter');
    await page.getByRole('navigation').getByRole('link', { name: 'Se connecter' }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('ensemble.session')), null);
    const refreshed = await api(BASE_URL, 'POST', '/auth/refresh', { body: { refresh_token: signedIn.refresh_token } });
    assert.equal(refreshed.status, 401, 'the session ended at the server');

    assert.deepEqual(errors, [], 'the pages reported errors');
    await page.close();
});

test('leaving pages before their answers arrive breaks nothing', async () => {
    const email = uniqueEmail('hurry');
    const account = await register(BASE_URL, email);
    const page = await newPage(browser);
    await page.goto(`${BASE_URL}/signin`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/feed$/);
    const { body: directory } = await api(BASE_URL, 'GET', '/organisations?limit=1');
    const slug = directory.items[0].slug;
    // Every API answer now takes 600 ms: each page is left while its requests are out.
    await page.route('**/api/v1/**', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        await route.continue().catch(() => {});
    });
    const nav = page.getByRole('navigation');
    for (const path of ['/', `/organisations/${slug}`, '/causes/education', '/notifications', '/settings', '/donations', `/organisations/${slug}/admin`]) {
        await page.evaluate((to) => {
            history.pushState(null, '', to);
            window.dispatchEvent(new PopStateEvent('popstate'));
        }, path);
        await page.waitForTimeout(150);
        await nav.getByRole('link', { name: 'My feed' }).click();
        await page.waitForTimeout(150);
    }
    // Let every delayed answer land on the pages already gone.
    await page.waitForTimeout(1500);
    await page.unroute('**/api/v1/**');
    await page.getByRole('heading', { level: 1, name: 'My feed' }).waitFor();
    assert.ok(account.access_token);
    await page.close();
});

test('two tabs whose access token expired refresh at once and both stay signed in', async () => {
    const email = uniqueEmail('tabs');
    await register(BASE_URL, email);
    const first = await newPage(browser);
    await first.goto(`${BASE_URL}/signin`);
    await first.getByLabel('Email').fill(email);
    await first.getByLabel('Password').fill(PASSWORD);
    await first.getByRole('button', { name: 'Sign in' }).click();
    await first.waitForURL(/\/feed$/);
    const second = await newTab(first);
    // The access token has expired (made unusable here): every page's first request is a
    // 401, and both tabs refresh with the same refresh token at the same moment.
    await first.evaluate(() => {
        const session = JSON.parse(localStorage.getItem('ensemble.session'));
        session.access_token = 'expired';
        localStorage.setItem('ensemble.session', JSON.stringify(session));
    });
    const stale = JSON.parse(await first.evaluate(() => localStorage.getItem('ensemble.session')));
    await Promise.all([first.goto(`${BASE_URL}/settings`), second.goto(`${BASE_URL}/notifications`)]);
    for (const tab of [first, second]) {
        await accountButton(tab).waitFor();
    }
    await first.getByRole('heading', { name: 'Signed-in devices' }).waitFor();
    await second.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const now = JSON.parse(await first.evaluate(() => localStorage.getItem('ensemble.session')));
    assert.notEqual(now.refresh_token, stale.refresh_token, 'refreshed once');
    const sessions = await api(BASE_URL, 'GET', '/me/sessions', { token: now.access_token });
    assert.equal(sessions.status, 200, 'the session is alive');
    assert.ok(sessions.body.items.some((s) => s.current), 'and listed');
    // Both tabs go on working.
    await fromAccountMenu(second, 'My donations');
    await second.getByRole('heading', { level: 1, name: 'My donations' }).waitFor();
    await first.close();
});

test("an editor's journey: prove the address, create an organisation, post an update, a follower reads it", async () => {
    const editorEmail = uniqueEmail('editor');
    const editor = await register(BASE_URL, editorEmail, { displayName: 'Editor' });
    const page = await newPage(browser);
    const errors = trackErrors(page);
    await page.goto(`${BASE_URL}/signin`);
    await page.getByLabel('Email').fill(editorEmail);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/feed$/);

    await fromAccountMenu(page, 'Add an organisation');
    const name = `Atelier Vélo ${Date.now().toString(36)}`;
    // Not before the address is proven: the page says how.
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Mission, in one or two sentences').fill('Repair bikes together, for free.');
    await page.getByRole('button', { name: 'Create the organisation' }).click();
    await page.getByText('Confirm your address first: open the link we sent you by mail').waitFor();
    // The mail of the sign-up is lost, say: a new link, which makes the first one stop working.
    const lost = await waitForMail(editorEmail, { path: '/verify-email' });
    const since = Date.now();
    await page.getByRole('button', { name: 'Send the link again' }).click();
    await page.getByText(`We sent a new link to ${editorEmail}.`).waitFor();
    await checkAccessibility(page, 'new organisation, address not proven');
    const again = await waitForMail(editorEmail, { path: '/verify-email', since });
    assert.notEqual(again.link, lost.link, 'a new link');
    await page.goto(again.link);
    await page.getByRole('heading', { level: 1, name: 'Your address is confirmed' }).waitFor();
    await page.goto(lost.link);
    await page.getByRole('heading', { level: 1, name: 'This link did not work' }).waitFor();
    // (The server says either: a link replaced by a newer one has expired.)
    await page.getByText(/^(This link has expired\.|This link is not valid, or was used already\.)$/).waitFor();
    await screenshot(page, 'verify-email-failed');
    await checkAccessibility(page, 'a link that did not work');

    await fromAccountMenu(page, 'Add an organisation');
    // Refused whole, with the field named, when the mission is missing.
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create the organisation' }).click();
    await page.getByText('This field is required.').waitFor();
    await page.getByLabel('Mission, in one or two sentences').fill('Repair bikes together, for free.');
    await page.getByLabel('Country', { exact: true }).selectOption('FR');
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
    // A photo, sent as soon as it is chosen; its description is asked for before it goes out.
    await page.getByLabel('Add a photo').setInputFiles({ name: 'workshop.png', mimeType: 'image/png', buffer: png(300, 200) });
    const alt = page.getByLabel('What the photo shows, for people who cannot see it');
    await alt.waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('This field is required.').waitFor();
    await alt.fill('Bikes waiting to be repaired');
    await checkAccessibility(page, 'an update with a photo');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Your update is published.').waitFor();
    await page.getByRole('heading', { name: 'Open workshop on Saturday' }).waitFor();
    const photo = page.getByRole('img', { name: 'Bikes waiting to be repaired' });
    await photo.waitFor();
    await photo.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
        const img = document.querySelector('img[alt="Bikes waiting to be repaired"]');
        return img && img.complete && img.naturalWidth > 0;
    });
    await screenshot(page, 'organisation-editor');

    // Edit it from its page; then post another and delete it.
    await page.getByRole('link', { name: 'Open workshop on Saturday' }).click();
    await page.getByRole('heading', { level: 1, name: 'Open workshop on Saturday' }).waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Title').fill('Open workshop on Sunday');
    // The photo stays with its description; a second one is added.
    assert.equal(await page.locator('#edit-update-photo-alt-0').inputValue(), 'Bikes waiting to be repaired');
    await page.getByLabel('Add a photo').setInputFiles({ name: 'tools.png', mimeType: 'image/png', buffer: png(200, 300) });
    await page.locator('#edit-update-photo-alt-1').fill('The tools on the workshop wall');
    await checkAccessibility(page, 'editing an update');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes are saved.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Open workshop on Sunday' }).waitFor();
    await page.getByRole('img', { name: 'The tools on the workshop wall' }).waitFor();
    const workshop = await api(BASE_URL, 'GET', `/updates/${new URL(page.url()).pathname.split('/').pop()}`);
    assert.deepEqual(workshop.body.photos.map((p) => p.alt), ['Bikes waiting to be repaired', 'The tools on the workshop wall']);
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
    // A logo, cut to its centre square.
    await page.getByLabel('Logo (a square picture; others are cut to their centre)').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(240, 160) });
    await page.getByRole('button', { name: 'Remove the logo' }).waitFor();
    const withLogo = await api(BASE_URL, 'GET', `/organisations/${slug}`);
    assert.deepEqual([withLogo.body.logo.width, withLogo.body.logo.height], [160, 160]);
    assert.ok(await page.getByRole('button', { name: 'Ask for review' }).count(), 'an owner may ask for review');
    // Inviting the follower by their address: they are in the team only once they accept.
    // (The page is drawn again after each change: let the last one land before typing.)
    await settle(page);
    const invited = Date.now();
    await page.getByLabel('Email address of the person to invite').fill(followerEmail);
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    await page.getByText(`We sent an invitation to ${followerEmail}: they join the team once they accept it.`).waitFor();
    await page.locator('li.member', { hasText: followerEmail }).getByText('editor · waiting for an answer').waitFor();
    const team = await api(BASE_URL, 'GET', `/organisations/${slug}/members`);
    assert.equal(team.body.items.length, 1, 'not in the team before accepting');
    await page.getByRole('heading', { name: 'Donations received' }).waitFor();
    await screenshot(page, 'organisation-admin');
    await checkAccessibility(page, 'organisation admin');
    assert.deepEqual(errors, [], 'the pages reported errors');
    await page.close();

    // The follower opens the link mailed to them, signed out, in a French browser: they have
    // an account, so they sign in from the invitation's page, come back to it, and accept.
    const invitation = await waitForMail(followerEmail, { path: '/invitation', since: invited });
    const reader = await newPage(browser, { locale: 'fr-FR' });
    await reader.goto(invitation.link);
    await reader.getByRole('heading', { level: 1, name: `Rejoindre l’équipe de ${name}` }).waitFor();
    await reader.getByRole('link', { name: 'J’ai déjà un compte : me connecter' }).click();
    await reader.getByLabel('Adresse e-mail').fill(followerEmail);
    await reader.locator('#password').fill(PASSWORD);
    await reader.locator('form button[type=submit]').click();
    await reader.waitForURL(/\/invitation\?token=/);
    await reader.getByRole('button', { name: `Accepter l’invitation de ${name}` }).click();
    await reader.getByText(`Vous faites maintenant partie de l’équipe de ${name}.`).waitFor();
    await checkAccessibility(reader, 'an invitation accepted, in French');
    const joined = await api(BASE_URL, 'GET', `/organisations/${slug}/members`);
    assert.equal(joined.body.items.length, 2);
    // Their feed has the news of the organisation they follow.
    await reader.getByRole('navigation').getByRole('link', { name: 'Mon fil' }).click();
    const news = reader.locator('article.update').first();
    await news.waitFor();
    assert.match(await news.innerText(), /Open workshop on Sunday/);
    assert.match(await news.innerHTML(), /<strong>we fix it together<\/strong>/);
    // With its photo and the organisation's logo; on a phone-sized screen too, on the
    // organisation's page.
    await news.getByRole('img', { name: 'Bikes waiting to be repaired' }).waitFor();
    await news.locator('.logo img').waitFor();
    await reader.setViewportSize({ width: 390, height: 844 });
    await reader.goto(`${BASE_URL}/organisations/${slug}`);
    await reader.locator('.organisation-header .logo img').waitFor();
    const onPhone = reader.getByRole('img', { name: 'Bikes waiting to be repaired' });
    await onPhone.scrollIntoViewIfNeeded();
    await reader.waitForFunction(() => {
        const img = document.querySelector('img[alt="Bikes waiting to be repaired"]');
        return img && img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width <= 390;
    });
    assert.equal(await reader.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
    await checkAccessibility(reader, 'an organisation with a logo and a photo, on a phone');
    await reader.close();
    assert.ok(editor.access_token);
});

test("an owner invites a newcomer's address; the newcomer signs up from the mailed link, accepts and is in the team", async () => {
    const owner = await provenAccount('owner', { displayName: 'Owner' });
    const name = `Repair Café ${Date.now().toString(36)}`;
    const created = await api(BASE_URL, 'POST', '/organisations', {
        token: owner.access_token,
        body: { name, mission: 'Mend things together instead of throwing them away.' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const slug = created.body.slug;

    const page = await newPage(browser);
    await page.goto(`${BASE_URL}/signin`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/feed$/);
    await page.goto(`${BASE_URL}/organisations/${slug}/admin`);
    await page.getByRole('heading', { level: 1, name: `Manage ${name}` }).waitFor();
    await settle(page);

    // Something that is not an address is refused at the field.
    const address = page.getByLabel('Email address of the person to invite');
    const send = page.getByRole('button', { name: 'Send the invitation' });
    await address.fill('ana at example.org');
    await send.click();
    await page.getByText('Write an address such as ana@example.org.').waitFor();
    assert.equal(await address.getAttribute('aria-invalid'), 'true');

    const newcomer = uniqueEmail('newcomer');
    const since = Date.now();
    await address.fill(newcomer);
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await send.click();
    await page.getByRole('status').filter({ hasText: `We sent an invitation to ${newcomer}: they join the team once they accept it.` }).waitFor();
    const sent = page.locator('li.member', { hasText: newcomer });
    await sent.getByText('editor · waiting for an answer').waitFor();
    // The same address again: the page says it has one waiting.
    await settle(page);
    await address.fill(newcomer);
    await send.click();
    await page.getByRole('alert').filter({ hasText: 'This address has an invitation waiting for an answer already.' }).waitFor();
    await screenshot(page, 'team-invited');
    await checkAccessibility(page, 'team, an address invited');

    // The newcomer, on a phone, opens the link mailed to the address.
    const mail = await waitForMail(newcomer, { path: '/invitation', since });
    const guest = await newPage(browser, { phone: true });
    await guest.goto(mail.link);
    await guest.getByRole('heading', { level: 1, name: `Join the team of ${name}` }).waitFor();
    await guest.getByText(`${name} invites you to join its team as editor.`).waitFor();
    await guest.getByText('Sent by Owner.').waitFor();
    await guest.getByText(`Sent to ${newcomer}.`).waitFor();
    assert.equal(await guest.getByLabel('Email').inputValue(), newcomer, 'the address is filled in');
    await guest.getByRole('link', { name: 'I already have an account: sign in' }).waitFor();
    await guest.getByRole('button', { name: 'Decline' }).waitFor();
    await screenshot(guest, 'invitation');
    await checkAccessibility(guest, 'invitation, signed out (phone)');

    await guest.getByLabel('Your name').fill('Newcomer');
    await guest.getByLabel('Password').fill(PASSWORD);
    await guest.getByRole('button', { name: 'Create my account' }).click();
    await guest.getByRole('status').filter({ hasText: 'Your account is ready. Now accept or decline the invitation.' }).waitFor();
    const accept = guest.getByRole('button', { name: `Accept the invitation of ${name}` });
    await accept.waitFor();
    assert.ok(await accept.evaluate((button) => button === document.activeElement), 'the keyboard goes on from the answer');
    await guest.getByText(`You answer as ${newcomer}: accepting adds this account to the team.`).waitFor();
    // Signed up with the address the invitation was sent to: nothing more to prove.
    assert.equal(await guest.getByText('Confirm your address: we sent you a link.').count(), 0);
    await checkAccessibility(guest, 'invitation, signed up (phone)');
    await accept.click();
    await guest.getByRole('status').filter({ hasText: `You are now in the team of ${name}.` }).waitFor();
    await screenshot(guest, 'invitation-accepted');
    await checkAccessibility(guest, 'invitation accepted (phone)');
    await guest.getByRole('link', { name: `About ${name}` }).click();
    await guest.getByRole('heading', { level: 1, name }).waitFor();
    // The link, opened again, says what became of it.
    await guest.goto(mail.link);
    await guest.getByText('This invitation was accepted.').waitFor();
    await guest.getByRole('button', { name: `Accept the invitation of ${name}` }).waitFor({ state: 'detached' });

    // The owner finds the newcomer in the team, and the invitation accepted.
    await page.reload();
    await page.getByLabel('Role of Newcomer').waitFor();
    assert.equal(await page.getByLabel('Role of Newcomer').inputValue(), 'editor');
    await page.locator('li.member', { hasText: newcomer }).getByText('editor · accepted').waitFor();
    const team = await api(BASE_URL, 'GET', `/organisations/${slug}/members`);
    assert.deepEqual(team.body.items.map((m) => m.display_name).sort(), ['Newcomer', 'Owner']);

    // Another address declines without an account; a link the server did not make says so.
    const other = uniqueEmail('not-interested');
    const otherSince = Date.now();
    const invited = await api(BASE_URL, 'POST', `/organisations/${slug}/members`, {
        token: owner.access_token,
        body: { email: other, role: 'editor' },
    });
    assert.equal(invited.status, 202, JSON.stringify(invited.body));
    const otherMail = await waitForMail(other, { path: '/invitation', since: otherSince });
    const stranger = await newPage(browser);
    await stranger.goto(otherMail.link);
    await stranger.getByRole('button', { name: 'Decline' }).click();
    await stranger.getByRole('status').filter({ hasText: 'Invitation declined.' }).waitFor();
    await checkAccessibility(stranger, 'invitation declined');
    await stranger.goto(`${BASE_URL}/invitation?token=not-a-link-of-ours`);
    await stranger.getByRole('heading', { level: 1, name: 'This link did not work' }).waitFor();
    await stranger.getByText('This invitation link is not valid.', { exact: false }).waitFor();
    await checkAccessibility(stranger, 'an invitation link that did not work');
    await stranger.close();
    await guest.close();
    await page.close();
});

test('a supporter who forgot the password resets it from the mail', async () => {
    const email = uniqueEmail('forgetful');
    await register(BASE_URL, email);
    const page = await newPage(browser, { phone: true });
    await page.goto(`${BASE_URL}/signin`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/feed$/);
    await fromAccountMenu(page, 'Sign out');

    await page.getByRole('navigation').getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    await checkAccessibility(page, 'forgot password');
    const sent = 'If an account has this address, we sent a link to it.';
    const since = Date.now();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByText(sent).waitFor();
    // The same answer for an address no account has: the page tells nobody who has one.
    await page.getByLabel('Email').fill(uniqueEmail('nobody'));
    await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/password/forgot')),
        page.getByRole('button', { name: 'Send me a link' }).click(),
    ]);
    await page.getByText(sent).waitFor();
    await screenshot(page, 'forgot-password');

    const mail = await waitForMail(email, { path: '/reset-password', since });
    await page.goto(mail.link);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    const field = page.getByLabel('New password (at least 10 characters)');
    await field.fill('short');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText('This is too short.').waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await checkAccessibility(page, 'reset password, refused');
    const chosen = 'a brand new passphrase';
    await field.fill(chosen);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText('Your password is changed.').waitFor();
    await screenshot(page, 'password-reset');
    await checkAccessibility(page, 'password reset');

    // The link works once.
    await page.goto(mail.link);
    await page.getByLabel('New password (at least 10 characters)').fill('yet another passphrase');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText('This link is not valid, or was used already.').waitFor();
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();

    // The old password is gone; the new one signs in.
    await page.getByRole('navigation').getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This email and password do not match an account.').waitFor();
    await page.getByLabel('Password').fill(chosen);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/feed$/);
    await accountButton(page).waitFor();
    await page.close();
});

test('a supporter chooses what comes by mail, then stops the replies from the link in one', async () => {
    const reader = await provenAccount('mail-reader', { displayName: 'Reader' });
    // This device is in Bogotá: its zone is offered while the saved one is still UTC.
    const page = await newPage(browser, { phone: true, timezoneId: 'America/Bogota' });
    await page.goto(`${BASE_URL}/signin`);
    await page.getByLabel('Email').fill(reader.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/feed$/);

    await fromAccountMenu(page, 'Settings');
    await page.getByRole('heading', { level: 2, name: 'Email', exact: true }).waitFor();
    const replies = page.getByLabel('Replies to my comments');
    const comments = page.getByLabel('Comments on my organisations’ updates');
    const digest = page.getByLabel('How often');
    const zone = page.getByLabel('My time zone');
    await comments.waitFor();
    // As everyone starts: what concerns me at once, comments in a weekly digest, UTC.
    assert.equal(await replies.inputValue(), 'immediately');
    assert.equal(await comments.inputValue(), 'digest');
    assert.equal(await digest.inputValue(), 'weekly');
    assert.equal(await zone.inputValue(), 'UTC');
    await page.getByText('This device is set to America/Bogota.').waitFor();
    await screenshot(page, 'settings-mail-suggestion');
    await checkAccessibility(page, 'settings, mail (phone)');

    await comments.selectOption({ label: 'At once' });
    await digest.selectOption({ label: 'Daily' });
    await page.getByRole('button', { name: 'Use America/Bogota' }).click();
    assert.equal(await zone.inputValue(), 'America/Bogota');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const mailSection = page.locator('section[aria-labelledby="mail-title"]');
    await mailSection.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    // Kept: after a reload, and at the server.
    await page.reload();
    await comments.waitFor();
    assert.equal(await comments.inputValue(), 'immediately');
    assert.equal(await digest.inputValue(), 'daily');
    assert.equal(await zone.inputValue(), 'America/Bogota');
    assert.equal(await replies.inputValue(), 'immediately');
    assert.equal(await page.getByText('This device is set to').count(), 0, 'nothing to suggest once a zone is saved');
    await screenshot(page, 'settings-mail');
    const saved = await api(BASE_URL, 'GET', '/me/mail-preferences', { token: reader.access_token });
    assert.equal(saved.body.digest, 'daily');
    assert.equal(saved.body.time_zone, 'America/Bogota');
    assert.equal(saved.body.categories.find((c) => c.category === 'comments').delivery, 'immediately');
    await page.setViewportSize({ width: 1280, height: 800 });
    await checkAccessibility(page, 'settings, mail');

    // A reply to the reader's comment comes at once, by mail, with its link to stop replies.
    // An organisation of the demo data, which has news (the first of the directory may be one
    // an earlier test created, without any).
    const { body: updates } = await api(BASE_URL, 'GET', '/organisations/les-jardins-de-la-breche/updates?limit=1');
    const comment = await api(BASE_URL, 'POST', `/updates/${updates.items[0].id}/comments`, {
        token: reader.access_token,
        body: { body: 'Where do we meet on Saturday?' },
    });
    assert.equal(comment.status, 201);
    const replier = await provenAccount('mail-replier', { displayName: 'Replier' });
    const since = Date.now();
    const reply = await api(BASE_URL, 'POST', `/updates/${updates.items[0].id}/comments`, {
        token: replier.access_token,
        body: { body: 'At the garden gate, at ten.', parent_id: comment.body.id },
    });
    assert.equal(reply.status, 201);
    const mail = await waitForMail(reader.email, { since });
    assert.match(mail.subject, /Replier replied to your comment/);
    // The text's link leads to the page, which asks first; the API's address (the one-click
    // POST of mail readers) takes the same token.
    const stop = mail.links.find((link) => link.includes('/unsubscribe?token='));
    assert.ok(stop, `a link to stop replies in:\n${mail.text}`);
    const pageLink = new URL(stop).pathname === '/unsubscribe'
        ? stop
        : `${BASE_URL}/unsubscribe?token=${encodeURIComponent(new URL(stop).searchParams.get('token'))}`;

    await page.goto(pageLink);
    await page.getByRole('heading', { level: 1, name: 'Stop these messages?' }).waitFor();
    const stopButton = page.getByRole('button', { name: 'Stop these messages' });
    await stopButton.waitFor();
    await screenshot(page, 'unsubscribe');
    // Opening the link stops nothing (mail scanners open them all): the button does.
    const opened = await api(BASE_URL, 'GET', '/me/mail-preferences', { token: reader.access_token });
    assert.equal(opened.body.categories.find((c) => c.category === 'replies').delivery, 'immediately');
    await checkAccessibility(page, 'unsubscribe');
    await page.setViewportSize({ width: 390, height: 844 });
    await checkAccessibility(page, 'unsubscribe (phone)');
    await stopButton.click();
    await page.getByRole('heading', { level: 1, name: 'These messages are stopped' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'You will no longer receive “Replies to my comments” by mail.' }).waitFor();
    await screenshot(page, 'unsubscribed');
    await checkAccessibility(page, 'unsubscribed (phone)');

    await page.getByRole('link', { name: 'Change it again in your settings' }).click();
    await replies.waitFor();
    assert.equal(await replies.inputValue(), 'never');
    assert.equal(await comments.inputValue(), 'immediately', 'the other choices stay');

    // A link the server does not know.
    await page.goto(`${BASE_URL}/unsubscribe?token=not-a-link-of-ours`);
    await page.getByRole('button', { name: 'Stop these messages' }).click();
    await page.getByRole('heading', { level: 1, name: 'This link did not work' }).waitFor();
    await page.getByText('This link is incomplete, or the account it was for no longer exists.').waitFor();
    await page.getByRole('link', { name: 'Choose what you receive in your settings' }).waitFor();
    await checkAccessibility(page, 'unsubscribe, a link that did not work (phone)');
    await page.close();
});
