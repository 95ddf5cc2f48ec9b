"""Both CRMs' loads in Dagster: `dagster dev -m orchestration.definitions` (`make dagster`)."""

import os
from pathlib import Path

# Dagster starts its code server and run workers from wherever it is run: dlt reads the project's .dlt/, as the
# scripts do from any folder.
os.environ.setdefault("DLT_PROJECT_DIR", str(Path(__file__).resolve().parents[1]))
