// Drives the generated reference page in headless Chromium (Debian's, through playwright-core)
// and checks what a support agent does with it. Run by tests/browser.rs, which computes the
// expectations from the library's tables and passes them as a JSON spec file:
//
//   node check.mjs SPEC.json
//
// SPEC: { html, chromium, screenshots, term, provider, expectSearch: [anchor], expectProvider:
// [anchor], deepLink: anchor, deepLinkProvider, deepLinkSurface, fragment: "#...", frenchTerm,
// expectFrench: [anchor], providerSurfaces: [surface], developerWords: [word] }. Prints one JSON report on stdout; on a failed
// check it saves a screenshot in SPEC.screenshots, prints the failure on stderr and exits 1.

import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const url = pathToFileURL(spec.html).href;
const profile = mkdtempSync(join(tmpdir(), 'psp-status-chromium-'));
mkdirSync(spec.screenshots, { recursive: true });

const report = { checks: [], requests: [], errors: [] };
let page;
let step = 'launch';

class CheckFailed extends Error {}

function check(name, ok, detail) {
  report.checks.push(name);
  if (!ok) {
    throw new CheckFailed(`${name}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
  }
}

// What differs between the entries shown and the entries expected.
function diff(shown, expected) {
  return {
    shown: shown.length,
    expected: expected.length,
    unexpected: shown.filter((x) => !expected.includes(x)).slice(0, 10),
    missing: expected.filter((x) => !shown.includes(x)).slice(0, 10),
  };
}

function sameSet(a, b) {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

// The ids of the entry articles the page shows (rendered: not hidden, has a layout box).
const visibleEntries = () =>
  page.$$eval('article.entry', (els) =>
    els.filter((e) => e.getClientRects().length > 0).map((e) => e.id));

async function deepLinkState(anchor) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return { found: false };
    const r = el.getBoundingClientRect();
    // Seen: the point a third of the way down the entry is the entry's own (not under the
    // sticky header, not off screen).
    const y = r.top + Math.min(r.height, window.innerHeight) / 3;
    const hit = document.elementFromPoint(r.left + 20, y);
    return {
      found: true,
      visible: el.getClientRects().length > 0,
      inViewport: r.top >= 0 && r.top < window.innerHeight && !!hit && el.contains(hit),
      highlighted: el.classList.contains('hl') && el.matches(':target'),
      outline: getComputedStyle(el).outlineStyle,
    };
  }, anchor);
}

// A guard against a hung browser, not a speed check: on a loaded 2-core machine the whole run
// (1,200+ entries, several page loads) takes over 90 s, so the limit is generous.
const watchdog = setTimeout(async () => {
  console.error(`timed out at step "${step}"`);
  if (page) await page.screenshot({ path: join(spec.screenshots, 'timeout.png'), fullPage: false }).catch(() => {});
  process.exit(1);
}, 300_000);

let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: spec.chromium,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // The page must fetch nothing: record (and refuse) every request that is not the file itself.
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:')) return route.continue();
    report.requests.push(u);
    return route.abort();
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => report.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') report.errors.push(m.text()); });

  step = 'load';
  await page.goto(url);
  await page.waitForSelector('#controls:not([hidden])');
  const all = await page.$$eval('article.entry', (els) => els.map((e) => e.id));
  report.total = all.length;
  check('all entries visible at first', sameSet(await visibleEntries(), all), 'some entries hidden');

  step = 'intro on a desktop screen';
  const intro = await page.evaluate(() => {
    const el = document.querySelector('.lede');
    const r = el.getBoundingClientRect();
    return { shown: el.getClientRects().length > 0, top: r.top, bottom: r.bottom, text: el.innerText };
  });
  check('the intro (what the page is, what UNMAPPED means) is visible on a desktop screen',
    intro.shown && intro.top >= 0 && intro.bottom <= 800 && intro.text.includes('UNMAPPED'), intro);

  step = 'developer words';
  const bodyText = await page.evaluate(() => document.body.innerText);
  const jargon = spec.developerWords.filter((w) => bodyText.includes(w));
  check('an agent reads no developer words (retry wire names, file paths, precedence)',
    jargon.length === 0, jargon);

  step = 'French search';
  await page.fill('#q', spec.frenchTerm);
  const afterFrench = await visibleEntries();
  report.afterFrench = afterFrench.length;
  check(`typing "${spec.frenchTerm}" finds the French customer messages`, sameSet(afterFrench, spec.expectFrench),
    diff(afterFrench, spec.expectFrench));
  await page.fill('#q', spec.frenchTerm.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
  check('the search ignores accents', sameSet(await visibleEntries(), spec.expectFrench),
    diff(await visibleEntries(), spec.expectFrench));
  await page.fill('#q', '');

  step = 'slash focuses search';
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  check('"/" focuses the search box',
    await page.evaluate(() => document.activeElement && document.activeElement.id === 'q'),
    'focus is elsewhere');

  step = 'search';
  await page.keyboard.type(spec.term, { delay: 15 });
  const afterSearch = await visibleEntries();
  report.afterSearch = afterSearch.length;
  check(`typing "${spec.term}" leaves only the matching entries`, sameSet(afterSearch, spec.expectSearch),
    diff(afterSearch, spec.expectSearch));
  const countText = await page.textContent('#count');
  check('the count says how many match', countText.startsWith(`${spec.expectSearch.length} of ${all.length}`), countText);

  step = 'provider filter';
  await page.selectOption('#f-provider', spec.provider);
  const afterProvider = await visibleEntries();
  report.afterProvider = afterProvider.length;
  check(`the provider filter narrows to ${spec.provider}`, sameSet(afterProvider, spec.expectProvider),
    diff(afterProvider, spec.expectProvider));
  const surfaceOptions = await page.$$eval('#f-surface option', (os) =>
    os.filter((o) => o.value && !o.hidden && !o.disabled).map((o) => o.value));
  check(`the surface filter offers only ${spec.provider}'s surfaces`, sameSet(surfaceOptions, spec.providerSurfaces),
    diff(surfaceOptions, spec.providerSurfaces));

  step = 'language switch';
  await page.click('label[for="lang-fr"]');
  const langs = await page.evaluate((id) => {
    const el = document.getElementById(id);
    const shown = (l) => el.querySelector(`.msg[lang="${l}"]`).getClientRects().length > 0;
    return { en: shown('en'), fr: shown('fr') };
  }, spec.expectProvider[0]);
  check('the French switch shows the French customer message only', !langs.en && langs.fr, langs);
  await page.click('label[for="lang-en"]');

  step = 'deep link (hash change while filtered)';
  await page.evaluate((f) => { location.hash = f; }, spec.fragment);
  await page.waitForFunction((id) => document.getElementById(id)?.classList.contains('hl'), spec.deepLink);
  const linked = await deepLinkState(spec.deepLink);
  report.deepLink = linked;
  check('a deep link to a filtered-out entry shows, scrolls to and highlights it',
    linked.found && linked.visible && linked.inViewport && linked.highlighted && linked.outline !== 'none', linked);
  const card = await page.evaluate((id) => document.getElementById(id).innerText, spec.deepLink);
  check('the deep-linked card names its provider and surface',
    card.includes(spec.deepLinkProvider) && card.includes(spec.deepLinkSurface), card.slice(0, 200));

  step = 'deep link (fresh page)';
  const fresh = await context.newPage();
  page = fresh;
  await page.goto(url + spec.fragment);
  await page.waitForFunction((id) => document.getElementById(id)?.classList.contains('hl'), spec.deepLink);
  const opened = await deepLinkState(spec.deepLink);
  check('opening a deep link scrolls to and highlights its entry',
    opened.visible && opened.inViewport && opened.highlighted, opened);
  await page.click('label[for="lang-fr"]');
  const switched = await deepLinkState(spec.deepLink);
  check('switching the language keeps the linked entry in view', switched.inViewport, switched);

  step = 'narrow screens';
  for (const width of [320, 375, 768]) {
    await page.setViewportSize({ width, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(`no horizontal scrolling at ${width} px`, overflow <= 0, `${overflow}px too wide`);
  }
  await page.setViewportSize({ width: 375, height: 800 });
  const states = await page.evaluate(() => {
    const t = document.getElementById('states').nextElementSibling;
    const r = t.getBoundingClientRect();
    return { right: r.right, width: window.innerWidth, scroll: t.scrollWidth - t.clientWidth };
  });
  check('the States table fits a 375 px screen', states.right <= states.width && states.scroll <= 0, states);

  step = 'without JavaScript';
  page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
  await page.goto(url);
  const noJs = await page.evaluate(() => ({
    ran: !document.getElementById('controls').hidden,
    entries: [...document.querySelectorAll('article.entry')].filter((e) => e.getClientRects().length > 0).length,
  }));
  check('without JavaScript every entry is on the page (and no script ran)',
    !noJs.ran && noJs.entries === all.length, noJs);
  await page.click('label[for="lang-fr"]');
  const cssLang = await page.evaluate(() => {
    const el = document.querySelector('article.entry');
    const shown = (l) => el.querySelector(`.msg[lang="${l}"]`).getClientRects().length > 0;
    return { en: shown('en'), fr: shown('fr') };
  });
  check('without JavaScript the language switch still works (CSS only)', !cssLang.en && cssLang.fr, cssLang);

  step = 'network';
  check('the page made no request', report.requests.length === 0, report.requests);
  check('the page logged no error', report.errors.length === 0, report.errors);

  console.log(JSON.stringify(report));
  clearTimeout(watchdog);
  await context.close();
  rmSync(profile, { recursive: true, force: true });
} catch (e) {
  const shot = join(spec.screenshots, 'failure.png');
  if (page) await page.screenshot({ path: shot, fullPage: false }).catch(() => {});
  console.error(`step "${step}": ${e instanceof CheckFailed ? e.message : e.stack || e}`);
  console.error(`screenshot: ${shot}`);
  console.log(JSON.stringify(report));
  clearTimeout(watchdog);
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  process.exit(1);
}
