// emitters/emit_native.h: what the architecture-independent native emitter
// (emit_native*.c) shares with the small per-architecture backends
// (emit_native_x64.c, emit_native_x86.c, emit_native_thumb.c). A backend is
// a table: the registers the emitter may use, the frame layout constants,
// and one function per abstract machine operation (MicroPython's ASM_*
// generic assembler API), each a thin call into asm_x64/asm_x86/asm_thumb.
// Private to emitters/.
#ifndef EMITTERS_EMIT_NATIVE_H
#define EMITTERS_EMIT_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm_base.h"
#include "asm_rv32.h"
#include "asm_thumb.h"
#include "asm_x64.h"
#include "asm_x86.h"
#include "asm_xtensa.h"
#include "emit.h"

// Entries of the VM's native function table (v1.28 order); the emitter
// calls runtime helpers as table[index].
typedef enum native_fun {
    NF_CONST_NONE_OBJ,
    NF_CONST_FALSE_OBJ,
    NF_CONST_TRUE_OBJ,
    NF_CONVERT_OBJ_TO_NATIVE,
    NF_CONVERT_NATIVE_TO_OBJ,
    NF_NATIVE_SWAP_GLOBALS,
    NF_LOAD_NAME,
    NF_LOAD_GLOBAL,
    NF_LOAD_BUILD_CLASS,
    NF_LOAD_ATTR,
    NF_LOAD_METHOD,
    NF_LOAD_SUPER_METHOD,
    NF_STORE_NAME,
    NF_STORE_GLOBAL,
    NF_STORE_ATTR,
    NF_OBJ_SUBSCR,
    NF_OBJ_IS_TRUE,
    NF_UNARY_OP,
    NF_BINARY_OP,
    NF_BUILD_TUPLE,
    NF_BUILD_LIST,
    NF_BUILD_MAP,
    NF_BUILD_SET,
    NF_STORE_SET,
    NF_LIST_APPEND,
    NF_STORE_MAP,
    NF_MAKE_FUNCTION_FROM_PROTO_FUN,
    NF_NATIVE_CALL_FUNCTION_N_KW,
    NF_CALL_METHOD_N_KW,
    NF_CALL_METHOD_N_KW_VAR,
    NF_NATIVE_GETITER,
    NF_NATIVE_ITERNEXT,
    NF_NLR_PUSH,
    NF_NLR_POP,
    NF_NATIVE_RAISE,
    NF_IMPORT_NAME,
    NF_IMPORT_FROM,
    NF_IMPORT_ALL,
    NF_NEW_SLICE,
    NF_UNPACK_SEQUENCE,
    NF_UNPACK_EX,
    NF_DELETE_NAME,
    NF_DELETE_GLOBAL,
    NF_NEW_CLOSURE,
    NF_ARG_CHECK_NUM_SIG,
    NF_SETUP_CODE_STATE,
    NF_SMALL_INT_FLOOR_DIVIDE,
    NF_SMALL_INT_MODULO,
    NF_NATIVE_YIELD_FROM,
    NF_SETJMP,
    NF_NUMBER_OF,
} native_fun_t;

// The emit ops index these in the order of the global kinds and builds.
_Static_assert(NF_LOAD_GLOBAL == NF_LOAD_NAME + EMIT_GLOBAL_GLOBAL, "load name/global adjacent");
_Static_assert(NF_STORE_GLOBAL == NF_STORE_NAME + EMIT_GLOBAL_GLOBAL, "store name/global adjacent");
_Static_assert(NF_DELETE_GLOBAL == NF_DELETE_NAME + EMIT_GLOBAL_GLOBAL, "delete name/global adjacent");
_Static_assert(NF_BUILD_SET == NF_BUILD_TUPLE + EMIT_BUILD_SET, "build kinds in table order");

// Register-register ALU operations a backend offers.
typedef enum native_alu {
    NATIVE_ALU_OR,
    NATIVE_ALU_XOR,
    NATIVE_ALU_AND,
    NATIVE_ALU_ADD,
    NATIVE_ALU_SUB,
    NATIVE_ALU_MUL,
    NATIVE_ALU_LSL,  // Thumb only: shift by a register
    NATIVE_ALU_LSR,
    NATIVE_ALU_ASR,
} native_alu_t;

// Machine registers by role; values are the assembler's register numbers.
typedef struct native_regs {
    uint8_t ret;
    uint8_t arg[4];       // ARG_1..ARG_4 for calls into the runtime
    uint8_t temp[3];      // caller-save scratch
    uint8_t local[3];     // callee-save: locals, generator state, qstr table
    uint8_t fun_table;
    uint8_t shift_count;  // x86/x64: the count register of shifts (cl)
    // Where this function's own caller passes arguments and expects the
    // result (differs from the call registers on x86 only).
    uint8_t parent_ret;
    uint8_t parent_arg[4];
} native_regs_t;

typedef struct native_backend {
    mpy_arch_t arch;
    unsigned word_size;
    native_regs_t r;
    // Frame layout in words: the nlr_buf_t the runtime pushes (its size
    // and where it keeps REG_LOCAL_1) and the native code state.
    unsigned nlr_buf_words;
    unsigned nlr_idx_local_1;
    bool shifts_by_count_reg;  // x86/x64: shl/shr/sar r, cl
    bool args_on_stack;        // x86: the caller passes arguments on the stack
    // xtensawin: nlr_push saves no registers itself; a setjmp into the
    // buffer at word 2 of the nlr_buf_t follows it.
    bool nlr_setjmp;

    // Assembler lifetime; `as` is the backend's own assembler struct.
    bool (*init)(void *as, size_t max_num_labels, mpy_arch_t arch);
    void (*deinit)(void *as);
    asm_base_t *(*base)(void *as);
    // Called at the end of every pass (xtensa: sizes the literal pool of
    // the next pass); NULL when the assembler keeps no such state.
    void (*end_pass)(void *as);

    void (*entry)(void *as, int num_locals);
    void (*exit)(void *as);
    void (*jump)(void *as, size_t label);
    void (*jump_if_zero)(void *as, int reg, size_t label, bool bool_test);
    void (*jump_if_nonzero)(void *as, int reg, size_t label, bool bool_test);
    void (*jump_if_eq)(void *as, int reg1, int reg2, size_t label);
    void (*jump_reg)(void *as, int reg);
    void (*call_ind)(void *as, native_fun_t fun);
    // The call to setup_code_state (Thumb uses another scratch register).
    void (*call_setup_code_state)(void *as);
    void (*mov_local_reg)(void *as, int local_num, int reg);
    void (*mov_reg_imm)(void *as, int reg, int64_t imm);
    void (*mov_reg_local)(void *as, int reg, int local_num);
    void (*mov_reg_reg)(void *as, int dest, int src);
    void (*mov_reg_local_addr)(void *as, int reg, int local_num);
    void (*mov_reg_pcrel)(void *as, int reg, size_t label);
    // x86: argument n of the caller's call into reg. NULL elsewhere.
    void (*mov_arg_to_reg)(void *as, int arg_num, int reg);
    void (*clr_reg)(void *as, int reg);  // reg = 0
    void (*not_reg)(void *as, int reg);  // NULL: xor with -1
    void (*neg_reg)(void *as, int reg);
    // x86/x64: shifts of reg by the count register.
    void (*shift_reg)(void *as, native_alu_t op, int reg);
    void (*alu_reg_reg)(void *as, native_alu_t op, int dest, int src);
    void (*load_reg_reg_offset)(void *as, int dest, int base, int word_offset);
    void (*load16_reg_reg_offset)(void *as, int dest, int base, int half_offset);
    // size 0, 1, 2: 8, 16, 32 bits, zero-extended; at [base].
    void (*load_sized)(void *as, unsigned size, int dest, int base);
    void (*store_reg_reg_offset)(void *as, int src, int base, int word_offset);
    void (*store_sized)(void *as, unsigned size, int src, int base);
    // [base + (index << size)] for a constant element index.
    void (*load_sized_offset)(void *as, unsigned size, int dest, int base, int index);
    void (*store_sized_offset)(void *as, unsigned size, int src, int base, int index);
    // [base + (index << size)] for an index in a register (Thumb); NULL:
    // the emitter adds the index to the base (1 << size) times.
    void (*load_sized_reg_index)(void *as, unsigned size, int dest, int base, int index);
    void (*store_sized_reg_index)(void *as, unsigned size, int src, int base, int index);
    // dest = (lhs <op> rhs) as 0 or 1; op_idx 0..5 unsigned <, >, ==, <=, >=,
    // != and 6..11 the signed ones.
    void (*compare)(void *as, unsigned op_idx, int dest, int lhs, int rhs);
    // rv32imc: takes the -march-flags= bits (Zba, Zcmp). NULL elsewhere.
    void (*set_arch_flags)(void *as, uint32_t flags);
    // Stores zero in a local without a scratch register (RV32 has x0);
    // NULL: the emitter clears a register and stores that.
    void (*clear_local)(void *as, int local_num);
} native_backend_t;

extern const native_backend_t emit_native_x64_backend;
extern const native_backend_t emit_native_x86_backend;
extern const native_backend_t emit_native_thumb_backend;
extern const native_backend_t emit_native_rv32_backend;
extern const native_backend_t emit_native_xtensa_backend;
extern const native_backend_t emit_native_xtensawin_backend;

// ---------------------------------------------------------------------------
// The emitter's state, shared by emit_native.c (passes, frame, stack model,
// exceptions), emit_native_ops.c (the emit ops) and emit_native_viper.c
// (typed operations).

// Viper types of values; the low nibble is the native type number the
// runtime's conversion helpers take.
typedef enum vtype {
    VTYPE_PYOBJ = 0x00,
    VTYPE_BOOL = 0x01,
    VTYPE_INT = 0x02,
    VTYPE_UINT = 0x03,
    VTYPE_PTR = 0x04,
    VTYPE_PTR8 = 0x05,
    VTYPE_PTR16 = 0x06,
    VTYPE_PTR32 = 0x07,
    VTYPE_PTR_NONE = 0x50 | 0x04,
    VTYPE_UNBOUND = 0x60 | 0x00,
    VTYPE_BUILTIN_CAST = 0x70 | 0x00,
} vtype_t;

// Where a value of the emulated Python stack lives right now.
typedef enum stack_kind {
    STACK_VALUE,  // in its stack slot of the frame
    STACK_REG,    // in a register
    STACK_IMM,    // a known constant, not materialised yet
} stack_kind_t;

typedef struct stack_info {
    vtype_t vtype;
    stack_kind_t kind;
    int reg;
    int64_t imm;
} stack_info_t;

enum {
    UNWIND_LABEL_UNUSED = 0x7fff,
    UNWIND_LABEL_DO_FINAL_UNWIND = 0x7ffe,
};

typedef struct exc_entry {
    uint16_t label;
    uint16_t unwind_label;
    bool is_finally;
    bool is_active;
} exc_entry_t;

typedef struct native_emitter {
    const native_backend_t *b;
    mpy_arch_t arch;
    void *as;  // points into asm_store
    union {
        asm_x64_t x64;
        asm_x86_t x86;
        asm_thumb_t thumb;
        asm_rv32_t rv32;
        asm_xtensa_t xtensa;
    } asm_store;
    bool as_ready;
    size_t max_num_labels;
    uint32_t arch_flags;  // -march-flags=, for set_arch_flags

    arena_t *arena;
    emit_module_t *m;
    const qstr_pool_t *pool;
    diag_t *d;
    label_t *label_slot;  // the compile walk's label counter
    label_t exit_label;
    emit_pass_t pass;
    bool do_viper_types;
    bool failed;          // an error was recorded for this scope

    vtype_t *local_vtype;
    size_t local_vtype_alloc;
    stack_info_t *stack_info;
    size_t stack_info_alloc;
    vtype_t saved_stack_vtype;
    exc_entry_t *exc_stack;
    size_t exc_stack_alloc;
    size_t exc_stack_size;

    size_t prelude_offset;
    size_t prelude_ptr_index;
    size_t start_offset;
    int n_state;
    int code_state_start;
    int stack_start;
    int stack_size;
    size_t n_info;
    size_t n_cell;
    scope_t *scope;

    // The scope's child table: functions made here, in order.
    emit_raw_code_t **children;
    size_t n_children_alloc;
    size_t ct_cur_child;
} native_emitter_t;

// Frame layout shared by every target (the host's struct sizes in words,
// as the official cross compiler computes them).
enum {
    CODE_STATE_WORDS = 5,
    CODE_STATE_OFF_FUN_BC = 0,
    CODE_STATE_OFF_IP = 1,
    CODE_STATE_OFF_SP = 2,
    CODE_STATE_OFF_N_STATE = 3,
    CODE_STATE_OFF_STATE = 5,
    FUN_BC_OFF_CONTEXT = 1,
    FUN_BC_OFF_CHILD_TABLE = 2,
    CONTEXT_OFF_GLOBALS = 1,
    CONTEXT_OFF_QSTR_TABLE = 2,
    CONTEXT_OFF_OBJ_TABLE = 3,
    NLR_BUF_IDX_RET_VAL = 1,
    ITER_BUF_SLOTS = 4,
    MAX_REGS_FOR_LOCAL_VARS = 2,
};

// Object encodings the generated code uses (MicroPython's representation A).
#define OBJ_NULL 0
#define OBJ_SENTINEL 4
#define OBJ_SMALL_INT(v) ((int64_t)((uint64_t)(v) << 1) | 1)

enum {
    VM_RETURN_NORMAL = 0,
    VM_RETURN_YIELD = 1,
    VM_RETURN_EXCEPTION = 2,
};

// emit_native.c: the frame layout, the stack model and helpers the ops
// and the entry code use.
bool native_is_generator(const native_emitter_t *e);
bool native_can_use_regs_for_locals(const native_emitter_t *e);
bool native_need_global_exc_handler(const native_emitter_t *e);
bool native_need_fun_obj(const native_emitter_t *e);
int native_local_idx_var(const native_emitter_t *e, unsigned local_num);
int native_local_idx_exc_val(const native_emitter_t *e);
int native_local_idx_exc_handler_pc(const native_emitter_t *e);
int native_local_idx_exc_handler_unwind(const native_emitter_t *e);
int native_local_idx_ret_val(const native_emitter_t *e);
int native_local_idx_fun_obj(const native_emitter_t *e);
int native_local_idx_throw_val(const native_emitter_t *e);
void native_raise_throw_val(native_emitter_t *e);
int native_local_idx_gen_pc(const native_emitter_t *e);
int native_num_reraise_slots(const native_emitter_t *e);
int native_local_idx_reraise(const native_emitter_t *e, size_t handler_depth);
int native_local_idx_old_globals(const native_emitter_t *e);
int native_reg_local(const native_emitter_t *e, unsigned i);
int native_reg_local_last(const native_emitter_t *e);
int native_reg_generator_state(const native_emitter_t *e);
int native_reg_qstr_table(const native_emitter_t *e);
void native_viper_error(native_emitter_t *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void native_not_implemented(native_emitter_t *e, const char *msg);
const char *native_vtype_name(vtype_t vtype);
const char *native_qstr(const native_emitter_t *e, qstr_t q);

void native_mov_state_reg(native_emitter_t *e, int local_num, int reg);
void native_clear_local(native_emitter_t *e, int local_num, int reg_temp);
void native_mov_reg_state(native_emitter_t *e, int reg, int local_num);
void native_mov_reg_state_addr(native_emitter_t *e, int reg, int local_num);
void native_mov_reg_qstr(native_emitter_t *e, int reg, qstr_t qst);
void native_mov_reg_const(native_emitter_t *e, int reg, native_fun_t which);
void native_load_reg_with_object(native_emitter_t *e, int reg, const cobj_t *obj);
void native_load_reg_with_child(native_emitter_t *e, int reg, scope_t *child);

stack_info_t *native_peek_stack(native_emitter_t *e, unsigned depth);
vtype_t native_peek_vtype(native_emitter_t *e, unsigned depth);
void native_adjust_stack(native_emitter_t *e, int delta);
void native_need_reg_single(native_emitter_t *e, int reg, int skip_stack_pos);
void native_need_reg_all(native_emitter_t *e);
void native_need_stack_settled(native_emitter_t *e);
void native_access_stack(native_emitter_t *e, int pos, vtype_t *vtype, int reg);
void native_fold_stack_top(native_emitter_t *e, int reg);
void native_pop_reg_flexible(native_emitter_t *e, vtype_t *vtype, int *reg, int not_r1, int not_r2);
void native_pop_discard(native_emitter_t *e);
void native_pop_reg(native_emitter_t *e, vtype_t *vtype, int reg);
void native_top_set_vtype(native_emitter_t *e, vtype_t vtype);
void native_push_reg(native_emitter_t *e, vtype_t vtype, int reg);
void native_push_imm(native_emitter_t *e, vtype_t vtype, int64_t imm);
void native_call(native_emitter_t *e, native_fun_t fun);
void native_call_with_imm_arg(native_emitter_t *e, native_fun_t fun, int64_t arg, int reg);
void native_call_with_2_imm_args(native_emitter_t *e, native_fun_t fun, int64_t a1, int r1, int64_t a2, int r2);
void native_call_with_qstr_arg(native_emitter_t *e, native_fun_t fun, qstr_t qst, int reg);
void native_stack_pointer_for_pop(native_emitter_t *e, int reg, unsigned n_pop);
void native_stack_pointer_for_push(native_emitter_t *e, int reg, unsigned n_push);
void native_push_exc_stack(native_emitter_t *e, label_t label, bool is_finally);
void native_leave_exc_stack(native_emitter_t *e, bool start_of_handler);
exc_entry_t *native_pop_exc_stack(native_emitter_t *e);
void native_label_assign(native_emitter_t *e, label_t l);
void native_jump(native_emitter_t *e, label_t l);
void native_unwind_jump(native_emitter_t *e, label_t l, unsigned except_depth);
void native_asm_label(native_emitter_t *e, label_t l);

// emit_native_entry.c: the code around the body. native_emit_entry starts
// a pass's code (viper or native entry, then the global exception handler
// when the scope needs one); native_emit_exit ends it; native_write_prelude
// appends the prelude of a native (not viper) function and records its
// offset, sizes and child-table slot in e.
void native_emit_entry(native_emitter_t *e, size_t fun_table_off);
void native_emit_exit(native_emitter_t *e);
void native_write_prelude(native_emitter_t *e);

// The generic entry points of the ops table (emit_native.c).
void emit_native_start_pass(emitter_t *e, emit_pass_t pass, scope_t *scope);
bool emit_native_end_pass(emitter_t *e);
bool emit_native_is_dead_code(emitter_t *e);
void emit_native_adjust_stack_size(emitter_t *e, int delta);
void emit_native_set_source_line(emitter_t *e, uint32_t line);

// emit_native_viper.c: operations whose code depends on viper types.
void native_subscr_load(native_emitter_t *e);
void native_subscr_store(native_emitter_t *e);
void native_unary_op(native_emitter_t *e, mpy_unary_op_t op);
void native_binary_op(native_emitter_t *e, mpy_binary_op_t op);
void native_call_cast(native_emitter_t *e);

#endif // EMITTERS_EMIT_NATIVE_H
