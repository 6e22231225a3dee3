//! Graphviz DOT of an explored graph ([`to_dot`]), in the original's layout.
//!
//! ```
//! use musil::{explore, to_dot, Model};
//! let m = Model::new(0u8).action("inc", |n| *n < 1, |n| n + 1);
//! let dot = to_dot(&explore(&m), &[], "musil");
//! assert!(dot.starts_with("digraph musil {\n  rankdir=LR;"));
//! assert!(dot.contains("  n0 -> n1 [label=\"inc\"];\n"));
//! ```

use std::fmt::Write as _;

use crate::graph::Graph;
use crate::result::debug_fields;
use crate::system::State;

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// A node label: `field=value` pairs for a struct (string values unquoted, as the original
/// prints them), else the state's `Debug` text.
fn label<S: State>(state: &S) -> String {
    let text = format!("{state:?}");
    match debug_fields(&text) {
        Some(fields) if !fields.is_empty() => fields
            .into_iter()
            .map(|(k, v)| {
                let v = match v.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                    Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
                    None => v,
                };
                format!("{k}={v}")
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => text,
    }
}

/// The graph in Graphviz DOT: one node per state (index = discovery order; initial states
/// bold, `highlight`ed ones filled), one edge per recorded transition labelled with its action
/// (red when both ends are highlighted). Ends with a newline.
pub fn to_dot<S: State>(graph: &Graph<S>, highlight: &[S], name: &str) -> String {
    to_dot_with(graph, highlight, name, label)
}

/// [`to_dot`] with node labels of the caller's (the label is escaped for DOT here).
///
/// ```
/// use musil::{explore, Model};
/// use musil::dot::to_dot_with;
/// let m = Model::new(0u8).action("inc", |n| *n < 1, |n| n + 1);
/// let dot = to_dot_with(&explore(&m), &[], "musil", |n| format!("n = {n}"));
/// assert!(dot.contains("  n1 [label=\"n = 1\"];\n"));
/// ```
pub fn to_dot_with<S: State>(
    graph: &Graph<S>,
    highlight: &[S],
    name: &str,
    label: impl Fn(&S) -> String,
) -> String {
    let lit: Vec<bool> = graph.states().map(|s| highlight.contains(s)).collect();
    let mut initial = vec![false; graph.len()];
    for &i in graph.initial() {
        initial[i.index()] = true;
    }
    let mut out = String::new();
    let _ = writeln!(out, "digraph {name} {{");
    out.push_str(
        "  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n  edge [fontname=\"monospace\"];\n",
    );
    for id in graph.ids() {
        let mut attrs = format!("label=\"{}\"", escape(&label(graph.state(id))));
        if initial[id.index()] {
            attrs.push_str(", penwidth=2");
        }
        if lit[id.index()] {
            attrs.push_str(", style=filled, fillcolor=\"#ffe0e0\"");
        }
        let _ = writeln!(out, "  n{} [{attrs}];", id.index());
    }
    for x in graph.ids() {
        for &(a, y) in graph.edges(x) {
            let mut attrs = format!("label=\"{}\"", escape(graph.action_name(a)));
            if lit[x.index()] && lit[y.index()] {
                attrs.push_str(", color=\"red\", penwidth=2");
            }
            let _ = writeln!(out, "  n{} -> n{} [{attrs}];", x.index(), y.index());
        }
    }
    out.push_str("}\n");
    out
}
