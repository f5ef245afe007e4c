# added by mine_fixes.py: test this copy of the package, not an installed one
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / ''))
for _m in [m for m in sys.modules if m == 'semver' or m.startswith('semver' + ".")]:
    del sys.modules[_m]

