"""How many hostile inputs each entry point is tried with by the hostile-input tests
(tests/test_hostile_input.py, tests/test_hostile_web.py), from their shared catalogue
tests/hostile.py.

    python benchmarks/hostile_inputs.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile import counts  # noqa: E402


def main() -> None:
    figures = counts()
    width = max(map(len, figures))
    for entry_point, number in figures.items():
        print(f"{entry_point + ':':<{width + 1}} {number} inputs")
    print(f"{'total:':<{width + 1}} {sum(figures.values())} inputs")


if __name__ == "__main__":
    main()
