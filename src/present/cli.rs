//! The command-line harness: any model binary gets musil's flags, verdicts and exit codes by
//! handing its models to [`Cli`] (or one model to [`run`]).
//!
//! ```text
//! my_model [MODE] [OPTIONS]
//!   MODE                  check (default) | check-all | explore | liveness [GOAL] | ltl FORMULA
//!   --model NAME          which registered model (default: the first)
//!   --ltl FORMULA         LTL over the named atoms, e.g. "G (req -> F ack)" (mode ltl)
//!   --liveness GOAL       every run eventually reaches the named goal (mode liveness)
//!   --fair A,B            weakly fair actions (liveness, ltl); --fair-strong A,B strongly fair
//!   --workers N  --max-states N  --memory-budget SIZE (512M, 2G)  --fingerprint
//!   --json                one JSON document (schema: crate::json)
//!   --dot                 the explored state graph in Graphviz DOT
//!   --explore [ADDR]      serve a page over the result (crate::explorer) until Ctrl-C;
//!                         ADDR: HOST:PORT, a port, or nothing (127.0.0.1, a free port)
//!   --emit-test PATH      write a #[test] replaying the counterexample by action names
//!   --progress | --quiet  the progress line on a terminal (on by default) | no progress, no notes
//! ```
//!
//! Exit codes ([`Exit`]): **0** verified (no violation, every reachable state seen), **1** a
//! violation, **2** bad usage or a refused input (an unknown flag, atom, model or fairness
//! name, a formula that does not parse, a file that cannot be written), **3** incomplete: a
//! cap or the memory budget stopped the search before it saw everything. Unlike the
//! original's command line, which exits 0 on a truncated green, a truncated pass is never
//! reported as a success: it proves nothing.
//!
//! The progress line is the engine's ([`Config::progress`]): on a terminal only, after a
//! second, so nothing appears when the output is piped.
//!
//! ```
//! use musil::cli::{Cli, Exit};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Link { sent: bool, acked: bool }
//!
//! let link = Model::new(Link { sent: false, acked: false })
//!     .action("send", |s| !s.sent, |s| Link { sent: true, ..s.clone() })
//!     .action("ack", |s| s.sent && !s.acked, |s| Link { acked: true, ..s.clone() })
//!     .terminal(|s| s.acked);
//! let cli = Cli::new("link")
//!     .model("link", &link)
//!     .atom("req", |s: &Link| s.sent)
//!     .goal("ack", |s: &Link| s.acked);
//!
//! // In `main`: `fn main() -> std::process::ExitCode { cli.run() }`. Here, in-process:
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//! assert_eq!(cli.execute(["--ltl", "G (req -> F ack)"], &mut out, &mut err), Exit::Verified);
//! assert_eq!(cli.execute(["liveness", "--fair", "send,ack"], &mut out, &mut err), Exit::Verified);
//! assert_eq!(cli.execute(["--max-states", "2"], &mut out, &mut err), Exit::Incomplete);
//! assert_eq!(cli.execute(["--workers", "many"], &mut out, &mut err), Exit::Usage);
//! ```

use std::fmt::Write as _;
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use crate::check::{Checker, Config, DistinctBy, Stats, Violations};
use crate::dot::to_dot;
use crate::error::Error;
use crate::explorer::{Explorer, ValueBox};
use crate::graph::Graph;
use crate::json::{self, AssumptionJson, ConfigJson, Report, StatsJson, ValueFn, ViolationJson};
use crate::liveness::{Liveness, LivenessResult};
use crate::ltl::{Atoms, LtlOptions, LtlResult};
use crate::model::Model;
use crate::open::{self, EnvironmentSpec, Open};
use crate::result::{CheckResult, Kind, Limit, Outcome};
use crate::system::{Predicate, State, System};

/// How a run ended, as a process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exit {
    /// 0: no violation, and every reachable state was seen.
    Verified,
    /// 1: a violation (an invariant, a deadlock, a liveness or LTL counterexample, a panic in
    /// the model's code).
    Violation,
    /// 2: bad usage, or input the checker refused.
    Usage,
    /// 3: incomplete: a cap or the memory budget stopped the search, and nothing was found
    /// before it.
    Incomplete,
    /// 0: `--help` was asked for and printed.
    Help,
}

impl Exit {
    /// The process exit code: 0, 1, 2 or 3.
    pub fn code(self) -> u8 {
        match self {
            Exit::Verified | Exit::Help => 0,
            Exit::Violation => 1,
            Exit::Usage => 2,
            Exit::Incomplete => 3,
        }
    }

    /// The verdict's name in the JSON schema: `verified`, `violation`, `incomplete` (`usage`,
    /// `help` otherwise).
    pub fn as_str(self) -> &'static str {
        match self {
            Exit::Verified => "verified",
            Exit::Violation => "violation",
            Exit::Usage => "usage",
            Exit::Incomplete => "incomplete",
            Exit::Help => "help",
        }
    }

    fn of(ok: bool, truncated: bool) -> Exit {
        match (ok, truncated) {
            (false, _) => Exit::Violation,
            (true, true) => Exit::Incomplete,
            (true, false) => Exit::Verified,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// Run the harness over one model, with the process's arguments: the whole `main` of a model
/// binary (`fn main() -> ExitCode { musil::cli::run(&model()) }`). The model is registered as
/// `model`; use [`Cli`] for atoms, goals, several models, open systems or `--emit-test`.
pub fn run<T: System>(model: T) -> ExitCode {
    Cli::new(&program_name()).model("model", model).run()
}

fn program_name() -> String {
    std::env::args()
        .next()
        .and_then(|p| std::path::Path::new(&p).file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "model".to_owned())
}

/// What the harness runs: a closed system or an open one (a [`Model`] and its environments).
trait Target<S> {
    fn check(&self, cfg: &Config<S>) -> (CheckResult<S>, Stats);
    fn check_all(&self, cfg: &Config<S>) -> Violations<S>;
    fn explore(&self, cfg: &Config<S>) -> Graph<S>;
    fn liveness(&self, cfg: &Config<S>, spec: &Liveness<S>) -> Result<LivenessResult<S>, Error>;
    fn ltl(
        &self,
        cfg: &Config<S>,
        formula: &crate::ltl::Ltl<S>,
        opts: &LtlOptions,
    ) -> Result<LtlResult<S>, Error>;
    fn environments(&self) -> Option<&[EnvironmentSpec<S>]>;
}

struct Closed<T>(T);

impl<T: System> Target<T::State> for Closed<T> {
    fn check(&self, cfg: &Config<T::State>) -> (CheckResult<T::State>, Stats) {
        Checker::new(&self.0).config(cfg.clone()).check_with_stats()
    }
    fn check_all(&self, cfg: &Config<T::State>) -> Violations<T::State> {
        Checker::new(&self.0).config(cfg.clone()).check_all(DistinctBy::Invariant)
    }
    fn explore(&self, cfg: &Config<T::State>) -> Graph<T::State> {
        Checker::new(&self.0).config(cfg.clone()).explore()
    }
    fn liveness(
        &self,
        cfg: &Config<T::State>,
        spec: &Liveness<T::State>,
    ) -> Result<LivenessResult<T::State>, Error> {
        Checker::new(&self.0).config(cfg.clone()).check_liveness(spec)
    }
    fn ltl(
        &self,
        cfg: &Config<T::State>,
        formula: &crate::ltl::Ltl<T::State>,
        opts: &LtlOptions,
    ) -> Result<LtlResult<T::State>, Error> {
        Checker::new(&self.0).config(cfg.clone()).check_ltl(formula, opts)
    }
    fn environments(&self) -> Option<&[EnvironmentSpec<T::State>]> {
        None
    }
}

struct OpenTarget<S> {
    system: Model<S>,
    composed: Model<S>,
    envs: Vec<EnvironmentSpec<S>>,
}

impl<S: State> Target<S> for OpenTarget<S> {
    fn check(&self, cfg: &Config<S>) -> (CheckResult<S>, Stats) {
        Checker::new(&self.composed).config(cfg.clone()).check_with_stats()
    }
    fn check_all(&self, cfg: &Config<S>) -> Violations<S> {
        Checker::new(&self.composed).config(cfg.clone()).check_all(DistinctBy::Invariant)
    }
    fn explore(&self, cfg: &Config<S>) -> Graph<S> {
        Checker::new(&self.composed).config(cfg.clone()).explore()
    }
    fn liveness(&self, cfg: &Config<S>, spec: &Liveness<S>) -> Result<LivenessResult<S>, Error> {
        Ok(Checker::new(&self.system).config(cfg.clone()).check_liveness_open(&self.envs, spec)?.result)
    }
    fn ltl(
        &self,
        cfg: &Config<S>,
        formula: &crate::ltl::Ltl<S>,
        opts: &LtlOptions,
    ) -> Result<LtlResult<S>, Error> {
        Checker::new(&self.composed).config(cfg.clone()).check_ltl(formula, opts)
    }
    fn environments(&self) -> Option<&[EnvironmentSpec<S>]> {
        Some(&self.envs)
    }
}

struct Entry<'a, S> {
    name: String,
    target: Box<dyn Target<S> + 'a>,
    /// The Rust path of a function that rebuilds the model (or, for an open system, the system).
    rebuild: Option<String>,
    /// For an open system: the path of a function that rebuilds its environments.
    environments: Option<String>,
}

/// The harness over a program's models: named models (closed or open), named atoms and goals
/// for LTL and liveness, and how an emitted test rebuilds each model. Build it, then call
/// [`run`](Cli::run) from `main` (or [`execute`](Cli::execute) in-process). See the
/// [module](self) for the flags.
#[must_use = "a Cli does nothing until run() or execute() is called"]
pub struct Cli<'a, S> {
    program: String,
    entries: Vec<Entry<'a, S>>,
    atoms: Vec<(String, Predicate<S>)>,
    goals: Vec<String>,
    value: Option<ValueBox<S>>,
    test_header: String,
}

impl<S> std::fmt::Debug for Cli<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cli")
            .field("program", &self.program)
            .field("models", &self.entries.iter().map(|e| &e.name).collect::<Vec<_>>())
            .field("atoms", &self.atoms.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("goals", &self.goals)
            .finish_non_exhaustive()
    }
}

impl<'a, S: State> Cli<'a, S> {
    /// A harness named `program` (the name its usage line shows), with no model yet.
    pub fn new(program: &str) -> Self {
        Cli {
            program: program.to_owned(),
            entries: Vec::new(),
            atoms: Vec::new(),
            goals: Vec::new(),
            value: None,
            test_header: String::new(),
        }
    }

    /// Add a model (anything checkable: a [`Model`], a reference to one, a hand-written
    /// [`System`]). The first one added is the default; `--model NAME` picks another.
    pub fn model<T: System<State = S> + 'a>(mut self, name: &str, model: T) -> Self {
        self.entries.push(Entry {
            name: name.to_owned(),
            target: Box::new(Closed(model)),
            rebuild: None,
            environments: None,
        });
        self
    }

    /// Add an open system: `system` checked against `environments` as
    /// [`check_open`](crate::open::check_open) does (liveness as
    /// [`check_liveness_open`](crate::open::check_liveness_open)); its results carry the
    /// residual proof obligations.
    pub fn open(mut self, name: &str, system: Model<S>, environments: Vec<EnvironmentSpec<S>>) -> Self {
        let composed = open::compose(&system, &environments);
        self.entries.push(Entry {
            name: name.to_owned(),
            target: Box::new(OpenTarget { system, composed, envs: environments }),
            rebuild: None,
            environments: None,
        });
        self
    }

    /// How a test emitted by `--emit-test` rebuilds the model added last: the path of a
    /// function of no arguments that returns it (`my_crate::models::build_model`); for an open
    /// system, the function returning the system (its environments:
    /// [`environments_rebuilt_by`](Self::environments_rebuilt_by)).
    ///
    /// # Panics
    /// When no model was added yet.
    pub fn rebuilt_by(mut self, path: &str) -> Self {
        self.entries.last_mut().expect("Cli::rebuilt_by: add a model first").rebuild = Some(path.to_owned());
        self
    }

    /// For the open system added last: the path of a function of no arguments returning its
    /// environments (a `Vec<EnvironmentSpec<_>>`), for `--emit-test`.
    ///
    /// # Panics
    /// When no model was added yet.
    pub fn environments_rebuilt_by(mut self, path: &str) -> Self {
        self.entries.last_mut().expect("Cli::environments_rebuilt_by: add a model first").environments =
            Some(path.to_owned());
        self
    }

    /// Lines placed at the top of every emitted test, before its `#[test]` (the `use` lines or
    /// `mod` declarations that bring the rebuilding functions into scope).
    pub fn test_header(mut self, text: &str) -> Self {
        self.test_header = text.to_owned();
        self
    }

    /// A named state predicate that LTL formulas (`--ltl`) may use; a second one of the same
    /// name replaces the first.
    ///
    /// # Panics
    /// When `name` is not a word the LTL parser reads as an atom (see
    /// [`Atoms::atom`](crate::ltl::Atoms::atom)): said when the harness is built, not when a
    /// formula first uses it.
    pub fn atom(mut self, name: &str, predicate: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        let _ = Atoms::<S>::new().atom(name, |_| false);
        self.atoms.retain(|(n, _)| n != name);
        self.atoms.push((name.to_owned(), Arc::new(predicate)));
        self
    }

    /// A named liveness goal: `liveness GOAL` checks that every run eventually reaches it (the
    /// first goal is the default). A goal is an atom too.
    ///
    /// # Panics
    /// As [`atom`](Self::atom).
    pub fn goal(mut self, name: &str, predicate: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        if !self.goals.iter().any(|g| g == name) {
            self.goals.push(name.to_owned());
        }
        self.atom(name, predicate)
    }

    /// Run with the process's arguments, printing to stdout and stderr; the exit code to return
    /// from `main`.
    pub fn run(&self) -> ExitCode {
        let args: Vec<String> = std::env::args().skip(1).collect();
        // Unlocked handles: the engine's progress line writes to stderr while the run goes on.
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        self.execute(args, &mut out, &mut err).into()
    }

    /// Run with these arguments (the program name not included), writing the result to `out`
    /// and usage errors and notes to `err`.
    pub fn execute<I, A>(&self, args: I, out: &mut dyn Write, err: &mut dyn Write) -> Exit
    where
        I: IntoIterator<Item = A>,
        A: AsRef<str>,
    {
        let args: Vec<String> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let opts = match Options::parse(&args) {
            Ok(Some(opts)) => opts,
            Ok(None) => {
                let _ = writeln!(out, "{}", self.usage());
                return Exit::Help;
            }
            Err(message) => return self.refuse(err, &message),
        };
        match self.execute_parsed(&opts, out, err) {
            Ok(exit) => exit,
            Err(message) => self.refuse(err, &message),
        }
    }

    fn refuse(&self, err: &mut dyn Write, message: &str) -> Exit {
        let _ = writeln!(err, "error: {message}");
        let _ = writeln!(err, "{}", self.usage_line());
        Exit::Usage
    }

    fn usage_line(&self) -> String {
        format!(
            "usage: {} [check | check-all | explore | liveness [GOAL] | ltl FORMULA] [OPTIONS]  (--help for the options)",
            self.program
        )
    }

    /// The usage text `--help` prints.
    pub fn usage(&self) -> String {
        let names = |v: Vec<&str>| if v.is_empty() { "(none)".to_owned() } else { v.join(", ") };
        format!(
            "{}\n\n\
             modes: check (default) | check-all | explore | liveness [GOAL] | ltl FORMULA\n\
             options:\n  \
             --model NAME         which model (default: the first): {}\n  \
             --ltl FORMULA        LTL over the atoms: {}\n  \
             --liveness GOAL      every run eventually reaches GOAL; goals: {}\n  \
             --fair A,B           weakly fair actions (liveness, ltl); --fair-strong A,B: strongly fair\n  \
             --workers N          threads per breadth-first level (default 1)\n  \
             --max-states N       the cap on distinct states (default {})\n  \
             --memory-budget SIZE stop once the store outgrows SIZE bytes (512M, 2G, ...)\n  \
             --fingerprint        store 64-bit fingerprints instead of states\n  \
             --json               one JSON document (schema {})\n  \
             --dot                the explored state graph in Graphviz DOT\n  \
             --explore [ADDR]     serve a page over the result and the graph until Ctrl-C\n                       \
             (ADDR: HOST:PORT or a port; default 127.0.0.1 and a free port, printed)\n  \
             --emit-test PATH     write a #[test] that replays the counterexample\n  \
             --progress | --quiet the progress line on a terminal (default on) | no progress, no notes\n\
             exit codes: 0 verified, 1 violation, 2 bad usage or refused input, 3 incomplete (a limit stopped the search)",
            self.usage_line(),
            names(self.entries.iter().map(|e| e.name.as_str()).collect()),
            names(self.atoms.iter().map(|(n, _)| n.as_str()).collect()),
            names(self.goals.iter().map(String::as_str).collect()),
            crate::DEFAULT_MAX_STATES,
            json::SCHEMA,
        )
    }

    /// The model the options name.
    fn entry(&self, opts: &Options) -> Result<&Entry<'a, S>, String> {
        match &opts.model {
            None => self.entries.first().ok_or_else(|| "no model was registered with the harness".to_owned()),
            Some(name) => self.entries.iter().find(|e| &e.name == name).ok_or_else(|| {
                let known: Vec<&str> = self.entries.iter().map(|e| e.name.as_str()).collect();
                format!("no model named `{name}` (models: {})", known.join(", "))
            }),
        }
    }

    fn config(opts: &Options) -> Config<S> {
        let mut cfg = Config::new().workers(opts.workers).fingerprint(opts.fingerprint).progress(!opts.quiet);
        if let Some(n) = opts.max_states {
            cfg = cfg.max_states(n);
        }
        if let Some(b) = opts.memory_budget {
            cfg = cfg.memory_budget(b);
        }
        cfg
    }

    fn execute_parsed(
        &self,
        opts: &Options,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<Exit, String> {
        let entry = self.entry(opts)?;
        let cfg = Self::config(opts);
        let value_fn = |s: &S| self.value.as_ref().map(|v| v(s));
        let run = Runner { cli: self, entry, opts, cfg: &cfg, value: &value_fn };
        if opts.dot {
            return Ok(run.dot(out));
        }
        let done = run.mode()?;
        if let Some(addr) = opts.explore {
            // The test first: serving lasts until the process ends.
            self.emit_test(entry, opts, &done, err)?;
            let listener =
                TcpListener::bind(addr).map_err(|e| format!("--explore cannot listen on {addr}: {e}"))?;
            let server = run.explorer(done.report.clone(), &done.states).serve(listener);
            let _ = writeln!(out, "explorer: {}", server.url());
            let _ = writeln!(out, "{}", done.text);
            let _ = out.flush();
            if !opts.quiet {
                let _ = writeln!(err, "serving the explorer until Ctrl-C");
            }
            server.wait();
            return Ok(done.exit);
        }
        if opts.json {
            let _ = writeln!(out, "{}", done.report.to_json_pretty());
        } else {
            let _ = writeln!(out, "{}", done.text);
        }
        self.emit_test(entry, opts, &done, err)?;
        Ok(done.exit)
    }

    /// Write the test `--emit-test` asks for, if it does.
    fn emit_test(
        &self,
        entry: &Entry<'a, S>,
        opts: &Options,
        done: &Done<S>,
        err: &mut dyn Write,
    ) -> Result<(), String> {
        let Some(path) = &opts.emit_test else { return Ok(()) };
        if done.counterexamples.is_empty() {
            if !opts.quiet {
                let _ = writeln!(err, "note: no counterexample, so no test was written to {path}");
            }
        } else {
            let text = self.emit(entry, opts, &done.counterexamples)?;
            std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
            if !opts.quiet {
                let _ = writeln!(err, "wrote {path}");
            }
        }
        Ok(())
    }

    /// Run the analysis these arguments ask for (as [`execute`](Self::execute) would, flags
    /// alike) and keep what the explorer page shows: the report, its trace and the explored
    /// graph, ready to [`serve`](Explorer::serve). What `--explore` serves; an `--explore`
    /// among the arguments is ignored (the caller binds the listener).
    ///
    /// # Errors
    /// What [`execute`](Self::execute) would refuse, as its message: an unknown flag, model,
    /// atom or goal, a formula that does not parse, `--dot` or `--json`, `--help`.
    pub fn explorer<I, A>(&self, args: I) -> Result<Explorer, String>
    where
        I: IntoIterator<Item = A>,
        A: AsRef<str>,
    {
        let args: Vec<String> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let opts = Options::parse(&args)?.ok_or("--help asks for the usage, not an explorer")?;
        if opts.json || opts.dot {
            return Err("an explorer serves the report and the graph: drop --json and --dot".to_owned());
        }
        let entry = self.entry(&opts)?;
        let cfg = Self::config(&opts);
        let value_fn = |s: &S| self.value.as_ref().map(|v| v(s));
        let run = Runner { cli: self, entry, opts: &opts, cfg: &cfg, value: &value_fn };
        let done = run.mode()?;
        Ok(run.explorer(done.report, &done.states))
    }
}

impl<S: State + serde::Serialize> Cli<'_, S> {
    /// Show states in `--json` reports as JSON values too (the `value` of each trace step),
    /// through their `Serialize` implementation. Without this, states appear as their `Debug`
    /// text only, so a state type need not implement `Serialize`.
    pub fn serialize_states(mut self) -> Self {
        self.value = Some(Arc::new(|s: &S| serde_json::to_value(s).unwrap_or(Value::Null)));
        self
    }
}

/// A counterexample as an emitted test needs it.
struct Counterexample {
    kind: Option<Kind>,
    kind_name: Option<String>,
    invariant: Option<String>,
    actions: Vec<String>,
    loop_index: Option<usize>,
    last_state: String,
}

impl Counterexample {
    fn of<R: Outcome>(r: &R, kind: Option<Kind>) -> Option<Self>
    where
        R::State: std::fmt::Debug,
    {
        let run = r.counterexample_run()?;
        let steps: Vec<_> = run.stem.iter().chain(run.cycle).collect();
        let actions = steps
            .iter()
            .skip(1)
            .filter(|s| s.action != "<stutter>" && s.action != "<init>")
            .map(|s| s.action.clone())
            .collect();
        Some(Counterexample {
            kind,
            kind_name: r.kind_name().map(str::to_owned),
            invariant: r.broken_invariant().map(str::to_owned),
            actions,
            loop_index: (!run.cycle.is_empty()).then(|| run.stem.len() - 1),
            last_state: format!("{:?}", steps.last()?.state),
        })
    }
}

/// What one mode produced.
struct Done<S> {
    text: String,
    report: Report,
    exit: Exit,
    counterexamples: Vec<Counterexample>,
    /// The states of the report's trace, in order (what the explorer finds in the graph).
    states: Vec<S>,
}

struct Runner<'r, 'a, S> {
    cli: &'r Cli<'a, S>,
    entry: &'r Entry<'a, S>,
    opts: &'r Options,
    cfg: &'r Config<S>,
    value: &'r ValueFn<'r, S>,
}

impl<S: State> Runner<'_, '_, S> {
    /// The explorer of a run: its report, the states of its trace and the explored graph.
    fn explorer(&self, report: Report, states: &[S]) -> Explorer {
        let graph = self.entry.target.explore(self.cfg);
        Explorer::new(report, states, graph, self.cli.value.clone())
    }

    fn dot(&self, out: &mut dyn Write) -> Exit {
        let graph = self.entry.target.explore(self.cfg);
        let _ = write!(out, "{}", to_dot(&graph, &[], "musil"));
        if graph.fault().is_some() { Exit::Violation } else { Exit::of(true, graph.truncated()) }
    }

    fn report(&self, exit: Exit, seconds: f64) -> Report {
        Report {
            schema: json::SCHEMA,
            model: self.entry.name.clone(),
            mode: self.opts.mode.as_str().to_owned(),
            property: match &self.opts.mode {
                Mode::Ltl(f) => Some(f.clone()),
                Mode::Liveness(g) => g.clone().or_else(|| self.cli.goals.first().cloned()),
                _ => None,
            },
            verdict: exit.as_str().to_owned(),
            exit_code: exit.code(),
            ok: true,
            proved: exit == Exit::Verified,
            kind: None,
            invariant: None,
            reason: None,
            states_explored: 0,
            truncated: false,
            limit: None,
            trace: Vec::new(),
            loop_index: None,
            violations: None,
            stats: StatsJson { seconds, transitions: None, store_bytes: None, collision_probability: None },
            config: ConfigJson {
                max_states: self.cfg.get_max_states(),
                workers: self.cfg.get_workers(),
                memory_budget: self.cfg.get_memory_budget(),
                fingerprint: self.cfg.get_fingerprint(),
            },
            unverified_assumptions: None,
        }
    }

    /// The residual obligations of an open system, each marked broken or not.
    fn assumptions<R: Outcome<State = S>>(&self, result: R) -> (Option<Vec<AssumptionJson>>, Option<String>) {
        let Some(envs) = self.entry.target.environments() else {
            return (None, None);
        };
        let open = Open::new(result, envs, Vec::new());
        let broken = open.broken_assumptions();
        let list = open
            .unverified_assumptions
            .iter()
            .map(|a| AssumptionJson {
                name: a.name.clone(),
                description: a.description.clone(),
                status: a.status.as_str().to_owned(),
                source: (!a.source.is_empty()).then(|| a.source.clone()),
                broken: broken.iter().any(|b| b.name == a.name),
            })
            .collect();
        (Some(list), Some(open.to_string()))
    }

    /// Fill the verdict fields common to every outcome; the trace's states.
    fn fill<R: Outcome<State = S> + Clone>(&self, report: &mut Report, r: &R, text: &mut String) -> Vec<S> {
        report.ok = r.is_ok();
        report.truncated = r.is_truncated();
        report.kind = r.kind_name().map(str::to_owned);
        report.invariant = r.broken_invariant().map(str::to_owned);
        let run = r.counterexample_run();
        let states = run
            .map(|run| run.stem.iter().chain(run.cycle).map(|s| s.state.clone()).collect())
            .unwrap_or_default();
        let (trace, loop_index) = json::run_trace(run, self.value);
        report.trace = trace;
        report.loop_index = loop_index;
        let (assumptions, open_text) = self.assumptions(r.clone());
        report.unverified_assumptions = assumptions;
        *text = open_text.unwrap_or_else(|| r.to_string());
        states
    }

    fn mode(&self) -> Result<Done<S>, String> {
        let start = Instant::now();
        let target = &self.entry.target;
        match &self.opts.mode {
            Mode::Check => {
                let (r, stats) = target.check(self.cfg);
                let exit = Exit::of(r.ok, r.truncated);
                let mut report = self.report(exit, start.elapsed().as_secs_f64());
                let mut text = String::new();
                let states = self.fill(&mut report, &r, &mut text);
                report.reason = r.reason.clone();
                report.states_explored = r.states_explored;
                report.limit = json::limit_name(r.truncated, r.limit);
                report.stats.transitions = Some(stats.transitions);
                report.stats.store_bytes = Some(stats.store_bytes);
                report.stats.collision_probability = stats.collision_probability;
                if let Some(p) = stats.collision_probability {
                    text.push_str(&format!(
                        "\nfingerprint mode: {} states, chance that two shared a fingerprint at most {p:.2e}",
                        stats.states
                    ));
                }
                let counterexamples = Counterexample::of(&r, r.kind).into_iter().collect();
                Ok(Done { text, report, exit, counterexamples, states })
            }
            Mode::CheckAll => {
                let all = target.check_all(self.cfg);
                let exit = Exit::of(all.found.is_empty(), all.truncated);
                let mut report = self.report(exit, start.elapsed().as_secs_f64());
                let mut text = String::new();
                let first = all.found.first().cloned().unwrap_or_else(|| {
                    let mut pass = CheckResult::pass(all.states_explored, all.truncated);
                    pass.limit = all.limit.or(all.truncated.then_some(Limit::MaxStates));
                    pass
                });
                let states = self.fill(&mut report, &first, &mut text);
                report.truncated = all.truncated;
                report.reason = first.reason.clone();
                report.states_explored = all.states_explored;
                report.limit = json::limit_name(all.truncated, all.limit);
                report.violations = Some(
                    all.found
                        .iter()
                        .map(|r| {
                            let (trace, loop_index) = json::run_trace(r.counterexample_run(), self.value);
                            ViolationJson {
                                kind: r.kind_name().map(str::to_owned),
                                invariant: r.invariant.clone(),
                                reason: r.reason.clone(),
                                trace,
                                loop_index,
                            }
                        })
                        .collect(),
                );
                text = all.to_string();
                if let Some(list) = &report.unverified_assumptions {
                    residual_lines(&mut text, list);
                }
                let counterexamples =
                    all.found.iter().filter_map(|r| Counterexample::of(r, r.kind)).collect();
                Ok(Done { text, report, exit, counterexamples, states })
            }
            Mode::Explore => {
                let graph = target.explore(self.cfg);
                let fault = graph.fault();
                let exit = if fault.is_some() { Exit::Violation } else { Exit::of(true, graph.truncated()) };
                let mut report = self.report(exit, start.elapsed().as_secs_f64());
                report.ok = fault.is_none();
                report.truncated = graph.truncated() && fault.is_none();
                report.limit = json::limit_name(report.truncated, None);
                report.states_explored = graph.len();
                report.stats.transitions = Some(graph.edge_count() as u64);
                let mut text = format!("explored {} states, {} transitions", graph.len(), graph.edge_count());
                let mut states = Vec::new();
                if let Some(f) = fault {
                    states = f.trace.iter().map(|s| s.state.clone()).collect();
                    report.kind = Some("panic".to_owned());
                    report.invariant = f.fault.name.clone();
                    report.reason = Some(f.fault.message.clone());
                    report.trace = json::steps(&f.trace, self.value);
                    let _ = write!(text, "\nPANIC: {}\n{}", f.fault, crate::format_trace(&f.trace, None));
                } else if graph.truncated() {
                    text.push_str(" (TRUNCATED at cap: the graph is incomplete)");
                }
                if let Some(envs) = target.environments() {
                    let list: Vec<AssumptionJson> = open::residual_assumptions(envs)
                        .iter()
                        .map(|a| AssumptionJson {
                            name: a.name.clone(),
                            description: a.description.clone(),
                            status: a.status.as_str().to_owned(),
                            source: (!a.source.is_empty()).then(|| a.source.clone()),
                            broken: false,
                        })
                        .collect();
                    residual_lines(&mut text, &list);
                    report.unverified_assumptions = Some(list);
                }
                Ok(Done { text, report, exit, counterexamples: Vec::new(), states })
            }
            Mode::Liveness(goal) => {
                let goal = match goal {
                    Some(g) => g.clone(),
                    None => self.cli.goals.first().cloned().ok_or(
                        "liveness needs a goal: name one (`liveness GOAL`) or register one with Cli::goal",
                    )?,
                };
                let pred = self.predicate(&goal)?;
                let mut spec = Liveness::eventually(move |s: &S| pred(s)).goal_name(goal);
                if let Some(names) = &self.opts.fair {
                    spec = spec.fair(names.clone());
                }
                if let Some(names) = &self.opts.fair_strong {
                    spec = spec.fair_strong(names.clone());
                }
                let r = target.liveness(self.cfg, &spec).map_err(|e| e.to_string())?;
                let exit = Exit::of(r.ok, r.truncated);
                let mut report = self.report(exit, start.elapsed().as_secs_f64());
                let mut text = String::new();
                let states = self.fill(&mut report, &r, &mut text);
                report.invariant = (!r.ok).then(|| r.goal.clone());
                report.reason = r.fault.as_ref().map(|f| f.to_string());
                report.states_explored = r.states_explored;
                report.limit = json::limit_name(r.truncated, None);
                let counterexamples = Counterexample::of(&r, None).into_iter().collect();
                Ok(Done { text, report, exit, counterexamples, states })
            }
            Mode::Ltl(formula) => {
                let mut atoms = Atoms::new();
                for (name, p) in &self.cli.atoms {
                    let p = p.clone();
                    atoms = atoms.atom(name.clone(), move |s: &S| p(s));
                }
                let f = atoms.parse(formula).map_err(|e| format!("the formula {formula:?}: {e}"))?;
                let mut options = LtlOptions::new().name(formula.clone());
                if let Some(names) = &self.opts.fair {
                    options = options.fair(names.clone());
                }
                if let Some(names) = &self.opts.fair_strong {
                    options = options.fair_strong(names.clone());
                }
                let r = target.ltl(self.cfg, &f, &options).map_err(|e| e.to_string())?;
                let exit = Exit::of(r.ok(), r.is_truncated());
                let mut report = self.report(exit, start.elapsed().as_secs_f64());
                let mut text = String::new();
                let states = self.fill(&mut report, &r, &mut text);
                report.states_explored = r.states_explored();
                match &r {
                    LtlResult::Safety(c) => {
                        report.reason = c.reason.clone();
                        report.limit = json::limit_name(c.truncated, c.limit);
                    }
                    LtlResult::Liveness(l) => {
                        report.invariant = (!l.ok).then(|| formula.clone());
                        report.limit = json::limit_name(l.truncated, None);
                    }
                }
                let counterexamples = Counterexample::of(&r, None).into_iter().collect();
                Ok(Done { text, report, exit, counterexamples, states })
            }
        }
    }

    fn predicate(&self, name: &str) -> Result<Predicate<S>, String> {
        self.cli.atoms.iter().find(|(n, _)| n == name).map(|(_, p)| p.clone()).ok_or_else(|| {
            let known: Vec<&str> = self.cli.atoms.iter().map(|(n, _)| n.as_str()).collect();
            format!("no goal or atom named `{name}` (known: {})", known.join(", "))
        })
    }
}

fn residual_lines(text: &mut String, list: &[AssumptionJson]) {
    if list.is_empty() {
        return;
    }
    text.push_str("\nUnverified assumptions (residual proof obligations):");
    for a in list {
        let _ = write!(text, "\n  [{}] {}: {}", a.status, a.name, a.description);
        if let Some(source) = &a.source {
            let _ = write!(text, "  [{source}]");
        }
    }
}

/// What the analysis is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Mode {
    Check,
    CheckAll,
    Explore,
    Liveness(Option<String>),
    Ltl(String),
}

impl Mode {
    fn as_str(&self) -> &'static str {
        match self {
            Mode::Check => "check",
            Mode::CheckAll => "check-all",
            Mode::Explore => "explore",
            Mode::Liveness(_) => "liveness",
            Mode::Ltl(_) => "ltl",
        }
    }
}

/// The parsed command line.
#[derive(Clone, Debug)]
struct Options {
    mode: Mode,
    model: Option<String>,
    workers: usize,
    max_states: Option<usize>,
    memory_budget: Option<usize>,
    fingerprint: bool,
    json: bool,
    dot: bool,
    explore: Option<SocketAddr>,
    quiet: bool,
    emit_test: Option<String>,
    fair: Option<Vec<String>>,
    fair_strong: Option<Vec<String>>,
}

impl Options {
    /// The options, `None` for `--help`, or why the arguments are refused.
    fn parse(args: &[String]) -> Result<Option<Options>, String> {
        let mut o = Options {
            mode: Mode::Check,
            model: None,
            workers: 1,
            max_states: None,
            memory_budget: None,
            fingerprint: false,
            json: false,
            dot: false,
            explore: None,
            quiet: false,
            emit_test: None,
            fair: None,
            fair_strong: None,
        };
        let mut mode: Option<Mode> = None;
        let mut set_mode = |m: Mode| -> Result<(), String> {
            match &mode {
                Some(prev) if *prev != m => {
                    Err(format!("two modes given: `{}` and `{}`", prev.as_str(), m.as_str()))
                }
                _ => {
                    mode = Some(m);
                    Ok(())
                }
            }
        };
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
                _ => (arg, None),
            };
            let mut value = |what: &str| -> Result<String, String> {
                if let Some(v) = &inline {
                    return Ok(v.clone());
                }
                i += 1;
                args.get(i).cloned().ok_or_else(|| format!("{flag} needs {what}"))
            };
            match flag {
                "-h" | "--help" => return Ok(None),
                "--model" => o.model = Some(value("a model name")?),
                "--ltl" => set_mode(Mode::Ltl(value("a formula")?))?,
                "--liveness" => set_mode(Mode::Liveness(Some(value("a goal name")?)))?,
                "--fair" => o.fair = Some(names(&value("action names (A,B)")?)),
                "--fair-strong" => o.fair_strong = Some(names(&value("action names (A,B)")?)),
                "--workers" => o.workers = count(flag, &value("a number")?, 1)?,
                "--max-states" => o.max_states = Some(count(flag, &value("a number")?, 1)?),
                "--memory-budget" => o.memory_budget = Some(parse_size(&value("a size (512M, 2G)")?)?),
                "--fingerprint" => o.fingerprint = true,
                "--json" => o.json = true,
                "--dot" => o.dot = true,
                "--explore" => {
                    // The address is optional: taken when it is given inline or the next
                    // argument reads as one (a mode name or a flag never does).
                    let next = args.get(i + 1).filter(|a| looks_like_address(a));
                    let text = match (&inline, next) {
                        (Some(v), _) => v.clone(),
                        (None, Some(a)) => {
                            i += 1;
                            a.clone()
                        }
                        (None, None) => DEFAULT_EXPLORE.to_owned(),
                    };
                    o.explore = Some(parse_address(&text)?);
                }
                "--progress" => o.quiet = false,
                "--quiet" => o.quiet = true,
                "--emit-test" => o.emit_test = Some(value("a file path")?),
                "check" => set_mode(Mode::Check)?,
                "check-all" => set_mode(Mode::CheckAll)?,
                "explore" => set_mode(Mode::Explore)?,
                "liveness" => {
                    let goal = args.get(i + 1).filter(|a| !a.starts_with('-')).cloned();
                    if goal.is_some() {
                        i += 1;
                    }
                    set_mode(Mode::Liveness(goal))?;
                }
                "ltl" => {
                    let formula =
                        args.get(i + 1).cloned().ok_or("ltl needs a formula: ltl \"G (req -> F ack)\"")?;
                    i += 1;
                    set_mode(Mode::Ltl(formula))?;
                }
                _ if arg.starts_with('-') => return Err(format!("unknown option `{arg}`")),
                _ => return Err(format!("unknown mode `{arg}`")),
            }
            i += 1;
        }
        o.mode = mode.unwrap_or(Mode::Check);
        if o.json && o.dot {
            return Err("--json and --dot print different documents: choose one".to_owned());
        }
        if o.explore.is_some() && (o.json || o.dot) {
            return Err(
                "--explore serves the report and the graph as a page: drop --json and --dot".to_owned()
            );
        }
        if o.dot && o.emit_test.is_some() {
            return Err("--dot prints the graph and finds no counterexample: drop --emit-test".to_owned());
        }
        if o.dot && !matches!(o.mode, Mode::Check | Mode::Explore) {
            return Err(format!("--dot prints the explored graph; it does not run `{}`", o.mode.as_str()));
        }
        Ok(Some(o))
    }
}

/// Where `--explore` listens when given no address: the loopback interface, a port the
/// system chooses (the address is printed).
const DEFAULT_EXPLORE: &str = "127.0.0.1:0";

/// Whether an argument after `--explore` is its address rather than a mode or a flag.
fn looks_like_address(arg: &str) -> bool {
    !arg.starts_with('-') && (arg.contains(':') || arg.contains('.') || arg.parse::<u16>().is_ok())
}

/// `--explore`'s address: `HOST:PORT`, a bare IP address (port chosen by the system) or a
/// bare port (on 127.0.0.1).
fn parse_address(text: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = text.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, 0));
    }
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), port));
    }
    if let Some(port) = text.strip_prefix("localhost:").and_then(|p| p.parse::<u16>().ok()) {
        return Ok(SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), port));
    }
    Err(format!(
        "--explore takes an address to listen on: 127.0.0.1:8080, a bare port (8080) or an IP address, not `{text}`"
    ))
}

fn names(list: &str) -> Vec<String> {
    list.split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect()
}

fn count(flag: &str, text: &str, min: usize) -> Result<usize, String> {
    match text.replace('_', "").parse::<usize>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(format!("{flag} takes a whole number of at least {min}, not `{text}`")),
    }
}

/// A size in bytes: a number with an optional `K`, `M`, `G` or `T` (powers of 1024; `B`,
/// `iB` and lower case accepted): `512M`, `2G`, `1.5G`, `4096`.
///
/// ```
/// use musil::cli::parse_size;
/// assert_eq!(parse_size("512M"), Ok(512 << 20));
/// assert_eq!(parse_size("2G"), Ok(2 << 30));
/// assert_eq!(parse_size("1.5k"), Ok(1536));
/// assert!(parse_size("lots").is_err());
/// ```
///
/// # Errors
/// The text, when it is not such a size (what is accepted is said).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let body = lower.strip_suffix("ib").or_else(|| lower.strip_suffix('b')).unwrap_or(&lower);
    let (number, scale) = match body.chars().last() {
        Some('k') => (&body[..body.len() - 1], 1u64 << 10),
        Some('m') => (&body[..body.len() - 1], 1 << 20),
        Some('g') => (&body[..body.len() - 1], 1 << 30),
        Some('t') => (&body[..body.len() - 1], 1 << 40),
        _ => (body, 1),
    };
    let bad = || {
        format!("--memory-budget takes a size such as 512M or 2G (K, M, G, T: powers of 1024), not `{text}`")
    };
    let n: f64 = number.trim().parse().map_err(|_| bad())?;
    if !n.is_finite() || n <= 0.0 {
        return Err(bad());
    }
    let bytes = n * scale as f64;
    if bytes >= usize::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes as usize)
}

impl<S: State> Cli<'_, S> {
    /// The text of an emitted test file.
    fn emit(&self, entry: &Entry<'_, S>, opts: &Options, found: &[Counterexample]) -> Result<String, String> {
        let rebuild = entry.rebuild.as_deref().ok_or_else(|| {
            format!(
                "--emit-test needs to know how a test rebuilds the model `{}`: register it with Cli::rebuilt_by(\"path::to::build_model\")",
                entry.name
            )
        })?;
        let build = match entry.target.environments() {
            None => format!("    let model = {rebuild}();\n"),
            Some(_) => {
                let envs = entry.environments.as_deref().ok_or_else(|| {
                    format!(
                        "--emit-test needs to know how a test rebuilds the environments of `{}`: register them with Cli::environments_rebuilt_by(\"path::to::environments\")",
                        entry.name
                    )
                })?;
                format!(
                    "    let system = {rebuild}();\n    let environments = {envs}();\n    \
                     let model = musil::open::compose(&system, &environments);\n"
                )
            }
        };
        let mut text = String::new();
        let _ = writeln!(
            text,
            "//! Emitted by `{} {} --emit-test`: the counterexample found in the model\n\
             //! `{}`, replayed by action names so that it stays pinned as the model changes.",
            self.program,
            opts.mode.as_str(),
            entry.name
        );
        text.push('\n');
        if !self.test_header.is_empty() {
            text.push_str(self.test_header.trim_end());
            text.push_str("\n\n");
        }
        let base = ident(&entry.name);
        for (k, c) in found.iter().enumerate() {
            if k > 0 {
                text.push('\n');
            }
            let suffix = if found.len() > 1 { format!("_{}", k + 1) } else { String::new() };
            test_fn(&mut text, &format!("{base}_counterexample{suffix}_replays"), &build, c);
        }
        Ok(text)
    }
}

/// A Rust identifier from a model name.
fn ident(name: &str) -> String {
    let mut s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "model_");
    }
    s
}

/// One emitted `#[test]`.
fn test_fn(text: &mut String, name: &str, build: &str, c: &Counterexample) {
    let panics = c.kind == Some(Kind::Panic);
    // Skipped by rustfmt: the emitted text is the same under every formatting configuration.
    text.push_str("#[test]\n#[rustfmt::skip]\n");
    if panics {
        text.push_str("#[should_panic]\n");
    }
    let _ = writeln!(text, "fn {name}() {{");
    text.push_str(build);
    text.push_str("    let actions: &[&str] = &[\n");
    for a in &c.actions {
        let _ = writeln!(text, "        {a:?},");
    }
    text.push_str("    ];\n");
    let kind = c.kind.map(|k| match k {
        Kind::Invariant => "Invariant",
        Kind::EdgeInvariant => "EdgeInvariant",
        Kind::Deadlock => "Deadlock",
        Kind::Ltl => "Ltl",
        Kind::Panic => "Panic",
    });
    match kind {
        Some("Invariant" | "EdgeInvariant" | "Deadlock" | "Panic") => {
            if panics {
                text.push_str(
                    "    // The model's code panics at the last step (guard, effect or invariant).\n",
                );
            }
            text.push_str(
                "    let run = musil::testing::replay_check(&model, actions).unwrap_or_else(|e| panic!(\"{e}\"));\n",
            );
            if !panics {
                let mut args = format!("kind = musil::Kind::{}", kind.unwrap_or_default());
                if let Some(inv) = &c.invariant {
                    let _ = writeln!(text, "    let invariant = {inv:?};");
                    args.push_str(", invariant = invariant");
                }
                let _ = writeln!(text, "    musil::assert_violates!(run, {args});");
                text.push_str(
                    "    assert_eq!(run.trace.len(), actions.len() + 1, \"the violation is at the last step\");\n",
                );
                let _ = writeln!(text, "    let last = {:?};", c.last_state);
                text.push_str("    assert_eq!(format!(\"{:?}\", run.trace[actions.len()].state), last);\n");
            }
        }
        _ => {
            // Liveness and LTL: the property is a closure registered with the harness, so the
            // test pins the run itself: it replays, it ends where it ended, and a lasso loops.
            let _ = writeln!(
                text,
                "    // A {} counterexample: the run replays and ends in the state it was found in.",
                c.kind_name.as_deref().unwrap_or("temporal")
            );
            text.push_str(
                "    let trace = musil::testing::replay_trace(&model, actions).unwrap_or_else(|e| panic!(\"{e}\"));\n",
            );
            let _ = writeln!(text, "    let last = &trace[trace.len() - 1].state;");
            let _ = writeln!(text, "    let expected = {:?};", c.last_state);
            text.push_str("    assert_eq!(format!(\"{last:?}\"), expected);\n");
            if let Some(i) = c.loop_index {
                let _ = writeln!(
                    text,
                    "    assert_eq!(&trace[{i}].state, last, \"the cycle returns to step {i}\");"
                );
            }
        }
    }
    text.push_str("}\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>, String> {
        Options::parse(&args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_and_modes() {
        let o = parse(&["--workers=4", "--memory-budget", "2G", "ltl", "G p", "--fair", "a, b"])
            .unwrap()
            .unwrap();
        assert_eq!(o.workers, 4);
        assert_eq!(o.memory_budget, Some(2 << 30));
        assert_eq!(o.mode, Mode::Ltl("G p".to_owned()));
        assert_eq!(o.fair, Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(parse(&["liveness", "--quiet"]).unwrap().unwrap().mode, Mode::Liveness(None));
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["check-all", "explore"]).unwrap_err().contains("two modes"));
        assert!(parse(&["--max-states", "0"]).unwrap_err().contains("at least 1"));
        assert!(parse(&["--json", "--dot"]).is_err());
        assert!(parse(&["--frobnicate"]).unwrap_err().contains("unknown option"));
        assert!(parse(&["--emit-test"]).unwrap_err().contains("needs a file path"));
    }

    #[test]
    fn explore_takes_an_optional_address() {
        let addr = |args: &[&str]| parse(args).unwrap().unwrap().explore.map(|a| a.to_string());
        assert_eq!(addr(&["--explore"]).as_deref(), Some("127.0.0.1:0"));
        assert_eq!(addr(&["--explore", "explore"]).as_deref(), Some("127.0.0.1:0"));
        assert_eq!(parse(&["--explore", "explore"]).unwrap().unwrap().mode, Mode::Explore);
        assert_eq!(addr(&["--explore", "8080"]).as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(addr(&["--explore=0.0.0.0:9000"]).as_deref(), Some("0.0.0.0:9000"));
        assert_eq!(addr(&["--explore", "localhost:7000", "--quiet"]).as_deref(), Some("127.0.0.1:7000"));
        assert_eq!(addr(&["--explore", "::1"]).as_deref(), Some("[::1]:0"));
        assert!(parse(&["--explore=here"]).unwrap_err().contains("--explore takes an address"));
        assert!(parse(&["--explore", "--dot"]).unwrap_err().contains("drop --json and --dot"));
    }

    #[test]
    fn identifiers() {
        assert_eq!(ident("open_system-composed"), "open_system_composed");
        assert_eq!(ident("2pc"), "model_2pc");
    }
}
