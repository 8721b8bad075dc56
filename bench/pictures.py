#!/usr/bin/env python3
"""Pictures (issue 16): what processing an upload costs, what a burst of uploads does to the
rest of the API and to the server's memory, and how fast the files are served.

    python3 bench/pictures.py --uploads 20

Starts the release server on a fresh SQLite data directory (pictures as files under it),
registers and verifies a person (the link is read from the mail the server writes), then:

1. One at a time: `--uploads` uploads of a 12-megapixel JPEG photograph (4000 × 3000,
   made by Pillow from noise and gradients, so that it compresses like a photograph, with
   EXIF), timed from the request to the answer: decoding, turning, resizing to 160, 480,
   1080 and 1920, encoding each in WebP and JPEG, storing, recording. p50 and p99.
2. A burst: 8 of those uploads at once (from 8 people) while one client reads the
   directory (`GET /api/v1/organisations`) in turn: the readers' p50 and p99 during the
   burst against an idle baseline, the burst's wall time, and the server's resident memory
   (VmRSS, sampled every 20 ms) before and at its peak. Processing is bounded by
   ENSEMBLE_UPLOAD_PROCESSING (default 2).
3. Serving: wrk on one 480-wide WebP variant for 10 s (2 threads, 32 connections), and the
   same with `If-None-Match` (304s).

Needs the release build (`cargo build --release -p ensemble-api`), wrk, and a Python with
Pillow (`--python`, default .venv/bin/python, made by scripts/setup.sh's
`ensure_test_python`). The Markdown goes to standard output and to
bench/results/pictures.md.
"""

import argparse
import email
import email.policy
import glob
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from feed_scaling import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "ensemble")
PASSWORD = "a long enough bench password"

MAKE_PHOTO = r"""
import random, sys
from PIL import Image, ImageDraw, ImageFilter
random.seed(12)
w, h = 4000, 3000
noise = Image.effect_noise((w, h), 60).convert("RGB")
base = Image.linear_gradient("L").resize((w, h)).convert("RGB")
photo = Image.blend(noise, base, 0.55)
draw = ImageDraw.Draw(photo)
for _ in range(120):
    x, y, r = random.randrange(w), random.randrange(h), random.randrange(20, 300)
    draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(random.randrange(256) for _ in range(3)))
photo = photo.filter(ImageFilter.GaussianBlur(1.2))
exif = Image.Exif()
exif[0x0112] = 6
exif[0x010F] = "Bench camera"
photo.save(sys.argv[1], "JPEG", quality=90, exif=exif.tobytes())
"""


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


class Server:
    def __init__(self, data_dir, port):
        env = dict(os.environ)
        env.update(
            {
                "ENSEMBLE_DATA_DIR": data_dir,
                "ENSEMBLE_LISTEN": f"127.0.0.1:{port}",
                "ENSEMBLE_WEB_DIR": os.path.join(ROOT, "web-client", "dist"),
                "RUST_LOG": "warn",
                # The bench sends more than a person may in an hour.
                "ENSEMBLE_AUTH_ATTEMPTS_PER_IP": "1000",
            }
        )
        self.process = subprocess.Popen([BINARY, "serve"], env=env)
        self.port = port
        for _ in range(300):
            try:
                status, _ = self.request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("the server did not start")

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


def verified_person(server, data_dir, address):
    body = json.dumps({"email": address, "password": PASSWORD, "display_name": "Bench"})
    status, data = server.request("POST", "/api/v1/auth/register", body, {"Content-Type": "application/json"})
    assert status == 201, (status, data)
    token = json.loads(data)["access_token"]
    for _ in range(200):
        for path in glob.glob(os.path.join(data_dir, "mail", "*.eml")):
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            if address not in str(message["To"]):
                continue
            text = message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"token=([A-Za-z0-9_\-]+)", text)
            if found:
                status, data = server.request(
                    "POST",
                    "/api/v1/auth/email/confirm",
                    json.dumps({"token": found.group(1)}),
                    {"Content-Type": "application/json"},
                )
                assert status == 200, (status, data)
                return token
        time.sleep(0.05)
    raise SystemExit(f"no verification mail for {address}")


def upload(server, token, photo):
    started = time.perf_counter()
    status, data = server.request(
        "POST", "/api/v1/uploads", photo, {"Content-Type": "image/jpeg", "Authorization": f"Bearer {token}"}
    )
    elapsed = time.perf_counter() - started
    assert status == 201, (status, data[:300])
    return elapsed * 1000, json.loads(data)


def wrk(port, path, headers=()):
    command = ["wrk", "-t2", "-c32", "-d10s", "--latency"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)

    def ms(match):
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rate, ms(p50), ms(p99)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        raise SystemExit("build it first: cargo build --release -p ensemble-api")

    work = tempfile.mkdtemp(prefix="ensemble-bench-pictures.")
    photo_path = os.path.join(work, "photo.jpg")
    subprocess.run([args.python, "-c", MAKE_PHOTO, photo_path], check=True)
    with open(photo_path, "rb") as f:
        photo = f.read()
    data_dir = os.path.join(work, "data")
    server = Server(data_dir, free_port())
    lines = []
    try:
        token = verified_person(server, data_dir, "bench@example.org")
        rss_idle = server.rss_kib()

        # 1. One at a time.
        upload(server, token, photo)  # warm-up
        timings = []
        variants = None
        for _ in range(args.uploads):
            elapsed, body = upload(server, token, photo)
            timings.append(elapsed)
            variants = body["picture"]["variants"]
        stored = sum(1 for _ in glob.iglob(os.path.join(data_dir, "uploads", "**", "*.*"), recursive=True))

        # 2. A burst of 8 while the directory is read.
        def read_directory(until, out):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            while time.perf_counter() < until or not out:
                started = time.perf_counter()
                connection.request("GET", "/api/v1/organisations")
                connection.getresponse().read()
                out.append((time.perf_counter() - started) * 1000)
            connection.close()

        baseline = []
        read_directory(time.perf_counter() + 3, baseline)
        tokens = [verified_person(server, data_dir, f"burst{i}@example.org") for i in range(8)]
        peak = [server.rss_kib()]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak.append(server.rss_kib())
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        during = []
        burst_times = []
        started = time.perf_counter()
        threads = [threading.Thread(target=lambda t=t: burst_times.append(upload(server, t, photo)[0])) for t in tokens]
        for thread in threads:
            thread.start()
        reader_stop = [False]

        def reader():
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            while not reader_stop[0]:
                t0 = time.perf_counter()
                connection.request("GET", "/api/v1/organisations")
                connection.getresponse().read()
                during.append((time.perf_counter() - t0) * 1000)
            connection.close()

        reading = threading.Thread(target=reader)
        reading.start()
        for thread in threads:
            thread.join()
        burst_wall = time.perf_counter() - started
        reader_stop[0] = True
        reading.join()
        stop.set()
        sampler.join()

        # 3. Serving one variant.
        url = next(v["url"] for v in variants if v["width"] == 480 and v["content_type"] == "image/webp")
        status, _ = server.request("GET", url)
        assert status == 200
        served = wrk(server.port, url)
        etag_status, _ = server.request("GET", url)
        connection = http.client.HTTPConnection("127.0.0.1", server.port)
        connection.request("GET", url)
        etag = connection.getresponse().getheader("ETag")
        connection.close()
        cached = wrk(server.port, url, [f"If-None-Match: {etag}"])

        lines += [
            f"# Pictures: a 12-megapixel JPEG ({len(photo) / 1e6:.1f} MB, 4000 × 3000, EXIF orientation 6)",
            "",
            f"- {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, release build, {os.cpu_count()} cores, "
            f"SQLite, files on local disk, ENSEMBLE_UPLOAD_PROCESSING=2",
            f"- Variants per upload: {len(variants)} ({', '.join(sorted({str(v['width']) for v in variants}, key=int))} wide, WebP and JPEG); "
            f"{stored} files stored for {args.uploads + 1} uploads",
            "",
            "| measure | value |",
            "|---|---|",
            f"| one upload, end to end, p50 | {percentile(timings, 50):.0f} ms |",
            f"| one upload, end to end, p99 | {percentile(timings, 99):.0f} ms |",
            f"| 8 uploads at once: wall time | {burst_wall:.1f} s (slowest {max(burst_times):.0f} ms) |",
            f"| directory read, idle: p50 / p99 | {percentile(baseline, 50):.1f} / {percentile(baseline, 99):.1f} ms ({len(baseline)} reads) |",
            f"| directory read during the burst: p50 / p99 | {percentile(during, 50):.1f} / {percentile(during, 99):.1f} ms ({len(during)} reads) |",
            f"| server memory: idle / peak during the burst | {rss_idle / 1024:.0f} / {max(peak) / 1024:.0f} MB |",
            f"| serving a 480-wide WebP (wrk, 32 connections): req/s, p50 / p99 | {served[0]:.0f}, {served[1]:.2f} / {served[2]:.2f} ms |",
            f"| the same with If-None-Match (304): req/s, p50 / p99 | {cached[0]:.0f}, {cached[1]:.2f} / {cached[2]:.2f} ms |",
        ]
    finally:
        server.stop()
    report = "\n".join(lines) + "\n"
    print(report)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "pictures.md"), "w") as out:
        out.write(report)


if __name__ == "__main__":
    sys.exit(main())
