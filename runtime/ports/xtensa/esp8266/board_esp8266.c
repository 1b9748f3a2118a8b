// runtime/ports/xtensa/esp8266/board_esp8266.c: the board layer
// (bare/board.h) for the ESP8266 itself: console on UART0 at the baud rate
// the boot ROM left it, no exit (the chip has nothing to report a status
// to), the clock CCOUNT's (xtensa.c). Linked and measured only: qemu has no
// ESP8266 machine. TODO: running the image on a chip also takes an entry
// in instruction RAM that maps the flash first (the boot ROM's
// Cache_Read_Enable) and esptool's elf2image; neither is here.
#include "../../bare/board.h"

// ESP8266 Technical Reference, UART registers: TX FIFO at offset 0, the
// number of bytes in it in bits 16..23 of UART_STATUS (offset 0x1c); the
// FIFO holds 128.
#define UART0_FIFO (*(volatile uint32_t *)0x60000000u)
#define UART0_STATUS (*(volatile uint32_t *)0x6000001cu)
#define UART_TXFIFO_COUNT(status) (((status) >> 16) & 0xffu)
#define UART_TXFIFO_SIZE 128u
// The hardware watchdog: WDT_CTL bit 0 enables it.
#define WDT_CTL (*(volatile uint32_t *)0x60000900u)
#define WDT_CTL_ENABLE 1u

// The VM feeds no watchdog: a long program would reset the chip.
void board_init(void) {
    WDT_CTL &= ~WDT_CTL_ENABLE;
}

void board_write(const char *data, size_t len) {
    for (size_t i = 0; i < len; i++) {
        while (UART_TXFIFO_COUNT(UART0_STATUS) >= UART_TXFIFO_SIZE - 1) {
        }
        UART0_FIFO = (uint8_t)data[i];
    }
}

// Lets the console drain, then stops.
noreturn void board_exit(int status) {
    (void)status;
    while (UART_TXFIFO_COUNT(UART0_STATUS) != 0) {
    }
    for (;;) {
    }
}
