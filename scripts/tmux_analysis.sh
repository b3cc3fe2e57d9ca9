#!/usr/bin/env bash
# Open the analysis screen of the coding TUI on the demo project in a real terminal (tmux)
# at 80×24, step through its five views, open a disagreement, and quit.
# Captured screens go to $OUT (default ./tmux-analysis-out).
#
#   scripts/tmux_analysis.sh [TESTIMONY_BIN] [DEMO_DIR]
#
# DEMO_DIR is reused when it holds a project (else the demo is built there first).
# Exit 0 when every step showed what it should; the captures are kept for reading.
set -euo pipefail

BIN=${1:-$(dirname "$0")/../.venv/bin/testimony}
BIN=$(realpath "$BIN")
OUT=${OUT:-$PWD/tmux-analysis-out}
WORK=$(mktemp -d)
DEMO=${2:-$WORK/demo}
SESSION=testimony-analysis-$$
mkdir -p "$OUT"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=scripts/tmux_lib.sh
. "$(dirname "$0")/tmux_lib.sh"

if [ ! -f "$DEMO/testimony.yaml" ]; then
    echo "building the demo project in $DEMO"
    "$BIN" demo --no-tui "$DEMO" >/dev/null
fi
DEMO=$(realpath "$DEMO")
expect() {  # expect TEXT: the last capture shows TEXT
    grep -qF -- "$1" "$shot" || { echo "FAIL: $(basename "$shot") lacks: $1" >&2; exit 1; }
}

tmux new-session -d -s "$SESSION" -x 80 -y 24 "bash --norc --noprofile"
tmux send-keys -t "$SESSION" "export PS1='$ '" Enter
tmux send-keys -t "$SESSION" "clear; '$BIN' --project '$DEMO' code --coder morgan" Enter
wait_for "Interviews"
keys F
wait_for "1 Themes"
wait_for "mentioned in"
capture themes
expect "Codings"
expect "mentioned in"

keys 2
wait_for " Interview " # the interview table's header, not the tab's label
capture interviews
expect "INT-001"

keys v
wait_for "quinn"
capture coders
expect "morgan"

keys 4
wait_for "Themes in the same excerpt"
capture cooccurrence
keys o
wait_for "Themes in overlapping spans"
capture overlapping

keys 5
wait_for "morgan (A) and quinn (B)"
wait_for "disagreement"
sleep 1 # column widths follow once the table is idle
capture agreement
expect "All themes"

# Enter on the first disagreement opens its excerpt in the coding screen.
keys Tab
keys Enter
wait_for "Interviews"
capture opened
expect "INT-"

keys F
wait_for "1 Themes"
keys Escape
wait_for "Interviews"
keys q
wait_gone "Interviews"
tmux send-keys -t "$SESSION" 'echo "EX""IT=$?"' Enter
wait_for "EXIT="
capture quit
expect "EXIT=0"

# The same screen in a large terminal.
tmux resize-window -t "$SESSION" -x 160 -y 48 2>/dev/null || tmux resize-pane -t "$SESSION" -x 160 -y 48
tmux send-keys -t "$SESSION" "clear; '$BIN' --project '$DEMO' code --coder morgan" Enter
wait_for "Interviews"
keys F
wait_for "5 Agreement"
wait_for "mentioned in"
capture large
expect "Interviews"
keys Escape
keys q
wait_gone "Interviews"

echo "ok: the analysis screen showed every view at 80×24 and 160×48; screens in $OUT"
