#!/usr/bin/env python3
"""Why sending one digest takes about 40 ms: the SMTP exchange lettre 0.11.23 makes, by
hand, against the same local sink as bench/digests.py. lettre writes a message's body,
then the `\\r\\n.\\r\\n` that ends it in a second write, on a socket with Nagle's algorithm
on (it never sets TCP_NODELAY): the second write waits for the body's ACK, which the
receiver delays (40 ms on Linux) while it waits for the rest of the data.

    .venv/bin/python bench/smtp_stall.py

Prints the time per message, a new connection each (as lettre without its `pool`
feature), with Nagle on and with TCP_NODELAY.
"""

import os
import socket
import sys
import time

from digests import ROOT, Sink

MESSAGES = 30
BODY = ("From: a@bench.invalid\r\nTo: b@bench.invalid\r\nSubject: Your week\r\n\r\n"
        + "News from the organisations you follow.\r\n" * 100).encode()


def send(port, nodelay):
    with socket.create_connection(("127.0.0.1", port)) as c:
        if nodelay:
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        replies = c.makefile("rb")

        def reply():
            while (line := replies.readline())[3:4] == b"-":
                pass
            assert line[:1] in (b"2", b"3"), line

        reply()
        for command in (b"EHLO bench\r\n", b"MAIL FROM:<a@bench.invalid>\r\n",
                        b"RCPT TO:<b@bench.invalid>\r\n", b"DATA\r\n"):
            c.sendall(command)
            reply()
        c.sendall(BODY)
        c.sendall(b"\r\n.\r\n")
        reply()
        c.sendall(b"QUIT\r\n")
        reply()


def main():
    sink = Sink(sys.executable if len(sys.argv) < 2 else sys.argv[1])
    try:
        for nodelay in (False, True):
            started = time.perf_counter()
            for _ in range(MESSAGES):
                send(sink.port, nodelay)
            per = (time.perf_counter() - started) * 1000 / MESSAGES
            print(f"{'TCP_NODELAY' if nodelay else 'Nagle on (as lettre)'}: {per:.1f} ms per message")
    finally:
        sink.stop()


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
