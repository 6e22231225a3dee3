//! Throughput and memory on the four shared benchmark models (`../shared/bench/MODELS.md`).
//!
//! ```text
//! cargo bench --bench models                      # the standard table (a few minutes)
//! cargo bench --bench models -- --quick           # smallest sizes only (what CI runs)
//! cargo bench --bench models -- counters 7 9 --workers 2
//! cargo bench --bench models -- --repeat 5                  # each row: the median of 5 runs
//! cargo bench --bench models -- counters 9 --fingerprint --workers 2   # fingerprint mode, 10^9 states
//! MUSIL_BENCH_FINGERPRINT=1 cargo bench --bench models -- 2pc 8   # the same switch, for every row
//! cargo bench --bench models --features distributed -- counters 6 --processes 2
//! ```
//! With `--processes P` (feature `distributed`) a row is the check across P processes on
//! loopback (`musil::distributed`), each process this binary run again; its workers column says
//! `1 x P processes`, its peak RSS is the processes' added up, and a line under the table gives
//! the bytes the processes sent each other. Models: `counters`, `token-ring`, `phils`,
//! `2pc-heap` (their states are serde types).
//! Each row runs in a child process so that its peak memory (VmHWM) is its own. Columns:
//! states, transitions (initial states included, as the peers count them), wall seconds,
//! states per second, peak RSS, peak RSS per state, and the store's own bytes per state (the
//! states' inline parts, parent links and index; heap parts of states not included).
//!
//! `2pc` is two-phase commit with each state packed in a `u64`; `2pc-heap` is the same graph
//! with stateright's own state type (a `Vec` per field and a `BTreeSet` of messages), which
//! allocates on every successor.
//!
//! `counters-closures-inplace` is `counters-closures` with effects that edit the state in place
//! (`Model::action_in_place`), so a successor already known allocates nothing;
//! `registry-closures` and `registry-closures-inplace` are one model of `String` and `BTreeMap`
//! fields in the two forms.
//!
//! The `-compact` rows run a model through `musil::compact::Compact`: every state stored as
//! its postcard encoding, inline in the store (`2pc-heap-compact`: the in-place two-phase
//! commit of `2pc-heap-inplace`, whose successors refill spare states). Registry 9 takes at
//! most 70 bytes (nine entries of a length, a 5-byte name and an owner, the last name, the
//! map's length); counters packs up to seven counters in 8 bytes.

#[path = "common/models.rs"]
mod models;

use std::process::Command;

use models::{
    Counters, PackedTwoPhase, Phils, TokenRing, TwoPhase, TwoPhaseInPlace, counters_array_model,
    counters_inplace_model, counters_model, registry_model,
};
use musil::compact::{Compact, Postcard};
use musil::{Checker, Stats, System};

/// Whether rows run in fingerprint mode (`--fingerprint`, passed to each row's process as
/// `MUSIL_BENCH_FINGERPRINT`).
fn fingerprinted() -> bool {
    std::env::var_os("MUSIL_BENCH_FINGERPRINT").is_some()
}

fn run<T: System>(sys: &T, workers: usize) -> Stats {
    let (result, stats) = Checker::new(sys)
        .max_states(usize::MAX)
        .workers(workers)
        .fingerprint(fingerprinted())
        .check_with_stats();
    assert!(result.ok, "the benchmark invariant holds: {result}");
    if let Some(p) = stats.collision_probability {
        eprintln!("fingerprint collision probability for this run: at most {p:.3e}");
    }
    stats
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

macro_rules! sized {
    ($n:expr, $workers:expr, $make:ident, [$($size:literal),*]) => {
        match $n {
            $($size => run(&$make::<$size>(), $workers),)*
            other => panic!("size {other} is not compiled in; add it to benches/models.rs"),
        }
    };
}

fn counters<const N: usize>() -> Counters<N> {
    Counters { k: 9 }
}
fn counters1<const N: usize>() -> Counters<N> {
    Counters { k: 1 }
}
fn counters_array<const N: usize>() -> musil::Model<models::Bytes<N>> {
    counters_array_model::<N>(9)
}
fn ring<const L: usize>() -> TokenRing<L> {
    TokenRing
}
fn phils<const N: usize>() -> Phils<N> {
    Phils { ordered: true }
}

/// Run one model in this process and print its row.
fn single(model: &str, n: usize, k: u8, workers: usize) {
    let stats = match (model, k) {
        ("counters", 1) => sized!(n, workers, counters1, [2, 3, 10, 16, 20]),
        ("counters", _) => sized!(n, workers, counters, [2, 3, 4, 5, 6, 7, 8, 9]),
        ("counters-closures", _) => run(&counters_model(n, k), workers),
        ("counters-closures-inplace", _) => run(&counters_inplace_model(n, k), workers),
        ("registry-closures", _) => run(&registry_model(n, false), workers),
        ("registry-closures-inplace", _) => run(&registry_model(n, true), workers),
        ("counters-closures-array", _) => sized!(n, workers, counters_array, [2, 3, 6, 7]),
        ("token-ring", _) => sized!(n + 1, workers, ring, [4, 9, 12, 15, 17, 19]),
        ("phils", _) => sized!(n, workers, phils, [3, 10, 11, 12, 13, 14, 15, 16, 17, 18]),
        ("2pc", _) => run(&PackedTwoPhase { n }, workers),
        ("2pc-heap", _) => run(&TwoPhase { n }, workers),
        ("2pc-heap-inplace", _) => run(&TwoPhaseInPlace(TwoPhase { n }), workers),
        // Each state packed in its largest encoding, 4N + 5 bytes.
        ("2pc-heap-compact", _) => match n {
            3 => run(&Compact::<_, Postcard, 17>::new(TwoPhaseInPlace(TwoPhase { n })), workers),
            8 => run(&Compact::<_, Postcard, 37>::new(TwoPhaseInPlace(TwoPhase { n })), workers),
            9 => run(&Compact::<_, Postcard, 41>::new(TwoPhaseInPlace(TwoPhase { n })), workers),
            other => panic!("size {other} is not compiled in; add it to benches/models.rs"),
        },
        ("counters-closures-compact", _) => {
            run(&Compact::<_, Postcard, 8>::new(counters_inplace_model(n, k)), workers)
        }
        ("registry-closures-compact", _) => {
            run(&Compact::<_, Postcard, 70>::new(registry_model(n, true)), workers)
        }
        _ => panic!("unknown model {model}"),
    };
    let rss = peak_rss_kib();
    let transitions = stats.transitions + 1;
    println!(
        "| {model} | {n}{} | {workers} | {} | {} | {:.3} | {:.0} | {:.1} | {:.0} | {:.1} |",
        match (model.starts_with("counters"), fingerprinted()) {
            (true, true) => format!(" (K={k}, fingerprint)"),
            (true, false) => format!(" (K={k})"),
            (false, true) => " (fingerprint)".to_owned(),
            (false, false) => String::new(),
        },
        stats.states,
        transitions,
        stats.seconds,
        stats.states as f64 / stats.seconds,
        rss as f64 / 1024.0,
        rss as f64 * 1024.0 / stats.states as f64,
        stats.store_bytes as f64 / stats.states as f64,
    );
}

/// One process of a row across processes: the check, then (process 0) the row's figures on
/// stdout as `states transitions secs store_bytes bytes_sent`, and every process's peak RSS.
#[cfg(feature = "distributed")]
mod across {
    use super::*;
    use musil::distributed::{self, Cluster};

    fn run<T>(sys: &T, cluster: &Cluster) -> (Stats, u64)
    where
        T: System,
        T::State: serde::Serialize + serde::de::DeserializeOwned,
    {
        let config = musil::Config::new().max_states(usize::MAX).progress(false);
        let got = distributed::check(sys, &config, cluster).unwrap_or_else(|e| panic!("{e}"));
        assert!(got.result.ok, "the benchmark invariant holds: {}", got.result);
        (got.stats, got.bytes_sent)
    }

    macro_rules! sized {
        ($n:expr, $cluster:expr, $make:ident, [$($size:literal),*]) => {
            match $n {
                $($size => run(&$make::<$size>(), $cluster),)*
                other => panic!("size {other} is not compiled in; add it to benches/models.rs"),
            }
        };
    }

    pub fn process(model: &str, n: usize, k: u8, index: usize, addresses: &str) {
        let addresses: Vec<String> = addresses.split(',').map(str::to_owned).collect();
        let cluster = Cluster::new(index, addresses).unwrap_or_else(|e| panic!("{e}"));
        let (stats, sent) = match (model, k) {
            ("counters", 1) => sized!(n, &cluster, counters1, [2, 3, 10, 16, 20]),
            ("counters", _) => sized!(n, &cluster, counters, [2, 3, 4, 5, 6, 7]),
            ("token-ring", _) => sized!(n + 1, &cluster, ring, [4, 9, 12, 15, 17, 19]),
            ("phils", _) => sized!(n, &cluster, phils, [3, 10, 11, 12, 13, 14, 15, 16, 17, 18]),
            ("2pc-heap", _) => run(&TwoPhase { n }, &cluster),
            _ => panic!("{model} is not run across processes (counters, token-ring, phils, 2pc-heap are)"),
        };
        if index == 0 {
            println!(
                "FIGURES {} {} {} {} {}",
                stats.states, stats.transitions, stats.seconds, stats.store_bytes, sent
            );
        }
        println!("RSS {}", peak_rss_kib());
    }
}

#[cfg(not(feature = "distributed"))]
mod across {
    pub fn process(_: &str, _: usize, _: u8, _: usize, _: &str) {
        panic!("rows across processes need the feature: cargo bench --bench models --features distributed");
    }
}

/// A row across `processes` processes on loopback: the row and its note (bytes sent), or
/// why it failed.
fn across_processes(
    exe: &std::path::Path,
    model: &str,
    n: usize,
    k: u8,
    processes: usize,
) -> Result<(String, String), String> {
    let listeners: Vec<std::net::TcpListener> = (0..processes)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let addresses: Vec<String> = listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.to_string()).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    drop(listeners);
    let addresses = addresses.join(",");
    let children: Vec<std::process::Child> = (0..processes)
        .map(|i| {
            Command::new(exe)
                .args(["--single-process", model, &n.to_string(), &k.to_string(), &i.to_string(), &addresses])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    let mut figures = None;
    let mut rss_kib = 0u64;
    for child in children {
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(f) = line.strip_prefix("FIGURES ") {
                figures = Some(f.split_whitespace().map(str::to_owned).collect::<Vec<_>>());
            } else if let Some(r) = line.strip_prefix("RSS ") {
                rss_kib += r.trim().parse::<u64>().unwrap_or(0);
            }
        }
    }
    let f = figures.ok_or("process 0 printed no figures")?;
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).ok_or("a malformed FIGURES line");
    let (states, transitions, secs, store, sent) = (num(0)?, num(1)? + 1.0, num(2)?, num(3)?, num(4)?);
    let row = format!(
        "| {model} | {n}{} | 1 x {processes} processes | {} | {} | {:.3} | {:.0} | {:.1} | {:.0} | {:.1} |\n",
        if model.starts_with("counters") { format!(" (K={k})") } else { String::new() },
        states,
        transitions,
        secs,
        states / secs,
        rss_kib as f64 / 1024.0,
        rss_kib as f64 * 1024.0 / states,
        store / states,
    );
    let note = format!(
        "{model} {n} on {processes} processes: {sent} bytes sent between processes, {:.1} B/state, {:.1} B/transition",
        sent / states,
        sent / transitions
    );
    Ok((row, note))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("--single-process") {
        let (k, index) = (args[3].parse().expect("k"), args[4].parse().expect("index"));
        across::process(&args[1], args[2].parse().expect("size"), k, index, &args[5]);
        return;
    }
    if args.first().map(String::as_str) == Some("--single") {
        let workers = args.get(4).and_then(|w| w.parse().ok()).unwrap_or(1);
        single(&args[1], args[2].parse().expect("size"), args[3].parse().expect("k"), workers);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let repeat: usize = match args.iter().position(|a| a == "--repeat") {
        Some(i) => args[i + 1].parse().expect("repeat"),
        None => 1,
    };
    let processes: Option<usize> =
        args.iter().position(|a| a == "--processes").map(|i| args[i + 1].parse().expect("processes"));
    if processes.is_some() && cfg!(not(feature = "distributed")) {
        eprintln!("--processes needs the feature: cargo bench --bench models --features distributed -- ...");
        std::process::exit(2);
    }
    let workers: Vec<usize> = match args.iter().position(|a| a == "--workers") {
        Some(i) => vec![args[i + 1].parse().expect("workers")],
        None => vec![1, 2],
    };
    let rows: Vec<(String, usize, u8)> = if let Some(model) = args.first().filter(|a| !a.starts_with("--")) {
        let n = args.get(1).and_then(|a| a.parse().ok()).expect("size");
        let k = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(9);
        vec![(model.clone(), n, k)]
    } else if quick {
        vec![
            ("counters".into(), 3, 9),
            ("counters-closures".into(), 3, 9),
            ("counters-closures-inplace".into(), 3, 9),
            ("counters-closures-array".into(), 3, 9),
            ("registry-closures".into(), 5, 9),
            ("registry-closures-inplace".into(), 5, 9),
            ("token-ring".into(), 8, 9),
            ("phils".into(), 3, 9),
            ("2pc".into(), 3, 9),
            ("2pc-heap".into(), 3, 9),
            ("2pc-heap-inplace".into(), 3, 9),
            ("2pc-heap-compact".into(), 3, 9),
            ("counters-closures-compact".into(), 3, 9),
            ("registry-closures-compact".into(), 5, 9),
        ]
    } else {
        vec![
            ("counters".into(), 6, 9),
            ("counters".into(), 7, 9),
            ("counters".into(), 20, 1),
            ("counters-closures".into(), 6, 9),
            ("counters-closures-inplace".into(), 6, 9),
            ("counters-closures-array".into(), 6, 9),
            ("registry-closures".into(), 9, 9),
            ("registry-closures-inplace".into(), 9, 9),
            ("token-ring".into(), 16, 9),
            ("token-ring".into(), 18, 9),
            ("phils".into(), 16, 9),
            ("phils".into(), 18, 9),
            ("2pc".into(), 8, 9),
            ("2pc".into(), 9, 9),
            ("2pc-heap".into(), 8, 9),
            ("2pc-heap".into(), 9, 9),
            ("2pc-heap-inplace".into(), 8, 9),
            ("2pc-heap-compact".into(), 8, 9),
            ("2pc-heap-compact".into(), 9, 9),
            ("counters-closures-compact".into(), 6, 9),
            ("registry-closures-compact".into(), 9, 9),
        ]
    };
    println!(
        "| model | N | workers | states | transitions | secs | states/s | peak RSS MiB | RSS B/state | store B/state |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let exe = std::env::current_exe().expect("the bench binary");
    let mut notes: Vec<String> = Vec::new();
    for (model, n, k) in rows {
        if let Some(p) = processes {
            // The median of `repeat` runs, by time.
            let mut runs: Vec<(f64, String, String)> = Vec::new();
            for _ in 0..repeat {
                match across_processes(&exe, &model, n, k, p) {
                    Ok((row, note)) => {
                        let secs =
                            row.split('|').nth(6).and_then(|c| c.trim().parse().ok()).unwrap_or(f64::MAX);
                        runs.push((secs, row, note));
                    }
                    Err(e) => eprintln!("{model} {n} on {p} processes: {e}"),
                }
            }
            runs.sort_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, row, note)) = runs.get(runs.len() / 2) {
                print!("{row}");
                notes.push(note.clone());
            }
            continue;
        }
        for &w in &workers {
            // Each run in its own process; the row printed is the run with the median time.
            let mut runs: Vec<(f64, String)> = Vec::new();
            for _ in 0..repeat {
                let mut row = Command::new(&exe);
                row.args(["--single", &model, &n.to_string(), &k.to_string(), &w.to_string()]);
                if args.iter().any(|a| a == "--fingerprint") {
                    row.env("MUSIL_BENCH_FINGERPRINT", "1");
                }
                let out = row.output().expect("run a row");
                if !out.status.success() {
                    eprintln!("{model} {n}: {}", String::from_utf8_lossy(&out.stderr));
                    continue;
                }
                // What a row says besides its figures (the collision bound) goes to stderr.
                eprint!("{}", String::from_utf8_lossy(&out.stderr));
                let line = String::from_utf8_lossy(&out.stdout).into_owned();
                let secs = line.split('|').nth(6).and_then(|c| c.trim().parse().ok()).unwrap_or(f64::MAX);
                runs.push((secs, line));
            }
            runs.sort_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, line)) = runs.get(runs.len() / 2) {
                print!("{line}");
            }
        }
    }
    for note in notes {
        println!("\n{note}");
    }
}
