// Checks the built site against the running CMS: the seed texts in order on the home and
// manifest pages, every internal link built, every file link answered, and the pages in
// Chromium (screenshots, the sign-up form working across origins).
// Usage: node check.mjs <built site folder> <API base URL> <port to serve the site on>
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { htmlText, missingInOrder, decodeEntities } from './lib/text.js';
import { sitePath } from './lib/filters.js';
import { screenshots } from './screenshots.mjs';

const [siteDir, api, sitePort] = process.argv.slice(2);
if (!siteDir || !api || !sitePort) {
  console.error('usage: node check.mjs <built site folder> <API base URL> <site port>');
  process.exit(2);
}

// Page chrome of the original site that is not content: its share button, the label of
// its breadcrumb, and the sign-up question, made per visitor (the form is checked instead).
const CHROME = ['Delen', 'U bent hier', '13 + 3 ='];
const SEEDS = { home: 'seeds/000_5f3c0fc1c93de47b.txt', manifest: 'seeds/002_b734d481d63a6ab5.txt' };

const problems = [];
const problem = (text) => problems.push(text);

async function get(path) {
  const res = await fetch(api + path);
  if (!res.ok) throw new Error(`GET ${api}${path}: ${res.status}`);
  return res.json();
}

/** The site path of the first published item of a kind in the given order, or null. */
async function first(kind, sort = '-published_at') {
  const { items } = await get(`/api/v1/content?kind=${kind}&sort=${sort}&limit=1`);
  return items[0] ? sitePath(items[0].url) : null;
}

/** The built file a site path is served from, or null. */
function built(path) {
  const file = join(siteDir, decodeURIComponent(path));
  if (existsSync(file) && statSync(file).isFile()) return file;
  const index = join(file, 'index.html');
  return existsSync(index) ? index : null;
}

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return htmlFiles(p);
    return e.name.endsWith('.html') ? [p] : [];
  });
}

// 1. The seed texts, line by line, in order.
function seedOnPage(seedFile, path) {
  const file = path && built(path);
  if (!file) return problem(`${seedFile}: no built page at ${path}`);
  const page = htmlText(readFileSync(file, 'utf8'));
  for (const m of missingInOrder(readFileSync(seedFile, 'utf8'), page, CHROME)) {
    const where = m.elsewhere ? 'on the page, but not after the line before it' : 'not on the page';
    problem(`${path}: ${seedFile} line ${m.line} ${where}: "${m.text}"`);
  }
}
/** The first page of the navigation that has pages under it (else the first), or null. */
async function navigationPage() {
  const { navigation } = await get('/api/v1/site');
  const page = navigation.find((n) => n.children.length) || navigation[0];
  return page ? sitePath(page.url) : null;
}
const pages = {
  home: '/',
  manifest: await first('manifest'),
  news: await first('news'),
  location: await first('location', 'position'),
  page: await navigationPage(),
};
seedOnPage(SEEDS.home, pages.home);
seedOnPage(SEEDS.manifest, pages.manifest);

// The sign-up form stands in for the question it shows.
const home = readFileSync(join(siteDir, 'index.html'), 'utf8');
for (const [what, re] of [
  ['a sign-up form', /<form\b[^>]*\bdata-signup\b/],
  ['the answer field', /<input\b[^>]*\bname="challenge_answer"/],
  ['the challenge token', /<input\b[^>]*\bname="challenge_token"/],
  ['the honeypot field "website"', /<input\b[^>]*\bname="website"/],
  ['the consent checkbox', /<input\b[^>]*\bname="consent"[^>]*type="checkbox"/],
  ['the form script', /<script\b[^>]*src="\/assets\/aanmelden\.js"/],
]) {
  if (!re.test(home)) problem(`index.html: ${what} is missing`);
}

// 2. Links: internal ones to built pages, file links to answers of the server.
const files = new Map();
for (const file of htmlFiles(siteDir)) {
  const name = relative(siteDir, file);
  const html = readFileSync(file, 'utf8');
  for (const [, attr, raw] of html.matchAll(/\b(href|src)="([^"]*)"/g)) {
    const url = decodeEntities(raw);
    if (url.startsWith('/api/')) {
      problem(`${name}: ${attr}="${url}" points into the API but is relative to the site`);
    } else if (url.startsWith('/') && !url.startsWith('//')) {
      const path = url.replace(/[?#].*$/, '');
      if (!built(path)) problem(`${name}: ${attr}="${url}" has no built page or file`);
    } else if (url.includes('/api/v1/files/')) {
      if (!files.has(url)) files.set(url, name);
    }
  }
}
for (const [url, name] of files) {
  const res = await fetch(url).catch((e) => ({ status: e.message }));
  if (res.status !== 200) problem(`${name}: file link ${url} answers ${res.status}`);
  await res.body?.cancel();
}
console.log(`site: ${htmlFiles(siteDir).length} pages, ${files.size} file links checked`);

// 3. In Chromium: screenshots, and the sign-up form against the API.
const shots = Object.entries(pages).filter(([, path]) => path);
for (const [kind, path] of Object.entries(pages)) if (!path) problem(`no published ${kind} to show`);
await screenshots({ siteDir, port: Number(sitePort), pages: shots, problem });

if (problems.length) {
  console.error(`site check: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`- ${p}`);
  process.exit(1);
}
console.log('site check: seed texts in order, links and files resolve, sign-up form works');
