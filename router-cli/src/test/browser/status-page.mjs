// Drives serve's status page in headless Debian Chromium (playwright-core, no downloaded browser).
// Usage: node status-page.mjs <base url> <out dir>; the master key comes in the LLM_ROUTER_TEST_KEY
// variable (never on a command line). Steps, each checked:
//   1. /ui shows the login form; the key typed there is accepted and the groups appear.
//   2. every deployment is available; the evil group name shows as text, not markup.
//   3. the chat group's first deployment is exhausted at the simulator (requests sent from here, over HTTP);
//      the page, not reloaded, shows it cooling within a few refreshes.
//   4. screenshots (desktop and phone widths) land in <out dir>.
// Prints one JSON line with what it saw; exits 1 on the first failed check.
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [base, outDir] = process.argv.slice(2);
const key = process.env.LLM_ROUTER_TEST_KEY;
if (!base || !outDir || !key) {
  console.error('usage: LLM_ROUTER_TEST_KEY=... node status-page.mjs <base url> <out dir>');
  process.exit(2);
}
const seen = { consoleErrors: [], requests: [] };
const fail = (msg) => { throw new Error(msg); };

async function chat(model) {
  const r = await fetch(base + '/v1/chat/completions', {
    method: 'POST',
    headers: { 'authorization': 'Bearer ' + key, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello from the browser test' }] }),
  });
  const body = await r.json();
  seen.requests.push({ status: r.status, deployment: r.headers.get('x-llm-router-deployment') });
  return r.status;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
let code = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => seen.consoleErrors.push(String(e)));
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });

  await page.goto(base + '/ui');
  await page.waitForSelector('#login:not([hidden])', { timeout: 10000 });
  await page.fill('#key', 'not-the-key');
  await page.click('#login button[type=submit]');
  await page.waitForFunction(() => document.getElementById('login-error').textContent.length > 0, null, { timeout: 10000 });
  seen.wrongKeyMessage = await page.textContent('#login-error');
  await page.fill('#key', key);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('[data-deployment="groq-tiny"]', { timeout: 10000 });
  if (!(await page.isHidden('#login'))) fail('the login form is still shown after a good key');

  seen.initialState = await page.getAttribute('[data-deployment="groq-tiny"]', 'data-state');
  if (seen.initialState !== 'available') fail('groq-tiny should start available, is ' + seen.initialState);
  seen.groups = await page.$$eval('section.group h2', (hs) => hs.map((h) => h.textContent));
  const evil = await page.$eval('section.group[data-group="<b>evil</b>"] h2', (h) => ({ text: h.textContent, tags: h.querySelectorAll('*').length }));
  if (evil.text !== '<b>evil</b>' || evil.tags !== 0) fail('the group name was not shown as plain text: ' + JSON.stringify(evil));
  const firstAt = await page.getAttribute('#updated', 'data-at');
  // A marker that a reload would wipe.
  await page.evaluate(() => { window.__noReload = true; });

  // The simulator takes 2 requests a minute on groq's e2e/tiny: the third meets its 429 and groq-tiny cools.
  for (let i = 0; i < 3; i++) await chat('chat');
  await page.waitForSelector('[data-deployment="groq-tiny"][data-state="cooling"]', { timeout: 15000 });
  seen.coolingText = await page.textContent('[data-deployment="groq-tiny"]');
  seen.stillSamePage = await page.evaluate(() => window.__noReload === true);
  seen.navigations = navigations;
  seen.updatedAt = await page.getAttribute('#updated', 'data-at');
  if (!seen.stillSamePage || navigations !== 1) fail('the page reloaded instead of updating in place');
  if (seen.updatedAt === firstAt) fail('the snapshot time did not move');
  if (!/cooling until/.test(seen.coolingText) || !/RateLimitedException/.test(seen.coolingText)) {
    fail('the cooling row lacks its deadline or reason: ' + seen.coolingText);
  }
  seen.backupState = await page.getAttribute('[data-deployment="or-tiny"]', 'data-state');
  if (seen.backupState !== 'available') fail('or-tiny should stay available, is ' + seen.backupState);
  seen.url = page.url();
  if (seen.url.includes(key)) fail('the key is in the URL');
  seen.storedInSession = await page.evaluate(() => Object.keys(sessionStorage));

  await page.screenshot({ path: join(outDir, 'status-page.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  seen.phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  await page.screenshot({ path: join(outDir, 'status-page-phone.png'), fullPage: true });
  if (seen.phoneOverflow) fail('the page is wider than a phone screen');
  const csp = seen.consoleErrors.filter((e) => /Content Security Policy/i.test(e));
  if (csp.length) fail('CSP violations: ' + csp.join(' | '));
  const errors = seen.consoleErrors.filter((e) => !/401/.test(e));
  if (errors.length) fail('console errors: ' + errors.join(' | '));
} catch (e) {
  seen.failure = String(e && e.message || e);
  code = 1;
} finally {
  await browser.close();
}
writeFileSync(join(outDir, 'status-page-result.json'), JSON.stringify(seen, null, 2));
console.log(JSON.stringify(seen));
process.exit(code);
