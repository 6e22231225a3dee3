//! Open-system checking: the facts the original's tests pin and the ones observed by running
//! it (spec open_systems §2–§4), the composition rules, and every shipped environment's
//! behaviours and assumption table.

use std::time::Instant;

use musil::open::environments::{aws, distributed, etcd, k8s, linux, sel4, storage};
use musil::open::{
    Assumption, EnvironmentSpec, OpenResult, Status, check_open, compose, residual_assumptions,
};
use musil::{Kind, Model, assert_ok, assert_violates, check, explore};

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
fn assumption_predicate_is_stored_not_used() {
    let a: Assumption<Service> = Assumption::new("always-idle-or-running", "Status is never 'crashed'")
        .predicate(|s: &Service| s.status != "crashed");
    let p = a.predicate.as_ref().expect("stored");
    assert!(p(&service("idle")));
    assert!(!p(&service("crashed")));
    // check_open never evaluates it: a predicate false everywhere changes nothing.
    let env =
        EnvironmentSpec::new("e").assumption(Assumption::new("never", "never holds").predicate(|_| false));
    let r = check_open(&base_model(), &[env]);
    assert!(r.ok());
    assert_eq!(residual_names(&r), ["never"]);
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
