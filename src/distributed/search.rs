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
    let mut net = Net::connect(cluster)?;
    // The search's time, from the moment the cluster is connected.
    let start = Instant::now();
    let (me, peers) = (net.me(), net.peers());
    let mut owned =
        Owned { states: Vec::new(), ids: Vec::new(), parents: Vec::new(), table: HashTable::new() };

    // The initial states: every process computes them, numbers them in order (duplicates
    // dropped) and keeps its own. A panic there is everyone's answer at once.
    sys.begin_sweep();
    let mut seen: HashTable<(u64, T::State)> = HashTable::new();
    let mut count = 0u32;
    let seeded = fault::catch(|| {
        fault::enter(Site::Initial);
        for s0 in sys.initial_states() {
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
    drop(seen);
    if let Err(payload) = seeded {
        let fault = fault_from(sys, sys, &*payload);
        let result = panic_result(count as usize, Vec::new(), fault);
        return finish(&mut net, result, &owned, 0, start);
    }

    let rules = Rules::new(sys, sys, config, true);
    let max = config.max_states;
    let mut level = (0usize, owned.states.len());
    let mut end = count as usize;
    let mut transitions = 0u64;
    let mut spare = Spare::new();
    loop {
        let level_end = end;
        // 1. Successors.
        let mut out: Vec<Vec<u8>> = vec![Vec::new(); peers];
        let mut local: Vec<(u64, T::State)> = Vec::new();
        let mut produced: Vec<u32> = Vec::with_capacity(level.1 - level.0);
        let mut found = Found::default();
        let mut stopped_at: Option<(usize, Found<T::State>)> = None;
        let mut failed: Option<Error> = None;
        for li in level.0..level.1 {
            let parent = u64::from(owned.ids[li]);
            let mut k = 0u64;
            rules.expand(
                &owned.states[li],
                &mut found,
                &mut spare,
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
            spare.take_copies();
            produced.push(k as u32);
            if !found.is_quiet() {
                stopped_at = Some((li, std::mem::take(&mut found)));
                break;
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let incoming = net.exchange(out)?;

        // 2. First discoveries.
        let mut pending = Pending::new();
        for (order, y) in local {
            let h = hash_of(&y);
            if owned.find(h, &y).is_none() {
                pending.meet(h, y, order, me);
            }
        }
        for (from, bytes) in incoming.iter().enumerate() {
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let ((order, y), tail): ((u64, T::State), _) = decode(rest)?;
                rest = tail;
                let h = hash_of(&y);
                if owned.find(h, &y).is_none() {
                    pending.meet(h, y, order, from);
                }
            }
        }
        drop(incoming);
        // To each parent's owner, the orders of its first discoveries (the owner of a parent is
        // the process that sent the successor: the owner of the parent's hash).
        let mut asked: Vec<Vec<u32>> = vec![Vec::new(); peers];
        let mut out: Vec<Vec<u8>> = vec![Vec::new(); peers];
        for (i, (&order, &to)) in pending.orders.iter().zip(&pending.from).enumerate() {
            let to = to as usize;
            asked[to].push(i as u32);
            out[to].extend_from_slice(&order.to_le_bytes());
        }
        let incoming = net.exchange(out)?;
        // (order, asking process, place in its list), sorted: grouped by parent, in order.
        let mut firsts: Vec<(u64, u32, u32)> = Vec::new();
        for (from, bytes) in incoming.iter().enumerate() {
            for (pos, chunk) in bytes.chunks_exact(8).enumerate() {
                let order = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                firsts.push((order, from as u32, pos as u32));
            }
        }
        firsts.sort_unstable();
        // This process's parents with first discoveries: (number, count), ascending.
        let mut mine: Vec<(u32, u32)> = Vec::new();
        for &(order, _, _) in &firsts {
            let parent = (order >> 32) as u32;
            match mine.last_mut() {
                Some((p, n)) if *p == parent => *n += 1,
                _ => mine.push((parent, 1)),
            }
        }

        // 3. Summaries and the walk.
        let candidate = stopped_at
            .as_ref()
            .map(|(li, f)| (owned.ids[*li], !f.problems.is_empty() || f.fault_before_successors));
        let summary = encode(&(candidate, &mine), Vec::new())?;
        let summaries = net.all_gather(summary)?;
        let mut all: Vec<(u32, u32, bool)> = Vec::new();
        let mut stop_candidate: Option<(u32, bool)> = None;
        for (q, bytes) in summaries.iter().enumerate() {
            let ((cand, list), _): (Summary, _) = decode(bytes)?;
            if let Some(c) = cand
                && stop_candidate.is_none_or(|s| c.0 < s.0)
            {
                stop_candidate = Some(c);
            }
            all.extend(list.into_iter().map(|(p, n)| (p, n, q == me)));
        }
        all.sort_unstable_by_key(|&(p, _, _)| p);
        let (kept, stop, bases) = walk(&all, stop_candidate, level_end, max);

        // Transitions, counted as the serial driver stores them.
        for (offset, &n) in produced.iter().enumerate() {
            let id = owned.ids[level.0 + offset];
            transitions += match stop {
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

        // 4. Numbers back to the new states' owners.
        let mut replies: Vec<Vec<u32>> =
            asked_sizes(&firsts, peers).into_iter().map(|n| vec![NONE; n]).collect();
        let mut g = 0usize;
        let mut rank = 0u32;
        let mut last_parent = NONE;
        for &(order, from, pos) in &firsts {
            let parent = (order >> 32) as u32;
            if parent != last_parent {
                while mine[g].0 != parent {
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
                replies[from as usize][pos as usize] = (level_end as u32) + bases[g] + rank;
            }
            rank += 1;
        }
        let out: Vec<Vec<u8>> =
            replies.iter().map(|r| r.iter().flat_map(|id| id.to_le_bytes()).collect()).collect();
        let incoming = net.exchange(out)?;
        let mut numbered: Vec<(u32, u32)> = Vec::new();
        for (from, bytes) in incoming.iter().enumerate() {
            for (pos, chunk) in bytes.chunks_exact(4).enumerate() {
                let id = u32::from_le_bytes(chunk.try_into().expect("4 bytes"));
                if id != NONE {
                    numbered.push((id, asked[from][pos]));
                }
            }
        }
        numbered.sort_unstable();
        let next = owned.states.len();
        let Pending { states, hashes, orders, .. } = pending;
        let mut states: Vec<Option<T::State>> = states.into_iter().map(Some).collect();
        for (id, i) in numbered {
            let i = i as usize;
            let s = states[i].take().expect("each new state numbered once");
            owned.push(hashes[i], s, id, (orders[i] >> 32) as u32);
        }
        level = (next, owned.states.len());
        end = level_end + kept;

        match stop {
            None if kept == 0 => {
                let result = CheckResult::pass(end, false);
                return finish(&mut net, result, &owned, transitions, start);
            }
            None => {}
            Some(Stop::Truncated { .. }) => {
                let result = CheckResult::pass(end, true);
                return finish(&mut net, result, &owned, transitions, start);
            }
            Some(Stop::Found { at, .. }) => {
                let found = stopped_at.filter(|(li, _)| owned.ids[*li] == at).map(|(_, f)| f);
                let result = found_result(&mut net, sys, config, &owned, at, end, found)?;
                return finish(&mut net, result, &owned, transitions, start);
            }
        }
    }
}

/// How many first discoveries each process asked about.
fn asked_sizes(firsts: &[(u64, u32, u32)], peers: usize) -> Vec<usize> {
    let mut sizes = vec![0usize; peers];
    for &(_, from, _) in firsts {
        sizes[from as usize] += 1;
    }
    sizes
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

/// The result at state `at`, where the rules found something (`found`, on its owner), the
/// search having stored `explored` states; the owner tells everyone what it found.
fn found_result<T: System>(
    net: &mut Net,
    sys: &T,
    config: &Config<T::State>,
    owned: &Owned<T::State>,
    at: u32,
    explored: usize,
    found: Option<Found<T::State>>,
) -> Result<CheckResult<T::State>, Error>
where
    T::State: Serialize + DeserializeOwned,
{
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
    let reports = net.all_gather(mine)?;
    let bytes = reports
        .iter()
        .find(|b| !b.is_empty())
        .ok_or_else(|| Error::encoding(format!("no process reported state {at}")))?;
    let (report, _): (Report<T::State>, _) = decode(bytes)?;
    let trace = gather_trace(net, sys, config, owned, at)?;
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

fn panic_result<S>(explored: usize, trace: Vec<Step<S>>, fault: Fault) -> CheckResult<S> {
    let mut r = CheckResult::fail(Kind::Panic, explored, trace);
    r.invariant = fault.name.clone();
    r.reason = Some(fault.message.clone());
    r.fault = Some(fault);
    r
}

/// The shortest trace to state `at`: its states gathered hop by hop from their owners, then
/// each step's action found as the single-process trace builder finds it (the first action of
/// the parent whose canonical successor is the child).
fn gather_trace<T: System>(
    net: &mut Net,
    sys: &T,
    config: &Config<T::State>,
    owned: &Owned<T::State>,
    at: u32,
) -> Result<Vec<Step<T::State>>, Error>
where
    T::State: Serialize + DeserializeOwned,
{
    let mut path: Vec<T::State> = Vec::new();
    let mut id = at;
    loop {
        let mine = match owned.local(id) {
            Some(li) => encode(&(owned.parents[li], &owned.states[li]), Vec::new())?,
            None => Vec::new(),
        };
        let parts = net.all_gather(mine)?;
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
fn finish<S>(
    net: &mut Net,
    result: CheckResult<S>,
    owned: &Owned<S>,
    transitions: u64,
    start: Instant,
) -> Result<Outcome<S>, Error>
where
    S: std::hash::Hash + Eq,
{
    let mine = encode(&(transitions, owned.bytes() as u64, net.sent()), Vec::new())?;
    let parts = net.all_gather(mine)?;
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
        seconds: start.elapsed().as_secs_f64(),
        store_bytes: bytes as usize,
        collision_probability: None,
    };
    Ok(Outcome { result, stats, bytes_sent: sent, processes: net.peers() })
}
