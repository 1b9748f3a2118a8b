// runtime/ports/xtensa/xtensa.c: what every lx106 board shares (the qemu
// sim machine's, sim/, and the ESP8266's, esp8266/): the clock from the
// CCOUNT cycle counter and the report of an exception the vectors
// (vectors.S) take. Console and exit are the board's.
#include "../bare/board.h"
#include "../bare/reset.h"

noreturn void xtensa_fault(uint32_t cause, uint32_t pc);

// CCOUNT ticks at the core clock: 80 MHz after the ESP8266's boot ROM.
#define CPU_HZ 80000000u

// CCOUNT wraps every 54 s at 80 MHz; the high word counts the wraps seen.
uint64_t board_ticks_us(void) {
    static uint32_t last;
    static uint32_t wraps;
    uint32_t now;
    __asm__ volatile("rsr.ccount %0" : "=a"(now));
    if (now < last) {
        wraps++;
    }
    last = now;
    return (((uint64_t)wraps << 32) | now) / (CPU_HZ / 1000000u);
}

// Called by the exception vectors with EXCCAUSE and the PC.
noreturn void xtensa_fault(uint32_t cause, uint32_t pc) {
    bare_fault("exception, exccause", cause, pc);
}
