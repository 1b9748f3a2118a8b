# runtime/lib/asyncio.py: a small asyncio for mpy-vm, written for this VM
# (coroutines are generators; awaiting yields to the scheduler here). Until
# the freezer builds it into the runtime, compile it with mpy-cross and put
# asyncio.mpy on sys.path.
# Scheduling: ready tasks run in FIFO order; sleeping tasks wake in order of
# their deadline (ties in the order they went to sleep).
import time


class CancelledError(BaseException):
    pass


class TimeoutError(Exception):
    pass


class _Sleep:
    # awaitable that suspends the current task for ms milliseconds
    def __init__(self, ms):
        self.ms = ms

    def __iter__(self):
        yield ("sleep", self.ms)

    __await__ = __iter__


class _Wait:
    # awaitable that suspends the current task until something wakes it
    def __iter__(self):
        yield ("wait", None)

    __await__ = __iter__


def sleep_ms(ms):
    return _Sleep(max(0, int(ms)))


def sleep(s):
    return _Sleep(max(0, int(s * 1000)))


async def _await(aw):
    # turns any awaitable into a coroutine a task can drive
    return await aw


class Task:
    def __init__(self, coro, loop):
        self.coro = coro
        self.loop = loop
        self.done_ = False
        self.result_ = None
        self.error = None
        self.waiters = []
        self.cancelled_ = False
        self.pending = None

    def done(self):
        return self.done_

    def result(self):
        if self.error is not None:
            raise self.error
        return self.result_

    def cancel(self):
        if self.done_:
            return False
        self.pending = CancelledError()
        self.loop._remove_sleeper(self)
        self.loop._ready(self)
        return True

    def __iter__(self):
        if not self.done_:
            self.waiters.append(self.loop.current)
            yield ("wait", None)
        if self.error is not None:
            raise self.error
        return self.result_

    __await__ = __iter__


class Loop:
    def __init__(self):
        self.queue = []
        self.sleepers = []
        self.seq = 0
        self.current = None
        self.clock = 0

    def _ready(self, task, value=None):
        if task not in self.queue:
            self.queue.append(task)

    def _remove_sleeper(self, task):
        self.sleepers = [s for s in self.sleepers if s[2] is not task]

    def create_task(self, coro):
        if not hasattr(coro, "send"):
            coro = _await(coro)
        t = Task(coro, self)
        self._ready(t)
        return t

    def _finish(self, task, result, error):
        task.done_ = True
        task.result_ = result
        task.error = error
        for w in task.waiters:
            self._ready(w)
        task.waiters = []

    def _step(self, task):
        self.current = task
        try:
            if task.pending is not None:
                exc = task.pending
                task.pending = None
                req = task.coro.throw(exc)
            else:
                req = task.coro.send(None)
        except StopIteration as e:
            self._finish(task, e.value, None)
            return
        except CancelledError as e:
            task.cancelled_ = True
            self._finish(task, None, e)
            return
        except Exception as e:
            self._finish(task, None, e)
            return
        finally:
            self.current = None
        kind, arg = req if isinstance(req, tuple) else ("sleep", 0)
        if kind == "sleep":
            self.seq += 1
            self.sleepers.append((self.clock + arg, self.seq, task))
        # "wait": someone else puts the task back in the queue

    def run_until_complete(self, main):
        task = main if isinstance(main, Task) else self.create_task(main)
        while not task.done_:
            if self.queue:
                t = self.queue.pop(0)
                if not t.done_:
                    self._step(t)
            elif self.sleepers:
                self.sleepers.sort()
                wake, _, t = self.sleepers.pop(0)
                if wake > self.clock:
                    time.sleep_ms(wake - self.clock)
                    self.clock = wake
                self._ready(t)
            else:
                raise RuntimeError("deadlock: nothing left to run")
        return task.result()

    def run_forever(self):
        raise NotImplementedError

    def close(self):
        pass


_loop = None


def get_event_loop():
    global _loop
    if _loop is None:
        _loop = Loop()
    return _loop


def new_event_loop():
    global _loop
    _loop = Loop()
    return _loop


def create_task(coro):
    return get_event_loop().create_task(coro)


def current_task():
    return get_event_loop().current


def run(main):
    return new_event_loop().run_until_complete(main)


async def gather(*aws, return_exceptions=False):
    loop = get_event_loop()
    tasks = [a if isinstance(a, Task) else loop.create_task(a) for a in aws]
    results = []
    for t in tasks:
        try:
            results.append(await t)
        except Exception as e:
            if not return_exceptions:
                raise
            results.append(e)
    return results


async def wait_for_ms(aw, timeout):
    loop = get_event_loop()
    task = aw if isinstance(aw, Task) else loop.create_task(aw)
    waited = 0
    while not task.done() and waited < timeout:
        await sleep_ms(1)
        waited += 1
    if not task.done():
        task.cancel()
        raise TimeoutError()
    return task.result()


def wait_for(aw, timeout):
    return wait_for_ms(aw, int(timeout * 1000))


class Event:
    def __init__(self):
        self.state = False
        self.waiting = []

    def is_set(self):
        return self.state

    def set(self):
        self.state = True
        loop = get_event_loop()
        for t in self.waiting:
            loop._ready(t)
        self.waiting = []

    def clear(self):
        self.state = False

    async def wait(self):
        if not self.state:
            self.waiting.append(current_task())
            await _Wait()
        return True


class Lock:
    def __init__(self):
        self.state = False
        self.waiting = []

    def locked(self):
        return self.state

    async def acquire(self):
        while self.state:
            self.waiting.append(current_task())
            await _Wait()
        self.state = True
        return True

    def release(self):
        if not self.state:
            raise RuntimeError("Lock not acquired")
        self.state = False
        if self.waiting:
            get_event_loop()._ready(self.waiting.pop(0))

    async def __aenter__(self):
        return await self.acquire()

    async def __aexit__(self, exc_type, exc, tb):
        self.release()
