// The comparison of pages with the seed texts, checked on the seeds themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { htmlText, missingInOrder, normalise, unnumbered } from './text.js';

const seeds = new URL('../seeds/', import.meta.url);
const seedTexts = readdirSync(seeds).filter((f) => f.endsWith('.txt'));

test('only letters and digits count', () => {
  assert.equal(normalise(' • Integraal +'), 'integraal');
  assert.equal(normalise('Koplopers | die kansen zien'), 'koplopersdiekansenzien');
  assert.equal(normalise('► Video bekijken'), 'videobekijken');
  assert.equal(normalise('Initiatiefnemer – Stichting Campus010'), 'initiatiefnemerstichtingcampus010');
  assert.equal(normalise('‘living-lab’; creëert…'), 'livinglabcreëert');
  assert.equal(normalise(' 1. draagt bij'), '1draagtbij');
  assert.equal(normalise('\u00a0'), '');
});

test('list numbers are not text, footnote labels and dates are', () => {
  assert.equal(unnumbered(' 1. draagt bij'), 'draagt bij');
  assert.equal(unnumbered('2) creëert'), 'creëert');
  assert.equal(unnumbered('1 Inspectie van Onderwijs'), '1 Inspectie van Onderwijs');
  assert.equal(unnumbered('24 sept 2020 - Vandaag'), '24 sept 2020 - Vandaag');
  assert.deepEqual(missingInOrder(' 1. draagt bij\n 2. creëert', '<ol><li>draagt bij</li><li>creëert</li></ol>'), []);
});

test('HTML reads as its text', () => {
  const html = '<html><head><title>x</title></head><body><h1>Caf&eacute; &amp; co</h1>'
    + '<script>var a = "geheim";</script><p>geworden<sup><a href="#bron-1">1</a></sup>.'
    + ' &#8216;a&#x2019;</p></body></html>';
  const text = htmlText(html);
  assert.match(text, /geworden\s*1\s*\./);
  assert.doesNotMatch(text, /geheim|title/);
  assert.match(text, /‘a’/);
});

for (const file of seedTexts) {
  const seed = readFileSync(new URL(file, seeds), 'utf8');

  test(`${file} is found in itself, as HTML too`, () => {
    assert.deepEqual(missingInOrder(seed, seed), []);
    const html = `<body>${seed.split('\n').map((l) => `<p>${l.replace(/&/g, '&amp;')}</p>`).join('')}</body>`;
    assert.deepEqual(missingInOrder(seed, htmlText(html)), []);
  });

  test(`${file}: a dropped line and two swapped lines are named`, () => {
    const lines = seed.split('\n');
    const idx = lines.map((l, i) => [l, i]).filter(([l]) => normalise(l).length > 40).map(([, i]) => i);
    const [a, b, c] = [idx[1], idx[2], idx[3]];
    const page = lines.filter((_, i) => i !== a);
    [page[b - 1], page[c - 1]] = [page[c - 1], page[b - 1]];
    const missing = missingInOrder(seed, page.join('\n'));
    assert.equal(missing.length, 2);
    assert.deepEqual(missing[0], { line: a + 1, text: lines[a].trim(), elsewhere: false });
    assert.ok([b + 1, c + 1].includes(missing[1].line));
    assert.equal(missing[1].elsewhere, true);
  });

  test(`${file}: one line far too early leaves the others in order`, () => {
    const lines = seed.split('\n');
    const late = lines.findLastIndex((l) => normalise(l).length > 40);
    const page = [lines[late], ...lines.slice(0, late), ...lines.slice(late + 1)];
    const missing = missingInOrder(seed, page.join('\n'));
    assert.deepEqual(missing.map((m) => [m.line, m.elsewhere]), [[late + 1, true]]);
  });

  test(`${file}: page chrome can be skipped`, () => {
    assert.deepEqual(missingInOrder(seed, '', seed.split('\n')), []);
  });
}
