//! Partial-order reduction on the four shared benchmark models (`../shared/bench/MODELS.md`):
//! each checked in full and reduced from declared footprints, with the verdicts compared.
//!
//! The models are the shared ones, written with the closure builder, each action with the
//! variables it reads and writes (their state counts are MODELS.md's). Two are stated so that
//! their invariants read one variable each: `counters` checks "every counter in range" as one
//! invariant per counter, and `phils` "every held fork is held by a neighbour" as one per fork
//! (the same properties, conjunct by conjunct), which needs no visibility condition.
//!
//! Footprints name facts rather than bytes where that helps: a token-ring node's phase is
//! declared as two facts, `waiting{i}` and `critical{i}`, so that mutual exclusion (which reads
//! only the second) does not see `want` and `pass`; and guards are declared conjunct by
//! conjunct, so that a disabled `enter` waits only on what makes its false conjunct true.
//! [`musil::por::footprints_sound`] checks every such claim on the reachable states (a test
//! runs it on each model here).
//!
//! - `token-ring` loses almost everything: every `want` commutes with what the other nodes do,
//!   so one order of them is kept, and the ring is then walked with every node waiting: about
//!   4N states instead of N·3·2^(N-1), which is what makes a 30-node ring checkable at all
//!   (`--large`).
//! - `counters` wraps each counter back to 0: every state lies on the run that increments one
//!   counter until it wraps, then the next, so any ample choice still reaches them all (only
//!   transitions are saved);
//! - `phils` is a ring of conflicts: each philosopher's steps write a fork a neighbour reads,
//!   so a stubborn set grown from any enabled step takes in the whole ring;
//! - in `2pc`, preparing and choosing to abort disable each other and the latter is visible to
//!   consistency, and the transaction manager's steps wait on the resource managers': no
//!   proper subset closes without a visible step.
//!
//! The last row is not a shared model: `workers N K`, N counters that stop at K instead of
//! wrapping (independent work that finishes), where one order of the independent steps is
//! all there is to see: (K+1)^N states in full, N·K + 1 reduced.
//!
//! Run with `cargo run --release --example partial_order`.

use musil::por::{Footprint, Footprints};
use musil::{CheckResult, Checker, Model};

/// One model's figures.
#[derive(Debug)]
pub struct Row {
    /// The model and its size, e.g. `counters 4 9`.
    pub name: String,
    /// The full check.
    pub full: CheckResult<Vec<u8>>,
    /// The reduced check.
    pub reduced: CheckResult<Vec<u8>>,
    /// Transitions followed in full and reduced.
    pub transitions: (u64, u64),
    /// Wall-clock seconds in full and reduced.
    pub seconds: (f64, f64),
    /// Bytes the store held at the end, in full and reduced.
    pub store_bytes: (usize, usize),
}

impl Row {
    /// Both checks give the same verdict: both pass, or both fail with the same kind.
    pub fn same_verdict(&self) -> bool {
        self.full.ok == self.reduced.ok && self.full.kind == self.reduced.kind
    }
}

/// `counters N K`: `inc_i` takes counter i from K back to 0; one invariant per counter.
pub fn counters(n: usize, k: u8) -> (Model<Vec<u8>>, Footprints<Vec<u8>>) {
    let mut m = Model::new(vec![0u8; n]).terminal(|_| true);
    let mut fp = Footprints::new();
    for i in 0..n {
        let c = format!("c{i}");
        m = m
            .action(
                format!("inc_{i}"),
                |_| true,
                move |s: &Vec<u8>| {
                    let mut t = s.clone();
                    t[i] = if t[i] == k { 0 } else { t[i] + 1 };
                    t
                },
            )
            .invariant(format!("c{i}-in-range"), move |s: &Vec<u8>| s[i] <= k);
        fp = fp
            .action(format!("inc_{i}"), Footprint::new().reads([&c]).writes([&c]))
            .invariant(format!("c{i}-in-range"), [&c]);
    }
    (m, fp)
}

/// `token-ring N`: byte 0 the token, byte 1 + i node i's phase (0 idle, 1 waiting, 2 critical).
pub fn token_ring(n: usize) -> (Model<Vec<u8>>, Footprints<Vec<u8>>) {
    let mut m = Model::new(vec![0u8; n + 1]).terminal(|_| true);
    let mut fp = Footprints::new();
    let set = |i: usize, v: u8| {
        move |s: &Vec<u8>| {
            let mut t = s.clone();
            t[i] = v;
            t
        }
    };
    for i in 0..n {
        m = m
            .action(format!("want_{i}"), move |s: &Vec<u8>| s[1 + i] == 0, set(1 + i, 1))
            .action(
                format!("enter_{i}"),
                move |s: &Vec<u8>| s[1 + i] == 1 && s[0] as usize == i,
                set(1 + i, 2),
            )
            .action(format!("exit_{i}"), move |s: &Vec<u8>| s[1 + i] == 2, set(1 + i, 0))
            .action(
                format!("pass_{i}"),
                move |s: &Vec<u8>| s[0] as usize == i && s[1 + i] != 2,
                set(0, ((i + 1) % n) as u8),
            );
        // A node's phase stands for two facts: `waiting{i}` and `critical{i}` (idle is
        // neither). Mutual exclusion reads only the second, so `want` and `pass` stay invisible.
        let (w, c) = (format!("waiting{i}"), format!("critical{i}"));
        let waiting = move |s: &Vec<u8>| s[1 + i] == 1;
        let critical = move |s: &Vec<u8>| s[1 + i] == 2;
        let token = move |s: &Vec<u8>| s[0] as usize == i;
        fp = fp
            .action(
                format!("want_{i}"),
                Footprint::new()
                    .when([&w], move |s| !waiting(s))
                    .when([&c], move |s| !critical(s))
                    .writes([&w]),
            )
            .action(
                format!("enter_{i}"),
                Footprint::new().when([&w], waiting).when(["token"], token).writes([&w, &c]),
            )
            .action(format!("exit_{i}"), Footprint::new().when([&c], critical).writes([&c]))
            .action(
                format!("pass_{i}"),
                Footprint::new().when(["token"], token).when([&c], move |s| !critical(s)).writes(["token"]),
            );
    }
    let critical: Vec<String> = (0..n).map(|i| format!("critical{i}")).collect();
    m = m.invariant("mutual-exclusion", |s: &Vec<u8>| s[1..].iter().filter(|p| **p == 2).count() <= 1);
    (m, fp.invariant("mutual-exclusion", critical))
}

/// No owner: the fork is on the table.
const FREE: u8 = u8::MAX;

/// `phils N`, the ordered variant: byte f is the owner of fork f; philosopher i takes the
/// lower-numbered of its forks first. "i holds no fork" reads i's own two forks (a philosopher
/// can hold no other), which is the shared model's guard on every reachable state.
pub fn phils(n: usize) -> (Model<Vec<u8>>, Footprints<Vec<u8>>) {
    let mut m = Model::new(vec![FREE; n]).terminal(|_| true);
    let mut fp = Footprints::new();
    for i in 0..n {
        let (f, g) = (i.min((i + 1) % n), i.max((i + 1) % n));
        let me = i as u8;
        let (ff, fg) = (format!("fork{f}"), format!("fork{g}"));
        m = m
            .action(
                format!("P{i}_take_f{f}"),
                move |s: &Vec<u8>| s[f] == FREE && s[g] != me,
                move |s: &Vec<u8>| {
                    let mut t = s.clone();
                    t[f] = me;
                    t
                },
            )
            .action(
                format!("P{i}_take_f{g}"),
                move |s: &Vec<u8>| s[f] == me && s[g] == FREE,
                move |s: &Vec<u8>| {
                    let mut t = s.clone();
                    t[g] = me;
                    t
                },
            )
            .action(
                format!("P{i}_eat_release"),
                move |s: &Vec<u8>| s[f] == me && s[g] == me,
                move |s: &Vec<u8>| {
                    let mut t = s.clone();
                    t[f] = FREE;
                    t[g] = FREE;
                    t
                },
            );
        let both = Footprint::new().reads([&ff, &fg]);
        fp = fp
            .action(format!("P{i}_take_f{f}"), both.clone().writes([&ff]))
            .action(format!("P{i}_take_f{g}"), both.clone().writes([&fg]))
            .action(format!("P{i}_eat_release"), both.writes([&ff, &fg]));
    }
    for j in 0..n {
        m = m.invariant(format!("fork{j}-held-by-a-neighbour"), move |s: &Vec<u8>| {
            s[j] == FREE || s[j] as usize == j || (s[j] as usize + 1) % n == j
        });
        fp = fp.invariant(format!("fork{j}-held-by-a-neighbour"), [format!("fork{j}")]);
    }
    (m, fp)
}

/// `2pc N`: Lamport's TwoPhase. Bytes: `rm[0..N)` (0 working, 1 prepared, 2 committed,
/// 3 aborted), then `tm` (0 init, 1 committed, 2 aborted), `tm_prepared[0..N)`,
/// `msg_prepared[0..N)`, `msg_commit`, `msg_abort`.
pub fn two_phase(n: usize) -> (Model<Vec<u8>>, Footprints<Vec<u8>>) {
    let tm = n;
    let tp = move |rm: usize| n + 1 + rm;
    let mp = move |rm: usize| 2 * n + 1 + rm;
    let (commit, abort) = (3 * n + 1, 3 * n + 2);
    let mut m = Model::new(vec![0u8; 3 * n + 3]).terminal(|_| true);
    let mut fp = Footprints::new();
    let all_tp: Vec<String> = (0..n).map(|rm| format!("tm_prepared{rm}")).collect();
    m = m
        .action(
            "TmCommit",
            move |s: &Vec<u8>| s[tm] == 0 && (0..n).all(|rm| s[tp(rm)] == 1),
            move |s: &Vec<u8>| {
                let mut t = s.clone();
                t[tm] = 1;
                t[commit] = 1;
                t
            },
        )
        .action(
            "TmAbort",
            move |s: &Vec<u8>| s[tm] == 0,
            move |s: &Vec<u8>| {
                let mut t = s.clone();
                t[tm] = 2;
                t[abort] = 1;
                t
            },
        );
    let tm_init = move |s: &Vec<u8>| s[tm] == 0;
    fp = fp
        .action(
            "TmCommit",
            Footprint::new()
                .when(["tm"], tm_init)
                .when(all_tp.clone(), move |s| (0..n).all(|rm| s[tp(rm)] == 1))
                .writes(["tm", "msg_commit"]),
        )
        .action("TmAbort", Footprint::new().when(["tm"], tm_init).writes(["tm", "msg_abort"]));
    for rm in 0..n {
        let put = move |pairs: Vec<(usize, u8)>| {
            move |s: &Vec<u8>| {
                let mut t = s.clone();
                for &(i, v) in &pairs {
                    t[i] = v;
                }
                t
            }
        };
        let (tpr, mpr) = (format!("tm_prepared{rm}"), format!("msg_prepared{rm}"));
        m = m
            .action(
                format!("TmRcvPrepared({rm})"),
                move |s: &Vec<u8>| s[tm] == 0 && s[mp(rm)] == 1,
                put(vec![(tp(rm), 1)]),
            )
            .action(
                format!("RmPrepare({rm})"),
                move |s: &Vec<u8>| s[rm] == 0,
                put(vec![(rm, 1), (mp(rm), 1)]),
            )
            .action(format!("RmChooseToAbort({rm})"), move |s: &Vec<u8>| s[rm] == 0, put(vec![(rm, 3)]))
            .action(format!("RmRcvCommitMsg({rm})"), move |s: &Vec<u8>| s[commit] == 1, put(vec![(rm, 2)]))
            .action(format!("RmRcvAbortMsg({rm})"), move |s: &Vec<u8>| s[abort] == 1, put(vec![(rm, 3)]));
        // A resource manager's state stands for three facts, `working`, `committed` and
        // `aborted` (prepared is none of them): consistency reads only the last two.
        let (w, c, a) = (format!("working{rm}"), format!("committed{rm}"), format!("aborted{rm}"));
        let working = move |s: &Vec<u8>| s[rm] == 0;
        fp = fp
            .action(
                format!("TmRcvPrepared({rm})"),
                Footprint::new()
                    .when(["tm"], tm_init)
                    .when([&mpr], move |s: &Vec<u8>| s[mp(rm)] == 1)
                    .writes([&tpr]),
            )
            .action(format!("RmPrepare({rm})"), Footprint::new().when([&w], working).writes([&w, &mpr]))
            .action(format!("RmChooseToAbort({rm})"), Footprint::new().when([&w], working).writes([&w, &a]))
            .action(
                format!("RmRcvCommitMsg({rm})"),
                Footprint::new().when(["msg_commit"], move |s: &Vec<u8>| s[commit] == 1).writes([&w, &c, &a]),
            )
            .action(
                format!("RmRcvAbortMsg({rm})"),
                Footprint::new().when(["msg_abort"], move |s: &Vec<u8>| s[abort] == 1).writes([&w, &c, &a]),
            );
    }
    m = m.invariant("consistent", move |s: &Vec<u8>| !(s[..n].contains(&3) && s[..n].contains(&2)));
    let outcomes: Vec<String> =
        (0..n).flat_map(|rm| [format!("committed{rm}"), format!("aborted{rm}")]).collect();
    (m, fp.invariant("consistent", outcomes))
}

/// `workers N K` (not a shared model): N counters that each count up to K and stop, one
/// invariant per counter.
pub fn workers(n: usize, k: u8) -> (Model<Vec<u8>>, Footprints<Vec<u8>>) {
    let mut m = Model::new(vec![0u8; n]).terminal(move |s: &Vec<u8>| s.iter().all(|c| *c == k));
    let mut fp = Footprints::new();
    for i in 0..n {
        let c = format!("c{i}");
        m = m
            .action(
                format!("step_{i}"),
                move |s: &Vec<u8>| s[i] < k,
                move |s: &Vec<u8>| {
                    let mut t = s.clone();
                    t[i] += 1;
                    t
                },
            )
            .invariant(format!("c{i}-in-range"), move |s: &Vec<u8>| s[i] <= k);
        fp = fp
            .action(format!("step_{i}"), Footprint::new().reads([&c]).writes([&c]))
            .invariant(format!("c{i}-in-range"), [&c]);
    }
    (m, fp)
}

/// Check one model in full and reduced, with the default configuration.
pub fn row(name: &str, model: (Model<Vec<u8>>, Footprints<Vec<u8>>)) -> Row {
    row_with(name, model, &musil::Config::new())
}

/// Check one model in full and reduced under `config`.
pub fn row_with(
    name: &str,
    (model, footprints): (Model<Vec<u8>>, Footprints<Vec<u8>>),
    config: &musil::Config<Vec<u8>>,
) -> Row {
    let (full, full_stats) = Checker::new(&model).config(config.clone()).check_with_stats();
    let (reduced, reduced_stats) = Checker::new(&model)
        .config(config.clone())
        .partial_order(&footprints)
        .expect("the footprints name the model's actions and invariants")
        .check_with_stats();
    Row {
        name: name.to_owned(),
        full,
        reduced,
        transitions: (full_stats.transitions, reduced_stats.transitions),
        seconds: (full_stats.seconds, reduced_stats.seconds),
        store_bytes: (full_stats.store_bytes, reduced_stats.store_bytes),
    }
}

/// The four shared models at the sizes of their smallest rows in MODELS.md, then `workers`.
pub fn run() -> Vec<Row> {
    vec![
        row("counters 4 9", counters(4, 9)),
        row("token-ring 8", token_ring(8)),
        row("phils 10", phils(10)),
        row("2pc 4", two_phase(4)),
        row("workers 4 9", workers(4, 9)),
    ]
}

/// Larger sizes, for docs/PERFORMANCE.md (`-- --large`); `workers 9 9` has 10^9 states in
/// full and `token-ring 30` about 4.8·10^10, past any memory here, so their full checks run
/// under a 512 MiB memory budget and stop there (and say so).
pub fn run_large() -> Vec<Row> {
    let all = musil::Config::new().max_states(usize::MAX);
    let budget = all.clone().memory_budget(512 << 20);
    vec![
        row_with("counters 6 9", counters(6, 9), &all),
        row_with("token-ring 11", token_ring(11), &all),
        row_with("token-ring 18", token_ring(18), &all),
        row_with("phils 13", phils(13), &all),
        row_with("2pc 6", two_phase(6), &all),
        row_with("workers 6 9", workers(6, 9), &all),
        row_with("workers 9 9", workers(9, 9), &budget),
        row_with("token-ring 30", token_ring(30), &budget),
    ]
}

fn main() {
    if std::env::args().any(|a| a == "--large") {
        println!(
            "model          full: states  seconds  store MiB | reduced: states  seconds  store MiB | same verdict"
        );
        for r in run_large() {
            let mib = |b: usize| b as f64 / (1 << 20) as f64;
            println!(
                "{:<14} {:>12}{} {:>8.2} {:>10.1} | {:>15} {:>8.2} {:>10.3} | {}",
                r.name,
                r.full.states_explored,
                if r.full.truncated { " (TRUNCATED)" } else { "" },
                r.seconds.0,
                mib(r.store_bytes.0),
                r.reduced.states_explored,
                r.seconds.1,
                mib(r.store_bytes.1),
                match (r.full.truncated, r.same_verdict()) {
                    (true, _) => "n/a: the full check is incomplete",
                    (false, true) => "yes",
                    (false, false) => "no",
                }
            );
        }
        return;
    }
    for r in run() {
        println!(
            "{:<13} full: {} states, reduced: {} states, same verdict: {}  (transitions {} -> {})",
            r.name,
            r.full.states_explored,
            r.reduced.states_explored,
            if r.same_verdict() { "yes" } else { "no" },
            r.transitions.0,
            r.transitions.1
        );
    }
}
