"""Repo: finding the repository, listing files with their status, and refusing unsafe paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from haikutui.core.errors import PathRefused, UsageError
from haikutui.core.repo import FileEntry, Repo
from tests.conftest import CORE_PY, git, make_repo


def marks(repo: Repo) -> dict[str, str]:
    return {entry.path: entry.mark for entry in repo.files()}


# ---------------------------------------------------------------- finding the repository


def test_root_is_found_from_a_subfolder(repo_dir: Path) -> None:
    repo = Repo(repo_dir / "pkg")
    assert repo.root == repo_dir.resolve()
    assert repo.resolve("core.py") == "core.py"  # paths stay relative to the root


def test_plain_folder_is_not_a_repo(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(UsageError) as info:
        Repo(plain)
    message = str(info.value)
    assert "not inside a git repository" in message
    assert "git init" in message
    assert "\n" not in message


def test_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such directory"):
        Repo(tmp_path / "nope")


def test_bare_repo_is_refused(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    bare.mkdir()
    git(bare, "init", "-q", "--bare")
    with pytest.raises(UsageError, match="bare repository"):
        Repo(bare)


def test_repo_without_commits_lists_files_and_has_no_head(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "fresh", {"a.py": "x = 1\n"}, commit=False)
    (root / "b.py").write_text("y = 2\n")
    repo = Repo(root)
    assert marks(repo) == {"a.py": "A", "b.py": "?"}
    assert repo.head_bytes("a.py") is None
    assert repo.read_for_model("a.py").text == "x = 1\n"


def test_empty_repo_without_any_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "empty", {})
    assert Repo(root).files() == []


# ---------------------------------------------------------------- files and status


def test_status_marks(repo_dir: Path) -> None:
    (repo_dir / "core.py").write_text(CORE_PY + "# edited\n")  # modified, not staged
    (repo_dir / "README.md").write_text("# proj\n\nstaged\n")
    git(repo_dir, "add", "README.md")  # staged
    (repo_dir / "notes.txt").write_text("todo\n")  # untracked
    (repo_dir / "new.py").write_text("")
    git(repo_dir, "add", "new.py")  # added
    repo = Repo(repo_dir)
    assert marks(repo) == {
        "core.py": "M",
        "README.md": "S",
        "notes.txt": "?",
        "new.py": "A",
        "pkg/util.py": " ",
    }
    entries = {e.path: e for e in repo.files()}
    assert not entries["notes.txt"].tracked
    assert entries["core.py"].tracked


def test_deleted_and_renamed_files(repo_dir: Path) -> None:
    (repo_dir / "core.py").unlink()
    git(repo_dir, "mv", "README.md", "DOCS.md")
    repo = Repo(repo_dir)
    listed = marks(repo)
    assert listed["core.py"] == "D"
    assert listed["DOCS.md"] == "R"
    assert "README.md" not in listed  # the rename's source is not a file any more


def test_mark_for_each_porcelain_code() -> None:
    assert FileEntry("a", "  ").mark == " "
    assert FileEntry("a", " M").mark == "M"
    assert FileEntry("a", "M ").mark == "S"
    assert FileEntry("a", "MM").mark == "M"
    assert FileEntry("a", "A ").mark == "A"
    assert FileEntry("a", "AM").mark == "M"
    assert FileEntry("a", " D").mark == "D"
    assert FileEntry("a", "D ").mark == "D"
    assert FileEntry("a", "R ").mark == "R"
    assert FileEntry("a", "??").mark == "?"


def test_ignored_files_are_never_listed(repo_dir: Path) -> None:
    (repo_dir / ".gitignore").write_text("*.log\nbuild/\n")
    (repo_dir / "debug.log").write_text("noise\n")
    (repo_dir / "build").mkdir()
    (repo_dir / "build" / "out.txt").write_text("artefact\n")
    listed = marks(Repo(repo_dir))
    assert "debug.log" not in listed
    assert not any(path.startswith("build/") for path in listed)
    assert listed[".gitignore"] == "?"


def test_untracked_files_in_new_folders_are_listed_one_by_one(repo_dir: Path) -> None:
    (repo_dir / "docs" / "api").mkdir(parents=True)
    (repo_dir / "docs" / "api" / "index.md").write_text("# api\n")
    assert marks(Repo(repo_dir))["docs/api/index.md"] == "?"


def test_odd_file_names_are_listed_unquoted(repo_dir: Path) -> None:
    (repo_dir / "my file é.py").write_text("x = 1\n")
    assert marks(Repo(repo_dir))["my file é.py"] == "?"


def test_head_bytes_is_the_committed_version(repo_dir: Path) -> None:
    (repo_dir / "core.py").write_text("changed\n")
    repo = Repo(repo_dir)
    assert repo.head_bytes("core.py") == CORE_PY.encode()
    (repo_dir / "extra.py").write_text("new\n")
    assert repo.head_bytes("extra.py") is None


# ---------------------------------------------------------------- resolve


def test_resolve_refuses_dot_dot(repo_dir: Path) -> None:
    repo = Repo(repo_dir)
    with pytest.raises(PathRefused, match=r"'\.\.'"):
        repo.resolve("../outside.py")
    with pytest.raises(PathRefused):
        repo.resolve("pkg/../../outside.py")


def test_resolve_refuses_absolute_path_outside(repo_dir: Path, tmp_path: Path) -> None:
    repo = Repo(repo_dir)
    with pytest.raises(PathRefused, match="outside the repository"):
        repo.resolve("/etc/passwd")
    with pytest.raises(PathRefused, match="outside the repository"):
        repo.resolve(str(tmp_path / "sibling.py"))


def test_resolve_refuses_git_dir(repo_dir: Path) -> None:
    repo = Repo(repo_dir)
    for path in (".git/config", ".git/hooks/pre-commit", str(repo_dir / ".git" / "HEAD")):
        with pytest.raises(PathRefused, match=r"\.git/"):
            repo.resolve(path)


def test_resolve_refuses_a_nested_git_dir(repo_dir: Path) -> None:
    """A vendored clone's .git/hooks runs code as surely as the repo's own."""
    repo = Repo(repo_dir)
    with pytest.raises(PathRefused):
        repo.resolve("vendor/lib/.git/hooks/post-checkout")


def test_resolve_refuses_git_dir_in_another_case(repo_dir: Path) -> None:
    """On macOS and Windows `.GIT/hooks` IS `.git/hooks`: a hook there runs on the next commit."""
    with pytest.raises(PathRefused):
        Repo(repo_dir).resolve(".GIT/hooks/pre-commit")


def test_resolve_accepts_names_that_only_start_with_git(repo_dir: Path) -> None:
    repo = Repo(repo_dir)
    assert repo.resolve(".gitignore") == ".gitignore"
    assert repo.resolve(".github/workflows/ci.yml") == ".github/workflows/ci.yml"
    assert repo.resolve("pkg/.gitattributes") == "pkg/.gitattributes"


def test_resolve_refuses_symlink_leading_outside(repo_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password\n")
    (repo_dir / "link.txt").symlink_to(secret)
    (repo_dir / "linkdir").symlink_to(tmp_path)
    repo = Repo(repo_dir)
    with pytest.raises(PathRefused, match="symlink"):
        repo.resolve("link.txt")
    with pytest.raises(PathRefused, match="symlink"):
        repo.resolve("linkdir/secret.txt")


def test_resolve_refuses_symlink_into_git_dir(repo_dir: Path) -> None:
    (repo_dir / "cfg").symlink_to(repo_dir / ".git" / "config")
    with pytest.raises(PathRefused, match=r"\.git"):
        Repo(repo_dir).resolve("cfg")


def test_resolve_accepts_symlink_inside_the_repo(repo_dir: Path) -> None:
    (repo_dir / "alias.py").symlink_to("core.py")
    assert Repo(repo_dir).resolve("alias.py") == "alias.py"


def test_resolve_accepts_absolute_path_inside(repo_dir: Path) -> None:
    repo = Repo(repo_dir)
    assert repo.resolve(str(repo_dir / "pkg" / "util.py")) == "pkg/util.py"
    assert repo.resolve("./pkg/util.py") == "pkg/util.py"
    assert repo.resolve("new/file.py") == "new/file.py"  # need not exist yet


def test_resolve_refuses_empty_and_root(repo_dir: Path) -> None:
    repo = Repo(repo_dir)
    for path in ("", ".", str(repo_dir), "a\0b"):
        with pytest.raises(PathRefused):
            repo.resolve(path)


# ---------------------------------------------------------------- read_for_model


def test_read_for_model_reads_tracked_text(repo_dir: Path) -> None:
    file = Repo(repo_dir).read_for_model("core.py")
    assert file.text == CORE_PY


def test_read_for_model_refuses_untracked(repo_dir: Path) -> None:
    (repo_dir / "scratch.py").write_text("x = 1\n")
    with pytest.raises(UsageError, match="not tracked") as info:
        Repo(repo_dir).read_for_model("scratch.py")
    assert "git add" in str(info.value)


def test_read_for_model_refuses_missing_file(repo_dir: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        Repo(repo_dir).read_for_model("nope.py")


@pytest.mark.parametrize(
    "name", [".env", ".env.production", "id_rsa", "id_ed25519.pub", "server.pem", "deploy/tls.key"]
)
def test_read_for_model_refuses_secrets_even_when_tracked(tmp_path: Path, name: str) -> None:
    root = make_repo(tmp_path / "r", {name: "SECRET=hunter2\n", "ok.py": "x = 1\n"})
    repo = Repo(root)
    with pytest.raises(PathRefused, match="secret"):
        repo.read_for_model(name)
    assert repo.read_for_model("ok.py").text == "x = 1\n"


def test_read_for_model_refuses_a_link_to_a_secret(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {".env": "SECRET=hunter2\n"})
    (root / "app.cfg").symlink_to(".env")
    git(root, "add", "app.cfg")
    with pytest.raises(PathRefused, match="secret"):
        Repo(root).read_for_model("app.cfg")


@pytest.mark.parametrize("name", ["[ab].py", "a?py", "*.py", ":(glob)x.py"])
def test_untracked_file_with_glob_characters_is_still_untracked(tmp_path: Path, name: str) -> None:
    """A file name is not a pattern: `[ab].py` must not pass as tracked because `a.py` is."""
    root = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    (root / name).write_text("private notes\n")
    repo = Repo(root)
    assert marks(repo)[name] == "?"
    with pytest.raises(UsageError, match="not tracked"):
        repo.read_for_model(name)


def test_read_for_model_refuses_binary(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"logo.png": b"\x89PNG\x00\x00data"})
    with pytest.raises(UsageError, match="binary"):
        Repo(root).read_for_model("logo.png")


def test_repo_accepts_a_relative_start(repo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo_dir / "pkg")
    assert Repo(".").root == repo_dir.resolve()
    assert Repo(os.curdir).resolve("pkg/util.py") == "pkg/util.py"


def test_porcelain_v2_lines_become_v1_codes() -> None:
    from haikutui.core.repo import parse_status_v2

    out = "\0".join(
        [
            "1 .M N... 100644 100644 100644 aaa aaa dir with space/a b.py",
            "1 A. N... 000000 100644 100644 000 bbb new.py",
            "2 R. N... 100644 100644 100644 ccc ccc R100 moved name.py",
            "old name.py",
            "u UU N... 100644 100644 100644 100644 d1 d2 d3 conflict.py",
            "? notes dir/todo.txt",
            "",
        ]
    )
    codes, untracked = parse_status_v2(out)
    assert codes == {
        "dir with space/a b.py": " M",
        "new.py": "A ",
        "moved name.py": "R ",
        "conflict.py": "UU",
    }
    assert untracked == ["notes dir/todo.txt"]  # the rename's source is not a path of its own


def test_listing_takes_the_index_then_one_status_call(repo_dir: Path) -> None:
    (repo_dir / "core.py").write_text("changed\n")
    (repo_dir / "later.py").write_text("")
    repo = Repo(repo_dir)
    repo.start_listing()  # as the app does before its first frame
    assert repo.tracked() == ["README.md", "core.py", "pkg/util.py"]
    assert repo.status_and_untracked() == ({"core.py": " M"}, ["later.py"])
    assert [e.path for e in repo.files()] == ["later.py", "README.md", "core.py", "pkg/util.py"]
