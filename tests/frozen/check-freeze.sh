#!/bin/bash
# End-to-end test of mpy-freeze: freezes every NAME.py of
# ../shared/corpus/bytecode that has a NAME.py.exp into one C file, links it
# with the VM (and the host compiler, for eval/exec) into one program, runs
# each module as the frozen main and compares stdout and stderr with
# NAME.py.exp. Then: make frozen-demo's program, and the error cases (a
# syntax error, a missing file, a name clash: one line, exit 1, no output
# file). Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FREEZE=$(pwd)/$BUILD/mpy-freeze
CORPUS=${CORPUS:-$(cd ../shared/corpus 2>/dev/null && pwd)}
CC=${CC:-cc}
if [ ! -x "$FREEZE" ] || [ -z "$CORPUS" ]; then
    echo "mpy-freeze or corpus missing"
    echo "0 passed, 1 failed"
    exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# --- the corpus as one image
inputs=()
for exp in "$CORPUS"/bytecode/*.py.exp; do
    py=${exp%.exp}
    [ -f "$py" ] && inputs+=("$py")
done
if "$FREEZE" --no-progress -o "$T/corpus.c" "${inputs[@]}" > "$T/freeze.log" 2>&1 &&
    $CC -std=c11 -D_GNU_SOURCE -O1 ${SAN_FLAGS:-} -I. -o "$T/corpus" "$T/corpus.c" cli/frozen_main.c \
        -Wl,-u,port_host_compile "$BUILD/libmpyvm.a" "$BUILD/libmpycomp.a" "$BUILD/libmpyutil.a" \
        -lffi -lz -lm -lpthread > "$T/cc.log" 2>&1; then
    for py in "${inputs[@]}"; do
        n=$(basename "$py" .py)
        w=$T/w; rm -rf "$w"; mkdir "$w"
        (cd "$w" && timeout 30 "$T/corpus" "$n" > out.txt 2>&1)
        if cmp -s "$w/out.txt" "$py.exp"; then ok; else bad "corpus/bytecode/$n"; fi
    done
else
    cat "$T/freeze.log" "$T/cc.log" | head -n 20
    bad "freezing and linking the corpus"
fi

# --- make frozen-demo's program
if make -s BUILD="$BUILD" SAN_FLAGS="${SAN_FLAGS:-}" "$BUILD/frozen-demo" > "$T/demo.log" 2>&1 &&
    "$BUILD/frozen-demo" > "$T/demo.out" 2>&1 && grep -q "^frozen demo: shapes" "$T/demo.out"; then
    ok
else
    cat "$T/demo.log" "$T/demo.out" | head -n 20; bad "frozen-demo"
fi

# --- packages: a folder without __init__.py imports as an empty package;
# a package's __init__ runs once; frozen modules are not found without
# ".frozen" on sys.path
mkdir -p "$T/ns/a/b" "$T/ns/p"
printf 'X = 42\n' > "$T/ns/a/b/c.py"
printf 'print("p init")\n' > "$T/ns/p/__init__.py"
printf 'import a.b.c\nimport p\nimport p\nprint(a.b.c.X, p.__path__)\nimport sys\nsys.path.clear()\ndel sys.modules["p"]\ntry:\n    import p\nexcept ImportError:\n    print("gone")\n' > "$T/ns/main.py"
if "$FREEZE" --no-progress -o "$T/ns.c" "$T/ns" &&
    $CC -std=c11 -D_GNU_SOURCE -O1 ${SAN_FLAGS:-} -I. -o "$T/nsprog" "$T/ns.c" cli/frozen_main.c \
        "$BUILD/libmpyvm.a" "$BUILD/libmpyutil.a" -lffi -lz -lm -lpthread &&
    [ "$("$T/nsprog")" = "$(printf 'p init\n42 .frozen/p\ngone')" ]; then
    ok
else
    bad "packages and namespace packages"
fi

# --- errors: one line naming the file, exit status 1, no output written
expect_error() { # what pattern input...
    local what=$1 pattern=$2; shift 2
    rm -f "$T/err.c"
    "$FREEZE" --no-progress -o "$T/err.c" "$@" > "$T/err.out" 2> "$T/err.txt"
    local rc=$?
    if [ "$rc" -eq 1 ] && [ ! -e "$T/err.c" ] && [ "$(wc -l < "$T/err.txt")" -eq 1 ] &&
        grep -q -- "$pattern" "$T/err.txt"; then
        ok
    else
        bad "$what (exit $rc): $(cat "$T/err.txt")"
    fi
}
mkdir -p "$T/e/a" "$T/e/b"
printf 'x = 1\ndef f(:\n    pass\n' > "$T/e/bad.py"
printf 'x = 1\n' > "$T/e/a/m.py"
printf 'x = 2\n' > "$T/e/b/m.py"
expect_error "syntax error" "bad.py:2: SyntaxError: invalid syntax" "$T/e/a/m.py" "$T/e/bad.py"
expect_error "missing file" "nothere.py: No such file or directory" "$T/e/a/m.py" "$T/e/nothere.py"
expect_error "name clash" "name clash: module 'm'" "$T/e/a/m.py" "$T/e/b/m.py"
expect_error "module too large" "module too large" --max-module-size=10 "$T/e/a/m.py"

# --- output rewritten only when it changes
"$FREEZE" --no-progress -o "$T/same.c" "$T/e/a/m.py" && touch -d '2000-01-01' "$T/same.c" &&
    "$FREEZE" --no-progress -o "$T/same.c" "$T/e/a/m.py" &&
    if [ "$(stat -c %Y "$T/same.c")" = "$(date -d 2000-01-01 +%s)" ]; then ok; else bad "unchanged output rewritten"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
