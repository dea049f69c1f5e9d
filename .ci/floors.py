"""Print pip constraints pinning every direct dependency to the lowest release its range admits.

CI installs with these (`pip install -c`) and runs the suite a second time, so each `>=` in
pyproject.toml is a floor that was tested, not a guess.
"""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml").read_text())[
    "project"
]
wanted = list(project["dependencies"])
for extra in project.get("optional-dependencies", {}).values():
    wanted += extra
for spec in wanted:
    found = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(?:>=|==)\s*([0-9][0-9A-Za-z.]*)", spec)
    if found and ";" not in spec:
        print(f"{found[1]}=={found[2]}")
