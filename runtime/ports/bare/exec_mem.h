// runtime/ports/bare/exec_mem.h: starting the firmware's executable memory
// (exec_mem.c) afresh, for main_bare.c.
#ifndef RUNTIME_PORTS_BARE_EXEC_MEM_H
#define RUNTIME_PORTS_BARE_EXEC_MEM_H

// Forgets all machine code loaded so far. Call only between VMs: nothing
// may still reference it.
void bare_exec_reset(void);

#endif // RUNTIME_PORTS_BARE_EXEC_MEM_H
