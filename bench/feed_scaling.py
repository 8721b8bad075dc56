#!/usr/bin/env python3
"""Feed latency against the total number of updates: the same reader (following 200
organisations), the same HTTP requests, with 10x and then 100x more updates in the
database. The read-time merge reads each followed organisation's newest updates through
an index, so its cost follows the number of follows, not the number of updates.

    python3 bench/feed_scaling.py [--backend postgres|sqlite] [--sizes 100000,1000000]

Needs a release build (`cargo build --release -p ensemble-api`) and, for PostgreSQL, a
server at $PGURL (default postgres://postgres@127.0.0.1:5432/postgres). Prints a
Markdown table; docs/PERFORMANCE.md keeps the figures.
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sqlite3
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "ensemble")
ORGANISATIONS = 2000
FOLLOWED = 200
REQUESTS = 300


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True)


# Organisations, and updates spread over two years among them (the first FOLLOWED
# organisations, which the reader follows, get their share like any other).
PG_ORGANISATIONS = f"""
INSERT INTO organisations (slug, name, mission, created_at, updated_at, sort_name)
SELECT 'org-' || i, 'Organisation ' || i, 'Benchmark', now(), now(), 'organisation ' || i
FROM generate_series(1, {ORGANISATIONS}) i;
"""

SQLITE_ORGANISATIONS = f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ORGANISATIONS})
INSERT INTO organisations (slug, name, mission, created_at, updated_at, sort_name)
SELECT 'org-' || i, 'Organisation ' || i, 'Benchmark', '2025-01-01 00:00:00.000000',
       '2025-01-01 00:00:00.000000', 'organisation ' || i
FROM n;
"""


def pg_updates(count, start):
    return f"""
INSERT INTO updates (organisation_id, title, body, language, created_at)
SELECT (SELECT min(id) FROM organisations) + (i::bigint * 7919) % {ORGANISATIONS},
       'Update ' || i, 'Body', 'en',
       timestamp '2025-01-01' + (random() * interval '730 days')
FROM generate_series({start}, {start + count - 1}) i;
"""


def sqlite_updates(db, count, start):
    db.execute(
        f"""
WITH RECURSIVE n(i) AS (SELECT {start} UNION ALL SELECT i + 1 FROM n WHERE i < {start + count - 1})
INSERT INTO updates (organisation_id, title, body, language, created_at)
SELECT (SELECT min(id) FROM organisations) + (i * 7919) % {ORGANISATIONS}, 'Update ' || i, 'Body', 'en',
       strftime('%Y-%m-%d %H:%M:%f', '2025-01-01', '+' || (abs(random()) % 63072000) || ' seconds')
FROM n"""
    )
    db.execute("ANALYZE")
    db.commit()


def start_server(database_url, data_dir, port):
    env = dict(os.environ, DATABASE_URL=database_url, ENSEMBLE_DATA_DIR=data_dir,
               ENSEMBLE_LISTEN=f"127.0.0.1:{port}", RUST_LOG="warn")
    process = subprocess.Popen([BINARY, "serve"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("the server did not start")


def request(conn, method, path, token=None, body=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else None)


def measure(port, token, path_of_page):
    """p50 and p99 in ms over REQUESTS sequential requests on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    paths = path_of_page(conn)
    times = []
    for i in range(REQUESTS):
        t = time.perf_counter()
        status, _ = request(conn, "GET", paths[i % len(paths)], token)
        times.append((time.perf_counter() - t) * 1000)
        assert status == 200, status
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def pages(token, depth):
    """The paths of feed pages 1 to `depth`, following the cursors."""
    def walk(conn):
        paths, cursor = [], None
        for _ in range(depth):
            path = "/api/v1/me/feed?limit=20" + (f"&cursor={cursor}" if cursor else "")
            paths.append(path)
            status, body = request(conn, "GET", path, token)
            assert status == 200
            cursor = body["next_cursor"]
        return paths[-1:]
    return walk


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not os.path.exists(BINARY):
        sys.exit("build it first: cargo build --release -p ensemble-api")
    work = tempfile.mkdtemp(prefix="ensemble-bench-")
    pg_admin = os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432/postgres")
    if args.backend == "postgres":
        name = f"ensemble_bench_{os.getpid()}"
        psql(pg_admin, f"CREATE DATABASE {name}")
        database_url = pg_admin.rsplit("/", 1)[0] + f"/{name}?sslmode=disable"
    else:
        database_url = os.path.join(work, "bench.sqlite3")
    try:
        subprocess.run([BINARY, "migrate"], check=True, env=dict(
            os.environ, DATABASE_URL=database_url, ENSEMBLE_DATA_DIR=work, RUST_LOG="warn"))
        lite = sqlite3.connect(database_url) if args.backend == "sqlite" else None
        if lite:
            lite.executescript(SQLITE_ORGANISATIONS)
        else:
            psql(database_url, PG_ORGANISATIONS)
        port = free_port()
        server = start_server(database_url, work, port)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        status, auth = request(conn, "POST", "/api/v1/auth/register", body={
            "email": "reader@bench.invalid", "password": "correct horse battery staple",
            "display_name": "Reader"})
        assert status == 201, auth
        token = auth["access_token"]
        for i in range(1, FOLLOWED + 1):
            status, _ = request(conn, "PUT", f"/api/v1/organisations/org-{i * 9}/follow", token)
            assert status == 200
        rows = []
        done = 0
        for size in sizes:
            if lite:
                sqlite_updates(lite, size - done, done)
            else:
                psql(database_url, pg_updates(size - done, done))
                # What autovacuum does in a running database (and the visibility map lets
                # the feed's index-only scans skip the table).
                psql(database_url, "VACUUM ANALYZE updates")
            done = size
            first = measure(port, token, pages(token, 1))
            tenth = measure(port, token, pages(token, 10))
            rows.append((size, first, tenth))
        server.terminate()
        server.wait()
        print(f"\nFeed over HTTP, {args.backend}, a reader following {FOLLOWED} of "
              f"{ORGANISATIONS} organisations, {REQUESTS} sequential requests each:\n")
        print("| updates in the database | page 1 p50 | page 1 p99 | page 10 p50 | page 10 p99 |")
        print("|---:|---:|---:|---:|---:|")
        for size, (p50, p99), (q50, q99) in rows:
            print(f"| {size:,} | {p50:.2f} ms | {p99:.2f} ms | {q50:.2f} ms | {q99:.2f} ms |")
    finally:
        if args.backend == "postgres":
            subprocess.run(["psql", pg_admin, "-q", "-c",
                            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
