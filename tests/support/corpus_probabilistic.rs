//! The corpus's probabilistic queries (`reach_probability`, `expected_reward`,
//! `transient_distribution`, `long_run_probability`, `reach_probability_mdp`,
//! `expected_reward_mdp`), answered through `musil::probabilistic`.
//!
//! Weights and costs come as tables (action → state → integer), moves as state → groups of
//! action names; every answer is a fraction printed like the original's (`0`, `2/3`).

use std::collections::HashMap;

use musil::Model;
use musil::probabilistic::{Optimize, Prob, Ratio};
use serde_json::{Value, json};

use super::{Answer, Case, St};

/// An action → state → integer table (weights or costs).
struct Table(HashMap<(String, St), i64>);

impl Table {
    fn of(case: &Case, v: Option<&Value>) -> Option<Table> {
        let obj = v?.as_object()?;
        let mut t = HashMap::new();
        for (action, per_state) in obj {
            for (state, n) in per_state.as_object().unwrap() {
                t.insert((action.clone(), case.names[state]), n.as_i64().unwrap());
            }
        }
        Some(Table(t))
    }

    fn get(&self, action: &str, s: &St) -> i64 {
        self.0.get(&(action.to_owned(), *s)).copied().unwrap_or(1)
    }
}

/// The query's `moves`: per state, its groups of action names.
fn moves_of(case: &Case, q: &Value) -> HashMap<St, Vec<Vec<String>>> {
    let mut out = HashMap::new();
    for (state, groups) in q["moves"].as_object().unwrap() {
        let groups = groups
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect())
            .collect();
        out.insert(case.names[state], groups);
    }
    out
}

/// The original raises where musil answers infinite or inconclusive: compare those by message.
fn fraction(r: Result<musil::probabilistic::Answer<Ratio>, musil::Error>) -> Answer {
    use musil::probabilistic::Answer as A;
    match r {
        Ok(A::Exact(v)) => Answer::Value(json!(v.to_string())),
        Ok(A::Infinite { reason }) => Answer::Error(reason),
        Ok(A::Inconclusive(i)) => Answer::Error(i.message),
        Err(e) => Answer::Error(e.to_string()),
    }
}

fn optimize(q: &Value) -> Optimize {
    match q["optimize"].as_str() {
        Some("min") => Optimize::Min,
        _ => Optimize::Max,
    }
}

/// The answer to a probabilistic query, or `Unsupported` for any other operation.
pub(crate) fn answer(case: &Case, q: &Value) -> Answer {
    let op = q["op"].as_str().unwrap();
    if !matches!(
        op,
        "reach_probability"
            | "expected_reward"
            | "transient_distribution"
            | "long_run_probability"
            | "reach_probability_mdp"
            | "expected_reward_mdp"
    ) {
        return Answer::Unsupported;
    }
    let model: &Model<St> = &case.model;
    let target = case.set(&q["target"]);
    let target = |s: &St| target.contains(s);
    let weight = Table::of(case, q.get("weight"));
    let cost = Table::of(case, q.get("cost"));
    let mut prob = Prob::new(model);
    if let Some(w) = weight {
        prob = prob.weight(move |a, s| w.get(a, s));
    }
    if let Some(c) = cost {
        prob = prob.cost(move |a, s| c.get(a, s));
    }
    if let Some(n) = q.get("max_states").and_then(Value::as_i64) {
        prob = prob.max_states(n.max(0) as usize);
    }
    if let Some(k) = q.get("steps").and_then(Value::as_u64) {
        prob = prob.steps(k as usize);
    }
    if let Some(a) = q.get("avoid") {
        let avoid = case.set(a);
        prob = prob.avoid(move |s| avoid.contains(s));
    }
    match op {
        "reach_probability" => fraction(prob.reach_probability(target)),
        "expected_reward" => fraction(prob.expected_reward(target)),
        "long_run_probability" => fraction(prob.long_run_probability(target)),
        "transient_distribution" => {
            let steps = q["steps"].as_u64().unwrap() as usize;
            match prob.transient_distribution(steps) {
                Ok(musil::probabilistic::Answer::Exact(pi)) => {
                    Answer::Value(Value::Array(pi.iter().map(|(s, p)| json!([s.0, p.to_string()])).collect()))
                }
                Ok(other) => Answer::Error(other.map(|_| "").to_string()),
                Err(e) => Answer::Error(e.to_string()),
            }
        }
        _ => {
            let groups = moves_of(case, q);
            // Groups name actions; the original drops members that are not enabled, as musil does.
            let mdp = prob.moves(move |s, _| groups.get(s).cloned().unwrap_or_default());
            if op == "reach_probability_mdp" {
                fraction(mdp.reach_probability_mdp(target, optimize(q)))
            } else {
                fraction(mdp.expected_reward_mdp(target, optimize(q)))
            }
        }
    }
}
