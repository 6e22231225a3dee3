//! Raft-like leader election over terms: self-appointment allows two leaders in one term, a
//! majority quorum prevents it, and "eventually a leader" still fails when the vote splits.
//!
//! Run: `cargo run --example leader_election`

use std::collections::BTreeSet;

use musil::{CheckResult, Liveness, LivenessResult, Model, check, check_liveness};

/// Nodes in the cluster.
pub const N: usize = 3;
/// Highest term a node campaigns for.
pub const MAX_TERM: u8 = 2;

/// A node's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Role {
    /// Votes for others.
    Follower,
    /// Campaigning in its term.
    Candidate,
    /// Won its term.
    Leader,
}

/// Terms, roles and the votes cast as (term, voter, candidate).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Cluster {
    term: [u8; N],
    role: [Role; N],
    votes: BTreeSet<(u8, usize, usize)>,
}

/// The election; a node wins with `threshold` votes for it in its term.
pub fn build(threshold: usize) -> Model<Cluster> {
    let mut m = Model::new(Cluster { term: [0; N], role: [Role::Follower; N], votes: BTreeSet::new() });
    for i in 0..N {
        m = m
            .action(
                format!("campaign:{i}"),
                move |c| c.role[i] != Role::Leader && c.term[i] < MAX_TERM,
                move |c| {
                    let mut n = c.clone();
                    n.term[i] += 1;
                    n.role[i] = Role::Candidate;
                    n.votes.insert((n.term[i], i, i));
                    n
                },
            )
            .action(
                format!("win:{i}"),
                move |c| {
                    c.role[i] == Role::Candidate
                        && c.votes.iter().filter(|(t, _, cand)| *t == c.term[i] && *cand == i).count()
                            >= threshold
                },
                move |c| {
                    let mut n = c.clone();
                    n.role[i] = Role::Leader;
                    n
                },
            );
        for j in (0..N).filter(|&j| j != i) {
            m = m.action(
                format!("vote:{j}->{i}"),
                move |c| {
                    c.role[i] == Role::Candidate
                        && c.term[j] <= c.term[i]
                        && !c.votes.iter().any(|(t, v, _)| *t == c.term[i] && *v == j)
                },
                move |c| {
                    let mut n = c.clone();
                    n.votes.insert((c.term[i], j, i));
                    n.term[j] = c.term[i];
                    n.role[j] = Role::Follower;
                    n
                },
            );
        }
    }
    m.invariant("one-leader-per-term", |c| {
        let terms: Vec<u8> = (0..N).filter(|&i| c.role[i] == Role::Leader).map(|i| c.term[i]).collect();
        terms.iter().collect::<BTreeSet<_>>().len() == terms.len()
    })
    // Every dead end is a legitimate end of the protocol.
    .terminal(|_| true)
}

/// Safety without and with quorum, and liveness with quorum.
pub fn run() -> (CheckResult<Cluster>, CheckResult<Cluster>, LivenessResult<Cluster>) {
    let leader = |c: &Cluster| c.role.contains(&Role::Leader);
    let live = check_liveness(&build(2), &Liveness::eventually(leader).goal_name("some-leader"))
        .expect("no fairness names to refuse");
    (check(&build(1)), check(&build(2)), live)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

fn main() {
    let (split, quorum, live) = run();
    println!("=== 1. NO QUORUM (a node self-appoints on its own vote) — safety ===");
    if !split.ok {
        println!("  SPLIT BRAIN -- invariant 'one-leader-per-term' violated (two leaders in one term):");
    }
    println!("{}", indent(&split.to_string()));
    println!();
    println!("=== 2. QUORUM (a majority is required) — safety ===");
    if quorum.ok {
        println!("  at most one leader per term: OK ({} states)", quorum.states_explored);
    } else {
        println!("{}", indent(&quorum.to_string()));
    }
    println!();
    println!("=== 3. Liveness: is a leader always eventually elected? ===");
    if live.ok {
        println!("  eventually a leader: OK");
    } else {
        println!(
            "  eventually a leader: FAILS — SPLIT-VOTE LIVELOCK: all campaign at once, no majority, repeat"
        );
        println!("{}", indent(&live.to_string()));
    }
}
