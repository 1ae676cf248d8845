import argparse
import os

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host")
    opts = parser.parse_args()
    os.system(f"ping -c 3 {opts.host}")

if __name__ == "__main__":
    main()
