//! Dining philosophers: taking the left fork first deadlocks when everyone holds one; taking
//! the lower-numbered fork first removes the circular wait.
//!
//! Run: `cargo run --example dining_philosophers`

use musil::{CheckResult, Model, check};

/// Who holds each fork.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Table {
    forks: Vec<Option<u8>>,
}

/// `n` philosophers; philosopher `i` has forks `i` (left) and `(i + 1) % n` (right). Naive:
/// each takes its left fork first; ordered: the lower-numbered one first.
pub fn model(n: u8, ordered: bool) -> Model<Table> {
    let mut m = Model::new(Table { forks: vec![None; n as usize] });
    for i in 0..n {
        let (left, right) = (i as usize, ((i + 1) % n) as usize);
        let (first, second) = if ordered { (left.min(right), left.max(right)) } else { (left, right) };
        m = m
            .action(
                format!("P{i}_take_f{first}"),
                move |s: &Table| s.forks[first].is_none() && !s.forks.contains(&Some(i)),
                move |s| {
                    let mut t = s.clone();
                    t.forks[first] = Some(i);
                    t
                },
            )
            .action(
                format!("P{i}_take_f{second}"),
                move |s: &Table| s.forks[first] == Some(i) && s.forks[second].is_none(),
                move |s| {
                    let mut t = s.clone();
                    t.forks[second] = Some(i);
                    t
                },
            )
            .action(
                format!("P{i}_eat_release"),
                move |s: &Table| s.forks[first] == Some(i) && s.forks[second] == Some(i),
                move |s| {
                    let mut t = s.clone();
                    t.forks[first] = None;
                    t.forks[second] = None;
                    t
                },
            );
    }
    m
}

/// The naive and the ordered results for three philosophers.
pub fn run() -> (CheckResult<Table>, CheckResult<Table>) {
    (check(&model(3, false)), check(&model(3, true)))
}

fn main() {
    let (naive, ordered) = run();
    println!("=== naive (everyone takes their LEFT fork first), N=3 ===");
    println!("{naive}");
    println!();
    println!("=== resource-ordered (lower-numbered fork first), N=3 ===");
    println!("{ordered}");
}
