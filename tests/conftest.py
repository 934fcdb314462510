"""Test-wide isolation: nothing a user uploaded in the web app reaches a test.

The uploads folder (`Settings.uploads`, default `data/uploads/`) is indexed with
the corpus, so every test process, and every subprocess it starts (the CLI, the
app), gets an empty uploads folder of its own unless a test sets another one.
"""

from __future__ import annotations

import os
import tempfile

os.environ["ASSISTANT_UPLOADS"] = tempfile.mkdtemp(prefix="assistant-test-uploads-")
