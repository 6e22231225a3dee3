//! Open-system checking: the facts the original's tests pin and the ones observed by running
//! it (spec open_systems §2–§4), the composition rules, and every shipped environment's
//! behaviours and assumption table.

use std::time::Instant;

use musil::open::environments::{aws, distributed, etcd, k8s, linux, sel4, storage};
use musil::open::{
    Assumption, Breach, EnvironmentSpec, OpenResult, Status, check_open, compose, residual_assumptions,
};
use musil::{Kind, Model, assert_ok, assert_violates, check, explore};
use proptest::prelude::*;

fn residual_names<S>(r: &OpenResult<S>) -> Vec<&str> {
    r.unverified_assumptions.iter().map(|a| a.name.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// §4.1 — EnvironmentSpec / check_open / Assumption
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Service {
    status: &'static str,
    result: Option<i32>,
}

fn service(status: &'static str) -> Service {
    Service { status, result: None }
}

fn valid_status(s: &Service) -> bool {
    matches!(s.status, "idle" | "running" | "crashed")
}

fn base_model() -> Model<Service> {
    Model::new(service("idle"))
        .action("start", |s| s.status == "idle", |s| Service { status: "running", ..s.clone() })
        .action("compute", |s| s.status == "running", |_| Service { status: "running", result: Some(42) })
        .action("stop", |s| s.status == "running", |_| service("idle"))
        .invariant("valid-status", valid_status)
}

#[test]
fn no_envs_equals_check() {
    let model = base_model();
    let closed = check(&model);
    let open = check_open(&model, &[]);
    assert_eq!(open.result.ok, closed.ok);
    assert_eq!(open.result.states_explored, closed.states_explored);
    assert_eq!(open.result.kind, closed.kind);
    assert_eq!(open.result.trace, closed.trace);
    assert!(open.unverified_assumptions.is_empty());
    assert!(open.ok());
    assert_eq!(open.result.states_explored, 3);
}

#[test]
fn no_envs_equals_check_on_a_failing_model() {
    let model =
        base_model().action("corrupt", |s| s.result.is_some(), |s| Service { status: "??", ..s.clone() });
    let closed = check(&model);
    let open = check_open(&model, &[]);
    assert!(!closed.ok);
    assert_eq!(open.result, closed);
    assert_eq!(open.result.action_names(), ["start", "compute", "corrupt"]);
}

#[test]
fn env_crash_is_explored() {
    let env = EnvironmentSpec::new("platform").behaviour(
        "env:crash",
        |s: &Service| s.status == "running",
        |s| Service { status: "bad", ..s.clone() },
    );
    let r = check_open(&base_model(), &[env]);
    assert!(!r.ok());
    assert_eq!(r.result.kind, Some(Kind::Invariant));
    assert_eq!(r.result.invariant.as_deref(), Some("valid-status"));
    assert_eq!(r.result.action_names(), ["start", "env:crash"]);
    assert_eq!(r.result.states_explored, 5);
}

#[test]
fn tolerated_crash() {
    let model = Model::new(service("idle"))
        .action("start", |s| s.status == "idle", |s| Service { status: "running", ..s.clone() })
        .action("stop", |s| s.status == "running", |s| Service { status: "idle", ..s.clone() })
        .invariant("valid-status", valid_status)
        .terminal(|s| s.status == "crashed");
    let env = EnvironmentSpec::new("platform").behaviour(
        "env:crash",
        |s: &Service| s.status == "running",
        |s| Service { status: "crashed", ..s.clone() },
    );
    let r = check_open(&model, &[env]);
    assert_ok!(r);
    assert_eq!(r.result.states_explored, 3);
}

fn scheduler_env() -> EnvironmentSpec<Service> {
    EnvironmentSpec::new("scheduler")
        .behaviour(
            "env:reschedule",
            |s: &Service| s.status == "running",
            |_| Service { status: "running", result: Some(-1) },
        )
        .guarantee("result-non-negative", |s: &Service| s.result.is_none_or(|r| r >= 0))
}

#[test]
fn broken_guarantee_is_reported_qualified() {
    let r = check_open(&base_model(), &[scheduler_env()]);
    assert!(!r.ok());
    assert_eq!(r.result.invariant.as_deref(), Some("scheduler:result-non-negative"));
    assert_eq!(r.result.action_names(), ["start", "env:reschedule"]);
    assert_eq!(r.result.states_explored, 4);
    assert!(r.to_string().starts_with("INVARIANT VIOLATED: scheduler:result-non-negative\n  Init: "));
    assert_violates!(r, kind = Kind::Invariant, invariant = "scheduler:result-non-negative");
}

#[test]
fn residuals_collected_verified_left_out() {
    let env = EnvironmentSpec::new("aws")
        .assumption(
            Assumption::new("s3-eventual-delivery", "S3 PUT responses eventually arrive")
                .status(Status::Unverified)
                .source("AWS SLA"),
        )
        .assumption(
            Assumption::new("iam-correctness", "IAM correctly enforces permissions")
                .status(Status::Verified)
                .source("AWS docs"),
        );
    let r = check_open(&base_model(), &[env]);
    assert!(r.ok());
    assert_eq!(r.result.states_explored, 3);
    assert_eq!(residual_names(&r), ["s3-eventual-delivery"]);
}

#[test]
fn axioms_surface() {
    let env = EnvironmentSpec::new("hardware").assumption(
        Assumption::new("memory-safe", "Physical memory does not corrupt silently").status(Status::Axiom),
    );
    let r = check_open(&base_model(), &[env]);
    assert!(r.ok());
    assert_eq!(r.result.states_explored, 3);
    assert_eq!(r.unverified_assumptions.len(), 1);
    let a = &r.unverified_assumptions[0];
    assert_eq!((a.name.as_str(), a.status, a.source.as_str()), ("memory-safe", Status::Axiom, ""));
}

#[test]
fn multiple_envs_compose() {
    let k8s = EnvironmentSpec::new("k8s").behaviour(
        "k8s:evict",
        |s: &Service| s.status == "running",
        |_| service("idle"),
    );
    let linux = EnvironmentSpec::new("linux").behaviour(
        "linux:oom",
        |s: &Service| s.status == "running",
        |_| service("idle"),
    );
    let r = check_open(&base_model(), &[k8s, linux]);
    assert_ok!(r);
    assert_eq!(r.result.states_explored, 3);
}

#[test]
fn verdict_and_printed_form() {
    let good = check_open(&base_model(), &[]);
    assert!(good.ok());
    assert!(good.to_string().contains("OK"));
    assert_eq!(good.to_string(), "OK — 3 states, no violations");

    let bad_env = EnvironmentSpec::new("bad").behaviour(
        "bad:corrupt",
        |_: &Service| true,
        |s| Service { status: "unknown", ..s.clone() },
    );
    let bad = check_open(&base_model(), &[bad_env]);
    assert!(!bad.ok());
    assert_eq!(bad.result.invariant.as_deref(), Some("valid-status"));
    assert_eq!(bad.result.action_names(), ["bad:corrupt"]);
    assert_eq!(bad.result.states_explored, 4);
}

#[test]
fn printed_residuals_template() {
    let env = EnvironmentSpec::new("e")
        .assumption(Assumption::new("x", "desc x"))
        .assumption(Assumption::new("y", "desc y").status(Status::Axiom).source("src y"))
        .assumption(Assumption::new("z", "desc z").status(Status::Verified).source("src z"));
    let r = check_open(&Model::new(0u8).terminal(|_| true), &[env]);
    assert_eq!(
        r.to_string(),
        "OK — 1 states, no violations\nUnverified assumptions (residual proof obligations):\n  [unverified] x: desc x\n  [axiom] y: desc y  [src y]"
    );
}

#[test]
fn assumption_predicate_does_not_change_check_open() {
    let a: Assumption<Service> = Assumption::new("always-idle-or-running", "Status is never 'crashed'")
        .predicate(|s: &Service| s.status != "crashed");
    let p = a.predicate.as_ref().expect("stored");
    assert!(p(&service("idle")));
    assert!(!p(&service("crashed")));
    // check_open reads it against counterexamples but never prunes by it: a predicate false
    // everywhere leaves the verdict and the count as they were, and an OK result has no run
    // to break it.
    let env =
        EnvironmentSpec::new("e").assumption(Assumption::new("never", "never holds").predicate(|_| false));
    let r = check_open(&base_model(), &[env]);
    assert!(r.ok());
    assert_eq!(r.result.states_explored, 3);
    assert_eq!(residual_names(&r), ["never"]);
    assert!(r.broken_assumptions().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Composition rules
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Tag(&'static str);

fn to(tag: &'static str) -> impl Fn(&Tag) -> Tag + Send + Sync + 'static {
    move |_| Tag(tag)
}

fn at_start(t: &Tag) -> bool {
    t.0 == "start"
}

#[test]
fn system_actions_come_before_env_behaviours_then_env_order() {
    let a = || EnvironmentSpec::new("a").behaviour("a:go", at_start, to("a"));
    let b = || EnvironmentSpec::new("b").behaviour("b:go", at_start, to("b"));
    let sys = Model::new(Tag("start")).action("sys", at_start, to("sys")).invariant("only-start", at_start);

    // Every move breaks the invariant at depth 1; the first discovered one is reported.
    let r = check_open(&sys, &[a(), b()]);
    assert_eq!(r.result.action_names(), ["sys"]);
    assert_eq!(r.result.states_explored, 4);

    let quiet = Model::new(Tag("start")).invariant("only-start", at_start).terminal(|_| true);
    assert_eq!(check_open(&quiet, &[a(), b()]).result.action_names(), ["a:go"]);
    assert_eq!(check_open(&quiet, &[b(), a()]).result.action_names(), ["b:go"]);

    let composed = compose(&sys, &[a(), b()]);
    let names: Vec<&str> = composed.static_action_list().iter().map(|x| x.name()).collect();
    assert_eq!(names, ["sys", "a:go", "b:go"]);
}

#[test]
fn system_invariants_come_before_qualified_guarantees() {
    let sys = Model::new(Tag("start"))
        .action("sys", at_start, to("end"))
        .invariant("sys-inv", |t| t.0 != "end")
        .terminal(|_| true);
    let a = EnvironmentSpec::new("a").guarantee("g1", |t: &Tag| t.0 != "end").guarantee("g2", |_: &Tag| true);
    let b = EnvironmentSpec::new("b").guarantee("g1", |t: &Tag| t.0 != "end");

    let composed = compose(&sys, &[a.clone(), b.clone()]);
    let names: Vec<&str> = composed.invariant_list().iter().map(|i| i.name()).collect();
    assert_eq!(names, ["sys-inv", "a:g1", "a:g2", "b:g1"]);

    // A state breaking the system invariant and both guarantees reports the system invariant.
    let r = check_open(&sys, &[a.clone(), b.clone()]);
    assert_eq!(r.result.invariant.as_deref(), Some("sys-inv"));
    // Without it, the first environment's guarantee.
    let lax = sys.with_invariants([]);
    assert_eq!(check_open(&lax, &[b, a]).result.invariant.as_deref(), Some("b:g1"));
}

#[test]
fn qualified_guarantee_colliding_with_a_system_invariant_is_refused() {
    // The original lets the guarantee replace the system's invariant in place, so the
    // invariant is silently no longer checked. Refused here, naming the clash.
    let sys =
        Model::new(Tag("start")).invariant("e:g", |_| true).invariant("other", |_| true).terminal(|_| true);
    let env = EnvironmentSpec::new("e").guarantee("g", |_: &Tag| false);
    let refused = std::panic::catch_unwind(|| compose(&sys, std::slice::from_ref(&env))).unwrap_err();
    let text = refused.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(text.contains("two invariants named 'e:g'"), "{text}");
}

#[test]
fn environment_without_behaviours_changes_nothing_but_residuals() {
    let env = EnvironmentSpec::new("empty").assumption(Assumption::new("empty:a", "something"));
    assert!(env.behaviour_names().is_empty());
    let r = check_open(&base_model(), &[env]);
    assert_eq!(r.result, check(&base_model()));
    assert_eq!(residual_names(&r), ["empty:a"]);

    let bare: EnvironmentSpec<Service> = EnvironmentSpec::new("bare");
    let r = check_open(&base_model(), &[bare]);
    assert_eq!(r.result, check(&base_model()));
    assert!(r.unverified_assumptions.is_empty());
}

#[test]
fn residuals_in_env_order_without_deduplication() {
    let shared = || Assumption::<Tag>::new("shared", "the same assumption twice");
    let a = EnvironmentSpec::new("a").assumption(Assumption::new("a:1", "one")).assumption(shared());
    let b = EnvironmentSpec::new("b")
        .assumption(shared())
        .assumption(Assumption::new("b:v", "proved").status(Status::Verified))
        .assumption(Assumption::new("b:ax", "taken").status(Status::Axiom));
    let names: Vec<String> =
        residual_assumptions(&[a.clone(), b.clone()]).into_iter().map(|x| x.name).collect();
    assert_eq!(names, ["a:1", "shared", "shared", "b:ax"]);
    let r = check_open(&Model::new(Tag("start")).terminal(|_| true), &[a, b]);
    assert_eq!(residual_names(&r), ["a:1", "shared", "shared", "b:ax"]);
}

#[test]
fn an_assumption_under_an_existing_name_is_replaced_in_place() {
    let env = EnvironmentSpec::<Tag>::new("e")
        .assumption(Assumption::new("first", "1"))
        .assumption(Assumption::new("second", "2"))
        .assumption(Assumption::new("first", "1 again").status(Status::Verified));
    let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
    assert_eq!(keys, ["first", "second"]);
    assert_eq!(env.assumptions["first"].description, "1 again");
    let names: Vec<String> = residual_assumptions(&[env]).into_iter().map(|x| x.name).collect();
    assert_eq!(names, ["second"]);
}

#[test]
fn capped_open_check_is_a_truncated_green() {
    let counter = Model::new(0u32).action("inc", |_| true, |n| n + 1);
    let env = EnvironmentSpec::new("e").behaviour("e:jump", |n: &u32| n % 2 == 0, |n| n + 3);
    let r = musil::Checker::new(&counter).max_states(50).check_open(&[env]);
    assert!(r.ok());
    assert!(r.result.truncated);
    assert_eq!(r.result.states_explored, 50);
    assert_ok!(r, truncated = ok);
    assert!(r.to_string().ends_with("(TRUNCATED at cap)"));
}

// Spec §7 item 4: unlike the original, check_open keeps the system's actions_fn menu and its
// edge invariants.

#[test]
fn actions_fn_menu_is_kept() {
    // Only the menu can move the counter to 2, where the invariant breaks.
    let menu_only = Model::new(0u8)
        .actions_fn(|n: &u8| {
            if *n < 2 { vec![musil::Action::new("step", |_: &u8| true, |n: &u8| n + 1)] } else { vec![] }
        })
        .invariant("below-2", |n| *n < 2)
        .terminal(|_| true);
    let closed = check(&menu_only);
    assert_eq!(closed.invariant.as_deref(), Some("below-2"));
    let open = check_open(&menu_only, &[]);
    assert_eq!(open.result, closed);

    // With an environment, the menu comes first, then the behaviours.
    let env = EnvironmentSpec::new("e").behaviour("e:leap", |n: &u8| *n == 0, |_| 2);
    let r = check_open(&menu_only, &[env]);
    assert_eq!(r.result.invariant.as_deref(), Some("below-2"));
    assert_eq!(r.result.action_names(), ["e:leap"]);
    assert_eq!(r.result.states_explored, 3);
    let g = explore(&compose(
        &menu_only,
        &[EnvironmentSpec::new("e").behaviour("e:leap", |n: &u8| *n == 0, |_| 2)],
    ));
    assert_eq!(g.states().copied().collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn edge_invariants_are_kept() {
    let sys = Model::new(0u8)
        .action("inc", |n| *n < 3, |n| n + 1)
        .edge_invariant_from("never-reset", musil::never("e:reset"))
        .terminal(|_| true);
    assert!(check_open(&sys, &[]).ok());
    let env = EnvironmentSpec::new("e").behaviour("e:reset", |n: &u8| *n == 2, |_| 0);
    let r = check_open(&sys, &[env]);
    assert_eq!(r.result.kind, Some(Kind::EdgeInvariant));
    assert_eq!(r.result.invariant.as_deref(), Some("never-reset"));
    assert_eq!(r.result.action_names(), ["inc", "inc", "e:reset"]);
}

// ---------------------------------------------------------------------------------------------
// §4.2 — the environment library against a small service
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Svc {
    status: &'static str,
    retries: u8,
}

fn can_run(s: &Svc) -> bool {
    s.status == "running"
}

fn set(status: &'static str) -> impl Fn(&Svc) -> Svc + Send + Sync + 'static {
    move |s| Svc { status, ..s.clone() }
}

fn svc_model(with_retry: bool) -> Model<Svc> {
    let m = Model::new(Svc { status: "running", retries: 0 });
    let m = if with_retry {
        m.action(
            "retry",
            |s| s.status != "running" && s.retries < 3,
            |s| Svc { status: "running", retries: s.retries + 1 },
        )
    } else {
        m
    };
    m.invariant("not-failed", |s| s.status != "failed").terminal(|s| s.status != "running" && s.retries >= 3)
}

fn svc_model_not_evicted() -> Model<Svc> {
    Model::new(Svc { status: "running", retries: 0 }).invariant("not-evicted", |s| s.status != "evicted")
}

#[test]
fn pod_eviction_against_a_service() {
    let evict = || k8s::pod_eviction(can_run, set("evicted")).build();
    let r = check_open(&svc_model_not_evicted(), &[evict()]);
    assert!(!r.ok());
    assert_eq!(r.result.invariant.as_deref(), Some("not-evicted"));
    assert_eq!(r.result.action_names(), ["k8s:evict-pod"]);
    assert_eq!(r.result.states_explored, 2);

    let r = check_open(&svc_model(true), &[evict()]);
    assert_ok!(r);
    assert_eq!(r.result.states_explored, 8);
    assert_eq!(
        residual_names(&r),
        ["k8s:node-capacity", "k8s:scheduler-liveness", "k8s:eviction-rate-bounded"]
    );
}

#[test]
fn single_env_residuals_match_the_catalogue() {
    let cases: Vec<(EnvironmentSpec<Svc>, Vec<&str>)> = vec![
        (
            aws::aws_api_faults(can_run, set("evicted")).build(),
            vec!["aws:s3-eventual-delivery", "aws:region-availability", "aws:throttle-transient"],
        ),
        (
            etcd::cluster_faults(can_run, set("evicted")).build(),
            vec!["etcd:quorum-maintained", "etcd:bounded-leader-election", "etcd:compaction-bounded"],
        ),
        (
            k8s::pod_eviction(can_run, set("evicted")).build(),
            vec!["k8s:node-capacity", "k8s:scheduler-liveness", "k8s:eviction-rate-bounded"],
        ),
        (
            linux::process_faults(can_run, set("killed")).build(),
            vec!["linux:oom-killer-bounded", "linux:signal-delivery"],
        ),
        (linux::fs_faults(can_run, set("evicted")).build(), vec!["linux:enospc-recoverable"]),
        (
            sel4::capability_revocation(can_run, set("evicted")).build(),
            vec!["sel4:hardware-memory-safety", "sel4:ipc-liveness"],
        ),
        (
            storage::block_volume_faults().detach(can_run, set("evicted")).build().unwrap(),
            vec!["storage:attach-exclusive", "storage:data-presence-sensed"],
        ),
        (
            distributed::credential_rotation(can_run, set("evicted")).build(),
            vec!["distributed:credential-rotation-observed"],
        ),
        (
            distributed::record_reality_divergence(can_run, set("evicted")).build(),
            vec!["distributed:reality-eventually-sensed"],
        ),
    ];
    for (env, expected) in cases {
        let name = env.name.clone();
        let r = check_open(&svc_model(true), &[env]);
        assert!(r.ok(), "{name}: {r}");
        assert_eq!(r.result.states_explored, 8, "{name}");
        assert_eq!(residual_names(&r), expected, "{name}");
    }
    let sel4 = check_open(&svc_model(true), &[sel4::capability_revocation(can_run, set("evicted")).build()]);
    assert_eq!(sel4.unverified_assumptions[0].status, Status::Axiom);
}

#[test]
fn multi_env_residuals_in_env_order() {
    let r = check_open(
        &svc_model(true),
        &[
            k8s::pod_eviction(can_run, set("evicted")).build(),
            linux::process_faults(can_run, set("killed")).build(),
        ],
    );
    assert_ok!(r);
    assert_eq!(r.result.states_explored, 12);
    assert_eq!(
        residual_names(&r),
        [
            "k8s:node-capacity",
            "k8s:scheduler-liveness",
            "k8s:eviction-rate-bounded",
            "linux:oom-killer-bounded",
            "linux:signal-delivery"
        ]
    );

    let r = check_open(
        &svc_model(true),
        &[
            aws::aws_api_faults(can_run, set("evicted")).into(),
            etcd::cluster_faults(can_run, set("evicted")).into(),
        ],
    );
    assert_ok!(r);
    assert_eq!(r.result.states_explored, 8);
    assert_eq!(
        residual_names(&r),
        [
            "aws:s3-eventual-delivery",
            "aws:region-availability",
            "aws:throttle-transient",
            "etcd:quorum-maintained",
            "etcd:bounded-leader-election",
            "etcd:compaction-bounded"
        ]
    );
}

#[test]
fn extra_assumptions_append_and_replace() {
    let custom = Assumption::new("my-service:rate-limited", "Our service rate-limits external callers");
    let env = k8s::pod_eviction(can_run, set("evicted")).extra_assumptions([custom]).build();
    let r = check_open(&svc_model(true), &[env]);
    assert_eq!(
        residual_names(&r),
        [
            "k8s:node-capacity",
            "k8s:scheduler-liveness",
            "k8s:eviction-rate-bounded",
            "my-service:rate-limited"
        ]
    );

    // Re-statusing a pre-wired assumption keeps its place in the table and drops it from the
    // residuals; the verified ones shipped but not wired can be added the same way.
    let env = aws::aws_api_faults(can_run, set("evicted"))
        .extra_assumptions([aws::s3_eventual_delivery().status(Status::Verified), aws::iam_correctness()])
        .build();
    let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "aws:s3-eventual-delivery",
            "aws:region-availability",
            "aws:throttle-transient",
            "aws:iam-correctness"
        ]
    );
    let r = check_open(&svc_model(true), &[env]);
    assert_eq!(residual_names(&r), ["aws:region-availability", "aws:throttle-transient"]);

    let env =
        etcd::cluster_faults(can_run, set("evicted")).extra_assumptions([etcd::unique_leader()]).build();
    let r = check_open(&svc_model(true), &[env]);
    assert!(!residual_names(&r).contains(&"etcd:unique-leader"));
}

// ---------------------------------------------------------------------------------------------
// §4.3 — distributed: record/reality divergence, credential rotation
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct V {
    record: u32,
    reality: u32,
    used: bool,
}

fn divergence_env() -> EnvironmentSpec<V> {
    distributed::record_reality_divergence(
        |s: &V| s.record == s.reality && !s.used,
        |s| V { reality: s.reality + 1, ..s.clone() },
    )
    .build()
}

fn no_use_on_divergence(s: &V) -> bool {
    !s.used || s.record == s.reality
}

#[test]
fn divergence_catches_a_system_trusting_its_record() {
    let system = Model::new(V { record: 1, reality: 1, used: false })
        .action("use", |s| !s.used, |s| V { used: true, ..s.clone() })
        .invariant("no-use-on-divergence", no_use_on_divergence)
        .terminal(|s| s.used);
    let r = check_open(&system, &[divergence_env()]);
    assert!(!r.ok());
    assert_eq!(r.result.invariant.as_deref(), Some("no-use-on-divergence"));
    assert_eq!(r.result.action_names(), ["distributed:record-reality-divergence", "use"]);
    assert_eq!(r.result.states_explored, 4);
    assert_eq!(residual_names(&r), ["distributed:reality-eventually-sensed"]);
}

#[test]
fn divergence_against_a_revalidating_system_is_a_truncated_green_at_one_million() {
    // diverge and resync ratchet record and reality upward forever: the reachable space is
    // infinite, so the sweep stops at the default cap, and a truncated sweep is green.
    let system = Model::new(V { record: 1, reality: 1, used: false })
        .action("use", |s| !s.used && s.record == s.reality, |s| V { used: true, ..s.clone() })
        .action("resync", |s| s.record != s.reality, |s| V { record: s.reality, ..s.clone() })
        .invariant("no-use-on-divergence", no_use_on_divergence)
        .terminal(|s| s.used);
    let started = Instant::now();
    let r = check_open(&system, &[divergence_env()]);
    let elapsed = started.elapsed();
    assert!(r.ok());
    assert!(r.result.truncated);
    assert_eq!(r.result.states_explored, 1_000_000);
    assert_eq!(r.result.states_explored, musil::DEFAULT_MAX_STATES);
    eprintln!("1,000,000-state open check took {elapsed:?}");
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Cr {
    creds_valid: bool,
    worked: bool,
    bad: bool,
}

fn rotation_env() -> EnvironmentSpec<Cr> {
    distributed::credential_rotation(|s: &Cr| s.creds_valid, |s| Cr { creds_valid: false, ..s.clone() })
        .build()
}

const CR0: Cr = Cr { creds_valid: true, worked: false, bad: false };

#[test]
fn rotation_against_a_guarded_system() {
    let system = Model::new(CR0)
        .action("act", |s| s.creds_valid && !s.worked, |s| Cr { worked: true, ..s.clone() })
        .invariant("no-unauthenticated-act", |s| !s.bad)
        .terminal(|s| s.worked || !s.creds_valid);
    let r = check_open(&system, &[rotation_env()]);
    assert_ok!(r);
    assert_eq!(r.result.states_explored, 4);
    assert_eq!(residual_names(&r), ["distributed:credential-rotation-observed"]);
}

#[test]
fn rotation_catches_an_unguarded_action() {
    let system = Model::new(CR0)
        .action("act", |s| !s.worked, |s| Cr { worked: true, bad: !s.creds_valid, ..s.clone() })
        .invariant("no-unauthenticated-act", |s| !s.bad)
        .terminal(|s| s.worked);
    let r = check_open(&system, &[rotation_env()]);
    assert!(!r.ok());
    assert_eq!(r.result.invariant.as_deref(), Some("no-unauthenticated-act"));
    assert_eq!(r.result.action_names(), ["distributed:credential-rotation", "act"]);
    assert_eq!(r.result.states_explored, 5);
}

// ---------------------------------------------------------------------------------------------
// §4.4 — storage: block-volume faults
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Node {
    attached: bool,
    data_ok: bool,
    serving: bool,
}

const NODE0: Node = Node { attached: false, data_ok: true, serving: false };

fn wrong_attach_env() -> EnvironmentSpec<Node> {
    storage::block_volume_faults()
        .wrong_attach(|s: &Node| s.attached && !s.serving, |s| Node { data_ok: false, ..s.clone() })
        .build()
        .expect("one fault given")
}

fn attach(s: &Node) -> Node {
    Node { attached: true, data_ok: true, ..s.clone() }
}

fn node_model(serve_needs_data: bool) -> Model<Node> {
    Model::new(NODE0)
        .action("attach", |s| !s.attached, attach)
        .action(
            "serve",
            move |s| s.attached && !s.serving && (!serve_needs_data || s.data_ok),
            |s| Node { serving: true, ..s.clone() },
        )
        .invariant("no-wrong-serve", |s| !s.serving || s.data_ok)
        .terminal(|s| s.serving)
}

#[test]
fn naive_node_serves_a_wrong_volume() {
    let r = check_open(&node_model(false), &[wrong_attach_env()]);
    assert!(!r.ok());
    assert_eq!(r.result.invariant.as_deref(), Some("no-wrong-serve"));
    assert!(r.result.trace.iter().any(|step| step.action == "storage:wrong-volume-attached"));
    assert_eq!(r.result.action_names(), ["attach", "storage:wrong-volume-attached", "serve"]);
    assert_eq!(r.result.states_explored, 5);
}

#[test]
fn sensing_node_is_safe() {
    let r = check_open(&node_model(true), &[wrong_attach_env()]);
    assert_ok!(r);
    assert_eq!(r.result.states_explored, 4);
}

#[test]
fn storage_residual_names() {
    let attach_only = Model::new(NODE0)
        .action("attach", |s| !s.attached, |s| Node { attached: true, ..s.clone() })
        .terminal(|s| s.attached);
    let r = check_open(&attach_only, &[wrong_attach_env()]);
    assert_ok!(r);
    assert_eq!(r.result.states_explored, 3);
    assert_eq!(residual_names(&r), ["storage:attach-exclusive", "storage:data-presence-sensed"]);
}

#[test]
fn storage_needs_at_least_one_fault() {
    let err = storage::block_volume_faults::<Node>().build().unwrap_err();
    assert!(err.to_string().contains("at least one"));
    assert_eq!(err.to_string(), "block_volume_faults: supply at least one fault's can_/on_ pair");
    let as_dyn: Box<dyn std::error::Error> = Box::new(err);
    assert!(as_dyn.source().is_none());
}

// ---------------------------------------------------------------------------------------------
// Assumptions in checkable form (issue 21 item 13): read against counterexamples, assumed
// ---------------------------------------------------------------------------------------------

/// A pod that recovers from each eviction while it has retries left.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Pod {
    up: bool,
    retries: u8,
}

fn retrying(max_retries: u8) -> Model<Pod> {
    Model::new(Pod { up: true, retries: 0 })
        .action(
            "recover",
            move |p| !p.up && p.retries < max_retries,
            |p| Pod { up: true, retries: p.retries + 1 },
        )
        .invariant("not-exhausted", move |p| p.up || p.retries < max_retries)
}

fn evictions() -> k8s::PodEviction<Pod> {
    k8s::pod_eviction(|p: &Pod| p.up, |p| Pod { up: false, ..p.clone() })
}

/// `evict, recover` five times, then the sixth eviction.
fn six_evictions() -> Vec<&'static str> {
    (0..11).map(|i| if i % 2 == 0 { "k8s:evict-pod" } else { "recover" }).collect()
}

#[test]
fn a_broken_state_predicate_is_reported_with_its_first_step() {
    let few_restarts = Assumption::new("ops:few-restarts", "the pod restarts at most once")
        .predicate(|p: &Pod| p.retries < 2);
    let r = check_open(&retrying(5), &[evictions().extra_assumptions([few_restarts]).build()]);
    assert_eq!(r.result.action_names(), six_evictions());
    let broken = r.broken_assumptions();
    assert_eq!(broken.len(), 1);
    assert_eq!((broken[0].name.as_str(), broken[0].status), ("ops:few-restarts", Status::Unverified));
    // Step 4 is the second recover: retries becomes 2 there.
    assert_eq!(broken[0].breaches, [Breach::Predicate { step: 4, action: "recover".to_owned() }]);
    let text = r.to_string();
    assert!(text.contains(
        "\nAssumptions along this counterexample: 1 broken, 0 hold, 3 with no checkable form (no predicate, no bound)\n  [unverified] ops:few-restarts: its predicate is false at step 4 (after recover)\nUnverified assumptions"
    ), "{text}");
    assert!(
        text.ends_with(
            "  [unverified] ops:few-restarts: the pod restarts at most once  ← BROKEN by this counterexample"
        ),
        "{text}"
    );
}

#[test]
fn a_broken_bound_is_reported_with_its_count() {
    let r = check_open(&retrying(5), &[evictions().eviction_budget(5).build()]);
    let broken = r.broken_assumptions();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].name, "k8s:eviction-rate-bounded");
    let [Breach::Bound { bound, fired, step, forever }] = &broken[0].breaches[..] else {
        panic!("a bound breach expected: {broken:?}")
    };
    assert_eq!((bound.actions(), bound.max()), (&["k8s:evict-pod".to_owned()][..], 5));
    assert_eq!((*fired, *step, *forever), (6, Some(11), false));
    assert_eq!(
        broken[0].to_string(),
        "k8s:eviction-rate-bounded: k8s:evict-pod fired 6 times, at most 5 allowed (one too many at step 11)"
    );
}

#[test]
fn assumptions_the_counterexample_keeps_are_not_reported() {
    let bounded_restarts =
        Assumption::new("ops:bounded-restarts", "at most five restarts").predicate(|p: &Pod| p.retries <= 5);
    let env = evictions().eviction_budget(6).extra_assumptions([bounded_restarts]).build();
    let r = check_open(&retrying(5), &[env]);
    assert!(!r.ok());
    assert!(r.broken_assumptions().is_empty());
    let text = r.to_string();
    assert!(
        text.contains("Assumptions along this counterexample: 0 broken, 2 hold, 2 with no checkable form"),
        "{text}"
    );
    assert!(!text.contains("BROKEN"), "{text}");
}

#[test]
fn a_verified_assumption_the_counterexample_breaks_is_reported() {
    let verified = Assumption::new("ops:never-two-restarts", "proved elsewhere")
        .status(Status::Verified)
        .predicate(|p: &Pod| p.retries < 2);
    let r = check_open(&retrying(5), &[evictions().extra_assumptions([verified]).build()]);
    let broken = r.broken_assumptions();
    assert_eq!((broken[0].name.as_str(), broken[0].status), ("ops:never-two-restarts", Status::Verified));
    assert!(!residual_names(&r).contains(&"ops:never-two-restarts"));
    assert!(r.to_string().contains("  [verified] ops:never-two-restarts: its predicate is false at step 4"));
}

#[test]
fn assuming_a_state_predicate_prunes_the_runs_that_break_it() {
    let at_most_two = || {
        Assumption::new("ops:at-most-two-restarts", "at most two restarts")
            .predicate(|p: &Pod| p.retries <= 2)
    };
    let envs = [evictions().extra_assumptions([at_most_two()]).build()];
    // The violation needs a state with five retries: unreachable within the assumption.
    let open = check_open(&retrying(5), &envs);
    assert!(!open.ok());
    assert_eq!(explore(&compose(&retrying(5), &envs)).len(), 12);
    let r = musil::open::check_open_assuming(&retrying(5), &envs, ["ops:at-most-two-restarts"]).unwrap();
    assert_ok!(r);
    // (up or down) × (0, 1 or 2 retries); from (down, 2) the only move breaks the assumption,
    // and that is a legal end, not a deadlock.
    assert_eq!(r.result.states_explored, 6);
    assert_eq!(r.assumed(), ["ops:at-most-two-restarts"]);
    let text = r.to_string();
    assert!(text.starts_with(
        "OK — 6 states, no violations\nAssumed in this check (runs that break them were not explored): ops:at-most-two-restarts\nUnverified assumptions"
    ), "{text}");
    assert!(text.ends_with("at most two restarts  ← assumed in this check"), "{text}");
    // Every residual obligation is still listed.
    assert_eq!(residual_names(&r), residual_names(&open));
}

#[test]
fn assuming_a_bound_rules_out_exactly_the_runs_past_it() {
    let model = retrying(5);
    let unbounded = check_open(&model, &[evictions().build()]);
    assert_eq!(unbounded.result.action_names(), six_evictions());

    // Six evictions are needed; five allowed: safe.
    let five = [evictions().eviction_budget(5).build()];
    let r = musil::open::check_open_assuming(&model, &five, ["k8s:eviction-rate-bounded"]).unwrap();
    assert_ok!(r);
    // (retries, evictions so far): up (r, r) for r ≤ 5, down (r, r + 1) for r ≤ 4.
    assert_eq!(r.result.states_explored, 11);

    // Six allowed: the same counterexample as unbounded, state for state.
    let six = [evictions().eviction_budget(6).build()];
    let r = musil::open::check_open_assuming(&model, &six, ["k8s:eviction-rate-bounded"]).unwrap();
    assert!(!r.ok());
    assert_eq!(r.result.kind, Some(Kind::Invariant));
    assert_eq!(r.result.trace, unbounded.result.trace);
    assert!(r.broken_assumptions().is_empty());
}

#[test]
fn a_counterexample_against_environments_without_assumptions_prints_no_report() {
    let env = EnvironmentSpec::new("env").behaviour(
        "env:evict",
        |p: &Pod| p.up,
        |p| Pod { up: false, ..p.clone() },
    );
    let r = check_open(&retrying(0), &[env]);
    assert!(!r.ok());
    assert_eq!(r.to_string(), r.result.to_string());
}

#[test]
fn assuming_a_bound_says_states_are_counted_with_counters() {
    let r = musil::open::check_open_assuming(
        &retrying(5),
        &[evictions().eviction_budget(5).build()],
        ["k8s:eviction-rate-bounded"],
    )
    .unwrap();
    assert!(r.to_string().contains(
        "\nAssumed in this check (runs that break them were not explored; each state counted with its bound counters): k8s:eviction-rate-bounded\n"
    ));
}

#[test]
fn assuming_nothing_is_check_open() {
    let envs = [evictions().eviction_budget(3).build()];
    let plain = check_open(&retrying(5), &envs);
    let assumed = musil::open::check_open_assuming(&retrying(5), &envs, Vec::<String>::new()).unwrap();
    assert_eq!(assumed.result, plain.result);
    assert!(assumed.assumed().is_empty());
    assert_eq!(assumed.to_string(), plain.to_string());
}

#[test]
fn assuming_an_unknown_or_uncheckable_assumption_is_refused() {
    let envs = [evictions().eviction_budget(5).build()];
    let e = musil::open::check_open_assuming(&retrying(5), &envs, ["k8s:eviction-budget"]).unwrap_err();
    assert_eq!(e.kind(), musil::ErrorKind::UnknownAssumption);
    assert_eq!(
        e.to_string(),
        "check_open_assuming: unknown assumption name(s) ['k8s:eviction-budget']; the environments' assumptions are ['k8s:node-capacity', 'k8s:scheduler-liveness', 'k8s:eviction-rate-bounded']"
    );
    let e = musil::open::check_open_assuming(&retrying(5), &envs, ["k8s:node-capacity"]).unwrap_err();
    assert_eq!(e.kind(), musil::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("['k8s:node-capacity'] have no checkable form"), "{e}");
}

#[test]
fn a_liveness_lasso_breaks_a_bound_its_cycle_repeats() {
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Job {
        up: bool,
        done: bool,
    }
    let job = Model::new(Job { up: true, done: false })
        .action("work", |j| j.up && !j.done, |_| Job { up: true, done: true })
        .action("restart", |j| !j.up, |j| Job { up: true, ..j.clone() })
        .terminal(|j| j.done);
    let env = k8s::pod_eviction(|j: &Job| j.up && !j.done, |j| Job { up: false, ..j.clone() })
        .eviction_budget(100)
        .extra_assumptions([
            Assumption::new("ops:always-up", "the job is never down").predicate(|j: &Job| j.up)
        ])
        .build();
    let r = musil::open::check_liveness_open(&job, &[env], &musil::Liveness::eventually(|j: &Job| j.done))
        .unwrap();
    assert!(!r.ok());
    assert_eq!(r.result.kind, Some(musil::LivenessKind::FairCycle));
    assert_eq!(r.result.action_names(), ["k8s:evict-pod", "restart"]);
    let broken = r.broken_assumptions();
    let names: Vec<&str> = broken.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["k8s:eviction-rate-bounded", "ops:always-up"]);
    // Far below the budget, yet the cycle evicts without end.
    assert!(matches!(broken[0].breaches[..], [Breach::Bound { fired: 1, step: None, forever: true, .. }]));
    // The down state is the cycle's first step, numbered after the one-state stem.
    assert_eq!(broken[1].breaches, [Breach::Predicate { step: 1, action: "k8s:evict-pod".to_owned() }]);
    assert!(r.to_string().contains("k8s:evict-pod fires on the cycle, so without end (at most 100 allowed)"));
}

// The oracle for bounds and state assumptions: the same service written with its fault
// counters in its own state, the budgets in the behaviours' guards and the assumed predicate
// in every guard (a step into a state breaking it is not enabled), and as legal ends the
// states the assumptions leave without a move. A check under assumptions must equal the
// oracle's plain check: verdict, count and trace.

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Faulty {
    status: u8, // 0 running, 1 evicted, 2 throttled
    pending: bool,
    retries: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Counted {
    s: Faulty,
    fired: [u8; 2],
}

#[derive(Clone, Copy, Debug)]
struct Case {
    max_retries: u8,
    /// Per bound: which behaviours draw on it (bit 0 eviction, bit 1 throttle), its budget.
    bounds: [(u8, u8); 2],
    /// Assume `retries <= cap` when set.
    cap: Option<u8>,
}

type Move = (&'static str, fn(&Faulty) -> bool, fn(&Faulty) -> Faulty);

fn service_steps(max_retries: u8) -> (Model<Faulty>, EnvironmentSpec<Faulty>) {
    let model = Model::new(Faulty { status: 0, pending: false, retries: 0 })
        .action("start", |s| s.status == 0 && !s.pending, |s| Faulty { pending: true, ..s.clone() })
        .action("complete", |s| s.status == 0 && s.pending, |s| Faulty { pending: false, ..s.clone() })
        .action(
            "recover",
            move |s| s.status != 0 && s.retries < max_retries,
            |s| Faulty { status: 0, retries: s.retries + 1, ..s.clone() },
        )
        .invariant("not-exhausted", move |s| s.status == 0 || s.retries < max_retries);
    let env = EnvironmentSpec::new("env")
        .behaviour(
            "env:evict",
            |s: &Faulty| s.status == 0,
            |s| Faulty { status: 1, pending: false, ..s.clone() },
        )
        .behaviour(
            "env:throttle",
            |s: &Faulty| s.status == 0 && s.pending,
            |s| Faulty { status: 2, pending: false, ..s.clone() },
        );
    (model, env)
}

fn names_of(mask: u8) -> Vec<&'static str> {
    [(1, "env:evict"), (2, "env:throttle")]
        .into_iter()
        .filter(|(b, _)| mask & b != 0)
        .map(|(_, n)| n)
        .collect()
}

fn oracle(case: Case) -> Model<Counted> {
    let (max, bounds, cap) = (case.max_retries, case.bounds, case.cap);
    let admits = move |s: &Faulty| cap.is_none_or(|c| s.retries <= c);
    let steps: [Move; 5] = [
        ("start", |s| s.status == 0 && !s.pending, |s| Faulty { pending: true, ..s.clone() }),
        ("complete", |s| s.status == 0 && s.pending, |s| Faulty { pending: false, ..s.clone() }),
        ("recover", |_| true, |s| Faulty { status: 0, retries: s.retries + 1, ..s.clone() }),
        ("env:evict", |s| s.status == 0, |s| Faulty { status: 1, pending: false, ..s.clone() }),
        (
            "env:throttle",
            |s| s.status == 0 && s.pending,
            |s| Faulty { status: 2, pending: false, ..s.clone() },
        ),
    ];
    let enabled =
        move |i: usize, s: &Faulty| (steps[i].1)(s) && (i != 2 || (s.status != 0 && s.retries < max));
    let bit = |i: usize| match i {
        3 => 1,
        4 => 2,
        _ => 0,
    };
    let mut m = Model::new(Counted { s: Faulty { status: 0, pending: false, retries: 0 }, fired: [0, 0] });
    for (i, (name, _, effect)) in steps.into_iter().enumerate() {
        m = m.action(
            name,
            move |c: &Counted| {
                enabled(i, &c.s)
                    && bounds.iter().zip(c.fired).all(|((mask, budget), n)| mask & bit(i) == 0 || n < *budget)
                    && admits(&effect(&c.s))
            },
            move |c| {
                let mut fired = c.fired;
                for (n, (mask, _)) in fired.iter_mut().zip(bounds) {
                    if mask & bit(i) != 0 {
                        *n += 1;
                    }
                }
                Counted { s: effect(&c.s), fired }
            },
        );
    }
    m.invariant("not-exhausted", move |c| c.s.status == 0 || c.s.retries < max)
        .terminal(move |c| (0..5).any(|i| enabled(i, &c.s)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn checking_under_assumptions_equals_the_hand_counted_model(
        max_retries in 0u8..5,
        masks in (0u8..4, 0u8..4),
        budgets in (0u8..6, 0u8..6),
        cap in prop::option::of(0u8..5),
    ) {
        let case = Case { max_retries, bounds: [(masks.0, budgets.0), (masks.1, budgets.1)], cap };
        let (model, env) = service_steps(max_retries);
        let mut env = env;
        let mut assumed = Vec::new();
        for (k, (mask, budget)) in case.bounds.iter().enumerate() {
            let name = format!("env:budget-{k}");
            env = env.assumption(Assumption::new(name.clone(), "a budget").at_most(names_of(*mask), usize::from(*budget)));
            // A bound naming no action is refused; such a bound is simply not assumed here.
            if *mask != 0 {
                assumed.push(name);
            }
        }
        if let Some(c) = cap {
            env = env.assumption(Assumption::new("env:cap", "few retries").predicate(move |s: &Faulty| s.retries <= c));
            assumed.push("env:cap".to_owned());
        }
        // The oracle counts only what is assumed.
        let oracle_case = Case {
            bounds: [0, 1].map(|k| if case.bounds[k].0 == 0 { (0, 0) } else { case.bounds[k] }),
            ..case
        };
        let got = musil::open::check_open_assuming(&model, &[env], &assumed).unwrap();
        let want = check(&oracle(oracle_case));
        prop_assert_eq!(got.result.ok, want.ok);
        prop_assert_eq!(got.result.kind, want.kind);
        prop_assert_eq!(got.result.states_explored, want.states_explored);
        prop_assert_eq!(got.result.action_names(), want.action_names());
        let states: Vec<&Faulty> = want.trace.iter().map(|s| &s.state.s).collect();
        prop_assert_eq!(got.result.trace.iter().map(|s| &s.state).collect::<Vec<_>>(), states);
        // A counterexample under assumptions never breaks what was assumed.
        let broken: Vec<String> = got.broken_assumptions().into_iter().map(|b| b.name).collect();
        prop_assert!(broken.iter().all(|b| !assumed.contains(b)), "{:?} {:?}", broken, assumed);
    }
}

// ---------------------------------------------------------------------------------------------
// Every factory: behaviour names and the full assumption table, verbatim from the original
// ---------------------------------------------------------------------------------------------

type Row = (&'static str, Status, &'static str, &'static str);

/// Every assumption the library ships, in module definition order: (name, status, source,
/// description).
const SHIPPED: [Row; 22] = [
    (
        "aws:s3-eventual-delivery",
        Status::Unverified,
        "AWS docs: Amazon S3 > Strong consistency",
        "S3 PUT responses are eventually delivered; strong consistency for new objects",
    ),
    (
        "aws:region-availability",
        Status::Unverified,
        "AWS SLA: Compute Service Level Agreement",
        "At least one AWS region is available and reachable; multi-region failover eventually succeeds",
    ),
    (
        "aws:throttle-transient",
        Status::Unverified,
        "AWS docs: General reference > Error retries and exponential backoff",
        "Throttling events are transient; exponential backoff with jitter eventually succeeds (SDK default: up to 8 retries)",
    ),
    (
        "aws:iam-correctness",
        Status::Verified,
        "AWS docs: IAM > Security in AWS Identity and Access Management",
        "IAM correctly enforces permissions; unauthorized requests are rejected",
    ),
    (
        "etcd:quorum-maintained",
        Status::Unverified,
        "etcd docs: Clustering guide § Fault tolerance; Ongaro & Ousterhout, USENIX ATC 2014",
        "etcd cluster maintains quorum (>50% of members healthy) throughout; a minority partition cannot elect a leader or accept writes",
    ),
    (
        "etcd:bounded-leader-election",
        Status::Unverified,
        "etcd docs: Tuning § Time parameters",
        "Leader elections complete within a bounded time (default election timeout: 1000ms); clients that retry writes after an election eventually succeed",
    ),
    (
        "etcd:unique-leader",
        Status::Verified,
        "Ongaro & Ousterhout, 'In Search of an Understandable Consensus Algorithm', USENIX ATC 2014 § 5 (Safety)",
        "At most one etcd leader exists at any point; Raft guarantees linearizability for committed writes",
    ),
    (
        "etcd:compaction-bounded",
        Status::Unverified,
        "etcd docs: Operations guide § Maintenance § History compaction",
        "etcd compaction removes only revisions older than the configured retention window; keys within the window are always readable",
    ),
    (
        "k8s:node-capacity",
        Status::Unverified,
        "Kubernetes docs: Concepts > Workloads > Pod lifecycle § Disruptions",
        "At least one schedulable node exists after any eviction; the scheduler can always place the evicted pod",
    ),
    (
        "k8s:scheduler-liveness",
        Status::Unverified,
        "Kubernetes docs: Concepts > Scheduling, Preemption and Eviction",
        "kube-scheduler eventually places any Pending pod on an available node",
    ),
    (
        "k8s:eviction-rate-bounded",
        Status::Unverified,
        "Kubernetes docs: Tasks > Run Applications > Configure a Disruption Budget",
        "Concurrent pod evictions are bounded by the cluster PodDisruptionBudget; the scheduler will not evict pods beyond the budget",
    ),
    (
        "linux:oom-killer-bounded",
        Status::Unverified,
        "Linux kernel docs: admin-guide/mm/concepts § OOM killer",
        "The OOM killer fires only under genuine memory pressure; it selects victims by oom_score and kills at most one process per invocation",
    ),
    (
        "linux:signal-delivery",
        Status::Unverified,
        "Linux man-pages: signal(7) § Standard signals",
        "Signals sent to a process are eventually delivered (subject to signal masks and process state)",
    ),
    (
        "linux:fs-rename-atomic",
        Status::Verified,
        "Linux man-pages: rename(2) § NOTES",
        "rename(2) is atomic within the same filesystem; either the old name or the new name is visible, never both nor neither",
    ),
    (
        "linux:enospc-recoverable",
        Status::Unverified,
        "Operational assumption — must be verified per deployment",
        "ENOSPC conditions are transient; disk space becomes available after log rotation or other cleanup",
    ),
    (
        "sel4:hardware-memory-safety",
        Status::Axiom,
        "Klein et al., 'seL4: Formal Verification of an OS Kernel', SOSP 2009 § 2 (TCB)",
        "Physical memory does not corrupt silently; CPU executes instructions faithfully. This is seL4's Trusted Computing Base (TCB) — the axiom the formal proof rests on.",
    ),
    (
        "sel4:capability-integrity",
        Status::Verified,
        "Klein et al., 'seL4: Formal Verification of an OS Kernel', SOSP 2009 § 4",
        "Capability access requires explicit delegation from a parent; seL4 formally proves no capability can be forged or leaked",
    ),
    (
        "sel4:ipc-liveness",
        Status::Unverified,
        "seL4 Reference Manual § 4 (IPC); liveness is not covered by the SOSP 2009 functional correctness proof",
        "Blocking IPC calls with a finite timeout are eventually scheduled; the seL4 scheduler does not starve any domain indefinitely",
    ),
    (
        "storage:attach-exclusive",
        Status::Unverified,
        "AWS EBS docs: a volume attaches to one instance at a time (except Multi-Attach); general block-storage contract",
        "A block volume is attached to at most one node at a time; a second attach waits for or force-detaches the first (barring explicit multi-attach)",
    ),
    (
        "storage:data-presence-sensed",
        Status::Unverified,
        "Operational assumption: the node must implement the sense and the deployment must guarantee it resolves",
        "After an attach a node eventually SENSES whether the volume holds its own data (a sentinel/marker read) and refuses to serve a wrong or empty volume, so a data-loss state is detectable and thus recoverable -- this is what makes []<>recovered provable rather than a wrong volume silently served",
    ),
    (
        "distributed:credential-rotation-observed",
        Status::Unverified,
        "OAuth 2.0 access-token expiry (RFC 6749 §1.5); secret-rotation practice",
        "A credential can be rotated (invalidated) at any moment; the holder eventually observes the invalidation on its next authenticated call and re-authenticates, rather than trusting a cached token indefinitely",
    ),
    (
        "distributed:reality-eventually-sensed",
        Status::Unverified,
        "Read-repair / cache-invalidation practice: the record is not the territory",
        "A component's cached RECORD of external state can diverge from REALITY at any time (a restart, a cutover, a re-attached or empty volume); a correct component re-validates the record against a real read on recovery and does not treat its own record as ground truth",
    ),
];

fn row<S>(a: &Assumption<S>) -> Row {
    let shipped =
        SHIPPED.iter().find(|r| r.0 == a.name).unwrap_or_else(|| panic!("{} is not shipped", a.name));
    assert_eq!(
        (a.name.as_str(), a.status, a.source.as_str(), a.description.as_str()),
        (shipped.0, shipped.1, shipped.2, shipped.3),
        "{}",
        a.name
    );
    assert!(a.predicate.is_none(), "{}", a.name);
    *shipped
}

fn table<S>(env: &EnvironmentSpec<S>) -> Vec<Row> {
    env.assumptions
        .iter()
        .map(|(key, a)| {
            assert_eq!(key, &a.name);
            row(a)
        })
        .collect()
}

fn shipped(names: &[&str]) -> Vec<Row> {
    names.iter().map(|n| *SHIPPED.iter().find(|r| r.0 == *n).unwrap()).collect()
}

fn assert_env<S: musil::State>(
    env: &EnvironmentSpec<S>,
    name: &str,
    behaviours: &[&str],
    assumptions: &[&str],
) {
    assert_eq!(env.name, name);
    assert_eq!(env.behaviour_names(), behaviours, "{name}");
    assert!(env.behaviours.iter().all(|b| b.fairness().is_none()), "{name}: behaviours are unfair");
    assert!(env.guarantees.is_empty(), "{name}: no factory ships guarantees");
    assert_eq!(table(env), shipped(assumptions), "{name}");
}

fn never(_: &u8) -> bool {
    false
}

fn same(n: &u8) -> u8 {
    *n
}

#[test]
fn every_assumption_function_returns_its_shipped_row() {
    let all: Vec<Assumption<u8>> = vec![
        aws::s3_eventual_delivery(),
        aws::region_availability(),
        aws::throttle_transient(),
        aws::iam_correctness(),
        etcd::quorum_maintained(),
        etcd::bounded_leader_election(),
        etcd::unique_leader(),
        etcd::compaction_bounded(),
        k8s::node_capacity(),
        k8s::scheduler_liveness(),
        k8s::eviction_rate_bounded(),
        linux::oom_killer_bounded(),
        linux::signal_delivery(),
        linux::fs_rename_atomic(),
        linux::enospc_recoverable(),
        sel4::hardware_memory_safety(),
        sel4::cap_integrity(),
        sel4::ipc_liveness(),
        storage::volume_attach_exclusive(),
        storage::data_presence_sensed(),
        distributed::credential_rotation_observed(),
        distributed::reality_eventually_sensed(),
    ];
    let rows: Vec<Row> = all.iter().map(row).collect();
    assert_eq!(rows, SHIPPED);
}

#[test]
fn aws_factory_table() {
    let assumptions = ["aws:s3-eventual-delivery", "aws:region-availability", "aws:throttle-transient"];
    assert_env(&aws::aws_api_faults(never, same).build(), "aws", &["aws:throttle"], &assumptions);
    assert_env(
        &aws::aws_api_faults(never, same).timeout(never, same).build(),
        "aws",
        &["aws:throttle", "aws:timeout"],
        &assumptions,
    );
}

#[test]
fn etcd_factory_table() {
    let assumptions = ["etcd:quorum-maintained", "etcd:bounded-leader-election", "etcd:compaction-bounded"];
    let base = || etcd::cluster_faults(never, same);
    assert_env(&base().build(), "etcd", &["etcd:leader-change"], &assumptions);
    assert_env(
        &base().write_conflict(never, same).build(),
        "etcd",
        &["etcd:leader-change", "etcd:write-conflict"],
        &assumptions,
    );
    assert_env(
        &base().compaction(never, same).build(),
        "etcd",
        &["etcd:leader-change", "etcd:compaction"],
        &assumptions,
    );
    let all = ["etcd:leader-change", "etcd:write-conflict", "etcd:compaction"];
    assert_env(
        &base().write_conflict(never, same).compaction(never, same).build(),
        "etcd",
        &all,
        &assumptions,
    );
    assert_env(
        &base().compaction(never, same).write_conflict(never, same).build(),
        "etcd",
        &all,
        &assumptions,
    );
}

#[test]
fn k8s_factory_table() {
    let assumptions = ["k8s:node-capacity", "k8s:scheduler-liveness", "k8s:eviction-rate-bounded"];
    assert_env(&k8s::pod_eviction(never, same).build(), "k8s", &["k8s:evict-pod"], &assumptions);
    assert_env(
        &k8s::pod_eviction(never, same).oom_kill(never, same).build(),
        "k8s",
        &["k8s:evict-pod", "k8s:oom-kill"],
        &assumptions,
    );
}

#[test]
fn linux_factory_tables() {
    let process = ["linux:oom-killer-bounded", "linux:signal-delivery"];
    assert_env(&linux::process_faults(never, same).build(), "linux", &["linux:oom-kill"], &process);
    assert_env(
        &linux::process_faults(never, same).sigterm(never, same).build(),
        "linux",
        &["linux:oom-kill", "linux:sigterm"],
        &process,
    );
    assert_env(
        &linux::fs_faults(never, same).build(),
        "linux",
        &["linux:enospc"],
        &["linux:fs-rename-atomic", "linux:enospc-recoverable"],
    );
}

#[test]
fn sel4_factory_table() {
    let assumptions = ["sel4:hardware-memory-safety", "sel4:capability-integrity", "sel4:ipc-liveness"];
    assert_env(&sel4::capability_revocation(never, same).build(), "sel4", &["sel4:cap-revoke"], &assumptions);
    assert_env(
        &sel4::capability_revocation(never, same).ipc_timeout(never, same).build(),
        "sel4",
        &["sel4:cap-revoke", "sel4:ipc-timeout"],
        &assumptions,
    );
}

#[test]
fn storage_factory_table() {
    let assumptions = ["storage:attach-exclusive", "storage:data-presence-sensed"];
    let all = [
        "storage:volume-detached",
        "storage:wrong-volume-attached",
        "storage:empty-volume-attached",
        "storage:detach-during-write",
    ];
    // Every non-empty subset of the four faults, added in reverse order: behaviours keep the
    // fixed order.
    for mask in 1u8..16 {
        let mut b = storage::block_volume_faults::<u8>();
        if mask & 8 != 0 {
            b = b.detach_during_write(never, same);
        }
        if mask & 4 != 0 {
            b = b.empty_attach(never, same);
        }
        if mask & 2 != 0 {
            b = b.wrong_attach(never, same);
        }
        if mask & 1 != 0 {
            b = b.detach(never, same);
        }
        let expected: Vec<&str> = (0..4).filter(|i| mask & (1 << i) != 0).map(|i| all[i]).collect();
        let env: EnvironmentSpec<u8> = b.try_into().unwrap();
        assert_env(&env, "storage", &expected, &assumptions);
    }
}

#[test]
fn distributed_factory_tables() {
    assert_env(
        &distributed::credential_rotation(never, same).build(),
        "distributed",
        &["distributed:credential-rotation"],
        &["distributed:credential-rotation-observed"],
    );
    assert_env(
        &distributed::record_reality_divergence(never, same).build(),
        "distributed",
        &["distributed:record-reality-divergence"],
        &["distributed:reality-eventually-sensed"],
    );
}

#[test]
fn factories_pass_guard_and_effect_through() {
    let env = aws::aws_api_faults(|n: &u8| *n == 7, |n| n * 2).timeout(|n: &u8| *n == 1, |_| 0).build();
    let throttle = &env.behaviours[0];
    assert!(throttle.is_enabled(&7) && !throttle.is_enabled(&1));
    assert_eq!(throttle.apply(&7), 14);
    let timeout = &env.behaviours[1];
    assert!(timeout.is_enabled(&1));
    assert_eq!(timeout.apply(&1), 0);
}
