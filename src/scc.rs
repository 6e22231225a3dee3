//! Strongly connected components, iteratively (Tarjan), so a deep state graph cannot overflow
//! the stack.

/// The SCCs of the subgraph induced by the nodes for which `member` holds, in Tarjan completion
/// order. Roots are tried in the order given; `successors(v, out)` pushes `v`'s successors in
/// edge order (non-members are ignored).
pub(crate) fn tarjan(
    node_count: usize,
    roots: impl IntoIterator<Item = usize>,
    member: impl Fn(usize) -> bool,
    mut successors: impl FnMut(usize, &mut Vec<usize>),
) -> Vec<Vec<usize>> {
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; node_count];
    let mut low = vec![0u32; node_count];
    let mut on_stack = vec![false; node_count];
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
    fn members_restrict_the_subgraph() {
        let adj = [vec![1], vec![2], vec![0]];
        let out = tarjan(3, 0..3, |v| v != 1, |v, o| o.extend(&adj[v]));
        assert_eq!(out, vec![vec![0], vec![2]]);
    }

    #[test]
    fn a_million_state_cycle_needs_no_deep_stack() {
        let n = 1_000_000;
        let out = tarjan(n, 0..n, |_| true, |v, o| o.push((v + 1) % n));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].len(), n);
    }
}
