//! The service_lifecycle example pins the reference outcome, and [`rules`] tests the fsm kit's
//! rules one by one (§5.6).

#[allow(dead_code)]
#[path = "../examples/service_lifecycle.rs"]
mod service_lifecycle;

#[test]
fn service_lifecycle_reaches_all_five_declared_states() {
    let (result, declared, dot) = service_lifecycle::run();
    assert_eq!(result.to_string(), "OK — 5 states, no violations");
    assert_eq!((result.states_explored, declared), (5, 5));
    assert!(service_lifecycle::allowed().terminal_states().is_empty());
    assert!(dot.contains("  n0 [label=\"status=pending\", penwidth=2];\n"));
    assert_eq!(dot.matches(" -> ").count(), 12);
}

/// The fsm kit's rules, one test each, through the public API.
mod rules {
    use musil::kits::fsm::{
        MovementTable, Protocol, Table, assert_covers_table, movement_actions, protocol_actions,
        replicated_transition_actions, transition_actions, undeclared_transitions,
    };
    use musil::{Model, check, explore};

    /// (status, balance, period open)
    type Entry = (&'static str, u8, bool);

    fn ledger() -> Table<&'static str> {
        Table::new([("draft", vec!["posted"]), ("posted", vec!["closed"]), ("closed", vec![])]).unwrap()
    }

    #[test]
    fn also_is_anded_with_the_source_and_effect_runs_after_the_move() {
        let acts = transition_actions(&ledger(), |s: &Entry| s.0, |s, d| (d, s.1, s.2))
            .also(|s| s.2)
            .effect(|moved, src, dst| {
                assert_eq!(moved.0, *dst, "the effect sees the moved state");
                if *src == "draft" { (moved.0, moved.1 + 1, moved.2) } else { *moved }
            })
            .build();
        let post = &acts[0];
        assert!(post.is_enabled(&("draft", 0, true)));
        assert!(!post.is_enabled(&("draft", 0, false)));
        assert!(!post.is_enabled(&("posted", 0, true)));
        assert_eq!(post.apply(&("draft", 0, true)), ("posted", 1, true));
        assert_eq!(acts[1].apply(&("posted", 1, true)), ("closed", 1, true));
    }

    #[test]
    fn a_custom_name_names_every_edge_and_the_terminal_rows_stop_the_model() {
        let t = ledger();
        let term = t.terminal_states();
        assert_eq!(term, ["closed"]);
        let m = Model::new("draft")
            .actions(transition_actions(&t, |s: &&str| *s, |_, d| d).name(|a, b| format!("{a}=>{b}")))
            .terminal(move |s| term.contains(s));
        let names: Vec<&str> = m.static_action_list().iter().map(|a| a.name()).collect();
        assert_eq!(names, ["draft=>posted", "posted=>closed"]);
        assert_eq!(check(&m).to_string(), "OK — 3 states, no violations");
        // Without the terminal set the sink is a deadlock.
        let bare = Model::new("draft").actions(transition_actions(&t, |s: &&str| *s, |_, d| d));
        assert!(!check(&bare).ok);
    }

    #[test]
    fn replicated_keys_are_written_with_display() {
        let t = Table::new([("p", vec!["q"])]).unwrap();
        let acts = replicated_transition_actions(&t, ["x", "7"], |s: &&str, _| *s, |_, _, d| d).build();
        let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
        assert_eq!(names, ["x:p->q", "7:p->q"]);
        let numbered = replicated_transition_actions(&t, 0..3, |s: &&str, _| *s, |_, _, d| d).build();
        assert_eq!(numbered[2].name(), "2:p->q");
    }

    fn handshake(offered: Vec<(&'static str, Option<&'static str>)>) -> Model<&'static str> {
        let p = Protocol::new([
            ("start", vec![("hello", Some("offered")), ("log", None)]),
            ("offered", offered),
            ("open", vec![("send", None), ("close", Some("closed"))]),
            ("closed", vec![]),
        ])
        .unwrap();
        Model::new("start").actions(protocol_actions(&p, |s: &&str| *s, |_, t| t)).terminal(|_| true)
    }

    #[test]
    fn a_protocol_state_without_moves_cuts_off_what_follows_it() {
        let full = handshake(vec![("accept", Some("open")), ("reject", Some("closed"))]);
        let mut all: Vec<&str> = explore(&full).states().copied().collect();
        all.sort();
        assert_eq!(all, ["closed", "offered", "open", "start"]);
        let stuck = handshake(vec![]);
        let mut some: Vec<&str> = explore(&stuck).states().copied().collect();
        some.sort();
        assert_eq!(some, ["offered", "start"]);
    }

    #[test]
    fn every_movement_the_model_takes_is_a_declared_one() {
        let t = MovementTable::new([
            ("roast", vec![("green", "roasted"), ("green", "loss")]),
            ("grind", vec![("roasted", "ground")]),
        ])
        .unwrap();
        let accounts = ["green", "roasted", "loss", "ground"];
        assert_eq!(t.declared_accounts(), accounts);
        let at = move |a: &str| accounts.iter().position(|x| *x == a).unwrap();
        let acts = movement_actions(&t, move |s: &[u8; 4], _, src, dst| {
            let mut s = *s;
            s[at(src)] -= 1;
            s[at(dst)] += 1;
            s
        })
        .enabled(move |s, _, src, _| s[at(src)] > 0);
        let m = Model::new([2u8, 0, 0, 0]).actions(acts).terminal(|_| true);
        assert_eq!(check(&m).to_string(), "OK — 10 states, no violations");
        let g = explore(&m);
        let declared = ["roast:green->roasted", "roast:green->loss", "grind:roasted->ground"];
        let mut taken = 0;
        for x in g.ids() {
            for &(a, _) in g.edges(x) {
                assert!(declared.contains(&g.action_name(a)), "{}", g.action_name(a));
                taken += 1;
            }
        }
        assert!(taken > 0);
        assert!(g.states().all(|s| s.iter().map(|k| u32::from(*k)).sum::<u32>() == 2));
    }

    #[test]
    fn conformance_names_every_undeclared_change_sorted() {
        let t = Table::new([("a", vec!["b"])]).unwrap();
        let m = Model::new("a")
            .action("ab", |s| *s == "a", |_| "b")
            .action("ac", |s| *s == "a", |_| "c")
            .action("cz", |s| *s == "c", |_| "z")
            .action("stay", |s| *s == "z", |_| "z")
            .terminal(|_| true);
        assert_eq!(undeclared_transitions(&m, &t, |s| *s), [("a", "c"), ("c", "z")]);
        let text = std::panic::catch_unwind(|| assert_covers_table(&m, &t, |s| *s, None))
            .unwrap_err()
            .downcast::<String>()
            .unwrap();
        assert_eq!(*text, "model makes status transitions not declared in the table: a -> c, c -> z");
    }
}
