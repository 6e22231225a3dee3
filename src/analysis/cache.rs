//! The verdict cache: a check whose model and options have not changed is answered from disk
//! instead of being run again ([`check_cached`], [`VerdictCache`]).
//!
//! The one idea: a check is a pure function of the model and its options, so its result can be
//! stored under a key made of everything that decides it, and reused while the key is the same.
//! In CI an unchanged model then costs a file read, not a search.
//!
//! **The key.** Guards, effects, invariants and the terminal predicate are closures, which
//! cannot be read or hashed. So the key is built from what can be observed, and from a
//! `version` string the caller gives for the code it cannot see:
//! - the caller's `version`, and the musil version;
//! - the initial states, in order (each as its `Debug` text and its `Hash`);
//! - the static action names, in declaration order (they decide the successor order, so the
//!   trace), and whether a per-state menu (`actions_fn`) and a footprint are set;
//! - the invariant names, in declaration order (it decides which violation is reported);
//! - the edge invariant names, in order;
//! - whether a terminal predicate is set;
//! - the options that can change a result: `max_states`, `memory_budget`, `fingerprint`, and
//!   whether `canonicalize` and `key` are set.
//!
//! The one thing the key cannot see is a closure's body: change what a guard, effect,
//! invariant, terminal predicate, canonicalize or key function *does* under the same name and
//! the key is the same. That is what `version` is for: **bump it whenever such code changes**
//! (as with the original's `check_cached`). `workers` and `progress` are not in the key: a
//! check gives the same result for any number of workers, so a run on another machine reuses
//! the entry. Fairness tags are not in it either: they cannot change a safety verdict.
//!
//! **What a hit returns.** The whole [`CheckResult`], counterexample included, without
//! requiring the state type to be serialisable: the entry stores the trace as action names and
//! each state's `Debug` text, and a hit replays the actions on the model (canonicalised as the
//! check does), compares each replayed state's `Debug` text with the stored one, and judges the
//! problem again at the end (the invariant is still the first broken one, with the same reason;
//! the dead end still has no enabled action; the edge still breaks the edge invariant). A
//! counterexample that does not replay means the model's code changed under an unchanged
//! version: the entry is [refuted](Lookup::Refuted), the check runs and the entry is
//! rewritten. A passing result cannot be re-judged without the search: for a pass, `version`
//! is the only guard against changed code.
//!
//! **On disk.** One file per key, `{digest}.verdict` (the original's layout, `{digest}.pkl`,
//! with a native format: it cannot share the original's pickles): a header line with the
//! format and a checksum of the body, then the entry as JSON (the full key, then the result).
//! The file name is only an address: the stored key is compared in full, so two keys that
//! share a name never answer for each other. Writes go to a temporary file in the same
//! directory that is then renamed over the entry, so concurrent test processes never read a
//! half-written entry. A file that fails its checksum, is truncated or does not parse is
//! ignored and rewritten, never trusted. Writing is best effort: a directory that cannot be
//! written only means the check runs every time. The default directory is `musil-cache` in
//! the Cargo target directory (see [`VerdictCache::new`]).
//!
//! A state whose `Debug` text is not the same from run to run (a `HashMap` or `HashSet`
//! field) makes every lookup miss; a `BTreeMap` or `BTreeSet` does not.
//!
//! ```
//! use musil::cache::{Lookup, VerdictCache};
//! use musil::{Checker, Model};
//!
//! let dir = std::env::temp_dir().join(format!("musil-cache-doc-{}", std::process::id()));
//! let cache = VerdictCache::at(&dir);
//! let m = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).invariant("small", |n| *n < 3);
//!
//! let first = cache.check(&Checker::new(&m), "v1");
//! assert_eq!(first.lookup, Lookup::Missing); // checked, then stored
//! let again = cache.check(&Checker::new(&m), "v1");
//! assert_eq!(again.lookup, Lookup::Hit); // answered from disk, trace rebuilt on the model
//! assert_eq!(again.result, first.result);
//! assert_eq!(again.result.action_names(), ["inc", "inc", "inc"]);
//!
//! // Another invariant order, cap, terminal, ... is another key: checked afresh.
//! let capped = cache.check(&Checker::new(&m).max_states(2), "v1");
//! assert_eq!(capped.lookup, Lookup::Missing);
//! assert_eq!(cache.clear(), 2);
//! # let _ = std::fs::remove_dir_all(&dir);
//! ```

use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::check::Checker;
use crate::engine::canon;
use crate::model::Model;
use crate::properties::{Properties, Verdict};
use crate::result::{CheckResult, Kind, Limit, Step};
use crate::system::{State, TransitionSystem};

/// The entry format; a file of another format is unreadable, and rewritten.
const FORMAT: u32 = 1;

/// The first words of an entry's header line.
const HEADER: &str = "musil verdict";

/// A directory of cached verdicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictCache {
    dir: PathBuf,
}

/// What a cached check returns: the result, and how the cache answered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a cached check's result says whether the model is correct: assert on it or print it"]
pub struct Cached<S> {
    /// The check's result, from disk or fresh.
    pub result: CheckResult<S>,
    /// Whether the result came from disk, and if not, why.
    pub lookup: Lookup,
    /// After this call the cache holds this result: it was a hit, or the fresh result was
    /// written. False when the directory cannot be written, and for results that are never
    /// stored (a panic in user code is reported fresh every time).
    pub stored: bool,
}

/// How the cache answered one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lookup {
    /// The stored result was returned (its counterexample replayed and re-judged).
    Hit,
    /// No entry for this key (no file, or the file holds another key's entry): checked.
    Missing,
    /// The entry could not be trusted (unreadable, failed its checksum, truncated, not
    /// parseable, another format): ignored, checked, rewritten.
    Unreadable,
    /// The stored counterexample no longer replays or no longer breaks its property on the
    /// model (code changed under an unchanged version): checked, rewritten.
    Refuted,
}

impl Default for VerdictCache {
    fn default() -> Self {
        Self::new()
    }
}

impl VerdictCache {
    /// The cache in the Cargo target directory, `musil-cache` inside the first of:
    /// `$CARGO_TARGET_DIR`; the target directory the running executable was built in (the
    /// nearest ancestor holding Cargo's `CACHEDIR.TAG`, as a test or example binary's does);
    /// `$CARGO_MANIFEST_DIR/target`; `target` in the working directory.
    pub fn new() -> Self {
        VerdictCache { dir: default_target_dir().join("musil-cache") }
    }

    /// The cache in this directory (created when the first entry is written).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        VerdictCache { dir: dir.into() }
    }

    /// The directory entries live in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// [`Checker::check`], answered from the cache when an entry for the same key is there and
    /// its counterexample replays; otherwise checked and stored. `version` identifies the code
    /// the key cannot see (see the [module](self) documentation): bump it when a closure's body
    /// changes.
    pub fn check<S: State>(&self, checker: &Checker<'_, Model<S>>, version: &str) -> Cached<S> {
        let key = Key::of(checker, version);
        let path = self.path_of(&key);
        let lookup = match read_entry::<Entry>(&path) {
            Read::Absent => Lookup::Missing,
            Read::Unreadable => Lookup::Unreadable,
            Read::Entry(entry) if entry.key != key => Lookup::Missing,
            Read::Entry(entry) => match rebuild(checker, &entry.result) {
                Some(result) => return Cached { result, lookup: Lookup::Hit, stored: true },
                None => Lookup::Refuted,
            },
        };
        let result = checker.check();
        let stored = match stored_form(checker, &result) {
            Some(stored) => {
                write_atomically(&self.dir, &path, &render(&Entry { key, result: stored })).is_ok()
            }
            None => false,
        };
        Cached { result, lookup, stored }
    }

    /// The file the entry for this check and version lives in (whether or not it exists).
    pub fn path<S: State>(&self, checker: &Checker<'_, Model<S>>, version: &str) -> PathBuf {
        self.path_of(&Key::of(checker, version))
    }

    /// Delete every entry (`*.verdict` and `*.coverage` directly in the directory) and return
    /// how many were removed. A missing directory removes nothing; an entry that cannot be deleted is
    /// skipped and not counted.
    pub fn clear(&self) -> usize {
        let Ok(entries) = fs::read_dir(&self.dir) else { return 0 };
        entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "verdict" || x == "coverage"))
            .filter(|p| fs::remove_file(p).is_ok())
            .count()
    }

    fn path_of(&self, key: &Key) -> PathBuf {
        self.path_with(key, "verdict")
    }

    fn path_with(&self, key: &Key, extension: &str) -> PathBuf {
        let text = serde_json::to_string(key).expect("a key is plain data");
        self.dir.join(format!("{:016x}.{extension}", fnv1a(text.as_bytes())))
    }

    /// The action coverage of this checker's explored graph ([`coverage_of`]), answered from
    /// the cache when an entry for the same key is there; otherwise computed and stored. The
    /// key is the verdict's (see the [module](self) documentation), in a file of its own
    /// (`{digest}.coverage`), so a verdict and a coverage entry never answer for each other.
    /// Unlike a verdict, a coverage report cannot be re-judged without the search: only
    /// `version` guards against changed guard bodies.
    ///
    /// ```
    /// use musil::cache::{Lookup, VerdictCache};
    /// use musil::{Checker, Model};
    ///
    /// let dir = std::env::temp_dir().join(format!("musil-coverage-doc-{}", std::process::id()));
    /// let cache = VerdictCache::at(&dir);
    /// let m = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).action("never", |_| false, |n| *n);
    /// let first = cache.coverage(&Checker::new(&m), "v1");
    /// assert_eq!((first.lookup, first.coverage.dead_actions.clone()), (Lookup::Missing, vec!["never".to_string()]));
    /// assert_eq!(cache.coverage(&Checker::new(&m), "v1").lookup, Lookup::Hit);
    /// assert_eq!(cache.coverage(&Checker::new(&m), "v2").lookup, Lookup::Missing);
    /// assert_eq!(cache.clear(), 2);
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// ```
    ///
    /// [`coverage_of`]: crate::metrics::coverage_of
    pub fn coverage<S: State>(&self, checker: &Checker<'_, Model<S>>, version: &str) -> CachedCoverage {
        let key = Key::of(checker, version);
        let path = self.path_with(&key, "coverage");
        let lookup = match read_entry::<CoverageEntry>(&path) {
            Read::Absent => Lookup::Missing,
            Read::Unreadable => Lookup::Unreadable,
            Read::Entry(entry) if entry.key != key => Lookup::Missing,
            Read::Entry(entry) => {
                return CachedCoverage { coverage: entry.coverage, lookup: Lookup::Hit, stored: true };
            }
        };
        let coverage = crate::metrics::coverage_of(&checker.explore(), checker.sys);
        let entry = CoverageEntry { key, coverage };
        let stored = write_atomically(&self.dir, &path, &render(&entry)).is_ok();
        CachedCoverage { coverage: entry.coverage, lookup, stored }
    }
}

/// [`Checker::check`] through the default [`VerdictCache`]. `version` names the code the key
/// cannot see: bump it whenever a guard, effect, invariant or other closure changes.
pub fn check_cached<S: State>(model: &Model<S>, version: &str) -> CheckResult<S> {
    Checker::new(model).check_cached(version)
}

/// Delete every entry of the default [`VerdictCache`]; how many were removed.
pub fn clear_verdict_cache() -> usize {
    VerdictCache::new().clear()
}

impl<S: State> Checker<'_, Model<S>> {
    /// This checker's [`check`](Checker::check) through the default [`VerdictCache`] (see
    /// [`check_cached`]); [`VerdictCache::check`] says whether it was a hit.
    pub fn check_cached(&self, version: &str) -> CheckResult<S> {
        VerdictCache::new().check(self, version).result
    }
}

/// Everything a cached verdict is keyed by (see the module documentation).
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Key {
    format: u32,
    musil: String,
    version: String,
    init: Vec<InitialState>,
    actions: Vec<String>,
    actions_fn: bool,
    footprint: bool,
    invariants: Vec<String>,
    edge_invariants: Vec<String>,
    terminal: bool,
    max_states: usize,
    memory_budget: Option<usize>,
    fingerprint: bool,
    canonicalize: bool,
    key: bool,
}

/// An initial state as the key sees it: its `Debug` text, and its `Hash` (which tells apart
/// states whose `Debug` text hides a field).
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct InitialState {
    debug: String,
    hash: String,
}

impl Key {
    fn of<S: State>(checker: &Checker<'_, Model<S>>, version: &str) -> Self {
        let (model, options) = (checker.sys, &checker.options);
        let names = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect();
        Key {
            format: FORMAT,
            musil: env!("CARGO_PKG_VERSION").to_owned(),
            version: version.to_owned(),
            init: model
                .initial()
                .iter()
                .map(|s| {
                    let mut h = Fnv(FNV_OFFSET);
                    s.hash(&mut h);
                    InitialState { debug: format!("{s:?}"), hash: format!("{:016x}", h.finish()) }
                })
                .collect(),
            actions: names(model.static_action_list().iter().map(|a| a.name()).collect()),
            actions_fn: model.has_actions_fn(),
            footprint: model.has_footprint(),
            invariants: names(model.invariant_list().iter().map(|i| i.name()).collect()),
            edge_invariants: names(model.edge_invariant_list().iter().map(|i| i.name()).collect()),
            terminal: model.has_terminal(),
            max_states: options.get_max_states(),
            memory_budget: options.get_memory_budget(),
            fingerprint: options.get_fingerprint(),
            canonicalize: options.has_canonicalize(),
            key: options.has_key(),
        }
    }
}

/// A coverage report from the cache ([`VerdictCache::coverage`]) and how it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedCoverage {
    /// The report.
    pub coverage: crate::metrics::Coverage,
    /// Whether it came from the cache, and if not, why.
    pub lookup: Lookup,
    /// Whether the cache holds it now (writing is best effort).
    pub stored: bool,
}

/// A coverage file's content.
#[derive(Debug, Serialize, Deserialize)]
struct CoverageEntry {
    key: Key,
    coverage: crate::metrics::Coverage,
}

/// One cache file's content.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    key: Key,
    result: Stored,
}

/// A [`CheckResult`] as stored: the states of its trace as `Debug` text.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    ok: bool,
    states_explored: usize,
    kind: Option<String>,
    invariant: Option<String>,
    reason: Option<String>,
    truncated: bool,
    limit: Option<String>,
    /// The index, among the model's initial states, of the one the trace starts from.
    init: Option<usize>,
    trace: Vec<StoredStep>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredStep {
    action: String,
    state: String,
}

/// The kinds a stored result may have: what `check` reports, panics excepted.
const STORED_KINDS: [Kind; 3] = [Kind::Invariant, Kind::EdgeInvariant, Kind::Deadlock];

fn limit_name(limit: Limit) -> &'static str {
    match limit {
        Limit::MaxStates => "max-states",
        Limit::MemoryBudget => "memory-budget",
    }
}

/// The stored form of a result, or `None` for a result that is not stored (a panic).
fn stored_form<S: State>(checker: &Checker<'_, Model<S>>, r: &CheckResult<S>) -> Option<Stored> {
    if r.fault.is_some() || r.kind.is_some_and(|k| !STORED_KINDS.contains(&k)) {
        return None;
    }
    let init = match r.trace.first() {
        None => None,
        Some(first) => Some(
            checker.sys.initial().iter().position(|s| canon(&checker.options, s.clone()) == first.state)?,
        ),
    };
    Some(Stored {
        ok: r.ok,
        states_explored: r.states_explored,
        kind: r.kind.map(|k| k.as_str().to_owned()),
        invariant: r.invariant.clone(),
        reason: r.reason.clone(),
        truncated: r.truncated,
        limit: r.limit.map(|l| limit_name(l).to_owned()),
        init,
        trace: r
            .trace
            .iter()
            .map(|s| StoredStep { action: s.action.clone(), state: format!("{:?}", s.state) })
            .collect(),
    })
}

/// The result a stored entry stands for, its trace replayed on the model; `None` when the
/// entry does not hold up (see [`Lookup::Refuted`]).
fn rebuild<S: State>(checker: &Checker<'_, Model<S>>, stored: &Stored) -> Option<CheckResult<S>> {
    let limit = match stored.limit.as_deref() {
        None => None,
        Some(name) => {
            Some([Limit::MaxStates, Limit::MemoryBudget].into_iter().find(|&l| limit_name(l) == name)?)
        }
    };
    let kind = match stored.kind.as_deref() {
        None => None,
        Some(name) => Some(STORED_KINDS.into_iter().find(|k| k.as_str() == name)?),
    };
    let trace = match (stored.ok, kind) {
        (true, None) if stored.trace.is_empty() => Vec::new(),
        (false, Some(kind)) => {
            let trace = replay(checker, stored.init?, &stored.trace)?;
            let judged =
                crate::fault::catch(|| still_broken(checker.sys, kind, stored, &trace)).unwrap_or(false);
            if !judged {
                return None;
            }
            trace
        }
        _ => return None,
    };
    Some(CheckResult {
        ok: stored.ok,
        states_explored: stored.states_explored,
        kind,
        invariant: stored.invariant.clone(),
        reason: stored.reason.clone(),
        trace,
        truncated: stored.truncated,
        loop_index: None,
        fault: None,
        limit,
    })
}

/// The stored trace run again on the model from its initial state: each step the successor
/// by the named action, canonicalised, whose `Debug` text must equal the stored one.
fn replay<S: State>(
    checker: &Checker<'_, Model<S>>,
    init: usize,
    steps: &[StoredStep],
) -> Option<Vec<Step<S>>> {
    let (model, options) = (checker.sys, &checker.options);
    let run = crate::fault::catch(|| {
        let (first, rest) = steps.split_first()?;
        let s0 = canon(options, model.initial().get(init)?.clone());
        if first.action != "<init>" || format!("{s0:?}") != first.state {
            return None;
        }
        let mut trace = vec![Step::new("<init>", s0)];
        for step in rest {
            let current = &trace.last().expect("the first step is there").state;
            let mut next = None;
            let _ = model.successors(current, |a, y| {
                if model.action_name(a) == step.action {
                    next = Some(y);
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            });
            let y = canon(options, next?);
            if format!("{y:?}") != step.state {
                return None;
            }
            trace.push(Step::new(step.action.clone(), y));
        }
        Some(trace)
    });
    run.ok().flatten()
}

/// Whether the replayed trace still shows the stored problem as `check` finds it: every state
/// the check judged before the last holds every invariant, every transition it judged holds
/// every edge invariant, and at the end the same property is the first broken one, with the
/// same reason (or the last state is still a dead end that is not terminal).
fn still_broken<S: State>(model: &Model<S>, kind: Kind, stored: &Stored, trace: &[Step<S>]) -> bool {
    let n = trace.len();
    let holds = |s: &S| (0..model.invariant_count()).all(|i| model.check_invariant(i, s).holds());
    let edge_verdicts = |k: usize| {
        let action = model.action_id(&trace[k].action);
        (0..model.edge_invariant_count()).map(move |e| {
            let action = action.expect("a replayed step's action is known to the model");
            (e, model.check_edge_invariant(e, &trace[k - 1].state, action, &trace[k].state))
        })
    };
    let edges_hold = |k: usize| edge_verdicts(k).all(|(_, v)| v.holds());
    match kind {
        Kind::Invariant => {
            let last = &trace[n - 1].state;
            let broken =
                first_broken((0..model.invariant_count()).map(|i| (i, model.check_invariant(i, last))));
            trace[..n - 1].iter().all(|s| holds(&s.state))
                && (1..n).all(edges_hold)
                && broken.is_some_and(|(i, reason)| {
                    Some(model.invariant_name(i)) == stored.invariant.as_deref() && reason == stored.reason
                })
        }
        Kind::EdgeInvariant => {
            let broken = if n >= 2 { first_broken(edge_verdicts(n - 1)) } else { None };
            trace[..n - 1].iter().all(|s| holds(&s.state))
                && (1..n - 1).all(edges_hold)
                && broken.is_some_and(|(e, reason)| {
                    Some(model.edge_invariant_name(e)) == stored.invariant.as_deref()
                        && reason == stored.reason
                })
        }
        Kind::Deadlock => {
            let last = &trace[n - 1].state;
            let enabled = model.successors(last, |_, _| ControlFlow::Break(())).is_break();
            trace.iter().all(|s| holds(&s.state))
                && (1..n).all(edges_hold)
                && !enabled
                && !model.is_terminal(last)
        }
        Kind::Ltl | Kind::Panic => false,
    }
}

/// The first broken property among `(index, verdict)` pairs, with its shown reason.
fn first_broken(mut verdicts: impl Iterator<Item = (usize, Verdict)>) -> Option<(usize, Option<String>)> {
    verdicts.find(|(_, v)| !v.holds()).map(|(i, v)| (i, v.shown_reason()))
}

/// What reading an entry's file gave.
enum Read<T> {
    Absent,
    Unreadable,
    Entry(Box<T>),
}

/// The header line an entry with this body carries.
fn header(body: &str) -> String {
    format!("{HEADER} {FORMAT} {:016x}", fnv1a(body.as_bytes()))
}

fn render(entry: &impl Serialize) -> String {
    let body = serde_json::to_string(entry).expect("an entry is plain data");
    format!("{}\n{body}", header(&body))
}

fn read_entry<T: serde::de::DeserializeOwned>(path: &Path) -> Read<T> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
            return Read::Absent;
        }
        Err(_) => return Read::Unreadable,
    };
    let Ok(text) = String::from_utf8(bytes) else { return Read::Unreadable };
    let Some((head, body)) = text.split_once('\n') else { return Read::Unreadable };
    if head != header(body) {
        return Read::Unreadable;
    }
    match serde_json::from_str(body) {
        Ok(entry) => Read::Entry(Box::new(entry)),
        Err(_) => Read::Unreadable,
    }
}

/// Write `contents` to `path` so that a reader sees the old file or the new one, never a
/// part: into a temporary file in the same directory, then renamed over `path`.
fn write_atomically(dir: &Path, path: &Path, contents: &str) -> io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    let tmp =
        dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    let written = fs::write(&tmp, contents).and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// The Cargo target directory, as [`VerdictCache::new`] describes.
fn default_target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.ancestors().skip(1).find(|d| d.join("CACHEDIR.TAG").is_file())
    {
        return dir.to_path_buf();
    }
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => Path::new(&dir).join("target"),
        None => PathBuf::from("target"),
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// 64-bit FNV-1a: a fixed function (unlike the standard library's hasher, which may change
/// between Rust releases), for file names and checksums. Every single-byte change changes it.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv(FNV_OFFSET);
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("musil-cache-unit-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors of 64-bit FNV-1a.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn another_musil_version_is_another_key() {
        let d = dir("musil-version");
        let cache = VerdictCache::at(&d);
        let m = Model::new(0u8).action("inc", |n| *n < 2, |n| n + 1).terminal(|n| *n == 2);
        let checker = Checker::new(&m);
        assert_eq!(cache.check(&checker, "v1").lookup, Lookup::Missing);
        // The same entry, written as an older musil would have keyed it.
        let mut key = Key::of(&checker, "v1");
        key.musil = "0.0.1".to_owned();
        let stored = stored_form(&checker, &checker.check()).unwrap();
        let path = cache.path(&checker, "v1");
        fs::write(&path, render(&Entry { key, result: stored })).unwrap();
        assert_eq!(cache.check(&checker, "v1").lookup, Lookup::Missing);
        assert_eq!(cache.check(&checker, "v1").lookup, Lookup::Hit);
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn another_format_is_unreadable() {
        let d = dir("format");
        let cache = VerdictCache::at(&d);
        let m = Model::new(0u8).action("inc", |n| *n < 2, |n| n + 1).terminal(|n| *n == 2);
        let checker = Checker::new(&m);
        let _ = cache.check(&checker, "v1");
        let path = cache.path(&checker, "v1");
        let text = fs::read_to_string(&path).unwrap();
        let body = text.split_once('\n').unwrap().1;
        fs::write(&path, format!("{HEADER} {} {:016x}\n{body}", FORMAT + 1, fnv1a(body.as_bytes()))).unwrap();
        assert_eq!(cache.check(&checker, "v1").lookup, Lookup::Unreadable);
        assert_eq!(cache.check(&checker, "v1").lookup, Lookup::Hit);
        let _ = fs::remove_dir_all(&d);
    }
}
