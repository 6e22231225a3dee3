"""Channel kit: messages in flight as a set (unordered: any may be delivered next, optionally
lost or duplicated) or as a tuple (FIFO). The caller owns the state and passes ``get``/``put``;
``deliver(state, msg)`` is what receiving a message does."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from musil._native import Action


def send(get: Callable[[Any], frozenset], put: Callable[[Any, frozenset], Any]) -> Callable[[Any, Any], Any]:
    """``(state, msg) -> state`` with ``msg`` in flight (idempotent: a set)."""
    return lambda s, msg: put(s, get(s) | {msg})


def channel_actions(
    *,
    messages: Iterable[Any],
    get: Callable[[Any], frozenset],
    put: Callable[[Any, frozenset], Any],
    deliver: Callable[[Any, Any], Any],
    lossy: bool = False,
    duplicating: bool = False,
    name: str = "ch",
) -> list[Action]:
    """Per message, in order: ``{name}:deliver:{repr(m)}`` (it is in flight; delivering removes
    it unless ``duplicating``), then with ``lossy`` ``{name}:drop:{repr(m)}``."""
    out: list[Action] = []
    for m in messages:

        def on_deliver(s: Any, m: Any = m) -> Any:
            d = deliver(s, m)
            return d if duplicating else put(d, get(d) - {m})

        out.append(Action(f"{name}:deliver:{m!r}", lambda s, m=m: m in get(s), on_deliver))
        if lossy:
            out.append(Action(f"{name}:drop:{m!r}", lambda s, m=m: m in get(s), lambda s, m=m: put(s, get(s) - {m})))
    return out


def fifo_send(get: Callable[[Any], tuple], put: Callable[[Any, tuple], Any]) -> Callable[[Any, Any], Any]:
    """``(state, msg) -> state`` with ``msg`` appended to the queue (not idempotent)."""
    return lambda s, msg: put(s, (*get(s), msg))


def fifo_channel_actions(
    *,
    get: Callable[[Any], tuple],
    put: Callable[[Any, tuple], Any],
    deliver: Callable[[Any, Any], Any],
    lossy: bool = False,
    name: str = "ch",
) -> list[Action]:
    """``{name}:deliver`` (the head, the queue's tail taken before delivery), then with
    ``lossy`` ``{name}:drop`` (the head is lost)."""
    out = [Action(f"{name}:deliver", lambda s: len(get(s)) > 0, lambda s: put(deliver(s, get(s)[0]), tuple(get(s)[1:])))]
    if lossy:
        out.append(Action(f"{name}:drop", lambda s: len(get(s)) > 0, lambda s: put(s, tuple(get(s)[1:]))))
    return out


__all__ = ["channel_actions", "fifo_channel_actions", "fifo_send", "send"]
