//! Model citations in source code, and the ones that dangle.
//!
//! Production code that cites the model justifying a non-obvious design ("timer fairness alone
//! cannot guarantee reconvergence, see test_mesh_membership_musil") rots silently when the model
//! is renamed or deleted. [`find_citations`] locates the references in any text (comments, strings,
//! prose), [`known_models`] lists the models that exist under a directory, and
//! [`dangling_citations`] reports the references that resolve to none of them: a gate that keeps a
//! spec pointer from dangling. Nothing scanned is compiled or run.
//!
//! A citation is a whole word (a maximal run of word characters: letters, digits, `_`) of the
//! shape of a [`CitationPattern`]; the default is `test_…_musil`, the model files of the original.
//!
//! ```
//! use musil::kits::citations::{dangling_citations, find_citations, Citation};
//!
//! let src = "# needs strong fairness, see test_mesh_membership_musil\n\
//!            CITE = \"justified by test_ledger_quorum_musil\"\n";
//! assert_eq!(find_citations(src)[1], Citation { name: "test_ledger_quorum_musil".into(), line: 2 });
//! let dangling = dangling_citations(src, ["test_mesh_membership_musil"]);
//! assert_eq!(dangling, [Citation { name: "test_ledger_quorum_musil".into(), line: 2 }]);
//! ```

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::Path;

use crate::error::{Error, ErrorKind};

/// A model reference: the model `name` cited on 1-based `line`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Citation {
    /// The cited model name, as written.
    pub name: String,
    /// The 1-based line it is cited on.
    pub line: usize,
}

/// The shape of a model name: a whole word that starts with `prefix`, ends with `suffix`, and has
/// at least one word character between them. The original takes a regular expression; the two
/// shapes it ships and tests, `\btest_\w+_musil\b` (the default) and `\bmodel_\w+\b`, are
/// `word("test_", "_musil")` and `word("model_", "")`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CitationPattern {
    prefix: String,
    suffix: String,
}

/// A word character as Python's Unicode `\w` sees it: a letter, a digit or `_` (Rust's
/// alphanumeric classes, which agree with Python's on letters and digits up to a few marks).
fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Default for CitationPattern {
    /// `test_…_musil`, the original's `DEFAULT_PATTERN`.
    fn default() -> Self {
        CitationPattern { prefix: "test_".to_owned(), suffix: "_musil".to_owned() }
    }
}

impl fmt::Display for CitationPattern {
    /// The pattern as the original's regular expression: `\btest_\w+_musil\b`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\\b{}\\w+{}\\b", self.prefix, self.suffix)
    }
}

impl CitationPattern {
    /// Whole words `prefix…suffix` with at least one word character in place of `…`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when `prefix` or `suffix` holds a character that is not a word
    /// character: no whole word could match it.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::ErrorKind;
    /// use musil::kits::citations::CitationPattern;
    ///
    /// let p = CitationPattern::word("model_", "").unwrap();
    /// assert_eq!(p.to_string(), r"\bmodel_\w+\b");
    /// assert_eq!(CitationPattern::word("model-", "").unwrap_err().kind(), ErrorKind::InvalidInput);
    /// ```
    pub fn word(prefix: impl Into<String>, suffix: impl Into<String>) -> Result<Self, Error> {
        let (prefix, suffix) = (prefix.into(), suffix.into());
        for part in [&prefix, &suffix] {
            if let Some(c) = part.chars().find(|c| !is_word(*c)) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("citation pattern: {part:?} holds {c:?}, not a word character"),
                ));
            }
        }
        Ok(CitationPattern { prefix, suffix })
    }

    /// Whether `word` (a whole word) is a model name of this shape: what the original's
    /// `fullmatch` tests on a file stem.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::citations::CitationPattern;
    ///
    /// let p = CitationPattern::default();
    /// assert!(p.matches("test_ledger_quorum_musil"));
    /// assert!(!p.matches("test__musil") && !p.matches("test_musil")); // nothing in between
    /// assert!(!p.matches("testing_musil_thing"));
    /// ```
    pub fn matches(&self, word: &str) -> bool {
        word.chars().all(is_word)
            && word.starts_with(&self.prefix)
            && word.ends_with(&self.suffix)
            && word.chars().count() > self.prefix.chars().count() + self.suffix.chars().count()
    }

    /// Every citation in `text` (see [`find_citations`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::citations::{Citation, CitationPattern};
    ///
    /// let p = CitationPattern::word("model_", "").unwrap();
    /// let found = p.find("see model_login_v2 and model_login_v2\n(model_x)");
    /// assert_eq!(
    ///     found,
    ///     [
    ///         Citation { name: "model_login_v2".into(), line: 1 },
    ///         Citation { name: "model_x".into(), line: 2 }
    ///     ]
    /// );
    /// ```
    pub fn find(&self, text: &str) -> Vec<Citation> {
        let mut found: BTreeSet<(usize, String)> = BTreeSet::new();
        for (i, line) in split_lines(text).into_iter().enumerate() {
            for word in line.split(|c: char| !is_word(c)).filter(|w| self.matches(w)) {
                found.insert((i + 1, word.to_owned()));
            }
        }
        found.into_iter().map(|(line, name)| Citation { name, line }).collect()
    }

    /// The citations in `text` whose name is not in `known` (see [`dangling_citations`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::citations::CitationPattern;
    ///
    /// let p = CitationPattern::word("model_", "").unwrap();
    /// let gone = p.dangling("model_a\nmodel_b", ["model_a"]);
    /// assert_eq!((gone[0].name.as_str(), gone[0].line), ("model_b", 2));
    /// ```
    pub fn dangling<K: AsRef<str>>(&self, text: &str, known: impl IntoIterator<Item = K>) -> Vec<Citation> {
        let known: HashSet<String> = known.into_iter().map(|k| k.as_ref().to_owned()).collect();
        self.find(text).into_iter().filter(|c| !known.contains(&c.name)).collect()
    }

    /// The models under `root` (see [`known_models`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::citations::CitationPattern;
    ///
    /// let root = std::env::temp_dir().join(format!("musil-doc-known-{}", std::process::id()));
    /// std::fs::create_dir_all(root.join("deep")).unwrap();
    /// for f in ["deep/model_a.py", "model_b.txt", "helper.py"] {
    ///     std::fs::write(root.join(f), "").unwrap();
    /// }
    /// let p = CitationPattern::word("model_", "").unwrap();
    /// assert_eq!(p.known_models(&root).into_iter().collect::<Vec<_>>(), ["model_a"]);
    /// std::fs::remove_dir_all(&root).unwrap();
    /// ```
    pub fn known_models(&self, root: impl AsRef<Path>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut dirs = vec![root.as_ref().to_path_buf()];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else { continue };
                if kind.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "py")
                    && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                    && self.matches(stem)
                {
                    out.insert(stem.to_owned());
                }
            }
        }
        out
    }
}

/// `text` cut into lines as Python's `str.splitlines` cuts it: at `\n`, `\r\n`, `\r`, and also
/// `\x0b`, `\x0c`, `\x1c`, `\x1d`, `\x1e`, `\u{85}`, `\u{2028}` and `\u{2029}`; no empty last line
/// after a final break.
fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let breaks = matches!(
            c,
            '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}'
        );
        if breaks {
            lines.push(&text[start..i]);
            start = i + c.len_utf8();
            if c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n') {
                chars.next();
                start += 1;
            }
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Every model reference in `text` (code, comments, strings, prose) of the default shape
/// `test_…_musil`, one per distinct name and line, sorted by line and then name. Lines are
/// numbered as Python's `str.splitlines` numbers them: besides `\n`, `\r\n` and `\r`, a line
/// also ends at `\x0b`, `\x0c`, `\x1c`–`\x1e`, `\u{85}`, `\u{2028}` and `\u{2029}`. Other shapes:
/// [`CitationPattern::find`].
///
/// # Examples
///
/// ```
/// use musil::kits::citations::{Citation, find_citations};
///
/// // `\r\n` is one break; `\x0c` (form feed) is another, as in Python.
/// let found = find_citations("a test_x_musil\r\nb\x0cc test_y_musil test_x_musil test_y_musil");
/// let at: Vec<(&str, usize)> = found.iter().map(|c| (c.name.as_str(), c.line)).collect();
/// assert_eq!(at, [("test_x_musil", 1), ("test_x_musil", 3), ("test_y_musil", 3)]);
/// assert!(find_citations("my_test_helper").is_empty());
/// ```
pub fn find_citations(text: &str) -> Vec<Citation> {
    CitationPattern::default().find(text)
}

/// The citations in `text` whose model is not in `known` (typically [`known_models`] of the test
/// tree): the spec pointers that dangle, in [`find_citations`] order.
///
/// # Examples
///
/// ```
/// use musil::kits::citations::dangling_citations;
///
/// let text = "see test_mesh_musil\nsee test_gone_musil";
/// let gone = dangling_citations(text, ["test_mesh_musil"]);
/// assert_eq!((gone[0].name.as_str(), gone[0].line, gone.len()), ("test_gone_musil", 2, 1));
/// assert!(dangling_citations(text, ["test_mesh_musil", "test_gone_musil"]).is_empty());
/// ```
pub fn dangling_citations<K: AsRef<str>>(text: &str, known: impl IntoIterator<Item = K>) -> Vec<Citation> {
    CitationPattern::default().dangling(text, known)
}

/// The models that exist under `root`: the stems of the `.py` files anywhere below it whose stem
/// is a whole model name. The original's model files are Python tests; a directory that cannot
/// be read (or does not exist) contributes nothing, as in the original.
///
/// # Examples
///
/// ```
/// use musil::kits::citations::known_models;
///
/// let root = std::env::temp_dir().join(format!("musil-doc-models-{}", std::process::id()));
/// std::fs::create_dir_all(&root).unwrap();
/// for f in ["test_mesh_musil.py", "test_plain.py", "test_note_musil.txt"] {
///     std::fs::write(root.join(f), "").unwrap();
/// }
/// assert_eq!(known_models(&root).into_iter().collect::<Vec<_>>(), ["test_mesh_musil"]);
/// assert!(known_models(root.join("absent")).is_empty());
/// std::fs::remove_dir_all(&root).unwrap();
/// ```
pub fn known_models(root: impl AsRef<Path>) -> BTreeSet<String> {
    CitationPattern::default().known_models(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "# reconvergence needs strong fairness — see test_mesh_membership_musil\n\
        CITE = \"justified by test_ledger_quorum_musil\"\n\
        def handler():  # test_mesh_membership_musil again, same line as a comment\n    \
        return 1  # unrelated: my_test_helper, testing_musil_thing\n";

    fn cite(name: &str, line: usize) -> Citation {
        Citation { name: name.to_owned(), line }
    }

    fn tree(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("musil-citations-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn citations_in_comments_and_strings_once_per_line() {
        assert_eq!(
            find_citations(SRC),
            [
                cite("test_mesh_membership_musil", 1),
                cite("test_ledger_quorum_musil", 2),
                cite("test_mesh_membership_musil", 3)
            ]
        );
        assert_eq!(
            find_citations("a test_b_musil test_a_musil test_b_musil"),
            [cite("test_a_musil", 1), cite("test_b_musil", 1)]
        );
        assert_eq!(find_citations("x test_é_musil"), [cite("test_é_musil", 1)]);
    }

    #[test]
    fn only_whole_words_match() {
        assert!(find_citations("x = my_test_helper + testing_musil_thing\n").is_empty());
        assert!(find_citations("test__musil test_musil xtest_a_musil test_a_musilx").is_empty());
        assert_eq!(find_citations("(test_a-b_musil)"), []);
        assert_eq!(find_citations("f(test_a_musil)."), [cite("test_a_musil", 1)]);
    }

    #[test]
    fn lines_break_where_python_breaks_them() {
        let text = "test_a_musil\r\ntest_b_musil\rtest_c_musil\x0btest_d_musil\u{2028}test_e_musil\u{85}test_f_musil";
        let lines: Vec<usize> = find_citations(text).iter().map(|c| c.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 6]);
        assert_eq!(split_lines("a\n\nb\n"), ["a", "", "b"]);
    }

    #[test]
    fn dangling_are_exactly_the_unknown_names() {
        assert_eq!(
            dangling_citations(SRC, ["test_mesh_membership_musil"]),
            [cite("test_ledger_quorum_musil", 2)]
        );
        assert!(
            dangling_citations(SRC, ["test_mesh_membership_musil", "test_ledger_quorum_musil"]).is_empty()
        );
    }

    #[test]
    fn known_models_are_matching_py_stems() {
        let d = tree("known");
        std::fs::create_dir_all(d.join("tests")).unwrap();
        std::fs::write(d.join("tests/test_mesh_membership_musil.py"), "x = 1\n").unwrap();
        std::fs::write(d.join("tests/test_plain.py"), "x = 1\n").unwrap();
        std::fs::write(d.join("notes_test_x_musil.txt"), "x\n").unwrap();
        std::fs::write(d.join("test_x_musil.txt"), "x\n").unwrap();
        assert_eq!(known_models(&d), BTreeSet::from(["test_mesh_membership_musil".to_owned()]));
        std::fs::write(d.join("test_mesh_membership_musil.py"), "x = 1\n").unwrap();
        let src = "a = 1  # test_mesh_membership_musil\nb = 2  # test_gone_musil\n";
        assert_eq!(dangling_citations(src, known_models(&d)), [cite("test_gone_musil", 2)]);
        assert!(known_models(d.join("absent")).is_empty());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_custom_shape() {
        let p = CitationPattern::word("model_", "").unwrap();
        let src = "y = 1  # spec: model_login_v2\n";
        assert_eq!(p.find(src), [cite("model_login_v2", 1)]);
        assert!(p.dangling(src, ["model_login_v2"]).is_empty());
        assert_eq!(p.to_string(), "\\bmodel_\\w+\\b");
        assert_eq!(CitationPattern::default().to_string(), "\\btest_\\w+_musil\\b");
        let e = CitationPattern::word("model-", "").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
}
