# The frozen demo's entry point: `make frozen-demo` freezes this folder
# into build/frozen-demo, which runs this module from its constant data.
import shapes
from shapes.polygon import Polygon, regular_area

print("frozen demo:", shapes.__name__, "version", shapes.VERSION)
square = Polygon("square", [(0, 0), (2, 0), (2, 2), (0, 2)])
print(square, "area", square.area())
print("hexagon of side 1: %.4f" % regular_area(6, 1.0))
print("big number:", 2**100 // 3)
print("modules:", sorted(k for k in ("shapes", "shapes.polygon") if k in __import__("sys").modules))
