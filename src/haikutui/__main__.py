"""Allow `python -m haikutui`, which behaves exactly like the `haikutui` script."""

from __future__ import annotations

from haikutui.cli.main import main

raise SystemExit(main())
