"""`haikutui --help` lists every command `haikutui` runs (test, history and undo were missing)."""

from __future__ import annotations

import pytest

from haikutui.cli.main import main

COMMANDS = ["fix", "lint", "batch", "rename", "test", "history", "undo", "log"]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.split("subcommands", 1)[1].splitlines()[1:9]]
    assert listed == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_each_listed_command_runs_and_has_its_own_help(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main([command, "--help"])
    except SystemExit as exit_:
        code = exit_.code  # type: ignore[assignment]
    assert code == 0
    assert f"usage: haikutui {command}" in capsys.readouterr().out
