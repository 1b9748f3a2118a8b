# Exhausting the heap raises MemoryError, which the program can catch.
# heap: 16k
keep = []
try:
    while True:
        keep.append([0] * 64)
except MemoryError:
    n = len(keep)
    keep = None
    print("MemoryError caught", n > 10)
print("still running", sum(range(10)))
