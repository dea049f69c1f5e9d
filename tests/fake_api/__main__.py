"""`python -m tests.fake_api --port 8765 --script replies.json`: the fake, served by hand."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator

from tests.fake_api.replies import Reply, reply_from_spec, text_reply
from tests.fake_api.server import FakeAnthropic


def _load_script(path: str) -> list[Reply]:
    with open(path, encoding="utf-8") as f:
        specs = json.load(f)
    if not isinstance(specs, list):
        raise SystemExit(f"{path}: expected a JSON list of reply specs")
    return [reply_from_spec(s) for s in specs]


def _iter_default() -> Iterator[Reply]:
    yield text_reply("Hello from the fake Anthropic API.", repeat=True)


def main(argv: Iterable[str] | None = None) -> int:
    """Serve until Ctrl-C; handy for poking at the TUI by hand."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--script",
        help="JSON list of reply specs; without it every request gets a canned text reply",
    )
    parser.add_argument(
        "--count-usage",
        action="store_true",
        help="bill input tokens from each request (billing.py)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    fake = FakeAnthropic(args.host, args.port, log=True, count_usage=args.count_usage)
    fake.script(*(_load_script(args.script) if args.script else _iter_default()))
    fake.start()
    print(fake.base_url, flush=True)
    print(
        f"fake Anthropic API on {fake.base_url} ({fake.pending} scripted replies); Ctrl-C to stop",
        file=sys.stderr,
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
