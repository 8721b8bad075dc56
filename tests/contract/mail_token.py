"""Prints the token of the newest link mailed to an address, from the `.eml` files a server
without SMTP writes to its data directory (nothing when there is none yet).

    python mail_token.py MAIL_DIR ADDRESS
"""

import email
import email.policy
import pathlib
import re
import sys


def main() -> None:
    directory, address = pathlib.Path(sys.argv[1]), sys.argv[2]
    for path in sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address not in str(message["To"]):
            continue
        text = message.get_body(("plain",)).get_content()
        found = re.search(r"[?&]token=([A-Za-z0-9_%-]+)", text)
        if found:
            print(found.group(1))
            return


if __name__ == "__main__":
    main()
