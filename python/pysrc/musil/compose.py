"""Compose models: ``compose({"a": model_a, "b": model_b})`` runs the components side by side in
one ``Composite`` state, their actions and invariants named ``"{component}:{name}"``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any

from musil._native import Action, Model


@dataclass(frozen=True)
class Composite:
    """The components' states as ``(name, state)`` pairs (``compose`` sorts them by name)."""

    parts: tuple[tuple[str, Any], ...]

    def __getitem__(self, name: str) -> Any:
        for n, s in self.parts:
            if n == name:
                return s
        raise KeyError(name)

    def with_part(self, name: str, new: Any) -> Composite:
        """A copy with component ``name``'s state replaced (unchanged for an unknown name)."""
        return Composite(tuple((n, new if n == name else s) for n, s in self.parts))


def compose(components: Mapping[str, Model], *, invariants: Mapping[str, Callable[[Composite], Any]] | None = None) -> Model:
    """One model of all ``components`` (in name order): initial states are the product of theirs;
    each component's actions (unfair here) and invariants act on its slice under
    ``"{component}:{name}"``; ``invariants`` adds joint ones; a state is terminal when every
    component's slice is."""
    names = sorted(components)
    inits = [
        Composite(tuple(zip(names, combo)))
        for combo in product(*(components[n].initial_states() for n in names))
    ]
    actions: list[Action] = []
    lifted: dict[str, Callable[[Composite], Any]] = {}
    for n in names:
        for a in components[n].actions:
            actions.append(
                Action(f"{n}:{a.name}", lambda c, n=n, g=a.enabled: g(c[n]), lambda c, n=n, f=a.apply: c.with_part(n, f(c[n])))
            )
        for i, inv in components[n].invariants.items():
            lifted[f"{n}:{i}"] = lambda c, n=n, inv=inv: inv(c[n])
    lifted.update(invariants or {})
    terminals = [(n, components[n].terminal) for n in names]
    return Model(init=inits, actions=actions, invariants=lifted, terminal=lambda c: all(t(c[n]) for n, t in terminals))


__all__ = ["Composite", "compose"]
