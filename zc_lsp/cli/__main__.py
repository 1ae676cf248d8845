"""`python -m zc_lsp.cli` is `zc`."""

import sys

from zc_lsp.cli import main

sys.exit(main())
