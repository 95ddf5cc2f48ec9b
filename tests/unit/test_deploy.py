"""`dlt deploy pipelines/<system>_pipeline.py github-action|airflow-composer` starts by reading the script: it must
import dlt, call `dlt.pipeline(...)` with a literal name and run it (`.run(...)`). The rest of deploy needs GitHub
(its templates) and a pipeline that has loaded once; this checks the part that reads our scripts, with dlt's code."""

from __future__ import annotations

import pytest
from dlt._workspace.cli._deploy_command_helpers import get_visitors, parse_pipeline_info
from dlt.reflection import names

from pipelines.common import PROJECT_ROOT


@pytest.mark.parametrize("system", ["ploomes", "hivestr", "erp"])
def test_dlt_deploy_finds_the_pipeline_and_its_run_in_the_script(system):
    path = PROJECT_ROOT / "pipelines" / f"{system}_pipeline.py"
    visitor = get_visitors(path.read_text(), str(path))  # raises what `dlt deploy` would print
    assert names.RUN in visitor.known_calls
    # the name deploy attaches to (for the pipeline's state and trace); no pipelines_dir: dlt's default
    assert parse_pipeline_info(visitor) == [(system, None)]
