"""The original's API on the Rust engine: each rule a user relies on, on small models."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from musil import Action, Model, Step, check, check_all, explore, format_trace, path_to, reaches, states_where, witness
from musil.env import Assumption, EnvironmentSpec, check_open
from musil.environments.aws import aws_api_faults
from musil.environments.distributed import credential_rotation, record_reality_divergence
from musil.environments.etcd import cluster_faults
from musil.environments.k8s import pod_eviction
from musil.environments.linux import fs_faults, process_faults
from musil.environments.sel4 import capability_revocation
from musil.environments.storage import block_volume_faults


@dataclass(frozen=True)
class C:
    n: int = 0


def counter(limit: int = 3, **kw: object) -> Model:
    return Model(
        init=C(),
        actions=[Action("inc", lambda s: s.n < limit, lambda s: C(s.n + 1))],
        terminal=lambda s: s.n == limit,
        **kw,
    )


# --- check and its result -----------------------------------------------------------------


def test_ok_result_prints_and_reads_like_the_original() -> None:
    r = check(counter())
    assert r.ok and bool(r) and r.states_explored == 4 and not r.truncated
    assert str(r) == "OK — 4 states, no violations"
    assert r.kind is None and r.trace == () and r.witness is None and r.action_names == ()


def test_invariant_violation_has_the_shortest_trace() -> None:
    r = check(counter(invariants={"small": lambda s: s.n < 2}))
    assert not r.ok and r.kind == "invariant" and r.invariant == "small"
    assert r.action_names == ("inc", "inc")
    assert r.trace[0] == Step("<init>", C(0)) and r.witness == C(2)
    assert repr(r.trace[1]) == "Step(action='inc', state=C(n=1))"
    assert str(r) == (
        "INVARIANT VIOLATED: small\n  Init: C(n=0)\n  → inc: C(n=1)\n  → inc: C(n=2)\n(3 states explored)"
    )


def test_a_string_is_a_violation_with_its_reason_and_an_empty_one_shows_none() -> None:
    r = check(counter(invariants={"why": lambda s: "too big" if s.n == 1 else True}))
    assert r.kind == "invariant" and r.reason == "too big"
    assert str(r).startswith("INVARIANT VIOLATED: why — too big\n")
    r = check(counter(invariants={"empty": lambda s: "" if s.n == 1 else None or True}))
    assert r.kind == "invariant" and r.reason is None
    r = check(counter(invariants={"none": lambda s: None}))
    assert r.kind == "invariant" and r.action_names == ()


def test_a_dead_end_is_a_deadlock_unless_terminal() -> None:
    m = Model(init=C(), actions=[Action("inc", lambda s: s.n < 1, lambda s: C(s.n + 1))])
    r = check(m)
    assert r.kind == "deadlock" and r.witness == C(1)
    assert str(r).startswith("DEADLOCK (a non-terminal state with no enabled action)")
    m.terminal = lambda s: s.n == 1
    assert check(m).ok
    assert Model(init=C()).terminal(C()) is False


def test_several_initial_states_and_one_rich_state() -> None:
    assert Model(init=[C(0), C(5)]).initial_states() == (C(0), C(5))
    assert Model(init=C(1)).initial_states() == (C(1),)
    assert Model(init="idle").initial_states() == ("idle",)
    m = Model(init=[C(0), C(2)], actions=[Action("inc", lambda s: s.n < 3, lambda s: C(s.n + 1))], terminal=lambda s: True)
    assert check(m).states_explored == 4


def test_max_states_truncates_and_says_so() -> None:
    r = check(counter(100), max_states=10)
    assert r.ok and r.truncated and r.states_explored == 10
    assert str(r) == "OK — 10 states, no violations (TRUNCATED at cap)"


def test_actions_may_share_a_name_and_each_gives_its_edges() -> None:
    m = Model(
        init=C(),
        actions=[Action("step", lambda s: s.n < 2, lambda s: C(s.n + 1)), Action("step", lambda s: s.n < 2, lambda s: C(s.n + 2))],
        terminal=lambda s: s.n >= 2,
    )
    assert check(m).states_explored == 4
    g = explore(m)
    assert g.edges[C(0)] == (("step", C(1)), ("step", C(2)))


def test_the_same_answer_with_two_workers() -> None:
    m = counter(50, invariants={"lt": lambda s: s.n < 40})
    a, b = check(m), check(m, workers=2)
    assert (a.states_explored, a.action_names) == (b.states_explored, b.action_names)


def test_canonicalize_and_key() -> None:
    @dataclass(frozen=True)
    class Pair:
        a: int
        b: int

    m = Model(
        init=Pair(0, 0),
        actions=[
            Action("a", lambda s: s.a < 2, lambda s: replace(s, a=s.a + 1)),
            Action("b", lambda s: s.b < 2, lambda s: replace(s, b=s.b + 1)),
        ],
        terminal=lambda s: s.a == 2 and s.b == 2,
    )
    assert check(m).states_explored == 9
    assert check(m, canonicalize=lambda s: Pair(*sorted((s.a, s.b)))).states_explored == 6
    assert check(m, key=lambda s: (s.a, s.b)).states_explored == 9


def test_unhashable_states_need_a_key() -> None:
    m = Model(init=[[0]], actions=[Action("inc", lambda s: s[0] < 3, lambda s: [s[0] + 1])], terminal=lambda s: s[0] == 3)
    r = check(m)
    assert r.kind == "panic" and "unhashable type: 'list'" in r.fault and "key=" in r.fault
    assert check(m, key=tuple).states_explored == 4
    later = Model(init=[(0,)], actions=[Action("inc", lambda s: s[0] < 3, lambda s: [s[0] + 1])], terminal=lambda s: s[0] == 3)
    r = check(later)
    assert r.kind == "panic" and "key=" in r.fault and r.trace[-1].state == (0,)


def test_edge_invariants_and_actions_fn() -> None:
    m = counter(edge_invariants={"no-big-step": lambda a, name, b: b.n - a.n <= 1 or "jumped"})
    m.actions = [*m.actions, Action("jump", lambda s: s.n == 1, lambda s: C(3))]
    r = check(m)
    assert r.kind == "edge-invariant" and r.invariant == "no-big-step" and r.reason == "jumped"
    assert r.action_names == ("inc", "jump")
    menu = Model(init=C(), actions_fn=lambda s: [Action(f"to{s.n + 1}", lambda t: True, lambda t: C(t.n + 1))] if s.n < 2 else [], terminal=lambda s: s.n == 2)
    r = check(menu)
    assert r.ok and r.states_explored == 3


# --- exceptions and interrupts -------------------------------------------------------------


def test_an_exception_in_a_guard_is_a_result_naming_it_with_its_trace() -> None:
    m = Model(init=C(), actions=[Action("inc", lambda s: s.n < 3, lambda s: C(s.n + 1)), Action("div", lambda s: 1 // (s.n - 2) >= 0, lambda s: s)])
    r = check(m)
    assert not r.ok and r.kind == "panic" and r.witness == C(2)
    assert "guard of 'div'" in r.fault and "ZeroDivisionError" in r.fault
    assert str(r).startswith("PANIC: guard of 'div' panicked: ZeroDivisionError: integer division or modulo by zero")


def test_an_exception_in_an_invariant_names_the_invariant() -> None:
    r = check(counter(invariants={"boom": lambda s: {}["k"] if s.n == 1 else True}))
    assert r.kind == "panic" and "invariant of 'boom'" in r.fault and "KeyError" in r.fault


def test_keyboard_interrupt_stops_the_check_and_is_raised() -> None:
    def effect(s: C) -> C:
        if s.n == 5:
            raise KeyboardInterrupt
        return C(s.n + 1)

    with pytest.raises(KeyboardInterrupt):
        check(Model(init=C(), actions=[Action("inc", lambda s: True, effect)]))
    assert check(counter()).ok  # nothing is left behind for the next check


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="fair="):
        Action("a", lambda s: True, lambda s: s, fair="sometimes")
    with pytest.raises(TypeError, match=r"Model.actions\[0\]"):
        check(Model(init=C(), actions=[42]))
    with pytest.raises(ValueError, match="distinct_by"):
        check_all(counter(), distinct_by="color")


# --- check_all, explore and the graph queries -----------------------------------------------


def test_check_all_buckets_by_invariant_reason_or_a_function() -> None:
    m = counter(5, invariants={"odd": lambda s: f"n={s.n}" if s.n % 2 else True, "big": lambda s: s.n < 4})
    rs = check_all(m)
    assert [(r.invariant, r.reason) for r in rs] == [("odd", "n=1"), ("big", None)]
    assert len(check_all(m, distinct_by="reason")) == 4
    assert len(check_all(m, distinct_by=lambda name, reason: name[0])) == 2
    assert check_all(counter()) == []


def test_explore_and_queries() -> None:
    g = explore(counter())
    assert g.initial == (C(0),) and g.states == (C(0), C(1), C(2), C(3)) and not g.truncated
    assert g.edges[C(1)] == (("inc", C(2)),) and g.edges[C(3)] == ()
    assert reaches(g, lambda s: s.n == 2) == frozenset({C(0), C(1), C(2)})
    assert [s.action for s in witness(g, lambda s: s.n == 2)] == ["<init>", "inc", "inc"]
    assert witness(g, lambda s: s.n == 9) is None
    assert path_to(g, C(3))[-1] == Step("inc", C(3)) and path_to(g, C(7)) is None
    assert states_where(g, lambda s: s.n % 2 == 1) == (C(1), C(3))
    with pytest.raises(ZeroDivisionError):
        reaches(g, lambda s: 1 // 0)


def test_format_trace() -> None:
    trace = witness(explore(counter()), lambda s: s.n == 2)
    assert format_trace(trace) == "  Init: C(n=0)\n  → inc: C(n=1)\n  → inc: C(n=2)"
    assert format_trace(trace, render=lambda s: f"#{s.n}", loop=1) == "  Init: #0\n  → inc: #1\n  --- loops forever ---\n  → inc: #2"


# --- open systems ---------------------------------------------------------------------------


def test_guarantees_are_qualified_and_verified_assumptions_are_not_residual() -> None:
    env = EnvironmentSpec[C](
        name="clock",
        behaviors=[Action("clock:tick", lambda s: s.n < 3, lambda s: C(s.n + 1))],
        guarantees={"bounded": lambda s: s.n <= 2},
        assumptions={
            "a": Assumption("clock:a", "ticks are counted", status="verified"),
            "b": Assumption("clock:b", "ticks stop", source="the manual"),
        },
    )
    r = check_open(Model(init=C(), terminal=lambda s: True), env)
    assert not r.ok and r.result.invariant == "clock:bounded"
    assert [a.name for a in r.unverified_assumptions] == ["clock:b"]
    assert r.unverified_assumptions[0] is env.assumptions["b"]
    assert str(r).endswith("Unverified assumptions (residual proof obligations):\n  [unverified] clock:b: ticks stop  [the manual]")
    with pytest.raises(ValueError, match="status"):
        Assumption("x", "y", status="probably")
    with pytest.raises(TypeError, match="EnvironmentSpec"):
        check_open(Model(init=C()), "k8s")


def test_the_factories_give_the_originals_behaviours_and_assumptions() -> None:
    t, f = (lambda s: False), (lambda s: s)
    cases = [
        (pod_eviction(can_evict=t, on_evict=f, can_oom_kill=t, on_oom_kill=f), "k8s", ["k8s:evict-pod", "k8s:oom-kill"]),
        (aws_api_faults(can_throttle=t, on_throttle=f, can_timeout=t, on_timeout=f), "aws", ["aws:throttle", "aws:timeout"]),
        (cluster_faults(can_leader_change=t, on_leader_change=f, can_compaction=t, on_compaction=f), "etcd", ["etcd:leader-change", "etcd:compaction"]),
        (process_faults(can_oom_kill=t, on_oom_kill=f, can_sigterm=t, on_sigterm=f), "linux", ["linux:oom-kill", "linux:sigterm"]),
        (fs_faults(can_enospc=t, on_enospc=f), "linux", ["linux:enospc"]),
        (capability_revocation(can_revoke=t, on_revoke=f), "sel4", ["sel4:cap-revoke"]),
        (block_volume_faults(can_detach=t, on_detach=f), "storage", ["storage:volume-detached"]),
        (credential_rotation(can_rotate=t, on_rotate=f), "distributed", ["distributed:credential-rotation"]),
        (record_reality_divergence(can_diverge=t, on_diverge=f), "distributed", ["distributed:record-reality-divergence"]),
    ]
    for env, name, behaviours in cases:
        assert env.name == name
        assert [b.name for b in env.behaviors] == behaviours
        assert env.behaviors[0].enabled is t and env.behaviors[0].apply is f
        assert env.assumptions and all(a.source for a in env.assumptions.values())
    k8s = cases[0][0]
    assert list(k8s.assumptions) == ["k8s:node-capacity", "k8s:scheduler-liveness", "k8s:eviction-rate-bounded"]


def test_factory_arguments_come_in_pairs_and_extras_are_merged() -> None:
    t, f = (lambda s: False), (lambda s: s)
    with pytest.raises(TypeError, match="can_oom_kill given without on_oom_kill"):
        pod_eviction(can_evict=t, on_evict=f, can_oom_kill=t)
    with pytest.raises(ValueError, match="block_volume_faults"):
        block_volume_faults()
    extra = Assumption("k8s:quota", "quota holds")
    env = pod_eviction(can_evict=t, on_evict=f, extra_assumptions={"k8s:quota": extra})
    assert list(env.assumptions)[-1] == "k8s:quota" and env.assumptions["k8s:quota"] is extra


# --- liveness and graph export --------------------------------------------------------------


def loop_model() -> Model:
    # 0 -> 1 -> 2 (goal); 1 may also spin on itself ("idle")
    return Model(
        init=C(),
        actions=[
            Action("go", lambda s: s.n < 2, lambda s: C(s.n + 1), fair="weak"),
            Action("idle", lambda s: s.n == 1, lambda s: s),
        ],
        terminal=lambda s: s.n == 2,
    )


def test_liveness_fairness_from_tags_and_explicit_names() -> None:
    from musil import check_liveness

    r = check_liveness(loop_model(), goal=lambda s: s.n == 2, goal_name="done")
    assert r.ok and str(r) == "OK — eventually 'done' on every run (3 states)"
    r = check_liveness(loop_model(), goal=lambda s: s.n == 2, fair=(), goal_name="done")
    assert not r.ok and r.kind == "fair-cycle" and r.action_names == ("go", "idle")
    assert str(r) == (
        "LIVENESS VIOLATED: a fair cycle never reaches 'done'\n  Init: C(n=0)\n  → go: C(n=1)\n"
        "  --- loops forever ---\n  ↺ idle: C(n=1)\n(3 states explored)"
    )
    with pytest.raises(ValueError, match="nope"):
        check_liveness(loop_model(), goal=lambda s: True, fair=("nope",))


def test_liveness_trap_and_leads_to_stem_starts_at_the_trigger() -> None:
    from musil import check_liveness

    m = Model(init=C(), actions=[Action("inc", lambda s: s.n < 3, lambda s: C(s.n + 1))], terminal=lambda s: True)
    r = check_liveness(m, goal=lambda s: s.n == 1, leadsto_from=lambda s: s.n == 2)
    assert not r.ok and r.kind == "p-unreachable"
    assert [s.action for s in r.stem] == ["<init>"] and r.witness == C(2)


def test_liveness_open_leaves_environment_behaviours_unfair() -> None:
    from musil.env import check_liveness_open

    m = Model(init=C(), actions=[Action("go", lambda s: s.n < 2, lambda s: C(s.n + 1))], terminal=lambda s: s.n == 2)
    env = EnvironmentSpec(name="e", behaviors=[Action("e:stall", lambda s: s.n == 1, lambda s: s)],
                          assumptions={"x": Assumption("e:x", "stalls end")})
    r = check_liveness_open(m, env, goal=lambda s: s.n == 2)
    assert r.ok and [a.name for a in r.unverified_assumptions] == ["e:x"]
    r = check_liveness_open(m, env, goal=lambda s: s.n == 2, fair=())
    assert not r.ok and r.result.action_names == ("go", "e:stall")


def test_to_dot_labels_dataclass_fields() -> None:
    from musil.graph import to_dot

    dot = to_dot(counter(1), highlight=[C(1)], name="g")
    assert dot.startswith("digraph g {\n  rankdir=LR;")
    assert '  n0 [label="n=0", penwidth=2];' in dot
    assert '  n1 [label="n=1", style=filled, fillcolor="#ffe0e0"];' in dot
    assert '  n0 -> n1 [label="inc"];' in dot
    assert to_dot(explore(counter(1)), name="g") == to_dot(counter(1), name="g")


# --- LTL ------------------------------------------------------------------------------------


def light() -> Model:
    @dataclass(frozen=True)
    class L:
        color: str

    return Model(
        init=L("red"),
        actions=[
            Action("go", lambda s: s.color == "red", lambda s: L("green")),
            Action("slow", lambda s: s.color == "green", lambda s: L("yellow")),
            Action("stop", lambda s: s.color == "yellow", lambda s: L("red")),
        ],
    )


def test_ltl_reductions_return_the_originals_result_types() -> None:
    from musil import LivenessResult, Result
    from musil.ltl import Always, Atom, Eventually, Implies, Next, Until, check_ltl

    red = Atom("red", lambda s: s.color == "red")
    green = Atom("green", lambda s: s.color == "green")
    assert isinstance(check_ltl(light(), Always(Eventually(red))), LivenessResult)
    assert isinstance(check_ltl(light(), Always(Implies(red, Eventually(green)))), LivenessResult)
    g = check_ltl(light(), Always(green))
    assert isinstance(g, Result) and not g.ok and g.action_names == ()
    assert check_ltl(light(), Next(green)).ok
    assert check_ltl(light(), Until(red, green)).ok
    bad = check_ltl(light(), Eventually(Always(green)))
    assert isinstance(bad, Result) and bad.kind == "ltl" and bad.loop == 0
    assert bad.action_names == ("go", "slow", "stop")
    assert str(bad).startswith("LTL VIOLATED: F G green\n")
    with pytest.raises(ValueError, match="nope"):
        check_ltl(light(), Eventually(green), fair=("nope",))
    with pytest.raises(TypeError, match="LTL formula"):
        check_ltl(light(), "F green")



# --- probabilities --------------------------------------------------------------------------


def walk(start: int = 2, n: int = 4) -> Model:
    live = lambda s: 0 < s.n < n  # noqa: E731
    return Model(
        init=C(start),
        actions=[Action("up", live, lambda s: C(s.n + 1)), Action("down", live, lambda s: C(s.n - 1))],
        terminal=lambda s: not live(s),
    )


def test_exact_probabilities_are_fractions() -> None:
    from fractions import Fraction

    from musil.probabilistic import assert_probability, expected_reward, reach_probability, transient_distribution

    goal = lambda s: s.n == 4  # noqa: E731
    assert reach_probability(walk(), goal) == Fraction(1, 2)
    assert reach_probability(walk(), goal, weight=lambda a, s: 2 if a == "up" else 1) == Fraction(4, 5)
    assert reach_probability(walk(), goal, weight=lambda a, s: 0.6 if a == "up" else 0.4) == Fraction(9, 13)
    assert reach_probability(walk(), goal, steps=2) == Fraction(1, 4)
    assert reach_probability(walk(), goal, avoid=lambda s: s.n == 3) == 0
    assert expected_reward(walk(), lambda s: s.n in (0, 4)) == 4
    dist = transient_distribution(walk(), 1)
    assert dist == {C(2): 0, C(3): Fraction(1, 2), C(1): Fraction(1, 2), C(4): 0, C(0): 0}
    assert_probability(Fraction(1, 2), equals=Fraction(1, 2), at_most=1)
    with pytest.raises(AssertionError, match="expected >= 2/3, got 1/2"):
        assert_probability(Fraction(1, 2), at_least=Fraction(2, 3))


def test_no_exact_answer_raises_value_error() -> None:
    from musil.probabilistic import expected_reward, reach_probability, reach_probability_mdp

    with pytest.raises(ValueError, match="truncated|max_states"):
        reach_probability(walk(2, 40), lambda s: s.n == 40, max_states=5)
    with pytest.raises(ValueError, match="almost surely|infinite"):
        expected_reward(walk(), lambda s: s.n == 4)
    with pytest.raises(ValueError, match="non-negative"):
        reach_probability(walk(), lambda s: s.n == 4, weight=lambda a, s: -1)
    with pytest.raises(ValueError, match="steps"):
        reach_probability(walk(), lambda s: s.n == 4, steps=-1)
    with pytest.raises(ValueError, match="optimize"):
        reach_probability_mdp(walk(), lambda s: s.n == 4, moves=lambda s, acts: [acts], optimize="best")


def test_exceptions_in_questions() -> None:
    from musil.probabilistic import reach_probability

    with pytest.raises(ZeroDivisionError):
        reach_probability(walk(), lambda s: s.n == 4, weight=lambda a, s: 1 // 0)
    with pytest.raises(TypeError, match="weight"):
        reach_probability(walk(), lambda s: s.n == 4, weight=lambda a, s: "heavy")
    broken = Model(init=C(), actions=[Action("boom", lambda s: True, lambda s: C(1 // 0))])
    with pytest.raises(RuntimeError, match="boom") as e:
        reach_probability(broken, lambda s: s.n == 4)
    assert isinstance(e.value.__cause__, ZeroDivisionError)


def test_mdp_optima_by_moves() -> None:
    from fractions import Fraction

    from musil.probabilistic import reach_probability_mdp

    m = Model(
        init=C(),
        actions=[
            Action("safe_win", lambda s: s.n == 0, lambda s: C(1)),
            Action("safe_lose", lambda s: s.n == 0, lambda s: C(2)),
            Action("risky_win", lambda s: s.n == 0, lambda s: C(1)),
            Action("risky_lose", lambda s: s.n == 0, lambda s: C(2)),
        ],
        terminal=lambda s: s.n != 0,
    )

    def moves(state, enabled):
        assert all(isinstance(a, Action) for a in enabled)
        return [[a for a in enabled if a.name.startswith(k)] for k in ("safe", "risky")]

    weight = lambda a, s: 3 if a == "safe_win" else 1  # noqa: E731
    assert reach_probability_mdp(m, lambda s: s.n == 1, moves=moves, weight=weight) == Fraction(3, 4)
    assert reach_probability_mdp(m, lambda s: s.n == 1, moves=moves, weight=weight, optimize="min") == Fraction(1, 2)


def test_with_last_action_makes_actions_state() -> None:
    from musil.history import LastAction, action_taken, with_last_action

    aug = with_last_action(counter(2, invariants={"small": lambda s: s.n < 2}))
    r = check(aug)
    assert r.invariant == "small" and r.witness == LastAction(C(2), "inc")
    assert r.trace[0].state == LastAction(C(0), None)
    assert action_taken("inc")(r.witness) and not action_taken("inc")(r.trace[0].state)


# --- induction, symmetry, metrics -----------------------------------------------------------


def test_check_inductive_base_step_and_proof() -> None:
    from musil.induction import check_inductive

    m = Model(init=C(0), actions=[Action("add2", lambda s: s.n < 8, lambda s: C(s.n + 2))], terminal=lambda s: s.n == 8)
    domain = [C(x) for x in range(10)]
    weak = check_inductive(m, lambda s: s.n <= 8, domain)
    assert not weak.proven and weak.failure == "step" and weak.state == C(7) and weak.successor == C(9)
    assert str(weak).startswith("NOT INDUCTIVE (k=1): counterexample-to-induction\n  I holds at: C(n=7)\n  --add2--> C(n=9)")
    strong = check_inductive(m, lambda s: s.n <= 8 and s.n % 2 == 0, domain)
    assert strong.proven and bool(strong) and str(strong).startswith("INDUCTIVE (k=1)")
    base = check_inductive(m, lambda s: s.n < 4 or "too far", domain, k=3)
    assert base.failure == "base" and base.state == C(4) and base.reason == "too far"
    assert [s.action for s in base.path] == ["<init>", "add2", "add2"]
    with pytest.raises(ValueError, match="k must be"):
        check_inductive(m, lambda s: True, domain, k=0)


def test_symmetry_by_sorting_and_its_gate() -> None:
    from musil.core import symmetry_reduction_sound
    from musil.symmetry import canonical_by_sorting

    m = Model(
        init=[(0, 0, 0)],
        actions=[Action(f"inc{i}", lambda s, i=i: s[i] < 2, lambda s, i=i: (*s[:i], s[i] + 1, *s[i + 1:])) for i in range(3)],
        terminal=lambda s: s == (2, 2, 2),
    )
    canon = canonical_by_sorting(get=lambda s: s, put=lambda s, xs: xs)
    assert canon((2, 0, 1)) == (0, 1, 2)
    assert check(m).states_explored == 27 and check(m, canonicalize=canon).states_explored == 10
    assert symmetry_reduction_sound(m, canon)
    m.invariants = {"unfinished": lambda s: s != (2, 2, 2)}
    assert symmetry_reduction_sound(m, canon)
    assert not symmetry_reduction_sound(m, lambda s: (0, 0, 0))  # loses the violation


def test_coverage_and_invariant_coverage() -> None:
    from musil.metrics import coverage, invariant_coverage

    m = Model(
        init=C(),
        actions=[
            Action("inc", lambda s: s.n < 2, lambda s: C(s.n + 1)),
            Action("never", lambda s: s.n > 5, lambda s: s),
            Action("dec", lambda s: s.n > 0, lambda s: C(s.n - 1)),
        ],
        invariants={"low": lambda s: s.n <= 2, "tautology": lambda s: True},
    )
    cov = coverage(m)
    assert cov.dead_actions == ("never",) and not cov.ok and cov.actions_total == 3
    ic = invariant_coverage(m)
    assert ic.load_bearing == ("low",) and ic.candidate_vacuous == ("tautology",)
    assert "inc" in ic.threats["low"]


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_stops_a_long_check(workers: int) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = f"""
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
from musil import Action, Model, check
m = Model(init=[0], actions=[Action("inc", lambda s: True, lambda s: s + 1)])
print("started", flush=True)
try:
    check(m, max_states=10**9, workers={workers})
    print("finished")
except KeyboardInterrupt:
    print("interrupted")
"""
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert out.strip() == "interrupted"


def test_assert_ok_assert_violates_and_check_of() -> None:
    from musil import assert_ok, assert_violates, check_of

    assert_ok(check(counter()))
    with pytest.raises(AssertionError, match="TRUNCATED"):
        assert_ok(check(counter(100), max_states=5))
    assert_ok(check(counter(100), max_states=5), truncated="ok")
    bad = check(counter(invariants={"small": lambda s: s.n < 2}))
    with pytest.raises(AssertionError, match="^ctx\nINVARIANT VIOLATED: small"):
        assert_ok(bad, "ctx")
    assert_violates(bad, kind="invariant", invariant="small", via=["inc"], where=lambda s: s.n == 2)
    with pytest.raises(AssertionError, match="expected broken invariant 'big'"):
        assert_violates(bad, invariant="big")
    with pytest.raises(AssertionError, match="expected a violation"):
        assert_violates(check(counter()))
    m = counter(invariants={"small": lambda s: s.n < 2})
    r = check_of(explore(m), m)
    assert r.invariant == "small" and r.action_names == ("inc", "inc")


def test_symmetry_by_fields_and_by_permutations() -> None:
    from musil.symmetry import canonical_by_fields, canonical_by_permutations

    @dataclass(frozen=True)
    class Pool:
        workers: tuple
        leader: int = 0

    assert canonical_by_fields("workers")(Pool((2, 0, 1))) == Pool((0, 1, 2))

    def relabel(s: Pool, m) -> Pool:
        return Pool(tuple(s.workers[i] for i in sorted(m, key=lambda k: m[k])), m[s.leader])

    canon = canonical_by_permutations([0, 1, 2], relabel)
    orbit = {canon(relabel(Pool((5, 6, 7), 1), m)) for m in ({0: 1, 1: 0, 2: 2}, {0: 2, 1: 1, 2: 0}, {0: 0, 1: 1, 2: 2})}
    assert len(orbit) == 1
    with pytest.raises(ValueError, match="max_permutations"):
        canonical_by_permutations(list(range(8)), relabel)
