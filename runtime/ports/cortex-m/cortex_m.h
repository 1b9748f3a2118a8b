// runtime/ports/cortex-m/cortex_m.h: the pieces a Cortex-M board file uses
// from cortex_m.c and startup.c. The board's build names its core clock
// (CORTEX_M_CPU_HZ) for SysTick.
#ifndef RUNTIME_PORTS_CORTEX_M_CORTEX_M_H
#define RUNTIME_PORTS_CORTEX_M_CORTEX_M_H

#ifndef CORTEX_M_CPU_HZ
#define CORTEX_M_CPU_HZ 25000000
#endif

// Starts SysTick: one interrupt a millisecond.
void cortex_m_clock_init(void);
void cortex_m_systick_handler(void);

#endif // RUNTIME_PORTS_CORTEX_M_CORTEX_M_H
