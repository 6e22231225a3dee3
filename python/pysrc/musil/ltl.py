"""Linear temporal logic: formula nodes and ``check_ltl``.

Build a formula from ``Atom(name, predicate)`` and the operators ``Not``, ``And``, ``Or``,
``Implies``, ``Next``, ``Eventually``, ``Always``, ``Until``, ``Release`` and ``WeakUntil``;
``check_ltl(model, formula)`` decides it on the engine (the shapes ``G F p``, ``G (q -> F p)``,
``G p`` and ``F p`` by the dedicated checks, everything else by the Büchi product) and returns a
``Result`` or a ``LivenessResult`` as the original does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from musil._native import _check_ltl


S = TypeVar("S")


class LTL(Generic[S]):
    """Base class of the formula nodes (``Atom[State](...)`` subscripts as in the original)."""

    __slots__ = ()


@dataclass(frozen=True)
class Atom(LTL[S]):
    """An atomic proposition: a named state predicate."""

    name: str
    predicate: Callable[[S], bool]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Not(LTL[S]):
    arg: LTL[S]

    def __str__(self) -> str:
        return f"!{self.arg}"


@dataclass(frozen=True)
class And(LTL[S]):
    left: LTL[S]
    right: LTL[S]

    def __str__(self) -> str:
        return f"({self.left} & {self.right})"


@dataclass(frozen=True)
class Or(LTL[S]):
    left: LTL[S]
    right: LTL[S]

    def __str__(self) -> str:
        return f"({self.left} | {self.right})"


@dataclass(frozen=True)
class Implies(LTL[S]):
    left: LTL[S]
    right: LTL[S]

    def __str__(self) -> str:
        return f"({self.left} -> {self.right})"


@dataclass(frozen=True)
class Next(LTL[S]):
    arg: LTL[S]

    def __str__(self) -> str:
        return f"X {self.arg}"


@dataclass(frozen=True)
class Eventually(LTL[S]):
    arg: LTL[S]

    def __str__(self) -> str:
        return f"F {self.arg}"


@dataclass(frozen=True)
class Always(LTL[S]):
    arg: LTL[S]

    def __str__(self) -> str:
        return f"G {self.arg}"


@dataclass(frozen=True)
class Until(LTL[S]):
    left: LTL[S]
    right: LTL[S]

    def __str__(self) -> str:
        return f"({self.left} U {self.right})"


@dataclass(frozen=True)
class Release(LTL[S]):
    left: LTL[S]
    right: LTL[S]

    def __str__(self) -> str:
        return f"({self.left} R {self.right})"


@dataclass(frozen=True)
class WeakUntil(LTL[S]):
    left: LTL[S]
    right: LTL[S]

    def __str__(self) -> str:
        return f"({self.left} W {self.right})"


def check_ltl(model, formula, *, name="ltl", fair=None, fair_strong=None, max_states=1_000_000):
    """Check ``formula`` on ``model``: a ``Result`` (``G p`` and the general engine, kind
    ``"ltl"`` with a lasso on violation) or a ``LivenessResult`` (``F p``, ``G F p``,
    ``G (q -> F p)``). ``fair`` / ``fair_strong`` name weakly / strongly fair actions (``None``:
    the actions' own tags); a name matching no action raises ``ValueError``."""
    if not isinstance(formula, LTL):
        raise TypeError(f"check_ltl takes an LTL formula, got {type(formula).__name__}")
    return _check_ltl(model, formula, name=name, fair=fair, fair_strong=fair_strong, max_states=max_states)


__all__ = [
    "LTL",
    "Always",
    "And",
    "Atom",
    "Eventually",
    "Implies",
    "Next",
    "Not",
    "Or",
    "Release",
    "Until",
    "WeakUntil",
    "check_ltl",
]
