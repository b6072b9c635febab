"""Write the hostile corpus (every case of ``tests/hostile/*_cases.py``) into a folder.

Usage: ``.venv/bin/python tests/data/hostile/build.py [OUT_DIR]`` (default: ``tests/data/hostile/cases``,
which git ignores). Each case folder holds its input files and ``EXPECT.txt``.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.hostile import build_all  # noqa: E402

if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "cases"
    folders = build_all(out)
    print(f"{len(folders)} hostile cases written to {out}")
