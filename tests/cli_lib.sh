# Helpers shared by the CLI test scripts (sourced, not run).  Sets vnfo,
# top_srcdir, top_builddir and a temporary folder $tmp removed on exit, and
# counts failures in $fails; a script ends with cli_finish.
top_srcdir=${top_srcdir:-..}
top_builddir=${top_builddir:-.}
vnfo="$top_builddir/tools/vnfo"
[ -x "$vnfo" ] || { echo "no $vnfo (CLI not built)"; exit 77; }
tmp=$(mktemp -d /tmp/vnfo-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect RC DESCRIPTION COMMAND...: runs COMMAND into $tmp/out and $tmp/err,
# checks its exit code.
expect() {
    want=$1 what=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $what: exit $got, expected $want"; cat "$tmp/out" "$tmp/err"; fails=$((fails + 1))
    else
        echo "ok: $what"
    fi
}

# contains FILE TEXT: the file has a line containing TEXT.
contains() {
    if ! grep -qF -- "$2" "$1"; then
        echo "FAIL: $1 lacks: $2"; cat "$1"; fails=$((fails + 1))
    fi
}

cli_finish() {
    [ "$fails" -eq 0 ] || { echo "$fails failures"; exit 1; }
    exit 0
}
