"""Exact probabilities over the explored graph, read as a Markov chain or, with ``moves``, a
Markov decision process: reachability (plain, constrained by ``avoid``, within ``steps``), the
distribution after ``steps`` transitions, expected costs, long-run averages, the probability of
an LTL formula, and their best and worst values over schedulers. Every answer is an exact
``fractions.Fraction``.

A weight, cost or reward may be an ``int``, a ``Fraction`` or a ``float``; a float counts as the
decimal it prints as (``0.6`` is ``3/5``; the original reads a float's binary value). A question
without an exact answer raises ``ValueError`` (a truncated exploration, an infinite expected
cost, too many policies), as the original does.
"""

from __future__ import annotations

from fractions import Fraction

from musil._native import (
    expected_reward,
    expected_reward_mdp,
    long_run_probability,
    long_run_probability_mdp,
    long_run_reward,
    long_run_reward_mdp,
    probability_ltl,
    reach_probability,
    reach_probability_mdp,
    transient_distribution,
)


def assert_probability(actual, *, equals=None, at_least=None, at_most=None, label="probability"):
    """Raise ``AssertionError`` with the actual value unless ``actual`` equals ``equals`` and lies
    within ``at_least`` / ``at_most`` (each optional, at least one given; ``int`` or ``Fraction``)."""
    if equals is None and at_least is None and at_most is None:
        raise ValueError("assert_probability: give at least one of equals / at_least / at_most")
    if equals is not None and actual != Fraction(equals):
        raise AssertionError(f"{label}: expected == {Fraction(equals)}, got {actual}")
    if at_least is not None and actual < Fraction(at_least):
        raise AssertionError(f"{label}: expected >= {Fraction(at_least)}, got {actual}")
    if at_most is not None and actual > Fraction(at_most):
        raise AssertionError(f"{label}: expected <= {Fraction(at_most)}, got {actual}")


__all__ = [
    "assert_probability",
    "expected_reward",
    "expected_reward_mdp",
    "long_run_probability",
    "long_run_probability_mdp",
    "long_run_reward",
    "long_run_reward_mdp",
    "probability_ltl",
    "reach_probability",
    "reach_probability_mdp",
    "transient_distribution",
]
