import os
import sys


def argv_len():
    return len(sys.argv)
