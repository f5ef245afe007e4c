import sys

from sea_lsp.cli import main

sys.exit(main())
