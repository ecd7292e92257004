# shellcheck shell=bash
# Sourced by the set-up scripts: run each stage with one line on the terminal and
# its tools' chatter in a log file; on a failure, the log's tail and the log's path.
#
#   STAGE_LOG=path/to/log   where the output goes (truncated by stages_begin)
#   SAGERUN_VERBOSE=1       the output on the terminal too (CI logs)

stages_begin() {
  mkdir -p "$(dirname "$STAGE_LOG")"
  : >"$STAGE_LOG"
  _stages_started=$(date +%s)
}

# stage "What it does" command [args...]: a failing command ends the script. The
# command may be a shell function: it runs in a subshell with `set -e`, so that any
# failing step in it fails the stage. (Called after `||` or `if`, as a plain function
# call would be to catch its status, bash ignores `set -e` in the whole function.)
stage() {
  local label=$1 started=$SECONDS status=0 errexit=0
  shift
  printf '%s\n' "==== $label" >>"$STAGE_LOG"
  [[ $- == *e* ]] && errexit=1
  set +e
  if [[ ${SAGERUN_VERBOSE:-} == 1 ]]; then
    echo "==> $label"
    (set -eo pipefail; "$@") </dev/null 2>&1 | tee -a "$STAGE_LOG"
    status=${PIPESTATUS[0]}
  else
    printf '  %-54s' "$label"
    (set -eo pipefail; "$@") </dev/null >>"$STAGE_LOG" 2>&1
    status=$?
  fi
  ((errexit)) && set -e
  local took=$((SECONDS - started))
  if [[ $status != 0 ]]; then
    [[ ${SAGERUN_VERBOSE:-} == 1 ]] || echo "FAILED (${took} s)"
    echo "---- the last lines of $STAGE_LOG ----" >&2
    tail -n 40 "$STAGE_LOG" >&2
    echo "---- the whole log: $STAGE_LOG" >&2
    exit "$status"
  fi
  if [[ ${SAGERUN_VERBOSE:-} == 1 ]]; then
    echo "==> $label: done in ${took} s"
  else
    echo "done (${took} s)"
  fi
}
