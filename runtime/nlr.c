// runtime/nlr.c: non-local return, the mechanism behind raising. Handlers
// form a chain on the C stack (rt.nlr_top); raising jumps to the innermost.
#include "nativeglue.h"
#include "obj.h"
#include "port.h"

void nlr_push_tail(nlr_buf_t *buf) {
    buf->prev = rt.nlr_top;
    rt.nlr_top = buf;
}

void nlr_pop(void) {
    rt.nlr_top = NLR_PREV(rt.nlr_top);
}

noreturn void nlr_jump(obj_t exc) {
    nlr_buf_t *top = rt.nlr_top;
    if (top == NULL) {
        port_fatal("uncaught exception with no handler");
    }
    top->ret_val = exc;
    rt.nlr_top = NLR_PREV(top);
    if (NLR_IS_NATIVE(top)) {
        nlr_native_jump(top);   // a handler of native code
    }
#if RT_NLR_LIBC
    longjmp(top->jmp, 1);
#else
    __builtin_longjmp(top->jmp, 1);
#endif
}
