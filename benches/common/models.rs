//! The four shared benchmark models (`../shared/bench/MODELS.md`), written as hand-made
//! [`TransitionSystem`]s so that every peer explores exactly the same states, plus the
//! counters model through the closure [`Model`] builder for comparison.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use musil::{ActionId, Model, Properties, TransitionSystem, Verdict};

/// Action names are made from indices; each is made once and kept for the process (a few
/// dozen per model), so that `action_name` can lend it.
fn interned(name: String) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Mutex::default).lock().unwrap_or_else(|e| e.into_inner());
    names.entry(name).or_insert_with_key(|n| Box::leak(n.clone().into_boxed_str()))
}

/// Fixed-size byte states, so a state is one inline array (no allocation per successor).
pub type Bytes<const N: usize> = [u8; N];

/// `counters N K`: N counters, `inc_i` wraps K to 0; (K+1)^N states.
pub struct Counters<const N: usize> {
    pub k: u8,
}

impl<const N: usize> TransitionSystem for Counters<N> {
    type State = Bytes<N>;
    fn initial_states(&self) -> Vec<Self::State> {
        vec![[0; N]]
    }
    fn successors<F>(&self, s: &Self::State, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        for i in 0..N {
            let mut t = *s;
            t[i] = if t[i] == self.k { 0 } else { t[i] + 1 };
            emit(ActionId::new(i as u32), t)?;
        }
        ControlFlow::Continue(())
    }
    fn action_name(&self, a: ActionId) -> &str {
        interned(self.name(a))
    }
}

impl<const N: usize> Counters<N> {
    fn name(&self, a: ActionId) -> String {
        format!("inc_{}", a.index())
    }
}

impl<const N: usize> Properties<Bytes<N>> for Counters<N> {
    fn invariant_count(&self) -> usize {
        1
    }
    fn invariant_name(&self, _: usize) -> &str {
        "in-range"
    }
    fn check_invariant(&self, _: usize, s: &Bytes<N>) -> Verdict {
        s.iter().all(|c| *c <= self.k).into()
    }
    fn is_terminal(&self, _: &Bytes<N>) -> bool {
        true
    }
}

/// The counters model through the closure builder (boxed guards and effects).
pub fn counters_model(n: usize, k: u8) -> Model<Vec<u8>> {
    let mut m = Model::new(vec![0u8; n]);
    for i in 0..n {
        m = m.action(
            format!("inc_{i}"),
            |_| true,
            move |s: &Vec<u8>| {
                let mut t = s.clone();
                t[i] = if t[i] == k { 0 } else { t[i] + 1 };
                t
            },
        );
    }
    m.invariant("in-range", move |s: &Vec<u8>| s.iter().all(|c| *c <= k)).terminal(|_| true)
}

/// `counters-closures-inplace N`: [`counters_model`] with effects that edit the state in place
/// (`Model::action_in_place`): a successor already known costs no allocation.
pub fn counters_inplace_model(n: usize, k: u8) -> Model<Vec<u8>> {
    let mut m = Model::new(vec![0u8; n]);
    for i in 0..n {
        m = m.action_in_place(
            format!("inc_{i}"),
            |_| true,
            move |s: &mut Vec<u8>| s[i] = if s[i] == k { 0 } else { s[i] + 1 },
        );
    }
    m.invariant("in-range", move |s: &Vec<u8>| s.iter().all(|c| *c <= k)).terminal(|_| true)
}

/// A service registry: the owner (client 0 or 1) of each registered name, and the name touched
/// last (empty after a release). `Clone` is written by hand so that `clone_from` refills
/// `last` in place; a `BTreeMap` always clones.
#[derive(Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Registry {
    pub owners: BTreeMap<String, u8>,
    pub last: String,
}

impl Clone for Registry {
    fn clone(&self) -> Self {
        Registry { owners: self.owners.clone(), last: self.last.clone() }
    }
    fn clone_from(&mut self, source: &Self) {
        self.owners.clone_from(&source.owners);
        self.last.clone_from(&source.last);
    }
}

/// `registry-closures N` (`in_place`: `registry-closures-inplace N`): N names `svc-i`, each
/// registered by client 0 or 1 when free, transferred to the other client, and released by
/// client 1: 2N·3^(N-1) + 3^N − 2^N states.
pub fn registry_model(n: usize, in_place: bool) -> Model<Registry> {
    /// One action of the registry, its effect written once as an edit, in the form asked for.
    fn add(
        m: Model<Registry>,
        in_place: bool,
        name: String,
        guard: impl Fn(&Registry) -> bool + Send + Sync + 'static,
        edit: impl Fn(&mut Registry) + Send + Sync + 'static,
    ) -> Model<Registry> {
        if in_place {
            m.action_in_place(name, guard, edit)
        } else {
            m.action(name, guard, move |s: &Registry| {
                let mut t = s.clone();
                edit(&mut t);
                t
            })
        }
    }
    let mut m = Model::new(Registry { owners: BTreeMap::new(), last: String::new() });
    for i in 0..n {
        let svc = format!("svc-{i}");
        for c in 0..2u8 {
            let (g, e) = (svc.clone(), svc.clone());
            m = add(
                m,
                in_place,
                format!("register_{i}_{c}"),
                move |s| !s.owners.contains_key(&g),
                move |s| {
                    s.owners.insert(e.clone(), c);
                    s.last.clone_from(&e);
                },
            );
        }
        let (g, e) = (svc.clone(), svc.clone());
        m = add(
            m,
            in_place,
            format!("transfer_{i}"),
            move |s| s.owners.contains_key(&g),
            move |s| {
                if let Some(owner) = s.owners.get_mut(&e) {
                    *owner = 1 - *owner;
                }
                s.last.clone_from(&e);
            },
        );
        let (g, e) = (svc.clone(), svc);
        m = add(
            m,
            in_place,
            format!("release_{i}"),
            move |s| s.owners.get(&g) == Some(&1),
            move |s| {
                s.owners.remove(&e);
                s.last.clear();
            },
        );
    }
    m.invariant("known-names", move |s: &Registry| s.owners.len() <= n).terminal(|_| true)
}

/// `counters-closures-array N`: the closure [`Model`] over the same inline `[u8; N]` state as the
/// hand-written [`Counters`], so the row measures the closures, not an allocation per successor.
pub fn counters_array_model<const N: usize>(k: u8) -> Model<Bytes<N>> {
    let mut m = Model::new([0u8; N]);
    for i in 0..N {
        m = m.action(
            format!("inc_{i}"),
            |_| true,
            move |s: &Bytes<N>| {
                let mut t = *s;
                t[i] = if t[i] == k { 0 } else { t[i] + 1 };
                t
            },
        );
    }
    m.invariant("in-range", move |s: &Bytes<N>| s.iter().all(|c| *c <= k)).terminal(|_| true)
}

/// `token-ring N`: byte 0 is the token, bytes 1..=N the phases (0 idle, 1 waiting, 2 critical).
pub struct TokenRing<const L: usize>;

impl<const L: usize> TransitionSystem for TokenRing<L> {
    type State = Bytes<L>;
    fn initial_states(&self) -> Vec<Self::State> {
        vec![[0; L]]
    }
    fn successors<F>(&self, s: &Self::State, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        let n = L - 1;
        let tok = s[0] as usize;
        for i in 0..n {
            let p = s[1 + i];
            let id = |k: u32| ActionId::new(4 * i as u32 + k);
            if p == 0 {
                let mut t = *s;
                t[1 + i] = 1;
                emit(id(0), t)?;
            }
            if p == 1 && tok == i {
                let mut t = *s;
                t[1 + i] = 2;
                emit(id(1), t)?;
            }
            if p == 2 {
                let mut t = *s;
                t[1 + i] = 0;
                emit(id(2), t)?;
            }
            if tok == i && p != 2 {
                let mut t = *s;
                t[0] = ((i + 1) % n) as u8;
                emit(id(3), t)?;
            }
        }
        ControlFlow::Continue(())
    }
    fn action_name(&self, a: ActionId) -> &str {
        interned(self.name(a))
    }
}

impl<const L: usize> TokenRing<L> {
    fn name(&self, a: ActionId) -> String {
        format!("{}_{}", ["want", "enter", "exit", "pass"][a.index() % 4], a.index() / 4)
    }
}

impl<const L: usize> Properties<Bytes<L>> for TokenRing<L> {
    fn invariant_count(&self) -> usize {
        1
    }
    fn invariant_name(&self, _: usize) -> &str {
        "mutual-exclusion"
    }
    fn check_invariant(&self, _: usize, s: &Bytes<L>) -> Verdict {
        (s[1..].iter().filter(|p| **p == 2).count() <= 1).into()
    }
    fn is_terminal(&self, _: &Bytes<L>) -> bool {
        true
    }
}

const NONE: u8 = u8::MAX;

/// `phils N`: the ordered dining philosophers; byte i is the owner of fork i (`NONE` free).
pub struct Phils<const N: usize> {
    pub ordered: bool,
}

impl<const N: usize> Phils<N> {
    fn forks(&self, i: usize) -> (usize, usize) {
        let (l, r) = (i, (i + 1) % N);
        if self.ordered { (l.min(r), l.max(r)) } else { (l, r) }
    }
}

impl<const N: usize> TransitionSystem for Phils<N> {
    type State = Bytes<N>;
    fn initial_states(&self) -> Vec<Self::State> {
        vec![[NONE; N]]
    }
    fn successors<F>(&self, s: &Self::State, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        for i in 0..N {
            let (f, g) = self.forks(i);
            let me = i as u8;
            let id = |k: u32| ActionId::new(3 * i as u32 + k);
            if s[f] == NONE && !s.contains(&me) {
                let mut t = *s;
                t[f] = me;
                emit(id(0), t)?;
            }
            if s[f] == me && s[g] == NONE {
                let mut t = *s;
                t[g] = me;
                emit(id(1), t)?;
            }
            if s[f] == me && s[g] == me {
                let mut t = *s;
                t[f] = NONE;
                t[g] = NONE;
                emit(id(2), t)?;
            }
        }
        ControlFlow::Continue(())
    }
    fn action_name(&self, a: ActionId) -> &str {
        interned(self.name(a))
    }
}

impl<const N: usize> Phils<N> {
    fn name(&self, a: ActionId) -> String {
        let (i, k) = (a.index() / 3, a.index() % 3);
        let (f, g) = self.forks(i);
        match k {
            0 => format!("P{i}_take_f{f}"),
            1 => format!("P{i}_take_f{g}"),
            _ => format!("P{i}_eat_release"),
        }
    }
}

impl<const N: usize> Properties<Bytes<N>> for Phils<N> {
    fn invariant_count(&self) -> usize {
        1
    }
    fn invariant_name(&self, _: usize) -> &str {
        "fork-owner-adjacent"
    }
    fn check_invariant(&self, _: usize, s: &Bytes<N>) -> Verdict {
        s.iter().enumerate().all(|(j, o)| *o == NONE || *o as usize == j || (*o as usize + 1) % N == j).into()
    }
    fn is_terminal(&self, _: &Bytes<N>) -> bool {
        true
    }
}

/// A resource manager's state in two-phase commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Rm {
    Working,
    Prepared,
    Committed,
    Aborted,
}

/// The transaction manager's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Tm {
    Init,
    Committed,
    Aborted,
}

/// A message in the (set-valued) network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Msg {
    Prepared(u8),
    Commit,
    Abort,
}

/// Two-phase commit state: vectors and a set, as in stateright's `examples/2pc.rs`.
///
/// `Clone` is written by hand so that `clone_from` refills the vectors in place (what
/// `#[derive(Clone)]` does not do); the `BTreeSet` clones either way.
#[derive(Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct TwoPhaseState {
    pub rm: Vec<Rm>,
    pub tm: Tm,
    pub tm_prepared: Vec<bool>,
    pub msgs: BTreeSet<Msg>,
}

impl Clone for TwoPhaseState {
    fn clone(&self) -> Self {
        TwoPhaseState {
            rm: self.rm.clone(),
            tm: self.tm,
            tm_prepared: self.tm_prepared.clone(),
            msgs: self.msgs.clone(),
        }
    }
    fn clone_from(&mut self, source: &Self) {
        self.rm.clone_from(&source.rm);
        self.tm = source.tm;
        self.tm_prepared.clone_from(&source.tm_prepared);
        self.msgs.clone_from(&source.msgs);
    }
}

/// `2pc N`: Lamport's TwoPhase with N resource managers.
pub struct TwoPhase {
    pub n: usize,
}

impl TransitionSystem for TwoPhase {
    type State = TwoPhaseState;
    fn initial_states(&self) -> Vec<Self::State> {
        vec![TwoPhaseState {
            rm: vec![Rm::Working; self.n],
            tm: Tm::Init,
            tm_prepared: vec![false; self.n],
            msgs: BTreeSet::new(),
        }]
    }
    fn successors<F>(&self, s: &Self::State, emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        self.successors_copying(s, TwoPhaseState::clone, emit)
    }
    fn action_name(&self, a: ActionId) -> &str {
        interned(self.name(a))
    }
}

impl TwoPhase {
    /// The successors of `s`, each made from a copy of `s` that `copy` gives.
    pub fn successors_copying<F>(
        &self,
        s: &TwoPhaseState,
        mut copy: impl FnMut(&TwoPhaseState) -> TwoPhaseState,
        mut emit: F,
    ) -> ControlFlow<()>
    where
        F: FnMut(ActionId, TwoPhaseState) -> ControlFlow<()>,
    {
        // Ids: 0 TmCommit, 1 TmAbort, then per rm 2+5*rm+k for TmRcvPrepared, RmPrepare,
        // RmChooseToAbort, RmRcvCommitMsg, RmRcvAbortMsg.
        if s.tm == Tm::Init && s.tm_prepared.iter().all(|p| *p) {
            let mut t = copy(s);
            t.tm = Tm::Committed;
            t.msgs.insert(Msg::Commit);
            emit(ActionId::new(0), t)?;
        }
        if s.tm == Tm::Init {
            let mut t = copy(s);
            t.tm = Tm::Aborted;
            t.msgs.insert(Msg::Abort);
            emit(ActionId::new(1), t)?;
        }
        for rm in 0..self.n {
            let id = |k: usize| ActionId::new((2 + 5 * rm + k) as u32);
            if s.tm == Tm::Init && s.msgs.contains(&Msg::Prepared(rm as u8)) {
                let mut t = copy(s);
                t.tm_prepared[rm] = true;
                emit(id(0), t)?;
            }
            if s.rm[rm] == Rm::Working {
                let mut t = copy(s);
                t.rm[rm] = Rm::Prepared;
                t.msgs.insert(Msg::Prepared(rm as u8));
                emit(id(1), t)?;
                let mut t = copy(s);
                t.rm[rm] = Rm::Aborted;
                emit(id(2), t)?;
            }
            if s.msgs.contains(&Msg::Commit) {
                let mut t = copy(s);
                t.rm[rm] = Rm::Committed;
                emit(id(3), t)?;
            }
            if s.msgs.contains(&Msg::Abort) {
                let mut t = copy(s);
                t.rm[rm] = Rm::Aborted;
                emit(id(4), t)?;
            }
        }
        ControlFlow::Continue(())
    }
    fn name(&self, a: ActionId) -> String {
        match a.index() {
            0 => "TmCommit".into(),
            1 => "TmAbort".into(),
            i => {
                let (rm, k) = ((i - 2) / 5, (i - 2) % 5);
                format!(
                    "{}({rm})",
                    ["TmRcvPrepared", "RmPrepare", "RmChooseToAbort", "RmRcvCommitMsg", "RmRcvAbortMsg"][k]
                )
            }
        }
    }
}

impl Properties<TwoPhaseState> for TwoPhase {
    fn invariant_count(&self) -> usize {
        1
    }
    fn invariant_name(&self, _: usize) -> &str {
        "consistent"
    }
    fn check_invariant(&self, _: usize, s: &TwoPhaseState) -> Verdict {
        Verdict::from(!(s.rm.contains(&Rm::Aborted) && s.rm.contains(&Rm::Committed)))
    }
    fn is_terminal(&self, _: &TwoPhaseState) -> bool {
        true
    }
}

/// `2pc-heap-inplace N`: [`TwoPhase`] building each successor in a spare state
/// ([`TransitionSystem::successors_reusing`]): the vectors are refilled in place, the message
/// set (a `BTreeSet`, whose `clone_from` clones) is still allocated per successor.
pub struct TwoPhaseInPlace(pub TwoPhase);

impl TransitionSystem for TwoPhaseInPlace {
    type State = TwoPhaseState;
    fn initial_states(&self) -> Vec<Self::State> {
        self.0.initial_states()
    }
    fn successors<F>(&self, s: &Self::State, emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        self.0.successors(s, emit)
    }
    fn successors_reusing<F>(
        &self,
        s: &Self::State,
        spare: &mut musil::Spare<Self::State>,
        emit: F,
    ) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        self.0.successors_copying(s, |s| spare.copy_of(s), emit)
    }
    fn action_name(&self, a: ActionId) -> &str {
        self.0.action_name(a)
    }
}

impl Properties<TwoPhaseState> for TwoPhaseInPlace {
    fn invariant_count(&self) -> usize {
        self.0.invariant_count()
    }
    fn invariant_name(&self, i: usize) -> &str {
        self.0.invariant_name(i)
    }
    fn check_invariant(&self, i: usize, s: &TwoPhaseState) -> Verdict {
        self.0.check_invariant(i, s)
    }
    fn is_terminal(&self, s: &TwoPhaseState) -> bool {
        self.0.is_terminal(s)
    }
}

/// Two-phase commit in one `u64`: 2 bits of state per resource manager (bits `2i..2i+2`),
/// the transaction manager's state (bits 32..34), `tm_prepared` (bits 34..46) and the message
/// set (bits 46..64: `Prepared(i)` at 46 + i, `Commit` at 62, `Abort` at 63). The same
/// states and transitions as [`TwoPhase`], for up to 12 resource managers; what a Rust user
/// writes when states must be small and cheap to copy.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackedTwoPhaseState(pub u64);

const TM_SHIFT: u32 = 32;
const PREPARED_SHIFT: u32 = 34;
const MSG_PREPARED_SHIFT: u32 = 46;
const MSG_COMMIT: u64 = 1 << 62;
const MSG_ABORT: u64 = 1 << 63;

impl PackedTwoPhaseState {
    fn rm(self, i: usize) -> Rm {
        [Rm::Working, Rm::Prepared, Rm::Committed, Rm::Aborted][((self.0 >> (2 * i)) & 3) as usize]
    }
    fn with_rm(self, i: usize, rm: Rm) -> Self {
        PackedTwoPhaseState((self.0 & !(3 << (2 * i))) | ((rm as u64) << (2 * i)))
    }
    fn tm(self) -> Tm {
        [Tm::Init, Tm::Committed, Tm::Aborted][((self.0 >> TM_SHIFT) & 3) as usize]
    }
    fn with_tm(self, tm: Tm) -> Self {
        PackedTwoPhaseState((self.0 & !(3 << TM_SHIFT)) | ((tm as u64) << TM_SHIFT))
    }

    /// The same state as [`TwoPhase`] writes it.
    pub fn unpack(self, n: usize) -> TwoPhaseState {
        let mut msgs = BTreeSet::new();
        for i in 0..n {
            if self.0 & (1 << (MSG_PREPARED_SHIFT + i as u32)) != 0 {
                msgs.insert(Msg::Prepared(i as u8));
            }
        }
        if self.0 & MSG_COMMIT != 0 {
            msgs.insert(Msg::Commit);
        }
        if self.0 & MSG_ABORT != 0 {
            msgs.insert(Msg::Abort);
        }
        TwoPhaseState {
            rm: (0..n).map(|i| self.rm(i)).collect(),
            tm: self.tm(),
            tm_prepared: (0..n).map(|i| self.0 & (1 << (PREPARED_SHIFT + i as u32)) != 0).collect(),
            msgs,
        }
    }
}

impl std::fmt::Debug for PackedTwoPhaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rms: Vec<Rm> = (0..12).map(|i| self.rm(i)).collect();
        f.debug_struct("PackedTwoPhaseState")
            .field("rm", &rms)
            .field("tm", &self.tm())
            .field("bits", &format_args!("{:#018x}", self.0))
            .finish()
    }
}

/// `2pc N` with [`PackedTwoPhaseState`] states (N at most 12).
pub struct PackedTwoPhase {
    pub n: usize,
}

impl TransitionSystem for PackedTwoPhase {
    type State = PackedTwoPhaseState;
    fn initial_states(&self) -> Vec<Self::State> {
        assert!(self.n <= 12, "PackedTwoPhase holds at most 12 resource managers");
        vec![PackedTwoPhaseState(0)]
    }
    fn successors<F>(&self, s: &Self::State, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        // The action ids and their order are those of [`TwoPhase`].
        let all = (1u64 << self.n) - 1;
        let init = s.tm() == Tm::Init;
        if init && (s.0 >> PREPARED_SHIFT) & all == all {
            emit(ActionId::new(0), PackedTwoPhaseState(s.with_tm(Tm::Committed).0 | MSG_COMMIT))?;
        }
        if init {
            emit(ActionId::new(1), PackedTwoPhaseState(s.with_tm(Tm::Aborted).0 | MSG_ABORT))?;
        }
        for rm in 0..self.n {
            let id = |k: usize| ActionId::new((2 + 5 * rm + k) as u32);
            if init && s.0 & (1 << (MSG_PREPARED_SHIFT + rm as u32)) != 0 {
                emit(id(0), PackedTwoPhaseState(s.0 | 1 << (PREPARED_SHIFT + rm as u32)))?;
            }
            if s.rm(rm) == Rm::Working {
                let prepared = s.with_rm(rm, Rm::Prepared).0 | 1 << (MSG_PREPARED_SHIFT + rm as u32);
                emit(id(1), PackedTwoPhaseState(prepared))?;
                emit(id(2), s.with_rm(rm, Rm::Aborted))?;
            }
            if s.0 & MSG_COMMIT != 0 {
                emit(id(3), s.with_rm(rm, Rm::Committed))?;
            }
            if s.0 & MSG_ABORT != 0 {
                emit(id(4), s.with_rm(rm, Rm::Aborted))?;
            }
        }
        ControlFlow::Continue(())
    }
    fn action_name(&self, a: ActionId) -> &str {
        interned(self.name(a))
    }
}

impl PackedTwoPhase {
    fn name(&self, a: ActionId) -> String {
        TwoPhase { n: self.n }.action_name(a).to_owned()
    }
}

impl Properties<PackedTwoPhaseState> for PackedTwoPhase {
    fn invariant_count(&self) -> usize {
        1
    }
    fn invariant_name(&self, _: usize) -> &str {
        "consistent"
    }
    fn check_invariant(&self, _: usize, s: &PackedTwoPhaseState) -> Verdict {
        let (mut aborted, mut committed) = (false, false);
        for i in 0..self.n {
            aborted |= s.rm(i) == Rm::Aborted;
            committed |= s.rm(i) == Rm::Committed;
        }
        Verdict::from(!(aborted && committed))
    }
    fn is_terminal(&self, _: &PackedTwoPhaseState) -> bool {
        true
    }
}
