//! Strongly connected components, iteratively (Tarjan), so a deep state graph cannot overflow
//! the stack; the work arrays are kept between runs, so decomposing many small subsets of a
//! large graph costs the size of the subsets, not of the graph.

const UNSEEN: u32 = u32::MAX;

/// Reusable Tarjan state over nodes `0..node_count`.
pub(crate) struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    touched: Vec<usize>,
}

impl Tarjan {
    pub(crate) fn new(node_count: usize) -> Self {
        Tarjan {
            index: vec![UNSEEN; node_count],
            low: vec![0; node_count],
            on_stack: vec![false; node_count],
            touched: Vec::new(),
        }
    }

    /// The SCCs of the subgraph induced by the nodes for which `member` holds, in completion
    /// order. Roots are tried in the order given; `successors(v, out)` pushes `v`'s successors
    /// in edge order (non-members are ignored).
    pub(crate) fn run(
        &mut self,
        roots: impl IntoIterator<Item = usize>,
        member: impl Fn(usize) -> bool,
        mut successors: impl FnMut(usize, &mut Vec<usize>),
    ) -> Vec<Vec<usize>> {
        for &v in &self.touched {
            self.index[v] = UNSEEN;
            self.on_stack[v] = false;
        }
        self.touched.clear();
        let Tarjan { index, low, on_stack, touched } = self;
        let mut stack: Vec<usize> = Vec::new();
        let mut sccs = Vec::new();
        let mut counter = 0u32;
        // Frames: (node, start of its successor list in `buf`, end, next position).
        let mut frames: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mut buf: Vec<usize> = Vec::new();
        let mut scratch: Vec<usize> = Vec::new();

        for root in roots {
            if !member(root) || index[root] != UNSEEN {
                continue;
            }
            macro_rules! enter {
                ($v:expr) => {{
                    let v: usize = $v;
                    index[v] = counter;
                    low[v] = counter;
                    counter += 1;
                    touched.push(v);
                    stack.push(v);
                    on_stack[v] = true;
                    scratch.clear();
                    successors(v, &mut scratch);
                    let start = buf.len();
                    buf.extend(scratch.iter().copied().filter(|&w| member(w)));
                    frames.push((v, start, buf.len(), start));
                }};
            }
            enter!(root);
            while let Some(&(v, start, end, next)) = frames.last() {
                if next < end {
                    let w = buf[next];
                    if let Some(top) = frames.last_mut() {
                        top.3 += 1;
                    }
                    if index[w] == UNSEEN {
                        enter!(w);
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    loop {
                        let w = stack.pop().expect("tarjan stack holds v");
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    sccs.push(comp);
                }
                frames.pop();
                buf.truncate(start);
                if let Some(&(parent, ..)) = frames.last() {
                    low[parent] = low[parent].min(low[v]);
                }
            }
        }
        sccs
    }
}

/// One-shot [`Tarjan::run`] over nodes `0..node_count`.
pub(crate) fn tarjan(
    node_count: usize,
    roots: impl IntoIterator<Item = usize>,
    member: impl Fn(usize) -> bool,
    successors: impl FnMut(usize, &mut Vec<usize>),
) -> Vec<Vec<usize>> {
    Tarjan::new(node_count).run(roots, member, successors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sccs(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
        let mut out = tarjan(adj.len(), 0..adj.len(), |_| true, |v, o| o.extend(&adj[v]));
        for c in &mut out {
            c.sort();
        }
        out
    }

    #[test]
    fn components_in_completion_order() {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 3
        let adj = vec![vec![1], vec![2], vec![0, 3], vec![3]];
        assert_eq!(sccs(&adj), vec![vec![3], vec![0, 1, 2]]);
    }

    #[test]
    fn members_restrict_the_subgraph_and_state_is_reused() {
        let adj = [vec![1], vec![2], vec![0]];
        let mut t = Tarjan::new(3);
        assert_eq!(t.run(0..3, |v| v != 1, |v, o| o.extend(&adj[v])), vec![vec![0], vec![2]]);
        let again = t.run(0..3, |_| true, |v, o| o.extend(&adj[v]));
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].len(), 3);
    }

    #[test]
    fn a_million_state_cycle_needs_no_deep_stack() {
        let n = 1_000_000;
        let out = tarjan(n, 0..n, |_| true, |v, o| o.push((v + 1) % n));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].len(), n);
    }
}
