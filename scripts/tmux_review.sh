#!/usr/bin/env bash
# Run `testimony review` in a real terminal (tmux): a reviewer adds a missed name and
# accepts an entity by keyboard, quits, and the shell confirms both. Captured screens go
# to $OUT (default ./tmux-review-out).
#
#   scripts/tmux_review.sh [TESTIMONY_BIN]
#
# Exit 0 when every step showed what it should; the captures are kept for reading.
set -euo pipefail

BIN=${1:-$(dirname "$0")/../.venv/bin/testimony}
BIN=$(realpath "$BIN")
OUT=${OUT:-$PWD/tmux-review-out}
WORK=$(mktemp -d)
SESSION=testimony-review-$$
mkdir -p "$OUT"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=scripts/tmux_lib.sh
. "$(dirname "$0")/tmux_lib.sh"

cat >"$WORK/statement.txt" <<'STORY'
Q: Who else knew?
A: Only the shop owner, everybody calls him Lucky. Lucky saw the bruises in March.
Q: And your husband?
A: My husband Yerlan Bekov said Lucky would keep quiet.
STORY
"$BIN" init "$WORK/p" >/dev/null
"$BIN" --project "$WORK/p" import "$WORK/statement.txt" >/dev/null

tmux new-session -d -s "$SESSION" -x 120 -y 30 -c "$WORK/p" "bash --norc --noprofile"
tmux send-keys -t "$SESSION" "export PS1='$ ' TESTIMONY_CODER=tmux-reviewer" Enter
tmux send-keys -t "$SESSION" "clear; '$BIN' review; echo EXIT=\$?" Enter
wait_for "Proposals, riskiest first"
wait_for "Yerlan Bekov" 40
capture opened

# The name the engine missed: v opens the raw text, j goes to the answer, the right arrow
# walks to "Lucky" word by word, n redacts the selection everywhere, Enter takes PERSON.
keys v
wait_for "Raw text (vault)"
keys j
wait_for "segment 2/"
for _ in $(seq 12); do
    tmux capture-pane -p -t "$SESSION" | grep -qF "Selected: Lucky " && break
    keys Right
done
wait_for "Selected: Lucky "
capture selected
keys n
wait_for "Redact the selection"
keys Enter
wait_for "added "
capture added
keys q
wait_for "Proposals, riskiest first"

# Accept the entity at the top of the queue.
keys a
wait_for "accepted 1:"
capture accepted

keys q
wait_for "EXIT=0"
capture quit

# The shell agrees: the name is gone from every excerpt, decisions are in the log.
if "$BIN" --project "$WORK/p" search lucky | grep -qi "lucky"; then
    echo "FAIL: the added name is still in the excerpts" >&2
    exit 1
fi
"$BIN" --project "$WORK/p" review list --json | grep -q '"status": "accepted"' \
    || { echo "FAIL: no entity was accepted" >&2; exit 1; }
"$BIN" --project "$WORK/p" audit verify >/dev/null
echo "ok: a missed name added and an entity accepted in a real terminal; see $OUT"
