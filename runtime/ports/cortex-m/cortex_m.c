// runtime/ports/cortex-m/cortex_m.c: what every Cortex-M board shares: the
// clock from SysTick (present on all cores qemu models) counting
// milliseconds on the core clock the board names, and exit through Arm
// semihosting (qemu -semihosting-config enable=on,target=native).
#include "../bare/board.h"
#include "cortex_m.h"

// SysTick (ARMv7-M ARM B3.3.2, ARMv6-M ARM B3.3.2).
#define SYST_CSR (*(volatile uint32_t *)0xe000e010u)
#define SYST_RVR (*(volatile uint32_t *)0xe000e014u)
#define SYST_CVR (*(volatile uint32_t *)0xe000e018u)

#define SYSTICK_RELOAD (CORTEX_M_CPU_HZ / 1000 - 1)

static volatile uint32_t ms_ticks;

void cortex_m_systick_handler(void) {
    ms_ticks++;
}

void cortex_m_clock_init(void) {
    SYST_RVR = SYSTICK_RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 7;   // processor clock, interrupt, enable
}

uint64_t board_ticks_us(void) {
    uint32_t ms;
    uint32_t cvr;
    do {
        ms = ms_ticks;
        cvr = SYST_CVR;
    } while (ms != ms_ticks);
    return (uint64_t)ms * 1000u + (SYSTICK_RELOAD - cvr) / (CORTEX_M_CPU_HZ / 1000000);
}

// Semihosting SYS_EXIT_EXTENDED (0x20) takes {reason, status}; reason
// ADP_Stopped_ApplicationExit (0x20026) ends qemu with that status. BKPT
// 0xAB is the M-profile semihosting trap.
noreturn void board_exit(int status) {
    uint32_t block[2] = {0x20026, (uint32_t)status};
    register uint32_t r0 __asm__("r0") = 0x20;
    register uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    for (;;) {
    }
}
