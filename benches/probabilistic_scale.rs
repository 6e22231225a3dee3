//! How far probabilities scale: birth-death chains (weights 2 : 1, and 0.6 / 0.4 given as
//! decimals) and a random-walk grid, solved exactly and in floating point (sound interval
//! iteration, `reach_probability_float`) at growing sizes, with time, peak memory and the
//! answer (its size in digits, or the interval).
//!
//! Run: `cargo bench --bench probabilistic_scale` (add `-- --quick` for the smallest size
//! only). Each size runs in a fresh process; one that takes longer than
//! `MUSIL_BENCH_BUDGET_SECS` (default 300) is stopped and its model grows no further.
//! `MUSIL_BENCH_ONLY=model` or `=model/mode` runs one series.
//! `benches/peers/python/probabilistic_scale.py` runs the same models on the original.

use std::time::Instant;

use musil::Model;
use musil::probabilistic::{Answer, Interval, Prob, Ratio};

/// Gambler's ruin on 0..=n, from 1: P(reach n before 0). With up weighted 2 : down 1 it is
/// 2^(n-1) / (2^n - 1). One strongly connected block of n - 1 unknowns, tridiagonal.
fn birth_death(states: usize) -> (Model<u32>, impl Fn(&u32) -> bool) {
    let n = (states - 1) as u32;
    let m = Model::new(1u32).action("up", move |&p| 0 < p && p < n, |&p| p + 1).action(
        "down",
        move |&p| 0 < p && p < n,
        |&p| p - 1,
    );
    (m, move |&p| p == n)
}

/// A symmetric walk on a k×k grid (north, east, south, west uniformly) absorbed at the
/// border, from (1, 1): P(leave through the east side). One strongly connected block of
/// (k-2)^2 unknowns; the corners are never reached, so k^2 - 4 states.
fn grid(states: usize) -> (Model<Cell>, impl Fn(&Cell) -> bool) {
    let k = ((states + 4) as f64).sqrt().round() as u16;
    let inside = move |&(x, y): &Cell| 0 < x && x < k - 1 && 0 < y && y < k - 1;
    let m = Model::new((1u16, 1u16))
        .action("north", inside, |&(x, y)| (x, y + 1))
        .action("east", inside, |&(x, y)| (x + 1, y))
        .action("south", inside, |&(x, y)| (x, y - 1))
        .action("west", inside, |&(x, y)| (x - 1, y));
    (m, move |&(x, _): &Cell| x == k - 1)
}

/// A grid cell `(x, y)`.
type Cell = (u16, u16);

/// The peak resident set of this process, in MiB (`VmHWM`).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn short(r: &Ratio) -> String {
    let text = r.to_string();
    if text.len() <= 24 {
        return text;
    }
    let digits = |s: String| s.trim_start_matches('-').len();
    format!("{}-digit / {}-digit", digits(r.numer().to_string()), digits(r.denom().to_string()))
}

/// The up weight of a chain model: 2 : 1, or 0.6 : 0.4 written as decimals (read as 3/5, 2/5).
fn chain_weight(model: &str) -> impl Fn(&str, &u32) -> f64 {
    let decimal = model == "bd-decimal";
    move |a, _| match (decimal, a == "up") {
        (false, true) => 2.0,
        (false, false) => 1.0,
        (true, true) => 0.6,
        (true, false) => 0.4,
    }
}

fn interval(i: &Interval) -> String {
    format!("[{:e}, {:e}]", i.lower, i.upper)
}

/// One measurement, in this process: explore, build, solve; print the table row.
fn measure(model: &str, mode: &str, states: usize) {
    let start = Instant::now();
    let cap = 2 * states + 100;
    let float = mode == "float";
    let (explored, p): (usize, Result<Answer<String>, musil::Error>) = match model {
        "birth-death" | "bd-decimal" => {
            let (m, target) = birth_death(states);
            let prob = Prob::new(&m).weight(chain_weight(model)).max_states(cap).epsilon(1e-6);
            let p = if float {
                prob.reach_probability_float(target).map(|a| a.map(|i| interval(&i)))
            } else {
                prob.reach_probability(target).map(|a| a.map(|r| short(&r)))
            };
            (musil::Checker::new(&m).max_states(cap).explore().len(), p)
        }
        _ => {
            let (m, target) = grid(states);
            let prob = Prob::new(&m).max_states(cap).epsilon(1e-6);
            let p = if float {
                prob.reach_probability_float(target).map(|a| a.map(|i| interval(&i)))
            } else {
                prob.reach_probability(target).map(|a| a.map(|r| short(&r)))
            };
            (musil::Checker::new(&m).max_states(cap).explore().len(), p)
        }
    };
    // The second exploration (for the count) is not in the time: it is measured on its own.
    let took = start.elapsed();
    let p = p.expect("the solve succeeds");
    println!(
        "{model:<12} {mode:<5} {explored:>9} {:>11.3} {:>10.1}  {}",
        took.as_secs_f64(),
        peak_mib(),
        p.unwrap_exact()
    );
}

/// Run one size in a fresh process (so that its peak memory is its own), stopping it after
/// `budget` seconds. `None` when it was stopped.
fn run_child(model: &str, mode: &str, n: usize, budget: f64) -> Option<Result<String, String>> {
    let exe = std::env::current_exe().expect("the bench binary");
    let mut child = std::process::Command::new(exe)
        .args(["--one", model, mode, &n.to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run the bench binary");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for the bench binary") {
            let out = child.wait_with_output().expect("read the bench binary's output");
            let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_owned();
            return Some(if status.success() { Ok(text(&out.stdout)) } else { Err(text(&out.stderr)) });
        }
        if start.elapsed().as_secs_f64() > budget {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        measure(&args[i + 1], &args[i + 2], args[i + 3].parse().expect("a state count"));
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    // A size that runs longer than this is stopped, and the model grows no further.
    let budget = std::env::var("MUSIL_BENCH_BUDGET_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(300.0);
    let only = std::env::var("MUSIL_BENCH_ONLY").unwrap_or_default();
    println!("{:<12} {:<5} {:>9} {:>11} {:>10}  answer", "model", "mode", "states", "seconds", "peak MiB");
    let chain: &[usize] = &[100, 1_000, 10_000, 100_000, 300_000, 1_000_000];
    let grid: &[usize] = &[100, 1_000, 2_500, 5_000, 10_000, 100_000, 1_000_000];
    let plan: [(&str, &str, &[usize]); 6] = [
        ("birth-death", "exact", chain),
        ("bd-decimal", "exact", chain),
        ("grid", "exact", grid),
        ("birth-death", "float", chain),
        ("bd-decimal", "float", chain),
        ("grid", "float", grid),
    ];
    for (model, mode, sizes) in plan {
        if !only.is_empty() && only != model && only != format!("{model}/{mode}") {
            continue;
        }
        for &n in if quick { &sizes[..1] } else { sizes } {
            match run_child(model, mode, n, budget) {
                Some(Ok(line)) => println!("{line}"),
                Some(Err(e)) => {
                    println!("{model:<12} {mode:<5} {n:>9}  failed: {e}");
                    break;
                }
                None => {
                    println!(
                        "{model:<12} {mode:<5} {n:>9} {:>11}  (stopped: over the budget)",
                        format!("> {budget}")
                    );
                    break;
                }
            }
        }
    }
}
