import math


class Polygon:
    def __init__(self, name, points):
        self.name = name
        self.points = points

    def area(self):
        # The shoelace formula.
        n = len(self.points)
        s = 0
        for i in range(n):
            x0, y0 = self.points[i]
            x1, y1 = self.points[(i + 1) % n]
            s += x0 * y1 - x1 * y0
        return abs(s) / 2

    def __repr__(self):
        return "<%s with %d corners>" % (self.name, len(self.points))


def regular_area(n, side):
    return n * side * side / (4 * math.tan(math.pi / n))
