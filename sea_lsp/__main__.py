import sys

from sea_lsp.cli.main import main

sys.exit(main())
