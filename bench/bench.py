#!/usr/bin/env python3
"""The delivery benchmark: seeds N published items, drives each case with wrk against the
release binary, and reports req/s, latency, the ratio to a trivial actix-web ceiling
measured in the same run, and the server's memory. Run it through bench/run.sh, which
builds the binaries first."""

import argparse
import datetime
import json
import os
import random
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import report
import hashlib
import hmac
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = pathlib.Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RELEASE = ROOT / "target" / "release"
SERVER = RELEASE / "oa-cms"
CEILING = RELEASE / "examples" / "ceiling"
SEED = RELEASE / "examples" / "bench_seed"
WRITERS = RELEASE / "examples" / "bench_writers"
LUA = BENCH / "wrk" / "cases.lua"
# Public reads measured a second time on a server with PUBLIC_CACHE_MB=0.
DB_PATH_CASES = ("item", "item_304", "list", "list_filtered", "deep_cursor", "search", "site",
                 "item_refs", "sync")
EMAIL = "benchmark-admin@onderwijsalliantie.local"
PASSWORD = "bench-wachtwoord-2026"
# Environment every benchmarked oa-cms server gets on top of the caller's (completed in
# main). No load balancer watches it, so it stops without draining.
SERVER_ENV = {"DRAIN_SECONDS": "0", "WEBHOOK_ALLOW_HOSTS": "127.0.0.1"}
# The webhook case: publishes in a row, then how long deliveries may take after the last.
WEBHOOK_PUBLISHES = 1000
WEBHOOK_MAX_LAG_S = 10


def log(msg):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None):
    """One request; returns (status, headers, body bytes). A dict body is sent as JSON,
    bytes as they are (with the caller's Content-Type)."""
    if isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and not req.has_header("Content-type"):
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def memory(pid):
    """(VmRSS, VmHWM) in MB of a running process."""
    out = {}
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out.get("VmRSS", 0.0), out.get("VmHWM", 0.0)


class Server:
    """A process listening on a port, started and waited for."""

    def __init__(self, argv, port, env=None, log_path=None):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(log_path or os.devnull, "ab")
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            env={**os.environ, **(env or {})})
        self.startup_s = self.wait_ready(started)

    def wait_ready(self, started, path="/"):
        deadline = started + 120
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode}; see its log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    pass
                status, _, _ = http("GET", self.base + path)
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.005)
        raise SystemExit("server did not answer within 120 s")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class AppServer(Server):
    def __init__(self, db, port, workers, log_path, env=None):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(log_path, "ab")
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(SERVER), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             *db.args()],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            env={**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, **SERVER_ENV,
                 **(env or {})})
        self.startup_s = self.wait_ready(started, "/health")


class Dataset:
    """One database of N items on one backend."""

    def __init__(self, backend, items, work, pg_url=None, fresh=False):
        self.backend, self.items, self.fresh = backend, items, fresh
        self.dir = work / f"{backend}-{items}"
        if fresh and self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        if backend == "sqlite":
            self.url = str(self.dir / "cms.db")
        else:
            parts = urllib.parse.urlsplit(pg_url)
            self.admin_url = pg_url
            self.url = urllib.parse.urlunsplit(parts._replace(path=f"/oa_bench_{items}"))

    def args(self):
        return ["--data-dir", str(self.dir), "--database-url", self.url]

    def seed(self):
        log(f"{self.backend} {self.items}: seeding")
        argv = [str(SEED), "--database-url", self.url, "--data-dir", str(self.dir),
                "--items", str(self.items), "--manifest", str(self.dir / "manifest.json")]
        if self.backend == "postgres":
            argv += ["--create-from", self.admin_url] + (["--fresh"] if self.fresh else [])
        started = time.perf_counter()
        subprocess.run(argv, check=True)
        self.seed_s = time.perf_counter() - started
        subprocess.run([str(SERVER), "user", "add", "--email", EMAIL, "--role", "admin",
                        *self.args()], input=PASSWORD.encode(), capture_output=True,
                       check=False)
        return json.loads((self.dir / "manifest.json").read_text())


def bearer_token(base, role="editor"):
    """Signs the benchmark admin in and makes an API token with `role`, as a build server
    would."""
    status, headers, body = http("POST", base + "/api/v1/auth/login",
                                 {"email": EMAIL, "password": PASSWORD}, {"Origin": base})
    if status != 200:
        return None
    cookie = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie") or [])
    status, _, body = http("POST", base + "/api/v1/admin/tokens", {"name": f"benchmark {role}", "role": role},
                           {"Cookie": cookie, "Origin": base})
    return json.loads(body)["secret"] if status in (200, 201) else None


BIG_SLUG = "benchmark-document-1-mb"


def big_file(base, token):
    """The 1 MB document the download cases fetch, as a published `download` item: uploaded,
    created and published through the admin API the first time, found again after that.
    Returns {url, size} or None."""
    status, _, body = http("GET", f"{base}/api/v1/content/download/{BIG_SLUG}")
    if status != 200 and token:
        auth = {"Authorization": f"Bearer {token}"}
        rng = random.Random(1)
        pdf = b"%PDF-1.4\n" + rng.randbytes((1 << 20) - 9)
        boundary = "oa-bench-boundary"
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"benchmark-1mb.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                ).encode() + pdf + f"\r\n--{boundary}--\r\n".encode()
        status, _, body = http("POST", base + "/api/v1/admin/files", form,
                               {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"})
        if status != 201:
            raise SystemExit(f"uploading the 1 MB file: {status} {body[:300]!r}")
        file_id = json.loads(body)["id"]
        status, headers, body = http("POST", base + "/api/v1/admin/content", {
            "kind": "download", "title": "Benchmark-document (1 MB)", "slug": BIG_SLUG,
            "summary": "Het document dat de downloadmetingen ophalen.",
            "fields": {"file_id": file_id}}, auth)
        if status != 201:
            raise SystemExit(f"creating the download item: {status} {body[:300]!r}")
        item = json.loads(body)
        status, _, body = http("POST", f"{base}/api/v1/admin/content/{item['id']}/publish", {},
                               {**auth, "If-Match": headers["ETag"]})
        if status != 200:
            raise SystemExit(f"publishing the download item: {status} {body[:300]!r}")
        status, _, body = http("GET", f"{base}/api/v1/content/download/{BIG_SLUG}")
    if status != 200:
        return None
    file = json.loads(body)["fields"]["file"]
    return {"url": file["url"], "size": file["size"]}


SITE_MANIFEST = "benchmark-manifest"


def site_setup(base, token):
    """The site the `site` and `item_refs` cases read, made through the admin API the first
    time: pages (two of them under another), a video, a manifest that refers to them, the
    video and three downloads and links to the pages in its text, and the home page with
    sections of items and of queries. Returns the two paths, or None."""
    path = f"/api/v1/content/manifest/{SITE_MANIFEST}"
    status, _, _ = http("GET", base + path)
    if status != 200 and token:
        auth = {"Authorization": f"Bearer {token}"}

        def publish(item, etag):
            st, _, body = http("POST", f"{base}/api/v1/admin/content/{item['id']}/publish", {},
                               {**auth, "If-Match": etag})
            if st != 200:
                raise SystemExit(f"publishing {item['slug']}: {st} {body[:300]!r}")

        def made(doc):
            st, headers, body = http("POST", base + "/api/v1/admin/content", doc, auth)
            if st != 201:
                raise SystemExit(f"creating {doc['title']}: {st} {body[:300]!r}")
            item = json.loads(body)
            publish(item, headers["ETag"])
            return item["id"]

        over = made({"kind": "page", "title": "Benchmark: over ons", "fields": {"position": 1}})
        pages = [over] + [made({"kind": "page", "title": f"Benchmark: {t}",
                                "fields": {"position": n, "parent": over}})
                          for n, t in ((1, "missie"), (2, "visie"))]
        video = made({"kind": "video", "title": "Benchmark: video",
                      "fields": {"url": "https://www.youtube.com/watch?v=abcdefghijk"}})
        st, _, body = http("GET", base + "/api/v1/content?kind=download&limit=3")
        downloads = [i["id"] for i in json.loads(body)["items"]] if st == 200 else []
        text = "\n\n".join(f"Lees [pagina {n}](item:{p})." for n, p in enumerate(pages))
        made({"kind": "manifest", "title": "Benchmark: manifest", "slug": SITE_MANIFEST,
              "body": text, "fields": {"subtitle": "Verwijzingen", "video": video,
                                       "downloads": downloads, "related": pages}})
        st, _, body = http("GET", base + "/api/v1/admin/content?kind=home", None, auth)
        home = json.loads(body)["items"][0]
        st, headers, body = http("GET", f"{base}/api/v1/admin/content/{home['id']}", None, auth)
        st, headers, body = http("PUT", f"{base}/api/v1/admin/content/{home['id']}", {
            "title": "Onderwijs Alliantie", "fields": {
                "tagline": "Samen werken aan goed onderwijs voor ieder kind",
                "intro": "Een onafhankelijke alliantie.",
                "sections": [
                    {"key": "over", "heading": "Over ons", "items": pages},
                    {"key": "nieuws", "heading": "Inzichten",
                     "query": {"kind": "news", "limit": 3}},
                    {"key": "plekken", "heading": "Ontwikkelplekken",
                     "query": {"kind": "location", "sort": "position", "limit": 10}},
                ]}}, {**auth, "If-Match": headers["ETag"]})
        if st != 200:
            raise SystemExit(f"editing the home page: {st} {body[:300]!r}")
        publish(home, headers["ETag"])
        status, _, _ = http("GET", base + path)
    if status != 200:
        return None
    return {"site": "/api/v1/site", "item_refs": path}


PREVIEW_SLUG = "benchmark-voorbeeld"


def preview_setup(base, token, manifest):
    """The draft the `preview` case reads through a preview link, as a site's preview page
    would: a news item with the text of a sample item, links in it to three published items
    and those three as related items, made through the admin API the first time (found
    again after that), never published. Returns the link's path, or None."""
    if not token:
        return None
    auth = {"Authorization": f"Bearer {token}"}
    st, _, body = http("GET", f"{base}/api/v1/admin/content?kind=news&status=draft&limit=100"
                              "&q=Benchmark+voorbeeld", None, auth)
    found = [i for i in json.loads(body)["items"] if i["slug"] == PREVIEW_SLUG] if st == 200 else []
    if found:
        item_id = found[0]["id"]
    else:
        st, _, body = http("GET", base + manifest["sample"][0]["path"])
        sample = json.loads(body) if st == 200 else {}
        st, _, body = http("GET", base + "/api/v1/content?limit=3")
        targets = [i["id"] for i in json.loads(body)["items"]] if st == 200 else []
        links = "\n\n".join(f"Zie ook [dit stuk](item:{t})." for t in targets)
        st, _, body = http("POST", base + "/api/v1/admin/content", {
            "kind": "news", "title": "Benchmark voorbeeld", "slug": PREVIEW_SLUG,
            "summary": sample.get("summary", ""), "tags": sample.get("tags", []),
            "body": (sample.get("body") or "") + "\n\n" + links,
            "fields": {"display_date": "2026-11-24", "related": targets}}, auth)
        if st != 201:
            raise SystemExit(f"creating the preview draft: {st} {body[:300]!r}")
        item_id = json.loads(body)["id"]
    st, _, body = http("POST", f"{base}/api/v1/admin/content/{item_id}/preview",
                       {"expires_in": 604800}, auth)
    if st != 200:
        return None
    return json.loads(body)["url"]


def write_cases(manifest, tmp):
    """The public-read cases: (name, file of requests, expected status, target)."""
    def lines(name, rows):
        path = tmp / f"{name}.txt"
        path.write_text("".join("\t".join(r) + "\n" for r in rows))
        return path

    sample = manifest["sample"]
    cases = [
        ("item", lines("item", [(s["path"],) for s in sample]), 200),
        ("item_304", lines("item_304", [(s["path"], "If-None-Match", s["etag"])
                                        for s in sample]), 304),
        ("list", lines("list", [("/api/v1/content",)]), 200),
        ("list_filtered", lines("list_filtered", [
            (f"/api/v1/content?kind={manifest['kind']}&tag={manifest['tag']}",)]), 200),
    ]
    if manifest.get("deep_cursor"):
        cases.append(("deep_cursor", lines("deep_cursor", [
            ("/api/v1/content?cursor=" + manifest["deep_cursor"],)]), 200))
    cases.append(("search", lines("search", [
        ("/api/v1/content?q=" + urllib.parse.quote(q),) for q in manifest["queries"]]), 200))
    topics = manifest.get("topics")
    if topics:
        # Searches as visitors type them: two topic words of the corpus, every request a
        # combination (with its page size) not asked before in the run, so the answers in
        # memory cannot help and each one goes to the database.
        rows = [(f"/api/v1/content?q={urllib.parse.quote(a + ' ' + b)}&limit={limit}",)
                for a in topics for b in topics if a != b for limit in range(10, 50, 2)]
        random.Random(11).shuffle(rows)
        cases.append(("search_unique", lines("search_unique", rows), 200))
    # A site's build server catching up: the first page of 1 000 entries of the sync feed.
    cases.append(("sync", lines("sync", [("/api/v1/sync?limit=1000",)]), 200))
    # The same as build servers ask for it: their HTTP clients send Accept-Encoding.
    cases.append(("sync_gzip", lines("sync_gzip", [("/api/v1/sync?limit=1000", "Accept-Encoding",
                                                    "gzip, deflate")]), 200))
    # Feed readers and search engines.
    cases.append(("feed_atom", lines("feed_atom", [("/api/v1/feed.atom",)]), 200))
    cases.append(("sitemap", lines("sitemap", [("/sitemap.xml",)]), 200))
    # A site's preview page showing an editor's draft: never kept in memory, so each one is
    # read and rendered from the database.
    if manifest.get("preview"):
        cases.append(("preview", lines("preview", [(manifest["preview"],)]), 200))
    site = manifest.get("site")
    if site:
        cases.append(("site", lines("site", [(site["site"],)]), 200))
        cases.append(("item_refs", lines("item_refs", [(site["item_refs"],)]), 200))
    big = manifest.get("big_file")
    if big:
        size = big["size"]
        start = size // 2
        cases.append(("file", lines("file", [(big["url"],)]), 200))
        cases.append(("file_range", lines("file_range", [
            (big["url"], "Range", f"bytes={start}-{start + 65535}")]), 206))
    return cases


def check(base, case_file, expected):
    """The first request of a case answers what the case expects."""
    first = case_file.read_text().splitlines()[0].split("\t")
    headers = {first[1]: first[2]} if len(first) == 3 else {}
    status, _, body = http("GET", base + first[0], headers=headers)
    if status != expected:
        raise SystemExit(f"{case_file.stem}: expected {expected}, got {status}: {body[:300]!r}")
    return len(body)


def wrk(base, case_file, args, seconds):
    out = subprocess.run(
        ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s",
         "--timeout", "10s", "-s", str(LUA), base, "--", str(case_file)],
        capture_output=True, text=True, check=True)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


class RssSampler:
    """Samples a process's resident memory while a case runs."""

    def __init__(self, pid):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, memory(self.pid)[0])

    def stop(self):
        self._stop.set()
        self.thread.join()
        return max(self.peak, memory(self.pid)[0])


def cpu_seconds(pid):
    """User plus system CPU time a process has used, in seconds."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def settle(pid, timeout=30.0):
    """Waits until the server is idle (under 5 % of a core for half a second), so work still
    running from the previous case does not slow down the next one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.025:
            return


def measure(base, pid, case_file, args):
    settle(pid)
    if args.warmup > 0:
        wrk(base, case_file, args, args.warmup)
    sampler = RssSampler(pid)
    r = wrk(base, case_file, args, args.duration)
    return summary(r, sampler.stop())


def summary(r, rss):
    """A case's figures from wrk's summary line and the peak RSS sampled meanwhile."""
    secs = r["duration_us"] / 1e6
    return {
        "rps": r["requests"] / secs,
        "p50_ms": r["latency_us"]["p50"] / 1000,
        "p99_ms": r["latency_us"]["p99"] / 1000,
        "mb_s": r["bytes"] / secs / 1e6,
        "errors": sum(r["errors"].values()),
        "rss_mb": rss,
        "requests": r["requests"],
    }


def writers(base, pid, token, items, args):
    if not WRITERS.exists() or not token or not items:
        return None
    argv = [str(WRITERS), "--base", base, "--token", token, "--items", ",".join(items)]
    settle(pid)
    if args.warmup > 0:
        subprocess.run(argv + ["--seconds", str(args.warmup)], capture_output=True, check=True)
    sampler = RssSampler(pid)
    out = subprocess.run(argv + ["--seconds", str(args.duration)], capture_output=True,
                         text=True, check=True)
    rss = sampler.stop()
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return {**r, "rss_mb": rss}


def edited_site_reads(manifest, tmp):
    """The reads of a site while it is edited: single items, the first list pages (all,
    and by kind and tag), the repeated searches and new ones, about half items, a quarter
    lists and a quarter searches, shuffled."""
    quote = urllib.parse.quote
    items = [s["path"] for s in manifest["sample"]]
    lists = ["/api/v1/content", f"/api/v1/content?kind={manifest['kind']}&tag={manifest['tag']}",
             f"/api/v1/content?kind={manifest['kind']}", "/api/v1/content?sort=title"]
    searches = ["/api/v1/content?q=" + quote(q) for q in manifest["queries"]]
    topics = manifest.get("topics") or []
    fresh = [f"/api/v1/content?q={quote(a + ' ' + b)}"
             for a in topics for b in topics if a != b]
    rng = random.Random(5)
    n = 4000
    rows = ([rng.choice(items) for _ in range(n // 2)]
            + [rng.choice(lists) for _ in range(n // 4)]
            + [rng.choice(searches + fresh) for _ in range(n // 4)])
    rng.shuffle(rows)
    path = tmp / "edited_site.txt"
    path.write_text("".join(r + "\n" for r in rows))
    return path


def edited_site(base, pid, token, manifest, tmp, args):
    """Public reads while one editor saves and publishes an item every second, which
    empties the answers kept in memory each time: wrk's reads, and the editor's saves."""
    items = manifest.get("writer_items") or []
    if not WRITERS.exists() or not token or not items:
        return None
    path = edited_site_reads(manifest, tmp)
    check(base, path, 200)
    settle(pid)
    seconds = args.warmup + args.duration + 1
    editor = subprocess.Popen(
        [str(WRITERS), "--base", base, "--token", token, "--items", items[0],
         "--seconds", str(seconds), "--every-ms", "1000", "--publish"],
        stdout=subprocess.PIPE, text=True)
    try:
        if args.warmup > 0:
            wrk(base, path, args, args.warmup)
        sampler = RssSampler(pid)
        r = wrk(base, path, args, args.duration)
        rss = sampler.stop()
        out, _ = editor.communicate(timeout=seconds + 60)
    finally:
        if editor.poll() is None:
            editor.kill()
            editor.wait()
    lines = out.strip().splitlines()
    if editor.returncode != 0 or not lines:
        raise SystemExit(f"edited_site: the editor failed ({editor.returncode})")
    e = json.loads(lines[-1])
    result = summary(r, rss)
    result["errors"] += e["errors"]
    result.update(saves_per_s=e["rps"], publishes=e["publishes"], save_p99_ms=e["p99_ms"])
    return result


class Receiver:
    """A webhook receiver on a free loopback port: checks each delivery's signature and
    keeps its id, event and arrival time."""

    def __init__(self):
        self.secrets = []
        self.got = []
        self.bad = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                at = time.monotonic()
                sig = dict(p.split("=", 1) for p in self.headers.get("X-OA-Signature", "").split(",") if "=" in p)
                ok = any(hmac.compare_digest(
                    hmac.new(s.encode(), f"{sig.get('t')}.".encode() + body, hashlib.sha256).hexdigest(),
                    sig.get("v1", "")) for s in outer.secrets)
                with outer.lock:
                    outer.got.append((at, self.headers.get("X-OA-Event"), self.headers.get("X-OA-Delivery")))
                    outer.bad += 0 if ok else 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of(self, event):
        with self.lock:
            return [g for g in self.got if g[1] == event]

    def stop(self):
        self.server.shutdown()


def webhooks(base, pid, token, items, args):
    """1 000 publishes in a row, each announced to a local receiver: how long after the last
    commit the last delivery arrives; then admin saves (8 writers) while each save's
    delivery is sent, as saves/s."""
    admin = bearer_token(base, "admin")
    if not WRITERS.exists() or not token or not admin or not items:
        return None
    rx = Receiver()
    auth = {"Authorization": f"Bearer {admin}"}

    def hook(events):
        status, _, body = http("POST", base + "/api/v1/admin/webhooks",
                               {"url": rx.url, "events": events}, auth)
        if status != 201:
            raise SystemExit(f"webhooks: creating a webhook answered {status} {body[:200]!r}")
        made = json.loads(body)
        rx.secrets.append(made["secret"])
        return made["id"]

    hooks = [hook(["content.published"])]
    try:
        settle(pid)
        argv = [str(WRITERS), "--base", base, "--token", token, "--items", ",".join(items)]
        subprocess.run(argv + ["--publish", "--count", str(WEBHOOK_PUBLISHES), "--seconds", "600"],
                       capture_output=True, text=True, check=True)
        last_commit = time.monotonic()
        deadline = last_commit + 60
        while len(rx.of("content.published")) < WEBHOOK_PUBLISHES and time.monotonic() < deadline:
            time.sleep(0.05)
        published = rx.of("content.published")
        ids = [g[2] for g in published]
        lag = max(0.0, max((g[0] for g in published), default=deadline) - last_commit)
        # Saves while their deliveries (content.updated) are being sent.
        hooks.append(hook(["content.updated"]))
        before = len(rx.of("content.updated"))
        w = writers(base, pid, token, items, args)
        time.sleep(2)
        updated = len(rx.of("content.updated")) - before
    finally:
        for h in hooks:
            http("DELETE", base + f"/api/v1/admin/webhooks/{h}", None, auth)
        rx.stop()
    return {**w, "delivered": len(set(ids)), "duplicates": len(ids) - len(set(ids)),
            "bad_signatures": rx.bad, "lag_s": round(lag, 2), "updated_delivered": updated,
            "publishes": WEBHOOK_PUBLISHES}


def ceiling(args, port):
    srv = Server([str(CEILING), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
                 port)
    try:
        with tempfile.TemporaryDirectory(prefix="oa-bench-") as tmp:
            path = pathlib.Path(tmp) / "ceiling.txt"
            path.write_text("/\n")
            return measure(srv.base, srv.proc.pid, path, args)
    finally:
        srv.stop()


def run_dataset(ds, args, wanted):
    """Every wanted case on one dataset; the request files live in a folder removed after."""
    with tempfile.TemporaryDirectory(prefix="oa-bench-") as tmp:
        return measure_dataset(ds, args, wanted, pathlib.Path(tmp))


def measure_dataset(ds, args, wanted, tmp):
    manifest = ds.seed()
    log(f"{ds.backend} {ds.items}: {manifest['published']} published items")
    port = free_port()
    app = AppServer(ds, port, args.workers, ds.dir / "server.log")
    result = {"backend": ds.backend, "items": ds.items, "seed_s": round(ds.seed_s, 1),
              "startup_s": app.startup_s, "cases": {}}
    try:
        token = bearer_token(app.base)
        if wanted("file") or wanted("file_range"):
            manifest["big_file"] = big_file(app.base, token)
        if wanted("site") or wanted("item_refs"):
            manifest["site"] = site_setup(app.base, token)
        if wanted("preview"):
            manifest["preview"] = preview_setup(app.base, token, manifest)
        cases = [c for c in write_cases(manifest, tmp) if wanted(c[0])]
        for name, path, expected in cases:
            check(app.base, path, expected)
        log(f"{ds.backend} {ds.items}: ceiling")
        result["ceiling"] = ceiling(args, free_port())
        for name, path, _ in cases:
            log(f"{ds.backend} {ds.items}: {name}")
            result["cases"][name] = measure(app.base, app.proc.pid, path, args)
        if wanted("admin_save"):
            log(f"{ds.backend} {ds.items}: admin_save")
            w = writers(app.base, app.proc.pid, token, manifest["writer_items"], args)
            if w:
                result["cases"]["admin_save"] = w
            else:
                log("admin_save skipped: no editor token or no writer items")
        if wanted("webhooks"):
            log(f"{ds.backend} {ds.items}: webhooks")
            w = webhooks(app.base, app.proc.pid, token, manifest["writer_items"], args)
            if w:
                result["cases"]["webhooks"] = w
            else:
                log("webhooks skipped: no tokens or no writer items")
        if wanted("edited_site"):
            log(f"{ds.backend} {ds.items}: edited_site")
            e = edited_site(app.base, app.proc.pid, token, manifest, tmp, args)
            if e:
                result["cases"]["edited_site"] = e
            else:
                log("edited_site skipped: no editor token or no writer items")
        result["vm_hwm_mb"] = memory(app.proc.pid)[1]
    finally:
        app.stop()
    # The same reads with no answers kept in memory: what a first request, or one right
    # after a change, costs.
    db_cases = [c for c in cases if c[0] in DB_PATH_CASES]
    if db_cases and not args.no_db_path:
        app = AppServer(ds, free_port(), args.workers, ds.dir / "server.log",
                        {"PUBLIC_CACHE_MB": "0"})
        try:
            for name, path, _ in db_cases:
                log(f"{ds.backend} {ds.items}: {name}, from the database")
                result["cases"][name + "_db"] = measure(app.base, app.proc.pid, path, args)
        finally:
            app.stop()
    # Start-up on the database as it now is, with nothing cached in the process.
    again = AppServer(ds, free_port(), args.workers, ds.dir / "server.log")
    result["startup_s"] = again.startup_s
    again.stop()
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--items", default="1000,100000")
    p.add_argument("--duration", type=int, default=15)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    p.add_argument("--backends", default="auto",
                   help="sqlite, postgres or both; auto: PostgreSQL when DATABASE_URL or "
                        "TEST_DATABASE_URL is set")
    p.add_argument("--cases", default="", help="comma list of cases to run (default: all)")
    p.add_argument("--no-db-path", action="store_true",
                   help="skip measuring the public reads again with no answers in memory")
    p.add_argument("--fresh", action="store_true",
                   help="seed from scratch (default: reuse a dataset, adding what is missing)")
    p.add_argument("--work-dir", default=str(BENCH / "data"))
    p.add_argument("--sqlite-synchronous", choices=("full", "normal"), default="full",
                   help="the server's --sqlite-synchronous: full syncs every commit (the "
                        "default), normal only at checkpoints; mostly moves admin_save")
    args = p.parse_args()
    SERVER_ENV["SQLITE_SYNCHRONOUS"] = args.sqlite_synchronous

    pg_url = os.environ.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    backends = (["sqlite"] + (["postgres"] if pg_url else [])
                if args.backends == "auto" else args.backends.split(","))
    if "postgres" in backends and not pg_url:
        raise SystemExit("--backends postgres needs DATABASE_URL or TEST_DATABASE_URL")
    sizes = [int(n) for n in args.items.split(",")]
    only = set(filter(None, args.cases.split(",")))

    def wanted(name):
        return not only or name in only

    work = pathlib.Path(args.work_dir)
    started = time.time()
    run = {"started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "load_before": os.getloadavg(), "workers": args.workers,
           "connections": args.connections, "threads": args.threads,
           "duration_s": args.duration, "sqlite_synchronous": args.sqlite_synchronous,
           "datasets": []}
    for backend in backends:
        for n in sizes:
            ds = Dataset(backend, n, work, pg_url, fresh=args.fresh)
            run["datasets"].append(run_dataset(ds, args, wanted))
    run["load_after"] = os.getloadavg()
    run["total_s"] = round(time.time() - started)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (out / f"{stamp}.json").write_text(json.dumps(run, indent=2))
    print(report.markdown(run))
    log(f"results: bench/results/{stamp}.json ({run['total_s']} s)")


if __name__ == "__main__":
    main()
