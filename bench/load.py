#!/usr/bin/env python3
"""The load benchmark of issue 8: the hot paths under concurrent load over HTTP (wrk), with
the feed's own SQL run alone by pgbench on the same database, side by side.

    python3 bench/load.py --backend postgres --scale 1      # 1M users, 10M updates
    python3 bench/load.py --backend sqlite --scale 0.1      # a tenth of that

The bulk dataset (`ensemble seed bulk --scale S`) is made once and kept: PostgreSQL
database `ensemble_bench_s<S>`, SQLite file `target/bench/bulk-s<S>.sqlite3`
(`--reseed` makes it again). The script then adds its own fixtures, which it finds again
at the next run: personal API tokens for 1,000 readers (as third-party clients
authenticate), a reader following 2,000 organisations, 3,000 editors of the most followed
organisation (60 updates an hour each is the rate limit, which stays on).

Each scenario runs `--duration` seconds (after `--warmup` seconds, 5 by default) with `--connections`
keep-alive connections from one wrk thread, against the release server
(`cargo build --release -p ensemble-api`), 2 workers on this 2-core machine. The server's
resident memory is sampled all along. The Markdown table goes to standard output and to
`bench/results/<backend>-s<scale>.md`; docs/PERFORMANCE.md discusses it.

Needs wrk (`apt-get install wrk`) and, for PostgreSQL, pgbench and psql (Debian's
postgresql-client) and a server at $PGURL (default postgres://postgres@127.0.0.1:5432/postgres).
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from feed_scaling import free_port, start_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "ensemble")
READERS = 1000          # users 1..READERS read their feed
HEAVY_FOLLOWS = 2000    # the heavy reader follows organisations evenly spread over popularity
EDITORS = range(2001, 5001)  # 60 updates an hour each: enough for 15 s at 10,000/s
DEEP_READERS = 20       # readers whose 100th feed page is read
SEARCHES = [
    "community 4242", "bulk organisation 77", "community 15", "organisation 31337",
    "health", "water education", "volunteers health", "clean water schools",
]


def log(message):
    print(message, file=sys.stderr, flush=True)


class Database:
    """Just enough of both backends for the fixtures: run SQL, fetch rows."""

    def __init__(self, backend, url):
        self.backend, self.url = backend, url
        self.lite = sqlite3.connect(url, isolation_level=None) if backend == "sqlite" else None

    def rows(self, sql):
        if self.lite:
            return self.lite.execute(sql).fetchall()
        out = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t",
                              "-c", sql], check=True, capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def script(self, sql):
        if self.lite:
            self.lite.executescript(sql)
        else:
            subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-q", "-1", "-f", "-"],
                           input=sql, text=True, check=True)


def env_for(database_url, data_dir):
    return dict(os.environ, DATABASE_URL=database_url, ENSEMBLE_DATA_DIR=data_dir, RUST_LOG="warn")


def prepare_database(args, work):
    """The bulk database at this scale, made if missing (or with --reseed)."""
    tag = f"s{args.scale:g}".replace(".", "_")
    if args.backend == "postgres":
        admin = os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432/postgres")
        name = f"ensemble_bench_{tag}"
        url = admin.rsplit("/", 1)[0] + f"/{name}"
        exists = subprocess.run(["psql", admin, "-qAt", "-c",
                                 f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                                check=True, capture_output=True, text=True).stdout.strip()
        if exists and args.reseed:
            subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE {name} WITH (FORCE)"],
                           check=True)
        if not exists or args.reseed:
            subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
            seed(url, work, args.scale)
            # What autovacuum does to a live database: the visibility map lets the feed's
            # index-only scans skip the table.
            subprocess.run(["psql", url, "-q", "-c", "VACUUM ANALYZE"], check=True)
        return url
    path = os.path.join(ROOT, "target", "bench", f"bulk-{tag}.sqlite3")
    if os.path.exists(path) and args.reseed:
        os.remove(path)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        seed(path, work, args.scale)
    return path


def seed(url, work, scale):
    log(f"seeding at scale {scale} (once; kept for the next runs)")
    started = time.time()
    subprocess.run([BINARY, "migrate"], check=True, env=env_for(url, work))
    subprocess.run([BINARY, "seed", "bulk", "--scale", str(scale)], check=True,
                   env=env_for(url, work))
    log(f"seeded in {time.time() - started:.0f} s")


def fixtures(db):
    """Tokens for the readers, the heavy reader and the editors; answers what the
    scenarios need. Idempotent: the heavy reader and the editors are made once."""
    pg = db.backend == "postgres"
    now = "now()" if pg else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    organisations = int(db.rows("SELECT COUNT(*) FROM organisations")[0][0])
    step = max(1, organisations // HEAVY_FOLLOWS)
    if not db.rows("SELECT id FROM users WHERE email_key = 'heavy@bench.invalid'"):
        log(f"fixtures: a reader following {HEAVY_FOLLOWS} organisations")
        db.script(f"""
INSERT INTO users (email, email_key, email_verified, display_name, locale, follows_public,
                   is_admin, created_at, updated_at)
VALUES ('heavy@bench.invalid', 'heavy@bench.invalid', TRUE, 'Heavy reader', 'en', TRUE, FALSE,
        {now}, {now});
INSERT INTO organisation_follows (user_id, organisation_id, created_at)
SELECT (SELECT id FROM users WHERE email_key = 'heavy@bench.invalid'), o.id, {now}
FROM organisations o WHERE o.id % {step} = 1 ORDER BY o.id LIMIT {HEAVY_FOLLOWS};
UPDATE organisations SET followers_count = followers_count + 1
WHERE id IN (SELECT organisation_id FROM organisation_follows WHERE user_id =
             (SELECT id FROM users WHERE email_key = 'heavy@bench.invalid'));
""")
    # The editors of the most followed organisation (more of them than the last run, maybe).
    db.script(f"""
INSERT INTO organisation_members (organisation_id, user_id, role, created_at)
SELECT (SELECT id FROM organisations ORDER BY followers_count DESC, id LIMIT 1), id, 'editor', {now}
FROM users WHERE id BETWEEN {EDITORS.start} AND {EDITORS.stop - 1} ON CONFLICT DO NOTHING;
""")
    heavy = int(db.rows("SELECT id FROM users WHERE email_key = 'heavy@bench.invalid'")[0][0])
    top_slug, top_followers = db.rows(
        "SELECT slug, followers_count FROM organisations ORDER BY followers_count DESC, id LIMIT 1")[0]
    heavy_follows = int(db.rows(
        f"SELECT COUNT(*) FROM organisation_follows WHERE user_id = {heavy}")[0][0])
    # Fresh tokens at every run, as a client would hold (the old ones are revoked).
    run = secrets.token_hex(4)
    tokens = {}
    values = []
    for uid in [*range(1, READERS + 1), heavy, *EDITORS]:
        secret = f"ens_pat_bench{run}{uid}_{secrets.token_urlsafe(24)}"
        tokens[uid] = secret
        digest = hashlib.sha256(secret.encode()).hexdigest()
        values.append(f"('bench-{run}-{uid}', {uid}, 'bench', 'write', '{digest}', {now})")
    db.script("DELETE FROM api_tokens WHERE name = 'bench';\n"
              "INSERT INTO api_tokens (id, user_id, name, scope, token_hash, created_at) VALUES\n"
              + ",\n".join(values) + ";")
    # A steady state, as autovacuum keeps a live database: the rows the fixtures and the
    # previous run changed are visible to index-only scans again.
    if pg:
        subprocess.run(["psql", db.url, "-q", "-c", "VACUUM ANALYZE organisation_follows, "
                        "organisations, organisation_members, api_tokens, updates"], check=True)
    else:
        db.script("ANALYZE")
    return {"heavy": heavy, "heavy_follows": heavy_follows, "tokens": tokens, "top_slug": top_slug,
            "top_followers": int(top_followers), "organisations": organisations}


class MemoryWatch(threading.Thread):
    """The server's resident memory, sampled every 200 ms; the peaks are kept: all of it
    (VmRSS), and its two parts: anonymous (the heap: what the process itself holds) and
    file-backed (pages of mapped files, such as SQLite's memory-mapped database, which
    the kernel can drop at any time)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.done = pid, False
        self.peak = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0}

    def run(self):
        while not self.done:
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    for line in f:
                        key = line.split(":")[0]
                        if key in self.peak:
                            self.peak[key] = max(self.peak[key], int(line.split()[1]))
            except OSError:
                return
            time.sleep(0.2)

    def summary(self):
        mb = {k: v / 1024 for k, v in self.peak.items()}
        return (f"peak server memory {mb['VmRSS']:.0f} MB resident "
                f"({mb['RssAnon']:.0f} MB anonymous, {mb['RssFile']:.0f} MB file-backed at their peaks)")


def get(port, path, token):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path, headers={"authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, (path, response.status, body[:300])
    return json.loads(body)


def deep_pages(port, tokens, depth):
    """(path of page `depth`, token) for the first DEEP_READERS readers whose feed is
    that long, found by following the cursors as a client would."""
    found = []
    for uid in range(1, READERS + 1):
        cursor, ok = None, True
        for _ in range(depth - 1):
            body = get(port, "/api/v1/me/feed?limit=20" + (f"&cursor={cursor}" if cursor else ""),
                       tokens[uid])
            cursor = body["next_cursor"]
            if not cursor:
                ok = False
                break
        if ok:
            found.append((f"/api/v1/me/feed?limit=20&cursor={cursor}", tokens[uid], uid))
        if len(found) == DEEP_READERS:
            return found
    sys.exit(f"fewer than {DEEP_READERS} readers have {depth} feed pages")


LUA = """
local requests = {%s}
local method, body = "%s", %s
local i = 0
request = function()
  i = i + 1
  local r = requests[(i %% #requests) + 1]
  return wrk.format(method, r[1], {["Authorization"] = "Bearer " .. r[2],
                                    ["Content-Type"] = "application/json"}, body)
end
"""


def wrk(port, work, name, requests, args, method="GET", body=None):
    """Runs wrk on the (path, token) pairs in turn; answers req/s, p50, p99 (ms), errors."""
    entries = ",".join('{"%s","%s"}' % (p, t) for p, t in requests)
    script = os.path.join(work, f"{name}.lua")
    with open(script, "w") as f:
        # The body as a Lua string literal (JSON's escapes are Lua's).
        f.write(LUA % (entries, method, json.dumps(json.dumps(body)) if body else "nil"))
    base = ["wrk", "-t1", f"-c{args.connections}", "--latency", "-s", script,
            f"http://127.0.0.1:{port}"]
    subprocess.run(base[:1] + [f"-d{args.warmup}s"] + base[1:], check=True, capture_output=True)
    out = subprocess.run(base[:1] + [f"-d{args.duration}s"] + base[1:], check=True,
                         capture_output=True, text=True).stdout
    return parse_wrk(out)


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(out):
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)",):
        m = re.search(pattern, out)
        errors += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(g) for g in m.groups())
    return {"rate": rate, "p50": p50, "p99": p99, "requests": total, "errors": errors}


def feed_sql(database_url, work):
    """The feed's first page as the server runs it (`ensemble explain feed --sql-only`),
    with the reader's id as :uid (pgbench's variable) and the other binds as literals."""
    sentinel = "987654321"  # no such reader: only the text is wanted
    out = subprocess.run([BINARY, "explain", "--sql-only", "feed", "--user", sentinel],
                         check=True, capture_output=True, text=True,
                         env=env_for(database_url, work)).stdout.splitlines()
    text = out[0]
    binds = dict(re.match(r"-- \$(\d+) = (.*)", line).groups() for line in out[1:] if line)
    assert sentinel in binds.values(), binds
    value = lambda n: ":uid" if binds[n] == sentinel else binds[n]
    if "?" in text:  # SQLite's anonymous placeholders, in order
        parts = text.split("?")
        return "".join(p + (value(str(i + 1)) if i < len(parts) - 1 else "")
                       for i, p in enumerate(parts))
    return re.sub(r"\$(\d+)\b", lambda m: value(m.group(1)), text)


def pgbench(database_url, work, args, mode):
    script = os.path.join(work, "feed.pgbench.sql")
    with open(script, "w") as f:
        f.write(f"\\set uid random(1, {READERS})\n{feed_sql(database_url, work)};\n")
    prefix = os.path.join(work, f"pgbench-{mode}")
    base = ["pgbench", "-n", "-M", mode, f"-c{args.connections}", "-j1", "-f", script,
            database_url]
    subprocess.run(base[:1] + [f"-T{args.warmup}"] + base[1:], check=True, capture_output=True)
    for old in os.listdir(work):
        if old.startswith(f"pgbench-{mode}"):
            os.remove(os.path.join(work, old))
    out = subprocess.run(base[:1] + [f"-T{args.duration}", "-l", f"--log-prefix={prefix}"]
                         + base[1:], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"tps = ([\d.]+)", out).group(1))
    latencies = []
    for name in os.listdir(work):
        if name.startswith(f"pgbench-{mode}"):
            with open(os.path.join(work, name)) as f:
                latencies += [int(line.split()[2]) / 1000.0 for line in f]
    latencies.sort()
    failed = int(re.search(r"number of failed transactions: (\d+)", out).group(1))
    return {"rate": rate, "p50": statistics.median(latencies),
            "p99": latencies[int(len(latencies) * 0.99) - 1], "requests": len(latencies),
            "errors": failed}


def sqlite_alone(database_url, work, args):
    """SQLite has no pgbench: the same SQL from Python's sqlite3, one connection."""
    sql = feed_sql(database_url, work).replace(":uid", "?")
    db = sqlite3.connect(database_url)
    latencies, end, i = [], time.time() + args.duration, 0
    while time.time() < end:
        i += 1
        t = time.perf_counter()
        db.execute(sql, (1 + i % READERS,)).fetchall()
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    return {"rate": len(latencies) / args.duration, "p50": statistics.median(latencies),
            "p99": latencies[int(len(latencies) * 0.99) - 1], "requests": len(latencies),
            "errors": 0}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=5,
                        help="seconds of load before each measure, not counted")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    for tool in ["wrk"] + (["psql", "pgbench"] if args.backend == "postgres" else []):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install "
                     + ("wrk" if tool == "wrk" else "postgresql-client"))
    if not os.path.exists(BINARY):
        sys.exit("build it first: cargo build --release -p ensemble-api")
    work = tempfile.mkdtemp(prefix="ensemble-load-")
    try:
        database_url = prepare_database(args, work)
        db = Database(args.backend, database_url)
        f = fixtures(db)
        tokens = f["tokens"]
        port = free_port()
        server = start_server(database_url, work, port)
        memory = MemoryWatch(server.pid)
        memory.start()
        rows = []

        def scenario(label, name, requests, **kw):
            log(f"{label}…")
            result = wrk(port, work, name, requests, args, **kw)
            rows.append((label, "API (wrk)", result))
            return result

        readers = [("/api/v1/me/feed", tokens[uid]) for uid in range(1, READERS + 1)]
        first = scenario(f"feed page 1 ({READERS} readers)", "feed1", readers)
        deep = deep_pages(port, tokens, 100)
        deep_first = scenario(f"feed page 1 ({DEEP_READERS} readers)", "feed1deep",
                              [("/api/v1/me/feed", t) for _, t, _ in deep])
        hundredth = scenario(f"feed page 100 (the same {DEEP_READERS})", "feed100",
                             [(p, t) for p, t, _ in deep])
        heavy = scenario(f"feed of a reader following {f['heavy_follows']:,}", "heavy",
                         [("/api/v1/me/feed", tokens[f["heavy"]])])
        search = scenario(f"search ({len(SEARCHES)} queries in turn)", "search",
                          [("/api/v1/organisations?q=" + q.replace(" ", "+"), tokens[1])
                           for q in SEARCHES])
        step = max(1, f["organisations"] // 997)
        organisation = scenario("organisation page", "organisation",
                                [(f"/api/v1/organisations/bulk-org-{k}", tokens[1])
                                 for k in range(1, f["organisations"] + 1, step)])
        post = scenario(f"post an update ({f['top_followers']:,} followers)", "post",
                        [(f"/api/v1/organisations/{f['top_slug']}/updates", tokens[e])
                         for e in EDITORS], method="POST",
                        body={"title": "Bench update",
                              "body": "Posted by the **load benchmark**."})
        memory.done = True
        server.terminate()
        server.wait()
        if args.backend == "postgres":
            for mode in ("prepared", "extended"):
                log(f"pgbench, feed SQL, {mode}…")
                rows.append((f"feed page 1 SQL alone ({READERS} readers)",
                             f"pgbench -M {mode}", pgbench(database_url, work, args, mode)))
        else:
            log("sqlite3, feed SQL…")
            rows.append((f"feed page 1 SQL alone ({READERS} readers)", "Python sqlite3, 1 conn.",
                         sqlite_alone(database_url, work, args)))
        db.script("DELETE FROM updates WHERE title = 'Bench update'")
        if args.backend == "postgres":
            # Until vacuumed, the deleted rows stay in the index, newest first, in the way of
            # every reader of that organisation.
            subprocess.run(["psql", database_url, "-q", "-c", "VACUUM ANALYZE updates"], check=True)

        lines = [
            f"{args.backend}, scale {args.scale:g}, {args.connections} connections, "
            f"{args.duration} s per row, release build, 2 workers; {memory.summary()}",
            "",
            "| scenario | client | req/s | p50 | p99 | requests | errors |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for label, client, r in rows:
            lines.append(f"| {label} | {client} | {r['rate']:,.0f} | {r['p50']:.2f} ms | "
                         f"{r['p99']:.2f} ms | {r['requests']:,} | {r['errors']} |")
        sql_alone = rows[-2 if args.backend == "postgres" else -1][2]
        lines += [
            "",
            f"- page 100 / page 1 p99 (same readers): {hundredth['p99'] / deep_first['p99']:.2f}",
            f"- API / SQL-alone throughput (feed page 1): {first['rate'] / sql_alone['rate']:.2f}",
            f"- heavy reader p99 {heavy['p99']:.1f} ms, search p99 {search['p99']:.1f} ms, "
            f"organisation page p99 {organisation['p99']:.1f} ms, post p99 {post['p99']:.1f} ms",
        ]
        table = "\n".join(lines)
        print(table)
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        tag = f"s{args.scale:g}".replace(".", "_")
        with open(os.path.join(ROOT, "bench", "results", f"{args.backend}-{tag}.md"), "w") as out:
            out.write(table + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
