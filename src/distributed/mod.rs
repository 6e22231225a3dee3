//! The breadth-first check across processes, on timely-dataflow: the single-process answer,
//! computed by several processes that each own a share of the states.
//!
//! Every process runs the same program: it builds the same model and calls [`check`] with its
//! place in the [`Cluster`] (its index and every process's address, as in timely's hostfile).
//! A state belongs to the process its hash maps to. The search goes level by level; in each,
//! every process expands the states it owns, sends each successor to its owner, and the owners
//! keep the new ones. New states are numbered exactly as the single-process search numbers them
//! (the initial states first, then each level's new states in the order of their first
//! discovery: parent number, then the successor's place among its parent's), so the verdict,
//! the state count, the transition count and the shortest counterexample equal those of
//! [`Checker::check`](crate::Checker::check) for any number of processes. Every process gets
//! the whole result.
//!
//! The exchange is a timely dataflow (one worker per process, one exchange per round, rounds
//! closed by timely's progress tracking); nothing of the cluster protocol is home-made. A
//! process that dies makes every other fail with an [`Error`], never a green result.
//!
//! Compiled with the `distributed` feature only. See `docs/DISTRIBUTED.md` for running it on
//! several hosts.
//!
//! # Example
//!
//! One process (no network); with more, each process passes its own index and the same list of
//! addresses ([`Cluster::new`] or [`Cluster::from_hostfile`]).
//!
//! ```
//! use musil::distributed::{self, Cluster};
//! use musil::{Checker, Config, Model};
//!
//! let m = Model::new(0u32)
//!     .action("inc", |n| *n < 20, |n| n + 1)
//!     .action("double", |n| *n < 10, |n| n * 2)
//!     .invariant("below 15", |n| *n < 15);
//! let config = Config::new().progress(false);
//! let got = distributed::check(&m, &config, &Cluster::single()).expect("a cluster of one");
//! let serial = Checker::new(&m).config(config).check();
//! assert_eq!(got.result, serial);
//! assert!(!got.result.ok);
//! ```

mod net;
mod search;

use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::check::{Config, Stats};
use crate::result::CheckResult;
use crate::system::System;

/// The default stall timeout: how long a process waits for the others in one round (or to
/// connect) before it gives up.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Where this process stands in the cluster: its index and the address of every process, in
/// process order (timely's hostfile). Every process is given the same addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a Cluster does nothing until it is given to distributed::check"]
pub struct Cluster {
    process: usize,
    addresses: Vec<String>,
    timeout: Duration,
}

impl Cluster {
    /// A cluster of this process alone: no network.
    pub fn single() -> Cluster {
        Cluster { process: 0, addresses: Vec::new(), timeout: DEFAULT_TIMEOUT }
    }

    /// Process `process` of the processes at `addresses` (`host:port` each, in process order).
    ///
    /// Errors when the list is empty, `process` is not an index into it, or an address has no
    /// port.
    pub fn new(process: usize, addresses: Vec<String>) -> Result<Cluster, Error> {
        if addresses.is_empty() {
            return Err(Error::cluster(
                "the list of addresses is empty: give one host:port per process".into(),
            ));
        }
        if process >= addresses.len() {
            return Err(Error::cluster(format!(
                "process {process} is not one of the {} processes (0 to {})",
                addresses.len(),
                addresses.len() - 1
            )));
        }
        for (i, a) in addresses.iter().enumerate() {
            let port = a.rsplit_once(':').map(|(_, p)| p);
            if port.is_none_or(|p| p.parse::<u16>().is_err()) {
                return Err(Error::cluster(format!(
                    "address {i} ({a:?}) is not host:port with a port number"
                )));
            }
        }
        Ok(Cluster { process, addresses, timeout: DEFAULT_TIMEOUT })
    }

    /// Process `process` of the processes listed in a hostfile: one `host:port` a line, in
    /// process order (timely's `-h` file); blank lines and lines starting with `#` are skipped.
    pub fn from_hostfile(path: impl AsRef<Path>, process: usize) -> Result<Cluster, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::cluster(format!("cannot read the hostfile {}: {e}", path.display())))?;
        let addresses = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        Cluster::new(process, addresses)
    }

    /// Give up when the other processes keep this one waiting this long in one round, or to
    /// connect (default [`DEFAULT_TIMEOUT`]). A process that dies is noticed at once, through
    /// its closed connections; this is for one that hangs.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The number of processes.
    pub fn processes(&self) -> usize {
        self.addresses.len().max(1)
    }

    /// This process's index.
    pub fn process(&self) -> usize {
        self.process
    }

    /// Every process's address, in process order (empty for [`Cluster::single`]).
    pub fn addresses(&self) -> &[String] {
        &self.addresses
    }

    /// The stall timeout.
    pub fn get_timeout(&self) -> Duration {
        self.timeout
    }
}

/// What a distributed check found, as every process gets it.
#[derive(Clone, Debug)]
#[must_use = "the outcome holds the verdict: assert on `result` or print it"]
pub struct Outcome<S> {
    /// The verdict, count and trace: those of the single-process check.
    pub result: CheckResult<S>,
    /// States and transitions (the single-process figures), the search's wall time on this
    /// process (from connected to answer: connecting is not counted), and the bytes of every
    /// process's store added up.
    pub stats: Stats,
    /// Bytes sent between processes, all processes added up (the payloads: states, discovery
    /// orders, numbers, summaries and the trace).
    pub bytes_sent: u64,
    /// The number of processes.
    pub processes: usize,
}

/// Why a distributed check gave no answer: refused settings, a bad cluster description, or a
/// cluster that failed. Violations and panics in user code are results, not errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ErrorKind {
    Config(String),
    Cluster(String),
    Connect(String),
    Lost { process: usize, message: String },
    Stalled { process: usize, timeout: Duration },
    Encoding(String),
}

impl Error {
    pub(crate) fn config(what: String) -> Error {
        Error { kind: ErrorKind::Config(what) }
    }
    pub(crate) fn cluster(what: String) -> Error {
        Error { kind: ErrorKind::Cluster(what) }
    }
    pub(crate) fn connect(what: String) -> Error {
        Error { kind: ErrorKind::Connect(what) }
    }
    pub(crate) fn lost(process: usize, message: String) -> Error {
        Error { kind: ErrorKind::Lost { process, message } }
    }
    pub(crate) fn stalled(process: usize, timeout: Duration) -> Error {
        Error { kind: ErrorKind::Stalled { process, timeout } }
    }
    pub(crate) fn encoding(what: String) -> Error {
        Error { kind: ErrorKind::Encoding(what) }
    }

    /// Whether the cluster failed while running (a process died, hung or could not be
    /// reached), as opposed to input refused before anything ran.
    pub fn is_cluster_failure(&self) -> bool {
        matches!(self.kind, ErrorKind::Connect(_) | ErrorKind::Lost { .. } | ErrorKind::Stalled { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Config(what) => write!(f, "distributed check: unsupported setting: {what}"),
            ErrorKind::Cluster(what) => write!(f, "distributed check: bad cluster: {what}"),
            ErrorKind::Connect(what) => write!(f, "distributed check: cannot connect the cluster: {what}"),
            ErrorKind::Lost { process, message } => write!(
                f,
                "distributed check: process {process} lost the cluster (another process died or \
                 closed its connection): {message}; no verdict"
            ),
            ErrorKind::Stalled { process, timeout } => write!(
                f,
                "distributed check: process {process} waited {timeout:?} for the others in one \
                 round (a process hangs or is unreachable); no verdict"
            ),
            ErrorKind::Encoding(what) => {
                write!(f, "distributed check: cannot encode or decode a state: {what}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// The breadth-first safety check of `sys` across the processes of `cluster`: the answer of
/// [`Checker::check`](crate::Checker::check) with the same `config`, for any number of
/// processes. Every process of the cluster calls it, with the same model and settings, and
/// every one gets the same [`Outcome`].
///
/// Supported settings: the state cap ([`Config::max_states`]) and symmetry reduction
/// ([`Config::canonicalize`]). Refused with an error: more than one worker per process, a
/// memory budget, fingerprint mode and keys. The progress line is not shown.
///
/// States travel encoded with postcard, so they must be serde types.
///
/// Errors: a refused setting, a cluster that cannot be connected, a process that dies or hangs
/// (every other process then fails too), a state that cannot be encoded.
pub fn check<T>(sys: &T, config: &Config<T::State>, cluster: &Cluster) -> Result<Outcome<T::State>, Error>
where
    T: System,
    T::State: Serialize + DeserializeOwned,
{
    refuse_unsupported(config)?;
    search::run(sys, config, cluster)
}

fn refuse_unsupported<S: std::hash::Hash + Eq>(config: &Config<S>) -> Result<(), Error> {
    if config.get_workers() > 1 {
        return Err(Error::config(format!(
            "workers({}): each process runs one worker; start more processes instead",
            config.get_workers()
        )));
    }
    if let Some(bytes) = config.get_memory_budget() {
        return Err(Error::config(format!("memory_budget({bytes}) is not supported across processes")));
    }
    if config.get_fingerprint() {
        return Err(Error::config("fingerprint mode is not supported across processes".into()));
    }
    if config.has_key() {
        return Err(Error::config(
            "key(..) is not supported across processes (states are sent whole)".into(),
        ));
    }
    if config.reduce.is_some() {
        return Err(Error::config("partial-order reduction is not supported across processes".into()));
    }
    Ok(())
}
