#!/bin/bash
# Runs Thumb-2 machine code on the VM built for ARM Linux (make arm-vm,
# build-arm/mpy-vm) under qemu-arm: the armv7m native goldens of
# ../shared/corpus (native/NAME.armv7m.mpy and the whole-module
# NAME.native-armv7m.mpy of bytecode/ and generated/) and every Thumb golden
# of asm_thumb/ (armv6m, armv7m, armv7emsp, armv7emdp), each alone in an
# empty folder, stdout and stderr together compared with NAME.py.exp.
# Builds build-arm/mpy-vm first. Fails loudly when the cross compiler or
# qemu-arm is missing (.ci/deps installs both). Programs in
# native-skip.txt cannot print their .py.exp as native code (native-skip.md).
# Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
ARM_BUILD=${ARM_BUILD:-build-arm}
CORPUS=${CORPUS:-$(cd ../shared/corpus 2>/dev/null && pwd)}
SKIP=tests/runtime/native-skip.txt
SKIP_ARM=tests/runtime/native-skip-arm.txt
for tool in arm-linux-gnueabihf-gcc qemu-arm; do
    if ! command -v "$tool" > /dev/null; then
        echo "MISSING: $tool (install gcc-arm-linux-gnueabihf and qemu-user: .ci/deps)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done
if [ -z "$CORPUS" ]; then
    echo "corpus missing"
    echo "0 passed, 1 failed"
    exit 1
fi
if ! make -s arm-vm ARM_BUILD="$ARM_BUILD" > "$ARM_BUILD.log" 2>&1; then
    tail -n 30 "$ARM_BUILD.log"
    echo "make arm-vm failed"
    echo "0 passed, 1 failed"
    exit 1
fi
VM=$(pwd)/$ARM_BUILD/mpy-vm
QEMU_LD_PREFIX=${QEMU_LD_PREFIX:-/usr/arm-linux-gnueabihf}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run_one() { # golden.mpy -> PASS/FAIL line
    g=$1
    d=$(dirname "$g"); b=$(basename "$g" .mpy)
    n=${b%.*}; n=${n%.native-armv7m}
    [ -f "$d/$n.py.exp" ] || exit 0
    w=$(mktemp -d "$T/w.XXXXXX")
    cp "$g" "$w/$n.mpy"
    if (cd "$w" && timeout 60 qemu-arm -L "$QEMU_LD_PREFIX" "$VM" "$n.mpy" > out.txt 2>&1) \
        && cmp -s "$w/out.txt" "$d/$n.py.exp"; then
        echo "PASS $(basename "$d")/$b"
    else
        echo "FAIL $(basename "$d")/$b"
    fi
    rm -rf "$w"
}
export -f run_one
export VM T QEMU_LD_PREFIX
ls "$CORPUS"/native/*.armv7m.mpy "$CORPUS"/bytecode/*.native-armv7m.mpy \
    "$CORPUS"/generated/*.native-armv7m.mpy "$CORPUS"/asm_thumb/*.mpy \
    | xargs -P 4 -I{} bash -c 'run_one "$@"' _ {} > "$T/results" 2> /dev/null
pass=0; fail=0; skipped=0
while read -r status name; do
    key=${name%.*}; key=${key%.native-armv7m}
    if grep -qx "$key" "$SKIP" "$SKIP_ARM" 2>/dev/null; then
        skipped=$((skipped + 1))
        [ "$status" = PASS ] && echo "now passing (remove from native-skip.txt): $name"
    elif [ "$status" = PASS ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL $name"
    fi
done < <(sort "$T/results")
for kind in native asm_thumb; do
    echo "$kind: $(grep -c "^PASS $kind/" "$T/results") passed"
done
echo "skipped $skipped (listed in $SKIP and $SKIP_ARM)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
