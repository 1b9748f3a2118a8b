# eval, exec and compile() through the host port's compiler: name spaces,
# return values, errors caught by the program, nesting, definitions.

# globals and locals: reads fall back from locals to globals to builtins,
# writes go to locals
g = {"a": 1}
l = {"b": 2}
print(eval("a + b + len('xyz')", g, l))
exec("c = a + b", g, l)
print(sorted(g.keys()), sorted(l.keys()), l["c"])
exec("d = 4", g)
print(g["d"])

# defaults: the caller's globals; a function sees the module's names
top = 10
def f():
    return eval("top * 2")
print(f())
exec("made_here = top + 1")
print(made_here)

# return values: eval gives the value, exec None, tuples from lists
print(eval("1, 2"), exec("1 + 1"), eval("3\n\n"))
print(eval(b"2 ** 10"), eval("'%s-%d' % ('x', 5)"))

# nested eval and exec
print(eval("eval('1 + 1') * 3"))
exec("exec('inner = 5')")
print(inner)
print(eval("eval('q * 2', {'q': 21})"))

# exec defining functions and classes in a given dict: they keep it as
# their globals even when called from outside
ns = {"scale": 3}
exec("""
def mul(x):
    return x * scale

class Box:
    kind = 'box'
    def __init__(self, v):
        self.v = mul(v)
    def __repr__(self):
        return 'Box(%d)' % self.v
""", ns)
print(ns["mul"](5), ns["Box"](2), ns["Box"].kind)
ns["scale"] = 10
print(ns["mul"](5), "scale" in globals())

# locals separate from globals: functions still look up globals
gl = {"q": 7}
lo = {}
exec("def h():\n    return q\nr = h()", gl, lo)
print(sorted(lo.keys()), lo["r"], "h" in gl)

# syntax errors are exceptions the program can catch
for src in ["1 +", "(", "x = = 1", "def broken(:\n    pass"]:
    try:
        exec(src)
    except SyntaxError as e:
        print(repr(src), "->", type(e).__name__, e)
try:
    eval("a = 1")
except SyntaxError as e:
    print("statement in eval ->", e)
try:
    exec("if 1:\n  x = 1\n    y = 2")
except IndentationError as e:
    print("IndentationError", e)
try:
    exec("return 5")
except SyntaxError as e:
    print("compile error ->", e)

# runtime errors inside propagate; the caller's name space comes back
try:
    exec("after_error = 1\n1 / 0", {}, {})
except ZeroDivisionError:
    print("ZeroDivisionError", "after_error" in globals())
still_module = 1
print(globals()["still_module"])

# compile(): once, then run many times, in any mode
code = compile("x * x", "<sq>", "eval")
print([eval(code, {"x": i}) for i in range(4)], type(code).__name__)
stmts = compile("y = x + 1", "<st>", "exec")
env = {"x": 1}
print(exec(stmts, env), env["y"])
exec(compile("1 + 2", "<s>", "single"))
exec(compile("None", "<s>", "single"))
exec(compile("for i in range(2): i", "<s>", "single"))
try:
    compile("1", "<s>", "bogus")
except ValueError as e:
    print("ValueError", e)
try:
    compile("1 +", "<file>", "exec")
except SyntaxError as e:
    print("SyntaxError", e)
try:
    eval("1", [])
except TypeError:
    print("TypeError")
