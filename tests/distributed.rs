//! The check across processes (`musil::distributed`, feature `distributed`) against the
//! single-process check: verdict, state count, transition count and trace equal for 1, 2 and 4
//! processes on TCP loopback, on the shared benchmark models and on models whose problem lies
//! deep in the search; and a process that dies or hangs makes the others fail, never pass.
//!
//! Each process is this test binary run again with `--process <case> <index> <addresses>`: it
//! prints one `RESULT` line (or `ERROR`), which the parent compares with the serial answer.
//! The binary has its own `main` (no libtest harness), so that the re-invoked processes run
//! only their part; it ends with `N passed, M failed`.

#[path = "../benches/common/models.rs"]
mod models;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use models::{Counters, Phils, TokenRing, TwoPhase};
use musil::distributed::{self, Cluster};
use musil::{CheckResult, Checker, Config, Model, Stats, System};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How long one process of a case may run before the test calls it hung.
const CASE_LIMIT: Duration = Duration::from_secs(300);

/// N counters from 0, `inc_i` adding one to counter i where `enabled(state, i)`.
fn climbing<const N: usize>(enabled: fn(&[u8; N], usize) -> bool) -> Model<[u8; N]> {
    (0..N).fold(Model::new([0u8; N]), |m, i| {
        m.action(
            format!("inc_{i}"),
            move |s: &[u8; N]| enabled(s, i),
            move |s| {
                let mut t = *s;
                t[i] += 1;
                t
            },
        )
    })
}

/// A model whose invariant breaks 30 levels down: four counters, the sum reaches 30.
fn deep_invariant() -> Model<[u8; 4]> {
    climbing::<4>(|s, i| s[i] < 9)
        .invariant("sum below 30", |s| s.iter().map(|&c| u32::from(c)).sum::<u32>() < 30)
}

/// A deadlock 24 levels down ([6, 6, 6, 6], where nothing is enabled and which is not
/// terminal), among ~2400 states.
fn deep_deadlock() -> Model<[u8; 4]> {
    climbing::<4>(|s, i| s[i] < 6 && *s != [6, 6, 6, 5]).terminal(|s| s.iter().any(|&c| c < 6))
}

/// An edge invariant broken on a transition at depth 20 (into [5, 5, 5, 5]).
fn deep_edge() -> Model<[u8; 4]> {
    climbing::<4>(|s, i| s[i] < 7)
        .edge_invariant("never all five", |_, _, t| *t != [5, 5, 5, 5])
        .terminal(|_| true)
}

/// A guard that panics at depth 17.
fn deep_panic() -> Model<[u8; 3]> {
    climbing::<3>(|s, i| {
        assert!(!(i == 2 && *s == [6, 6, 5]), "guard of inc_2 refuses [6, 6, 5]");
        s[i] < 9
    })
    .terminal(|_| true)
}

/// A slow chain (2 ms a state), long enough to kill a process in the middle.
fn slow_chain() -> Model<u32> {
    Model::new(0u32)
        .action(
            "inc",
            |n| {
                std::thread::sleep(Duration::from_millis(2));
                *n < 1_000_000
            },
            |n| n + 1,
        )
        .terminal(|_| true)
}

fn config<S: std::hash::Hash + Eq>() -> Config<S> {
    Config::new().progress(false).max_states(usize::MAX)
}

/// Every case: its name, and what a process answers for it.
const CASES: &[&str] = &[
    "counters",
    "counters-capped",
    "token-ring",
    "phils",
    "2pc",
    "deep-invariant",
    "deep-deadlock",
    "deep-edge",
    "deep-panic",
    "deep-capped",
    "canonical",
];

/// The answer of one case, in one process: distributed (`cluster`) or serial (`None`).
fn answer(case: &str, cluster: Option<&Cluster>) -> Result<String, String> {
    match case {
        "counters" => summary(&Counters::<4> { k: 9 }, config(), cluster),
        "counters-capped" => summary(&Counters::<4> { k: 9 }, config().max_states(4321), cluster),
        "token-ring" => summary(&TokenRing::<12>, config(), cluster),
        "phils" => summary(&Phils::<10> { ordered: true }, config(), cluster),
        "2pc" => summary(&TwoPhase { n: 5 }, config(), cluster),
        "deep-invariant" => summary(&deep_invariant(), config(), cluster),
        "deep-deadlock" => summary(&deep_deadlock(), config(), cluster),
        "deep-edge" => summary(&deep_edge(), config(), cluster),
        "deep-panic" => summary(&deep_panic(), config(), cluster),
        "deep-capped" => summary(&deep_invariant(), config().max_states(1500), cluster),
        "canonical" => {
            // Symmetry: counters sorted, so only multisets are stored.
            let config = config().canonicalize(|s: &[u8; 4]| {
                let mut t = *s;
                t.sort_unstable();
                t
            });
            summary(&deep_invariant(), config, cluster)
        }
        "slow-chain" => summary(&slow_chain(), config(), cluster),
        other => Err(format!("unknown case {other}")),
    }
}

/// Verdict, count, transitions and trace of one check, as one line.
fn summary<T>(sys: &T, config: Config<T::State>, cluster: Option<&Cluster>) -> Result<String, String>
where
    T: System,
    T::State: Serialize + DeserializeOwned,
{
    let (result, stats): (CheckResult<T::State>, Stats) = match cluster {
        None => Checker::new(sys).config(config).check_with_stats(),
        Some(cluster) => {
            let got = distributed::check(sys, &config, cluster).map_err(|e| e.to_string())?;
            (got.result, got.stats)
        }
    };
    let trace: Vec<String> = result.trace.iter().map(|s| format!("{}->{:?}", s.action, s.state)).collect();
    Ok(format!(
        "ok={} kind={:?} states={} transitions={} truncated={} invariant={:?} reason={:?} fault={:?} trace={}",
        result.ok,
        result.kind,
        result.states_explored,
        stats.transitions,
        result.truncated,
        result.invariant,
        result.reason,
        result.fault,
        trace.join(" ")
    ))
}

/// `--process <case> <index> <addresses>`: one process of a case.
fn process(args: &[String]) -> std::process::ExitCode {
    let [case, index, addresses] = args else {
        eprintln!("usage: --process <case> <index> <host:port,...>");
        return std::process::ExitCode::from(2);
    };
    let addresses: Vec<String> = addresses.split(',').map(str::to_owned).collect();
    let cluster = match Cluster::new(index.parse().unwrap_or(usize::MAX), addresses) {
        Ok(c) => c.timeout(Duration::from_secs(20)),
        Err(e) => {
            println!("ERROR {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if case == "slow-chain" && index == "1" && std::env::var_os("MUSIL_TEST_EXIT_AFTER_MS").is_some() {
        // This process leaves in the middle of the search, without a word to the others.
        let ms: u64 =
            std::env::var("MUSIL_TEST_EXIT_AFTER_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(ms));
            std::process::exit(7);
        });
    }
    let answered = if case == "mismatched-cap" {
        // Each process with its own cap: the processes must refuse to run together.
        let cap = 1000 + cluster.process();
        summary(&deep_invariant(), config().max_states(cap), Some(&cluster))
    } else {
        answer(case, Some(&cluster))
    };
    match answered {
        Ok(line) => {
            println!("RESULT {line}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            println!("ERROR {e}");
            std::process::ExitCode::from(1)
        }
    }
}

/// `n` free loopback addresses.
fn addresses(n: usize) -> Vec<String> {
    let listeners: Vec<std::net::TcpListener> =
        (0..n).map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port")).collect();
    listeners.iter().map(|l| l.local_addr().expect("an address").to_string()).collect()
}

/// Start the `n` processes of `case`.
fn start(case: &str, n: usize, env: &[(&str, &str)]) -> Vec<Child> {
    let exe = std::env::current_exe().expect("the test binary");
    let addresses = addresses(n).join(",");
    (0..n)
        .map(|i| {
            let mut cmd = Command::new(&exe);
            cmd.args(["--process", case, &i.to_string(), &addresses])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            for (k, v) in env {
                cmd.env(k, v);
            }
            cmd.spawn().expect("start a process")
        })
        .collect()
}

/// Wait for a process at most `limit` (then kill it): its exit code (`None`: killed by the
/// limit or a signal) and its stdout and stderr.
fn finish(mut child: Child, limit: Duration) -> (Option<i32>, String, String) {
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait().expect("wait for a process") {
            Some(status) => break status.code(),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let (mut out, mut err) = (String::new(), String::new());
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut out);
    }
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    (status, out, err)
}

/// One case on `n` processes: every process's answer equals the serial one.
fn same_answer(case: &str, n: usize, serial: &str) -> Result<(), String> {
    let children = start(case, n, &[]);
    for (i, child) in children.into_iter().enumerate() {
        let (code, out, err) = finish(child, CASE_LIMIT);
        let line = out.lines().find_map(|l| l.strip_prefix("RESULT ").or(l.strip_prefix("ERROR ")));
        if code != Some(0) {
            return Err(format!("{case} on {n}: process {i} exited {code:?}: {line:?}\n{err}"));
        }
        let line =
            line.ok_or_else(|| format!("{case} on {n}: process {i} printed no result\n{out}\n{err}"))?;
        if line != serial {
            return Err(format!(
                "{case} on {n}: process {i} answered\n  {line}\nthe serial check\n  {serial}"
            ));
        }
    }
    Ok(())
}

/// A process that leaves in the middle: every other fails with the cluster's error, quickly.
fn death(how: &str) -> Result<(), String> {
    let mut children = if how == "exit" {
        start("slow-chain", 3, &[("MUSIL_TEST_EXIT_AFTER_MS", "3000")])
    } else {
        start("slow-chain", 3, &[])
    };
    // Late enough for the cluster to be connected and searching (timely retries connections
    // once a second); a loaded machine may still be connecting, which fails as clearly.
    std::thread::sleep(Duration::from_millis(3000));
    let mut victim = children.remove(1);
    let prepared = match how {
        "kill" => victim.kill().map_err(|e| format!("cannot kill: {e}")),
        // A process that hangs (stopped, its connections open): the others time out.
        // The shell's own `kill`, so no procps is needed.
        "stop" => match Command::new("sh").args(["-c", &format!("kill -STOP {}", victim.id())]).status() {
            Ok(s) if s.success() => Ok(()),
            other => Err(format!("cannot stop a process with kill -STOP: {other:?}")),
        },
        _ => Ok(()),
    };
    let began = Instant::now();
    let mut result = prepared;
    for (i, child) in children.into_iter().enumerate() {
        let (code, out, err) = finish(child, Duration::from_secs(120));
        let line = out.lines().find(|l| l.starts_with("RESULT ") || l.starts_with("ERROR ")).unwrap_or("");
        let expected = if how == "stop" { "waited" } else { "lost the cluster" };
        let connecting = "cannot connect the cluster";
        if code == Some(0) || line.starts_with("RESULT") {
            result = Err(format!("{how}: survivor {i} answered (exit {code:?}): {line}"));
        } else if code.is_none() {
            result = Err(format!("{how}: survivor {i} hung (killed after 120 s)\n{err}"));
        } else if !line.contains(expected) && !line.contains(connecting) {
            result = Err(format!("{how}: survivor {i} failed without saying {expected:?}: {line}\n{err}"));
        }
    }
    let _ = victim.kill();
    let _ = victim.wait();
    if result.is_ok() && began.elapsed() > Duration::from_secs(60) {
        result = Err(format!("{how}: the survivors took {:?} to fail", began.elapsed()));
    }
    result
}

/// Processes with different settings refuse to run together, each saying so.
fn mismatch() -> Result<(), String> {
    for (i, child) in start("mismatched-cap", 2, &[]).into_iter().enumerate() {
        let (code, out, err) = finish(child, Duration::from_secs(120));
        let line = out.lines().find(|l| l.starts_with("RESULT ") || l.starts_with("ERROR ")).unwrap_or("");
        if code == Some(0) || !line.contains("other settings") {
            return Err(format!(
                "process {i} (exit {code:?}) said {line:?}, not that the settings differ\n{err}"
            ));
        }
    }
    Ok(())
}

/// Refused settings and bad clusters are errors that say what was wrong.
fn refusals() -> Result<(), String> {
    let m = deep_invariant();
    let err = |config: Config<[u8; 4]>| match distributed::check(&m, &config, &Cluster::single()) {
        Ok(_) => Err("a refused setting ran".to_string()),
        Err(e) => Ok(e.to_string()),
    };
    let e = err(config().workers(2))?;
    if !e.contains("workers(2)") {
        return Err(format!("workers: {e}"));
    }
    let e = err(config().fingerprint(true))?;
    if !e.contains("fingerprint") {
        return Err(format!("fingerprint: {e}"));
    }
    let e = err(config().memory_budget(1 << 20))?;
    if !e.contains("memory_budget") {
        return Err(format!("memory budget: {e}"));
    }
    let e = err(config().key(|s: &[u8; 4]| s[0]))?;
    if !e.contains("key") {
        return Err(format!("key: {e}"));
    }
    let bad = [
        Cluster::new(0, vec![]).err().map(|e| e.to_string()),
        Cluster::new(2, vec!["a:1".into(), "b:2".into()]).err().map(|e| e.to_string()),
        Cluster::new(0, vec!["nohost".into()]).err().map(|e| e.to_string()),
        Cluster::from_hostfile("/nonexistent/hosts", 0).err().map(|e| e.to_string()),
    ];
    let wanted = ["empty", "not one of the 2", "\"nohost\"", "/nonexistent/hosts"];
    for (got, want) in bad.iter().zip(wanted) {
        match got {
            Some(e) if e.contains(want) => {}
            other => return Err(format!("a bad cluster gave {other:?}, not an error naming {want:?}")),
        }
    }
    Ok(())
}

/// One test: `Err` says what went wrong.
type Test = Box<dyn Fn() -> Result<(), String>>;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--process") {
        return process(&args[1..]);
    }
    // Arguments that do not start with `-` filter the tests by name (cargo's own flags, such
    // as `--nocapture`, are ignored).
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let mut tests: Vec<(String, Test)> = Vec::new();
    for &case in CASES {
        for n in [1usize, 2, 4] {
            tests.push((
                format!("{case} on {n} processes"),
                Box::new(move || {
                    let serial = answer(case, None)?;
                    same_answer(case, n, &serial)
                }),
            ));
        }
    }
    tests.push(("refused settings and bad clusters".into(), Box::new(refusals)));
    tests.push(("processes with different settings refuse to run".into(), Box::new(mismatch)));
    for how in ["kill", "exit", "stop"] {
        tests.push((format!("a process that dies ({how}) fails the others"), Box::new(move || death(how))));
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for (name, test) in &tests {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let began = Instant::now();
        match test() {
            Ok(()) => {
                passed += 1;
                println!("test {name} ... ok ({:.1} s)", began.elapsed().as_secs_f64());
            }
            Err(e) => {
                failed += 1;
                println!("test {name} ... FAILED\n{e}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE }
}
