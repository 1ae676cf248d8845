"""The real server, with its services' start-up held until a gate file exists (end-to-end tests only).

It lets a test put requests in while start-up work is still pending, without relying on timing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from zc_lsp.handlers import lifecycle

GATE = Path(os.environ["ZC_TEST_START_GATE"])
_real_build = lifecycle.build_services_off_loop


def gated_build(*args: Any) -> Any:
    while not GATE.exists():  # runs in the services' thread, like the real build
        time.sleep(0.02)
    return _real_build(*args)


lifecycle.build_services_off_loop = gated_build

if __name__ == "__main__":
    from zc_lsp.__main__ import main

    sys.exit(main())
