import subprocess


def main() -> None:
    pattern = input("search for: ")
    cmd = "grep -rn '{}' /var/log".format(pattern)
    subprocess.check_output(cmd, shell=True)


main()
