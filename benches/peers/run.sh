#!/usr/bin/env bash
# Side by side on one machine: musil (this crate), the `stateright` crate, SPIN's compiled
# verifier (BFS) and the Python original, on the shared benchmark models. Prints one Markdown
# table: states, seconds, states/s, peak RSS and musil's speed ratio to each peer.
#
#   benches/peers/run.sh                      # counters 6, token-ring 16, phils 16, 2pc 8
#   benches/peers/run.sh "counters 7" "phils 18"
#   PEERS="musil stateright" benches/peers/run.sh
#   REPEAT=5 benches/peers/run.sh             # each figure the median of 5 runs (default 3)
#   benches/peers/run.sh "2pc-heap-compact 8"  # a musil variant against the peers' 2pc 8
#
# Needs: cargo (builds musil's bench and a small stateright crate under target/peers/), gcc and
# SPIN (`apt-get install spin`; installed here when missing and running as root), and a Python
# >= 3.12 (PYTHON, default: the first of python3.13, python3.12, ~/.pyenv/versions/3.1[23]*)
# into which musil==0.36.7 is installed in a venv under target/peers/. A peer that cannot be set
# up is reported as such and skipped. Not part of CI.
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$ROOT/target/peers"
mkdir -p "$WORK"
PEERS="${PEERS:-musil stateright spin python}"
REPEAT="${REPEAT:-3}"
ROWS=("$@")
[ ${#ROWS[@]} -eq 0 ] && ROWS=("counters 6" "token-ring 16" "phils 16" "2pc 8")

note() { echo "# $*" >&2; }
have() { [[ " $PEERS " == *" $1 "* ]]; }

# Runs a command under /usr/bin/time -v; prints "seconds rss_kib" (of the whole process) on the
# last line of the file named by $2, the command's stdout in $1.
timed() {
  local out="$1" stats="$2"; shift 2
  /usr/bin/time -v "$@" >"$out" 2>"$stats.raw"
  local rc=$?
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$stats.raw")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$stats.raw")
  echo "$secs $rss" >"$stats"
  return $rc
}

# The median of REPEAT lines "seconds rest..." read from stdin (by seconds).
median() { sort -n | awk '{l[NR]=$0} END {print l[int((NR+1)/2)]}'; }

# ---------------------------------------------------------------- set-up
if have musil; then
  note "building musil's bench binary"
  (cd "$ROOT" && cargo bench --bench models --no-run >/dev/null 2>&1) || { note "musil bench build failed"; }
  MUSIL_BIN=$(ls -t "$ROOT"/target/release/deps/models-* 2>/dev/null | grep -v '\.d$' | head -1)
fi

if have stateright; then
  SR="$WORK/stateright"
  if [ ! -x "$SR/target/release/stateright_bench" ]; then
    note "building the stateright peer (stateright 0.31)"
    mkdir -p "$SR/src"
    cat >"$SR/Cargo.toml" <<'EOF'
[package]
name = "stateright_bench"
version = "0.1.0"
edition = "2021"

[dependencies]
stateright = "=0.31.0"

[workspace]
EOF
    cp "$HERE/stateright_models.rs" "$SR/src/main.rs"
    (cd "$SR" && cargo fetch -q) || note "cargo fetch stateright failed"
    EX=$(ls ~/.cargo/registry/src/*/stateright-0.31.0/examples/2pc.rs 2>/dev/null | head -1)
    if [ -n "$EX" ]; then
      # stateright's own two-phase commit (MIT): everything between its imports and its tests.
      {
        echo "use stateright::{Representative, Rewrite, RewritePlan};"
        echo "use std::collections::BTreeSet;"
        echo "use std::hash::Hash;"
        echo "use std::ops::Range;"
        sed -n '/^type R = usize;/,/^#\[cfg(test)\]/p' "$EX" | sed '$d'
      } >>"$SR/src/main.rs"
      sed -i 's|^        // "2pc" => {|        "2pc" => {|; s|^        //     let f: fn|            let f: fn|; s|^        //     run("2pc"|            run("2pc"|; s|^        // }|        }|' "$SR/src/main.rs"
    fi
    (cd "$SR" && cargo build -q --release 2>"$SR/build.log") || note "stateright build failed (see $SR/build.log)"
  fi
  SR_BIN="$SR/target/release/stateright_bench"
fi

if have spin; then
  if ! command -v spin >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      note "installing spin"
      (apt-get update -qq && apt-get install -y -qq spin) >/dev/null 2>&1 || note "could not install spin"
    fi
  fi
  command -v spin >/dev/null || { note "spin unavailable: skipped"; PEERS="${PEERS/spin/}"; }
fi

if have python; then
  PY="${PYTHON:-}"
  if [ -z "$PY" ]; then
    for c in ~/.pyenv/versions/3.13*/bin/python ~/.pyenv/versions/3.12*/bin/python python3.13 python3.12 python3; do
      if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then PY="$c"; break; fi
    done
  fi
  if [ -n "$PY" ]; then
    if [ ! -x "$WORK/venv/bin/python" ]; then
      note "creating the Python peer's venv with musil==0.36.7"
      "$PY" -m venv "$WORK/venv" && "$WORK/venv/bin/pip" -q install musil==0.36.7 || note "pip install musil failed"
    fi
  fi
  [ -x "$WORK/venv/bin/python" ] || { note "no Python >= 3.12 with musil: skipped"; PEERS="${PEERS/python/}"; }
fi

# ---------------------------------------------------------------- runs
echo "| model | N | tool | states | secs | states/s | peak RSS MiB | musil speed-up |"
echo "|---|---|---|---|---|---|---|---|"
for row in "${ROWS[@]}"; do
  read -r model n k <<<"$row"
  k="${k:-9}"
  # musil's variants of a shared model (a closure or heap-state form, the compact store) are
  # compared with the peers' one model.
  peer="$model"
  case "$model" in
    2pc-heap*) peer=2pc ;;
    counters-*) peer=counters ;;
  esac
  musil_rate=""
  declare -A states rate rss
  if have musil && [ -n "${MUSIL_BIN:-}" ]; then
    line=$(for _ in $(seq "$REPEAT"); do
      l=$("$MUSIL_BIN" --single "$model" "$n" "$k" 1 2>/dev/null)
      echo "$(echo "$l" | awk -F'|' '{print $7}') $l"
    done | median | cut -d' ' -f2-)
    # | model | N | workers | states | transitions | secs | states/s | peak RSS MiB | ...
    IFS='|' read -r _ _ _ _ s _ secs r m _ <<<"$line"
    states[musil]=$(echo $s); rate[musil]=$(echo $r); rss[musil]=$(echo $m); musil_rate=${rate[musil]}
    echo "| $model | $n | musil | ${states[musil]} | $(echo $secs) | ${rate[musil]} | ${rss[musil]} | 1.0 |"
  fi
  if have stateright && [ -x "${SR_BIN:-}" ]; then
    kk=""; [ "$peer" = counters ] && kk="$k"
    read -r engine s kib < <(for _ in $(seq "$REPEAT"); do
      timed "$WORK/sr.out" "$WORK/sr.time" "$SR_BIN" "$peer" "$n" $kk
      read -r _ kib <"$WORK/sr.time"
      echo "$(grep -o 'secs=[0-9.]*' "$WORK/sr.out" | cut -d= -f2) $(grep -o 'unique=[0-9]*' "$WORK/sr.out" | cut -d= -f2) $kib"
    done | median)
    r=$(awk -v s="$s" -v t="$engine" 'BEGIN { if (t > 0) printf "%.0f", s / t }')
    ratio=$(awk -v a="$musil_rate" -v b="$r" 'BEGIN { if (b > 0 && a != "") printf "%.1f", a / b }')
    echo "| $peer | $n | stateright (bfs) | $s | $engine | $r | $(awk -v k="$kib" 'BEGIN{printf "%.1f", k/1024}') | $ratio |"
  fi
  if have spin; then
    D="$WORK/spin-$peer-$n"
    mkdir -p "$D"
    python3 "$HERE/gen_pml.py" "$peer" "$n" >"$D/model.pml"
    (cd "$D" && spin -a model.pml >/dev/null && gcc -O2 -DBFS -DSAFETY -DNOREDUCE -DMEMLIM=16000 -o pan pan.c 2>/dev/null)
    if [ -x "$D/pan" ]; then
      read -r engine s kib < <(for _ in $(seq "$REPEAT"); do
        (cd "$D" && timed "$D/pan.out" "$D/pan.time" ./pan -m100000000)
        read -r secs kib <"$D/pan.time"
        e=$(awk '/elapsed time/ {print $4; exit}' "$D/pan.out")
        echo "${e:-$secs} $(awk '/states, stored/ {print $1; exit}' "$D/pan.out") $kib"
      done | median)
      r=$(awk -v s="$s" -v t="$engine" 'BEGIN { if (t > 0) printf "%.0f", s / t }')
      ratio=$(awk -v a="$musil_rate" -v b="$r" 'BEGIN { if (b > 0 && a != "") printf "%.1f", a / b }')
      echo "| $peer | $n | spin pan (bfs, -O2) | $s | $engine | $r | $(awk -v k="$kib" 'BEGIN{printf "%.1f", k/1024}') | $ratio |"
    fi
  fi
  if have python; then
    script=""
    case "$peer" in
      counters) script="counters.py $n $k" ;;
      token-ring) script="token_ring.py $n" ;;
      phils) script="philosophers.py $n" ;;
    esac
    if [ -n "$script" ]; then
      timed "$WORK/py.out" "$WORK/py.time" "$WORK/venv/bin/python" "$HERE/python/"$script
      read -r secs kib <"$WORK/py.time"
      s=$(grep -o '"states": [0-9]*' "$WORK/py.out" | awk '{print $2}')
      r=$(grep -o '"states_per_s": [0-9.]*' "$WORK/py.out" | awk '{printf "%.0f", $2}')
      engine=$(grep -o '"engine_s": [0-9.]*' "$WORK/py.out" | awk '{print $2}')
      ratio=$(awk -v a="$musil_rate" -v b="$r" 'BEGIN { if (b > 0 && a != "") printf "%.1f", a / b }')
      echo "| $peer | $n | Python original (0.36.7) | $s | $engine | $r | $(awk -v k="$kib" 'BEGIN{printf "%.1f", k/1024}') | $ratio |"
    fi
  fi
done
