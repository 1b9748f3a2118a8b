// runtime/nativeglue.h: what machine code from .mpy files (native, viper
// and inline assembler functions) needs from the VM, and what the rest of
// runtime/ needs to run it. Native code is written by emitters/emit_native*.c
// exactly as MicroPython v1.28's mpy-cross writes it, so it calls the VM
// through MicroPython's function table (nativeglue.def, in mp_fun_table's
// order and with each entry's C signature) and reads a few VM structures
// directly at fixed word offsets:
//   function object  word 1 module context, word 2 child table
//   module context   word 1 globals, word 2 qstr table (16-bit), word 3 constants
//   code state       word 0 function, 1 ip, 2 sp, 5.. locals (frame_t; native
//                    code writes n_state to word 3, which it never reads back)
//   nlr buffer       word 0 prev, word 1 the exception, then saved registers
// The offsets are checked below. Native support is on for Linux on x86-64
// and on Thumb-2 ARM, and for the Cortex-M (ARMv6-M and ARMv7-M), RV32 and
// Xtensa lx106 firmware at the levels with a .mpy loader (RT_NATIVE);
// elsewhere the hooks below do nothing and the loader refuses native code
// as the official VM does.
#ifndef RUNTIME_NATIVEGLUE_H
#define RUNTIME_NATIVEGLUE_H

#include <stddef.h>

#include "../mpyformat/mpyformat.h"
#include "obj.h"

#ifndef RT_NATIVE
#if defined(__linux__) && (defined(__x86_64__) || defined(__thumb2__))
#define RT_NATIVE 1
#elif RT_LOADER && ((defined(__riscv) && __riscv_xlen == 32) || defined(__XTENSA_CALL0_ABI__) \
                     || (defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'))
#define RT_NATIVE 1
#else
#define RT_NATIVE 0
#endif
#endif

// The architecture of the native code this VM runs (MPY_ARCH_NONE: none).
// An ARM build runs every Thumb architecture up to what it was built for,
// as MicroPython's MPY_FEATURE_ARCH_TEST does; a core without Thumb-2
// (ARMv6-M: Cortex-M0, M0+) runs only ARMv6-M code.
#if !RT_NATIVE
#define RT_NATIVE_ARCH MPY_ARCH_NONE
#elif defined(__x86_64__)
#define RT_NATIVE_ARCH MPY_ARCH_X64
#elif defined(__riscv)
#define RT_NATIVE_ARCH MPY_ARCH_RV32IMC
#elif defined(__XTENSA_CALL0_ABI__)
#define RT_NATIVE_ARCH MPY_ARCH_XTENSA
#elif !defined(__thumb2__)
#define RT_NATIVE_ARCH MPY_ARCH_ARMV6M
#elif defined(__ARM_FP) && (__ARM_FP & 8)
#define RT_NATIVE_ARCH MPY_ARCH_ARMV7EMDP
#elif defined(__ARM_FP) && (__ARM_FP & 4)
#define RT_NATIVE_ARCH MPY_ARCH_ARMV7EMSP
#else
#define RT_NATIVE_ARCH MPY_ARCH_ARMV7M
#endif

// Marks an nlr buffer pushed by native code (bit 0 of its prev word).
#define NLR_NATIVE_TAG ((uintptr_t)1)
#define NLR_PREV(buf) ((nlr_buf_t *)((uintptr_t)(buf)->prev & ~NLR_NATIVE_TAG))
#define NLR_IS_NATIVE(buf) (((uintptr_t)(buf)->prev & NLR_NATIVE_TAG) != 0)

// What the loader keeps of a native, viper or asm raw code (code_t.native).
typedef struct native_code {
    uint8_t kind;                  // MPY_CODE_NATIVE, _VIPER or _ASM
    uint8_t n_pos_args;            // asm: arguments passed in registers
    uint32_t type_sig;             // asm: the return type (low 4 bits)
    const uint8_t *fun_data;       // the machine code, in executable memory
    const void *const *child_table; // the children's code_t, then (native) the prelude
} native_code_t;

// Native and viper functions: MicroPython's mp_obj_fun_bc_t up to word 3.
typedef struct obj_fun_native {
    obj_base_t base;
    const module_ctx_t *context;
    const void *const *child_table;
    const uint8_t *fun_data;
    const code_t *code;
    obj_t defaults;     // tuple, or OBJ_NULL
    obj_t kwdefaults;   // dict, or OBJ_NULL
} obj_fun_native_t;

_Static_assert(offsetof(obj_fun_native_t, context) == 1 * sizeof(void *), "fun context at word 1");
_Static_assert(offsetof(obj_fun_native_t, child_table) == 2 * sizeof(void *), "child table at word 2");
_Static_assert(offsetof(module_ctx_t, globals) == 1 * sizeof(void *), "context globals at word 1");
_Static_assert(offsetof(module_ctx_t, qstr_short) == 2 * sizeof(void *), "qstr table at word 2");
_Static_assert(offsetof(module_ctx_t, consts) == 3 * sizeof(void *), "constants at word 3");
_Static_assert(offsetof(frame_t, fun) == 0 && offsetof(frame_t, ip) == sizeof(void *)
                   && offsetof(frame_t, sp) == 2 * sizeof(void *)
                   && offsetof(frame_t, state) == 5 * sizeof(void *),
               "frame_t is MicroPython's mp_code_state_t for native code");
_Static_assert(offsetof(nlr_buf_t, ret_val) == sizeof(void *), "nlr exception at word 1");
_Static_assert(sizeof(iter_buf_t) == 4 * sizeof(void *), "native code reserves 4 words");

#if RT_NATIVE
extern const type_t type_fun_native, type_fun_native_gen, type_fun_viper, type_fun_asm,
    type_closure_native;

// Loader: true when code of `arch` runs here.
static inline bool rt_native_arch_ok(unsigned arch) {
#if defined(__thumb__)
    return arch >= MPY_ARCH_ARMV6M && arch <= RT_NATIVE_ARCH;
#else
    return arch == RT_NATIVE_ARCH;
#endif
}
// Loader: the constant that stands for the function table.
obj_t rt_native_fun_table_obj(void);
// Loader: the file's qstrs as the 16-bit table native code reads.
const uint16_t *native_qstr_table(const qstr_t *qstrs, size_t n);
// Loader: fills c (children and ctx already set) from a native, viper or
// asm raw code: copies the machine code to executable memory, applies
// viper relocations, and decodes a native function's prelude.
void native_code_load(code_t *c, const mpy_raw_code_t *rc);
// fun_bc_new for code with c->native set.
obj_t fun_native_new(const code_t *c, obj_t defaults, obj_t kwdefaults, size_t n_closed,
                     const obj_t *closed);

// Generators: a native generator is an obj_gen_t whose frame is the code
// state of the machine code and whose frame.fun is an obj_fun_native_t.
static inline bool native_frame_is_native(const frame_t *f) {
    return ((const obj_base_t *)f->fun)->type == &type_fun_native_gen;
}
static inline const code_t *rt_frame_code(const frame_t *f) {
    return native_frame_is_native(f) ? ((const obj_fun_native_t *)f->fun)->code : f->fun->code;
}
// Resumes a native generator's frame (the generator's own checks done).
vm_return_t native_gen_resume(frame_t *f, obj_t throw_exc, obj_t *ret);

// nlr for native code (nlr_native.c): the function native code calls as
// nlr_push, and the jump back into it that nlr_jump takes for its buffers.
unsigned int nlr_native_push(nlr_buf_t *buf);
noreturn void nlr_native_jump(nlr_buf_t *buf);

// Executable memory (the port's exec_mem.c): n bytes, zeroed, never freed
// while this VM runs. Raises MemoryError when there is no room.
uint8_t *port_exec_alloc(size_t n);
// Copies n bytes to dst in executable memory. The loader writes there
// only through this (and with whole aligned words), as the ESP8266's
// instruction RAM takes no 8- or 16-bit stores.
void port_exec_copy(uint8_t *dst, const uint8_t *src, size_t n);
// Makes bytes written at p visible to instruction fetch.
void port_exec_flush(void *p, size_t n);

// Native code lives at an odd address on Thumb (the Thumb bit).
static inline void *native_callable(const void *code) {
#if defined(__thumb__)
    return (void *)((uintptr_t)code | 1);
#else
    return (void *)code;
#endif
}
#else
static inline bool rt_native_arch_ok(unsigned arch) {
    (void)arch;
    return false;
}
static inline obj_t rt_native_fun_table_obj(void) {
    rt_raise_value_error("malformed .mpy file (unsupported constant)");
}
static inline const uint16_t *native_qstr_table(const qstr_t *qstrs, size_t n) {
    (void)qstrs;
    (void)n;
    return NULL;
}
static inline void native_code_load(code_t *c, const mpy_raw_code_t *rc) {
    (void)c;
    (void)rc;
    rt_raise_value_error("native code in .mpy unsupported");
}
static inline obj_t fun_native_new(const code_t *c, obj_t defaults, obj_t kwdefaults,
                                   size_t n_closed, const obj_t *closed) {
    (void)c;
    (void)defaults;
    (void)kwdefaults;
    (void)n_closed;
    (void)closed;
    rt_raise_value_error("native code in .mpy unsupported");
}
static inline bool native_frame_is_native(const frame_t *f) {
    (void)f;
    return false;
}
static inline const code_t *rt_frame_code(const frame_t *f) {
    return f->fun->code;
}
static inline vm_return_t native_gen_resume(frame_t *f, obj_t throw_exc, obj_t *ret) {
    return vm_execute(f, throw_exc, ret);
}
static inline noreturn void nlr_native_jump(nlr_buf_t *buf) {
    (void)buf;
    for (;;) {
    }
}
#endif

#endif // RUNTIME_NATIVEGLUE_H
