"""Write the realistic CRM export fixtures (``tests/io/crm/exports.py``) into a folder.

Usage: ``.venv/bin/python tests/data/crm_exports/write_exports.py [OUT_DIR]`` (default:
``tests/data/crm_exports/files``, which git ignores). Fixed seeds: the same bytes every run.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.io.crm.exports import write_all  # noqa: E402

if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "files"
    written = write_all(out)
    print(f"{len(written)} export fixtures written to {out}")
