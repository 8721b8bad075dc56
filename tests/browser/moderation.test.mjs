// Moderation as people do it: a supporter reports a comment that impersonates the
// organisation, with a reason and a note; the organisation's owner finds it among the
// reported comments and hides it with a reason; others see why it was removed, its author
// reads it still and appeals; the owner finds the appeal and restores it. Someone who
// moderates nothing is told so. Then a pest: a supporter blocks them (their comment folds
// away) and lets them back from the settings; the owner bans them from the comments and
// lifts it from the team's page; a platform moderator suspends them, and they read why.

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import {
    BASE_URL,
    api,
    assertNoPageErrors,
    checkAccessibility,
    grantAdmin,
    grantModerator,
    launch,
    newPage,
    provenAccount,
    screenshot,
    signIn,
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

test('a supporter reports a comment; the owner hides it; its author sees why and appeals; the owner restores it', async () => {
    const owner = await provenAccount('mod-owner', { displayName: 'Owner' });
    const troll = await provenAccount('mod-troll', { displayName: 'Radio Libre Official' });
    const fan = await provenAccount('mod-fan', { displayName: 'Fan' });
    const name = `Radio Libre ${Date.now().toString(36)}`;
    const created = await api(BASE_URL, 'POST', '/organisations', {
        token: owner.access_token,
        body: { name, mission: 'Community radio for the valley.' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const slug = created.body.slug;
    const update = await api(BASE_URL, 'POST', `/organisations/${slug}/updates`, {
        token: owner.access_token,
        body: { title: 'On air tonight', body: 'Tune in at eight.' },
    });
    assert.equal(update.status, 201, JSON.stringify(update.body));
    const scam = 'Send your gifts to my own account instead, we are the real radio';
    const comment = await api(BASE_URL, 'POST', `/updates/${update.body.id}/comments`, {
        token: troll.access_token,
        body: { body: scam },
    });
    assert.equal(comment.status, 201, JSON.stringify(comment.body));

    // The supporter, on a phone: Report, why, a note, sent.
    const reader = await newPage(browser, { phone: true });
    await signIn(reader, fan.email);
    await reader.goto(`${BASE_URL}/updates/${update.body.id}`);
    const theComment = reader.locator('.comment', { hasText: scam });
    await theComment.getByRole('button', { name: 'Report' }).click();
    await theComment.getByLabel('Why?').selectOption({ label: 'A scam or an impersonation' });
    await theComment.getByLabel('Anything to add (optional)').fill('Pretends to be the radio.');
    await checkAccessibility(reader, 'reporting a comment, on a phone');
    await theComment.getByRole('button', { name: 'Send the report' }).click();
    await theComment.getByText('Reported. Thank you.').waitFor();
    // Someone who moderates nothing is told so.
    await reader.goto(`${BASE_URL}/moderation`);
    await reader.getByText('Only moderators and the admins of an organisation').waitFor();
    await reader.close();

    // The owner: from the team's page to the reported comments; deleted, with a reason.
    const page = await newPage(browser);
    await signIn(page, owner.email);
    await page.goto(`${BASE_URL}/organisations/${slug}/admin`);
    await page.getByRole('link', { name: 'Reported comments' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reports to look at' }).waitFor();
    const item = page.locator('article.moderation-item', { hasText: scam });
    await item.getByText('Reported once').waitFor();
    await item.getByText('A scam or an impersonation').waitFor();
    await item.getByText('Pretends to be the radio.').waitFor();
    await item.getByText('By Radio Libre Official').waitFor();
    await screenshot(page, 'moderation');
    await checkAccessibility(page, 'the reported comments');
    // A reason is asked for before anything is done.
    await item.getByRole('button', { name: 'Hide it' }).click();
    await item.getByText('This field is required.').waitFor();
    const why = 'Impersonates the organisation to divert gifts.';
    await item.getByLabel('Why (kept in the log)').fill(why);
    await item.getByRole('button', { name: 'Hide it' }).click();
    await page.getByText('Nothing to look at.').waitFor();

    // Others see that it was removed, and why; not what it said.
    const other = await newPage(browser);
    await other.goto(`${BASE_URL}/updates/${update.body.id}`);
    await other.getByText(`Removed by the moderators: ${why}`).waitFor();
    assert.equal(await other.getByText(scam).count(), 0);
    await other.close();

    // Its author reads it still, with the reason, and appeals (once).
    const author = await newPage(browser, { phone: true });
    await signIn(author, troll.email);
    await author.goto(`${BASE_URL}/updates/${update.body.id}`);
    await author.getByText('The moderators removed your comment: others see only why.').waitFor();
    await author.getByText(scam).waitFor();
    await author.getByLabel('Why should it come back?').fill('I am their volunteer, ask them.');
    await checkAccessibility(author, 'a removed comment, for its author');
    await author.getByRole('button', { name: 'Appeal' }).click();
    await author.getByText('You appealed: the moderators will look again.').waitFor();
    await screenshot(author, 'comment-appealed');
    await author.close();

    // The owner finds the appeal first, and restores the comment.
    await page.reload();
    const appealed = page.locator('article.moderation-item', { hasText: scam });
    await appealed.getByText('Its author appeals: I am their volunteer, ask them.').waitFor();
    await appealed.getByLabel('Why (kept in the log)').fill('Confirmed: one of ours.');
    await appealed.getByRole('button', { name: 'Restore it' }).click();
    await page.getByText('Nothing to look at.').waitFor();
    const comments = await api(BASE_URL, 'GET', `/updates/${update.body.id}/comments`);
    assert.equal(comments.body.items[0].body, scam);
    assert.equal(comments.body.items[0].removed, null);
    await page.close();
});

test('a supporter blocks a pest, the owner bans them from the comments, a moderator suspends them', async () => {
    const owner = await provenAccount('pest-owner', { displayName: 'Owner' });
    const pest = await provenAccount('pest', { displayName: 'Pest' });
    const fan = await provenAccount('pest-fan', { displayName: 'Fan' });
    const moderator = await provenAccount('pest-moderator', { displayName: 'Moderator' });
    grantModerator(moderator.email);
    const created = await api(BASE_URL, 'POST', '/organisations', {
        token: owner.access_token,
        body: { name: `Choir ${Date.now().toString(36)}`, mission: 'Singing together.' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const slug = created.body.slug;
    const update = await api(BASE_URL, 'POST', `/organisations/${slug}/updates`, {
        token: owner.access_token,
        body: { title: 'Rehearsal moved', body: 'Thursday, not Wednesday.' },
    });
    assert.equal(update.status, 201, JSON.stringify(update.body));
    const rude = 'Nobody wants to hear your singing, stop it';
    const posted = await api(BASE_URL, 'POST', `/updates/${update.body.id}/comments`, {
        token: pest.access_token,
        body: { body: rude },
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));

    // The supporter, on a phone: Block; the comment folds away, and opens on demand.
    const reader = await newPage(browser, { phone: true });
    await signIn(reader, fan.email);
    await reader.goto(`${BASE_URL}/updates/${update.body.id}`);
    await reader.locator('.comment', { hasText: rude }).getByRole('button', { name: 'Block', exact: true }).click();
    const folded = reader.locator('details.comment-collapsed');
    await folded.getByText('A comment by someone you blocked').waitFor();
    assert.equal(await reader.getByText(rude).isVisible(), false);
    await folded.getByText('A comment by someone you blocked').click();
    await reader.getByText(rude).waitFor();
    // In the settings, and let back.
    await reader.goto(`${BASE_URL}/settings`);
    const blocks = reader.locator('section.card', { has: reader.getByRole('heading', { name: 'People you blocked' }) });
    await blocks.getByRole('button', { name: 'Unblock Pest' }).waitFor();
    await checkAccessibility(reader, 'the people one blocked, on a phone');
    await blocks.getByRole('button', { name: 'Unblock Pest' }).click();
    await blocks.getByText('You have blocked nobody.').waitFor();
    await reader.close();

    // The owner bans them from the comment, with a reason, and lifts it from the team's page.
    const page = await newPage(browser);
    await signIn(page, owner.email);
    await page.goto(`${BASE_URL}/updates/${update.body.id}`);
    const theirs = page.locator('.comment', { hasText: rude });
    await theirs.getByRole('button', { name: 'Ban from our comments' }).click();
    await theirs.getByRole('button', { name: 'Ban', exact: true }).click();
    await theirs.getByText('This field is required.').waitFor();
    await theirs.getByLabel('Why ban them (kept in the log)').fill('Insults the choir.');
    await checkAccessibility(page, 'banning from the comments');
    await theirs.getByRole('button', { name: 'Ban', exact: true }).click();
    await theirs.getByText('Banned from your comments.').waitFor();
    const refused = await api(BASE_URL, 'POST', `/updates/${update.body.id}/comments`, {
        token: pest.access_token,
        body: { body: 'Still here.' },
    });
    assert.equal(refused.body.code, 'banned_here');
    await page.goto(`${BASE_URL}/organisations/${slug}/admin`);
    const bans = page.locator('section.card', { has: page.getByRole('heading', { name: 'Banned from our comments' }) });
    await bans.getByText('Insults the choir.').waitFor();
    await bans.getByRole('button', { name: 'Lift the ban Pest' }).click();
    await bans.getByText('Nobody is banned.').waitFor();
    await page.close();

    // Reported as a person; a platform moderator suspends them for a week.
    const reported = await api(BASE_URL, 'POST', '/reports', {
        token: fan.access_token,
        body: { kind: 'user', id: pest.user.id, reason: 'harassment', note: 'Insults every choir.' },
    });
    assert.equal(reported.status, 202, JSON.stringify(reported.body));
    const desk = await newPage(browser);
    await signIn(desk, moderator.email);
    await desk.goto(`${BASE_URL}/moderation`);
    const item = desk.locator('article.moderation-item', { hasText: 'Insults every choir.' });
    await item.getByLabel('For how long').selectOption({ label: 'A week' });
    await item.getByLabel('Why (kept in the log)').fill('Harassment of several organisations.');
    await checkAccessibility(desk, 'suspending a person');
    await item.getByRole('button', { name: 'Suspend' }).click();
    await item.waitFor({ state: 'detached' });
    await desk.close();

    // The supporter who reported them is told, without the moderator's name.
    const told = await newPage(browser, { phone: true });
    await signIn(told, fan.email);
    await told.goto(`${BASE_URL}/notifications`);
    await told.getByText('The moderators acted on something you reported. Thank you.').waitFor();
    // The moderator's name ("Moderator", capitalised) is nowhere on the page.
    assert.ok(!(await told.locator('main').innerText()).includes('Moderator'));
    await told.close();

    // They sign in, read why and until when, and cannot comment.
    const them = await newPage(browser, { phone: true });
    await signIn(them, pest.email);
    const notice = them.locator('.notice-suspended');
    await notice.getByText('Your account is suspended').waitFor();
    await notice.getByText('Harassment of several organisations.').waitFor();
    await notice.getByText('You can still sign in, export your data and delete your account, nothing else.').waitFor();
    await screenshot(them, 'suspended');
    await them.goto(`${BASE_URL}/updates/${update.body.id}`);
    await them.getByLabel('Your comment').fill('Let me back.');
    await them.getByRole('button', { name: 'Comment', exact: true }).click();
    await them.getByText('Your account is suspended: this is not possible for now.').waitFor();
    await them.close();

    // The moderator closes the update's comments: readers are told, and find no form.
    const locked = await api(BASE_URL, 'POST', `/moderation/reports/update/${update.body.id}`, {
        token: moderator.access_token,
        body: { action: 'lock', reason: 'The thread turned into a pile-on.' },
    });
    assert.equal(locked.status, 204, JSON.stringify(locked.body));
    const closed = await newPage(browser, { phone: true });
    await signIn(closed, fan.email);
    await closed.goto(`${BASE_URL}/updates/${update.body.id}`);
    await closed.getByText('The moderators closed the comments of this update.').waitFor();
    assert.equal(await closed.getByLabel('Your comment').count(), 0);
    assert.equal(await closed.getByRole('button', { name: 'Reply' }).count(), 0);
    await closed.close();

    // A platform administrator reads every decision in the log, and may download it.
    const chief = await provenAccount('pest-chief', { displayName: 'Chief' });
    grantAdmin(chief.email);
    const audit = await newPage(browser);
    await signIn(audit, chief.email);
    await audit.goto(`${BASE_URL}/moderation`);
    await audit.getByRole('link', { name: 'The log of decisions' }).click();
    await audit.getByRole('heading', { level: 1, name: 'Moderation log' }).waitFor();
    const suspended = audit.locator('.log li', { hasText: 'Harassment of several organisations.' });
    await suspended.getByText('Suspended').waitFor();
    await suspended.getByText('Moderator').waitFor();
    await audit.locator('.log li', { hasText: 'Insults the choir.' }).getByText('Banned from an organisation’s comments').waitFor();
    await audit.locator('.log li', { hasText: 'Ban lifted by the organisation.' }).getByText('Ban lifted', { exact: true }).waitFor();
    const download = audit.getByRole('link', { name: 'Download the whole log (CSV)' });
    assert.equal(await download.getAttribute('download'), 'moderation-log.csv');
    await checkAccessibility(audit, 'the moderation log');
    await screenshot(audit, 'moderation-log');
    await audit.close();
});
