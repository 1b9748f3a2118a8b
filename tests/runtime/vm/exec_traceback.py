# status: 1
# Tracebacks through exec name "<string>": parser errors without a block,
# compile errors with their scope, runtime errors with each frame.
import sys
for src in ["x = 1\ny = (", "x = 1\nreturn x", "def g():\n    yield from 1\n    nonlocal q"]:
    try:
        exec(src)
    except SyntaxError as e:
        sys.print_exception(e)
exec("def f():\n    return 1 / 0\nf()")
