# expect: safe
import ast, sys

def main():
    print(ast.literal_eval(sys.argv[1]))

if __name__ == "__main__":
    main()
