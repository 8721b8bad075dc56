"""A real SMTP server for the tests: aiosmtpd (not ours), keeping every message it
receives in a Maildir.

    python smtp_server.py PORT MAILDIR

Prints `ready` once it accepts connections; stops when its standard input closes (the
test that started it ended).
"""

import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox


def main() -> None:
    port, maildir = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
