#!/bin/bash
# Programs the official mpy-cross aborts on (bare `raise`, `raise ... from`)
# compiled as x64 native code must print on $BUILD/mpy-vm exactly what
# their bytecode prints there. Also compiles them for the other native
# architectures (checking only that compilation succeeds). stdout must be
# identical; so must stderr, except for the bytecode VM's "exception
# chaining not supported" warning, which native code (like the official
# VM's mp_native_raise) does not print. Last line:
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
CROSS=$(pwd)/$BUILD/mpy-cross
VM=$(pwd)/$BUILD/mpy-vm
CRASHES=${CRASHES:-$(cd ../shared/corpus/official_crashes 2>/dev/null && pwd)}
PROGS="native_exc_in_handler native_exc_raise_forms native_exc_raise_from native_exc_reraise
    native_gen_close native_prog_bank_accounts"
if [ ! -x "$CROSS" ] || [ ! -x "$VM" ] || [ -z "$CRASHES" ]; then
    echo "mpy-cross, mpy-vm or corpus missing"
    echo "0 passed, 1 failed"
    exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
check() { # name result
    if [ "$2" = ok ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi
}
for n in $PROGS; do
    src=$CRASHES/$n.py
    mkdir -p "$T/bc" "$T/nat"
    cp "$src" "$T/bc/$n.py"; cp "$src" "$T/nat/$n.py"
    r=ok
    "$CROSS" -march=x64 "$T/bc/$n.py" || r=bad
    "$CROSS" -march=x64 -X emit=native "$T/nat/$n.py" || r=bad
    check "$n compiles (x64)" $r
    for k in bc nat; do
        (cd "$T/$k" && timeout 30 "$VM" "$n.mpy" > out.txt 2> err.txt)
        grep -v '^Warning: exception chaining not supported$' "$T/$k/err.txt" > "$T/$k/err2.txt"
    done
    r=ok
    [ -s "$T/bc/out.txt" ] || r=bad
    cmp -s "$T/bc/out.txt" "$T/nat/out.txt" || r=bad
    cmp -s "$T/bc/err2.txt" "$T/nat/err2.txt" || r=bad
    [ "$r" = bad ] && diff "$T/bc/out.txt" "$T/nat/out.txt" | head -10
    check "$n native output = bytecode output" $r
    for arch in x86 armv6m armv7m armv7emsp armv7emdp xtensa xtensawin; do
        r=ok
        "$CROSS" -march=$arch -X emit=native -o "$T/nat/$n.$arch.mpy" "$T/nat/$n.py" || r=bad
        check "$n compiles ($arch)" $r
    done
    rm -rf "$T/bc" "$T/nat"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
