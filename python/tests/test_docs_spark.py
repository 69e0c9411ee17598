"""Every shell command docs/spark.md shows runs as shown (the docs cannot go stale), except the
ones listed in NOT_RUN with why; the wheel it builds has the tag the doc states.

The commands run in order at the root of the checkout, as the doc says: the wheel goes to
``dist/`` (git-ignored), the packed environment (``build-env/`` packed into ``env.tar.gz``) is
built from it and the doc's ``job.py`` runs with ``spark-submit`` in Spark ``local[2]``, its
workers using the environment unpacked from the archive (by the test, as YARN or Kubernetes
would: local mode does not unpack archives into the workers' working directory). The test
refuses to run over an existing ``build-env``, ``env``, ``env.tar.gz`` or ``job.py`` (never
clobbers them) and removes the ones it made.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "spark.md"

#: Commands the doc shows that this test does not run, with why (the doc says so too).
NOT_RUN = {
    "docker run --rm -v $PWD:/io ghcr.io/pyo3/maturin build --release -m python/Cargo.toml \\": (
        "needs Docker and the manylinux2014 image, which this machine and CI do not have"
    ),
    "--compatibility manylinux2014 -o /io/dist": "the second line of the docker command",
}


#: What a cluster manager does with ``--archives env.tar.gz#env`` (see the submit above).
UNPACK = "mkdir env && tar -xzf env.tar.gz -C env"


def sh_blocks(text: str) -> list[list[str]]:
    """The lines of every ```sh block, comments stripped."""
    out = []
    for block in text.split("```sh\n")[1:]:
        lines = [
            re.sub(r"\s+#.*$", "", line).strip() for line in block.split("```", 1)[0].splitlines()
        ]
        out.append([line for line in lines if line])
    return out


def test_the_doc_lists_what_it_does_not_run() -> None:
    lines = [line for block in sh_blocks(DOC.read_text()) for line in block]
    for line in NOT_RUN:
        assert line in lines, f"NOT_RUN names a line the doc no longer shows: {line}"
    assert "not run by the tests" in DOC.read_text()
    assert UNPACK in DOC.read_text(), "the doc must say how the test stands in for the cluster"


def test_every_shell_command_of_docs_spark_md_runs() -> None:
    text = DOC.read_text()
    found = re.search(r"^( *)```python\n\1# job\.py\n(.*?)^\1```", text, re.M | re.S)
    assert found, "docs/spark.md shows no job.py"
    job = textwrap.dedent(found.group(2))
    made = [ROOT / n for n in ("build-env", "env", "env.tar.gz", "job.py")]
    existing = [p.name for p in made if p.exists() or p.is_symlink()]
    if existing:
        pytest.fail(f"{existing} already exist at the checkout root: move them away to run this")
    commands = [line for block in sh_blocks(text) for line in block if line not in NOT_RUN]
    assert len(commands) >= 5
    # Spark's local mode does not unpack `--archives` into the workers' working directory, as
    # YARN and Kubernetes do for each executor: do it here, just before the submit.
    submit = next(i for i, c in enumerate(commands) if "spark-submit" in c)
    commands.insert(submit, UNPACK)
    env = dict(os.environ)
    # The docs' `python`, `pip`, `maturin` and `spark-submit` are the project's .venv ones.
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    env.pop("PYSPARK_PYTHON", None)
    env.pop("PYSPARK_DRIVER_PYTHON", None)
    start = time.time()
    script = "set -euo pipefail\n" + "\n".join(commands) + "\n"
    try:
        (ROOT / "job.py").write_text("# job.py\n" + job)
        run = subprocess.run(
            ["bash", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        for p in made:
            if p.is_dir():
                shutil.rmtree(p)
            else:
                p.unlink(missing_ok=True)
    assert run.returncode == 0, (
        f"{script}\nstdout:\n{run.stdout[-3000:]}\nstderr:\n{run.stderr[-3000:]}"
    )
    # The job printed its rows from the workers of the packed environment.
    assert "INSUFFICIENT_FUNDS" in run.stdout
    assert "worker python: " in run.stdout and "/env/bin/python" in run.stdout

    # The wheel's tag is the one the doc states.
    wheels = sorted((ROOT / "dist").glob("psp_status-*.whl"), key=lambda p: p.stat().st_mtime)
    assert wheels and wheels[-1].stat().st_mtime >= start - 1, "the doc's build made no wheel"
    tag = re.search(r"-(cp\d+)-abi3-(\w+)\.whl$", wheels[-1].name)
    assert tag, wheels[-1].name
    assert f"`{tag.group(1)}-abi3`" in text
    platform_tag = tag.group(2)
    if sys.platform == "linux" and platform_tag.startswith("manylinux"):
        assert f"`{platform_tag}`" in text, f"the doc does not state the wheel's tag {platform_tag}"
    else:  # pragma: no cover - the project's machines are Linux
        pytest.skip(f"wheel tag {platform_tag}: the doc describes the Linux build")
