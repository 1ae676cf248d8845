import os
import subprocess


def backup() -> None:
    # The environment can still inject a command when it is pasted into a shell line.
    target = os.environ.get("BACKUP_TARGET", "/srv")
    subprocess.run(f"tar czf /tmp/backup.tgz {target}", shell=True, check=True)
