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
