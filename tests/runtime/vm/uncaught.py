# An uncaught exception prints a MicroPython traceback and exits 1.
# status: 1
def inner(x):
    return 10 // x
def outer():
    return inner(0)
print("start")
outer()
