"""FSM kit: models from declared tables. A transition table maps a status to the statuses it may
move to; a protocol table maps a state to its operations (a target, or None for one that is legal
and stays put); a movement table maps an event label to the (source, destination) account pairs
it moves between. Each builder makes one ``Action`` per declared move, in table order."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from musil._native import Action, explore


def transition_actions(
    table: Mapping[Any, Iterable[Any]],
    *,
    get: Callable[[Any], Any],
    with_status: Callable[[Any, Any], Any],
    effect: Callable[[Any, Any, Any], Any] | None = None,
    also: Callable[[Any], bool] | None = None,
    name: Callable[[Any, Any], str] = lambda src, dst: f"{src}->{dst}",
) -> list[Action]:
    """One action per (src, dst): enabled when ``get(s) == src`` (and ``also(s)``); moves with
    ``with_status`` then applies ``effect(moved, src, dst)``. Self-edges are built too."""
    out: list[Action] = []
    for src, dsts in table.items():
        for dst in dsts:

            def apply(s: Any, src: Any = src, dst: Any = dst) -> Any:
                moved = with_status(s, dst)
                return effect(moved, src, dst) if effect is not None else moved

            out.append(
                Action(name(src, dst), lambda s, src=src: get(s) == src and (also is None or also(s)), apply)
            )
    return out


def replicated_transition_actions(
    table: Mapping[Any, Iterable[Any]],
    instances: int | Iterable[Any],
    *,
    get: Callable[[Any, Any], Any],
    set_status: Callable[[Any, Any, Any], Any],
    effect: Callable[[Any, Any, Any, Any], Any] | None = None,
    also: Callable[[Any, Any], bool] | None = None,
    name: Callable[[Any, Any, Any], str] = lambda key, src, dst: f"{key}:{src}->{dst}",
) -> list[Action]:
    """``transition_actions`` per instance key (``range(n)`` for an int), with per-key lenses."""
    keys = range(instances) if isinstance(instances, int) else instances
    out: list[Action] = []
    for key in keys:
        for src, dsts in table.items():
            for dst in dsts:

                def apply(s: Any, key: Any = key, src: Any = src, dst: Any = dst) -> Any:
                    moved = set_status(s, key, dst)
                    return effect(moved, key, src, dst) if effect is not None else moved

                out.append(
                    Action(
                        name(key, src, dst),
                        lambda s, key=key, src=src: get(s, key) == src and (also is None or also(s, key)),
                        apply,
                    )
                )
    return out


def status_field_actions(table: Mapping[Any, Iterable[Any]], *, field: str = "status") -> list[Action]:
    """``transition_actions`` over a dataclass field (default names ``src->dst``)."""
    return transition_actions(
        table, get=lambda s: getattr(s, field), with_status=lambda s, v: dataclasses.replace(s, **{field: v})
    )


def multi_status_field_actions(tables: Mapping[str, Mapping[Any, Iterable[Any]]]) -> list[Action]:
    """Per field, in order: its table's actions named ``{field}:{src}->{dst}``."""
    out: list[Action] = []
    for f, table in tables.items():
        out += transition_actions(
            table,
            get=lambda s, f=f: getattr(s, f),
            with_status=lambda s, v, f=f: dataclasses.replace(s, **{f: v}),
            name=lambda src, dst, f=f: f"{f}:{src}->{dst}",
        )
    return out


def protocol_actions(
    table: Mapping[Any, Mapping[str, Any]],
    *,
    get: Callable[[Any], Any],
    with_state: Callable[[Any, Any], Any],
    name: Callable[[Any, str], str] = lambda state, op: f"{op} in {state}",
) -> list[Action]:
    """One action per (state, operation) that moves somewhere else (None and self-moves skip)."""
    out: list[Action] = []
    for state, ops in table.items():
        for op, target in ops.items():
            if target is None or target == state:
                continue
            out.append(Action(name(state, op), lambda s, st=state: get(s) == st, lambda s, t=target: with_state(s, t)))
    return out


def protocol_operations(table: Mapping[Any, Mapping[str, Any]], state: Any) -> frozenset[str]:
    """Every operation of ``state`` (moving or not); empty for an unknown state."""
    return frozenset(table.get(state, {}))


def movement_actions(
    table: Mapping[str, Iterable[tuple[Any, Any]]],
    *,
    move: Callable[[Any, str, Any, Any], Any],
    enabled: Callable[[Any, str, Any, Any], bool] | None = None,
    name: Callable[[str, Any, Any], str] = lambda label, src, dst: f"{label}:{src}->{dst}",
) -> list[Action]:
    """One action per (label, src, dst): ``move`` applies it, ``enabled`` (default: always) guards it."""
    out: list[Action] = []
    for label, pairs in table.items():
        for src, dst in pairs:
            out.append(
                Action(
                    name(label, src, dst),
                    (lambda s: True) if enabled is None else (lambda s, l=label, a=src, b=dst: enabled(s, l, a, b)),
                    lambda s, l=label, a=src, b=dst: move(s, l, a, b),
                )
            )
    return out


def declared_accounts(table: Mapping[str, Iterable[tuple[Any, Any]]]) -> set[Any]:
    """Every source and destination of a movement table."""
    return {x for pairs in table.values() for pair in pairs for x in pair}


def endpoints_of(table: Mapping[str, Iterable[tuple[Any, Any]]], label: str) -> frozenset[tuple[Any, Any]]:
    """The pairs of one label; empty for an unknown one."""
    return frozenset(table.get(label, ()))


def declared_states(table: Mapping[Any, Iterable[Any]]) -> set[Any]:
    """Every status a transition table names, as a source or a target."""
    return set(table) | {d for dsts in table.values() for d in dsts}


def terminal_states(table: Mapping[Any, Iterable[Any]]) -> set[Any]:
    """The declared statuses with no way out."""
    return {s for s in declared_states(table) if not table.get(s)}


def assert_covers_table(model, table, *, get, max_states=1_000_000, message=None) -> None:
    """Raise ``AssertionError`` if the model makes a status change (read by ``get``) the table
    does not declare, listing the undeclared (src, dst) pairs sorted."""
    graph = explore(model, max_states=max_states)
    bad = set()
    for s, out in graph.edges.items():
        a = get(s)
        for _name, t in out:
            b = get(t)
            if a != b and b not in table.get(a, ()):
                bad.add((a, b))
    if bad:
        text = "model makes status transitions not declared in the table: " + ", ".join(
            f"{a} -> {b}" for a, b in sorted(bad)
        )
        raise AssertionError(f"{message}\n{text}" if message else text)


__all__ = [
    "assert_covers_table",
    "declared_accounts",
    "declared_states",
    "endpoints_of",
    "movement_actions",
    "multi_status_field_actions",
    "protocol_actions",
    "protocol_operations",
    "replicated_transition_actions",
    "status_field_actions",
    "terminal_states",
    "transition_actions",
]
