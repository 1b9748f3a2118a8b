// runtime/ports/xtensa/board_lx106.c: reset and the board layer
// (bare/board.h) for the ESP8266 (Xtensa lx106 core): console on UART0,
// clock from the CCOUNT cycle counter at 80 MHz. Linked and measured only:
// nothing here is run by the tests (qemu has no ESP8266 machine).
#include <string.h>

#include "../bare/board.h"

// Section limits from the linker script (xtensa/lx106.ld).
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];

int main(void);
noreturn void xtensa_reset(void);

// ESP8266 Technical Reference, chapter 11 (UART): TX FIFO at offset 0,
// the TX FIFO count in bits 16..23 of UART_STATUS (offset 0x1c).
#define UART0_FIFO (*(volatile uint32_t *)0x60000000u)
#define UART0_STATUS (*(volatile uint32_t *)0x6000001cu)
#define UART_TX_FIFO_FULL 126
#define CPU_HZ 80000000u

noreturn void xtensa_reset(void) {
    memcpy(_sdata, _sidata, (size_t)((char *)_edata - (char *)_sdata));
    memset(_sbss, 0, (size_t)((char *)_ebss - (char *)_sbss));
    main();
    board_exit(0);
}

void board_init(void) {
}

void board_write(const char *data, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while (((UART0_STATUS >> 16) & 0xff) >= UART_TX_FIFO_FULL) {
        }
        UART0_FIFO = (uint8_t)data[i];
    }
}

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

noreturn void board_exit(int status) {
    (void)status;
    for (;;) {
    }
}
