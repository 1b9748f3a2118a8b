// runtime/ports/xtensa/sim/board_sim.c: the board layer (bare/board.h) for
// the lx106 core on qemu's Xtensa sim machine (qemu-system-xtensa -M sim
// -cpu lx106 -semihosting): console and exit through SIMCALL, the Xtensa
// instruction-set simulator's semihosting call that qemu implements (a2
// the call number, a3.. its arguments, the result in a2). The sim machine
// has no UART; the ESP8266's peripherals are not there. The clock is
// CCOUNT's (xtensa.c).
#include "../../bare/board.h"

// Semihosting call numbers (the ISS's, as qemu's xtensa-semi.c numbers them).
enum {
    SIMCALL_EXIT = 1,
    SIMCALL_WRITE = 4,
};
#define SIM_STDOUT 1

static int32_t simcall(int32_t call, int32_t arg1, int32_t arg2, int32_t arg3) {
    register int32_t a2 __asm__("a2") = call;
    register int32_t a3 __asm__("a3") = arg1;
    register int32_t a4 __asm__("a4") = arg2;
    register int32_t a5 __asm__("a5") = arg3;
    __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
    return a2;
}

void board_init(void) {
}

void board_write(const char *data, size_t len) {
    while (len > 0) {
        int32_t n = simcall(SIMCALL_WRITE, SIM_STDOUT, (int32_t)(uintptr_t)data, (int32_t)len);
        if (n <= 0) {
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

noreturn void board_exit(int status) {
    simcall(SIMCALL_EXIT, status, 0, 0);
    for (;;) {
    }
}
