"""A fuzzy path filter fast enough for 100,000 paths on every key press.

Lowercase paths and file names are computed once, in path-length order, so every pass over
them runs in C (`itertools.compress` over `map`) and ranking by length needs no sort. The
first key is answered from a per-character index; typing more narrows the previous matches
instead of starting again. Only the `limit` best are ranked (a bounded heap) and only they
get highlight offsets: the list never shows more.
"""

from __future__ import annotations

import gc
import heapq
import re
import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress, islice, repeat
from operator import add, contains

COLLECT_ABOVE = 20_000
"""A big index leaves a garbage collection due; it runs in the build's thread above this."""
FULL_SCORING = 5_000
"""Above this many matches, rank by name-hit then length only: exact enough, and 10x faster."""


@dataclass(frozen=True)
class Match:
    """A path that matched, with the character offsets to highlight."""

    path: str
    offsets: tuple[int, ...]


def _pattern(query: str, flags: int = 0) -> re.Pattern[str]:
    """`abc` becomes `(a)[^a]*?(b)[^b]*?(c)`: one compiled regex, run in C on each path."""
    parts = [f"({re.escape(ch)})" for ch in query]
    gaps = [f"[^{re.escape(ch)}]*?" for ch in query[1:]]
    body = "".join(p + g for p, g in zip(parts, gaps, strict=False)) + parts[-1]
    return re.compile(body, flags)


def _match(path: str, query: str) -> Match:
    """Highlight the query where the user sees it best: whole in the file name when it is."""
    lower = path.lower()
    if len(lower) != len(path):  # a letter whose lower case is longer: match the path itself
        hit = _pattern(query, re.IGNORECASE).search(path)
        assert hit is not None
        return Match(path, tuple(hit.start(i) for i in range(1, len(query) + 1)))
    start = lower.rfind(query, lower.rfind("/") + 1)
    if start >= 0:
        return Match(path, tuple(range(start, start + len(query))))
    found = _pattern(query).search(lower)
    assert found is not None
    return Match(path, tuple(found.start(i) for i in range(1, len(query) + 1)))


@dataclass(frozen=True)
class _Step:
    """The paths matching `query` (positions by length), and where each one's leftmost
    match of it ends: the next key is looked for from there, with `str.find`, in C.

    A step made without `ends` (None) finds them again from the first key, in the same pass.
    """

    query: str
    found: array[int]
    """Positions as C ints: 4 bytes each, not a 28-byte int object (100 MB at 100k paths)."""
    ends: Sequence[int] | None = None
    ranked: dict[int, list[int]] = field(default_factory=dict, compare=False)
    """The best `limit` positions, by limit: a first key's ranking is built ahead too."""

    def then(self, ch: str, lower: list[str]) -> _Step:
        """The matches of `query + ch`: a greedy leftmost subsequence match, extended.

        One pipeline of C calls per path: `find` from where the last key matched, plus one,
        so a miss (-1) becomes 0, which `compress` and `filter` drop.
        """
        paths = map(lower.__getitem__, self.found)
        starts: Iterable[int] | None = self.ends
        if starts is None:  # after the first key's leftmost hit, found in the same pass
            first = map(str.find, map(lower.__getitem__, self.found), repeat(self.query))
            starts = map(add, first, repeat(1))
        after = list(map(add, map(str.find, paths, repeat(ch), starts), repeat(1)))
        found = array("i", compress(self.found, after))
        return _Step(self.query + ch, found, list(filter(None, after)))


@dataclass
class FuzzyIndex:
    """The paths, plus the last query's matches so that a longer query searches only those.

    Matches are kept as positions in `_by_length` (paths by length, git's order within a
    length), so a match list is already in the order ties are broken in. `_chain` holds
    the answer for each prefix of the query typed so far.
    """

    paths: Sequence[str]
    _chain: list[_Step] = field(default_factory=list, repr=False)
    _by_length: list[str] = field(default_factory=list, repr=False)
    _lower: list[str] = field(default_factory=list, repr=False)
    _names: list[str] = field(default_factory=list, repr=False)
    _by_char: dict[str, _Step] = field(default_factory=dict, repr=False)
    _built: bool = field(default=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def paths_set(self) -> frozenset[str]:
        return frozenset(self.paths)

    def warm(self, *, every_key: bool = False, limit: int = 0) -> None:
        """Build the lowercase tables now, not on the first key (a worker thread may).

        `every_key` also builds the per-character index: one list per character that
        occurs, each ranked for `limit`, so that any first key is a look-up.
        """
        with self._lock:
            if not self._built:
                ordered = sorted(self.paths, key=len)
                lower = [p.lower() for p in ordered]
                self._names = [p[p.rfind("/") + 1 :] for p in lower]
                self._by_length, self._lower, self._built = ordered, lower, True
        if every_key:
            for ch in sorted(set("".join(self._lower))):
                step = self._with_char(ch)
                if limit:
                    self._ranked(step, limit)
            if len(self._lower) > COLLECT_ABOVE:
                gc.collect()  # here, not as a 20 ms pause on the first key typed

    def _with_char(self, ch: str) -> _Step:
        """Every path holding `ch`: the first key's answer, kept per character."""
        step = self._by_char.get(ch)
        if step is None:
            every = range(len(self._lower))
            found = array("i", compress(every, map(contains, self._lower, repeat(ch))))
            hits = map(str.find, map(self._lower.__getitem__, found), repeat(ch))
            ends = array("i", map(add, hits, repeat(1)))  # the second key starts from here
            step = self._by_char.setdefault(ch, _Step(ch, found, ends))
        return step

    def _step_for(self, query: str) -> _Step:
        """The matches of `query`, extending the longest query already answered by one key at
        a time; so typing, and backspace, cost one pass over what matched the key before."""
        chain = self._chain
        while chain and not query.startswith(chain[-1].query):
            chain.pop()
        if not chain:
            chain.append(self._with_char(query[0]))
        while len(chain[-1].query) < len(query):
            ch = query[len(chain[-1].query)]
            chain.append(chain[-1].then(ch, self._lower))
        return chain[-1]

    def search(self, query: str, limit: int) -> tuple[list[Match], int]:
        """Best matches first (in the file name, tight, short path), capped; also the count."""
        query = "".join(query.split()).lower()
        if not query:
            return [Match(p, ()) for p in self.paths[:limit]], len(self.paths)
        self.warm()
        step = self._step_for(query)
        by_length = self._by_length
        return [_match(by_length[i], query) for i in self._ranked(step, limit)], len(step.found)

    def _ranked(self, step: _Step, limit: int) -> list[int]:
        best = step.ranked.get(limit)
        if best is None:
            best = step.ranked.setdefault(limit, self._rank(step.query, step.found, limit))
        return best

    def _rank(self, query: str, found: array[int], limit: int) -> list[int]:
        """Whole in the name first (shortest first), then the rest: tightest, then shortest."""
        names = self._names.__getitem__
        named = list(
            islice(compress(found, map(contains, map(names, found), repeat(query))), limit)
        )
        if len(named) == limit:
            return named
        chosen = set(named)
        rest: Iterator[int] = (i for i in found if i not in chosen)
        if len(found) > FULL_SCORING or len(query) == 1:  # a span is always 1 for one key
            return named + list(islice(rest, limit - len(named)))
        pattern, lower = _pattern(query), self._lower

        def span(i: int) -> tuple[int, int]:
            hit = pattern.search(lower[i])
            assert hit is not None
            return hit.end() - hit.start(), i

        return named + [i for _, i in heapq.nsmallest(limit - len(named), map(span, rest))]


def fuzzy_filter(query: str, paths: Sequence[str], limit: int) -> tuple[list[Match], int]:
    """One search with no history; FileList keeps a FuzzyIndex to narrow as the user types."""
    return FuzzyIndex(paths).search(query, limit)
