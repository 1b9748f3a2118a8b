# sys.exit(n) ends the program with status n; output before it is kept.
# args: -
# status: 3
import sys
print("before")
sys.exit(3)
print("not reached")
