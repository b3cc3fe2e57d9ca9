# Shared by the tmux scripts: drive a program in a tmux session and read its screen.
# The caller sets SESSION (the tmux session) and OUT (where captures go).

step=0
shot=""
capture() {  # capture NAME: save the pane as OUT/NN-NAME.txt, its path in $shot
    step=$((step + 1))
    shot=$(printf '%s/%02d-%s.txt' "$OUT" "$step" "$1")
    tmux capture-pane -p -t "$SESSION" >"$shot"
}

wait_for() {  # wait_for TEXT [SECONDS]: until the pane shows TEXT
    local text=$1 limit=${2:-30} waited=0
    until tmux capture-pane -p -t "$SESSION" | grep -qF -- "$text"; do
        sleep 0.5
        waited=$((waited + 1))
        if [ "$waited" -gt $((limit * 2)) ]; then
            echo "FAIL: the screen never showed: $text" >&2
            tmux capture-pane -p -t "$SESSION" >&2
            exit 1
        fi
    done
}

wait_gone() {  # wait_gone TEXT: until the pane no longer shows TEXT
    local waited=0
    while tmux capture-pane -p -t "$SESSION" | grep -qF -- "$1"; do
        sleep 0.5
        waited=$((waited + 1))
        [ "$waited" -lt 60 ] || { echo "FAIL: the screen still shows: $1" >&2; exit 1; }
    done
}

keys() { tmux send-keys -t "$SESSION" "$@"; sleep 0.4; }

terminal_clean() {  # terminal_clean: fail unless the pane is back to the shell's modes
    # After a TUI quits: the normal screen (not the alternate one), no mouse reporting,
    # a visible cursor, no bracketed paste or application keypad left switched on.
    local modes
    modes=$(tmux display -p -t "$SESSION" \
        'alt=#{alternate_on} mouse=#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_sgr_flag} cursor=#{cursor_flag} keypad=#{keypad_flag}#{keypad_cursor_flag}')
    if [ "$modes" != "alt=0 mouse=0000 cursor=1 keypad=00" ]; then
        echo "FAIL: the terminal was left in another mode: $modes" >&2
        exit 1
    fi
}
