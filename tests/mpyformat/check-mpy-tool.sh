#!/bin/bash
# tests/mpyformat/check-mpy-tool.sh: mpy-tool end to end. Every corpus
# golden passes check, dumps and disassembles; mutants of the goldens are
# accepted or rejected with one "FILE: offset N: message" line (never a
# crash); merge of three modules is valid and, when the official VM is
# installed in build/node, prints the three programs' outputs in order.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
TOOL=$BUILD/mpy-tool
CORPUS=${MPY_CORPUS:-../shared/corpus}
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

find "$CORPUS"/bytecode "$CORPUS"/generated "$CORPUS"/native "$CORPUS"/asm_* -name '*.mpy' 2>/dev/null | sort > "$tmp/goldens"
n=$(wc -l < "$tmp/goldens")
if [ "$n" -eq 0 ]; then
    echo "no corpus at $CORPUS: skipping the corpus cases"
else
    for cmd in check dump dis; do
        if xargs "$TOOL" "$cmd" < "$tmp/goldens" > /dev/null 2> "$tmp/$cmd.err"; then
            ok "$cmd passes on all $n corpus goldens"
        else
            bad "$cmd on the corpus goldens: $(head -3 "$tmp/$cmd.err")"
        fi
    done
    for cmd in dump dis check size; do
        if xargs "$TOOL" "$cmd" --json < <(head -40 "$tmp/goldens") > /dev/null; then
            ok "$cmd --json runs"
        else
            bad "$cmd --json"
        fi
    done
    if command -v python3 > /dev/null; then
        f=$(grep native "$tmp/goldens" | head -1)
        for cmd in dump dis check size; do
            if "$TOOL" "$cmd" --json "$f" | python3 -c 'import json, sys; json.load(sys.stdin)'; then
                ok "$cmd --json is valid JSON"
            else
                bad "$cmd --json is not valid JSON"
            fi
        done
    fi
    first=$(head -1 "$tmp/goldens")
    if "$TOOL" dis - < "$first" | cmp -s - <("$TOOL" dis "$first"); then
        ok "dis reads standard input with -"
    else
        bad "dis - differs from dis FILE"
    fi
    if "$TOOL" diff "$first" "$first" > /dev/null; then
        ok "diff of a file with itself finds nothing"
    else
        bad "diff of a file with itself"
    fi
fi

# Mutants: the unit test writes 200 of them; each is run through check and
# dis. Exit status 0 (valid) or 1 with one well-formed line; anything else
# (a signal, a sanitizer report) fails.
mutants=$BUILD/tests/mpyformat/test_mutations
if [ -x "$mutants" ] && [ "$n" -gt 0 ]; then
    mkdir -p "$tmp/m"
    MPY_MUTANTS=200 MPY_MUTANT_DIR="$tmp/m" "$mutants" > /dev/null 2>&1
    crashes=0; malformed=0; count=0
    for m in "$tmp"/m/*.mpy; do
        count=$((count + 1))
        "$TOOL" check "$m" > /dev/null 2> "$tmp/err"; rc=$?
        if [ $rc -eq 1 ]; then
            if [ "$(wc -l < "$tmp/err")" -ne 1 ] || ! grep -qE "^$m: offset [0-9]+: .+" "$tmp/err"; then
                malformed=$((malformed + 1)); echo "bad message for $m: $(cat "$tmp/err")"
            fi
        elif [ $rc -ne 0 ]; then
            crashes=$((crashes + 1)); echo "check exit $rc on $m"
        fi
        "$TOOL" dis "$m" > /dev/null 2>&1; rc=$?
        if [ $rc -gt 1 ]; then
            crashes=$((crashes + 1)); echo "dis exit $rc on $m"
        fi
    done
    if [ $crashes -eq 0 ] && [ $malformed -eq 0 ] && [ $count -gt 0 ]; then
        ok "check and dis on $count mutants: no crash, every rejection one line"
    else
        bad "mutants: $crashes crashes, $malformed malformed messages"
    fi
else
    echo "skipping the mutant files: $mutants not built"
fi

# merge: three modules, valid, and on the official VM their outputs in order.
B=$CORPUS/bytecode
mods="$B/lex_no_trailing_newline $B/async_basic_send $B/stmt_long_jump_module"
if [ -e "$B/async_basic_send.mpy" ]; then
    if "$TOOL" merge $(for m in $mods; do echo "$m.mpy"; done) -o "$tmp/merged.mpy" && "$TOOL" check "$tmp/merged.mpy"; then
        ok "merge of three modules is a valid file"
    else
        bad "merge of three modules"
    fi
    # The official VM lives in build/node (.ci/deps installs it there).
    refvm=$(pwd)/build/node
    if [ -d "$refvm/node_modules/@micropython/micropython-webassembly-pyscript" ] && command -v node > /dev/null; then
        for m in $mods; do cat "$m.py.exp"; done > "$tmp/expected"
        if MPY_REF_NODE_PREFIX="$refvm" node ../shared/tools/mpy-ref-run.mjs "$tmp/merged.mpy" > "$tmp/got" 2>&1 \
            && cmp -s "$tmp/got" "$tmp/expected"; then
            ok "merged file runs the three programs in order on the official VM"
        else
            bad "merged file on the official VM: $(diff "$tmp/got" "$tmp/expected" | head -5)"
        fi
    else
        bad "official VM not installed in build/node (run .ci/deps) for the merged-file run"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
