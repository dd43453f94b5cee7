// What the end-to-end tests share: the real binary on a fresh data folder, Debian's
// Chromium, signing in, the admin API from inside a page, and checks of what a person sees.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
export const shots = join(here, 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const launch = () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

function binary() {
  if (process.env.OA_CMS_BIN) return process.env.OA_CMS_BIN;
  for (const profile of ['debug', 'release']) {
    const p = join(root, 'target', profile, 'oa-cms');
    if (existsSync(p)) return p;
  }
  throw new Error('no oa-cms binary: run `cargo build` first');
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Starts `oa-cms serve` and reads the first admin's e-mail and password from its output. */
export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'oa-cms-e2e-'));
  const port = await freePort();
  const child = spawn(binary(), ['serve', '--data-dir', dataDir, '--bind', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Webhook receivers in the tests listen on loopback.
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn', WEBHOOK_ALLOW_HOSTS: '127.0.0.1' },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  const creds = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server printed no password in 60 s:\n${out}\n${err}`)), 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      const email = /E-mail:\s*(\S+)/.exec(out);
      const password = /Password:\s*(\S+)/.exec(out);
      if (email && password) {
        clearTimeout(timer);
        res({ email: email[1], password: password[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, base, dataDir, ...creds };
}

/** Signs in on the login screen and waits for the menu. */
export async function login(p, server, email = server.email, password = server.password) {
  await p.goto(`${server.base}/admin`);
  await p.waitForURL(/\/admin\/inloggen/);
  await p.getByLabel('E-mailadres').fill(email);
  await p.getByLabel('Wachtwoord').fill(password);
  await p.getByRole('button', { name: 'Inloggen' }).click();
  await p.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
}

/** A request to the admin API from inside the page, with its session cookie. */
export const send = (p, method, path, body, etag) =>
  p.evaluate(
    async ([m, u, b, e]) => {
      const r = await fetch(u, {
        method: m,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...(e ? { 'If-Match': e } : {}) },
        body: b === null ? undefined : JSON.stringify(b),
      });
      return { status: r.status, etag: r.headers.get('etag'), body: await r.json().catch(() => null) };
    },
    [method, path, body ?? null, etag ?? null],
  );

/** A sign-up through the public form's API (answering its sum). */
export async function signUp(server, person) {
  const ch = await (await fetch(`${server.base}/api/v1/memberships/challenge`, { method: 'POST' })).json();
  const [, a, op, b] = /(\d+)\s*([+\-x×*])\s*(\d+)/.exec(ch.question);
  const answer = op === '+' ? +a + +b : op === '-' ? a - b : a * b;
  const r = await fetch(`${server.base}/api/v1/memberships`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      sector: 'onderwijs',
      role: 'verbinder',
      contribution: 'Ik verbind scholen in de regio.',
      consent: true,
      ...person,
      challenge_token: ch.token,
      challenge_answer: answer,
    }),
  });
  assert.equal(r.status, 202, await r.text());
}

/**
 * Asserts that a person can see and click the element: scrolled into view, the middle of
 * each edge (a little inside) and its centre hit the element itself, not something on top of it,
 * and it is not cut off by a parent.
 */
export async function assertUncovered(locator, what) {
  await locator.scrollIntoViewIfNeeded();
  const misses = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const inset = Math.min(2, r.width / 4, r.height / 4);
    const [cx, cy] = [r.left + r.width / 2, r.top + r.height / 2];
    // The middle of each edge (a rounded corner is not part of the element).
    const points = [
      [cx, cy],
      [r.left + inset, cy],
      [r.right - inset, cy],
      [cx, r.top + inset],
      [cx, r.bottom - inset],
    ];
    return points
      .map(([x, y]) => {
        const hit = document.elementFromPoint(x, y);
        if (hit && (hit === el || el.contains(hit))) return null;
        return `(${Math.round(x)}, ${Math.round(y)}) hits ${hit ? `${hit.tagName.toLowerCase()}.${hit.className}` : 'nothing'}`;
      })
      .filter(Boolean);
  });
  assert.deepEqual(misses, [], `${what} is covered or cut off: ${misses.join('; ')}`);
}

/** Nothing on the page is wider than the window. */
export async function assertFitsWidth(p) {
  const { scroll, client } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `the page is ${scroll} px wide in a ${client} px window`);
}
