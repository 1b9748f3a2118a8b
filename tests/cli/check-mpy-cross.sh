#!/bin/bash
# End-to-end checks of $BUILD/mpy-cross: options, error output, no output
# file on failure, the --out-dir mode, reproducibility, and the corpus
# goldens (bytecode/, generated/ and errors/) compared byte for byte, in
# single-file mode and in one --out-dir run. Ends with "N passed, N failed".
# CORPUS overrides where the corpus is (default ../shared/corpus).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mpy-cross
CORPUS=${CORPUS:-$(cd ../shared/corpus 2>/dev/null && pwd)}
JOBS=${JOBS:-2}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # description, then a command that must succeed
    local what=$1
    shift
    if "$@"; then ok; else bad "$what"; fi
}

if [ ! -x "$M" ]; then
    echo "no $M"
    echo "0 passed, 1 failed"
    exit 1
fi

cd "$T"
printf 'def f(x):\n    return x * 2\nprint(f(3))\n' > good.py
printf 'x = 1\ny = = 2\n' > syntax.py
printf 'def f():\n    return 1\nbreak\n' > compile_err.py

# --- options -------------------------------------------------------------
check "--version" bash -c '[ "$("$0" --version)" = "MicroPython v1.28.0 on 2026-04-06; mpy-cross emitting mpy v6.3" ]' "$M"
check "no input file" bash -c '"$0" 2>err; [ $? = 1 ] && [ "$(cat err)" = "no input file" ]' "$M"
check "multiple input files" bash -c '"$0" good.py good.py 2>err; [ $? = 1 ] && [ "$(cat err)" = "multiple input files" ]' "$M"
check "unknown option: usage on stdout, one line on stderr" bash -c \
    '"$0" -q good.py >out 2>err; [ $? = 1 ] && grep -q "^usage:" out && [ $(wc -l < err) = 1 ]' "$M"
check "unknown architecture" bash -c '"$0" -march=z80 good.py >out 2>err; [ $? = 1 ] && grep -q "z80" err' "$M"
check "bad -X option" bash -c '"$0" -X emit=fast good.py >/dev/null 2>&1; [ $? = 1 ]' "$M"
check "missing option argument" bash -c '"$0" good.py -o >/dev/null 2>&1; [ $? = 1 ]' "$M"
check "-X heapsize accepted" "$M" -X heapsize=16k -o hs.mpy good.py
check "default output name replaces the last two characters" bash -c \
    'rm -f good.mpy; "$0" good.py && [ -s good.mpy ]' "$M"
check "options after the input" bash -c '"$0" good.py -o after.mpy && cmp -s after.mpy good.mpy' "$M"
check "-o - writes to standard output" bash -c '"$0" -o - good.py > so.mpy && cmp -s so.mpy good.mpy' "$M"
check "- reads standard input as <stdin>" bash -c \
    '"$0" - < good.py > in.mpy && "$0" -s "<stdin>" -o named.mpy good.py && cmp -s in.mpy named.mpy' "$M"
check "-s backslashes become slashes" bash -c \
    '"$0" -s "a\\b.py" -o s1.mpy good.py && "$0" -s a/b.py -o s2.mpy good.py && cmp -s s1.mpy s2.mpy' "$M"
check "-s sets the stored name" bash -c '"$0" -s other.py -o s3.mpy good.py && grep -q other.py s3.mpy' "$M"
check "-O3 equals -OOO" bash -c '"$0" -O3 -o o3.mpy good.py && "$0" -OOO -o ooo.mpy good.py && cmp -s o3.mpy ooo.mpy' "$M"
check "-O2 equals -OO" bash -c '"$0" -O2 -o o2.mpy good.py && "$0" -OO -o oo.mpy good.py && cmp -s o2.mpy oo.mpy' "$M"
check "-O3 drops the line table" bash -c '[ $(stat -c %s o3.mpy) -lt $(stat -c %s good.mpy) ]'
check "-msmall-int-bits in header byte 3" bash -c \
    '"$0" -msmall-int-bits=63 -o - good.py | head -c 4 | od -An -tx1 | grep -q "4d 06 00 3f"' "$M"
check "-march without native code leaves the header alone" bash -c \
    '"$0" -march=x64 -o - good.py | cmp -s - good.mpy' "$M"
check "-march-flags always appear in the header" bash -c \
    '"$0" -march=rv32imc -march-flags=zba -o - good.py | head -c 5 | od -An -tx1 | grep -q "4d 06 40 1f 01"' "$M"
printf '@micropython.asm_thumb\ndef f(r0):\n    add(r0, r0, 1)\n' > asm.py
check "an inline assembler the arch lacks: invalid arch at the decorator" bash -c \
    '"$0" -march=x64 asm.py 2>err; [ $? = 1 ] && [ ! -e asm.mpy ] &&
     [ "$(cat err)" = "$(printf "Traceback (most recent call last):\n  File \"asm.py\", line 1, in <module>\nSyntaxError: invalid arch")" ]' "$M"
check "-- ends the options" bash -c 'cp good.py ./-x.py && "$0" -o dd.mpy -- -x.py && cmp -s dd.mpy <("$0" -s -x.py -o - good.py)' "$M"

# --- bad input -----------------------------------------------------------
check "syntax error: traceback, exit 1, no output" bash -c \
    '"$0" syntax.py 2>err; [ $? = 1 ] && [ ! -e syntax.mpy ] &&
     [ "$(cat err)" = "$(printf "Traceback (most recent call last):\n  File \"syntax.py\", line 2\nSyntaxError: invalid syntax")" ]' "$M"
check "compile error names the scope" bash -c \
    '"$0" compile_err.py 2>err; [ $? = 1 ] && [ ! -e compile_err.mpy ] && grep -q "line 3, in <module>" err' "$M"
check "failed compile keeps an existing output intact" bash -c \
    'echo keep > keep.mpy; "$0" -o keep.mpy syntax.py 2>/dev/null; [ "$(cat keep.mpy)" = keep ]' "$M"
check "no temporary file left behind" bash -c '! ls | grep -q tmp' "$M"
check "unreadable input: one line, exit 1" bash -c \
    '"$0" missing.py 2>err; [ $? = 1 ] && [ $(wc -l < err) = 1 ] && grep -q missing.py err' "$M"
check "unwritable output: one line, exit 1, no file" bash -c \
    '"$0" -o nodir/x.mpy good.py 2>err; [ $? = 1 ] && [ $(wc -l < err) = 1 ] && [ ! -e nodir ]' "$M"
check "-o /dev/null writes into the device, not over it" bash -c \
    '"$0" -o /dev/null good.py && [ -c /dev/null ]' "$M"
check "-o through a symbolic link writes the link's target" bash -c \
    'echo old > target.mpy && ln -sf target.mpy link.mpy && "$0" -o link.mpy good.py &&
     [ -L link.mpy ] && cmp -s target.mpy good.mpy' "$M"
check "a directory as input fails cleanly" bash -c 'mkdir -p adir; "$0" adir 2>/dev/null; [ $? = 1 ]' "$M"
python3 - <<'EOF' 2>/dev/null || { printf 'x = %s1%s\n' "$(printf '(%.0s' $(seq 20000))" "$(printf ')%.0s' $(seq 20000))" > deep.py; }
open('deep.py', 'w').write('x = ' + '(' * 200000 + '1' + ')' * 200000 + '\n')
EOF
check "very deep nesting gives a result or an error, never a crash" bash -c \
    '"$0" deep.py 2>/dev/null; rc=$?; [ $rc = 0 ] || [ $rc = 1 ]' "$M"

# --- many inputs in one run ------------------------------------------------
mkdir -p tree/pkg/sub tree/.hidden
printf 'A = 1\n' > tree/pkg/__init__.py
printf 'def g():\n    return 2\n' > tree/pkg/sub/m.py
printf 'B = 2\n' > tree/.hidden/h.py
printf 'not python\n' > tree/pkg/readme.txt
check "--out-dir compiles files and trees keeping the layout" bash -c \
    '"$0" --out-dir tout -j 2 good.py tree/pkg &&
     [ -f tout/good.mpy ] && [ -f tout/pkg/__init__.mpy ] && [ -f tout/pkg/sub/m.mpy ] &&
     [ ! -e tout/pkg/readme.mpy ] && [ $(find tout -type f | wc -l) = 3 ]' "$M"
check "--out-dir output equals single-file output with the relative name" bash -c \
    'cmp -s tout/good.mpy good.mpy &&
     "$0" -s pkg/sub/m.py -o m1.mpy tree/pkg/sub/m.py && cmp -s tout/pkg/sub/m.mpy m1.mpy' "$M"
check "--out-dir with . mirrors the tree" bash -c \
    '(cd tree && "$0" --out-dir ../out2 .) && [ -f out2/pkg/sub/m.mpy ] && [ ! -e out2/.hidden ]' "$M"
check "--out-dir: one failure fails the run but not the others" bash -c \
    '"$0" --out-dir out3 -j 2 good.py syntax.py 2>err; [ $? = 1 ] && [ -f out3/good.mpy ] &&
     [ ! -e out3/syntax.mpy ] && grep -q "File \"syntax.py\", line 2" err' "$M"
check "--out-dir: two inputs for one output are refused" bash -c \
    'mkdir -p d2 && cp good.py d2/ && "$0" --out-dir out4 good.py d2/good.py 2>/dev/null; [ $? = 1 ]' "$M"
check "-j without --out-dir is refused" bash -c '"$0" -j 2 good.py >/dev/null 2>&1; [ $? = 1 ]' "$M"

# --- reproducible ----------------------------------------------------------
check "same bytes whatever the directory, locale and environment" bash -c \
    'mkdir -p elsewhere && cp good.py elsewhere/ &&
     (cd elsewhere && env -i LC_ALL=de_DE.UTF-8 TZ=Asia/Tokyo "$0" good.py) &&
     cmp -s elsewhere/good.mpy good.mpy' "$M"

# --- the corpus goldens ----------------------------------------------------
if [ -z "$CORPUS" ] || [ ! -d "$CORPUS/bytecode" ]; then
    bad "corpus not found (set CORPUS)"
else
    # Single-file mode, run inside each folder as the goldens were made;
    # results are appended (atomically, one short line each) to one file.
    for dir in bytecode generated; do
        ls "$CORPUS/$dir" | grep '\.py$' | sed 's/\.py$//' > "names.$dir"
        mkdir -p "single.$dir"
        : > "single.$dir.passed"
        : > "single.$dir.failed"
        (cd "$CORPUS/$dir" && xargs -P "$JOBS" -I{} sh -c \
            '[ -f "{}.mpy" ] || exit 0
             "$0" -o "$1/{}.mpy" "{}.py" 2>/dev/null
             if cmp -s "$1/{}.mpy" "{}.mpy"; then echo "{}" >> "$1.passed"; else echo "{}" >> "$1.failed"; fi' \
            "$M" "$T/single.$dir" < "$T/names.$dir")
        pass=$((pass + $(wc -l < "single.$dir.passed")))
        fail=$((fail + $(wc -l < "single.$dir.failed")))
        sort "single.$dir.failed" | sed "s|^|FAIL: corpus $dir/|;s|\$|.py (single-file)|"
    done

    # One --out-dir run per folder must write the same bytes.
    for dir in bytecode generated; do
        (cd "$CORPUS/$dir" && ls | grep '\.py$' | xargs "$M" --out-dir "$T/outdir.$dir" -j "$JOBS" \
            2>/dev/null)
        p=0; f=0
        while read -r n; do
            [ -f "$CORPUS/$dir/$n.mpy" ] || continue
            if cmp -s "outdir.$dir/$n.mpy" "$CORPUS/$dir/$n.mpy"; then p=$((p + 1)); else
                f=$((f + 1)); echo "FAIL: corpus $dir/$n.py (--out-dir)"; fi
        done < "names.$dir"
        pass=$((pass + p)); fail=$((fail + f))
    done

    # Errors: exit status and stderr exactly, and no output file. The
    # official tool runs out of its fixed 2 MB heap on the err_large_*
    # inputs; compiling big inputs is what this compiler does beyond it, so
    # for those we check a successful compile instead (or, in a sanitizer
    # build whose frames are larger, a clean error and no output).
    for py in "$CORPUS"/errors/*.py; do
        n=$(basename "$py" .py)
        [ -f "$CORPUS/errors/$n.err" ] || continue
        rm -f err.mpy
        (cd "$CORPUS/errors" && "$M" -o "$T/err.mpy" "$n.py" > /dev/null 2> "$T/stderr"); rc=$?
        case "$n" in
            err_large_*)
                if { [ $rc = 0 ] && [ -s err.mpy ]; } || { [ $rc = 1 ] && [ ! -e err.mpy ] &&
                    [ $(wc -l < stderr) -le 3 ]; }; then ok; else
                    bad "errors/$n.py (big input must compile)"; fi
                continue ;;
        esac
        { echo "exit $rc"; cat stderr; } > got.err
        if cmp -s got.err "$CORPUS/errors/$n.err" && [ ! -e err.mpy ]; then ok; else
            bad "errors/$n.py"; diff got.err "$CORPUS/errors/$n.err" | head -5; fi
    done
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
