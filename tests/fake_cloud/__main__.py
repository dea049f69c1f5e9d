"""`python -m tests.fake_cloud bedrock|vertex --port 8766 --script replies.json`, served by hand.

It prints the environment that points haikutui at it (offline credentials included).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from tests.fake_api.__main__ import _iter_default, _load_script
from tests.fake_cloud.bedrock import FakeBedrock
from tests.fake_cloud.vertex import FakeVertex


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("platform", choices=("bedrock", "vertex"))
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port")
    parser.add_argument("--script", help="JSON list of reply specs (as for tests.fake_api)")
    args = parser.parse_args(list(argv) if argv is not None else None)

    fake = (FakeBedrock if args.platform == "bedrock" else FakeVertex)(
        "127.0.0.1", args.port, log=True
    )
    fake.script(*(_load_script(args.script) if args.script else _iter_default()))
    fake.start()
    env = fake.env()
    if isinstance(fake, FakeVertex):
        env["GOOGLE_APPLICATION_CREDENTIALS"] = str(fake.adc_file(Path(tempfile.mkdtemp())))
    for name, value in {**env, "HAIKUTUI_PROVIDER": args.platform}.items():
        print(f"export {name}={value}", flush=True)
    print(f"fake {args.platform} on {fake.base_url}; Ctrl-C to stop", file=sys.stderr, flush=True)
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
