#!/usr/bin/env python3
"""The weekly digest at the benchmark's scale (issue 15): how long queuing every reader's
digest takes, how fast the server's job workers build and send them, and what the
readers of the feed feel meanwhile.

    python3 bench/digests.py --scale 1 --drain 50000 --workers 4,8

Makes a fresh PostgreSQL database (`ensemble_bench_digest`, dropped at the end unless
`--keep`; `--reuse` takes a kept one back, its jobs and digest state reset), fills it with
`ensemble seed bulk`, then:

1. Queuing. Every bulk reader is verified and weekly; first all in UTC (the worst case:
   one statement queues every reader at Monday 08:00 UTC), then spread over 20 time zones
   by a fixed share each (the docs give them): `ensemble digests queue --at` for each hour
   from Sunday 12:00 to Monday 23:00 UTC, as the hourly job would run them. The server
   (no job workers) serves feed pages meanwhile, measured against an idle baseline.
2. Building and sending. The release server with `ENSEMBLE_JOB_WORKERS` workers drains
   the queue into a local SMTP sink (aiosmtpd, which counts and discards each message):
   with the default workers until `--drain` digests are done, then with each of
   `--workers` for `--window` seconds after `--warmup`. The rate comes from `/metrics`
   (`ensemble_job_runs_total{kind="mail.digest"}`). Meanwhile one client reads feed
   pages in turn (sequential requests on one keep-alive connection, the first 1,000
   readers), and PostgreSQL's sessions are sampled each second (`pg_stat_activity`: active,
   waiting on a lock). The CPU time of the server, PostgreSQL (all its processes) and the
   sink is read from /proc, per 1,000 digests: the server's and PostgreSQL's include
   serving the feed reader meanwhile.
3. Taking a job late in the drain: the claim's inner SELECT, with the finished jobs still
   in `jobs`, then after `VACUUM jobs`.

Readers' news: the bench re-dates some updates so that the last week looks like any other
(see `recent_news`).

Needs the release build (`cargo build --release -p ensemble-api`), psql, PostgreSQL at
$PGURL (default postgres://postgres@127.0.0.1:5432/postgres), and a Python with aiosmtpd
(`--python`, default .venv/bin/python, made by scripts/setup.sh's `ensure_test_python`).
The Markdown goes to standard output and to bench/results/digests-s<scale>.md.
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from feed_scaling import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "ensemble")
READERS = 1000

# Where the readers live, in percent (a guess at an international charity network's
# audience: Europe and the Americas first, then Asia and Africa). Readers get a zone by a
# hash of their id, so every run spreads them the same way.
ZONES = [
    ("America/Los_Angeles", 6), ("America/Chicago", 5), ("America/New_York", 10),
    ("America/Mexico_City", 4), ("America/Bogota", 3), ("America/Sao_Paulo", 5),
    ("Europe/London", 8), ("Europe/Paris", 10), ("Europe/Madrid", 5), ("Europe/Berlin", 6),
    ("Africa/Lagos", 4), ("Africa/Nairobi", 3), ("Africa/Johannesburg", 2),
    ("Asia/Kolkata", 8), ("Asia/Shanghai", 10), ("Asia/Tokyo", 3), ("Asia/Jakarta", 3),
    ("Australia/Sydney", 2), ("Pacific/Auckland", 1), ("UTC", 2),
]

# A discarding SMTP server: counts messages (printed each second), keeps none.
SINK = r"""
import sys, time, threading
from aiosmtpd.controller import Controller
count = 0
class Discard:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        return "250 OK"
controller = Controller(Discard(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
while True:
    time.sleep(1)
    print(count, flush=True)
"""


def log(message):
    print(message, file=sys.stderr, flush=True)


def psql(url, sql, rows=False):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line] if rows else out.strip()


def env_for(database_url, work, **extra):
    return dict(os.environ, DATABASE_URL=database_url, ENSEMBLE_DATA_DIR=work, RUST_LOG="warn",
                **extra)


def cpu_seconds(pids):
    """utime + stime of these processes (and, for PostgreSQL, of every backend)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / tick


def postgres_pids():
    out = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


class Sink:
    def __init__(self, python):
        self.port = free_port()
        self.process = subprocess.Popen([python, "-c", SINK, str(self.port)],
                                        stdout=subprocess.PIPE, text=True)
        if self.process.stdout.readline().strip() != "ready":
            sys.exit("the SMTP sink did not start (is aiosmtpd installed? see --python)")
        self.count = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.count = int(line)

    def stop(self):
        self.process.kill()
        self.process.wait()


class FeedReader(threading.Thread):
    """Feed page 1 for the readers in turn, one request at a time, until stopped."""

    def __init__(self, port, tokens):
        super().__init__(daemon=True)
        self.port, self.tokens = port, tokens
        self.times, self.errors, self.stopped = [], 0, threading.Event()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = 0
        while not self.stopped.is_set():
            token = self.tokens[i % len(self.tokens)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", "/api/v1/me/feed", headers={"authorization": f"Bearer {token}"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            if ok:
                self.times.append((time.perf_counter() - started) * 1000)
            else:
                self.errors += 1

    def stop(self):
        self.stopped.set()
        self.join()
        times = sorted(self.times)
        if not times:
            return {"n": 0, "p50": float("nan"), "p99": float("nan"), "errors": self.errors}
        return {"n": len(times), "p50": statistics.median(times),
                "p99": times[max(0, int(len(times) * 0.99) - 1)], "errors": self.errors}


class Sessions(threading.Thread):
    """PostgreSQL's sessions on the bench database each second: active ones, and those
    waiting for a lock; and whether a compiler was running on the machine meanwhile (it
    takes the same two cores)."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url, self.samples, self.stopped = url, [], threading.Event()

    def run(self):
        sql = (f"SELECT count(*) FILTER (WHERE state = 'active'), "
               f"count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) "
               f"FROM pg_stat_activity WHERE datname = current_database() "
               f"AND pid <> pg_backend_pid()")
        while not self.stopped.wait(1.0):
            try:
                compiling = subprocess.run(["pgrep", "-x", "rustc"],
                                           capture_output=True).returncode == 0
                self.samples.append([int(v) for v in psql(self.url, sql, rows=True)[0]]
                                    + [compiling])
            except subprocess.CalledProcessError:
                pass

    def stop(self):
        self.stopped.set()
        self.join()
        if not self.samples:
            return "no samples"
        active = [s[0] for s in self.samples]
        locks = [s[1] for s in self.samples]
        return (f"{len(self.samples)} samples: active sessions mean {statistics.mean(active):.1f}, "
                f"max {max(active)}; waiting on a lock in {sum(1 for n in locks if n)} samples "
                f"(max {max(locks)}); {max(s[2] for s in self.samples)} sessions at most; "
                f"a compiler ran in {sum(1 for s in self.samples if s[3])} samples")


def metric(port, name, labels):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def digests_done(port):
    return metric(port, "ensemble_job_runs_total", {"kind": "mail.digest", "outcome": "done"})


def digests_failed(port):
    return (metric(port, "ensemble_job_runs_total", {"kind": "mail.digest", "outcome": "retry"})
            + metric(port, "ensemble_job_runs_total", {"kind": "mail.digest", "outcome": "dead"}))


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def seed(url, work, scale):
    log(f"seeding at scale {scale:g}")
    started = time.time()
    subprocess.run([BINARY, "migrate"], check=True, env=env_for(url, work),
                   stdout=subprocess.DEVNULL)
    subprocess.run([BINARY, "seed", "bulk", "--scale", str(scale)], check=True,
                   env=env_for(url, work))
    psql(url, "VACUUM ANALYZE")
    return time.time() - started


def make_tokens(url):
    """Personal API tokens for readers 1..READERS (as load.py makes them)."""
    run = secrets.token_hex(4)
    tokens, values = [], []
    for uid in range(1, READERS + 1):
        secret = f"ens_pat_digest{run}{uid}_{secrets.token_urlsafe(24)}"
        tokens.append(secret)
        digest = hashlib.sha256(secret.encode()).hexdigest()
        values.append(f"('digest-{run}-{uid}', {uid}, 'bench', 'read', '{digest}', now())")
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-1", "-f", "-"], check=True,
                   text=True, input="INSERT INTO api_tokens (id, user_id, name, scope, token_hash, "
                   "created_at) VALUES\n" + ",\n".join(values) + ";\n")
    return tokens


def recent_news(url):
    """The bulk generator draws an update's organisation and its date from two hashes of
    the same row number that differ by a constant, so each organisation's updates fall
    within one stretch of the two years (18 hours for all but the 10,000 or so most
    popular): only a few hundred organisations posted in any given week. A digest reads the last week, so the bench gives it a realistic one: the
    updates dated in the last week move back into the two years before it, and one update
    in 104 (a week of two years), whose organisations follow the popularity law, moves into
    the last week, both by an independent hash. Answers (updates, organisations) in the
    last week, before and after."""
    now = "(now() AT TIME ZONE 'utc')"
    week = f"SELECT count(*), count(DISTINCT organisation_id) FROM updates WHERE created_at > {now} - interval '7 days'"
    before = [int(v) for v in psql(url, week, rows=True)[0]]
    h = "(((id + 7) * 2246822519) % 4294967296)"
    psql(url, f"UPDATE updates SET created_at = {now} - interval '7 days' - make_interval(secs => {h} % 62467200) "
              f"WHERE created_at > {now} - interval '7 days'")
    psql(url, f"UPDATE updates SET created_at = {now} - make_interval(secs => {h} % 604800) WHERE id % 104 = 0")
    psql(url, "VACUUM ANALYZE updates")
    return before, [int(v) for v in psql(url, week, rows=True)[0]]


def claim_cost(url):
    """What taking one job costs now: the claim's inner SELECT (`db::jobs::claim`), planned
    and run as the workers run it, in a transaction rolled back. Answers (ms, buffers)."""
    plan = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", "BEGIN", "-c",
         "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT id FROM jobs WHERE "
         "(state = 'queued' AND run_at <= now() AT TIME ZONE 'utc') OR (state = 'running' "
         "AND locked_until < now() AT TIME ZONE 'utc') ORDER BY run_at, id LIMIT 1 "
         "FOR UPDATE SKIP LOCKED", "-c", "ROLLBACK"],
        check=True, capture_output=True, text=True).stdout
    top = json.loads(plan[plan.index("["):plan.rindex("]") + 1])[0]
    buffers = top["Plan"].get("Shared Hit Blocks", 0) + top["Plan"].get("Shared Read Blocks", 0)
    return top["Execution Time"], buffers


def spread_zones(url):
    cases, bound = [], 0
    for zone, share in ZONES:
        bound += share
        cases.append(f"WHEN (id * 2654435761) % 100 < {bound} THEN '{zone}'")
    assert bound == 100
    psql(url, f"UPDATE users SET time_zone = CASE {' '.join(cases)} END")
    psql(url, "VACUUM ANALYZE users")


def queue(url, work, at):
    """`ensemble digests queue --at`: (digests queued, seconds the command says it took,
    seconds of the whole process)."""
    started = time.perf_counter()
    out = subprocess.run([BINARY, "digests", "queue", "--at", at], check=True,
                         capture_output=True, text=True, env=env_for(url, work)).stdout
    wall = time.perf_counter() - started
    n, seconds = re.match(r"(\d+) digests queued for \S+ in ([\d.]+) s", out).groups()
    return int(n), float(seconds), wall


def drain(url, work, python, tokens, workers, *, count=None, window=None, warmup=0):
    """Runs the server with `workers` job workers; measures from `warmup` seconds on, until
    `count` digests are done or for `window` seconds. Answers the figures."""
    sink = Sink(python)
    port = free_port()
    pool = max(16, workers + 8)
    env = env_for(url, work, ENSEMBLE_LISTEN=f"127.0.0.1:{port}", ENSEMBLE_JOB_WORKERS=str(workers),
                  ENSEMBLE_SMTP_URL=f"smtp://127.0.0.1:{sink.port}?tls=none",
                  ENSEMBLE_DB_POOL_SIZE=str(pool), ENSEMBLE_WORKERS="2")
    server = subprocess.Popen([BINARY, "serve"], env=env, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(work, f"server-{workers}.log"), "w"))
    try:
        wait_ready(port)
        time.sleep(warmup)
        reader, sessions = FeedReader(port, tokens), Sessions(url)
        pids = {"server": [server.pid], "PostgreSQL": postgres_pids(), "SMTP sink": [sink.process.pid]}
        cpu = {k: cpu_seconds(v) for k, v in pids.items()}
        done0, sent0, started = digests_done(port), sink.count, time.time()
        reader.start()
        sessions.start()
        trace = [(started, done0)]
        while (digests_done(port) - done0 < count) if count is not None else (
                time.time() - started < window):
            time.sleep(5)
            trace.append((time.time(), digests_done(port)))
        # The rate over the first and the last minute (or fifth) of the measure.
        span = min(60, (trace[-1][0] - started) / 5)
        first = next(t for t in trace if t[0] - started >= span)
        last = next(t for t in trace if trace[-1][0] - t[0] <= span)
        rates = ((first[1] - done0) / (first[0] - started),
                 (trace[-1][1] - last[1]) / max(trace[-1][0] - last[0], 1))
        done, elapsed, sent = digests_done(port) - done0, time.time() - started, sink.count - sent0
        feed, activity = reader.stop(), sessions.stop()
        cpu = {k: cpu_seconds(pids[k]) - v for k, v in cpu.items()}
        failed = digests_failed(port)
        queued = metric(port, "ensemble_jobs", {"state": "queued"})
    finally:
        stop(server)
        sink.stop()
    return {"workers": workers, "pool": pool, "done": done, "sent": sent, "seconds": elapsed,
            "rate": done / elapsed, "feed": feed, "activity": activity, "cpu": cpu,
            "failed": failed, "queued_after": queued, "rates": rates}


def wait_ready(port):
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("the server did not start")


def feed_while(port, tokens, action):
    """Feed latency while `action()` runs; answers (its result, the latency figures)."""
    reader = FeedReader(port, tokens)
    reader.start()
    try:
        result = action()
    finally:
        feed = reader.stop()
    return result, feed


def ms(feed):
    return (f"{feed['p50']:.2f} ms | {feed['p99']:.2f} ms | {feed['n']:,} | {feed['errors']}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--drain", type=int, default=50000,
                        help="digests the default workers send before the first figure")
    parser.add_argument("--workers", default="4,8",
                        help="more job worker counts, each measured for --window seconds")
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--baseline", type=int, default=30,
                        help="seconds of feed reads with no job running")
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    parser.add_argument("--database", default="ensemble_bench_digest")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--reuse", action="store_true",
                        help="take back a database kept by --keep instead of seeding again")
    args = parser.parse_args()
    # Stopped from outside: clean up (the server, the sink, the database) all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    if not os.path.exists(BINARY):
        sys.exit("build it first: cargo build --release -p ensemble-api")
    for tool in ("psql", "pgrep"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing")
    admin = os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432/postgres")
    DATABASE = args.database
    url = admin.rsplit("/", 1)[0] + f"/{DATABASE}"
    work = tempfile.mkdtemp(prefix="ensemble-digests-")
    lines = []
    out = lambda s="": (lines.append(s), log(s))
    try:
        exists = psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")
        if args.reuse and exists:
            log("reusing the kept database: jobs, time zones and digests reset")
            psql(url, "TRUNCATE jobs")
            psql(url, "DELETE FROM api_tokens WHERE name = 'bench'")
            psql(url, "UPDATE users SET time_zone = 'UTC', digest_sent_at = NULL "
                      "WHERE time_zone <> 'UTC' OR digest_sent_at IS NOT NULL")
            psql(url, "VACUUM ANALYZE users")
            seeded = None
        else:
            psql(admin, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            psql(admin, f"CREATE DATABASE {DATABASE}")
            seeded = seed(url, work, args.scale)
        users, verified, weekly, utc = psql(url, (
            "SELECT count(*), count(*) FILTER (WHERE email_verified), "
            "count(*) FILTER (WHERE digest = 'weekly'), count(*) FILTER (WHERE time_zone = 'UTC') "
            "FROM users"), rows=True)[0]
        out(("Reused a database seeded earlier" if seeded is None else f"Seeded in {seeded:.0f} s")
            + f": {int(users):,} users, {int(verified):,} with a verified "
            f"address, {int(weekly):,} weekly (the default), {int(utc):,} in UTC (the default).")
        # Every bulk reader is verified already; a real base has some who are not (they get
        # no digest). This makes sure all are, whatever the generator does.
        psql(url, "UPDATE users SET email_verified = TRUE WHERE NOT email_verified")
        tokens = make_tokens(url)
        psql(url, "VACUUM ANALYZE api_tokens")
        (b_n, b_orgs), (a_n, a_orgs) = recent_news(url)
        out(f"Updates in the last 7 days: {b_n:,} from {b_orgs:,} organisations before "
            f"re-dating; {a_n:,} from {a_orgs:,} organisations after (see `recent_news`).")

        today = datetime.datetime.now(datetime.timezone.utc).date()
        monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)
        sunday = monday - datetime.timedelta(days=1)

        # The server, without job workers: it serves the feed while the digests are queued.
        port = free_port()
        server = subprocess.Popen([BINARY, "serve"], env=env_for(
            url, work, ENSEMBLE_LISTEN=f"127.0.0.1:{port}", ENSEMBLE_JOB_WORKERS="0",
            ENSEMBLE_WORKERS="2"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(port)
            _, baseline = feed_while(port, tokens, lambda: time.sleep(args.baseline))
            log("queuing every reader at once (all in UTC)")
            (n_all, s_all, w_all), feed_all = feed_while(
                port, tokens, lambda: queue(url, work, f"{monday}T08:00:00Z"))
            psql(url, "TRUNCATE jobs")
            spread_zones(url)
            log("queuing hour by hour (readers spread over time zones)")
            hours = []

            def sweep():
                at = datetime.datetime.combine(sunday, datetime.time(12))
                while at.date() <= monday:
                    n, seconds, wall = queue(url, work, at.strftime("%Y-%m-%dT%H:%M:%SZ"))
                    hours.append((at, n, seconds, wall))
                    at += datetime.timedelta(hours=1)
            _, feed_sweep = feed_while(port, tokens, sweep)
        finally:
            stop(server)
        psql(url, "VACUUM ANALYZE jobs")
        busiest = max(hours, key=lambda h: h[1])
        total_queued = sum(h[1] for h in hours)

        out()
        out(f"### Queuing ({int(users):,} weekly readers, Monday {monday})")
        out()
        out("| case | digests queued | statement | whole command |")
        out("|---|---:|---:|---:|")
        out(f"| every reader in UTC, Monday 08:00 UTC: one statement | {n_all:,} | {s_all:.2f} s | "
            f"{w_all:.2f} s |")
        out(f"| spread over {len(ZONES)} zones: {len(hours)} hourly runs, Sunday 12:00 to Monday "
            f"23:00 UTC, all together | {total_queued:,} | {sum(h[2] for h in hours):.2f} s | "
            f"{sum(h[3] for h in hours):.2f} s |")
        out(f"| the same, busiest hour ({busiest[0]:%a %H:%M} UTC) | {busiest[1]:,} | "
            f"{busiest[2]:.2f} s | {busiest[3]:.2f} s |")
        quiet = [h for h in hours if h[1] == 0]
        if quiet:
            out(f"| the same, an hour when nobody is due (mean of {len(quiet)}) | 0 | "
                f"{statistics.mean(h[2] for h in quiet):.2f} s | "
                f"{statistics.mean(h[3] for h in quiet):.2f} s |")
        out()
        out("Per hour (UTC): " + ", ".join(f"{h[0]:%a %H}h {h[1]:,}" for h in hours if h[1]))
        out()
        out("Feed page 1 over HTTP meanwhile (one client, sequential requests, 1,000 readers in turn):")
        out()
        out("| while | p50 | p99 | requests | errors |")
        out("|---|---:|---:|---:|---:|")
        out(f"| nothing else (baseline, {args.baseline} s) | {ms(baseline)} |")
        out(f"| queuing {n_all:,} in one statement | {ms(feed_all)} |")
        out(f"| the {len(hours)} hourly runs | {ms(feed_sweep)} |")

        # Building and sending.
        runs = []
        log(f"draining {args.drain:,} digests with the default 2 workers")
        runs.append(("until " + f"{args.drain:,}", drain(url, work, args.python, tokens, 2,
                                                         count=args.drain, warmup=args.warmup)))
        for w in [int(w) for w in args.workers.split(",") if w]:
            log(f"{w} workers for {args.window} s")
            runs.append((f"{args.window} s", drain(url, work, args.python, tokens, w,
                                                   window=args.window, warmup=args.warmup)))
        remaining = int(psql(url, "SELECT count(*) FROM jobs WHERE kind = 'mail.digest' "
                                  "AND state IN ('queued', 'running')"))
        # Taking a job, as the drain leaves the queue: the finished jobs' entries stay in
        # the due index until the table is vacuumed.
        dead, vacuums = psql(url, "SELECT n_dead_tup, autovacuum_count FROM pg_stat_user_tables "
                                  "WHERE relname = 'jobs'", rows=True)[0]
        claim_after = claim_cost(url)
        psql(url, "VACUUM jobs")
        claim_vacuumed = claim_cost(url)
        out()
        out(f"### Building and sending (SMTP sink on this machine; {args.warmup} s of warm-up "
            f"not counted)")
        out()
        out("| job workers (pool) | measured | digests done | of which mail sent | digests/s | "
            "feed p50 | feed p99 | feed requests | feed errors | CPU s per 1,000: server / "
            "PostgreSQL / sink |")
        out("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for label, r in runs:
            per = lambda k: 1000 * r["cpu"][k] / max(r["done"], 1)
            out(f"| {r['workers']} ({r['pool']}) | {label} ({r['seconds']:.0f} s) | "
                f"{r['done']:,.0f} | {r['sent']:,} | {r['rate']:,.0f} | {ms(r['feed'])} | "
                f"{per('server'):.1f} / {per('PostgreSQL'):.1f} / {per('SMTP sink'):.1f} |")
        out()
        for label, r in runs:
            out(f"- {r['workers']} workers: {r['rates'][0]:,.0f} digests/s at the start, "
                f"{r['rates'][1]:,.0f}/s at the end; PostgreSQL {r['activity']}; digests failed "
                f"(retry or dead) {r['failed']:.0f}")
        out()
        out(f"Taking one job (the claim's inner SELECT) after the drains, {int(dead):,} dead rows "
            f"in `jobs` ({vacuums} autovacuums meanwhile): {claim_after[0]:.2f} ms, "
            f"{claim_after[1]:,} buffers; after `VACUUM jobs`: {claim_vacuumed[0]:.2f} ms, "
            f"{claim_vacuumed[1]:,} buffers.")
        best = max(runs, key=lambda lr: lr[1]["rate"])[1]
        out()
        out(f"Digests still queued at the end: {remaining:,}. At the best measured rate "
            f"({best['rate']:,.0f}/s, {best['workers']} workers) all {total_queued:,} would take "
            f"**{total_queued / best['rate'] / 60:.0f} min (extrapolated)**; at the default "
            f"workers' rate ({runs[0][1]['rate']:,.0f}/s) "
            f"{total_queued / runs[0][1]['rate'] / 60:.0f} min (extrapolated).")
        table = "\n".join(lines)
        print(table)
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        tag = f"s{args.scale:g}".replace(".", "_")
        with open(os.path.join(ROOT, "bench", "results", f"digests-{tag}.md"), "w") as f:
            f.write(table + "\n")
    finally:
        if not args.keep:
            subprocess.run(["psql", admin, "-q", "-c",
                            f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
