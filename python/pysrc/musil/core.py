"""The core checking API: modelling (``Model``, ``Action``), the checks (``check``,
``check_all``, ``explore``), results and traces (``Result``, ``Step``, ``format_trace``) and the
graph queries (``reaches``, ``witness``, ``path_to``, ``states_where``)."""

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from musil._native import (
    Action,
    Graph,
    Model,
    Result,
    Step,
    check,
    check_all,
    check_of,
    explore,
    format_trace,
    path_to,
    reaches,
    states_where,
    symmetry_reduction_sound,
    to_dot,
    witness,
)

# A state invariant: state -> bool, or a reason string (any string is a violation).
Invariant = Callable[[Any], bool | str | None]
# An edge invariant: (before, action_name, after) -> bool, or a reason string.
EdgeInvariant = Callable[[Any, str, Any], bool | str | None]


class Verdict(Protocol):
    """What ``assert_ok`` reads: an ``ok`` and a rendering (every result type has both)."""

    @property
    def ok(self) -> bool: ...

    def __str__(self) -> str: ...


def assert_ok(result: Verdict, message: str | None = None, *, truncated: str = "fail") -> None:
    """Raise ``AssertionError`` carrying the rendered result (the counterexample, not a repr)
    unless it passed; a pass the cap cut short fails too unless ``truncated="ok"``. ``message``
    is put first."""
    __tracebackhide__ = True
    text = None
    if not result.ok:
        text = str(result)
    elif truncated == "fail" and getattr(result, "truncated", False):
        text = (
            "check passed but TRUNCATED at max_states -- a truncated green proves nothing; "
            f"raise max_states or pass truncated='ok'\n{result}"
        )
    if text is not None:
        raise AssertionError(f"{message}\n{text}" if message else text)


def assert_violates(
    result: Verdict,
    message: str | None = None,
    *,
    kind: str | None = None,
    invariant: str | None = None,
    via: Iterable[str] | None = None,
    where: Callable[[Any], bool] | None = None,
) -> None:
    """Raise ``AssertionError`` (with the rendered result) unless it found a violation matching
    every constraint given: its ``kind``, the broken ``invariant``, actions it passes ``via``,
    and a predicate ``where`` on its witness."""
    __tracebackhide__ = True

    def fail(reason: str) -> None:
        text = f"{reason}\n{result}"
        raise AssertionError(f"{message}\n{text}" if message else text)

    if result.ok:
        fail("expected a violation, but the check passed")
    got = getattr(result, "kind", None)
    if kind is not None and got != kind:
        fail(f"expected kind {kind!r}, got {got!r}")
    broken = getattr(result, "invariant", None)
    if invariant is not None and broken != invariant:
        fail(f"expected broken invariant {invariant!r}, got {broken!r}")
    if via is not None:
        names = tuple(getattr(result, "action_names", ()))
        missing = [a for a in via if a not in names]
        if missing:
            fail(f"expected actions {missing!r} in the counterexample, but its actions were {list(names)!r}")
    if where is not None:
        w = getattr(result, "witness", None)
        if w is None or not where(w):
            fail(f"the witness state {w!r} did not satisfy `where`")


__all__ = [
    "Action",
    "EdgeInvariant",
    "Graph",
    "Invariant",
    "Model",
    "Result",
    "Step",
    "check",
    "Verdict",
    "assert_ok",
    "assert_violates",
    "check_all",
    "check_of",
    "explore",
    "format_trace",
    "path_to",
    "reaches",
    "states_where",
    "symmetry_reduction_sound",
    "to_dot",
    "witness",
]

