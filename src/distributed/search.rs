//! The level-synchronous search and its numbering.
//!
//! Each level takes four rounds:
//! 1. **successors**: every process expands the level's states it owns in number order (the
//!    engine's [`Rules::expand`], so invariants, edge invariants, panics and deadlocks are
//!    judged by the engine's code) and sends each successor, with its discovery order (parent
//!    number, successor index), to the successor's owner. A process stops expanding at its
//!    first state where the rules found something: the search stops there or earlier.
//! 2. **first discoveries**: each owner keeps the successors it did not know, each with the
//!    smallest order that reached it, and tells the parent's owner that this order was a first
//!    discovery.
//! 3. **summaries**, sent to all: each process's parents with their number of first
//!    discoveries, and its first state where the rules found something. Every process then
//!    walks the level's parents in number order, the same walk everywhere, as the serial driver
//!    stores them: the cap, and the state where the search stops, and how many new states
//!    come before each parent.
//! 4. **numbers**: each parent's owner numbers its first discoveries (level end + count before
//!    the parent + rank among the parent's) and sends each number back to the new state's
//!    owner, which stores the state.
//!
//! After the search, the owner of the state where it stopped sends what it found there, and
//! the trace is gathered hop by hop over the parent links (one round each).

use std::ops::ControlFlow;
use std::time::Instant;

use hashbrown::HashTable;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::net::Net;
use super::{Cluster, Error, Outcome};
use crate::check::{Config, Stats};
use crate::engine::{Problem, Rules, canon, fault_from, step::Found, step::Seen};
use crate::fault::{self, Fault, Site};
use crate::result::{CheckResult, Kind, Step};
use crate::system::{Spare, System};

/// No parent (an initial state), or no number (a first discovery past the stop).
const NONE: u32 = u32::MAX;

/// The hash that places a state (the same on every process of one build).
fn hash_of<S: std::hash::Hash>(s: &S) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x6469_7374_7269_6221).hash_one(s)
}

/// The process that owns a state of hash `h`.
fn owner(h: u64, peers: usize) -> usize {
    (((h >> 32) * peers as u64) >> 32) as usize
}

fn encode<T: Serialize + ?Sized>(value: &T, into: Vec<u8>) -> Result<Vec<u8>, Error> {
    postcard::to_extend(value, into).map_err(|e| Error::encoding(e.to_string()))
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<(T, &'a [u8]), Error> {
    postcard::take_from_bytes(bytes).map_err(|e| Error::encoding(e.to_string()))
}

/// The states this process owns, numbered, with their parents, in number order.
struct Owned<S> {
    states: Vec<S>,
    ids: Vec<u32>,
    parents: Vec<u32>,
    table: HashTable<u32>,
}

impl<S: std::hash::Hash + Eq> Owned<S> {
    fn find(&self, h: u64, s: &S) -> Option<u32> {
        self.table.find(h, |&i| self.states[i as usize] == *s).copied()
    }

    fn push(&mut self, h: u64, s: S, id: u32, parent: u32) {
        let i = self.states.len() as u32;
        self.states.push(s);
        self.ids.push(id);
        self.parents.push(parent);
        let states = &self.states;
        self.table.insert_unique(h, i, |&j| hash_of(&states[j as usize]));
    }

    /// The local index of state number `id`.
    fn local(&self, id: u32) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    fn bytes(&self) -> usize {
        self.states.capacity() * std::mem::size_of::<S>()
            + (self.ids.capacity() + self.parents.capacity()) * 4
            + self.table.capacity() * 5
    }
}

/// Successors met at one level that were not known before: each with its first discovery.
struct Pending<S> {
    states: Vec<S>,
    hashes: Vec<u64>,
    /// (parent number << 32) | successor index, the smallest that met it.
    orders: Vec<u64>,
    /// The process that sent that first discovery: its parent's owner.
    from: Vec<u32>,
    table: HashTable<u32>,
}

impl<S: std::hash::Hash + Eq> Pending<S> {
    fn new() -> Self {
        Pending {
            states: Vec::new(),
            hashes: Vec::new(),
            orders: Vec::new(),
            from: Vec::new(),
            table: HashTable::new(),
        }
    }

    fn meet(&mut self, h: u64, s: S, order: u64, from: usize) {
        let states = &self.states;
        match self.table.find(h, |&i| states[i as usize] == s) {
            Some(&i) => {
                if order < self.orders[i as usize] {
                    self.orders[i as usize] = order;
                    self.from[i as usize] = from as u32;
                }
            }
            None => {
                let i = self.states.len() as u32;
                self.states.push(s);
                self.hashes.push(h);
                self.orders.push(order);
                self.from.push(from as u32);
                let hashes = &self.hashes;
                self.table.insert_unique(h, i, |&j| hashes[j as usize]);
            }
        }
    }
}

/// What each process tells every other after a level's first discoveries: its first state
/// where the rules found something (number, whether before its successors are stored), and its
/// parents with their numbers of first discoveries (number, count; ascending).
type Summary = (Option<(u32, bool)>, Vec<(u32, u32)>);

/// Where a level's walk ended the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// The cap was reached at parent `at`, its `room`-th first discovery being the last kept.
    Truncated { at: u32, room: u32 },
    /// The rules found something at `at`; `before`: before its successors are stored.
    Found { at: u32, before: bool },
}

/// What the rules found where the search stopped, as it travels.
#[derive(Serialize, Deserialize)]
enum Report<S> {
    Invariant { index: usize, reason: Option<String> },
    Edge { index: usize, action: String, next: S, reason: Option<String> },
    Deadlock,
    Panic { name: Option<String>, callback: String, message: String },
}

/// The callback names a [`Fault`] carries (they travel as text).
const CALLBACKS: [&str; 14] = [
    "successor function",
    "guard",
    "effect",
    "actions_fn",
    "footprint",
    "invariant",
    "edge invariant",
    "terminal predicate",
    "canonicalize",
    "key",
    "initial states",
    "assumption predicate",
    "ample",
    "domain enumeration",
];

/// One process's search.
pub(super) fn run<T>(
    sys: &T,
    config: &Config<T::State>,
    cluster: &Cluster,
) -> Result<Outcome<T::State>, Error>
where
    T: System,
    T::State: Serialize + DeserializeOwned,
{
    let net = Net::connect(cluster)?;
    let mut search = Search {
        sys,
        config,
        rules: Rules::new(sys, sys, config, true),
        me: net.me(),
        peers: net.peers(),
        net,
        owned: Owned { states: Vec::new(), ids: Vec::new(), parents: Vec::new(), table: HashTable::new() },
        spare: Spare::new(),
        transitions: 0,
        // The search's time, from the moment the cluster is connected.
        start: Instant::now(),
    };
    let (count, fault) = search.seed();
    search.agree(count)?;
    match fault {
        None => search.levels(count),
        Some(fault) => search.finish(panic_result(count, Vec::new(), fault)),
    }
}

/// One process's part of the search: the cluster, the states it owns, and what it counted.
struct Search<'a, T: System> {
    sys: &'a T,
    config: &'a Config<T::State>,
    rules: Rules<'a, T, T>,
    net: Net,
    me: usize,
    peers: usize,
    owned: Owned<T::State>,
    spare: Spare<T::State>,
    /// Transitions of this process's states, counted as the serial driver stores them.
    transitions: u64,
    start: Instant,
}

/// One level's expansion on this process: successors produced by each of its states (in
/// number order), the first of them where the rules found something (where it stopped), and
/// the successors it owns that were not known before.
struct Expanded<S> {
    produced: Vec<u32>,
    stopped_at: Option<(usize, Found<S>)>,
    pending: Pending<S>,
}

/// The first discoveries of one level, on both sides: for each process, which of this
/// process's pending states it was asked about (in order); and the first discoveries this
/// process's parents made, as (order, asking process, place in its list), sorted by order, with
/// this process's parents and their counts (number, count; ascending).
struct Firsts {
    asked: Vec<Vec<u32>>,
    firsts: Vec<(u64, u32, u32)>,
    mine: Vec<(u32, u32)>,
}

impl<T: System> Search<'_, T>
where
    T::State: Serialize + DeserializeOwned,
{
    /// The initial states: every process computes them, numbers them in order (duplicates
    /// dropped) and keeps its own. Returns how many there are (before a panic among them, if
    /// one cut them short: everyone's answer at once).
    fn seed(&mut self) -> (usize, Option<Fault>) {
        self.sys.begin_sweep();
        let mut seen: HashTable<(u64, T::State)> = HashTable::new();
        let mut count = 0u32;
        let (owned, config, me, peers) = (&mut self.owned, self.config, self.me, self.peers);
        let seeded = fault::catch(|| {
            fault::enter(Site::Initial);
            for s0 in self.sys.initial_states() {
                let s = canon(config, s0);
                let h = hash_of(&s);
                if seen.find(h, |(_, t)| *t == s).is_some() {
                    continue;
                }
                if owner(h, peers) == me {
                    owned.push(h, s.clone(), count, NONE);
                }
                seen.insert_unique(h, (h, s), |(g, _)| *g);
                count += 1;
            }
        });
        let fault = seeded.err().map(|payload| fault_from(self.sys, self.sys, &*payload));
        (count as usize, fault)
    }

    /// Check that every process runs the same check: the walk is the same everywhere only if
    /// every process has the same cap, the same symmetry setting and the same model (as far as
    /// can be told cheaply: the number of initial states and the invariants' names).
    fn agree(&mut self, initial: usize) -> Result<(), Error> {
        let sys = self.sys;
        let invariants: Vec<&str> = (0..sys.invariant_count()).map(|i| sys.invariant_name(i)).collect();
        let edges: Vec<&str> = (0..sys.edge_invariant_count()).map(|i| sys.edge_invariant_name(i)).collect();
        let mine = (
            self.config.max_states as u64,
            self.config.has_canonicalize(),
            initial as u64,
            invariants,
            edges,
        );
        let parts = self.net.all_gather(encode(&mine, Vec::new())?)?;
        for (q, bytes) in parts.iter().enumerate() {
            if *bytes != parts[self.me] {
                return Err(Error::cluster(format!(
                    "process {q} checks another model or other settings than process {} (cap, \
                     symmetry, initial states or invariants differ): every process must run \
                     the same program with the same Config",
                    self.me
                )));
            }
        }
        Ok(())
    }

    /// The levels, from the `end` initial states on, until one finds nothing new or the search
    /// stops.
    fn levels(mut self, mut end: usize) -> Result<Outcome<T::State>, Error> {
        let mut level = 0..self.owned.states.len();
        loop {
            let Expanded { produced, stopped_at, pending } = self.expand(level.clone())?;
            let firsts = self.first_discoveries(&pending)?;
            let (kept, stop, bases) = self.walk_level(stopped_at.as_ref(), &firsts, end)?;
            self.count_transitions(level.start, &produced, stop, &firsts.firsts);
            let next = self.owned.states.len();
            self.number(pending, &firsts, stop, &bases, end)?;
            level = next..self.owned.states.len();
            end += kept;
            if end >= NONE as usize {
                return Err(Error::config(format!(
                    "more than {} states: state numbers are 32 bits wide",
                    NONE - 1
                )));
            }
            let result = match stop {
                None if kept > 0 => continue,
                None => CheckResult::pass(end, false),
                Some(Stop::Truncated { .. }) => CheckResult::pass(end, true),
                Some(Stop::Found { at, .. }) => {
                    let found = stopped_at.filter(|(li, _)| self.owned.ids[*li] == at).map(|(_, f)| f);
                    self.found_result(at, end, found)?
                }
            };
            return self.finish(result);
        }
    }

    /// Round 1: expand this process's states of the level, in number order, each successor to
    /// its owner with its discovery order; then keep the successors not known before, each
    /// with its first discovery.
    fn expand(&mut self, level: std::ops::Range<usize>) -> Result<Expanded<T::State>, Error> {
        let (me, peers) = (self.me, self.peers);
        let mut out: Vec<Vec<u8>> = vec![Vec::new(); peers];
        let mut local: Vec<(u64, T::State)> = Vec::new();
        let mut expanded =
            Expanded { produced: Vec::with_capacity(level.len()), stopped_at: None, pending: Pending::new() };
        let mut found = Found::default();
        let mut failed: Option<Error> = None;
        for li in level {
            let parent = u64::from(self.owned.ids[li]);
            let mut k = 0u64;
            self.rules.expand(
                &self.owned.states[li],
                &mut found,
                &mut self.spare,
                |_| Seen::New,
                |_, y| {
                    let order = (parent << 32) | k;
                    k += 1;
                    let to = owner(hash_of(&y), peers);
                    if to == me {
                        local.push((order, y));
                    } else if failed.is_none() {
                        match encode(&(order, &y), std::mem::take(&mut out[to])) {
                            Ok(bytes) => out[to] = bytes,
                            Err(e) => failed = Some(e),
                        }
                    }
                },
            );
            self.spare.take_copies();
            expanded.produced.push(k as u32);
            if !found.is_quiet() {
                // The search stops here or earlier: nothing after it is needed.
                expanded.stopped_at = Some((li, std::mem::take(&mut found)));
                break;
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let incoming = self.net.exchange(out)?;
        let pending = &mut expanded.pending;
        for (order, y) in local {
            let h = hash_of(&y);
            if self.owned.find(h, &y).is_none() {
                pending.meet(h, y, order, me);
            }
        }
        for (from, bytes) in incoming.iter().enumerate() {
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let ((order, y), tail): ((u64, T::State), _) = decode(rest)?;
                rest = tail;
                let h = hash_of(&y);
                if self.owned.find(h, &y).is_none() {
                    pending.meet(h, y, order, from);
                }
            }
        }
        Ok(expanded)
    }

    /// Round 2: tell each parent's owner (the process that sent the successor) which of its
    /// orders were first discoveries; hear the same about this process's parents.
    fn first_discoveries(&mut self, pending: &Pending<T::State>) -> Result<Firsts, Error> {
        let mut asked: Vec<Vec<u32>> = vec![Vec::new(); self.peers];
        let mut out: Vec<Vec<u8>> = vec![Vec::new(); self.peers];
        for (i, (&order, &to)) in pending.orders.iter().zip(&pending.from).enumerate() {
            asked[to as usize].push(i as u32);
            out[to as usize].extend_from_slice(&order.to_le_bytes());
        }
        let incoming = self.net.exchange(out)?;
        let mut firsts: Vec<(u64, u32, u32)> = Vec::new();
        for (from, bytes) in incoming.iter().enumerate() {
            for (pos, chunk) in bytes.chunks_exact(8).enumerate() {
                let order = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                firsts.push((order, from as u32, pos as u32));
            }
        }
        firsts.sort_unstable();
        let mut mine: Vec<(u32, u32)> = Vec::new();
        for &(order, _, _) in &firsts {
            let parent = (order >> 32) as u32;
            match mine.last_mut() {
                Some((p, n)) if *p == parent => *n += 1,
                _ => mine.push((parent, 1)),
            }
        }
        Ok(Firsts { asked, firsts, mine })
    }

    /// Round 3: every process's summary to every process, then the same walk everywhere (see
    /// [`walk`]).
    fn walk_level(
        &mut self,
        stopped_at: Option<&(usize, Found<T::State>)>,
        firsts: &Firsts,
        end: usize,
    ) -> Result<(usize, Option<Stop>, Vec<u32>), Error> {
        let candidate = stopped_at
            .map(|(li, f)| (self.owned.ids[*li], !f.problems.is_empty() || f.fault_before_successors));
        let summary = encode(&(candidate, &firsts.mine), Vec::new())?;
        let summaries = self.net.all_gather(summary)?;
        let mut all: Vec<(u32, u32, bool)> = Vec::new();
        let mut stop_candidate: Option<(u32, bool)> = None;
        for (q, bytes) in summaries.iter().enumerate() {
            let ((cand, list), _): (Summary, _) = decode(bytes)?;
            if let Some(c) = cand
                && stop_candidate.is_none_or(|s| c.0 < s.0)
            {
                stop_candidate = Some(c);
            }
            all.extend(list.into_iter().map(|(p, n)| (p, n, q == self.me)));
        }
        all.sort_unstable_by_key(|&(p, _, _)| p);
        Ok(walk(&all, stop_candidate, end, self.config.max_states))
    }

    /// Add the level's transitions of this process's states (from local index `from`), as the
    /// serial driver counts them: none past the stop, none of a state stopped at before its
    /// successors are stored, and up to the last kept successor where the cap is reached.
    fn count_transitions(
        &mut self,
        from: usize,
        produced: &[u32],
        stop: Option<Stop>,
        firsts: &[(u64, u32, u32)],
    ) {
        for (offset, &n) in produced.iter().enumerate() {
            let id = self.owned.ids[from + offset];
            self.transitions += match stop {
                Some(Stop::Truncated { at, .. } | Stop::Found { at, .. }) if id > at => 0,
                Some(Stop::Found { at, before: true }) if id == at => 0,
                Some(Stop::Truncated { at, room }) if id == at => {
                    // The last kept first discovery's successor index, plus one.
                    let group = firsts.iter().filter(|f| (f.0 >> 32) as u32 == at);
                    let last = group.map(|f| f.0 & 0xffff_ffff).nth(room as usize - 1).expect("room");
                    last + 1
                }
                _ => u64::from(n),
            };
        }
    }

    /// Round 4: number this process's parents' first discoveries (`end` + the new states
    /// before the parent + rank among the parent's own), send each number to the new state's
    /// owner, and store the numbered states this process owns, in number order.
    fn number(
        &mut self,
        pending: Pending<T::State>,
        firsts: &Firsts,
        stop: Option<Stop>,
        bases: &[u32],
        end: usize,
    ) -> Result<(), Error> {
        let mut replies: Vec<Vec<u32>> =
            firsts.asked_sizes(self.peers).into_iter().map(|n| vec![NONE; n]).collect();
        let mut g = 0usize;
        let mut rank = 0u32;
        let mut last_parent = NONE;
        for &(order, from, pos) in &firsts.firsts {
            let parent = (order >> 32) as u32;
            if parent != last_parent {
                while firsts.mine[g].0 != parent {
                    g += 1;
                }
                last_parent = parent;
                rank = 0;
            }
            let keep = match stop {
                None => true,
                Some(Stop::Truncated { at, room }) => parent < at || (parent == at && rank < room),
                Some(Stop::Found { at, before }) => parent < at || (parent == at && !before),
            };
            if keep {
                replies[from as usize][pos as usize] = (end as u32) + bases[g] + rank;
            }
            rank += 1;
        }
        let out: Vec<Vec<u8>> =
            replies.iter().map(|r| r.iter().flat_map(|id| id.to_le_bytes()).collect()).collect();
        let incoming = self.net.exchange(out)?;
        let mut numbered: Vec<(u32, u32)> = Vec::new();
        for (from, bytes) in incoming.iter().enumerate() {
            for (pos, chunk) in bytes.chunks_exact(4).enumerate() {
                let id = u32::from_le_bytes(chunk.try_into().expect("4 bytes"));
                if id != NONE {
                    numbered.push((id, firsts.asked[from][pos]));
                }
            }
        }
        numbered.sort_unstable();
        let Pending { states, hashes, orders, .. } = pending;
        let mut states: Vec<Option<T::State>> = states.into_iter().map(Some).collect();
        for (id, i) in numbered {
            let i = i as usize;
            let s = states[i].take().expect("each new state numbered once");
            self.owned.push(hashes[i], s, id, (orders[i] >> 32) as u32);
        }
        Ok(())
    }
}

impl Firsts {
    /// How many first discoveries each process asked this one about.
    fn asked_sizes(&self, peers: usize) -> Vec<usize> {
        let mut sizes = vec![0usize; peers];
        for &(_, from, _) in &self.firsts {
            sizes[from as usize] += 1;
        }
        sizes
    }
}

/// The serial driver's walk over one level's parents with first discoveries (`all`: number,
/// count, whether this process owns it; ascending), stopping at `candidate` (the first state
/// where the rules found something, and whether before its successors are stored) or at the
/// cap. Returns the new states kept, where the search stops, and for each of this process's
/// parents (in order) the number of new states kept before it.
fn walk(
    all: &[(u32, u32, bool)],
    candidate: Option<(u32, bool)>,
    end: usize,
    max: usize,
) -> (usize, Option<Stop>, Vec<u32>) {
    let mut kept = 0usize;
    let mut stop = None;
    let mut bases = Vec::new();
    for &(parent, new, mine) in all {
        if mine {
            bases.push(kept as u32);
        }
        if stop.is_some() {
            continue;
        }
        if let Some((at, before)) = candidate
            && (parent > at || (parent == at && before))
        {
            stop = Some(Stop::Found { at, before });
            continue;
        }
        let room = max.saturating_sub(end + kept).max(1);
        if new as usize >= room {
            kept += room;
            stop = Some(Stop::Truncated { at: parent, room: room as u32 });
            continue;
        }
        kept += new as usize;
    }
    let stop = stop.or(candidate.map(|(at, before)| Stop::Found { at, before }));
    (kept, stop, bases)
}

impl<T: System> Search<'_, T>
where
    T::State: Serialize + DeserializeOwned,
{
    /// The result at state `at`, where the rules found something (`found`, on its owner), the
    /// search having stored `explored` states; the owner tells everyone what it found.
    fn found_result(
        &mut self,
        at: u32,
        explored: usize,
        found: Option<Found<T::State>>,
    ) -> Result<CheckResult<T::State>, Error> {
        let sys = self.sys;
        let mine = match found {
            Some(mut f) => {
                let report = if !f.problems.is_empty() {
                    match f.problems.swap_remove(0) {
                        Problem::Invariant { index, reason } => Report::Invariant { index, reason },
                        Problem::Edge { index, action, next, reason } => {
                            Report::Edge { index, action: sys.action_name(action).to_owned(), next, reason }
                        }
                        Problem::Deadlock => Report::Deadlock,
                    }
                } else if let Some(fault) = f.fault.take() {
                    Report::Panic {
                        name: fault.name,
                        callback: fault.callback.to_owned(),
                        message: fault.message,
                    }
                } else {
                    Report::Deadlock
                };
                encode(&report, Vec::new())?
            }
            None => Vec::new(),
        };
        let reports = self.net.all_gather(mine)?;
        let bytes = reports
            .iter()
            .find(|b| !b.is_empty())
            .ok_or_else(|| Error::encoding(format!("no process reported state {at}")))?;
        let (report, _): (Report<T::State>, _) = decode(bytes)?;
        let trace = self.gather_trace(at)?;
        Ok(match report {
            Report::Invariant { index, reason } => {
                let mut r = CheckResult::fail(Kind::Invariant, explored, trace);
                r.invariant = Some(sys.invariant_name(index).to_owned());
                r.reason = reason.filter(|r| !r.is_empty());
                r
            }
            Report::Edge { index, action, next, reason } => {
                let mut trace = trace;
                trace.push(Step::new(action, next));
                let mut r = CheckResult::fail(Kind::EdgeInvariant, explored, trace);
                r.invariant = Some(sys.edge_invariant_name(index).to_owned());
                r.reason = reason.filter(|r| !r.is_empty());
                r
            }
            Report::Deadlock => CheckResult::fail(Kind::Deadlock, explored, trace),
            Report::Panic { name, callback, message } => {
                let callback = CALLBACKS.iter().find(|c| **c == callback).copied().unwrap_or("callback");
                panic_result(explored, trace, Fault { name, callback, message })
            }
        })
    }

    /// The shortest trace to state `at`: its states gathered hop by hop from their owners, then
    /// each step's action found as the single-process trace builder finds it (the first action of
    /// the parent whose canonical successor is the child).
    fn gather_trace(&mut self, at: u32) -> Result<Vec<Step<T::State>>, Error> {
        let (sys, config) = (self.sys, self.config);
        let mut path: Vec<T::State> = Vec::new();
        let mut id = at;
        loop {
            let owned = &self.owned;
            let mine = match owned.local(id) {
                Some(li) => encode(&(owned.parents[li], &owned.states[li]), Vec::new())?,
                None => Vec::new(),
            };
            let parts = self.net.all_gather(mine)?;
            let bytes = parts
                .iter()
                .find(|b| !b.is_empty())
                .ok_or_else(|| Error::encoding(format!("no process holds state {id}")))?;
            let ((parent, state), _): ((u32, T::State), _) = decode(bytes)?;
            path.push(state);
            if parent == NONE {
                break;
            }
            id = parent;
        }
        path.reverse();
        let mut trace = Vec::with_capacity(path.len());
        let mut states = path.into_iter();
        let Some(first) = states.next() else { return Ok(trace) };
        trace.push(Step::new("<init>", first));
        for child in states {
            let parent = &trace.last().expect("the first step").state;
            let mut action = None;
            let _ = fault::catch(|| {
                sys.successors(parent, |a, y| {
                    if canon(config, y) == child {
                        action = Some(a);
                        return ControlFlow::Break(());
                    }
                    ControlFlow::Continue(())
                })
            });
            let name = action
                .map_or("<action not reproducible: the model's successors changed>", |a| sys.action_name(a));
            trace.push(Step::new(name, child));
        }
        Ok(trace)
    }

    /// Everyone's transitions, store bytes and bytes sent added up, and the outcome.
    fn finish(mut self, result: CheckResult<T::State>) -> Result<Outcome<T::State>, Error> {
        let mine = encode(&(self.transitions, self.owned.bytes() as u64, self.net.sent()), Vec::new())?;
        let parts = self.net.all_gather(mine)?;
        let (mut transitions, mut bytes, mut sent) = (0u64, 0u64, 0u64);
        for part in &parts {
            let ((t, b, s), _): ((u64, u64, u64), _) = decode(part)?;
            transitions += t;
            bytes += b;
            sent += s;
        }
        let stats = Stats {
            states: result.states_explored,
            transitions,
            seconds: self.start.elapsed().as_secs_f64(),
            store_bytes: bytes as usize,
            collision_probability: None,
        };
        Ok(Outcome { result, stats, bytes_sent: sent, processes: self.peers })
    }
}

fn panic_result<S>(explored: usize, trace: Vec<Step<S>>, fault: Fault) -> CheckResult<S> {
    let mut r = CheckResult::fail(Kind::Panic, explored, trace);
    r.invariant = fault.name.clone();
    r.reason = Some(fault.message.clone());
    r.fault = Some(fault);
    r
}

#[cfg(test)]
mod tests {
    use super::{Stop, walk};

    /// Parents 10, 11, 12 of a level ending at 100, this process owning 10 and 12.
    const LEVEL: [(u32, u32, bool); 3] = [(10, 3, true), (11, 2, false), (12, 4, true)];

    #[test]
    fn a_whole_level_is_kept_and_numbered_in_parent_order() {
        assert_eq!(walk(&LEVEL, None, 100, 1000), (9, None, vec![0, 5]));
    }

    #[test]
    fn the_cap_stops_at_the_parent_whose_first_discoveries_reach_it() {
        // 100 + 3 at parent 10; parent 11's second first discovery makes 105.
        assert_eq!(walk(&LEVEL, None, 100, 105), (5, Some(Stop::Truncated { at: 11, room: 2 }), vec![0, 5]));
        // A cap already reached by the level's start: the first new state is the last.
        assert_eq!(walk(&LEVEL, None, 100, 50), (1, Some(Stop::Truncated { at: 10, room: 1 }), vec![0, 1]));
    }

    #[test]
    fn a_problem_before_storing_keeps_nothing_of_its_state() {
        let got = walk(&LEVEL, Some((11, true)), 100, 1000);
        assert_eq!(got, (3, Some(Stop::Found { at: 11, before: true }), vec![0, 3]));
    }

    #[test]
    fn a_problem_after_storing_keeps_its_state_unless_the_cap_comes_first() {
        let got = walk(&LEVEL, Some((11, false)), 100, 1000);
        assert_eq!(got, (5, Some(Stop::Found { at: 11, before: false }), vec![0, 5]));
        let got = walk(&LEVEL, Some((11, false)), 100, 104);
        assert_eq!(got, (4, Some(Stop::Truncated { at: 11, room: 1 }), vec![0, 4]));
    }

    #[test]
    fn a_problem_at_a_state_without_first_discoveries_stops_the_walk_there() {
        let got = walk(&LEVEL, Some((11, true)), 100, 101);
        assert_eq!(got, (1, Some(Stop::Truncated { at: 10, room: 1 }), vec![0, 1]));
        let got = walk(&[(12, 4, true)], Some((11, false)), 100, 1000);
        assert_eq!(got, (0, Some(Stop::Found { at: 11, before: false }), vec![0]));
    }
}
