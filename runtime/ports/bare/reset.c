// runtime/ports/bare/reset.c: the two ends of a firmware run that every
// target shares below its startup code: entering C after reset and
// reporting the CPU exception that stops it (reset.h). The section limits
// come from each target's linker script.
#include <string.h>

#include "board.h"
#include "reset.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];

int main(void);

noreturn void bare_reset(void) {
    memcpy(_sdata, _sidata, (size_t)((char *)_edata - (char *)_sdata));
    memset(_sbss, 0, (size_t)((char *)_ebss - (char *)_sbss));
    main();
    board_exit(0);
}

static void put(const char *s) {
    board_write(s, strlen(s));
}

static void put_hex(uint32_t v) {
    char s[8];
    for (int i = 7; i >= 0; i--) {
        s[i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    }
    board_write(s, sizeof(s));
}

noreturn void bare_fault(const char *what, uint32_t cause, uint32_t pc) {
    put("fatal: cpu ");
    put(what);
    put(" 0x");
    put_hex(cause);
    put(" at 0x");
    put_hex(pc);
    put("\n");
    board_exit(4);
}
