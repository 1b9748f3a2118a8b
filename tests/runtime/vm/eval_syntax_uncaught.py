# status: 1
# An uncaught SyntaxError from eval shows the caller's line, then the
# source's own "<string>" line (no block name for parser errors).
print("before")
eval("1 +\n")
