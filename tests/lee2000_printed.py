"""Lee et al. 2000 (``lee2000``) Tables 3-5 as printed, for every test that checks hdil2
against them (the demo registry, the report's tables, the virtual patients)."""

from __future__ import annotations

from typing import Any

# lee2000 Tables 3 and 4: course -> (treated, status before the course -> count,
# rows after x columns)
TABLES34: dict[str, dict[int, dict[str, Any]]] = {
    "melanoma": {
        1: {"treated": 149, "response": {"NR": 128, "MR": 0, "PR": 18, "CR": 3}},
        2: {"treated": 63, "by_status": {"NR": 43, "PR": 17, "CR": 3},
            "rows": {"NR": {"NR": 41}, "PR": {"NR": 2, "PR": 16}, "CR": {"PR": 1, "CR": 3}}},
        3: {"treated": 20, "by_status": {"NR": 8, "PR": 11, "CR": 1},
            "rows": {"NR": {"NR": 8}, "PR": {"PR": 10}, "CR": {"PR": 1, "CR": 1}}},
        4: {"treated": 4, "by_status": {"NR": 1, "PR": 3},
            "rows": {"NR": {"NR": 1}, "PR": {"PR": 3}}},
    },
    "rcc": {
        1: {"treated": 201, "response": {"NR": 166, "MR": 1, "PR": 30, "CR": 4}},
        2: {"treated": 96, "by_status": {"NR": 63, "MR": 1, "PR": 28, "CR": 4},
            "rows": {"NR": {"NR": 60}, "MR": {"NR": 1}, "PR": {"NR": 2, "MR": 1, "PR": 25},
                     "CR": {"PR": 3, "CR": 4}}},
        3: {"treated": 38, "by_status": {"NR": 9, "MR": 1, "PR": 21, "CR": 7},
            "rows": {"NR": {"NR": 9}, "PR": {"PR": 13}, "CR": {"MR": 1, "PR": 8, "CR": 7}}},
        4: {"treated": 10, "by_status": {"NR": 1, "PR": 7, "CR": 2},
            "rows": {"NR": {"NR": 1}, "PR": {"PR": 5}, "CR": {"PR": 2, "CR": 2}}},
    },
}
TABLE5_PRINTED = {  # Death in column 1, CR in columns 2-4
    "progressive_disease": (176, 77, 17, 6),
    "il2_toxicity": (8, 5, 1, 1),
    "death": (3, 0, 0, 0),
    "complete_response": (0, 4, 19, 1),
    "other": (4, 15, 6, 7),
}
