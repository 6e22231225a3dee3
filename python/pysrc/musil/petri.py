"""Petri-net kit: a net maps each transition to its input and output places (with token counts);
the caller owns the marking and passes ``tokens(state, place)`` and ``deposit(state, place, d)``.
Place invariants (weightings of places no transition changes) can be checked and computed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from math import gcd, lcm
from typing import Any

from musil._native import Action

PetriNet = Mapping[str, tuple[Mapping[str, int], Mapping[str, int]]]


def _delta(net: PetriNet, t: str) -> dict[str, int]:
    ins, outs = net[t]
    d: dict[str, int] = {}
    for p, k in ins.items():
        d[p] = d.get(p, 0) - k
    for p, k in outs.items():
        d[p] = d.get(p, 0) + k
    return d


def _fireable(net, t, s, tokens, capacity, also) -> bool:
    if also is not None and not also(s):
        return False
    ins, _ = net[t]
    if any(tokens(s, p) < k for p, k in ins.items()):
        return False
    if capacity:
        for p, d in _delta(net, t).items():
            if p in capacity and tokens(s, p) + d > capacity[p]:
                return False
    return True


def petri_actions(
    net: PetriNet,
    *,
    tokens: Callable[[Any, str], int],
    deposit: Callable[[Any, str, int], Any],
    capacity: Mapping[str, int] | None = None,
    also: Callable[[Any], bool] | None = None,
    name: Callable[[str], str] = lambda t: t,
) -> list[Action]:
    """One action per transition: enabled when its inputs hold enough tokens, no place would pass
    its capacity and ``also`` holds; firing deposits each non-zero net change, place by place."""

    def fire(s: Any, t: str) -> Any:
        for p, d in _delta(net, t).items():
            if d:
                s = deposit(s, p, d)
        return s

    return [
        Action(name(t), lambda s, t=t: _fireable(net, t, s, tokens, capacity, also), lambda s, t=t: fire(s, t))
        for t in net
    ]


def petri_enabled(net: PetriNet, s: Any, *, tokens, capacity=None, also=None) -> frozenset[str]:
    """The transitions that can fire in ``s``."""
    return frozenset(t for t in net if _fireable(net, t, s, tokens, capacity, also))


def petri_terminal(net: PetriNet, *, tokens, capacity=None, also=None) -> Callable[[Any], bool]:
    """The predicate "no transition can fire"."""
    return lambda s: not petri_enabled(net, s, tokens=tokens, capacity=capacity, also=also)


def _shown(v: Fraction) -> str:
    sign = "+" if v > 0 else "-"
    a = abs(v)
    return f"{sign}{a.numerator}" if a.denominator == 1 else f"{sign}{a.numerator}/{a.denominator}"


def assert_place_invariant(net: PetriNet, weights: Mapping[str, Any], *, message: str | None = None) -> None:
    """Raise ``AssertionError`` naming every transition (by name) that changes the weighted token
    total."""
    bad = []
    for t in sorted(net):
        change = sum((Fraction(weights.get(p, 0)) * d for p, d in _delta(net, t).items()), Fraction(0))
        if change != 0:
            bad.append(f"{t} ({_shown(change)})")
    if bad:
        text = "weights are not a place-invariant; these transitions change the weighted total: " + ", ".join(bad)
        raise AssertionError(f"{message}\n{text}" if message else text)


def place_invariants(net: PetriNet) -> list[dict[str, Fraction]]:
    """A basis of the place invariants: one smallest-integer weighting per free place of the
    transitions' change matrix, first non-zero weight positive."""
    places = sorted({p for t in net for side in net[t] for p in side})
    if not places:
        return []
    rows = [[Fraction(_delta(net, t).get(p, 0)) for p in places] for t in net]
    pivots: list[int] = []
    r = 0
    for c in range(len(places)):
        if r == len(rows):
            break
        pick = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pick is None:
            continue
        rows[r], rows[pick] = rows[pick], rows[r]
        lead = rows[r][c]
        rows[r] = [x / lead for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                f = rows[i][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r])]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(len(places)) if c not in pivots):
        v = [Fraction(0)] * len(places)
        v[free] = Fraction(1)
        for row, pc in zip(rows, pivots):
            v[pc] = -row[free]
        m = lcm(*(x.denominator for x in v))
        ints = [int(x * m) for x in v]
        g = 0
        for x in ints:
            g = gcd(g, x)
        ints = [x // g for x in ints]
        if next(x for x in ints if x != 0) < 0:
            ints = [-x for x in ints]
        basis.append({p: Fraction(x) for p, x in zip(places, ints)})
    return basis


__all__ = ["PetriNet", "assert_place_invariant", "petri_actions", "petri_enabled", "petri_terminal", "place_invariants"]
