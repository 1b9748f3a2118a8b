# asyncio from runtime/lib/asyncio.py (compiled beside the program): tasks, gather, Event, wait_for, Lock.
import asyncio
async def worker(name, n, log):
    for i in range(n):
        log.append((name, i))
        await asyncio.sleep_ms(10 * (1 + len(name)))
    return name * 2
async def main():
    log = []
    t = asyncio.create_task(worker("a", 3, log))
    r = await asyncio.gather(worker("bb", 2, log), t)
    print(r, log)
    ev = asyncio.Event()
    async def setter():
        await asyncio.sleep(0.01)
        ev.set()
    asyncio.create_task(setter())
    print(await ev.wait())
    try:
        await asyncio.wait_for(asyncio.sleep(1), 0.02)
    except asyncio.TimeoutError:
        print("timeout")
    lock = asyncio.Lock()
    async def locked(i, out):
        async with lock:
            out.append(i)
            await asyncio.sleep_ms(1)
            out.append(-i)
    out = []
    await asyncio.gather(locked(1, out), locked(2, out))
    print(out)
    return 42
print(asyncio.run(main()))
