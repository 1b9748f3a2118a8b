# Host-only modules: ffi (libc, libm, a qsort callback) and deflate (zlib, gzip).
import ffi
libc = ffi.open("libc.so.6")
strlen = libc.func("i", "strlen", "s")
print(strlen("hello"), strlen(""))
abs_ = libc.func("i", "abs", "i")
print(abs_(-42))
getenv = libc.func("s", "getenv", "s")
print(getenv("NO_SUCH_VAR_X"))
qsort = libc.func("v", "qsort", "pLLp")
import struct
data = bytearray(struct.pack("<5i", 5, 3, 9, 1, 7))
def cmp(a, b):
    x = struct.unpack("<i", ffi.as_bytearray(a, 4))[0]
    y = struct.unpack("<i", ffi.as_bytearray(b, 4))[0]
    return (x > y) - (x < y)
cb = ffi.callback("i", cmp, "pp")
qsort(data, 5, 4, cb)
print(struct.unpack("<5i", data))
libm = ffi.open("libm.so.6")
cos = libm.func("d", "cos", "d")
print(cos(0.0))
import deflate, io
buf = io.BytesIO()
with deflate.DeflateIO(buf, deflate.ZLIB) as f:
    f.write(b"hello hello hello hello")
comp = buf.getvalue()
print(len(comp) > 0, comp[:2])
print(deflate.DeflateIO(io.BytesIO(comp)).read())
buf = io.BytesIO()
g = deflate.DeflateIO(buf, deflate.GZIP)
g.write(b"gzip data")
g.close()
print(deflate.DeflateIO(io.BytesIO(buf.getvalue()), deflate.GZIP).read())
