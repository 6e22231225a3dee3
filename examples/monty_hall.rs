//! Monty Hall — the famous 2/3-vs-1/3 result, as exact fractions.
//!
//! Three doors, a car behind one, goats behind the others. You pick door 1; the host, who
//! knows where the car is, opens another door showing a goat; you keep your door or switch.
//! Switching wins with probability 2/3, keeping with 1/3.
//!
//! It is two Markov chains, one per strategy, not one MDP: an MDP policy sees the whole state,
//! car included, and would "win" by looking. Fixing the strategy in the model (only `stay`, or
//! only `switch`, exists) encodes that the player cannot see the car. All branching is
//! uniform, so no weights are needed: the car is placed with 1/3 each, and when door 1 hides
//! the car the host opens either goat door with 1/2.
//!
//! Run: `cargo run --example monty_hall`

use std::fmt::Write;

use musil::Model;
use musil::probabilistic::{Expect, Ratio, assert_probability, ratio, reach_probability};

/// Your initial pick, fixed by symmetry.
pub const PICK: u8 = 1;

/// A game in progress; 0 means "not yet".
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Game {
    /// The door hiding the car (1..=3).
    pub car: u8,
    /// The goat door the host opened (2 or 3).
    pub opened: u8,
    /// Your final door.
    pub chosen: u8,
}

/// Your strategy, fixed in advance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Keep door 1.
    Stay,
    /// Take the door that is neither yours nor the opened one.
    Switch,
}

/// The game played with `strategy`.
pub fn game(strategy: Strategy) -> Model<Game> {
    let mut m = Model::new(Game::default());
    for d in 1..=3u8 {
        m = m.action(format!("car{d}"), |s: &Game| s.car == 0, move |s| Game { car: d, ..s.clone() });
    }
    for o in [2u8, 3] {
        m = m.action(
            format!("open{o}"),
            move |s: &Game| s.car != 0 && s.opened == 0 && o != s.car,
            move |s| Game { opened: o, ..s.clone() },
        );
    }
    let deciding = |s: &Game| s.opened != 0 && s.chosen == 0;
    let m = match strategy {
        Strategy::Stay => m.action("stay", deciding, |s| Game { chosen: PICK, ..s.clone() }),
        Strategy::Switch => m.action("switch", deciding, |s| Game { chosen: 5 - s.opened, ..s.clone() }),
    };
    m.terminal(|s| s.chosen != 0)
}

/// You drove the car home.
pub fn won(s: &Game) -> bool {
    s.chosen != 0 && s.chosen == s.car
}

/// P(win) when staying and when switching.
pub fn figures() -> (Ratio, Ratio) {
    let stay = reach_probability(&game(Strategy::Stay), won).unwrap().unwrap_exact();
    let switch = reach_probability(&game(Strategy::Switch), won).unwrap().unwrap_exact();
    (stay, switch)
}

/// The example's output; the closed forms are asserted on the way.
pub fn run() -> String {
    let (stay, switch) = figures();
    let mut out = String::new();
    writeln!(out, "P(win | stay)   = {stay}").unwrap();
    writeln!(out, "P(win | switch) = {switch}").unwrap();
    assert_probability(&stay, Expect::equals(ratio(1, 3)).label("P(win | stay)"));
    assert_probability(&switch, Expect::equals(ratio(2, 3)).label("P(win | switch)"));
    assert_eq!(switch, &stay * ratio(2, 1)); // switching is exactly twice as good
    assert_eq!(&stay + &switch, ratio(1, 1)); // the car is behind one of the two doors
    writeln!(out, "\nSwitching wins exactly twice as often (2/3 vs 1/3) -- exact, no sampling.").unwrap();
    out
}

fn main() {
    print!("{}", run());
}
