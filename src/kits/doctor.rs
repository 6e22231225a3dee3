//! Hand-rolled test idioms that a shipped musil API already covers, found in Rust source.
//!
//! The original (`musil.doctor`) reads Python tests with Python's own parser. This port reads
//! Rust tests instead, the code a musil-rs user writes, with a lexical scan (comments and
//! literals masked, brackets balanced; no parser, nothing compiled or run). It is a hint, not a
//! gate: it matches the common shapes and a false positive costs only a suggestion. The three
//! patterns keep their ids and messages, with the Rust spelling of each API:
//!
//! | id | shape | suggestion |
//! |---|---|---|
//! | `assert-ok` | `assert!(X.ok, <message>)` (a message is the tell) | `assert_ok!(X)` |
//! | `assert-violates` | `assert!(!X.ok)`, message or not | `assert_violates!(X, ...)` |
//! | `action-names` | `X.trace.iter()` …`.map(\|s\| s.action`… in one chain | `X.action_names()` |
//!
//! ```
//! use musil::kits::doctor::scan;
//!
//! let src = "let r = check(&m);\nassert!(r.ok, \"{r}\");\nassert!(!bad.ok);\n";
//! let found: Vec<(usize, usize, &str)> = scan(src).iter().map(|f| (f.line, f.col, f.pattern)).collect();
//! assert_eq!(found, [(2, 0, "assert-ok"), (3, 0, "assert-violates")]);
//! assert!(scan(src)[0].message.starts_with("use `assert_ok!(r)`"));
//! ```

/// One hint: a hand-rolled idiom at `line` (1-based), `col` (0-based, in characters) that
/// `message` says how to replace; `pattern` is its stable id, for filtering.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// 1-based line.
    pub line: usize,
    /// 0-based column, in characters.
    pub col: usize,
    /// `assert-ok`, `assert-violates` or `action-names`.
    pub pattern: &'static str,
    /// What to write instead.
    pub message: String,
}

/// `source` as characters with every comment and string or character literal blanked to spaces
/// (line breaks kept), so that brackets and names are found only in code.
fn mask(source: &[char]) -> Vec<char> {
    let mut out = source.to_vec();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        let to = to.min(source.len());
        for c in &mut out[from.min(to)..to] {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    let n = source.len();
    let mut i = 0;
    while i < n {
        let c = source[i];
        let next = source.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let end = (i..n).find(|&j| source[j] == '\n').unwrap_or(n);
            blank(&mut out, i, end);
            i = end;
        } else if c == '/' && next == Some('*') {
            let (mut depth, mut j) = (1, i + 2);
            while j < n && depth > 0 {
                if source[j] == '/' && source.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if source[j] == '*' && source.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if c == 'r' && matches!(next, Some('#' | '"')) && (i == 0 || !is_ident(source[i - 1])) {
            let hashes = source[i + 1..].iter().take_while(|c| **c == '#').count();
            if source.get(i + 1 + hashes) != Some(&'"') {
                i += 1;
                continue;
            }
            let mut j = i + 2 + hashes;
            while j < n
                && !(source[j] == '"'
                    && source[j + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes)
            {
                j += 1;
            }
            let end = (j + 1 + hashes).min(n);
            blank(&mut out, i + 1 + hashes + 1, end.saturating_sub(1 + hashes));
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < n && source[j] != '"' {
                j += if source[j] == '\\' { 2 } else { 1 };
            }
            blank(&mut out, i + 1, j);
            i = j + 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}') or a lifetime ('a), which is left alone.
            let end = if next == Some('\\') {
                (i + 2..n).find(|&j| source[j] == '\'')
            } else if source.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    blank(&mut out, i + 1, e);
                    i = e + 1;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The index of the bracket closing the one at `open`, in masked code.
fn closing(code: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, c) in code.iter().enumerate().skip(open) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// The top-level comma-separated arguments between `from` and `to` (exclusive), as ranges.
fn arguments(code: &[char], from: usize, to: usize) -> Vec<(usize, usize)> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0usize, from);
    for (j, c) in code.iter().enumerate().take(to).skip(from) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push((start, j));
                start = j + 1;
            }
            _ => {}
        }
    }
    if code[start..to].iter().any(|c| !c.is_whitespace()) {
        out.push((start, to));
    }
    out
}

/// `X` when `expr` (masked, trimmed) is `X.ok` with `X` a single operand (no top-level operator).
fn ok_subject(expr: &str) -> Option<&str> {
    let subject = expr.strip_suffix(".ok")?.trim_end();
    let simple = !subject.is_empty()
        && !["&&", "||", "==", "!=", "<=", ">=", " < ", " > ", " as ", "+", "|"]
            .iter()
            .any(|op| subject.contains(op));
    simple.then_some(subject)
}

fn position(source: &[char], at: usize) -> (usize, usize) {
    let line = source[..at].iter().filter(|c| **c == '\n').count() + 1;
    let col = at - source[..at].iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1);
    (line, col)
}

fn text(source: &[char], from: usize, to: usize) -> String {
    source[from..to].iter().collect::<String>().trim().to_owned()
}

/// The hints for Rust `source`, sorted by position (line, then column). Unlike the original,
/// which refuses source its parser rejects, a source that does not lex (an unclosed literal or
/// bracket) is not refused: being advisory, the scan reports whatever it can still match.
///
/// # Examples
///
/// ```
/// use musil::kits::doctor::scan;
///
/// let src = "let names: Vec<_> = r.trace.iter().map(|s| s.action.clone()).collect();\n\
///            assert!(r.ok); // a bare assert is fine\n\
///            // assert!(!r.ok) in a comment is not code\n";
/// let found = scan(src);
/// assert_eq!(found.len(), 1);
/// assert_eq!((found[0].line, found[0].pattern), (1, "action-names"));
/// assert!(found[0].message.contains("r.action_names()"), "{}", found[0].message);
/// ```
pub fn scan(source: &str) -> Vec<Finding> {
    let src: Vec<char> = source.chars().collect();
    let code = mask(&src);
    let masked: String = code.iter().collect();
    let mut found = Vec::new();
    for (at, _) in masked.match_indices("assert!(") {
        let i = masked[..at].chars().count();
        if i > 0 && is_ident(code[i - 1]) {
            continue;
        }
        let open = i + "assert!".len();
        let Some(close) = closing(&code, open) else { continue };
        let args = arguments(&code, open + 1, close);
        let Some(&(a, b)) = args.first() else { continue };
        let first = text(&code, a, b);
        let (line, col) = position(&src, i);
        if let Some(rest) = first.strip_prefix('!')
            && let Some(subject) = ok_subject(rest.trim_start())
        {
            let subject = original_of(&src, &code, a, b, subject);
            found.push(Finding {
                line,
                col,
                pattern: "assert-violates",
                message: format!(
                    "use `assert_violates!({subject}, ...)` — the red-side helper (optionally pin kind=/invariant=/via=/where=)"
                ),
            });
        } else if args.len() > 1
            && let Some(subject) = ok_subject(&first)
        {
            let subject = original_of(&src, &code, a, b, subject);
            found.push(Finding {
                line,
                col,
                pattern: "assert-ok",
                message: format!(
                    "use `assert_ok!({subject})` — it renders the counterexample, so the assert message is unnecessary"
                ),
            });
        }
    }
    for (at, _) in masked.match_indices(".trace.iter()") {
        let i = masked[..at].chars().count();
        let start = (0..i).rev().take_while(|&j| is_ident(code[j]) || code[j] == '.').last().unwrap_or(i);
        if start == i {
            continue;
        }
        // The rest of the chain: up to the end of the statement or enclosing bracket.
        let tail_from = i + ".trace.iter()".len();
        let mut depth = 0i64;
        let mut end = code.len();
        for (j, c) in code.iter().enumerate().skip(tail_from) {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => {
                    end = j;
                    break;
                }
                ')' | ']' | '}' => depth -= 1,
                ';' | ',' if depth == 0 => {
                    end = j;
                    break;
                }
                _ => {}
            }
        }
        let tail: String = code[tail_from..end].iter().filter(|c| !c.is_whitespace()).collect();
        let maps_action = tail.match_indices(".map(|").any(|(k, _)| {
            let closure = &tail[k + ".map(|".len()..];
            closure.split_once('|').is_some_and(|(param, body)| {
                let param = param.trim_start_matches('&');
                body.trim_start_matches('&').starts_with(&format!("{param}.action"))
                    && !body[body.find(".action").unwrap_or(0) + ".action".len()..]
                        .starts_with(|c: char| is_ident(c))
            })
        });
        if maps_action {
            let subject: String = src[start..i].iter().collect();
            let (line, col) = position(&src, start);
            found.push(Finding {
                line,
                col,
                pattern: "action-names",
                message: format!(
                    "use `{subject}.action_names()` — the trace's action names with the synthetic <init> step excluded"
                ),
            });
        }
    }
    found.sort_by_key(|f| (f.line, f.col));
    found
}

/// The original text of `subject`, a masked trimmed slice of the argument `a..b` (masking keeps
/// positions, so its offset in the argument is its offset in the source).
fn original_of(src: &[char], code: &[char], a: usize, b: usize, subject: &str) -> String {
    let arg: String = code[a..b].iter().collect();
    let offset = arg.find(subject).map_or(0, |k| arg[..k].chars().count());
    src[a + offset..a + offset + subject.chars().count()].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(src: &str) -> Vec<(usize, &'static str)> {
        scan(src).iter().map(|f| (f.line, f.pattern)).collect()
    }

    #[test]
    fn the_three_idioms_are_found() {
        let src = "let r = check(&m);\n\
                   let g = check(&good);\n\
                   assert!(r.ok, \"{}\", r);\n\
                   let names: Vec<_> = r.trace.iter().map(|s| s.action.clone()).collect();\n\
                   let _ = names;\n\
                   assert!(!bad.ok);\n";
        assert_eq!(hits(src), [(3, "assert-ok"), (4, "action-names"), (6, "assert-violates")]);
        let f = scan(src);
        assert_eq!(
            f[1].message,
            "use `r.action_names()` — the trace's action names with the synthetic <init> step excluded"
        );
        assert_eq!(f[1].col, 20);
        assert_eq!(
            f[2].message,
            "use `assert_violates!(bad, ...)` — the red-side helper (optionally pin kind=/invariant=/via=/where=)"
        );
    }

    #[test]
    fn clean_code_is_quiet() {
        let src = "assert!(response.ok);\n\
                   assert_ok!(check(&m));\n\
                   assert_violates!(check(&bad), kind = Kind::Deadlock);\n\
                   let n = r.action_names();\n\
                   // assert!(r.ok, \"in a comment\");\n\
                   let s = \"assert!(!r.ok)\";\n\
                   debug_assert!(x.ok && y.ok, \"two\");\n\
                   assert!(a.ok && b.ok, \"both\");\n\
                   let c = r.trace.iter().map(|s| s.state.clone());\n";
        assert_eq!(hits(src), []);
    }

    #[test]
    fn the_subject_is_shown_as_written() {
        let f = scan("    assert!(check_liveness(&m, goal).ok, \"nope: {}\", why);\n");
        assert_eq!((f.len(), f[0].col), (1, 4));
        assert!(f[0].message.contains("assert_ok!(check_liveness(&m, goal))"), "{}", f[0].message);
        let f = scan("assert!(!check(&m,\n    'x').ok, \"a (\");");
        assert_eq!(f[0].pattern, "assert-violates");
        assert!(f[0].message.contains("assert_violates!(check(&m,\n    'x'), ...)"), "{}", f[0].message);
    }

    #[test]
    fn literals_and_comments_do_not_confuse_the_brackets() {
        let src = "fn f<'a>(x: &'a str) {}\nassert!(r.ok, r#\"a \"(\" b\"#); /* ( */ assert!(!q.ok, ')');\n";
        assert_eq!(hits(src), [(2, "assert-ok"), (2, "assert-violates")]);
    }

    #[test]
    fn damaged_source_does_not_panic() {
        let src = "fn f<'a>() { assert!(!r.ok, r#\"x\"#, '\\u{1}', \"\\\"\"); /* a /* b */ c */ let v = r.trace.iter().map(|s| &s.action).collect(); }";
        let chars: Vec<char> = src.chars().collect();
        for k in 0..=chars.len() {
            let _ = scan(&chars[..k].iter().collect::<String>());
        }
        assert_eq!(hits(src), [(1, "assert-violates"), (1, "action-names")]);
    }
}
