"""The broker-backed task backend (depesche.core.rq) against a real Redis.

These tests need TASKS_URL=redis://…: .ci/run requests them (with tests/delivery, tests/core and
the other task tests) only after checking that Redis at 127.0.0.1:6379 answers; without
TASKS_URL this folder is not collected, since RQ is then not configured at all.
"""

import os

collect_ignore_glob = [] if os.environ.get("TASKS_URL") else ["test_*.py"]
