#!/bin/sh
# tests/emitters/check-native.sh: end-to-end check of the native emitter.
# Compiles every native golden of the corpus for the architectures the
# emitter supports (x86, x64, armv6m, armv7m, armv7emsp, armv7emdp, xtensa,
# xtensawin, rv32imc) with mpy-cross and compares the bytes with the
# official tool's output.
#   usage: tests/emitters/check-native.sh [MPY_CROSS] [-v] [ARCH...]
# MPY_CROSS defaults to $BUILD/mpy-cross (BUILD defaults to build).
# -v lists the failing goldens. Prints "N passed, N failed"; exits 1 on
# any failure.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
cross=${1:-$here/${BUILD:-build}/mpy-cross}
[ $# -gt 0 ] && shift
verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi
archs=${*:-"x86 x64 armv6m armv7m armv7emsp armv7emdp xtensa xtensawin rv32imc"}
corpus=${CORPUS:-$here/../shared/corpus}
[ -x "$cross" ] || { echo "check-native: no $cross" >&2; exit 1; }
cross=$(cd "$(dirname "$cross")" && pwd)/$(basename "$cross")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# One line per case: folder, source, golden, arguments.
for a in $archs; do
    for g in "$corpus"/native/*."$a".mpy; do
        [ -e "$g" ] || continue
        b=$(basename "$g" ".$a.mpy")
        echo "$corpus/native $b.py $(basename "$g") -march=$a"
    done
    for d in bytecode generated; do
        for g in "$corpus/$d"/*.native-"$a".mpy; do
            [ -e "$g" ] || continue
            b=$(basename "$g" ".native-$a.mpy")
            echo "$corpus/$d $b.py $(basename "$g") -march=$a -X emit=native"
        done
    done
done > "$tmp/cases"

# Each case prints PASS or FAIL and its golden; run them in parallel.
jobs=$(nproc 2>/dev/null || echo 4)
while read -r dir src golden args; do
    echo "$dir $src $golden $args"
done < "$tmp/cases" | xargs -P "$jobs" -L 1 sh -c '
    dir=$1 src=$2 golden=$3; shift 3
    out="$0/$(echo "$dir/$golden" | tr "/" "_")"
    if (cd "$dir" && "'"$cross"'" "$@" -o "$out" "$src" >/dev/null 2>&1) && cmp -s "$out" "$dir/$golden"; then
        echo "PASS $dir/$golden"
    else
        echo "FAIL $dir/$golden"
    fi
    rm -f "$out"' "$tmp" > "$tmp/results"

passed=$(grep -c '^PASS' "$tmp/results")
failed=$(grep -c '^FAIL' "$tmp/results")
if [ "$verbose" = 1 ]; then
    grep '^FAIL' "$tmp/results" | sed "s|$corpus/||" | sort
fi
for a in $archs; do
    p=$(grep '^PASS' "$tmp/results" | grep -c "[.-]$a\.mpy$")
    f=$(grep '^FAIL' "$tmp/results" | grep -c "[.-]$a\.mpy$")
    echo "  $a: $p passed, $f failed"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
