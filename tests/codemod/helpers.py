"""A 20-module repo and a fake API that answers each request for its own file, whatever
order concurrent requests arrive in: edits by path, judge answers by path and attempt."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import make_repo
from tests.fake_api import Reply, str_replace, text_reply, tool_reply, tool_use

OLD, NEW = "api.old_api(", "api.new_api("
INSTRUCTION = "call new_api instead of old_api"


def module(n: int) -> str:
    return (
        f'"""Module {n}."""\n\nimport api\n\n\ndef run_{n}(x):\n    return api.old_api(x) + {n}\n'
    )


def make_codemod_repo(root: Path, count: int = 20) -> Path:
    files: dict[str, str | bytes] = {f"src/pkg/mod_{n:02d}.py": module(n) for n in range(count)}
    files["src/pkg/readme.txt"] = "api.old_api( is documented here\n"
    files["other/elsewhere.py"] = "def g():\n    return 1\n"
    return make_repo(root, files)


def path_of(body: dict[str, Any]) -> str:
    """The file an edit request is about (`<file path="...">`), or a judge request's `File:`."""
    sent = json.dumps(body["messages"])
    found = re.search(r'<file path=\\"([^"\\]+)\\"', sent) or re.search(r"File: ([^\\]+)\\n", sent)
    assert found, sent[:300]
    return found.group(1)


def is_judge(body: dict[str, Any]) -> bool:
    return any(t.get("name") == "record_judgement" for t in body.get("tools") or [])


def judge_reply(answer: str, reason: str = "does what was asked") -> Reply:
    return tool_reply(
        tool_use({"answer": answer, "reason": reason}, name="record_judgement"),
        usage={"input_tokens": 300, "output_tokens": 30},
    )


class Responder:
    """Edits by file and model; judge answers by file (a list is played one per judgement)."""

    def __init__(
        self,
        edits: dict[tuple[str, str], tuple[str, str]] | None = None,
        judge: dict[str, list[str]] | None = None,
    ) -> None:
        self.edits = edits or {}
        self.judge = judge or {}
        self.seen: list[tuple[str, str, str]] = []
        """(kind, model, path) of each request, in arrival order."""

    def __call__(self, body: dict[str, Any]) -> Reply | None:
        path, model = path_of(body), str(body.get("model"))
        if is_judge(body):
            self.seen.append(("judge", model, path))
            answers = self.judge.get(path)
            return judge_reply(answers.pop(0) if answers else "yes")
        self.seen.append(("edit", model, path))
        old, new = self.edits.get((path, model), (OLD, NEW))
        if old == "":
            return text_reply("No change needed.")
        return tool_reply(
            str_replace(path, old, new), usage={"input_tokens": 500, "output_tokens": 80}
        )

    def sent(self, kind: str, model: str | None = None) -> list[str]:
        return sorted(p for k, m, p in self.seen if k == kind and (model is None or m == model))


Check = Callable[[Path], None]
