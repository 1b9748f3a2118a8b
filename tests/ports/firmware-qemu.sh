# tests/ports/firmware-qemu.sh: running firmware images under qemu, shared by
# check-firmware.sh and check-firmware-native.sh (sourced, not run). An
# image of several programs (runtime/ports/bare/main_bare.c) brackets each
# one's output with "\036begin NAME" and "\036end NAME STATUS" lines and
# ends with "\036done". fw_run_image runs one image to the end, starting
# the board again after the program that crashed or hung it. A program
# that runs for PROGRAM_TIMEOUT seconds (an endless loop, printing or not)
# is stopped there, as is a board that runs for RUN_TIMEOUT seconds.
PROGRAM_TIMEOUT=${PROGRAM_TIMEOUT:-60}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}

# Fails the run loudly (exit 1, "0 passed, 1 failed") when a toolchain or
# qemu of .ci/deps is missing, or the corpus ($CORPUS) is not there.
fw_require_tools_and_corpus() {
    local missing=() tool
    for tool in arm-none-eabi-gcc riscv64-unknown-elf-gcc xtensa-lx106-elf-gcc \
            qemu-system-arm qemu-system-riscv32 qemu-system-xtensa; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if [ ${#missing[@]} -gt 0 ] || [ -z "$CORPUS" ]; then
        echo "missing: ${missing[*]} ${CORPUS:-corpus} (install with .ci/deps)"
        echo "0 passed, 1 failed"
        exit 1
    fi
}

# qemu command line of target $1 running image $2. The Xtensa sim machine
# resets the PC to the core's reset vector after -kernel has set it, so its
# image goes in through the generic loader, which sets the PC to the ELF
# entry after reset.
fw_qemu_cmd() {
    local common="-display none -monitor none -serial stdio"
    case $1 in
        cortex-m3) echo "qemu-system-arm -M mps2-an385 $common -semihosting-config enable=on,target=native -kernel $2" ;;
        cortex-m0plus) echo "qemu-system-arm -M microbit $common -semihosting-config enable=on,target=native" \
            "-global nrf51-soc.flash-size=0x400000 -global nrf51-soc.sram-size=0x400000 -kernel $2" ;;
        rv32imc) echo "qemu-system-riscv32 -M virt -bios none $common -kernel $2" ;;
        xtensa-lx106) echo "qemu-system-xtensa -M sim -cpu lx106 -semihosting $common -device loader,file=$2,cpu-num=0" ;;
    esac
}

fw_nm() {
    case $1 in
        cortex-*) echo arm-none-eabi-nm ;;
        rv32imc) echo riscv64-unknown-elf-nm ;;
        xtensa-lx106) echo xtensa-lx106-elf-nm ;;
    esac
}

# Runs image $2 of target $1 from program $3 on; output in $4. The first
# program's index goes into the image's fw_first_module through qemu's
# generic loader. Counts the marker bytes four times a second: while a
# program runs, their number stays the same.
fw_run_from() {
    local addr pid markers last=-1 same=0 ticks=0
    addr=$($(fw_nm "$1") "$2" | awk '$3 == "fw_first_module" { print "0x" $1 }')
    $(fw_qemu_cmd "$1" "$2") -device loader,addr="$addr",data="$3",data-len=4 < /dev/null > "$4" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.25
        markers=$(tr -cd '\036' < "$4" | wc -c)
        if [ "$markers" = "$last" ]; then
            same=$((same + 1))
        else
            same=0; last=$markers
        fi
        ticks=$((ticks + 1))
        if [ "$same" -ge $((PROGRAM_TIMEOUT * 4)) ] || [ "$ticks" -ge $((RUN_TIMEOUT * 4)) ]; then
            kill "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            echo "(stopped: no program ended for $((same / 4)) s)" >> "$4"
            return
        fi
    done
    wait "$pid" 2>/dev/null
}

# Splits a run's output ($2) into $1/NAME.out and $1/NAME.status, and
# $1/.done when the image got to its end.
fw_split_run() {
    awk -v dir="$1" 'BEGIN { RS = "\036" }
        NR == 1 { next }
        /^begin / { split($0, w, /[ \n]/); name = w[2]; sub(/^[^\n]*\n/, "");
                    printf "%s", $0 > (dir "/" name ".out"); close(dir "/" name ".out"); next }
        /^end / { split($0, w, /[ \n]/); print w[3] > (dir "/" w[2] ".status"); close(dir "/" w[2] ".status") }
        /^done/ { print "done" > (dir "/.done") }' "$2"
}

# Runs every program of image $2 (target $1) into folder $3, whose old
# contents go; the remaining arguments are the image's program names in
# its order. A program that crashes or hangs the board gets status
# "crash" and the last lines of the board's output; the run goes on from
# the next program.
fw_run_image() {
    local t=$1 elf=$2 dir=$3 first=0 k
    shift 3
    local names=("$@")
    rm -rf "$dir"; mkdir -p "$dir"
    while [ "$first" -lt ${#names[@]} ]; do
        fw_run_from "$t" "$elf" "$first" "$dir/run-$first.log"
        fw_split_run "$dir" "$dir/run-$first.log"
        [ -f "$dir/.done" ] && break
        # The program that was running when the board stopped failed.
        k=$first
        while [ "$k" -lt ${#names[@]} ] && [ -f "$dir/${names[$k]}.status" ]; do
            k=$((k + 1))
        done
        [ "$k" -lt ${#names[@]} ] && echo "crash" > "$dir/${names[$k]}.status" \
            && tail -n 3 "$dir/run-$first.log" >> "$dir/${names[$k]}.out"
        first=$((k + 1))
    done
}
