"""The file filter: a query whole in a file name wins, and typing more narrows what matched."""

from __future__ import annotations

from haikutui.tui.widgets.fuzzy import FuzzyIndex, fuzzy_filter


def test_query_in_the_file_name_wins_over_a_scattered_match() -> None:
    paths = ["README.md", "test_geo.py", "pkg/geo.py", "pkg/__init__.py"]
    matches, total = fuzzy_filter("geo", paths, 10)
    assert [m.path for m in matches] == ["pkg/geo.py", "test_geo.py"] and total == 2
    assert matches[0].offsets == (4, 5, 6)  # highlighted in the name, not the g of `pkg`


def test_typing_more_narrows_to_the_same_results_as_a_fresh_search() -> None:
    paths = [f"pkg{i % 10}/mod_{i:05d}.py" for i in range(20_000)]
    index = FuzzyIndex(paths)
    for query in ("m", "mod_0", "mod_012", "mod_0123", "mod_01", "", "s"):
        narrowed, count = index.search(query, 50)
        fresh, fresh_count = fuzzy_filter(query, paths, 50)
        assert (count, narrowed) == (fresh_count, fresh), query
    assert index.search("mod_0123", 50)[1] < index.search("mod_01", 50)[1] < len(paths)


def reference(query: str, paths: list[str], limit: int) -> tuple[list[str], int]:
    """The ranking rules, spelled out slowly: whole in the name, else tightest, then shortest."""
    import re

    q = query.lower()
    pattern = re.compile(
        "".join(f"({re.escape(c)})[^{re.escape(c)}]*?" for c in q[:-1]) + f"({re.escape(q[-1])})"
    )
    found = [p for p in paths if pattern.search(p.lower())]

    def key(item: tuple[int, str]) -> tuple[int, int, int, int]:
        order, path = item
        name = path.lower().rsplit("/", 1)[-1]
        if q in name:
            return (0, 0, len(path), order)
        if len(found) > 5000 or len(q) == 1:
            return (1, 0, len(path), order)
        hit = pattern.search(path.lower())
        assert hit is not None
        return (1, hit.end() - hit.start(), len(path), order)

    ranked = sorted(enumerate(found), key=key)
    return [p for _, p in ranked[:limit]], len(found)


def test_every_key_typed_or_erased_gives_what_the_rules_say() -> None:
    paths = [
        f"pkg{i % 13}/Sub{i % 7}/mod_{i:05d}{'.py' if i % 3 else '.txt'}" for i in range(7_000)
    ]
    index = FuzzyIndex(paths)
    index.warm(every_key=True, limit=40)
    for query in (
        "m",
        "mo",
        "mod",
        "mod_0",
        "mod_01",
        "mod_0",
        "mod_",
        "s3m",
        "s3m9",
        "S3",
        "ypt",
        "t",
        "zz",
    ):
        matches, count = index.search(query, 40)
        assert ([m.path for m in matches], count) == reference(query, paths, 40), query


def test_highlight_is_in_the_name_when_the_query_is_whole_there() -> None:
    (match,), _ = fuzzy_filter("Mod", ["src/pkg/Model.py"], 5)
    assert match.offsets == (8, 9, 10)
    (match,), _ = fuzzy_filter("sm", ["src/pkg/Model.py"], 5)
    assert match.offsets == (0, 8)
