// emitters/inline_common.c: the operations the compile walk calls on an
// inline assembler front end (emit_inline_asm_ops), the same for every
// architecture: a fresh assembler and label table per function, labels
// with duplicate detection, align and data statements, the instruction's
// message, and the finished code handed to the scope. What an instruction
// means is the business of the front end's inline_arch_t.
#include "inline_common.h"

#include <stdio.h>
#include <string.h>

#include "../util/bigint.h"
#include "inline_asm.h"

emit_inline_asm_t *inline_common_new(arena_t *arena, const qstr_pool_t *pool, const inline_arch_t *arch, size_t size,
    size_t as_offset) {
    uint8_t *p = arena_alloc(arena, size);
    if (p == NULL) {
        return NULL;
    }
    emit_inline_asm_t *e = (emit_inline_asm_t *)p;
    e->arch = arch;
    e->arena = arena;
    e->pool = pool;
    e->as = (asm_base_t *)(p + as_offset);
    return e;
}

void emit_inline_asm_free(emit_inline_asm_t *e) {
    if (e != NULL && e->has_as) {
        e->arch->deinit_asm(e);
        e->has_as = false;
    }
}

// ---------------------------------------------------------------------------
// Messages and operands.

void inline_common_vfail(emit_inline_asm_t *e, const char *fmt, va_list ap) {
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    e->has_msg = true;
}

// An assembler fault comes first: it ends the compile at once, whatever
// else the instruction got wrong.
static void flush_msg(emit_inline_asm_t *e) {
    char text[DIAG_MSG_MAX];
    if (e->arch->fault_text != NULL && e->arch->fault_text(e, text, sizeof(text))) {
        diag_error(e->d, DIAG_RUNTIME_ERROR, 0, "%s", text);
    } else if (e->has_msg) {
        diag_error(e->d, DIAG_SYNTAX_ERROR, 0, "%s", e->msg);
    }
    e->has_msg = false;
}

const char *inline_common_id_text(const emit_inline_asm_t *e, const pnode_t *pn) {
    if (pn == NULL || pn->kind != PN_ID) {
        return "";
    }
    return qstr_str(e->pool, pn->u.qst);
}

bool inline_common_node_int(const pnode_t *pn, uint64_t *v) {
    if (pn == NULL) {
        return false;
    }
    if (pn->kind == PN_SMALL_INT) {
        *v = (uint64_t)pn->u.small_int;
        return true;
    }
    if (pn->kind != PN_CONST) {
        return false;
    }
    if (pn->u.obj->kind == COBJ_SMALL_INT) {
        *v = (uint64_t)pn->u.obj->u.small_int;
        return true;
    }
    if (pn->u.obj->kind == COBJ_BIG_INT) {
        *v = (uint64_t)bigint_hash(pn->u.obj->u.big, 64);
        return true;
    }
    return false;
}

bool inline_common_find_label(const emit_inline_asm_t *e, qstr_t name, size_t *n) {
    for (size_t i = 0; i < e->n_labels; i++) {
        if (e->label_names[i] == name) {
            *n = i;
            return true;
        }
    }
    return false;
}

static void fail(emit_inline_asm_t *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    inline_common_vfail(e, fmt, ap);
    va_end(ap);
}

size_t inline_common_arg_label(emit_inline_asm_t *e, const char *op, const pnode_t *pn) {
    if (pn == NULL || pn->kind != PN_ID) {
        fail(e, "'%s' expects a label", op);
        return 0;
    }
    size_t n;
    if (inline_common_find_label(e, pn->u.qst, &n)) {
        return n;
    }
    if (e->pass != EMIT_PASS_EMIT) {
        return e->arch->sizes_forward_branches ? e->n_labels : 0;
    }
    fail(e, "label '%s' not defined", inline_common_id_text(e, pn));
    return 0;
}

// ---------------------------------------------------------------------------
// A function's passes.

// A function's labels are numbered in order of appearance, so there are
// no more of them than statements in its body.
static size_t max_labels_of(const scope_t *scope) {
    const pnode_t *body = scope->pn != NULL && scope->pn->n_kids > 3 ? scope->pn->u.kids[3] : NULL;
    if (pn_is_rule(body, RULE_suite_block_stmts)) {
        return body->n_kids;
    }
    return 1;
}

// A fresh assembler and label table for the function about to be sized.
// Returns false (with a MemoryError) when they cannot be allocated.
static bool start_function(emit_inline_asm_t *e) {
    emit_inline_asm_free(e);
    e->n_labels = max_labels_of(e->scope);
    e->label_names = arena_alloc(e->arena, e->n_labels * sizeof(qstr_t));
    bool ok = e->label_names != NULL;
    if (ok) {
        ok = e->arch->init_asm(e, e->n_labels);
        e->has_as = true;
    }
    if (!ok) {
        e->n_labels = 0;
        return diag_error(e->d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
    }
    return true;
}

// A function gets its assembler on its first pass. Every sizing pass
// forgets the label names (Xtensa's second one learns the literal pool's
// size from the first); the emit pass keeps them, so forward labels
// resolve.
static void inline_start_pass(emit_inline_asm_t *e, emit_pass_t pass, scope_t *scope, diag_t *d) {
    bool is_new_function = e->scope != scope || !e->has_as;
    e->pass = pass;
    e->scope = scope;
    e->d = d;
    e->has_msg = false;
    if (is_new_function && !start_function(e)) {
        return;
    }
    if (pass == EMIT_PASS_CODE_SIZE) {
        for (size_t i = 0; i < e->n_labels; i++) {
            e->label_names[i] = QSTR_NULL;
        }
    }
    e->arch->start_pass(e, pass == EMIT_PASS_EMIT ? ASM_PASS_EMIT : ASM_PASS_COMPUTE);
}

// Hands the finished code to the scope (in the arena).
static void store_code(emit_inline_asm_t *e, uint32_t type_sig) {
    size_t len = e->as->code_offset;
    uint8_t *code = arena_alloc(e->arena, len + 1);
    emit_raw_code_t *rc = e->scope->raw_code;
    if (rc == NULL) {
        rc = arena_alloc(e->arena, sizeof(*rc));
        e->scope->raw_code = rc;
    }
    if (code == NULL || rc == NULL) {
        diag_error(e->d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
        return;
    }
    memcpy(code, e->as->code, len);
    rc->rc.kind = MPY_CODE_ASM;
    rc->rc.code = code;
    rc->rc.code_len = len;
    rc->rc.file_offset = -1;
    rc->rc.scope_flags = 0;
    rc->rc.n_pos_args = e->scope->num_pos_args;
    rc->rc.type_sig = type_sig;
}

static void inline_end_pass(emit_inline_asm_t *e, uint32_t type_sig) {
    e->arch->finish_pass(e);
    if (e->pass != EMIT_PASS_EMIT || diag_failed(e->d)) {
        return;
    }
    asm_error_t err = e->as->error;
    if (err == ASM_ERR_NO_MEMORY) {
        diag_error(e->d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
        return;
    }
    if (err != ASM_OK) {
        diag_error(e->d, DIAG_RUNTIME_ERROR, 0, "internal error in the %s assembler: %s", e->arch->name,
            asm_error_text(err));
        return;
    }
    store_code(e, type_sig);
}

static unsigned inline_count_params(emit_inline_asm_t *e, size_t n_params, pnode_t *const *params) {
    if (n_params > 4) {
        diag_error(e->d, DIAG_SYNTAX_ERROR, 0, "%s", e->arch->too_many_params);
        return 0;
    }
    for (size_t i = 0; i < n_params; i++) {
        if (!e->arch->is_param(e, params[i], i)) {
            diag_error(e->d, DIAG_SYNTAX_ERROR, 0, "%s", e->arch->param_names);
            return 0;
        }
    }
    return (unsigned)n_params;
}

// Duplicates are looked for while sizing; the emit pass only reassigns.
static bool inline_label(emit_inline_asm_t *e, unsigned n, qstr_t name) {
    size_t defined;
    if (e->pass != EMIT_PASS_EMIT && inline_common_find_label(e, name, &defined)) {
        return false;
    }
    if (n < e->n_labels) {
        e->label_names[n] = name;
    }
    asm_base_label_assign(e->as, n);
    return true;
}

// The official arithmetic, kept exactly (including its types), so that
// odd alignments such as 0 or 3 move the offset the same way: it may even
// move backwards, and padding is never written (the buffer starts zeroed).
static void inline_align(emit_inline_asm_t *e, unsigned n) {
    size_t off = e->as->code_offset;
    size_t aligned = (off + n - 1) & (size_t)(~(n - 1));
    if (aligned >= off) {
        asm_base_get_cur_to_write_bytes(e->as, aligned - off);
    } else {
        e->as->code_offset = aligned;
    }
}

static void inline_data(emit_inline_asm_t *e, unsigned bytesize, uint64_t value) {
    asm_base_data(e->as, bytesize, value);
}

static void inline_op(emit_inline_asm_t *e, qstr_t op, size_t n_args, pnode_t *const *args) {
    e->has_msg = false;
    e->arch->assemble(e, qstr_str(e->pool, op), n_args, args);
    flush_msg(e);
}

const emit_inline_asm_ops_t emit_inline_asm_ops = {
    .start_pass = inline_start_pass,
    .end_pass = inline_end_pass,
    .count_params = inline_count_params,
    .label = inline_label,
    .align = inline_align,
    .data = inline_data,
    .op = inline_op,
};
