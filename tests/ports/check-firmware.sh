#!/bin/bash
# End-to-end test of the VM-only firmware (ports.mk). Freezes every program
# of ../shared/corpus/bytecode into one image per target, runs the image
# under qemu and compares each module's output with its NAME.py.exp; then
# runs the hello world on each target and checks that the footprint image
# (minimal level, cortex-m3) fits 64 KB of flash and 8 KB of RAM and prints
# the same. A module that crashes or hangs the board is a failure; the run
# goes on from the next module (tests/ports/firmware-qemu.sh). Expected
# differences per target are listed in tests/ports/firmware-skip.txt. Needs
# the toolchains and qemu of .ci/deps and fails loudly without them.
# Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FW=$BUILD/firmware
CORPUS=${CORPUS:-$(cd ../shared/corpus 2>/dev/null && pwd)}
SKIP=tests/ports/firmware-skip.txt
TARGETS="cortex-m3 cortex-m0plus rv32imc xtensa-lx106"
start=$(date +%s)
. tests/ports/firmware-qemu.sh

fw_require_tools_and_corpus

# The corpus image: every program of bytecode/ with an expected output,
# frozen by the host's mpy-freeze (modules sorted by name, as the frozen
# table is: a module's index is its place in names).
mkdir -p "$FW/src"
if ! make -s BUILD="$BUILD" "$BUILD/mpy-freeze" "$BUILD/mpy-cross" "$BUILD/mpy-vm" > "$FW/build-host.log" 2>&1; then
    tail -n 30 "$FW/build-host.log"
    echo "0 passed, 1 failed"
    exit 1
fi
names=()
for f in $(cd "$CORPUS/bytecode" && ls *.py | sed 's/\.py$//' | LC_ALL=C sort); do
    [ -f "$CORPUS/bytecode/$f.py.exp" ] && names+=("$f")
done
src=$(cd "$FW/src" && pwd)
freeze=$(cd "$BUILD" && pwd)/mpy-freeze
if ! (cd "$CORPUS/bytecode" && "$freeze" --no-progress -o "$src/corpus.c.tmp" "${names[@]/%/.py}") \
        > "$FW/freeze.log" 2>&1; then
    tail -n 30 "$FW/freeze.log"
    echo "0 passed, 1 failed"
    exit 1
fi
# Unchanged modules keep the old file, so make does not rebuild the images.
cmp -s "$FW/src/corpus.c.tmp" "$FW/src/corpus.c" && rm "$FW/src/corpus.c.tmp" \
    || mv "$FW/src/corpus.c.tmp" "$FW/src/corpus.c"
elfs=()
for t in $TARGETS; do
    elfs+=("$FW/$t/full/corpus.elf")
done
if ! make -s -j"${JOBS:-$(nproc)}" BUILD="$BUILD" "${elfs[@]}" > "$FW/build.log" 2>&1; then
    tail -n 30 "$FW/build.log"
    echo "0 passed, 1 failed"
    exit 1
fi
built=$(date +%s)

for t in $TARGETS; do
    fw_run_image "$t" "$FW/$t/full/corpus.elf" "$FW/$t/results" "${names[@]}" &
done
wait
ran=$(date +%s)

pass=0; fail=0
for t in $TARGETS; do
    tp=0; tf=0; ts=0
    for n in "${names[@]}"; do
        out=$FW/$t/results/$n.out
        ok=0
        [ -f "$out" ] && [ "$(cat "$FW/$t/results/$n.status" 2>/dev/null)" != crash ] \
            && cmp -s "$out" "$CORPUS/bytecode/$n.py.exp" && ok=1
        if grep -qxE "($t|all) bytecode/$n" "$SKIP" 2>/dev/null; then
            ts=$((ts + 1))
            [ $ok = 1 ] && echo "now passing (remove from $SKIP): $t bytecode/$n"
        elif [ $ok = 1 ]; then
            tp=$((tp + 1))
        else
            tf=$((tf + 1)); echo "FAIL $t bytecode/$n"
        fi
    done
    echo "$t: $tp passed, $tf failed, $ts skipped (of ${#names[@]})"
    pass=$((pass + tp)); fail=$((fail + tf))
done

# The hello world, frozen into the full-level image of every target, prints
# what the host VM prints.
make -s BUILD="$BUILD" firmware FW_VARIANT=full > "$FW/build-hello.log" 2>&1 || tail -n 20 "$FW/build-hello.log"
"$BUILD/mpy-cross" -o "$FW/hello.mpy" examples/hello.py
"$BUILD/mpy-vm" "$FW/hello.mpy" > "$FW/hello.exp" 2>&1
for t in $TARGETS; do
    elf=$FW/$t/full/hello.elf
    if timeout 30 $(fw_qemu_cmd "$t" "$elf") < /dev/null > "$FW/$t/hello.out" 2>&1 \
            && cmp -s "$FW/$t/hello.out" "$FW/hello.exp"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL $t full/hello"
    fi
done
# The footprint image: the minimal level with the frozen hello world must
# link into 64 KB of flash and 8 KB of RAM (small.ld's regions; the link
# fails otherwise, and text + data + bss + stack + heap are checked again
# here) and print what the host VM prints.
min_elf=$FW/cortex-m3/min/hello.elf
if ! make -s BUILD="$BUILD" "$min_elf" > "$FW/build-min.log" 2>&1; then
    fail=$((fail + 1)); echo "FAIL cortex-m3 min/hello does not build or fit:"
    grep -E "overflowed|undefined reference|error" "$FW/build-min.log" | sed 's/^.*ld: /    /' | sort -u
else
    read -r text data bss _ < <(arm-none-eabi-size "$min_elf" | awk 'NR == 2')
    ram_end=$((0x$(arm-none-eabi-nm "$min_elf" | awk '$3 == "board_stack_top" { print $1 }')))
    ram=$((ram_end - 0x20000000))
    echo "footprint: cortex-m3 min/hello flash $((text + data)) of 65536, RAM $ram of 8192" \
        "(data $data, bss $bss, stack and heap the rest)"
    if [ $((text + data)) -gt 65536 ] || [ "$ram" -gt 8192 ]; then
        fail=$((fail + 1)); echo "FAIL cortex-m3 min/hello exceeds 64 KB flash / 8 KB RAM"
    elif timeout 30 $(fw_qemu_cmd cortex-m3 "$min_elf") < /dev/null > "$FW/cortex-m3/min-hello.out" 2>&1 \
            && cmp -s "$FW/cortex-m3/min-hello.out" "$FW/hello.exp"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL cortex-m3 min/hello output"
    fi
fi
end=$(date +%s)
echo "timing: build $((built - start)) s, corpus runs $((ran - built)) s, total $((end - start)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
