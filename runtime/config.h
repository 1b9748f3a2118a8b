// runtime/config.h: compile-time feature levels of the VM. A port picks a
// level (RT_LEVEL) and may override single switches before including this
// file (through -D flags or its own port config). Everything optional in the
// runtime tests one of these RT_* switches, never the level directly.
#ifndef RUNTIME_CONFIG_H
#define RUNTIME_CONFIG_H

#include <stdint.h>

// Feature levels: each includes everything of the levels below it.
#define RT_LEVEL_MINIMAL 0  // language core, int/str/list/tuple/dict, print
#define RT_LEVEL_CORE 1     // + float, set, bytes(array), generators, sys, gc, micropython
#define RT_LEVEL_FULL 2     // + math, struct, collections, io, json, memoryview, big ints

#ifndef RT_LEVEL
#define RT_LEVEL RT_LEVEL_FULL
#endif

#define RT_AT_LEAST(level) (RT_LEVEL >= (level))

#ifndef RT_FLOAT
#define RT_FLOAT RT_AT_LEAST(RT_LEVEL_CORE)
#endif
// The float type: double on the host; a port may choose float.
#ifndef RT_FLOAT_TYPE
#define RT_FLOAT_TYPE double
#endif
#ifndef RT_BIGINT
#define RT_BIGINT RT_AT_LEAST(RT_LEVEL_FULL)
#endif
#ifndef RT_SET
#define RT_SET RT_AT_LEAST(RT_LEVEL_CORE)
#endif
// bytearray, array.array and memoryview (runtime/objarray.c).
#ifndef RT_BYTEARRAY
#define RT_BYTEARRAY RT_AT_LEAST(RT_LEVEL_CORE)
#endif
#ifndef RT_MEMORYVIEW
#define RT_MEMORYVIEW RT_AT_LEAST(RT_LEVEL_FULL)
#endif
#ifndef RT_MOD_MATH
#define RT_MOD_MATH (RT_FLOAT && RT_AT_LEAST(RT_LEVEL_FULL))
#endif
#ifndef RT_MOD_STRUCT
#define RT_MOD_STRUCT RT_AT_LEAST(RT_LEVEL_FULL)
#endif
#ifndef RT_MOD_COLLECTIONS
#define RT_MOD_COLLECTIONS RT_AT_LEAST(RT_LEVEL_FULL)
#endif
#ifndef RT_MOD_JSON
#define RT_MOD_JSON RT_AT_LEAST(RT_LEVEL_FULL)
#endif
#ifndef RT_MOD_IO
#define RT_MOD_IO RT_AT_LEAST(RT_LEVEL_FULL)
#endif
#ifndef RT_MOD_SYS
#define RT_MOD_SYS RT_AT_LEAST(RT_LEVEL_CORE)
#endif
#ifndef RT_MOD_MICROPYTHON
#define RT_MOD_MICROPYTHON RT_AT_LEAST(RT_LEVEL_CORE)
#endif
// time, array, heapq, random, errno (runtime/modsmall.c).
#ifndef RT_MOD_SMALL
#define RT_MOD_SMALL RT_AT_LEAST(RT_LEVEL_CORE)
#endif
#ifndef RT_MOD_BINASCII
#define RT_MOD_BINASCII RT_AT_LEAST(RT_LEVEL_FULL)
#endif
// str % and str.format (runtime/strfmt.c).
#ifndef RT_STR_FORMAT
#define RT_STR_FORMAT RT_AT_LEAST(RT_LEVEL_CORE)
#endif
// eval/exec/compile through a port's compile hook (runtime/eval.c).
#ifndef RT_EVAL
#define RT_EVAL RT_AT_LEAST(RT_LEVEL_CORE)
#endif
// The .mpy loader: running and importing .mpy files (runtime/loader.c).
// Without it only frozen modules run and import.
#ifndef RT_LOADER
#define RT_LOADER RT_AT_LEAST(RT_LEVEL_CORE)
#endif
// Small-RAM tables. Without RT_QSTR_HASH_TABLE the built-in qstrs are
// found by a linear search instead of a hash table in static RAM (5 KB);
// with RT_ROM_BUILTINS the builtins name space is a read-only dict in
// flash instead of a copy in RAM (2 KB), so builtins cannot be assigned.
#ifndef RT_QSTR_HASH_TABLE
#define RT_QSTR_HASH_TABLE RT_AT_LEAST(RT_LEVEL_CORE)
#endif
#ifndef RT_ROM_BUILTINS
#define RT_ROM_BUILTINS (!RT_AT_LEAST(RT_LEVEL_CORE))
#endif
// print_printf through the C library's vsnprintf; without it a small
// formatter of the conversions the runtime uses (runtime/print.c).
#ifndef RT_PRINTF_LIBC
#define RT_PRINTF_LIBC RT_AT_LEAST(RT_LEVEL_CORE)
#endif
// Host-only modules (runtime/ports/host/): ffi and deflate are built when
// <ffi.h> and <zlib.h> are found, unless RT_MOD_FFI=0 or RT_MOD_DEFLATE=0
// (a -m32 build on a machine without 32-bit libffi and zlib).

// Words of the heap's allocation unit. Two words keep a boxed float in one
// block on 64-bit hosts and 16-byte blocks on 32-bit boards.
#ifndef RT_GC_BLOCK_BYTES
#define RT_GC_BLOCK_BYTES 16
#endif
// Depth of the mark stack before the collector falls back to rescanning.
#ifndef RT_GC_MARK_STACK
#define RT_GC_MARK_STACK (RT_AT_LEAST(RT_LEVEL_CORE) ? 256 : 32)
#endif

// Computed-goto dispatch where the compiler supports labels as values.
#if !defined(RT_COMPUTED_GOTO) && defined(__GNUC__)
#define RT_COMPUTED_GOTO 1
#endif
#ifndef RT_COMPUTED_GOTO
#define RT_COMPUTED_GOTO 0
#endif

// Non-local return: GCC's builtin setjmp saves only what it needs and is far
// cheaper than the C library's; the sanitizers only understand the latter.
#if defined(__SANITIZE_ADDRESS__)
#define RT_NLR_LIBC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_NLR_LIBC 1
#endif
#endif
#if !defined(RT_NLR_LIBC) && !defined(__GNUC__)
#define RT_NLR_LIBC 1
#endif
#ifndef RT_NLR_LIBC
#define RT_NLR_LIBC 0
#endif

// Number of Python call levels before "maximum recursion depth exceeded".
#ifndef RT_MAX_DEPTH
#define RT_MAX_DEPTH 10000
#endif

#endif // RUNTIME_CONFIG_H
