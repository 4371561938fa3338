import sys
from pathlib import Path

# The package is imported from this checkout, not from an installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
