// runtime/ports/cortex-m/board_mps2.c: console of the Arm MPS2 AN385 board
// as qemu models it (machine mps2-an385, Cortex-M3): CMSDK APB UART0.
// Clock and exit come from cortex_m.c (25 MHz core clock).
#include "../bare/board.h"
#include "cortex_m.h"

// CMSDK APB UART (Cortex-M System Design Kit TRM, DDI0479, 4.3).
typedef struct cmsdk_uart {
    volatile uint32_t data;
    volatile uint32_t state;     // bit 0: TX buffer full
    volatile uint32_t ctrl;      // bit 0: TX enable
    volatile uint32_t intstatus;
    volatile uint32_t bauddiv;
} cmsdk_uart_t;

#define UART0 ((cmsdk_uart_t *)0x40004000u)

void board_init(void) {
    UART0->bauddiv = 16;
    UART0->ctrl = 1;
    cortex_m_clock_init();
}

void board_write(const char *data, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while (UART0->state & 1) {
        }
        UART0->data = (uint8_t)data[i];
    }
}
