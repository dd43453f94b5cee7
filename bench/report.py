"""The benchmark's tables: one per backend and size, each figure also as a ratio to the
ceiling measured in the same run, checked against the targets."""

# Minimum ratio to the ceiling on SQLite; PostgreSQL's targets are half of these.
TARGETS = {
    "item": 0.5,
    "item_304": 0.7,
    "list": 0.3,
    "list_filtered": 0.25,
    "deep_cursor": 0.25,
    "search": 0.1,
    "search_unique": 0.1,
    "edited_site": 0.3,
    "site": 0.5,
    "item_refs": 0.5,
    "sync": 0.3,
    "sync_gzip": 0.3,
    # With no answers in memory (bench.py's DB_PATH_CASES), at 100 000 items.
    "item_db": 0.4,
    "item_304_db": 0.4,
    "list_db": 0.3,
    "list_filtered_db": 0.3,
    "deep_cursor_db": 0.3,
    "search_db": 0.1,
}
LABELS = {
    "item": "single item by slug",
    "item_304": "single item, If-None-Match → 304",
    "list": "list of 20, -published_at",
    "list_filtered": "list filtered by kind and tag",
    "deep_cursor": "cursor page 90 % deep",
    "search": "q full-text",
    "search_unique": "q full-text, a new query every request",
    "file": "1 MB file",
    "file_range": "file, Range 64 KB → 206",
    "admin_save": "admin save → new version (8 writers)",
    "edited_site": "reads (items, lists, searches) while an editor saves and publishes every second",
    "site": "GET /api/v1/site (sections, queries, navigation)",
    "item_refs": "item with references (video, 3 downloads, 3 pages, links in the text)",
    "sync": "sync feed, a page of 1 000 entries",
    "sync_gzip": "sync feed, a page of 1 000 entries, Accept-Encoding: gzip",
    "feed_atom": "Atom feed, 20 newest news",
    "webhooks": "admin saves (8 writers) while each save's webhook delivery is sent",
    "sitemap": "sitemap.xml (an index above 50 000 items)",
    "preview": "preview link of a draft (3 links, 3 related; built per request)",
}
# The public reads measured again with no answers in memory (bench.py's DB_PATH_CASES).
for _name in list(LABELS):
    LABELS[_name + "_db"] = LABELS[_name] + ", from the database"
MIN_SAVES = 500
MAX_WEBHOOK_LAG_S = 10
MAX_RSS_MB = 64
# Every public read on PostgreSQL, at the 99th percentile.
MAX_PG_P99_MS = 50
MAX_STARTUP_S = 1.0
MAX_P99_GROWTH = 2.0


def verdict(ok):
    return "ok" if ok else "**missed**"


def dataset_table(ds, smallest):
    ceiling = ds["ceiling"]["rps"]
    half = 0.5 if ds["backend"] == "postgres" else 1.0
    head = (f"#### {ds['backend']}, {ds['items']:,} items: ceiling {ceiling:,.0f} req/s, "
            f"start-up {ds['startup_s'] * 1000:.0f} ms, peak RSS {ds.get('vm_hwm_mb', 0):.0f} MB"
            f" ({verdict(ds['startup_s'] < MAX_STARTUP_S and ds.get('vm_hwm_mb', 0) <= MAX_RSS_MB)})")
    rows = [head, "",
            "| case | req/s | p50 ms | p99 ms | × ceiling | target | p99 vs smallest | RSS MB |",
            "|---|---:|---:|---:|---:|---|---:|---:|"]
    for name, r in ds["cases"].items():
        ratio = r["rps"] / ceiling if ceiling else 0
        target = ""
        if name in TARGETS:
            t = TARGETS[name] * half
            target = f"≥ {t:g} {verdict(ratio >= t)}"
        elif name in ("admin_save", "webhooks"):
            t = MIN_SAVES * half
            target = f"≥ {t:g}/s {verdict(r['rps'] >= t)}"
        if name == "webhooks":
            ok = (r["delivered"] == r["publishes"] and r["lag_s"] <= MAX_WEBHOOK_LAG_S
                  and not r["duplicates"] and not r["bad_signatures"])
            target += (f"; {r['publishes']:,} publishes → {r['delivered']:,} signed deliveries "
                       f"({r['duplicates']} twice, {r['bad_signatures']} bad signatures), the last "
                       f"{r['lag_s']:.1f} s after the last commit (≤ {MAX_WEBHOOK_LAG_S} s) "
                       f"{verdict(ok)}; {r['updated_delivered']:,} saves delivered")
        if half < 1 and name not in ("admin_save", "webhooks") and not name.startswith("file"):
            target += f"{'; ' if target else ''}p99 ≤ {MAX_PG_P99_MS} {verdict(r['p99_ms'] <= MAX_PG_P99_MS)}"
        growth = ""
        if smallest and smallest is not ds and name in smallest["cases"]:
            g = r["p99_ms"] / max(smallest["cases"][name]["p99_ms"], 0.001)
            growth = f"{g:.1f}×"
            if not name.startswith("search"):
                growth += f" {verdict(g <= MAX_P99_GROWTH)}"
        errors = f" ({r['errors']} errors)" if r.get("errors") else ""
        if "saves_per_s" in r:
            errors += (f"; {r['saves_per_s']:.2f} saves/s, {r['publishes']} published, "
                       f"save p99 {r['save_p99_ms']:.0f} ms")
        rows.append(f"| {LABELS.get(name, name)}{errors} | {r['rps']:,.0f} | {r['p50_ms']:.2f} "
                    f"| {r['p99_ms']:.2f} | {ratio:.2f} | {target} | {growth} "
                    f"| {r['rss_mb']:.0f} |")
    return "\n".join(rows)


def markdown(run):
    out = [f"Run {run['started']}: {run['workers']} workers, wrk {run['threads']} threads × "
           f"{run['connections']} connections, {run['duration_s']} s per case; load "
           f"{run['load_before'][0]:.1f} before, {run['load_after'][0]:.1f} after; SQLite "
           f"synchronous={run.get('sqlite_synchronous', 'normal').upper()}.", ""]
    for backend in dict.fromkeys(d["backend"] for d in run["datasets"]):
        sets = [d for d in run["datasets"] if d["backend"] == backend]
        smallest = min(sets, key=lambda d: d["items"])
        for ds in sets:
            out += [dataset_table(ds, smallest), ""]
    return "\n".join(out)
