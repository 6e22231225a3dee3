//! The command-line harness (`musil::cli`) and the `musil` command: exit codes, the JSON
//! report, DOT, emitted tests, and the doctor and citations gates.
//!
//! The main example's harness runs in-process (its file is included as a module), so these
//! tests need no example binary. The test it emits is pinned byte for byte against
//! `tests/emitted_open_system_composed.rs`, which is itself compiled and run by `cargo test`:
//! that proves the emitted text compiles and passes, without a nested cargo build.

use musil::cli::{Cli, Exit};
use musil::testing::{replay_check, replay_trace};
use musil::{ErrorKind, Kind, Model, assert_violates};
use serde_json::Value;

#[allow(dead_code)]
#[path = "../examples/open_system_composed.rs"]
mod composed;

/// Run the example's harness in-process: (exit, stdout, stderr).
fn composed(args: &[&str]) -> (Exit, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = composed::harness().execute(args, &mut out, &mut err);
    (exit, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

fn json(args: &[&str]) -> (Exit, Value) {
    let (exit, out, err) = composed(args);
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (exit, doc)
}

const RESIDUALS: [&str; 9] = [
    "k8s:node-capacity",
    "k8s:scheduler-liveness",
    "k8s:eviction-rate-bounded",
    "aws:s3-eventual-delivery",
    "aws:region-availability",
    "aws:throttle-transient",
    "etcd:quorum-maintained",
    "etcd:bounded-leader-election",
    "etcd:compaction-bounded",
];

#[test]
fn json_reports_the_violation_its_trace_and_the_residual_obligations() {
    let (exit, doc) = json(&["--json"]);
    assert_eq!(exit, Exit::Violation);
    assert_eq!(exit.code(), 1);
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["model"], "service");
    assert_eq!(doc["mode"], "check");
    assert_eq!(doc["verdict"], "violation");
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["proved"], false);
    assert_eq!(doc["kind"], "invariant");
    assert_eq!(doc["invariant"], "not-permanently-failed");
    assert_eq!(doc["reason"], Value::Null);
    assert_eq!(doc["states_explored"], 89);
    assert_eq!(doc["truncated"], false);
    assert_eq!(doc["limit"], Value::Null);
    assert_eq!(doc["loop_index"], Value::Null);
    assert_eq!(doc["violations"], Value::Null);
    let trace = doc["trace"].as_array().unwrap();
    assert_eq!(trace.len(), 12);
    assert_eq!(trace[0]["action"], "<init>");
    for (i, step) in trace.iter().enumerate().skip(1) {
        assert_eq!(step["action"], if i % 2 == 1 { "k8s:evict-pod" } else { "recover" });
    }
    assert_eq!(
        trace[11]["state"],
        "ServiceState { status: Evicted, s3_writes_pending: 0, etcd_reads_pending: 0, retries: 5 }"
    );
    // The example opts in to serialised states: each step carries its state as JSON too.
    assert_eq!(trace[11]["value"]["status"], "Evicted");
    assert_eq!(trace[11]["value"]["retries"], 5);
    assert!(doc["stats"]["transitions"].as_u64().unwrap() > 0);
    assert!(doc["stats"]["seconds"].as_f64().is_some());
    assert_eq!(doc["config"]["max_states"], 1_000_000);
    assert_eq!(doc["config"]["workers"], 1);
    let assumptions = doc["unverified_assumptions"].as_array().unwrap();
    let names: Vec<&str> = assumptions.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, RESIDUALS);
    assert!(assumptions.iter().all(|a| a["status"] == "unverified" && a["source"].is_string()));
    assert!(assumptions[0]["description"].as_str().unwrap().starts_with("At least one schedulable node"));
    let broken: Vec<&str> =
        assumptions.iter().filter(|a| a["broken"] == true).map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(broken, ["k8s:eviction-rate-bounded"]);
}

#[test]
fn a_cap_or_a_memory_budget_is_incomplete_never_green() {
    let (exit, out, _) = composed(&["--max-states", "10"]);
    assert_eq!(exit, Exit::Incomplete);
    assert_eq!(exit.code(), 3);
    assert!(out.starts_with("OK — 10 states, no violations (TRUNCATED at cap)"), "{out}");
    let (exit, doc) = json(&["--max-states=10", "--json"]);
    assert_eq!(exit, Exit::Incomplete);
    assert_eq!((doc["ok"].clone(), doc["proved"].clone()), (Value::Bool(true), Value::Bool(false)));
    assert_eq!(doc["truncated"], true);
    assert_eq!(doc["limit"], "max-states");
    assert_eq!(doc["verdict"], "incomplete");
    assert_eq!(doc["exit_code"], 3);
    let (exit, doc) = json(&["--memory-budget", "1K", "--json", "--quiet"]);
    assert_eq!(exit, Exit::Incomplete);
    assert_eq!(doc["limit"], "memory-budget");
    assert_eq!(doc["config"]["memory_budget"], 1024);
}

#[test]
fn the_same_verdict_with_workers_and_fingerprints() {
    let (exit, doc) = json(&["--json", "--workers", "2", "--fingerprint"]);
    assert_eq!(exit, Exit::Violation);
    assert_eq!(doc["states_explored"], 89);
    assert_eq!(doc["trace"].as_array().unwrap().len(), 12);
    assert_eq!(doc["config"]["fingerprint"], true);
    assert!(doc["stats"]["collision_probability"].as_f64().is_some());
}

#[test]
fn dot_prints_the_open_models_graph() {
    let (exit, out, _) = composed(&["--dot"]);
    assert_eq!(exit, Exit::Verified);
    assert!(out.starts_with("digraph musil {\n  rankdir=LR;\n"));
    assert!(out.ends_with("}\n"));
    let nodes =
        out.lines().filter(|l| l.starts_with("  n") && l.contains(" [label=") && !l.contains("->")).count();
    assert_eq!(nodes, 96);
    assert!(out.contains("[label=\"k8s:evict-pod\"]"));
    let (exit, _, _) = composed(&["explore", "--dot", "--max-states", "5"]);
    assert_eq!(exit, Exit::Incomplete);
}

#[test]
fn modes_check_all_explore_liveness_and_ltl() {
    let (exit, doc) = json(&["check-all", "--json"]);
    assert_eq!(exit, Exit::Violation);
    let violations = doc["violations"].as_array().unwrap();
    assert_eq!(violations[0]["invariant"], "not-permanently-failed");
    assert_eq!(doc["invariant"], violations[0]["invariant"]);

    let (exit, out, _) = composed(&["explore"]);
    assert_eq!(exit, Exit::Verified);
    assert!(out.starts_with("explored 96 states, "), "{out}");

    // Every run starts running: the default goal holds at once.
    let (exit, doc) = json(&["liveness", "--json"]);
    assert_eq!(exit, Exit::Verified, "{doc}");
    assert_eq!(doc["property"], "running");

    // `F G running` goes to the general engine: a lasso (the run stuck evicted forever).
    let (exit, doc) = json(&["--ltl", "F G running", "--json"]);
    assert_eq!(exit, Exit::Violation);
    assert_eq!(doc["mode"], "ltl");
    assert_eq!(doc["property"], "F G running");
    let trace = doc["trace"].as_array().unwrap();
    let loop_index = doc["loop_index"].as_u64().expect("a lasso") as usize;
    assert_eq!(trace[loop_index]["state"], trace[trace.len() - 1]["state"]);

    let (exit, _, _) = composed(&["ltl", "G retries_left"]);
    assert_eq!(exit, Exit::Violation);
    let (exit, _, _) = composed(&["ltl", "G (evicted -> F running)", "--fair", "recover"]);
    assert_eq!(exit, Exit::Violation); // at five retries an eviction is final
}

#[test]
fn refused_input_exits_2_and_says_why() {
    for (args, says) in [
        (&["--frobnicate"][..], "unknown option `--frobnicate`"),
        (&["--workers", "many"][..], "--workers takes a whole number"),
        (&["--memory-budget", "lots"][..], "--memory-budget takes a size"),
        (&["--ltl", "G bogus"][..], "unknown atom 'bogus'"),
        (&["--ltl", "G (running"][..], "the formula"),
        (&["--model", "ghost"][..], "no model named `ghost` (models: service)"),
        (&["liveness", "nowhere"][..], "no goal or atom named `nowhere`"),
        (&["liveness", "--fair", "teleport"][..], "teleport"),
        (&["check", "explore"][..], "two modes"),
        (&["--json", "--dot"][..], "choose one"),
        (&["--emit-test", "/nonexistent-dir/x.rs"][..], "cannot write /nonexistent-dir/x.rs"),
    ] {
        let (exit, out, err) = composed(args);
        assert_eq!(exit, Exit::Usage, "{args:?}");
        assert_eq!(exit.code(), 2);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.contains("usage: open_system_composed"), "{err}");
        assert!(!args.contains(&"--emit-test") || !out.is_empty());
    }
    let (exit, out, _) = composed(&["--help"]);
    assert_eq!(exit.code(), 0);
    assert!(out.contains("exit codes: 0 verified, 1 violation, 2 bad usage or refused input, 3 incomplete"));
}

#[test]
fn emit_test_writes_the_pinned_replay() {
    let path = std::env::temp_dir().join(format!("musil-emitted-{}.rs", std::process::id()));
    let (exit, _, err) = composed(&["--emit-test", path.to_str().unwrap()]);
    assert_eq!(exit, Exit::Violation);
    assert!(err.contains("wrote "), "{err}");
    let emitted = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    // The pinned copy is compiled and run as its own test target: the emitted text compiles
    // and passes. Regenerate it with
    // `cargo run --example open_system_composed -- --emit-test tests/emitted_open_system_composed.rs`.
    let pinned = include_str!("emitted_open_system_composed.rs");
    assert_eq!(emitted, pinned);
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Jar {
    cookies: u8,
    open: bool,
}

fn jar() -> Model<Jar> {
    Model::new(Jar { cookies: 2, open: false })
        .action("open", |j| !j.open, |j| Jar { open: true, ..j.clone() })
        .action("eat", |j| j.open && j.cookies > 0, |j| Jar { cookies: j.cookies - 1, ..j.clone() })
        .action("close", |j| j.open, |j| Jar { open: false, ..j.clone() })
        .invariant("open-when-empty", |j| j.cookies > 0 || j.open)
}

#[test]
fn a_small_closed_model_through_the_harness() {
    let cli = Cli::new("jar")
        .model("jar", jar())
        .rebuilt_by("crate::jar")
        .goal("empty", |j: &Jar| j.cookies == 0)
        .atom("open", |j: &Jar| j.open);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let path = std::env::temp_dir().join(format!("musil-jar-{}.rs", std::process::id()));
    let exit = cli.execute(["--emit-test", path.to_str().unwrap(), "--quiet"], &mut out, &mut err);
    assert_eq!(exit, Exit::Violation);
    assert!(err.is_empty(), "--quiet: no notes");
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(text.contains("    let model = crate::jar();\n"), "{text}");
    assert!(text.contains("    let actions: &[&str] = &[\n        \"open\",\n        \"eat\",\n        \"eat\",\n        \"close\",\n    ];"));
    assert!(
        text.contains("musil::assert_violates!(run, kind = musil::Kind::Invariant, invariant = invariant);")
    );
    // The replay the emitted test performs.
    let run = replay_check(&jar(), &["open", "eat", "eat", "close"]).unwrap();
    assert_violates!(run, kind = Kind::Invariant, invariant = "open-when-empty");
    assert_eq!(run.trace.len(), 5);

    // Liveness without fairness: the jar may be opened and closed forever.
    let exit = cli.execute(["liveness", "--fair", ""], &mut out, &mut err);
    assert_eq!(exit, Exit::Violation);
    // A model with no rebuild path cannot emit a test.
    let bare = Cli::new("jar").model("jar", jar());
    let mut err = Vec::new();
    let exit = bare.execute(["--emit-test", "x.rs"], &mut Vec::new(), &mut err);
    assert_eq!(exit, Exit::Usage);
    assert!(String::from_utf8(err).unwrap().contains("Cli::rebuilt_by"));
}

#[test]
fn replay_names_the_step_that_does_not_replay() {
    let e = replay_trace(&jar(), &["open", "open"]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Replay);
    assert_eq!(e.message(), "replay: step 2: action `open` is not enabled (enabled: eat, close)");
    let e = replay_trace(&Twice, &["go"]).unwrap_err();
    assert_eq!(e.message(), "replay: step 1: action `go` is ambiguous: it leads to 2 different states");
    let trace = replay_trace(&jar(), &["open", "eat"]).unwrap();
    assert_eq!(trace[0].action, "<init>");
    assert_eq!(trace[2].state, Jar { cookies: 1, open: true });
    let fine = replay_check(&jar(), &["open", "eat"]).unwrap();
    assert!(fine.ok);
}

/// One action name for two different successors: a replay by name cannot tell them apart.
struct Twice;

impl musil::TransitionSystem for Twice {
    type State = u8;
    fn initial_states(&self) -> Vec<u8> {
        vec![0]
    }
    fn successors<F>(&self, s: &u8, mut emit: F) -> std::ops::ControlFlow<()>
    where
        F: FnMut(musil::ActionId, u8) -> std::ops::ControlFlow<()>,
    {
        if *s == 0 {
            emit(musil::ActionId::new(0), 1)?;
            emit(musil::ActionId::new(0), 2)?;
        }
        std::ops::ControlFlow::Continue(())
    }
    fn action_name(&self, _: musil::ActionId) -> &str {
        "go"
    }
}

// ---- the `musil` command ----

fn musil(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_musil")).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("musil-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn doctor_lists_hints_and_always_exits_0() {
    let dir = scratch("doctor");
    std::fs::write(
        dir.join("sample.rs"),
        "fn t() {\n    let r = check(&m);\n    assert!(r.ok, \"{r}\");\n    assert!(!r.ok);\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("clean.rs"), "fn ok() {}\n").unwrap();
    let (code, out, err) = musil(&["doctor", dir.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("sample.rs:3:4: assert-ok: "), "{out}");
    assert!(out.contains("sample.rs:4:4: assert-violates: "), "{out}");
    assert_eq!(err, "2 suggestion(s) across 2 file(s)\n");
    let (code, out, err) = musil(&["doctor", dir.join("clean.rs").to_str().unwrap()]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", "0 suggestion(s) across 1 file(s)\n"));
    let (code, _, err) = musil(&["doctor", "/no/such/path"]);
    assert_eq!((code, err.as_str()), (0, "0 suggestion(s) across 0 file(s)\n"));
    let (code, _, err) = musil(&["doctor"]);
    assert_eq!((code, err.as_str()), (2, "usage: musil doctor <path>\n"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn citations_gate_exits_1_on_a_dangling_model() {
    let dir = scratch("citations");
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("tests/test_real_musil.rs"), "// the model\n").unwrap();
    let prod = dir.join("src/prod.rs");
    std::fs::write(&prod, "// see test_real_musil\n// and test_ghost_musil\n").unwrap();
    let (code, out, err) = musil(&["citations", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!("{}:2: dangling model citation: test_ghost_musil (no such model file)\n", prod.display())
    );
    assert_eq!(err, "1 dangling citation(s) across 2 file(s)\n");
    std::fs::write(&prod, "// see test_real_musil\n").unwrap();
    let (code, out, _) = musil(&["citations", dir.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, ""));
    // Known models come from the given roots only: the source directory alone has none.
    let (code, out, _) = musil(&["citations", dir.join("src").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("test_real_musil"));
    // Another shape of name.
    std::fs::write(&prod, "// model_ghost\n").unwrap();
    let (code, out, _) = musil(&["citations", dir.to_str().unwrap(), "--pattern", "\\bmodel_\\w+\\b"]);
    assert_eq!(code, 1);
    assert!(out.contains("dangling model citation: model_ghost"));
    let (code, _, err) = musil(&["citations", "--pattern"]);
    assert_eq!((code, err.as_str()), (0, "0 dangling citation(s) across 0 file(s)\n"));
    let (code, _, _) = musil(&["citations", ".", "--pattern", "(a|b)"]);
    assert_eq!(code, 2);
    let (code, _, err) = musil(&["citations"]);
    assert_eq!((code, err.as_str()), (2, "usage: musil citations <path>... [--pattern P]\n"));
    let (code, _, err) = musil(&[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("usage: musil doctor <path>  |  musil citations <path>... [--pattern P]"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[should_panic(expected = "is not an atom name")]
fn atom_names_are_checked_when_the_harness_is_built() {
    let _ = Cli::<u8>::new("x").atom("retries-left", |_| true);
}
