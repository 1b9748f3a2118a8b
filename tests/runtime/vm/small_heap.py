# Runs in an 8 KB heap: objects come and go, the collector keeps up.
# heap: 8k
class Node:
    def __init__(self, v, nxt):
        self.v = v
        self.nxt = nxt
total = 0
for round in range(50):
    head = None
    for i in range(20):
        head = Node(i, head)
    while head:
        total += head.v
        head = head.nxt
print(total, {str(i): i * i for i in range(6)})
