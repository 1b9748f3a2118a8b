# Recursion stops after 190 nested calls (the module level included), near
# where the official unix port's C stack check stops a simple function;
# the VM is usable again once the RuntimeError has unwound.
def f(n):
    try:
        return f(n + 1)
    except RuntimeError:
        return n


print(f(0), f(0))


def g(n):
    return g(n + 1)


try:
    g(0)
except RuntimeError as e:
    print(repr(e))
print(eval("f(0)"))
