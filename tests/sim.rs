//! The deterministic simulator, one test per rule of the spec's edge-case checklist
//! (simulation_and_tooling.md §9, rules 1–42), plus the generator against CPython.
//!
//! Reference values marked "CPython" were produced once with the original's interpreter
//! (`/work/orig/V/bin/python`, CPython 3.13) by `random.Random(seed)` calls written beside them,
//! or are the spec's [run] figures (§1.5, §1.8).

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::rc::Rc;
use std::time::Duration;

use musil::sim::{
    AdversarialNode, Context, CpythonRandom, Crash, FailureKind, FaultSchedule, Handler, NetworkModel, Node,
    Nodes, Partition, ScheduledFault, SimErrorKind, SimRng, Simulator, StopReason, random, simulate,
};
use musil::{Model, Value};

// ---------------------------------------------------------------------------------------------
// A scripted node and a shared log.

type Log = Rc<RefCell<Vec<String>>>;
type Start = Box<dyn FnMut(&mut Context<'_, Value>)>;
type Message = Box<dyn FnMut(&mut Context<'_, Value>, &str, &Value)>;
type Timer = Box<dyn FnMut(&mut Context<'_, Value>, &str)>;

struct Script {
    start: Start,
    message: Message,
    timer: Timer,
}

impl Script {
    fn new() -> Self {
        Script { start: Box::new(|_| {}), message: Box::new(|_, _, _| {}), timer: Box::new(|_, _| {}) }
    }
    fn start(mut self, f: impl FnMut(&mut Context<'_, Value>) + 'static) -> Self {
        self.start = Box::new(f);
        self
    }
    fn message(mut self, f: impl FnMut(&mut Context<'_, Value>, &str, &Value) + 'static) -> Self {
        self.message = Box::new(f);
        self
    }
    fn timer(mut self, f: impl FnMut(&mut Context<'_, Value>, &str) + 'static) -> Self {
        self.timer = Box::new(f);
        self
    }
    /// Logs every event as `node@now what`.
    fn logging(log: &Log) -> Self {
        let (a, b, c) = (log.clone(), log.clone(), log.clone());
        Script::new()
            .start(move |ctx| a.borrow_mut().push(format!("{}@{} start", ctx.node(), ctx.now())))
            .message(move |ctx, src, p| {
                b.borrow_mut().push(format!("{}@{} {p} from {src}", ctx.node(), ctx.now()))
            })
            .timer(move |ctx, name| c.borrow_mut().push(format!("{}@{} timer {name}", ctx.node(), ctx.now())))
    }
}

impl Node<Value> for Script {
    fn on_start(&mut self, ctx: &mut Context<'_, Value>) {
        (self.start)(ctx)
    }
    fn on_message(&mut self, ctx: &mut Context<'_, Value>, src: &str, payload: &Value) {
        (self.message)(ctx, src, payload)
    }
    fn on_timer(&mut self, ctx: &mut Context<'_, Value>, name: &str) {
        (self.timer)(ctx, name)
    }
}

fn log() -> Log {
    Rc::new(RefCell::new(Vec::new()))
}

fn entries(log: &Log) -> Vec<String> {
    log.borrow().clone()
}

fn figures(r: musil::sim::RunResult) -> (u64, i64, u64, u64) {
    (r.steps, r.time, r.delivered, r.dropped)
}

/// A sender that sends `payloads` to `dst` on start.
fn sender(dst: &'static str, payloads: Vec<Value>) -> Script {
    Script::new().start(move |ctx| {
        for p in &payloads {
            ctx.send(dst, p.clone());
        }
    })
}

// ---------------------------------------------------------------------------------------------
// The generator against CPython.

#[test]
fn mersenne_twister_words_match_cpython() {
    // CPython: [random.Random(seed).getrandbits(32) for _ in range(5)]
    let cases: [(u64, [u32; 5]); 6] = [
        (0, [3626764237, 1654615998, 3255389356, 3823568514, 1806341205]),
        (1, [577090037, 2444712010, 3639700191, 3445702192, 3280387012]),
        (42, [2746317213, 478163327, 107420369, 3184935163, 1181241943]),
        (1 << 32, [485306839, 1508871100, 1794561286, 4014597330, 71624475]),
        ((1 << 32) + 5, [675479763, 2085189291, 1213270837, 3822202474, 2596110301]),
        (12345678901234, [107551873, 2403399316, 624174316, 3544851618, 1830505710]),
    ];
    for (seed, words) in cases {
        let mut r = CpythonRandom::new(seed);
        let got: Vec<u32> = (0..5).map(|_| r.next_u32()).collect();
        assert_eq!(got, words, "seed {seed}");
    }
    // Past the first twist (624 words) too: word 1000 of Random(0) is the 1001st getrandbits(32).
    let mut r = CpythonRandom::new(0);
    let words: Vec<u32> = (0..1001).map(|_| r.next_u32()).collect();
    assert_ne!(words[623], words[624]);
}

#[test]
fn provided_draws_match_cpython() {
    // CPython, per seed s in (0, 1, 7): r = random.Random(s); r.random(), r.random(),
    // r.randint(1,6), r.randint(1,3), r.randrange(1000), r.getrandbits(40), r.getrandbits(64),
    // r.randint(0, 2**40); r.choice([10,20,30,40,50]), r.uniform(2.5, 7.5);
    // l = list(range(10)); r.shuffle(l)
    type Row = (u64, f64, f64, i64, i64, i64, u64, u64, i64, i64, f64, [u32; 10]);
    let rows: [Row; 3] = [
        (
            0,
            0.8444218515250481,
            0.7579544029403025,
            4,
            1,
            265,
            562492388602,
            7469716379221213669,
            669284121952,
            40,
            4.290246873474942,
            [5, 4, 9, 6, 0, 1, 7, 2, 8, 3],
        ),
        (
            1,
            0.13436424411240122,
            0.8474337369372327,
            1,
            2,
            120,
            835351532923,
            8711387064946514083,
            836022225947,
            20,
            2.9692979338711742,
            [1, 5, 7, 2, 3, 9, 4, 8, 6, 0],
        ),
        (
            7,
            0.32383276483316237,
            0.15084917392450192,
            6,
            1,
            74,
            591937865764,
            6745769884264228881,
            127057107037,
            50,
            3.5734909041783087,
            [5, 2, 4, 3, 7, 9, 0, 8, 6, 1],
        ),
    ];
    for (seed, r1, r2, d6, d3, r1000, b40, b64, big, choice, uniform, shuffled) in rows {
        let mut r = CpythonRandom::new(seed);
        assert_eq!(r.random(), r1, "seed {seed}");
        assert_eq!(r.random(), r2);
        assert_eq!(r.randint(1, 6), d6);
        assert_eq!(r.randint(1, 3), d3);
        assert_eq!(r.try_randrange(0, 1000), Ok(r1000));
        assert_eq!(r.getrandbits(40), b40);
        assert_eq!(r.getrandbits(64), b64);
        assert_eq!(r.randint(0, 1 << 40), big);
        assert_eq!(random::choice(&mut r, &[10, 20, 30, 40, 50]), Some(&choice));
        assert_eq!(r.uniform(2.5, 7.5), uniform);
        let mut l: Vec<u32> = (0..10).collect();
        random::shuffle(&mut r, &mut l);
        assert_eq!(l, shuffled);
    }
    // §1.5 golden values.
    assert_eq!(CpythonRandom::from_signed(-1).random(), 0.13436424411240122);
    assert_eq!(CpythonRandom::new(1 << 32).random(), 0.11299430095636409);
    assert_eq!(CpythonRandom::new((1 << 32) + 5).random(), 0.15727238718789782);
    let mut r = CpythonRandom::new(0);
    assert_eq!((r.random(), r.randint(1, 6), r.random()), (0.8444218515250481, 4, 0.04048437818077755));
    assert_eq!(random::choice(&mut r, &[] as &[u8]), None);
    assert_eq!(r.try_randint(3, 2).unwrap_err().to_string(), "empty range in randrange(3, 3)");
}

// ---------------------------------------------------------------------------------------------
// Rules 1–25: the simulator.

#[test]
fn rule_01_on_start_in_ascending_name_order_and_a_node_down_at_zero_is_skipped() {
    let l = log();
    let nodes = Nodes::new()
        .node("c", Script::logging(&l))
        .node("a", Script::logging(&l))
        .node("b", Script::logging(&l));
    Simulator::new(nodes).run().unwrap();
    assert_eq!(entries(&l), ["a@0 start", "b@0 start", "c@0 start"]);

    let l = log();
    let nodes = Nodes::new()
        .node("c", Script::logging(&l))
        .node("a", Script::logging(&l))
        .node("b", Script::logging(&l));
    let r = Simulator::new(nodes).faults(FaultSchedule::new().crash(Crash::new("a", 0, 4))).run().unwrap();
    assert_eq!(entries(&l), ["b@0 start", "c@0 start", "a@4 start"]);
    assert_eq!(r.steps, 1);
}

#[test]
fn rule_02_restarts_are_scheduled_after_every_on_start_send() {
    // `a` sends to `x` at start (due 1); `x` is down over [0, 1), so its restart is due at 1 too,
    // but scheduled after the send: the message reaches the never-started instance first.
    let l = log();
    let nodes = Nodes::new().node("a", sender("x", vec![Value::from("m")])).node("x", Script::logging(&l));
    let r = Simulator::new(nodes).faults(FaultSchedule::new().crash(Crash::new("x", 0, 1))).run().unwrap();
    assert_eq!(entries(&l), ["x@1 'm' from a", "x@1 start"]);
    assert_eq!(figures(r), (2, 1, 1, 0));
}

#[test]
fn rule_03_same_due_time_pops_by_sequence() {
    let l = log();
    let payloads = (0..5).map(Value::from).collect();
    let nodes = Nodes::new().node("s", sender("c", payloads)).node("c", Script::logging(&l));
    let r = Simulator::new(nodes).seed(3).run().unwrap();
    assert_eq!(
        entries(&l),
        ["c@0 start", "c@1 0 from s", "c@1 1 from s", "c@1 2 from s", "c@1 3 from s", "c@1 4 from s"]
    );
    assert_eq!(figures(r), (5, 1, 5, 0));
    // A restart due at the same time as a delivery scheduled before it comes after it (rule 2's
    // consequence for a running node): a warm restart of `x` at 1.
    let l = log();
    let nodes = Nodes::new().node("a", sender("x", vec![Value::from("m")])).node("x", Script::logging(&l));
    let r = Simulator::new(nodes).faults(FaultSchedule::new().crash(Crash::new("x", 1, 1))).run().unwrap();
    assert_eq!(entries(&l), ["x@0 start", "x@1 'm' from a"]);
    assert_eq!(r.steps, 2);
}

fn timers_node(l: &Log) -> Script {
    let t = l.clone();
    Script::new()
        .start(|ctx| {
            ctx.set_timer("a", 0);
            ctx.set_timer("b", -5);
            ctx.set_timer("c", 1);
            ctx.set_timer("c", 3);
            ctx.set_timer("d", 2);
            ctx.cancel_timer("d");
            ctx.cancel_timer("never-armed");
        })
        .timer(move |ctx, name| t.borrow_mut().push(format!("{name}@{}", ctx.now())))
}

#[test]
fn rule_04_stale_timers_are_not_steps_and_do_not_advance_time() {
    let l = log();
    let r = Simulator::new(Nodes::new().node("n", timers_node(&l))).run().unwrap();
    assert_eq!(entries(&l), ["a@1", "b@1", "c@3"]);
    assert_eq!((r.steps, r.time, r.reason), (3, 3, StopReason::Quiescent));
    // A stale timer due last leaves the time at the last live one.
    let nodes = Nodes::new().node(
        "n",
        Script::new().start(|ctx| {
            ctx.set_timer("t", 10);
            ctx.set_timer("t", 2);
        }),
    );
    assert_eq!(figures(Simulator::new(nodes).run().unwrap()), (1, 2, 0, 0));
}

#[test]
fn rule_05_a_timer_delay_below_one_becomes_one() {
    let l = log();
    let t = l.clone();
    let node = Script::new()
        .start(|ctx| {
            ctx.set_timer("zero", 0);
            ctx.set_timer("negative", -5);
        })
        .timer(move |ctx, name| t.borrow_mut().push(format!("{name}@{}", ctx.now())));
    Simulator::new(Nodes::new().node("n", node)).run().unwrap();
    assert_eq!(entries(&l), ["zero@1", "negative@1"]);
}

#[test]
fn rule_06_a_timer_due_while_its_node_is_down_is_lost_not_dropped() {
    let l = log();
    let t = l.clone();
    let node = Script::new()
        .start(|ctx| ctx.set_timer("t", 2))
        .timer(move |_, name| t.borrow_mut().push(name.into()));
    let r = Simulator::new(Nodes::new().node("b", node))
        .faults(FaultSchedule::new().crash(Crash::new("b", 1, 5)))
        .run()
        .unwrap();
    assert!(entries(&l).is_empty());
    assert_eq!(figures(r), (1, 5, 0, 0)); // the restart is the only step
}

#[test]
fn rule_07_an_arrival_at_a_down_node_is_dropped_and_not_a_step() {
    let l = log();
    let nodes = Nodes::new().node("a", sender("b", vec![Value::from(1)])).node("b", Script::logging(&l));
    let r = Simulator::new(nodes).faults(FaultSchedule::new().crash(Crash::new("b", 1, 3))).run().unwrap();
    assert_eq!(entries(&l), ["b@0 start"]);
    assert_eq!(figures(r), (1, 3, 0, 1));
}

#[test]
fn rule_08_partitions_are_judged_at_send_time_and_draw_nothing() {
    // Sent at 0 over a link cut over [0, 1) with latency 5: it would arrive after the heal, and
    // is still dropped; the reverse direction is open.
    let l = log();
    let nodes = Nodes::new()
        .node("a", sender("b", vec![Value::from(1)]))
        .node("b", Script::logging(&l).start(|ctx| ctx.send("a", 2)));
    let mut sim = Simulator::new(nodes)
        .seed(0)
        .network(NetworkModel::new().loss(0.5).latency(5, 5))
        .faults(FaultSchedule::new().partition(Partition::new([("a", "b")], 0, 1)));
    let r = sim.run().unwrap();
    assert!(entries(&l).is_empty());
    assert_eq!(figures(r).3, 1);
    // Only b's send drew: one loss draw (0.844 → kept) and one latency draw, randint(5, 5).
    let mut reference = CpythonRandom::new(0);
    reference.random();
    reference.randint(5, 5);
    assert_eq!(sim.random(), reference.random());
}

#[test]
fn rule_09_loss_and_duplicate_draw_only_when_positive() {
    for network in [NetworkModel::new(), NetworkModel::new().loss(0.0).duplicate(0.0)] {
        let nodes = Nodes::new().node("a", sender("b", vec![Value::from(1)])).node("b", Script::new());
        let mut sim = Simulator::new(nodes).seed(5).network(network);
        sim.run().unwrap();
        let mut reference = CpythonRandom::new(5);
        reference.randint(1, 1); // the latency draw only
        assert_eq!(sim.random(), reference.random());
    }
    // With both positive: loss, latency, duplicate — three draws in that order.
    let nodes = Nodes::new().node("a", sender("b", vec![Value::from(1)])).node("b", Script::new());
    let mut sim = Simulator::new(nodes).seed(5).network(NetworkModel::new().loss(0.01).duplicate(0.001));
    sim.run().unwrap();
    let mut reference = CpythonRandom::new(5);
    assert!(reference.random() >= 0.01);
    reference.randint(1, 1);
    assert!(reference.random() >= 0.001);
    assert_eq!(sim.random(), reference.random());
}

#[test]
fn rule_10_latency_is_drawn_even_when_fixed_and_randint_1_1_may_take_several_words() {
    // CPython: Random(0).randint(1, 1) consumes 2 words (the first word's top bit is 1).
    let mut r = CpythonRandom::new(0);
    assert_eq!(r.randint(1, 1), 1);
    assert_eq!(r.next_u32(), 3255389356); // the third word of Random(0)
    let nodes = Nodes::new().node("a", sender("b", vec![Value::from(1)])).node("b", Script::new());
    let mut sim = Simulator::new(nodes).seed(0);
    sim.run().unwrap();
    let mut reference = CpythonRandom::new(0);
    reference.next_u32();
    reference.next_u32();
    assert_eq!(sim.random(), reference.random());
}

#[test]
fn rule_11_an_empty_latency_range_fails_at_the_first_send() {
    let nodes = Nodes::new().node("a", sender("b", vec![Value::from(1)])).node("b", Script::new());
    let e = Simulator::new(nodes).network(NetworkModel::new().latency(3, 1)).run().unwrap_err();
    assert_eq!(e.kind(), SimErrorKind::EmptyRange);
    assert_eq!(e.message(), "empty range in randrange(3, 2)");
    assert_eq!((e.node(), e.handler(), e.step()), (Some("a"), Some(Handler::Start), Some(0)));
    // From outside a handler too, and only when a send gets as far as the latency draw.
    let mut sim =
        Simulator::new(Nodes::new().node("b", Script::new())).network(NetworkModel::new().latency(3, 1));
    assert_eq!(sim.inject("x", "b", 1).unwrap_err().to_string(), "empty range in randrange(3, 2)");
}

fn counting_mutate(calls: &Rc<RefCell<u32>>, f: fn(Value) -> Option<Value>) -> NetworkModel<Value> {
    let calls = calls.clone();
    NetworkModel::new().mutate(move |_, _, p| {
        *calls.borrow_mut() += 1;
        f(p)
    })
}

#[test]
fn rule_12_mutate_runs_after_loss_before_the_latency_draw_and_none_drops() {
    let calls = Rc::new(RefCell::new(0));
    let nodes = Nodes::new().node("a", sender("b", vec![Value::from(1)])).node("b", Script::new());
    let mut sim = Simulator::new(nodes).seed(0).network(counting_mutate(&calls, |_| None).loss(0.5));
    let r = sim.run().unwrap();
    assert_eq!((figures(r), *calls.borrow()), ((0, 0, 0, 1), 1));
    // Seed 0 keeps the message (0.844 ≥ 0.5), then mutate drops it: no latency was drawn.
    assert_eq!(sim.random(), 0.7579544029403025); // CPython: Random(0)'s second random()
}

#[test]
fn rule_13_mutate_is_never_called_for_a_lost_message() {
    let calls = Rc::new(RefCell::new(0));
    let nodes =
        Nodes::new().node("a", sender("b", vec![Value::from(1), Value::from(2)])).node("b", Script::new());
    let r = Simulator::new(nodes).network(counting_mutate(&calls, Some).loss(1.0)).run().unwrap();
    assert_eq!((figures(r), *calls.borrow()), ((0, 0, 0, 2), 0));
    // Nor for a partitioned one.
    let nodes = Nodes::new().node("a", sender("b", vec![Value::from(1)])).node("b", Script::new());
    let faults = FaultSchedule::new().partition(Partition::new([("a", "b")], 0, 5));
    Simulator::new(nodes).network(counting_mutate(&calls, Some)).faults(faults).run().unwrap();
    assert_eq!(*calls.borrow(), 0);
}

#[test]
fn rule_14_a_duplicate_carries_the_mutated_payload_and_mutate_runs_once_per_send() {
    let calls = Rc::new(RefCell::new(0));
    let l = log();
    let payloads = (0..3).map(Value::from).collect();
    let nodes = Nodes::new().node("a", sender("b", payloads)).node("b", Script::logging(&l));
    let network = counting_mutate(&calls, |p| Some(Value::from(p.as_int() + 100))).duplicate(1.0);
    let r = Simulator::new(nodes).network(network).run().unwrap();
    let got: Vec<String> = entries(&l).into_iter().skip(1).collect();
    assert_eq!(
        got,
        [
            "b@1 100 from a",
            "b@1 100 from a",
            "b@1 101 from a",
            "b@1 101 from a",
            "b@1 102 from a",
            "b@1 102 from a"
        ]
    );
    assert_eq!((r.delivered, *calls.borrow()), (6, 3));
}

#[test]
fn rule_15_a_send_to_an_unknown_node_names_the_known_ones() {
    let mut sim = Simulator::new(Nodes::new().node("b", Script::new()).node("a", Script::new()));
    let e = sim.inject("a", "zz", 1).unwrap_err();
    assert_eq!(
        (e.kind(), e.message()),
        (SimErrorKind::UnknownNode, "send to unknown node 'zz' (known: ['a', 'b'])")
    );
    let nodes = Nodes::new()
        .node("a", Script::new().message(|ctx, _, _| ctx.send("zz", 0)))
        .node("b", sender("a", vec![Value::None]));
    let e = Simulator::new(nodes).run().unwrap_err();
    assert_eq!(
        e.to_string(),
        "in on_message of node 'a' at step 1: send to unknown node 'zz' (known: ['a', 'b'])"
    );
}

#[test]
fn rule_16_adversarial_node_runs_the_first_matching_behaviour_only() {
    let l = log();
    let (l1, l2) = (l.clone(), l.clone());
    let adversary = AdversarialNode::new()
        .behavior(|_, p: &Value| *p == Value::from(1), move |_, _, _| l1.borrow_mut().push("first".into()))
        .behavior(|_, _| true, move |_, _, p| l2.borrow_mut().push(format!("second {p}")));
    let payloads = vec![Value::from(1), Value::from(2)];
    let nodes = Nodes::new().node("adv", adversary).node("s", sender("adv", payloads));
    Simulator::new(nodes).run().unwrap();
    assert_eq!(entries(&l), ["first", "second 2"]);
}

#[test]
fn rule_17_a_message_an_adversarial_node_ignores_still_counts_as_delivered() {
    let ignoring = AdversarialNode::new()
        .behavior(|_, p: &Value| *p == Value::from("never"), |ctx, src, _| ctx.send(src, 0));
    let nodes =
        Nodes::new().node("adv", ignoring).node("s", sender("adv", vec![Value::from(1), Value::from(2)]));
    let r = Simulator::new(nodes).run().unwrap();
    assert_eq!(figures(r), (2, 1, 2, 0));
    assert_eq!(musil::open::environments::aws::timeout_service::<Value>().behavior_count(), 0);
}

/// A node that counts its starts and what it received, in shared cells so an instance
/// replaced by a cold restart can still be read.
#[derive(Clone, Default)]
struct Stateful {
    generation: u32,
    received: i64,
    starts: Rc<RefCell<Vec<u32>>>,
}

impl Node<Value> for Stateful {
    fn on_start(&mut self, _: &mut Context<'_, Value>) {
        self.starts.borrow_mut().push(self.generation);
    }
    fn on_message(&mut self, _: &mut Context<'_, Value>, _: &str, p: &Value) {
        self.received += p.as_int();
    }
}

#[test]
fn rule_18_a_cold_restart_without_rebuild_acts_warm() {
    let node = Stateful::default();
    let starts = node.starts.clone();
    let nodes = Nodes::new().node("a", sender("b", vec![Value::from(7)])).node("b", node);
    let mut sim = Simulator::new(nodes).faults(FaultSchedule::new().crash(Crash::new("b", 2, 4).cold()));
    let r = sim.run().unwrap();
    assert_eq!(sim.nodes().get::<Stateful>("b").unwrap().received, 7); // state kept
    assert_eq!(*starts.borrow(), [0]); // no second on_start
    assert_eq!(r.steps, 2);
}

#[test]
fn rule_19_a_cold_restart_reruns_the_whole_factory_and_keeps_one_node() {
    let built = Rc::new(RefCell::new(0u32));
    let starts = Rc::new(RefCell::new(Vec::new()));
    let (b2, s2) = (built.clone(), starts.clone());
    let factory = move || {
        *b2.borrow_mut() += 1;
        let generation = *b2.borrow();
        Nodes::new()
            .node(
                "a",
                Stateful {
                    generation,
                    received: 100 * i64::from(generation),
                    starts: Rc::new(RefCell::new(Vec::new())),
                },
            )
            .node("b", Stateful { generation, received: 0, starts: s2.clone() })
    };
    let mut nodes = factory();
    nodes.get_mut::<Stateful>("b").unwrap().received = 5;
    let mut sim = Simulator::new(nodes)
        .rebuild(factory)
        .faults(FaultSchedule::new().crash(Crash::new("b", 1, 2).cold()));
    sim.run().unwrap();
    assert_eq!(*built.borrow(), 2); // the whole factory ran again
    assert_eq!(*starts.borrow(), [1, 2]); // the new `b` booted
    assert_eq!(sim.nodes().get::<Stateful>("b").unwrap().received, 0); // b's state is gone
    assert_eq!(sim.nodes().get::<Stateful>("a").unwrap().received, 100); // a is the first instance
}

#[test]
fn rule_20_a_warm_restart_of_a_running_node_calls_nothing_but_is_a_step() {
    let node = Stateful::default();
    let starts = node.starts.clone();
    let r = Simulator::new(Nodes::new().node("b", node))
        .faults(FaultSchedule::new().crash(Crash::new("b", 1, 2)))
        .run()
        .unwrap();
    assert_eq!(*starts.borrow(), [0]);
    assert_eq!(figures(r), (1, 2, 0, 0));
}

#[test]
fn rule_21_overlapping_crashes_the_first_end_boots_the_node() {
    let l = log();
    let faults = FaultSchedule::new().crash(Crash::new("b", 0, 3)).crash(Crash::new("b", 0, 6));
    let r = Simulator::new(Nodes::new().node("b", Script::logging(&l))).faults(faults).run().unwrap();
    assert_eq!(entries(&l), ["b@3 start"]); // booted at 3 though the second window holds it down
    assert_eq!(r.steps, 2);
}

#[test]
fn rule_22_timers_armed_before_a_cold_restart_fire_on_the_new_instance() {
    let l = log();
    let built = Rc::new(RefCell::new(0u32));
    let (b2, l2) = (built.clone(), l.clone());
    let factory = move || {
        *b2.borrow_mut() += 1;
        let generation = *b2.borrow();
        let t = l2.clone();
        Nodes::new().node(
            "b",
            Script::new()
                .start(move |ctx| {
                    if generation == 1 {
                        ctx.set_timer("t", 5);
                        ctx.set_timer("lost", 2);
                    }
                })
                .timer(move |ctx, name| {
                    t.borrow_mut().push(format!("{name}@{} on instance {generation}", ctx.now()))
                }),
        )
    };
    let faults = FaultSchedule::new().crash(Crash::new("b", 1, 3).cold());
    Simulator::new(factory()).rebuild(factory).faults(faults).run().unwrap();
    assert_eq!(entries(&l), ["t@5 on instance 2"]);
}

#[test]
fn rule_23_max_steps_is_checked_before_each_pop() {
    let node = || {
        Script::new().start(|ctx| {
            ctx.set_timer("t", 10);
            ctx.set_timer("t", 1); // the first arming stays in the queue, stale
        })
    };
    let r = Simulator::new(Nodes::new().node("n", node())).max_steps(1).run().unwrap();
    assert_eq!((r.steps, r.reason), (1, StopReason::MaxSteps));
    let r = Simulator::new(Nodes::new().node("n", node())).max_steps(2).run().unwrap();
    assert_eq!((r.steps, r.time, r.reason), (1, 1, StopReason::Quiescent));
    let r = Simulator::new(Nodes::new().node("n", node())).max_steps(0).run().unwrap();
    assert_eq!((r.steps, r.reason), (0, StopReason::MaxSteps));
}

#[test]
fn rule_24_until_is_checked_after_start_and_after_real_steps_only() {
    let l = log();
    let r = Simulator::new(Nodes::new().node("n", timers_node(&l))).run_until(|_| true).unwrap();
    assert_eq!((r.steps, r.time, r.reason), (0, 0, StopReason::Until));
    assert!(entries(&l).is_empty());
    let mut calls = Vec::new();
    let r = Simulator::new(Nodes::new().node("n", timers_node(&l)))
        .run_observed(|sim| {
            calls.push((sim.steps(), sim.now()));
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(calls, [(0, 0), (1, 1), (2, 1), (3, 3)]); // the stale c@1 and cancelled d@2 are not seen
    assert_eq!(r.reason, StopReason::Quiescent);
    let r = Simulator::new(Nodes::new().node("n", timers_node(&l))).run_until(|sim| sim.now() >= 1).unwrap();
    assert_eq!((r.steps, r.reason), (1, StopReason::Until));
}

#[test]
fn rule_25_time_is_the_due_time_of_the_last_processed_event() {
    // The last event, an arrival at 7 at a node down then, is skipped: time stays at the
    // restart's 6.
    let nodes = Nodes::new().node("a", Script::new().start(|ctx| ctx.send("b", 1))).node("b", Script::new());
    let faults = FaultSchedule::new().crash(Crash::new("b", 0, 6)).crash(Crash::new("b", 7, 9));
    let r = Simulator::new(nodes)
        .network(NetworkModel::new().latency(7, 7))
        .faults(faults.clone())
        .run()
        .unwrap();
    assert_eq!(figures(r), (2, 9, 0, 1)); // restarts at 6 and 9 are steps; the arrival at 7 is not
    let nodes = Nodes::new().node("a", Script::new().start(|ctx| ctx.send("b", 1))).node("b", Script::new());
    let faults = FaultSchedule::new().crash(Crash::new("b", 0, 6)).crash(Crash::new("b", 7, 7));
    let r = Simulator::new(nodes).network(NetworkModel::new().latency(8, 8)).faults(faults).run().unwrap();
    assert_eq!(figures(r), (3, 8, 1, 0));
}

// ---------------------------------------------------------------------------------------------
// Rules 26–38: simulate.

/// A pusher (`s`) and a replica (`r`) over `Value`s: the partition_heal pair, in brief.
fn push_pair(retry: bool) -> impl Fn() -> Nodes<Value> + 'static {
    move || {
        let applied = Rc::new(RefCell::new(0));
        let acked = Rc::new(RefCell::new(false));
        let (a2, k2, k3) = (applied.clone(), acked.clone(), acked.clone());
        Nodes::new()
            .node(
                "s",
                Script::new()
                    .start(move |ctx| {
                        ctx.send("r", 1);
                        if retry {
                            ctx.set_timer("push", 2);
                        }
                    })
                    .message(move |_, _, p| *k2.borrow_mut() |= *p == Value::from("ack"))
                    .timer(move |ctx, _| {
                        if !*k3.borrow() {
                            ctx.send("r", 1);
                            ctx.set_timer("push", 2);
                        }
                    }),
            )
            .node("r", Replica { applied: a2 })
    }
}

struct Replica {
    applied: Rc<RefCell<i64>>,
}

impl Node<Value> for Replica {
    fn on_message(&mut self, ctx: &mut Context<'_, Value>, src: &str, p: &Value) {
        let v = (*self.applied.borrow()).max(p.as_int());
        *self.applied.borrow_mut() = v;
        ctx.send(src, "ack");
    }
}

fn applied(nodes: &Nodes<Value>) -> i64 {
    *nodes.get::<Replica>("r").unwrap().applied.borrow()
}

#[test]
fn rule_26_runs_include_the_failing_seed() {
    let mut sim = simulate(push_pair(false), applied)
        .network(NetworkModel::new().loss(0.4))
        .goal("goal", |a: &i64| *a == 1);
    let report = sim.run(0..200).unwrap();
    let f = report.failure.as_ref().unwrap();
    assert_eq!((f.kind, f.seed, f.step, report.runs), (FailureKind::Goal, 1, 0, 2));
    let report = sim.run([1]).unwrap();
    assert_eq!(
        report.to_string(),
        "GOAL on seed 1 at step 0: goal\n  world: 0\n  reproduce with seeds=[1]\n(1 runs before the failing seed)"
    );
}

#[test]
fn rule_27_no_seeds_is_ok_with_zero_runs() {
    let report =
        simulate(push_pair(false), applied).goal("goal", |a: &i64| *a == 1).run(std::iter::empty()).unwrap();
    assert!(report.ok());
    assert_eq!(report.to_string(), "OK -- 0 simulated runs, no failures");
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Abstract {
    applied: i64,
}

fn counter_model(top: i64) -> Model<Abstract> {
    Model::new(Abstract { applied: 0 }).action(
        "apply",
        move |s| s.applied < top,
        |s| Abstract { applied: s.applied + 1 },
    )
}

#[test]
fn rule_28_a_model_comes_with_its_abstraction() {
    // The original refuses a model without an abstraction (and ignores an abstraction without
    // a model); here `refines` takes both at once, so neither can be given alone. The
    // abstraction given is the one applied to every world:
    let report = simulate(push_pair(true), applied)
        .refines(&counter_model(1), |a: &i64| Abstract { applied: *a })
        .run(0..10)
        .unwrap();
    assert!(report.ok(), "{report}");
    let report = simulate(push_pair(true), applied)
        .refines(&counter_model(1), |a: &i64| Abstract { applied: a * 2 })
        .run(0..10)
        .unwrap();
    assert_eq!(report.failure.unwrap().kind, FailureKind::Refinement);
}

#[test]
fn rule_29_the_oracle_judges_invariants_then_refinement_then_convergence() {
    let both = simulate(push_pair(false), applied)
        .invariant("never-applied", |a: &i64| *a == 0)
        .refines(&counter_model(0), |a: &i64| Abstract { applied: *a })
        .run([0])
        .unwrap();
    let f = both.failure.unwrap();
    assert_eq!((f.kind, f.detail.as_str(), f.step), (FailureKind::Invariant, "never-applied", 1));
    let refinement_first = simulate(push_pair(false), applied)
        .refines(&counter_model(0), |a: &i64| Abstract { applied: *a })
        .goal("goal", |a: &i64| *a == 0)
        .converge_within(0)
        .run([0])
        .unwrap();
    assert_eq!(refinement_first.failure.unwrap().kind, FailureKind::Refinement);
}

/// A world whose `applied` flips 0/1 each tick from 1 to 5, then settles at 1.
fn flipper() -> Nodes<Value> {
    let applied = Rc::new(RefCell::new(0));
    let a2 = applied.clone();
    Nodes::new()
        .node(
            "f",
            Script::new().start(|ctx| ctx.set_timer("tick", 1)).timer(move |ctx, _| {
                let v = 1 - *a2.borrow();
                *a2.borrow_mut() = v;
                if ctx.now() < 5 {
                    ctx.set_timer("tick", 1);
                }
            }),
        )
        .node("r", Replica { applied })
}

fn converging(bound: u64, faults: Option<FaultSchedule>) -> (Option<(FailureKind, usize)>, u64) {
    let mut sim = simulate(flipper, applied).goal("goal", |a: &i64| *a == 1).converge_within(bound);
    if let Some(f) = faults {
        sim = sim.faults(f);
    }
    let report = sim.run([0]).unwrap();
    (report.failure.map(|f| (f.kind, f.step)), report.runs)
}

#[test]
fn rule_30_converge_within_counts_cumulatively_from_the_heal_time() {
    assert_eq!(converging(1, None).0, Some((FailureKind::Liveness, 2)));
    assert_eq!(converging(2, None).0, Some((FailureKind::Liveness, 4)));
    assert_eq!(converging(3, None).0, None);
    let partition = FaultSchedule::new().partition(Partition::new([("x", "y")], 0, 4));
    assert_eq!(converging(0, Some(partition.clone())).0, Some((FailureKind::Liveness, 4)));
    assert_eq!(converging(1, Some(partition)).0, None);
}

#[test]
fn rule_31_converge_within_failures_are_liveness_without_faults() {
    let (failure, _) = converging(0, None);
    assert_eq!(failure, Some((FailureKind::Liveness, 0)));
}

#[test]
fn rule_32_the_end_of_run_goal_is_liveness_iff_the_schedule_heals_after_zero() {
    let kind = |faults: FaultSchedule| {
        simulate(push_pair(false), applied)
            .faults(faults)
            .goal("goal", |a: &i64| *a == 1)
            .run([0])
            .unwrap()
            .failure
            .map(|f| f.kind)
    };
    let cut = |end| FaultSchedule::new().partition(Partition::new([("s", "r")], 0, end));
    assert_eq!(kind(cut(0)), None); // an empty window cuts nothing
    assert_eq!(kind(cut(1)), Some(FailureKind::Liveness));
    let never =
        simulate(push_pair(true), applied).faults(cut(0)).goal("never", |a: &i64| *a == 2).run([0]).unwrap();
    assert_eq!(never.failure.unwrap().kind, FailureKind::Goal); // a [0, 0) window heals at 0
}

#[test]
fn rule_33_the_goal_is_judged_after_a_max_steps_stop() {
    let forever = || {
        Nodes::new()
            .node("r", Replica { applied: Rc::new(RefCell::new(0)) })
            .node("t", Script::new().start(|ctx| ctx.set_timer("t", 1)).timer(|ctx, _| ctx.set_timer("t", 1)))
    };
    let report = simulate(forever, applied).max_steps(5).goal("goal", |a: &i64| *a == 1).run([0]).unwrap();
    let f = report.failure.unwrap();
    assert_eq!((f.kind, f.step, f.history.len()), (FailureKind::Goal, 5, 6));
}

#[test]
fn rule_34_a_per_seed_schedule_gets_its_own_generator() {
    let drawn = Rc::new(RefCell::new(Vec::new()));
    let node_drew = Rc::new(RefCell::new(Vec::new()));
    let (d2, n2) = (drawn.clone(), node_drew.clone());
    let factory = move || {
        let n3 = n2.clone();
        Nodes::new().node("n", Script::new().start(move |ctx| n3.borrow_mut().push(ctx.random())))
    };
    let report = simulate(factory, |_| 0)
        .faults_per_seed(move |rng| {
            d2.borrow_mut().push(rng.random());
            FaultSchedule::new()
        })
        .run(0..2)
        .unwrap();
    assert!(report.ok());
    // CPython: Random(0).random(), Random(1).random(); the node's first draw is the same.
    assert_eq!(*drawn.borrow(), [0.8444218515250481, 0.13436424411240122]);
    assert_eq!(*node_drew.borrow(), *drawn.borrow());
}

#[test]
fn rule_35_an_invariant_returning_a_non_empty_string_holds() {
    let holds = simulate(push_pair(true), applied).invariant("text", |_: &i64| "a reason").run(0..3).unwrap();
    assert!(holds.ok());
    let fails =
        simulate(push_pair(true), applied).invariant("empty", |_: &i64| String::new()).run(0..3).unwrap();
    assert_eq!(fails.failure.map(|f| (f.kind, f.step)), Some((FailureKind::Invariant, 0)));
    let none = simulate(push_pair(true), applied).invariant("none", |_: &i64| None::<u8>).run(0..1).unwrap();
    assert!(!none.ok());
}

#[test]
fn rule_36_a_refinement_failure_repeats_refinement() {
    let report = simulate(push_pair(false), applied)
        .refines(&counter_model(0), |a: &i64| Abstract { applied: *a })
        .run([0])
        .unwrap();
    assert_eq!(
        report.to_string().lines().next().unwrap(),
        "REFINEMENT on seed 0 at step 1: REFINEMENT: observation 1 maps to Abstract { applied: 1 }, unreachable in the model"
    );
}

#[test]
fn rule_37_refinement_unknown_state_beats_bad_init_at_observation_zero() {
    let report = simulate(push_pair(false), |_: &Nodes<Value>| 5i64)
        .refines(&counter_model(1), |a: &i64| Abstract { applied: *a })
        .run([0])
        .unwrap();
    let f = report.failure.unwrap();
    assert_eq!(
        f.detail,
        "REFINEMENT: observation 0 maps to Abstract { applied: 5 }, unreachable in the model"
    );
    let bad_init = simulate(push_pair(false), |_: &Nodes<Value>| 1i64)
        .refines(&counter_model(1), |a: &i64| Abstract { applied: *a })
        .run([0])
        .unwrap();
    assert_eq!(
        bad_init.failure.unwrap().detail,
        "REFINEMENT: observation 0 maps to Abstract { applied: 1 }, not a model initial state"
    );
    let fragment = simulate(push_pair(false), |_: &Nodes<Value>| 1i64)
        .require_init(false)
        .refines(&counter_model(1), |a: &i64| Abstract { applied: *a })
        .run([0])
        .unwrap();
    assert!(fragment.ok());
}

#[test]
fn rule_38_refinement_keeps_the_last_good_state_after_a_violation() {
    // `simulate` stops at the first violation, so what follows one is seen only by the
    // monitor: pinned by the unit test `sim::refine::tests` (0, 2, 1, 2 on the counter 0→1→2:
    // only the second fails). Here: the violation's step and history.
    let report = simulate(push_pair(false), applied)
        .refines(&counter_model(0), |a: &i64| Abstract { applied: *a })
        .run([0])
        .unwrap();
    let f = report.failure.unwrap();
    assert_eq!((f.step, f.history), (1, vec![0, 1]));
}

// ---------------------------------------------------------------------------------------------
// Rules 39–42: driving a real system.

fn drive(
    schedule: &FaultSchedule,
    seconds_per_tick: f64,
) -> (Vec<String>, Vec<Duration>, musil::sim::FaultDrive) {
    let events = RefCell::new(Vec::new());
    let mut slept = Vec::new();
    let name = |f: ScheduledFault<'_>| match f {
        ScheduledFault::Partition(p) => format!("P[{},{})", p.start, p.end),
        ScheduledFault::Crash(c) => format!("C{}[{},{})", c.node, c.start, c.end),
    };
    let result = schedule.driver().seconds_per_tick(seconds_per_tick).sleep(|d| slept.push(d)).run(
        |f| events.borrow_mut().push(format!("apply {}", name(f))),
        |f| events.borrow_mut().push(format!("heal {}", name(f))),
    );
    (events.into_inner(), slept, result)
}

fn secs(v: &[f64]) -> Vec<Duration> {
    v.iter().map(|s| Duration::from_secs_f64(*s)).collect()
}

#[test]
fn rule_39_drive_heals_before_it_applies_at_a_shared_instant() {
    let s = FaultSchedule::new().partition(Partition::new([("a", "b")], 3, 6)).crash(Crash::new("n", 0, 3));
    let (events, slept, result) = drive(&s, 1.0);
    assert_eq!(events, ["apply Cn[0,3)", "heal Cn[0,3)", "apply P[3,6)", "heal P[3,6)"]);
    assert_eq!(slept, secs(&[3.0, 3.0]));
    assert_eq!((result.applied, result.healed, result.heal_time), (2, 2, 6));
}

#[test]
fn rule_40_drive_keeps_partitions_then_crashes_on_same_kind_ties() {
    let s = FaultSchedule::new()
        .crash(Crash::new("x", 1, 4))
        .partition(Partition::new([("a", "b")], 1, 4))
        .crash(Crash::new("y", 1, 4));
    let (events, _, _) = drive(&s, 1.0);
    assert_eq!(
        events,
        ["apply P[1,4)", "apply Cx[1,4)", "apply Cy[1,4)", "heal P[1,4)", "heal Cx[1,4)", "heal Cy[1,4)"]
    );
}

#[test]
fn rule_41_drive_heals_a_zero_length_window_before_applying_it() {
    let s = FaultSchedule::new().crash(Crash::new("n", 2, 2));
    let (events, slept, result) = drive(&s, 1.0);
    assert_eq!(events, ["heal Cn[2,2)", "apply Cn[2,2)"]);
    assert_eq!(slept, secs(&[2.0]));
    assert_eq!((result.applied, result.healed, result.heal_time), (1, 1, 2));
}

#[test]
fn rule_42_drive_sleeps_only_for_positive_gaps_times_the_pace() {
    let s = FaultSchedule::new().partition(Partition::new([("a", "b")], 1, 3)).crash(Crash::new("n", 2, 5));
    let (events, slept, result) = drive(&s, 1.0);
    assert_eq!(events, ["apply P[1,3)", "apply Cn[2,5)", "heal P[1,3)", "heal Cn[2,5)"]);
    assert_eq!(slept, secs(&[1.0, 1.0, 1.0, 2.0]));
    assert_eq!((result.applied, result.healed, result.heal_time), (2, 2, 5));
    let (_, slept, _) = drive(&FaultSchedule::new().crash(Crash::new("n", 0, 4)), 0.5);
    assert_eq!(slept, secs(&[2.0]));
    let (_, slept, _) = drive(&FaultSchedule::new().crash(Crash::new("n", -3, 0)), 1.0);
    assert!(slept.is_empty());
    let (events, slept, result) = drive(&FaultSchedule::new(), 1.0);
    assert!(events.is_empty() && slept.is_empty());
    assert_eq!((result.applied, result.healed, result.heal_time), (0, 0, 0));
}

// ---------------------------------------------------------------------------------------------
// Beyond the checklist: panics, §1.8 figures, the environments' companions.

#[test]
fn a_panicking_handler_is_an_error_naming_the_node_the_step_and_the_seed() {
    let nodes = || {
        Nodes::new()
            .node("a", sender("b", vec![Value::from(1)]))
            .node("b", Script::new().message(|_, _, _| panic!("handler broke")))
    };
    let e = Simulator::new(nodes()).run().unwrap_err();
    assert_eq!(
        (e.kind(), e.node(), e.handler(), e.step()),
        (SimErrorKind::Panic, Some("b"), Some(Handler::Message), Some(1))
    );
    assert_eq!(e.to_string(), "node 'b' panicked in on_message at step 1: handler broke");
    let e = simulate(nodes, |_| 0).run(3..5).unwrap_err();
    assert_eq!(e.to_string(), "node 'b' panicked in on_message at step 1 on seed 3: handler broke");
    assert_eq!(e.seed(), Some(3));
}

#[test]
fn ping_pong_figures_match_the_original() {
    // §1.8: (steps, time, delivered, dropped) per network and seed.
    let pair = || {
        let l = log();
        let pongs = l.clone();
        let nodes = Nodes::new()
            .node(
                "a",
                Script::new()
                    .start(|ctx| ctx.send("b", "ping"))
                    .message(move |_, _, p| pongs.borrow_mut().push(p.to_string())),
            )
            .node(
                "b",
                Script::new().message(|ctx, src, p| {
                    if *p == Value::from("ping") {
                        ctx.send(src, "pong")
                    }
                }),
            );
        (nodes, l)
    };
    let (nodes, pongs) = pair();
    let r = Simulator::new(nodes).seed(1).run().unwrap();
    assert_eq!(
        (figures(r), r.reason, entries(&pongs)),
        ((2, 2, 2, 0), StopReason::Quiescent, vec!["'pong'".to_owned()])
    );
    let (nodes, _) = pair();
    assert_eq!(
        figures(Simulator::new(nodes).network(NetworkModel::new().loss(1.0)).run().unwrap()),
        (0, 0, 0, 1)
    );
    for (seed, expected) in [(7, (0, 0, 0, 1)), (0, (1, 4, 1, 1)), (2, (1, 1, 1, 1))] {
        let (nodes, _) = pair();
        let r = Simulator::new(nodes)
            .seed(seed)
            .network(NetworkModel::new().loss(0.5).latency(1, 5))
            .run()
            .unwrap();
        assert_eq!(figures(r), expected, "seed {seed}");
    }
}

#[test]
fn latency_spread_reorders_a_burst_as_the_original_does() {
    // §1.8: a burst of 5 with latency 1..20: seed 0 → 2,3,0,1,4; seed 1 → 2,4,0,3,1; every seed
    // of 0..30 reorders and nothing is lost.
    for seed in 0..30u64 {
        let l = log();
        let seen = l.clone();
        let nodes = Nodes::new()
            .node("s", sender("c", (0..5).map(Value::from).collect()))
            .node("c", Script::new().message(move |_, _, p| seen.borrow_mut().push(p.to_string())));
        Simulator::new(nodes).seed(seed).network(NetworkModel::new().latency(1, 20)).run().unwrap();
        let order = entries(&l).join(",");
        assert_eq!(entries(&l).len(), 5);
        assert_ne!(order, "0,1,2,3,4", "seed {seed}");
        match seed {
            0 => assert_eq!(order, "2,3,0,1,4"),
            1 => assert_eq!(order, "2,4,0,3,1"),
            _ => {}
        }
    }
}

#[test]
fn environment_companions_reply_once_to_every_message() {
    use musil::open::environments::{aws, etcd, k8s, linux, sel4};
    let cases: Vec<(AdversarialNode<Value>, Value)> = vec![
        (etcd::etcd_adversary(), Value::from("etcd:leader-change")),
        (k8s::eviction_notifier(), Value::from("k8s:evict")),
        (k8s::oom_notifier(), Value::from("k8s:oom-kill")),
        (linux::oom_notifier(), Value::from("linux:oom-kill")),
        (linux::signal_sender(), Value::from("SIGTERM")),
        (sel4::cap_revocation_notifier(), Value::from("sel4:cap-revoked")),
        (aws::throttling_service(), Value::from(aws::Throttling::default())),
    ];
    for (adversary, expected) in cases {
        let l = log();
        let seen = l.clone();
        let nodes = Nodes::new().node("adv", adversary).node(
            "c",
            sender("adv", vec![Value::from("anything"), Value::from(3)])
                .message(move |_, src, p| seen.borrow_mut().push(format!("{src}: {p}"))),
        );
        Simulator::new(nodes).run().unwrap();
        assert_eq!(entries(&l), [format!("adv: {expected}"), format!("adv: {expected}")]);
    }
    assert_eq!(aws::Throttling::default().to_string(), "{'error': 'ThrottlingException', 'code': 429}");
}
