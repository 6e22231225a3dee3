//! The explorer (`musil::explorer`, the harness's `--explore`): its server started in-process
//! on a free port and each route read with a plain TCP client, over the main example's failing
//! check (the open system against three platforms), a lasso and a graph too big to draw.
//! What the page shows in a browser is tested in `tests/explorer_browser.rs`.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;

use musil::Model;
use musil::cli::Cli;
use musil::explorer::{DRAW_LIMIT, Server};
use serde_json::Value;

#[allow(dead_code)]
#[path = "../examples/open_system_composed.rs"]
mod composed;

#[path = "support/http.rs"]
mod http;
use http::{get, request};

/// The main example's explorer for these arguments, served on a free port.
fn serve_composed(args: &[&str]) -> Server {
    let explorer = composed::harness().explorer(args).expect("the arguments are accepted");
    explorer.serve(TcpListener::bind("127.0.0.1:0").unwrap())
}

fn actions(trace: &Value) -> Vec<&str> {
    trace["steps"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect()
}

fn changed(step: &Value) -> Vec<&str> {
    step["changed"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect()
}

#[test]
fn the_report_and_the_trace_with_the_fields_each_step_changed() {
    let server = serve_composed(&[]);
    let addr = server.addr();

    let result = get(addr, "/result.json");
    assert_eq!(result.status, 200);
    assert_eq!(result.header("content-type"), Some("application/json"));
    let report = result.json();
    assert_eq!(report["schema"], 1);
    assert_eq!(report["verdict"], "violation");
    assert_eq!(report["invariant"], "not-permanently-failed");
    assert_eq!(report["states_explored"], 89);
    assert_eq!(report["trace"].as_array().unwrap().len(), 12);

    let trace = get(addr, "/trace.json").json();
    assert_eq!(trace["loop_index"], Value::Null);
    let acts = actions(&trace);
    assert_eq!(acts.len(), 12);
    assert_eq!(acts[0], "<init>");
    for (i, a) in acts.iter().enumerate().skip(1) {
        assert_eq!(*a, if i % 2 == 1 { "k8s:evict-pod" } else { "recover" });
    }
    let steps = trace["steps"].as_array().unwrap();
    // An eviction changes the status; a recovery the status and the retries.
    assert!(changed(&steps[0]).is_empty());
    assert_eq!(changed(&steps[1]), ["status"]);
    assert_eq!(changed(&steps[2]), ["status", "retries"]);
    // Fields in the order the state declares them, values from its JSON form.
    assert_eq!(
        steps[11]["fields"],
        serde_json::json!([
            ["status", "Evicted"],
            ["s3_writes_pending", "0"],
            ["etcd_reads_pending", "0"],
            ["retries", "5"]
        ])
    );
    assert_eq!(steps[11]["value"]["retries"], 5);
    assert!(steps.iter().all(|s| s["id"].is_u64()), "every trace state is in the graph");
    server.stop();
}

#[test]
fn the_graph_and_a_state_with_its_successors() {
    let server = serve_composed(&["check"]);
    let addr = server.addr();
    let graph = get(addr, "/graph.json").json();
    let states = graph["states"].as_u64().unwrap() as usize;
    assert!(states <= DRAW_LIMIT, "the composed service's whole graph is drawn ({states} states)");
    assert_eq!(graph["nodes"].as_array().unwrap().len(), states);
    assert_eq!(graph["links"].as_array().unwrap().len() as u64, graph["edges"].as_u64().unwrap());
    assert_eq!(graph["initial"], serde_json::json!([0]));
    let trace: Vec<u64> = graph["trace"].as_array().unwrap().iter().map(|i| i.as_u64().unwrap()).collect();
    assert_eq!(trace.len(), 12);
    let nodes = graph["nodes"].as_array().unwrap();
    for n in nodes {
        assert_eq!(n["on_trace"], trace.contains(&n["id"].as_u64().unwrap()));
    }
    assert_eq!(nodes[trace[11] as usize]["level"], 11);

    let s0 = get(addr, "/state/0.json");
    assert_eq!(s0.status, 200);
    let s0 = s0.json();
    assert_eq!(s0["initial"], true);
    assert_eq!(s0["expanded"], true);
    let succ = s0["successors"].as_array().unwrap();
    let acts: Vec<&str> = succ.iter().map(|s| s["action"].as_str().unwrap()).collect();
    assert_eq!(acts, ["start-s3-write", "start-etcd-read", "k8s:evict-pod"]);
    assert_eq!(changed(&succ[0]), ["s3_writes_pending"]);
    assert_eq!(changed(&succ[2]), ["status"]);
    // Click through: the eviction's target is the trace's second state.
    let next = succ[2]["id"].as_u64().unwrap();
    assert_eq!(next, trace[1]);
    let s1 = get(addr, &format!("/state/{next}.json")).json();
    assert_eq!(s1["on_trace"], true);
    assert_eq!(s1["level"], 1);
    assert_eq!(s1["successors"][0]["action"], "recover");

    let missing = get(addr, &format!("/state/{states}.json"));
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("numbered 0 to"), "{}", missing.body);
    assert_eq!(get(addr, "/state/x.json").status, 404);
    server.stop();
}

#[test]
fn the_page_is_self_contained_and_other_requests_are_refused() {
    let server = serve_composed(&[]);
    let addr = server.addr();
    let page = get(addr, "/");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(page.header("content-length"), Some(page.body.len().to_string().as_str()));
    assert!(page.body.contains("<script type=\"application/json\" id=\"musil-data\">{\"report\":"));
    assert!(page.body.contains("not-permanently-failed"));
    // Nothing fetched from elsewhere: no external script, style, font or image.
    for external in ["src=\"http", "href=\"http", "url(http", "@import", "src=\"//", "href=\"//"] {
        assert!(!page.body.contains(external), "the page refers to an outside asset: {external}");
    }
    let head = request(addr, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(get(addr, "/?x=1").status, 200);
    let nothing = get(addr, "/nothing");
    assert_eq!(nothing.status, 404);
    assert!(nothing.body.contains("/graph.json"));
    let post = request(addr, "POST", "/result.json");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    server.stop();
}

#[test]
fn a_lasso_keeps_its_loop_index() {
    // A three-state ring with an exit no one is obliged to take: `done` may never be reached,
    // and the liveness check fails on a lasso around the ring.
    let ring = Model::new(0u8)
        .action("tick", |n| *n < 3, |n| (n + 1) % 3)
        .action("finish", |n| *n == 2, |_| 3)
        .terminal(|n| *n == 3);
    let cli = Cli::new("ring").model("ring", &ring).goal("done", |n: &u8| *n == 3);
    let server = cli
        .explorer(["liveness", "--fair", "tick"])
        .unwrap()
        .serve(TcpListener::bind("127.0.0.1:0").unwrap());
    let trace = get(server.addr(), "/trace.json").json();
    let loop_index = trace["loop_index"].as_u64().unwrap_or_else(|| panic!("a lasso: {trace}")) as usize;
    let steps = trace["steps"].as_array().unwrap();
    let last = steps.last().unwrap();
    assert_eq!(last["state"], steps[loop_index]["state"], "the cycle returns to its loop index");
    assert_eq!(changed(&steps[1]), ["state"], "a plain value is one field named `state`");
    let report = get(server.addr(), "/result.json").json();
    assert_eq!(report["loop_index"], loop_index);
    let page = get(server.addr(), "/").body;
    assert!(page.contains(&format!("\"loop_index\":{loop_index}")));
}

#[test]
fn a_graph_too_big_to_draw_is_browsed_state_by_state() {
    let line = Model::new(0u16).action("inc", |n| *n < 300, |n| n + 1).terminal(|n| *n == 300);
    let cli = Cli::new("line").model("line", &line);
    let server = cli.explorer(["--quiet"]).unwrap().serve(TcpListener::bind("127.0.0.1:0").unwrap());
    let graph = get(server.addr(), "/graph.json").json();
    assert_eq!(graph["states"], 301);
    assert_eq!(graph["nodes"], Value::Null);
    assert_eq!(graph["links"], Value::Null);
    assert_eq!(graph["trace"], serde_json::json!([]));
    let s = get(server.addr(), "/state/250.json").json();
    assert_eq!(s["level"], 250);
    assert_eq!(s["successors"][0]["id"], 251);
    let end = get(server.addr(), "/state/300.json").json();
    assert_eq!(end["successors"], serde_json::json!([]));
    assert_eq!(get(server.addr(), "/result.json").json()["verdict"], "verified");
}

#[test]
fn refused_arguments_are_errors() {
    let h = composed::harness();
    assert!(h.explorer(["--dot"]).unwrap_err().contains("--dot"));
    assert!(h.explorer(["--model", "nope"]).unwrap_err().contains("no model named"));
    assert!(h.explorer(["ltl", "G ("]).is_err());
}

/// A writer that sends each write down a channel.
struct Pipe(mpsc::Sender<Vec<u8>>);

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_command_line_prints_the_address_first_and_serves() {
    let (tx, rx) = mpsc::channel();
    // `--explore` serves until the process ends: the harness runs on a thread of its own,
    // which ends with the test binary.
    std::thread::spawn(move || {
        let (mut out, mut err) = (Pipe(tx), Vec::new());
        composed::harness().execute(["--explore", "127.0.0.1:0", "--quiet"], &mut out, &mut err)
    });
    let mut printed = String::new();
    while !printed.contains('\n') {
        printed.push_str(&String::from_utf8(rx.recv().expect("the harness prints")).unwrap());
    }
    let first = printed.lines().next().unwrap();
    let url = first.strip_prefix("explorer: http://").unwrap_or_else(|| panic!("first line: {first}"));
    let addr: SocketAddr = url.strip_suffix('/').unwrap().parse().unwrap();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(get(addr, "/").status, 200);
    assert_eq!(get(addr, "/result.json").json()["invariant"], "not-permanently-failed");
}

#[test]
fn the_command_line_refuses_a_bad_address() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = composed::harness().execute(["--explore=somewhere"], &mut out, &mut err);
    assert_eq!(exit.code(), 2);
    assert!(String::from_utf8(err).unwrap().contains("--explore takes an address"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = composed::harness().execute(["--explore", "--json"], &mut out, &mut err);
    assert_eq!(exit.code(), 2);
    assert!(String::from_utf8(err).unwrap().contains("drop --json"));
}
