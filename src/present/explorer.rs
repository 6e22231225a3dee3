//! A local web page over one run: the verdict, the counterexample step by step with the fields
//! each step changed, a lasso's loop drawn back, the explored graph when it is small, and
//! states a person clicks through to their successors.
//!
//! An [`Explorer`] holds what the page shows: the run's [`Report`] (the `--json` document), its
//! trace read against the explored graph, and the graph itself. [`Explorer::serve`] answers
//! HTTP/1.1 `GET` on a listener the caller bound, from a thread of its own, until the returned
//! [`Server`] is stopped or dropped. The page is one HTML file compiled into the library: it
//! fetches nothing from anywhere else. The command-line harness serves it for `--explore
//! [ADDR]` ([`crate::cli`]) until Ctrl-C; [`Cli::explorer`](crate::cli::Cli::explorer) builds
//! one in-process.
//!
//! Routes (every answer closes its connection; anything else is a 404, any method but `GET`
//! and `HEAD` a 405):
//!
//! | path | type | what |
//! |---|---|---|
//! | `/` | `text/html` | the page, with the report, trace and graph below inlined |
//! | `/result.json` | `application/json` | the [`Report`], as `--json` prints it |
//! | `/trace.json` | `application/json` | `{loop_index, steps}`: each step's `index`, `action`, `state` (Debug text), `value` (JSON or null), `id` (its state in the graph, or null), `fields` (`[name, value]` pairs) and `changed` (the names of the fields that differ from the step before) |
//! | `/graph.json` | `application/json` | `states`, `edges`, `truncated`, `draw_limit`, `initial` and `trace` (state ids); `nodes` (`{id, level, state, initial, on_trace}`) and `links` (`{from, to, action}`) when the graph has at most [`DRAW_LIMIT`] states, else null |
//! | `/state/N.json` | `application/json` | state N: `id`, `level` (breadth-first depth), `state`, `value`, `fields`, `initial`, `on_trace`, `expanded`, and its `successors`, each `{action, id, state, fields, changed}` |
//!
//! A state's fields are its JSON object's members when the harness serialises states (in the
//! order its `Debug` text shows them), else the `name: value` fields of a derived `Debug`
//! text, else one field named `state` holding the whole text.
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::{TcpListener, TcpStream};
//! use musil::cli::Cli;
//! use musil::Model;
//!
//! let m = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).invariant("small", |n| *n < 2);
//! let explorer = Cli::new("demo").model("counter", &m).explorer(["check"]).unwrap();
//! let server = explorer.serve(TcpListener::bind("127.0.0.1:0").unwrap());
//!
//! let mut conn = TcpStream::connect(server.addr()).unwrap();
//! conn.write_all(b"GET /result.json HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
//! let mut answer = String::new();
//! conn.read_to_string(&mut answer).unwrap();
//! assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"));
//! assert!(answer.contains("\"invariant\":\"small\""));
//! server.stop();
//! ```

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::graph::Graph;
use crate::json::Report;
use crate::result::debug_fields;
use crate::system::State;

/// The page, compiled in.
const PAGE: &str = include_str!("explorer.html");

/// Where the page's inlined data goes.
const DATA_SLOT: &str = "/*MUSIL_DATA*/null";

/// The most states `/graph.json` sends whole and the page draws; a larger graph is browsed
/// state by state through `/state/N.json`.
pub const DRAW_LIMIT: usize = 200;

/// How the harness renders a state as JSON, when it does.
pub(crate) type ValueBox<S> = Arc<dyn Fn(&S) -> Value + Send + Sync>;

/// What the explorer page shows of one run; serve it with [`serve`](Self::serve).
#[must_use = "an Explorer shows nothing until serve() is called"]
pub struct Explorer {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Explorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Explorer")
            .field("model", &self.inner.report.model)
            .field("verdict", &self.inner.report.verdict)
            .field("states", &self.inner.view.len())
            .finish_non_exhaustive()
    }
}

struct Inner {
    report: Report,
    page: String,
    report_json: String,
    trace_json: String,
    graph_json: String,
    view: Box<dyn View>,
}

/// The explored graph behind `/state/N.json`, its state type erased.
trait View: Send + Sync {
    fn len(&self) -> usize;
    fn state(&self, id: usize) -> StateJson;
}

struct GraphView<S> {
    graph: Graph<S>,
    value: Option<ValueBox<S>>,
    levels: Vec<u32>,
    on_trace: Vec<bool>,
}

#[derive(Serialize)]
struct TraceJson {
    loop_index: Option<usize>,
    steps: Vec<TraceStep>,
}

#[derive(Serialize)]
struct TraceStep {
    index: usize,
    action: String,
    state: String,
    value: Option<Value>,
    id: Option<usize>,
    fields: Vec<(String, String)>,
    changed: Vec<String>,
}

#[derive(Serialize)]
struct GraphJson {
    states: usize,
    edges: usize,
    truncated: bool,
    draw_limit: usize,
    initial: Vec<usize>,
    trace: Vec<Option<usize>>,
    nodes: Option<Vec<NodeJson>>,
    links: Option<Vec<LinkJson>>,
}

#[derive(Serialize)]
struct NodeJson {
    id: usize,
    level: u32,
    state: String,
    initial: bool,
    on_trace: bool,
}

#[derive(Serialize)]
struct LinkJson {
    from: usize,
    to: usize,
    action: String,
}

#[derive(Serialize)]
struct StateJson {
    id: usize,
    level: u32,
    state: String,
    value: Option<Value>,
    fields: Vec<(String, String)>,
    initial: bool,
    on_trace: bool,
    expanded: bool,
    successors: Vec<SuccessorJson>,
}

#[derive(Serialize)]
struct SuccessorJson {
    action: String,
    id: usize,
    state: String,
    fields: Vec<(String, String)>,
    changed: Vec<String>,
}

/// A JSON value as a field shows it: strings bare, the rest as compact JSON.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// A state's fields: its JSON object's members (in the order its `Debug` text names them),
/// else a derived `Debug` text's fields, else the whole text as one field named `state`.
fn fields_of(text: &str, value: Option<&Value>) -> Vec<(String, String)> {
    if let Some(Value::Object(map)) = value {
        let mut fields: Vec<(usize, String, String)> = map
            .iter()
            .map(|(k, v)| (text.find(&format!("{k}: ")).unwrap_or(usize::MAX), k.clone(), show(v)))
            .collect();
        fields.sort();
        return fields.into_iter().map(|(_, k, v)| (k, v)).collect();
    }
    debug_fields(text)
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| vec![("state".to_owned(), text.to_owned())])
}

/// The names of the fields of `now` whose value differs in `before` (or that `before` lacks).
fn changed(before: &[(String, String)], now: &[(String, String)]) -> Vec<String> {
    now.iter()
        .filter(|(k, v)| before.iter().find(|(b, _)| b == k).map(|(_, bv)| bv) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// Breadth-first depth of every state from the initial ones (`u32::MAX` if unreached).
fn levels<S: State>(graph: &Graph<S>) -> Vec<u32> {
    let mut level = vec![u32::MAX; graph.len()];
    let mut queue = VecDeque::new();
    for &i in graph.initial() {
        if level[i.index()] == u32::MAX {
            level[i.index()] = 0;
            queue.push_back(i);
        }
    }
    while let Some(x) = queue.pop_front() {
        for &(_, y) in graph.edges(x) {
            if level[y.index()] == u32::MAX {
                level[y.index()] = level[x.index()] + 1;
                queue.push_back(y);
            }
        }
    }
    level
}

impl<S: State> GraphView<S> {
    fn value(&self, s: &S) -> Option<Value> {
        self.value.as_ref().map(|v| v(s))
    }

    fn fields(&self, s: &S) -> (String, Option<Value>, Vec<(String, String)>) {
        let text = format!("{s:?}");
        let value = self.value(s);
        let fields = fields_of(&text, value.as_ref());
        (text, value, fields)
    }

    fn graph_json(&self, trace: &[Option<usize>]) -> GraphJson {
        let g = &self.graph;
        let small = g.len() <= DRAW_LIMIT;
        let nodes = small.then(|| {
            g.ids()
                .map(|id| NodeJson {
                    id: id.index(),
                    level: self.levels[id.index()],
                    state: format!("{:?}", g.state(id)),
                    initial: g.initial().contains(&id),
                    on_trace: self.on_trace[id.index()],
                })
                .collect()
        });
        let links = small.then(|| {
            g.ids()
                .flat_map(|x| {
                    g.edges(x).iter().map(move |&(a, y)| LinkJson {
                        from: x.index(),
                        to: y.index(),
                        action: g.action_name(a).to_owned(),
                    })
                })
                .collect()
        });
        GraphJson {
            states: g.len(),
            edges: g.edge_count(),
            truncated: g.truncated(),
            draw_limit: DRAW_LIMIT,
            initial: g.initial().iter().map(|i| i.index()).collect(),
            trace: trace.to_vec(),
            nodes,
            links,
        }
    }
}

impl<S: State> View for GraphView<S> {
    fn len(&self) -> usize {
        self.graph.len()
    }

    fn state(&self, id: usize) -> StateJson {
        let g = &self.graph;
        let sid = crate::StateId::new(id as u32);
        let (text, value, fields) = self.fields(g.state(sid));
        let successors = g
            .edges(sid)
            .iter()
            .map(|&(a, y)| {
                let (state, _, succ_fields) = self.fields(g.state(y));
                SuccessorJson {
                    action: g.action_name(a).to_owned(),
                    id: y.index(),
                    state,
                    changed: changed(&fields, &succ_fields),
                    fields: succ_fields,
                }
            })
            .collect();
        StateJson {
            id,
            level: self.levels[id],
            state: text,
            value,
            initial: g.initial().contains(&sid),
            on_trace: self.on_trace[id],
            expanded: g.is_expanded(sid),
            fields,
            successors,
        }
    }
}

impl Explorer {
    /// The explorer of a run: its report, the states of its counterexample (`<init>` first,
    /// as the report's trace lists them) and the explored graph.
    pub(crate) fn new<S: State>(
        report: Report,
        trace_states: &[S],
        graph: Graph<S>,
        value: Option<ValueBox<S>>,
    ) -> Explorer {
        let ids: Vec<Option<usize>> =
            trace_states.iter().map(|s| graph.id_of(s).map(|i| i.index())).collect();
        let mut on_trace = vec![false; graph.len()];
        for &i in ids.iter().flatten() {
            on_trace[i] = true;
        }
        let levels = levels(&graph);
        let view = GraphView { graph, value, levels, on_trace };
        let mut before: Vec<(String, String)> = Vec::new();
        let steps = report
            .trace
            .iter()
            .enumerate()
            .map(|(index, step)| {
                let fields = fields_of(&step.state, step.value.as_ref());
                let now = if index == 0 { Vec::new() } else { changed(&before, &fields) };
                before = fields.clone();
                TraceStep {
                    index,
                    action: step.action.clone(),
                    state: step.state.clone(),
                    value: step.value.clone(),
                    id: ids.get(index).copied().flatten(),
                    fields,
                    changed: now,
                }
            })
            .collect();
        let trace = TraceJson { loop_index: report.loop_index, steps };
        let graph = view.graph_json(&ids);
        let report_json = report.to_json();
        let trace_json = serde_json::to_string(&trace).expect("a trace serialises");
        let graph_json = serde_json::to_string(&graph).expect("a graph serialises");
        // Inside a <script> element: no `<` may start a tag or comment, so every one becomes
        // the JSON escape `\u003c` (it only ever occurs inside strings).
        let data = format!("{{\"report\":{report_json},\"trace\":{trace_json},\"graph\":{graph_json}}}")
            .replace('<', "\\u003c");
        let page = PAGE.replacen(DATA_SLOT, &data, 1);
        Explorer {
            inner: Arc::new(Inner {
                report,
                page,
                report_json,
                trace_json,
                graph_json,
                view: Box::new(view),
            }),
        }
    }

    /// The run's report: what `/result.json` sends.
    pub fn report(&self) -> &Report {
        &self.inner.report
    }

    /// Answer HTTP on `listener` from a new thread, one thread per connection, until the
    /// returned [`Server`] is stopped or dropped. The listener's address is
    /// [`Server::addr`]; bind port 0 to let the system choose one.
    pub fn serve(self, listener: TcpListener) -> Server {
        let addr = listener.local_addr().expect("a bound listener has an address");
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let inner = self.inner;
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                let inner = inner.clone();
                std::thread::spawn(move || {
                    let _ = answer(&inner, stream);
                });
            }
        });
        Server { addr, stop, thread: Some(thread) }
    }
}

/// A running explorer ([`Explorer::serve`]): stops when [`stop`](Self::stop)ped or dropped.
#[must_use = "dropping the Server stops it; call wait() to serve until the process ends"]
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address, `http://ADDR/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serve until the process ends (Ctrl-C ends it): the command line's `--explore`.
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stop accepting connections and wait for the accepting thread to end (answers under way
    /// finish on their own threads).
    pub fn stop(self) {}

    fn shut(&mut self) {
        let Some(thread) = self.thread.take() else { return };
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        if TcpStream::connect_timeout(&wake, Duration::from_secs(2)).is_ok() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut();
    }
}

/// One HTTP answer: status line, content type, body.
pub(crate) struct Response {
    pub(crate) status: &'static str,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

const JSON: &str = "application/json";

impl Inner {
    /// The answer to `GET path`.
    fn route(&self, path: &str) -> Response {
        let ok = |content_type, body: &str| Response { status: "200 OK", content_type, body: body.into() };
        match path {
            "/" | "/index.html" => ok("text/html; charset=utf-8", &self.page),
            "/result.json" => ok(JSON, &self.report_json),
            "/trace.json" => ok(JSON, &self.trace_json),
            "/graph.json" => ok(JSON, &self.graph_json),
            "/favicon.ico" => {
                Response { status: "204 No Content", content_type: "text/plain", body: Vec::new() }
            }
            _ => match path.strip_prefix("/state/").and_then(|p| p.strip_suffix(".json")) {
                Some(n) => match n.parse::<usize>() {
                    Ok(id) if id < self.view.len() => {
                        ok(JSON, &serde_json::to_string(&self.view.state(id)).expect("a state serialises"))
                    }
                    _ => not_found(&format!(
                        "no state {n}: states are numbered 0 to {}",
                        self.view.len().saturating_sub(1)
                    )),
                },
                None => not_found(&format!(
                    "no page {path}: try /, /result.json, /trace.json, /graph.json or /state/N.json"
                )),
            },
        }
    }
}

fn not_found(text: &str) -> Response {
    Response { status: "404 Not Found", content_type: "text/plain; charset=utf-8", body: text.into() }
}

/// Read one request from `stream` and answer it.
fn answer(inner: &Inner, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method.is_empty() {
        return Ok(());
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let response = match method {
        "GET" | "HEAD" => inner.route(path),
        _ => Response {
            status: "405 Method Not Allowed",
            content_type: "text/plain; charset=utf-8",
            body: b"only GET and HEAD".to_vec(),
        },
    };
    let mut out = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    if response.status.starts_with("405") {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if method == "GET" {
        bytes.extend_from_slice(&response.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn fields_follow_the_debug_order_and_diff_by_name() {
        let text = "S { b: 1, a: \"x\" }";
        let value = serde_json::json!({"a": "x", "b": 1});
        assert_eq!(fields_of(text, Some(&value)), f(&[("b", "1"), ("a", "x")]));
        assert_eq!(fields_of(text, None), f(&[("b", "1"), ("a", "\"x\"")]));
        assert_eq!(fields_of("7", None), f(&[("state", "7")]));
        assert_eq!(changed(&f(&[("a", "1"), ("b", "2")]), &f(&[("a", "1"), ("b", "3")])), vec!["b"]);
        assert_eq!(changed(&[], &f(&[("a", "1")])), vec!["a"]);
    }
}
