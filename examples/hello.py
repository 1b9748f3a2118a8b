# A small program to try the toolchain on: compile it with mpy-cross, look
# inside with mpy-tool, run it with mpy-vm.
def greet(name, punctuation="!"):
    return "Hello, " + name + punctuation


class Counter:
    def __init__(self):
        self.counts = {}

    def add(self, word):
        self.counts[word] = self.counts.get(word, 0) + 1


c = Counter()
for w in "the quick brown fox jumps over the lazy dog the end".split():
    c.add(w)
print(greet("MicroPython"))
print("the:", c.counts["the"], "fox:", c.counts["fox"])
print([x * x for x in range(6)])
