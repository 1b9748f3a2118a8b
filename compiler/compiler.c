// compiler/compiler.c: the driver behind compile_to_mpy(): one
// compilation's arena and qstr pool, lexing and parsing, the compile walk
// with the bytecode emitter, the module tables, the .mpy header fields,
// and serialising the result. Everything else is delegated: the front end
// (lexer.c, parser.c), the walk (compile*.c), the emitter (emitters/) and
// the writer (mpyformat/mpy_write.c).
#include "compiler.h"

#include <string.h>

#include "../emitters/emit.h"
#include "../emitters/inline_asm.h"
#include "compile_internal.h"
#include "lexer.h"
#include "parse.h"

void compile_options_init(compile_options_t *o) {
    memset(o, 0, sizeof(*o));
    o->source_name = "<stdin>";
    o->opt_level = 0;
    o->small_int_bits = MPY_DEFAULT_SMALL_INT_BITS;
    o->arch = MPY_ARCH_NONE;
    o->default_emit = COMPILE_EMIT_BYTECODE;
}

// Interns the names the walk compares against that are not static qstrs.
// Returns false when out of memory.
static bool intern_walk_names(qstr_pool_t *pool, compile_names_t *n) {
    struct {
        qstr_t *slot;
        const char *text;
    } rows[] = {
        {&n->lambda, "<lambda>"},
        {&n->listcomp, "<listcomp>"},
        {&n->dictcomp, "<dictcomp>"},
        {&n->setcomp, "<setcomp>"},
        {&n->genexpr, "<genexpr>"},
        {&n->native, "native"},
        {&n->viper, "viper"},
        {&n->asm_thumb, "asm_thumb"},
        {&n->asm_xtensa, "asm_xtensa"},
        {&n->asm_rv32, "asm_rv32"},
        {&n->aiter, "__aiter__"},
        {&n->anext, "__anext__"},
        {&n->aenter, "__aenter__"},
        {&n->aexit, "__aexit__"},
        {&n->stop_async_iteration, "StopAsyncIteration"},
        {&n->ordered_dict, "OrderedDict"},
        {&n->repl_print, "__repl_print__"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        *rows[i].slot = qstr_intern_cstr(pool, rows[i].text);
        if (*rows[i].slot == QSTR_NULL) {
            return false;
        }
    }
    return true;
}

// Lexes and parses the whole source into *tree. Records SyntaxError and
// friends in d.
static bool parse_source(const uint8_t *src, size_t len, const compile_options_t *opts, arena_t *arena,
    qstr_pool_t *pool, parse_tree_t *tree, diag_t *d) {
    lexer_t lex;
    lex_init(&lex, src, len, opts->source_name, opts->opt_level);
    parse_input_kind_t kind = opts->input == COMPILE_INPUT_EVAL ? PARSE_EVAL_INPUT
        : opts->input == COMPILE_INPUT_SINGLE                   ? PARSE_SINGLE_INPUT
                                                                : PARSE_FILE_INPUT;
    bool ok = parse(&lex, kind, arena, pool, opts->small_int_bits, tree, d);
    lex_deinit(&lex);
    return ok;
}

// The inline assembler front end for the target, if it has one. Returns
// false when it has one that cannot be allocated.
static bool open_inline_asm(compiler_t *c, arena_t *arena, const qstr_pool_t *pool, const compile_options_t *opts) {
    if (emit_inline_thumb_serves(opts->arch)) {
        c->asm_emit = emit_inline_thumb_new(arena, pool, opts->arch);
    } else if (emit_inline_xtensa_serves(opts->arch)) {
        c->asm_emit = emit_inline_xtensa_new(arena, pool, opts->arch);
    } else if (emit_inline_rv32_serves(opts->arch)) {
        c->asm_emit = emit_inline_rv32_new(arena, pool, opts->arch_flags);
    } else {
        return true;
    }
    c->asm_ops = &emit_inline_asm_ops;
    return c->asm_emit != NULL;
}

// Runs the compile walk with the bytecode emitter; on success fills the
// module tables and raw code tree of *f.
static bool compile_tree(const parse_tree_t *tree, const compile_options_t *opts, arena_t *arena,
    qstr_pool_t *pool, qstr_t source, mpy_file_t *f, bool *has_native, diag_t *d) {
    emit_module_t *m = emit_module_new(arena, pool, source);
    emitter_t *e = m != NULL ? emit_bc_new(arena, m, d) : NULL;
    compiler_t c;
    memset(&c, 0, sizeof(c));
    if (e == NULL || !intern_walk_names(pool, &c.names)) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
    }
    emit_bc_set_opt_level(e, opts->opt_level);
    c.arena = arena;
    c.pool = pool;
    c.opts = opts;
    c.diag = d;
    c.ops = &emit_bc_ops;
    c.emit = e;
    c.set_max_num_labels = emit_bc_set_max_num_labels;
    // Native and viper scopes get the native emitter when the target has
    // one; otherwise the walk refuses them.
    if (emit_native_supports(opts->arch)) {
        c.native_emit = emit_native_new(arena, m, pool, opts->arch, &c.next_label, d);
        if (c.native_emit == NULL) {
            return diag_error(d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
        }
        emit_native_set_arch_flags(c.native_emit, opts->arch_flags);
        c.native_ops = &emit_native_ops;
        c.set_native_max_num_labels = emit_native_set_max_num_labels;
    }
    // @micropython.asm_thumb (asm_xtensa, asm_rv32) functions get their
    // inline assembler when the target is one it serves; otherwise the
    // walk refuses them.
    if (!open_inline_asm(&c, arena, pool, opts)) {
        return diag_error(d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
    }
    scope_t *module = NULL;
    bool ok = compile_run(&c, tree->root, &module);
    emit_inline_asm_free(c.asm_emit);
    if (c.native_emit != NULL) {
        emit_native_free(c.native_emit);
    }
    if (!ok) {
        return false;
    }
    *has_native = c.has_native;
    return emit_module_finish(m, module, f, d);
}

// The header as the official tool writes it: the sub-version and
// architecture only when the file holds native code;
// the architecture flags whenever -march-flags was given.
static void fill_header(mpy_file_t *f, const compile_options_t *opts, bool has_native) {
    f->version = MPY_VERSION;
    f->sub_version = has_native ? MPY_SUB_VERSION : 0;
    f->arch = has_native ? opts->arch : MPY_ARCH_NONE;
    f->has_arch_flags = opts->has_arch_flags;
    f->arch_flags = opts->arch_flags;
    f->small_int_bits = (uint8_t)opts->small_int_bits;
}

bool compile_to_mpy(const uint8_t *src, size_t len, const compile_options_t *opts, buf_t *out, diag_t *d) {
    arena_t arena;
    arena_init(&arena);
    qstr_pool_t *pool = qstr_pool_new();
    bool ok = false;
    if (pool == NULL) {
        diag_error(d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
        goto done;
    }
    qstr_t source = qstr_intern_cstr(pool, opts->source_name);
    parse_intern_builtin_qstrs(pool);
    parse_tree_t tree;
    if (source == QSTR_NULL || !parse_source(src, len, opts, &arena, pool, &tree, d)) {
        if (!diag_failed(d)) {
            diag_error(d, DIAG_MEMORY_ERROR, 0, "memory allocation failed");
        }
        goto done;
    }
    mpy_file_t f;
    memset(&f, 0, sizeof(f));
    bool has_native = false;
    if (!compile_tree(&tree, opts, &arena, pool, source, &f, &has_native, d)) {
        goto done;
    }
    fill_header(&f, opts, has_native);
    ok = mpy_write(&f, out, d);
done:
    qstr_pool_free(pool);
    arena_deinit(&arena);
    return ok;
}
