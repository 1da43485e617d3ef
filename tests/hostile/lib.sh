# lib.sh - helpers for shell tests: sourced, never run.
# check NAME CONDITION-COMMAND...: count a pass or a failure.
passed=0
failed=0
check() {
    name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name"
    fi
}
summary() {
    echo "$passed passed, $failed failed"
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
