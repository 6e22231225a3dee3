//! The differential corpus: random models given as tables, with the answers the original
//! (musil 0.36.7) gave to thousands of queries. Each model is built through musil's public API
//! and every query whose operation musil implements is answered and compared.
//!
//! Cases come from `$MUSIL_CORPUS` (a directory of `case-*.json`), else `tests/corpus/`.
//! The format and the comparison rules are in `tests/corpus/README.md`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

use musil::{
    CheckResult, Checker, DistinctBy, Graph, Model, StateId, Step, Verdict, path_to, reaches, states_where,
    witness,
};
use serde_json::{Value, json};

#[path = "support/corpus_probabilistic.rs"]
mod probabilistic;

#[path = "support/lasso.rs"]
mod lasso;

/// Every liveness and LTL counterexample musil gave, checked by the independent lasso checker:
/// how many, and what it refused.
static LASSOS: std::sync::Mutex<(usize, Vec<String>)> = std::sync::Mutex::new((0, Vec::new()));

fn vouch(case: &Case, q: &Value, verdict: Result<(), String>) {
    let mut l = LASSOS.lock().unwrap();
    l.0 += 1;
    if let Err(why) = verdict {
        l.1.push(format!("case seed {} {}: {why}", case.seed, q));
    }
}

/// A corpus state: its name, printed bare (`s3`), as the original prints a string state.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct St(&'static str);

impl fmt::Debug for St {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

struct Case {
    seed: Value,
    model: Model<St>,
    /// State name → its number (position in the `states` table).
    number: HashMap<&'static str, usize>,
    names: HashMap<String, St>,
    canon: Option<HashMap<St, St>>,
    key: Option<HashMap<St, String>>,
    /// For validating counterexamples: (from, action) → to, per action in order.
    edges: Vec<(String, HashMap<St, St>)>,
    init: Vec<St>,
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn build(case: &Value) -> Case {
    let m = &case["model"];
    let mut names = HashMap::new();
    let mut number = HashMap::new();
    for (i, n) in m["states"].as_array().unwrap().iter().enumerate() {
        let n = n.as_str().unwrap();
        let st = St(leak(n));
        names.insert(n.to_owned(), st);
        number.insert(st.0, i);
    }
    let st = |v: &Value| -> St { names[v.as_str().unwrap()] };
    let init: Vec<St> = m["init"].as_array().unwrap().iter().map(st).collect();
    let mut model = Model::with_initial_states(init.clone());
    let mut edges = Vec::new();
    for a in m["actions"].as_array().unwrap() {
        let name = a["name"].as_str().unwrap().to_owned();
        let table: HashMap<St, St> =
            a["table"].as_object().unwrap().iter().map(|(k, v)| (names[k.as_str()], st(v))).collect();
        let fair = match a["fair"].as_str() {
            Some("weak") => Some(musil::Fairness::Weak),
            Some("strong") => Some(musil::Fairness::Strong),
            _ => None,
        };
        let (t1, t2) = (table.clone(), table.clone());
        let mut action = musil::Action::new(name.clone(), move |s| t1.contains_key(s), move |s| t2[s]);
        if let Some(f) = fair {
            action = action.fair(f);
        }
        model = model.add_action(action);
        edges.push((name, table));
    }
    for inv in m["invariants"].as_array().unwrap() {
        let bad: HashMap<St, Option<String>> = inv["bad"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (names[k.as_str()], v.as_str().map(str::to_owned)))
            .collect();
        model = model.invariant(inv["name"].as_str().unwrap(), move |s| match bad.get(s) {
            None => Verdict::Holds,
            Some(r) => Verdict::Violated(r.clone()),
        });
    }
    for inv in m["edge_invariants"].as_array().unwrap() {
        let bad: HashSet<(St, String, St)> = inv["bad"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (st(&t[0]), t[1].as_str().unwrap().to_owned(), st(&t[2])))
            .collect();
        model = model.edge_invariant(inv["name"].as_str().unwrap(), move |a, n, b| {
            !bad.contains(&(*a, n.to_owned(), *b))
        });
    }
    let terminal: HashSet<St> = m["terminal"].as_array().unwrap().iter().map(st).collect();
    model = model.terminal(move |s| terminal.contains(s));
    let canon = m
        .get("canonicalize")
        .and_then(Value::as_object)
        .map(|o| o.iter().map(|(k, v)| (names[k.as_str()], st(v))).collect());
    let key = m
        .get("key")
        .and_then(Value::as_object)
        .map(|o| o.iter().map(|(k, v)| (names[k.as_str()], v.as_str().unwrap().to_owned())).collect());
    Case { seed: case["seed"].clone(), model, number, names, canon, key, edges, init }
}

impl Case {
    fn set(&self, v: &Value) -> HashSet<St> {
        v.as_array().map(|a| a.iter().map(|x| self.names[x.as_str().unwrap()]).collect()).unwrap_or_default()
    }

    fn checker<'a>(&self, model: &'a Model<St>, q: &Value, workers: usize) -> Checker<'a, Model<St>> {
        let mut c = Checker::new(model).workers(workers).parallel_level(1);
        if let Some(n) = q.get("max_states").and_then(Value::as_i64) {
            c = c.max_states(n.max(0) as usize);
        }
        if q.get("canonicalize").and_then(Value::as_bool) == Some(true) {
            let canon = self.canon.clone().expect("case has a canonicalize table");
            c = c.canonicalize(move |s| canon[s]);
        }
        if q.get("key").and_then(Value::as_bool) == Some(true) {
            let key = self.key.clone().expect("case has a key table");
            c = c.key(move |s| key[s].clone());
        }
        c
    }

    fn sorted_by_number(&self, mut v: Vec<St>) -> Vec<St> {
        v.sort_by_key(|s| self.number[s.0]);
        v
    }

    /// Whether `trace` is a path of the model from an initial state (each step an edge).
    fn is_path(&self, trace: &[Step<St>]) -> bool {
        let Some(first) = trace.first() else { return false };
        first.action == "<init>" && self.init.contains(&first.state) && self.edges_ok(trace)
    }

    /// The model's successors, read from its tables (not from the engine).
    fn successors(&self, s: &St) -> Vec<(String, St)> {
        self.edges.iter().filter_map(|(n, t)| t.get(s).map(|x| (n.clone(), *x))).collect()
    }

    /// Fairness from explicit lists, or from the actions' tags when a list is absent.
    fn fairness(&self, weak: Option<&Value>, strong: Option<&Value>, tags: bool) -> lasso::Fairness {
        let names = |v: Option<&Value>, f: musil::Fairness| -> Vec<String> {
            match v.and_then(Value::as_array) {
                Some(list) => list.iter().map(|x| x.as_str().unwrap().to_owned()).collect(),
                None if tags => self
                    .model
                    .static_action_list()
                    .iter()
                    .filter(|a| a.fairness() == Some(f))
                    .map(|a| a.name().to_owned())
                    .collect(),
                None => Vec::new(),
            }
        };
        lasso::Fairness {
            weak: names(weak, musil::Fairness::Weak),
            strong: names(strong, musil::Fairness::Strong),
        }
    }

    /// Whether no action is enabled in `s`.
    fn dead_end(&self, s: St) -> bool {
        self.edges.iter().all(|(_, t)| !t.contains_key(&s))
    }

    /// Whether each step of `trace` after the first is an edge of the model.
    fn edges_ok(&self, trace: &[Step<St>]) -> bool {
        trace.windows(2).all(|w| {
            self.edges.iter().any(|(n, t)| *n == w[1].action && t.get(&w[0].state) == Some(&w[1].state))
        })
    }
}

fn steps_json(trace: &[Step<St>]) -> Value {
    Value::Array(trace.iter().map(|s| json!([s.action, s.state.0])).collect())
}

fn result_json(r: &CheckResult<St>) -> Value {
    json!({
        "type": "result",
        "ok": r.ok,
        "kind": r.kind.map(|k| k.as_str()),
        "invariant": r.invariant,
        "reason": r.reason,
        "states_explored": r.states_explored,
        "truncated": r.truncated,
        "loop": r.loop_index,
        "trace": steps_json(&r.trace),
        "text": r.to_string(),
    })
}

fn graph_json(g: &Graph<St>) -> Value {
    json!({
        "initial": g.initial().iter().map(|&i| g.state(i).0).collect::<Vec<_>>(),
        "states": g.states().map(|s| s.0).collect::<Vec<_>>(),
        "edges": g.ids().map(|i| json!([g.state(i).0, g.edges(i).iter().map(|&(a, t)| json!([g.action_name(a), g.state(t).0])).collect::<Vec<_>>()])).collect::<Vec<_>>(),
        "truncated": g.truncated(),
    })
}

/// What one query produced: the value in the corpus's shape, or an error.
enum Answer {
    Value(Value),
    Error(String),
    Unsupported,
}

fn answer(case: &Case, q: &Value, workers: usize) -> Answer {
    let base = || Checker::new(&case.model).workers(workers).parallel_level(1);
    let op = q["op"].as_str().unwrap();
    match op {
        "check" => Answer::Value(result_json(&case.checker(&case.model, q, workers).check())),
        "check_all" => {
            let by = match q["distinct_by"].as_str() {
                Some("reason") => DistinctBy::Reason,
                _ => DistinctBy::Invariant,
            };
            let all = case.checker(&case.model, q, workers).check_all(by);
            Answer::Value(Value::Array(all.iter().map(result_json).collect()))
        }
        "explore" => Answer::Value(graph_json(&case.checker(&case.model, q, workers).explore())),
        "reaches" => {
            let target = case.set(&q["target"]);
            let g = base().explore();
            let ids: Vec<StateId> = reaches(&g, |s| target.contains(s));
            let v = case.sorted_by_number(ids.into_iter().map(|i| *g.state(i)).collect());
            Answer::Value(json!(v.iter().map(|s| s.0).collect::<Vec<_>>()))
        }
        "path_to" => {
            let g = base().explore();
            let target = case.names[q["state"].as_str().unwrap()];
            Answer::Value(path_to(&g, &target).map_or(Value::Null, |p| steps_json(&p)))
        }
        "witness" => {
            let g = base().explore();
            let target = case.set(&q["target"]);
            Answer::Value(witness(&g, |s| target.contains(s)).map_or(Value::Null, |p| steps_json(&p)))
        }
        "states_where" => {
            let g = base().explore();
            let target = case.set(&q["target"]);
            Answer::Value(json!(
                states_where(&g, |s| target.contains(s)).iter().map(|s| s.0).collect::<Vec<_>>()
            ))
        }
        "fixed_points" => {
            let fp = base().fixed_points();
            let by_init: Vec<Value> = fp
                .by_init
                .iter()
                .map(|(i, ends)| {
                    json!([i.0, case.sorted_by_number(ends.clone()).iter().map(|s| s.0).collect::<Vec<_>>()])
                })
                .collect();
            Answer::Value(json!({"by_init": by_init, "confluent": fp.confluent(), "truncated": fp.truncated}))
        }
        "check_liveness" => {
            let goal = case.set(&q["goal"]);
            let mut spec = musil::Liveness::eventually(move |s: &St| goal.contains(s));
            if q.get("everywhere").and_then(Value::as_bool) == Some(true) {
                spec = spec.everywhere(true);
            }
            if let Some(t) = q.get("leadsto_from") {
                let trigger = case.set(t);
                spec = spec.leadsto_from(move |s: &St| trigger.contains(s));
            }
            if let Some(f) = q.get("fair").and_then(Value::as_array) {
                spec = spec.fair(f.iter().map(|x| x.as_str().unwrap().to_owned()));
            }
            if let Some(f) = q.get("fair_strong").and_then(Value::as_array) {
                spec = spec.fair_strong(f.iter().map(|x| x.as_str().unwrap().to_owned()));
            }
            match base().check_liveness(&spec) {
                Ok(r) => {
                    if !r.ok && r.kind != Some(musil::LivenessKind::Panic) {
                        let succ = |s: &St| case.successors(s);
                        let sem = lasso::Semantics { init: case.init.clone(), successors: &succ };
                        let goal = case.set(&q["goal"]);
                        let trigger = q.get("leadsto_from").map(|t| case.set(t));
                        let everywhere = q.get("everywhere").and_then(Value::as_bool) == Some(true);
                        let fairness = case.fairness(q.get("fair"), q.get("fair_strong"), true);
                        let in_trigger = |s: &St| trigger.as_ref().is_some_and(|t| t.contains(s));
                        let trigger_fn: Option<&dyn Fn(&St) -> bool> =
                            trigger.as_ref().map(|_| &in_trigger as _);
                        vouch(
                            case,
                            q,
                            sem.liveness(&r, &|s| goal.contains(s), trigger_fn, everywhere, &fairness),
                        );
                    }
                    Answer::Value(liveness_json(&r))
                }
                Err(e) => Answer::Error(e.to_string()),
            }
        }
        "check_ltl" => {
            let atoms: HashMap<String, HashSet<St>> =
                q["atoms"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), case.set(v))).collect();
            let formula = musil::Ltl::parse(q["formula"].as_str().unwrap(), |name| {
                let set = atoms.get(name)?.clone();
                Some(std::sync::Arc::new(move |s: &St| set.contains(s)))
            });
            let formula = match formula {
                Ok(f) => f,
                Err(e) => return Answer::Error(e.to_string()),
            };
            let mut options = musil::LtlOptions::new();
            if let Some(f) = q.get("fair").and_then(Value::as_array) {
                options = options.fair(f.iter().map(|x| x.as_str().unwrap().to_owned()));
            }
            let succ = |s: &St| case.successors(s);
            let sem = lasso::Semantics { init: case.init.clone(), successors: &succ };
            match base().check_ltl(&formula, &options) {
                Ok(musil::LtlResult::Safety(r)) => {
                    if let (false, Some(l)) = (r.ok, r.loop_index) {
                        // The general engine: fairness only as listed.
                        let fairness = case.fairness(q.get("fair"), None, false);
                        vouch(case, q, sem.ltl_lasso(&formula, &r.trace, l, &fairness));
                    }
                    Answer::Value(result_json(&r))
                }
                Ok(musil::LtlResult::Liveness(r)) => {
                    if !r.ok && r.kind == Some(musil::LivenessKind::FairCycle) {
                        // A reduction's fair cycle is a lasso of the formula itself, from an
                        // initial state (a leads-to stem passes through its trigger).
                        let fairness = case.fairness(q.get("fair"), None, true);
                        let mut trace = r.stem.clone();
                        let l = trace.len() - 1;
                        trace.extend(r.cycle.iter().cloned());
                        vouch(case, q, sem.ltl_lasso(&formula, &trace, l, &fairness));
                    }
                    Answer::Value(liveness_json(&r))
                }
                Err(e) => Answer::Error(e.to_string()),
            }
        }
        _ => probabilistic::answer(case, q),
    }
}

/// The result in the original's form: a leads-to stem starting at its trigger (musil prints
/// the path from an initial state to it first), and the original's wording of a pass
/// ("eventually 'goal' on every run" for every shape).
fn liveness_json(r: &musil::LivenessResult<St>) -> Value {
    let mut r = r.clone();
    if let Some(at) = r.trigger_at.take() {
        r.stem.drain(..at);
        r.stem[0].action = "<init>".to_owned();
    }
    r.property = musil::liveness::LivenessProperty::Eventually;
    json!({
        "type": "liveness",
        "ok": r.ok,
        "kind": r.kind.map(|k| k.as_str()),
        "goal": r.goal,
        "states_explored": r.states_explored,
        "truncated": r.truncated,
        "stem": steps_json(&r.stem),
        "cycle": steps_json(&r.cycle),
        "text": r.to_string(),
    })
}

fn steps_of(case: &Case, v: &Value) -> Vec<Step<St>> {
    v.as_array()
        .map(|a| {
            a.iter().map(|s| Step::new(s[0].as_str().unwrap(), case.names[s[1].as_str().unwrap()])).collect()
        })
        .unwrap_or_default()
}

/// Compare an inexact answer: the contractual fields, and the counterexample on its merits.
fn inexact_match(case: &Case, q: &Value, expected: &Value, got: &Value) -> bool {
    for f in ["type", "ok", "kind", "invariant", "goal", "states_explored", "truncated"] {
        if expected.get(f) != got.get(f) {
            return false;
        }
    }
    if got["ok"].as_bool() == Some(true) {
        return true;
    }
    if got["type"] == "liveness" {
        let stem = steps_of(case, &got["stem"]);
        let cycle = steps_of(case, &got["cycle"]);
        let goal = case.set(&q["goal"]);
        let Some(first) = stem.first().map(|s| s.state) else { return false };
        let stem_ok = match q.get("leadsto_from") {
            Some(t) => case.set(t).contains(&first) && !goal.contains(&first) && case.edges_ok(&stem),
            None => case.is_path(&stem),
        };
        let entry = stem.last().map(|s| s.state).unwrap_or(first);
        let cycle_ok = got["kind"] != "fair-cycle"
            || (cycle.last().map(|s| s.state) == Some(entry)
                && cycle.iter().all(|s| !goal.contains(&s.state))
                && case.edges_ok(&[vec![Step::new("<init>", entry)], cycle.clone()].concat()));
        return stem_ok && cycle_ok;
    }
    let trace = steps_of(case, &got["trace"]);
    match got["loop"].as_u64() {
        // An LTL lasso: a path of the stutter-extended graph whose loop returns to trace[loop].
        Some(l) => {
            let l = l as usize;
            l < trace.len()
                && trace.last().map(|s| s.state) == trace.get(l).map(|s| s.state)
                && trace.first().is_some_and(|s| s.action == "<init>" && case.init.contains(&s.state))
                && trace.windows(2).all(|w| {
                    (w[1].action == "<stutter>" && w[0].state == w[1].state && case.dead_end(w[0].state))
                        || case.edges_ok(w)
                })
        }
        None => case.is_path(&trace),
    }
}

/// Whether the reference's answer is a liveness counterexample whose cycle is not a fair run
/// (the original prints the shortest loop of the fair component, which may leave out the fair
/// action the component takes elsewhere). musil prints a fair loop there instead: such an
/// answer is compared on its contractual fields and on its merits, and counted apart.
fn reference_cycle_unfair(case: &Case, q: &Value, expected: &Value) -> bool {
    let want = &expected["value"];
    if want["type"] != "liveness" || want["kind"] != "fair-cycle" {
        return false;
    }
    let r = musil::LivenessResult {
        ok: false,
        states_explored: 0,
        goal: String::new(),
        property: musil::liveness::LivenessProperty::Eventually,
        kind: Some(musil::LivenessKind::FairCycle),
        stem: steps_of(case, &want["stem"]),
        trigger_at: None,
        cycle: steps_of(case, &want["cycle"]),
        truncated: false,
        fault: None,
    };
    let succ = |s: &St| case.successors(s);
    let sem = lasso::Semantics { init: case.init.clone(), successors: &succ };
    if q["op"] == "check_ltl" {
        let fairness = case.fairness(q.get("fair"), None, true);
        let atoms: HashMap<String, HashSet<St>> =
            q["atoms"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), case.set(v))).collect();
        let Ok(formula) = musil::Ltl::parse(q["formula"].as_str().unwrap(), |name| {
            let set = atoms.get(name)?.clone();
            Some(std::sync::Arc::new(move |s: &St| set.contains(s)))
        }) else {
            return false;
        };
        let mut trace = lasso::path_to(&sem, &r.stem[0].state);
        trace.extend(r.stem.iter().skip(1).cloned());
        let l = trace.len() - 1;
        trace.extend(r.cycle.iter().cloned());
        return sem.ltl_lasso(&formula, &trace, l, &fairness).is_err();
    }
    let goal = case.set(&q["goal"]);
    let trigger = q.get("leadsto_from").map(|t| case.set(t));
    let everywhere = q.get("everywhere").and_then(Value::as_bool) == Some(true);
    let fairness = case.fairness(q.get("fair"), q.get("fair_strong"), true);
    let in_trigger = |s: &St| trigger.as_ref().is_some_and(|t| t.contains(s));
    let trigger_fn: Option<&dyn Fn(&St) -> bool> = trigger.as_ref().map(|_| &in_trigger as _);
    let mut r = r;
    if trigger.is_some() {
        // The reference's leads-to stem starts at its trigger: reach it first.
        let mut stem = lasso::path_to(&sem, &r.stem[0].state);
        r.trigger_at = Some(stem.len() - 1);
        stem.extend(r.stem.iter().skip(1).cloned());
        r.stem = stem;
    }
    sem.liveness(&r, &|s| goal.contains(s), trigger_fn, everywhere, &fairness).is_err()
}

/// Queries marked `exact` whose answer nevertheless depends on Python's hash seed in the
/// reference (spec core.md §15: Tarjan roots are taken in set order), so they are compared on
/// their merits. Each entry: case seed, query index, and a `PYTHONHASHSEED` under which the
/// reference prints exactly musil's answer (`scripts/reference_rerun.py` shows it).
const HASH_DEPENDENT: &[(i64, usize, u32)] = &[
    // everywhere: two fair SCCs ({s13}, and the one holding s10); roots in set order pick either.
    (145, 14, 4),
    // leads-to: self-loops on s4 and on s6; PYTHONHASHSEED=14 reports the s4 one, as musil does.
    (237, 13, 14),
    // check_ltl's general engine: the accepting SCC, the initial product state the stem starts
    // from and the cycle's route are all set-ordered in the reference (spec core.md §15). Under
    // the seed given, the reference prints exactly musil's lasso.
    (73, 19, 6),
    (142, 17, 18),
    (152, 19, 2),
    (158, 17, 6),
    (174, 16, 5),
    (236, 17, 4),
    (296, 15, 6),
    (310, 16, 5),
    (330, 18, 3),
    (394, 17, 7),
    (426, 19, 6),
    (472, 17, 4),
    (487, 15, 10),
    (501, 15, 1),
    (537, 16, 4),
    (565, 15, 4),
];

#[derive(Default)]
struct Tally {
    per_op: BTreeMap<String, (usize, usize)>,
    unsupported: BTreeMap<String, usize>,
    mismatches: Vec<String>,
    parallel_runs: usize,
    /// Exact answers whose fair cycle is not a fair run, where musil prints a fair one.
    unfair_reference: usize,
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("MUSIL_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"),
    }
}

#[test]
fn corpus() {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read corpus directory {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.json cases in {}", dir.display());

    let mut tally = Tally::default();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let case_json: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let case = build(&case_json);
        for (qi, q) in case_json["queries"].as_array().unwrap().iter().enumerate() {
            let op = q["op"].as_str().unwrap().to_owned();
            let got = answer(&case, q, 1);
            if let Answer::Value(serial) = &got {
                for workers in [2, 4] {
                    tally.parallel_runs += 1;
                    match answer(&case, q, workers) {
                        Answer::Value(v) if v == *serial => {}
                        _ if tally.mismatches.len() < 8 => tally.mismatches.push(format!(
                            "case seed {} query {qi}: {workers} workers answered differently from one",
                            case.seed
                        )),
                        _ => {}
                    }
                }
            }
            let expected = &q["answer"];
            let exact = q["exact"].as_bool().unwrap_or(true)
                && !HASH_DEPENDENT.iter().any(|&(c, i, _)| case.seed.as_i64() == Some(c) && i == qi);
            let ok = match (&got, expected.get("error")) {
                (Answer::Unsupported, _) => {
                    *tally.unsupported.entry(op).or_default() += 1;
                    continue;
                }
                (Answer::Error(_), Some(_)) => true,
                (Answer::Error(_), None) | (Answer::Value(_), Some(_)) => false,
                (Answer::Value(v), None) => {
                    let want = &expected["value"];
                    if exact && v != want && reference_cycle_unfair(&case, q, expected) {
                        tally.unfair_reference += 1;
                        inexact_match(&case, q, want, v)
                    } else if exact {
                        v == want
                    } else if let (Some(a), Some(b)) = (want.as_array(), v.as_array()) {
                        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| inexact_match(&case, q, x, y))
                    } else {
                        inexact_match(&case, q, want, v)
                    }
                }
            };
            let e = tally.per_op.entry(op.clone()).or_default();
            e.0 += 1;
            if ok {
                e.1 += 1;
            } else if tally.mismatches.len()
                < std::env::var("MUSIL_CORPUS_SHOW").ok().and_then(|v| v.parse().ok()).unwrap_or(8)
            {
                let got_text = match &got {
                    Answer::Value(v) => v.to_string(),
                    Answer::Error(m) => format!("error: {m}"),
                    Answer::Unsupported => unreachable!(),
                };
                tally.mismatches.push(format!(
                    "case seed {} query {qi} ({op}) {}\n  expected: {}\n  got:      {}",
                    case.seed,
                    serde_json::to_string(&{
                        let mut q = q.clone();
                        q.as_object_mut().unwrap().remove("answer");
                        q
                    })
                    .unwrap(),
                    expected,
                    got_text
                ));
            }
        }
    }

    let mut total = 0;
    let mut matched = 0;
    for (op, (n, m)) in &tally.per_op {
        println!("corpus: {op} {m}/{n}");
        total += n;
        matched += m;
    }
    println!("corpus: {} runs with 2 and 4 workers compared with the serial answers", tally.parallel_runs);
    let unsupported: usize = tally.unsupported.values().sum();
    let names: Vec<String> = tally.unsupported.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let unsupported_text = if names.is_empty() { String::new() } else { format!(" ({})", names.join(", ")) };
    println!(
        "corpus: {} queries, {matched} match, {} mismatch, {unsupported} unsupported{unsupported_text}",
        total + unsupported,
        total - matched
    );
    println!(
        "corpus: {} answers where the reference's fair cycle is not a fair run: musil's fair one compared on its merits",
        tally.unfair_reference
    );
    let (vouched, refused) = std::mem::take(&mut *LASSOS.lock().unwrap());
    println!(
        "corpus: {vouched} liveness and LTL counterexamples checked by the lasso checker, {} refused",
        refused.len()
    );
    assert!(refused.is_empty(), "counterexamples the lasso checker refuses:\n{}", refused.join("\n"));
    assert!(
        tally.mismatches.is_empty(),
        "corpus mismatches (first {}):\n{}",
        tally.mismatches.len(),
        tally.mismatches.join("\n")
    );
}
