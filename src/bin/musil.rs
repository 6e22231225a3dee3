//! The `musil` command: two gates over Rust sources, with the original's output lines and exit
//! codes.
//!
//! - `musil doctor <path>`: hand-rolled test idioms a shipped musil API already covers
//!   ([`musil::kits::doctor`]), one `file:line:col: pattern: message` line each on stdout and
//!   `N suggestion(s) across M file(s)` on stderr. Advisory: always exits 0 (2 without a path).
//! - `musil citations <path>... [--pattern P]`: model citations (`test_…_musil` words) that
//!   resolve to no model file under the given paths ([`musil::kits::citations`]), one
//!   `file:line: dangling model citation: NAME (no such model file)` line each on stdout and
//!   `N dangling citation(s) across M file(s)` on stderr. A gate: exits 1 when one dangles, else
//!   0 (2 without a path, or with a pattern it cannot read).
//!
//! Files are the path itself when it is a file, else every `*.rs` file below it, sorted;
//! unreadable or non-UTF-8 files are skipped but counted, as the original counts them. A model
//! file is a `.rs` (or the original's `.py`) file whose stem is a model name.
//!
//! The original's third form, `musil <model.py>`, loads a Python module and checks the model
//! in it. A Rust model is compiled into its own binary instead, whose `main` hands it to
//! `musil::cli` (flags `--json`, `--dot`, `--max-states`, `--emit-test`, ...); this command
//! points there.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use musil::kits::citations::CitationPattern;
use musil::kits::doctor::scan;

const USAGE: &str = "usage: musil doctor <path>  |  musil citations <path>... [--pattern P]\n\
    (a model is checked by its own binary: fn main() -> ExitCode { musil::cli::run(&model) })";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    ExitCode::from(match args.first().map(String::as_str) {
        Some("doctor") => match args.get(1) {
            Some(path) => doctor(Path::new(path)),
            None => usage("usage: musil doctor <path>"),
        },
        Some("citations") => citations(&args[1..]),
        _ => usage(USAGE),
    })
}

fn usage(text: &str) -> u8 {
    eprintln!("{text}");
    2
}

/// The path itself when it is a file, else every `*.rs` file below it, sorted.
fn files_under(root: &Path) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => dirs.push(path),
                Ok(_) if path.extension().is_some_and(|e| e == "rs") => found.push(path),
                _ => {}
            }
        }
    }
    found.sort();
    found
}

fn doctor(path: &Path) -> u8 {
    let files = files_under(path);
    let mut total = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        for f in scan(&text) {
            println!("{}:{}:{}: {}: {}", file.display(), f.line, f.col, f.pattern, f.message);
            total += 1;
        }
    }
    eprintln!("{total} suggestion(s) across {} file(s)", files.len());
    0
}

/// A `--pattern` value: the original's regular expression `\bPREFIX\w+SUFFIX\b` (the word
/// boundaries optional), or `PREFIX*SUFFIX`.
fn pattern(text: &str) -> Result<CitationPattern, String> {
    let bare = text.strip_prefix("\\b").unwrap_or(text);
    let bare = bare.strip_suffix("\\b").unwrap_or(bare);
    let (prefix, suffix) = bare
        .split_once("\\w+")
        .or_else(|| bare.split_once('*'))
        .ok_or_else(|| format!("--pattern {text:?}: write it as \\bPREFIX\\w+SUFFIX\\b or PREFIX*SUFFIX"))?;
    CitationPattern::word(prefix, suffix).map_err(|e| format!("--pattern {text:?}: {e}"))
}

/// The model names under `root`: stems of `.rs` files (and of the original's `.py` files)
/// that are whole model names.
fn known_models(root: &Path, pattern: &CitationPattern) -> BTreeSet<String> {
    let mut known = pattern.known_models(root);
    for file in files_under(root) {
        if let Some(stem) = file.file_stem().and_then(|s| s.to_str()).filter(|s| pattern.matches(s)) {
            known.insert(stem.to_owned());
        }
    }
    known
}

fn citations(args: &[String]) -> u8 {
    let (mut paths, mut text) = (Vec::new(), None);
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--pattern" && i + 1 < args.len() {
            text = Some(args[i + 1].clone());
            i += 2;
        } else {
            paths.push(PathBuf::from(&args[i]));
            i += 1;
        }
    }
    if paths.is_empty() {
        return usage("usage: musil citations <path>... [--pattern P]");
    }
    let pattern = match text.as_deref().map(pattern) {
        None => CitationPattern::default(),
        Some(Ok(p)) => p,
        Some(Err(message)) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let files: BTreeSet<PathBuf> = paths.iter().flat_map(|root| files_under(root)).collect();
    let mut known = BTreeSet::new();
    // With no file to read, which models exist cannot matter.
    for root in paths.iter().filter(|_| !files.is_empty()) {
        let dir = if root.is_dir() { root.as_path() } else { root.parent().unwrap_or(Path::new(".")) };
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        known.extend(known_models(dir, &pattern));
    }
    let mut total = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        for c in pattern.dangling(&text, &known) {
            println!(
                "{}:{}: dangling model citation: {} (no such model file)",
                file.display(),
                c.line,
                c.name
            );
            total += 1;
        }
    }
    eprintln!("{total} dangling citation(s) across {} file(s)", files.len());
    u8::from(total > 0)
}
