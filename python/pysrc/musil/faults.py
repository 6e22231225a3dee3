"""Fault kit: crash/revive actions under a budget, network partitions that heal, and wrappers
that let an action fire once or a bounded number of times. The caller owns the state shape and
passes accessors; the kit only builds ``Action``s (unfair: faults are never assumed to help)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from musil._native import Action


def crash_actions(
    nodes: Iterable[Any],
    *,
    get_up: Callable[[Any, Any], bool],
    set_up: Callable[[Any, Any, bool], Any],
    budget: int | None = None,
    revive: bool = False,
    name: str = "fault",
) -> list[Action]:
    """Per node, in order: ``{name}:crash:{node}`` (the node is up and fewer than ``budget``
    nodes are down), then with ``revive`` ``{name}:revive:{node}`` (the node is down)."""
    nodes = list(nodes)

    def down(s: Any) -> int:
        return sum(1 for n in nodes if not get_up(s, n))

    out: list[Action] = []
    for node in nodes:
        out.append(
            Action(
                f"{name}:crash:{node}",
                lambda s, n=node: get_up(s, n) and (budget is None or down(s) < budget),
                lambda s, n=node: set_up(s, n, False),
            )
        )
        if revive:
            out.append(Action(f"{name}:revive:{node}", lambda s, n=node: not get_up(s, n), lambda s, n=node: set_up(s, n, True)))
    return out


def partition_actions(
    splits: Sequence[Any],
    *,
    get_reach: Callable[[Any], Any],
    set_reach: Callable[[Any, Any], Any],
    healed: Any,
    name: str = "fault",
) -> list[Action]:
    """``{name}:partition:{i}`` for each configuration (only from the healed network, so
    partitions never stack), then one ``{name}:heal`` back to ``healed``."""
    out = [
        Action(f"{name}:partition:{i}", lambda s: get_reach(s) == healed, lambda s, sp=split: set_reach(s, sp))
        for i, split in enumerate(splits)
    ]
    if out:
        out.append(Action(f"{name}:heal", lambda s: get_reach(s) != healed, lambda s: set_reach(s, healed)))
    return out


def once(action: Action, *, fired: Callable[[Any], bool], mark: Callable[[Any], Any]) -> Action:
    """``action`` that can fire only while ``fired`` is false; firing it applies ``mark``."""
    enabled, apply = action.enabled, action.apply
    return Action(action.name, lambda s: not fired(s) and enabled(s), lambda s: mark(apply(s)), fair=action.fair)


def budget(action: Action, n: int, *, count: Callable[[Any], int], tick: Callable[[Any], Any]) -> Action:
    """``action`` that can fire while ``count`` is below ``n``; firing it applies ``tick``. The
    same ``count``/``tick`` on several actions make them share one budget."""
    if n < 0:
        raise ValueError(f"budget n must be >= 0, got {n}")
    enabled, apply = action.enabled, action.apply
    return Action(action.name, lambda s: count(s) < n and enabled(s), lambda s: tick(apply(s)), fair=action.fair)


__all__ = ["budget", "crash_actions", "once", "partition_actions"]
