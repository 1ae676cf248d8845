import sqlite3
import sys


def main() -> None:
    columns = ", ".join(sys.argv[1:])
    cur = sqlite3.connect("metrics.db").cursor()
    cur.execute("SELECT " + columns + " FROM metrics")
    print(cur.fetchall())


if __name__ == "__main__":
    main()
