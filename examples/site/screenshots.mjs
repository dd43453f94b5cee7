// The built site in Debian's Chromium (driven by playwright-core): a full-page screenshot
// of each given page into tests/e2e/screenshots/site-<name>.png, and a sign-up sent
// through the home page's form to the API (another origin: the API must allow it).
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync, mkdirSync } from 'node:fs';
import { join, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const OUT = fileURLToPath(new URL('../../tests/e2e/screenshots/', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.png': 'image/png', '.svg': 'image/svg+xml' };

/** A static server for the built folder: `/x/` and `/x` serve `/x/index.html`. */
function serve(root, port) {
  const server = createServer((req, res) => {
    let file = resolve(root, `.${decodeURIComponent(new URL(req.url, 'http://x').pathname)}`);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(resolve(root)) || !existsSync(file)) {
      res.writeHead(404).end('niet gevonden');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(port, '127.0.0.1', () => res(server));
  });
}

/** Fills in and sends the sign-up form as a visitor would; the thanks message must follow. */
async function signUp(page, problem) {
  const question = page.locator('[data-question]');
  try {
    await page.waitForFunction(() => /\d+\s*\+\s*\d+/.test(document.querySelector('[data-question]')?.textContent), null, { timeout: 10_000 });
  } catch {
    problem(`home: the sign-up form shows no question ("${await question.textContent()}"); is the site's origin in --cors-origins?`);
    return;
  }
  const [a, b] = (await question.textContent()).match(/\d+/g).map(Number);
  await page.fill('[name=name]', 'Sanne de Boer');
  await page.fill('[name=email]', 'sanne@example.nl');
  await page.fill('[name=organisation]', 'Basisschool De Linde');
  await page.selectOption('[name=sector]', 'onderwijs');
  await page.selectOption('[name=role]', 'verbinder');
  await page.fill('[name=contribution]', 'Ik breng scholen en de wijk met elkaar in gesprek.');
  await page.check('[name=consent]');
  await page.fill('[name=challenge_answer]', String(a + b));
  await page.click('form[data-signup] button[type=submit]');
  try {
    await page.locator('.form-thanks').waitFor({ timeout: 10_000 });
  } catch {
    problem(`home: the sign-up was not accepted: "${await page.locator('[data-status]').textContent()}"`);
  }
}

export async function screenshots({ siteDir, port, pages, problem }) {
  mkdirSync(OUT, { recursive: true });
  const server = await serve(siteDir, port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    for (const [name, path] of pages) {
      const res = await page.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: 'load' });
      if (res.status() !== 200) problem(`${path}: the static server answers ${res.status()}`);
      if (name === 'home') {
        await page.waitForFunction(() => /\d/.test(document.querySelector('[data-question]')?.textContent), null, { timeout: 10_000 }).catch(() => {});
      }
      await page.screenshot({ path: join(OUT, `site-${name}.png`), fullPage: true });
      if (name === 'home') await signUp(page, problem);
    }
    for (const e of errors) problem(`browser: ${e}`);
    console.log(`screenshots: ${pages.map(([n]) => `site-${n}.png`).join(', ')} in ${OUT}`);
  } finally {
    await browser.close();
    server.close();
  }
}
