// runtime/ports/cortex-m/startup.c: reset and the vector table for the
// Cortex-M firmware (ARMv6-M and ARMv7-M alike). Reset copies .data from
// flash, zeroes .bss (but not .noinit) and calls main on the stack the
// linker script reserves. Every fault ends the run with a message, so a
// test sees a crash instead of a hang.
#include <stdint.h>
#include <string.h>

#include "../bare/board.h"

int main(void);
#include "cortex_m.h"

// Section limits from the linker script (cortex-m/sections.ld).
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];

noreturn void cortex_m_reset_handler(void);
noreturn void cortex_m_fault_handler(void);

noreturn void cortex_m_reset_handler(void) {
    memcpy(_sdata, _sidata, (size_t)((char *)_edata - (char *)_sdata));
    memset(_sbss, 0, (size_t)((char *)_ebss - (char *)_sbss));
    main();
    board_exit(0);
}

noreturn void cortex_m_fault_handler(void) {
    static const char msg[] = "fatal: cpu fault\n";
    board_write(msg, sizeof(msg) - 1);
    board_exit(4);
}

typedef void (*vector_t)(void);

// ARMv7-M Architecture Reference Manual B1.5.3: word 0 is the initial stack
// pointer, then reset, NMI, HardFault, MemManage, BusFault, UsageFault,
// four reserved words, SVCall, DebugMonitor, reserved, PendSV, SysTick.
__attribute__((section(".vectors"), used)) static const vector_t vectors[16] = {
    (vector_t)(uintptr_t)board_stack_top,
    (vector_t)cortex_m_reset_handler,
    (vector_t)cortex_m_fault_handler,
    (vector_t)cortex_m_fault_handler,
    (vector_t)cortex_m_fault_handler,
    (vector_t)cortex_m_fault_handler,
    (vector_t)cortex_m_fault_handler,
    0, 0, 0, 0,
    (vector_t)cortex_m_fault_handler,
    (vector_t)cortex_m_fault_handler,
    0,
    (vector_t)cortex_m_fault_handler,
    cortex_m_systick_handler,
};
