# expect: CWE-95
import sys

def main():
    expr = sys.argv[1]
    print(eval(expr, {"__builtins__": {}}))

if __name__ == "__main__":
    main()
