// emitters/asm_base.h: what every machine-code assembler shares: the code
// buffer, the label table, the pass number and the first error. The
// architecture assemblers (asm_thumb, asm_x64, asm_x86) encode instructions
// on top of it; the native emitters decide which instructions to ask for.
//
// Passes follow MicroPython's asmbase: every pass makes the same calls.
//   ASM_PASS_COMPUTE  nothing is written; only code_offset advances. Labels
//                     are cleared at the start of each compute pass, so a
//                     label is "unset" until assigned, which lets encoders
//                     tell backward jumps (known) from forward ones.
//   ASM_PASS_EMIT     a buffer of the size the last compute pass reached is
//                     allocated and the bytes are written; every label must
//                     land on the offset the compute pass recorded.
#ifndef EMITTERS_ASM_BASE_H
#define EMITTERS_ASM_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum asm_pass {
    ASM_PASS_COMPUTE = 1,
    ASM_PASS_EMIT = 2,
} asm_pass_t;

// The label table holds this for a label not assigned in the current pass.
#define ASM_LABEL_UNSET ((size_t)-1)

// Errors an assembler can record. Low-level encoders never know the source
// line: the caller that does turns the code into a diagnostic, using
// asm_error_text() where the reference compiler's wording must be matched.
typedef enum asm_error {
    ASM_OK = 0,
    ASM_ERR_NO_MEMORY,        // the code buffer or label table could not grow
    ASM_ERR_LABEL_MOVED,      // a label's offset differs between passes
    ASM_ERR_LABEL_TWICE,      // a label assigned twice in one pass
    ASM_ERR_BAD_LABEL,        // a label number beyond max_num_labels
    ASM_ERR_TOO_MANY_LOCALS,  // a local's stack offset does not fit the encoding
    ASM_ERR_TOO_BIG,          // a jump too far for the architecture's sequence
    ASM_ERR_BAD_OPERAND,      // an operand does not fit the requested encoding
} asm_error_t;

typedef struct asm_base {
    asm_pass_t pass;
    size_t code_offset;      // bytes so far in this pass
    size_t code_size;        // size of `code` (valid in ASM_PASS_EMIT)
    uint8_t *code;           // owned; allocated when ASM_PASS_EMIT starts
    size_t max_num_labels;
    size_t *label_offsets;   // owned; ASM_LABEL_UNSET when not yet assigned
    asm_error_t error;       // first error since init (ASM_OK when none)
    // Dead code after a jump or raise: nothing is written or counted until
    // the next label (asm_base_suppress_code).
    bool suppress;
} asm_base_t;

// Prepares an assembler base with room for max_num_labels labels. Returns
// false (and records ASM_ERR_NO_MEMORY) when the label table cannot be
// allocated.
bool asm_base_init(asm_base_t *as, size_t max_num_labels);
// Frees the label table and the code buffer.
void asm_base_deinit(asm_base_t *as);
// Starts a pass: compute passes clear the labels; the emit pass allocates
// a zeroed buffer of the size the previous pass reached.
void asm_base_start_pass(asm_base_t *as, asm_pass_t pass);
// Reserves n bytes at the current offset and advances it. Returns where to
// write them in ASM_PASS_EMIT and NULL in compute passes (callers then
// write nothing). If an emit pass outgrows its buffer (a bug in a caller),
// the buffer grows and ASM_ERR_LABEL_MOVED-style checks catch the change.
uint8_t *asm_base_get_cur_to_write_bytes(asm_base_t *as, size_t n);
// Drops the code that follows, up to the next label: it cannot run. The
// native emitter calls this after unconditional jumps and raises.
void asm_base_suppress_code(asm_base_t *as);
// Records (compute) or checks (emit) the offset of `label`, and ends a
// suppressed region.
void asm_base_label_assign(asm_base_t *as, size_t label);
// Offset of `label`, or ASM_LABEL_UNSET when it is not assigned yet.
size_t asm_base_label_offset(const asm_base_t *as, size_t label);
// Pads with zero bytes to a multiple of `align` (a power of two).
void asm_base_align(asm_base_t *as, unsigned align);
// Appends `bytesize` bytes of `val`, least significant first.
void asm_base_data(asm_base_t *as, unsigned bytesize, uint64_t val);
// Appends an instruction a table encoded as the `size` bytes of `word`,
// least significant first. One that did not encode (is_encoded false)
// still takes its size, so the passes agree, and the emit pass records
// ASM_ERR_BAD_OPERAND.
void asm_base_insn(asm_base_t *as, bool is_encoded, unsigned size, uint32_t word);
// Records err unless an error is already recorded (the first one wins).
void asm_base_fail(asm_base_t *as, asm_error_t err);
// Fixed wording for each error; the texts the reference compiler raises
// ("too many locals for native method", "native method too big") are
// reproduced word for word.
const char *asm_error_text(asm_error_t err);

static inline size_t asm_base_get_code_pos(const asm_base_t *as) {
    return as->code_offset;
}

#endif // EMITTERS_ASM_BASE_H
