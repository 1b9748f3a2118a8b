# A package frozen with the demo: its __init__ runs on first import.
VERSION = (1, 0)
