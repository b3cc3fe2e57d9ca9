#!/usr/bin/env bash
# Run `testimony demo` in a real terminal (tmux), code an excerpt by keyboard, quit,
# reopen and find the coding again. Captured screens go to $OUT (default ./tmux-demo-out).
#
#   scripts/tmux_demo.sh [TESTIMONY_BIN]
#
# Exit 0 when every step showed what it should; the captures are kept for reading.
set -euo pipefail

BIN=${1:-$(dirname "$0")/../.venv/bin/testimony}
BIN=$(realpath "$BIN")
OUT=${OUT:-$PWD/tmux-demo-out}
WORK=$(mktemp -d)
SESSION=testimony-demo-$$
mkdir -p "$OUT"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=scripts/tmux_lib.sh
. "$(dirname "$0")/tmux_lib.sh"

echo "building the demo project in $WORK/demo"
(cd "$WORK" && "$BIN" demo --no-tui demo >/dev/null)

tmux new-session -d -s "$SESSION" -x 100 -y 30 -c "$WORK" "bash --norc --noprofile"
tmux send-keys -t "$SESSION" "export PS1='$ ' TESTIMONY_CODER=tmux-coder" Enter
tmux send-keys -t "$SESSION" "clear; '$BIN' demo demo" Enter
wait_for "Interviews"
wait_for "INT-001 ¶1/"
capture opened

# Go to excerpt 3 of the first interview, select its first sentence, code it as
# economic violence (key 4), and mark it important.
keys ":"
keys "3" Enter
wait_for "INT-001 ¶3/"
keys S
keys 4
wait_for "coded as"
keys "!"
wait_for "marked important"
# u and U say what they take back and do again, with the theme's name and the place.
keys u
wait_for "Undid: marked “Economic violence” important"
keys U
wait_for "Redid: marked “Economic violence” important"
capture coded
grep -qF "Economic violence" "$shot" || { echo "FAIL: no coding shown" >&2; exit 1; }
# The excerpt is read in context: the end of ¶2 above it, the start of ¶4 below, dimmed;
# X hides them and shows them again.
grep -qE "^│.*│ ¶2 " "$shot" || { echo "FAIL: no context before the excerpt" >&2; exit 1; }
grep -qE "│ ¶4 " "$shot" || { echo "FAIL: no context after the excerpt" >&2; exit 1; }
keys X
wait_for "neighbouring excerpts hidden"
capture context-hidden
if grep -qE "│ ¶2 " "$shot"; then echo "FAIL: X did not hide the context" >&2; exit 1; fi
keys X
wait_for "neighbouring excerpts shown"

keys q
wait_gone "Interviews"
tmux send-keys -t "$SESSION" 'echo "EX""IT=$?"' Enter
wait_for "EXIT="
capture quit
grep -qF "EXIT=0" "$shot" || { echo "FAIL: demo did not exit 0" >&2; exit 1; }
if grep -qF "Interviews" "$shot"; then
    echo "FAIL: the TUI left its screen behind after quitting" >&2
    exit 1
fi
terminal_clean

# Reopen (it opens where the coder stopped) and find the coding through retrieval:
# R, t, the theme, Enter; Enter opens the quote in context.
tmux send-keys -t "$SESSION" "clear; '$BIN' demo demo" Enter
wait_for "INT-001 ¶3/"
keys g
wait_for "INT-001 ¶1/"
keys R
wait_for "quote"
keys t
keys "Economic violence"
keys Enter
wait_for "tmux-coder"
capture retrieval
grep -qF "INT-001 ¶3" "$shot" || { echo "FAIL: retrieval did not find the coding" >&2; exit 1; }
keys c
wait_for "· tmux-coder"
capture retrieval-mine
keys Enter
wait_for "INT-001 ¶3/"
capture reopened
grep -qF "Economic violence" "$shot" || { echo "FAIL: the coding is not in the reader" >&2; exit 1; }
grep -qF "★" "$shot" || { echo "FAIL: the important mark is lost" >&2; exit 1; }
keys C-q  # ctrl+q quits as q does
wait_gone "Interviews"
tmux send-keys -t "$SESSION" 'echo "EX""IT=$?"' Enter
wait_for "EXIT="
capture quit-again
grep -qF "EXIT=0" "$shot" || { echo "FAIL: the second run did not exit 0" >&2; exit 1; }
if grep -qF "Interviews" "$shot"; then
    echo "FAIL: the TUI left its screen behind after ctrl+q" >&2
    exit 1
fi
terminal_clean

echo "ok: coded by keyboard, undid and redid, quit cleanly (q, then ctrl+q), reopened and found the coding; screens in $OUT"
