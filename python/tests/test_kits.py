"""The model-building kits, on the small models their rules are stated with."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from musil import Action, Model, check, check_liveness, explore
from musil.channels import channel_actions, fifo_channel_actions, fifo_send, send
from musil.faults import budget, crash_actions, once, partition_actions
from musil.fsm import (
    assert_covers_table,
    declared_states,
    protocol_actions,
    protocol_operations,
    replicated_transition_actions,
    terminal_states,
)
from musil.reconciler import reconciler


@dataclass(frozen=True)
class Mesh:
    up: frozenset = frozenset({0, 1, 2})


def _set_up(s: Mesh, n: int, up: bool) -> Mesh:
    return Mesh(s.up | {n} if up else s.up - {n})


def test_crash_actions_budget_bounds_simultaneous_failures() -> None:
    def mesh(b: int) -> Model:
        acts = crash_actions(range(3), get_up=lambda s, n: n in s.up, set_up=_set_up, budget=b, revive=True)
        return Model(init=Mesh(), actions=acts, invariants={"quorum": lambda s: len(s.up) >= 2}, terminal=lambda s: False)

    assert [a.name for a in mesh(1).actions][:2] == ["fault:crash:0", "fault:revive:0"]
    one = check(mesh(1))
    assert one.ok and one.states_explored == 4
    two = check(mesh(2))
    assert two.invariant == "quorum" and two.action_names == ("fault:crash:0", "fault:crash:1")


def test_partitions_never_stack_and_heal() -> None:
    acts = partition_actions([1, 2], get_reach=lambda s: s, set_reach=lambda s, r: r, healed=0)
    assert [a.name for a in acts] == ["fault:partition:0", "fault:partition:1", "fault:heal"]
    assert len(explore(Model(init=[0], actions=acts)).states) == 3
    assert partition_actions([], get_reach=lambda s: s, set_reach=lambda s, r: r, healed=0) == []


def test_once_and_budget() -> None:
    inc = Action("inc", lambda s: True, lambda s: (s[0] + 1, s[1]), fair="weak")
    o = once(inc, fired=lambda s: s[1] > 0, mark=lambda s: (s[0], 1))
    assert o.name == "inc" and o.fair == "weak"
    assert check(Model(init=[(0, 0)], actions=[o], terminal=lambda s: True)).states_explored == 2
    b = budget(inc, 3, count=lambda s: s[1], tick=lambda s: (s[0], s[1] + 1))
    g = explore(Model(init=[(0, 0)], actions=[b]))
    assert sorted(g.states) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    with pytest.raises(ValueError, match="budget n must be >= 0"):
        budget(inc, -1, count=lambda s: s[1], tick=lambda s: s)


@dataclass(frozen=True)
class Wire:
    flight: frozenset = frozenset()
    sent: frozenset = frozenset()
    got: tuple = ()


def wire(lossy: bool = False, duplicating: bool = False) -> Model:
    get, put = (lambda s: s.flight), (lambda s, f: replace(s, flight=f))
    post = send(get, put)
    deliver = lambda s, m: replace(s, got=(*s.got, m)) if s.got.count(m) < 2 else s  # noqa: E731
    sends = [Action(f"send:{m}", lambda s, m=m: m not in s.sent, lambda s, m=m: replace(post(s, m), sent=s.sent | {m})) for m in "ab"]
    chan = channel_actions(messages="ab", get=get, put=put, deliver=deliver, lossy=lossy, duplicating=duplicating)
    return Model(init=Wire(), actions=[*sends, *chan], terminal=lambda s: not s.flight and s.sent == {"a", "b"})


def test_channel_counts_and_names() -> None:
    assert [a.name for a in wire(lossy=True).actions] == ["send:a", "send:b", "ch:deliver:'a'", "ch:drop:'a'", "ch:deliver:'b'", "ch:drop:'b'"]
    assert [check(wire(*f)).states_explored for f in [(False, False), (True, False), (False, True), (True, True)]] == [10, 17, 26, 89]
    got = {s.got for s in explore(wire()).states if s.sent == {"a", "b"} and not s.flight}
    assert got == {("a", "b"), ("b", "a")}


def test_fifo_takes_head_and_tail_before_delivery() -> None:
    post = fifo_send(lambda s: s, lambda s, q: q)
    assert post(("a",), "b") == ("a", "b")
    acts = fifo_channel_actions(get=lambda s: s, put=lambda s, q: q, deliver=lambda s, m: (*s, "echo"))
    assert acts[0].apply(("a", "b")) == ("b",)


def test_reconciler_is_weakly_fair() -> None:
    @dataclass(frozen=True)
    class Ctrl:
        desired: str
        actual: str

    converged, rec = reconciler(get_desired=lambda s: s.desired, get_actual=lambda s: s.actual, set_actual=lambda s, v: replace(s, actual=v))
    assert rec.fair == "weak" and rec.name == "reconcile"
    m = Model(init=Ctrl("a", "b"), actions=[rec, Action("idle", lambda s: True, lambda s: s)], terminal=lambda s: False)
    assert check_liveness(m, goal=converged, everywhere=True).ok
    r = check_liveness(m, goal=converged, everywhere=True, fair=())
    assert not r.ok and r.kind == "fair-cycle"


def test_fsm_tables() -> None:
    table = {"draft": ["posted"], "posted": ["closed"]}
    assert declared_states(table) == {"draft", "posted", "closed"} and terminal_states(table) == {"closed"}
    acts = replicated_transition_actions(table, 2, get=lambda s, k: s[k], set_status=lambda s, k, v: (*s[:k], v, *s[k + 1:]))
    assert [a.name for a in acts] == ["0:draft->posted", "0:posted->closed", "1:draft->posted", "1:posted->closed"]
    m = Model(init=[("draft", "draft")], actions=acts, terminal=lambda s: True)
    assert check(m).states_explored == 9
    assert_covers_table(m, table, get=lambda s: s[0])
    skip = Model(init=[("draft", "draft")], actions=[*acts, Action("0:skip", lambda s: s[0] == "draft", lambda s: ("closed", s[1]))])
    with pytest.raises(AssertionError, match="draft -> closed"):
        assert_covers_table(skip, table, get=lambda s: s[0])
    proto = {"a": {"x": "a", "y": "b", "z": None}}
    assert [a.name for a in protocol_actions(proto, get=lambda s: s, with_state=lambda s, t: t)] == ["y in a"]
    assert protocol_operations(proto, "a") == {"x", "y", "z"} and protocol_operations(proto, "q") == frozenset()


def test_compose_names_slices_and_joint_invariants() -> None:
    from musil.compose import Composite, compose

    def toggle() -> Model:
        return Model(init=False, actions=[Action("on", lambda s: not s, lambda s: True)], terminal=lambda s: s)

    m = compose({"b": toggle(), "a": toggle()}, invariants={"not-both-on": lambda c: not (c["a"] and c["b"])})
    assert [a.name for a in m.actions] == ["a:on", "b:on"]
    r = check(m)
    assert r.invariant == "not-both-on" and r.action_names == ("a:on", "b:on") and r.states_explored == 4
    assert check(compose({"b": toggle(), "a": toggle()})).states_explored == 4
    c = Composite((("b", 1), ("a", 2)))
    assert c["a"] == 2 and c.with_part("zz", 0) == c
    with pytest.raises(KeyError):
        c["zz"]


def test_bounded_clock() -> None:
    from musil.clock import bounded_clock

    @dataclass(frozen=True)
    class T:
        now: int = 0

    clock = bounded_clock(get=lambda s: s.now, put=lambda s, v: T(v), horizon=8)
    m = Model(init=T(), actions=[clock.action], terminal=clock.at_horizon)
    r = check(m)
    assert str(r) == "OK — 9 states, no violations"
    g = explore(m)
    assert clock.binding(g) and clock.horizon_states(g) == [T(8)]
    forgot = check(Model(init=T(), actions=[bounded_clock(get=lambda s: s.now, put=lambda s, v: T(v), horizon=3).action]))
    assert forgot.kind == "deadlock" and forgot.action_names == ("clock:tick",) * 3
    assert bounded_clock(get=lambda s: s.now, put=lambda s, v: T(v), horizon=1, name="gateway").action.name == "gateway:tick"
    with pytest.raises(ValueError, match="horizon must be >= 0"):
        bounded_clock(get=lambda s: s.now, put=lambda s, v: T(v), horizon=-1)


def test_petri_nets() -> None:
    from fractions import Fraction

    from musil.petri import assert_place_invariant, petri_actions, petri_enabled, petri_terminal, place_invariants

    net = {"roast": ({"green": 4}, {"roasted": 3, "loss": 1}), "grind": ({"roasted": 1}, {"ground": 1})}
    tokens = lambda s, p: dict(s).get(p, 0)  # noqa: E731

    def deposit(s, p, d):
        m = dict(s)
        m[p] = m.get(p, 0) + d
        return tuple(sorted((k, v) for k, v in m.items() if v))

    start = (("green", 8),)
    roast, grind = petri_actions(net, tokens=tokens, deposit=deposit)
    assert roast.apply(start) == (("green", 4), ("loss", 1), ("roasted", 3))
    assert not roast.enabled((("green", 3),)) and not grind.enabled(start)
    assert petri_enabled(net, start, tokens=tokens) == {"roast"}
    assert petri_enabled(net, (("green", 4), ("roasted", 1)), tokens=tokens) == {"roast", "grind"}
    assert petri_enabled(net, (("ground", 1),), tokens=tokens) == frozenset()
    assert not petri_actions(net, tokens=tokens, deposit=deposit, capacity={"roasted": 3})[0].enabled((("green", 8), ("roasted", 2)))
    assert petri_terminal(net, tokens=tokens)((("ground", 5), ("loss", 1)))
    assert place_invariants(net) == [
        {"green": 1, "ground": 0, "loss": 4, "roasted": 0},
        {"green": 3, "ground": 4, "loss": 0, "roasted": 4},
    ]
    for w in place_invariants(net):
        assert_place_invariant(net, w)
    leaky = {"evaporate": ({"water": 2}, {"vapor": 1})}
    assert place_invariants(leaky) == [{"vapor": 2, "water": 1}]
    with pytest.raises(AssertionError) as e:
        assert_place_invariant(leaky, {"water": 1, "vapor": 1})
    assert str(e.value) == "weights are not a place-invariant; these transitions change the weighted total: evaporate (-1)"
    two = {"s": ({"a": 1}, {}), "t": ({}, {"b": 1})}
    with pytest.raises(AssertionError) as e:
        assert_place_invariant(two, {"a": 1, "b": Fraction(1, 2)}, message="M")
    assert str(e.value) == "M\nweights are not a place-invariant; these transitions change the weighted total: s (-1), t (+1/2)"
    m = Model(init=[start], actions=[roast, grind], invariants={"mass": lambda s: True}, terminal=petri_terminal(net, tokens=tokens))
    assert check(m).states_explored == 12
