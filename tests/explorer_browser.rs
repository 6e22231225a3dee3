//! The explorer page in a real browser: headless Chromium loads the page of the main example's
//! failing check, and the DOM it renders after the page's script ran must show the verdict,
//! the trace's actions, the fields each step changed, a state's successors (the click-through
//! path, opened by `#state=N`) and, for a lasso, the loop drawn back; a screenshot is saved as
//! `target/explorer.png`.
//!
//! Ignored by a plain `cargo test`, so that a machine without Chromium still runs the suite;
//! `.ci/run` installs Debian's `chromium` when it is missing and runs this file with
//! `cargo test --release --test explorer_browser -- --ignored`. Run that way without Chromium,
//! the tests fail and say how to install it. `CHROMIUM` names another binary.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use musil::Model;
use musil::cli::Cli;
use musil::explorer::Server;

#[allow(dead_code)]
#[path = "../examples/open_system_composed.rs"]
mod composed;

/// The Chromium binary, or a failure that says how to get one.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let debian = Path::new("/usr/bin/chromium");
    if debian.exists() {
        return debian.to_path_buf();
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("chromium"))
        .find(|p| p.exists());
    on_path.unwrap_or_else(|| {
        panic!(
            "the explorer's browser test needs Chromium, and none was found (no /usr/bin/chromium, \
             none on PATH, CHROMIUM unset). Install it with `apt-get install -y --no-install-recommends \
             chromium` (Debian; `.ci/run` does this when it is missing), or set CHROMIUM to a \
             Chromium or Chrome binary."
        )
    })
}

/// The build's `target/` directory (this test binary is `target/<profile>/deps/<name>`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).expect("target/<profile>/deps/<binary>").to_path_buf()
}

/// Run headless Chromium on `url` with `extra` flags; its stdout.
fn chromium_run(url: &str, extra: &[String]) -> String {
    // One browser at a time: the tests run on parallel threads, the machine may have two cores.
    static ONE: Mutex<()> = Mutex::new(());
    let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
    let profile = target_dir().join(format!("chromium-profile-{}-{}", std::process::id(), rand_suffix()));
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start Chromium ({e}); install it with `apt-get install -y chromium`")
        });
    // Read the output while Chromium runs: a DOM larger than the pipe's buffer would
    // otherwise block it.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).map(|_| out)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("Chromium did not finish within 90 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap().expect("Chromium's output is UTF-8");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "Chromium failed on {url}: {status}");
    out
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

/// The DOM after the page's script ran.
fn dump_dom(url: &str) -> String {
    let dom = chromium_run(url, &["--dump-dom".to_owned()]);
    assert!(dom.contains("data-ready=\"yes\""), "the page's script did not finish:\n{dom}");
    dom
}

fn serve(cli: &Cli<'_, impl musil::State>, args: &[&str]) -> Server {
    cli.explorer(args).unwrap().serve(TcpListener::bind("127.0.0.1:0").unwrap())
}

/// How often `needle` occurs in `text`.
fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[test]
#[ignore = "needs Chromium: .ci/run runs it with --ignored"]
fn the_page_of_a_failing_check_shows_its_trace_and_changed_fields() {
    let server = serve(&composed::harness(), &["--quiet"]);
    let dom = dump_dom(&server.url());
    std::fs::write(target_dir().join("explorer.html"), &dom).unwrap();

    // The verdict and the residual obligations.
    assert!(dom.contains("VIOLATION: invariant “not-permanently-failed”"), "{dom}");
    assert!(dom.contains("89 states explored"));
    assert!(dom.contains("k8s:eviction-rate-bounded — BROKEN by this run"));
    // The trace: twelve steps, evictions and recoveries alternating.
    assert_eq!(count(&dom, "<li class=\"step"), 12);
    assert!(dom.contains("<span class=\"action\">&lt;init&gt;</span>"));
    assert_eq!(
        count(&dom, "<span class=\"action\">k8s:evict-pod</span>"),
        6 + 1,
        "six steps, one successor of #0"
    );
    assert_eq!(count(&dom, "<span class=\"action\">recover</span>"), 5);
    // The changed fields: the status at every step, the retries at each recovery.
    let marked = |field: &str, value: &str| {
        format!(
            "<span class=\"field changed\" data-field=\"{field}\" title=\"changed by this step\">{field}: {value}</span>"
        )
    };
    for retries in 1..=5 {
        assert!(dom.contains(&marked("retries", &retries.to_string())), "retries {retries} marked");
    }
    assert!(count(&dom, &marked("status", "Evicted")) >= 6);
    assert!(
        dom.contains("<span class=\"field\" data-field=\"retries\" title=\"unchanged\">retries: 5</span>")
    );
    // The graph is drawn, the trace's twelve states in red.
    assert!(dom.contains("id=\"graph-svg\""));
    assert_eq!(count(&dom, "class=\"node on-trace") + count(&dom, "class=\"node initial on-trace"), 12);
    assert_eq!(count(&dom, "class=\"edge on-trace\""), 11);

    let png = target_dir().join("explorer.png");
    let _ = std::fs::remove_file(&png);
    chromium_run(
        &server.url(),
        &["--window-size=1280,1600".to_owned(), format!("--screenshot={}", png.display())],
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", png.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let (width, height) = (
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
    );
    assert_eq!((width, height), (1280, 1600));
    assert!(bytes.len() > 50_000, "a page with content, not a blank one ({} bytes)", bytes.len());
}

#[test]
#[ignore = "needs Chromium: .ci/run runs it with --ignored"]
fn a_state_opens_with_its_successors_to_click_through() {
    let server = serve(&composed::harness(), &["--quiet"]);
    // `#state=N` opens state N as a click on it does: fetched from /state/N.json.
    let dom = dump_dom(&format!("{}#state=3", server.url()));
    assert!(dom.contains("<span id=\"state-id\">#3 (depth 1, on the counterexample)</span>"), "{dom}");
    assert!(dom.contains("Successors (1), with the fields each changes:"));
    assert!(dom.contains(
        "<button class=\"succ\" data-id=\"9\"><span class=\"action\">recover</span> → #9</button>"
    ));
}

#[test]
#[ignore = "needs Chromium: .ci/run runs it with --ignored"]
fn a_lasso_is_drawn_as_a_loop() {
    let ring = Model::new(0u8)
        .action("tick", |n| *n < 3, |n| (n + 1) % 3)
        .action("finish", |n| *n == 2, |_| 3)
        .terminal(|n| *n == 3);
    let cli = Cli::new("ring").model("ring", &ring).goal("done", |n: &u8| *n == 3);
    let server = serve(&cli, &["liveness", "--fair", "tick", "--quiet"]);
    let dom = dump_dom(&server.url());
    assert!(dom.contains("loop starts here"), "{dom}");
    assert!(dom.contains("↺ loop back to step"));
    assert!(dom.contains("id=\"lasso-arrow\""), "the loop is drawn");
}
