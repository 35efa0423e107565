"""README.md stays true: its complete example and its unit-test example run as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi

from .test_component import SHARE_TYPE, EchoMocks, run, use_mocks

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
PLACEHOLDERS = {
    "<CSBS backup (checkpoint item) id>": "c0000000-0000-4000-8000-000000000001",
    "<CBR backup id>": "e0000000-0000-4000-8000-000000000001",
    "<subnet uuid>": "d0000000-0000-4000-8000-000000000001",
    "<original disk id>": "b0000000-0000-4000-8000-000000000002",
    "<project id>": "0123456789abcdef0123456789abcd01",
    "<other project id>": "0123456789abcdef0123456789abcd02",
    "<CBR server-backup vault id in the other project>": "f0000000-0000-4000-8000-0000000000a2",
}
ACCEPTER_TYPE = "huaweicloud:Ims/imageShareAccepter:ImageShareAccepter"
ORIGINAL = PLACEHOLDERS["<original disk id>"]


def block_after(heading: str) -> str:
    found = re.search(rf"{re.escape(heading)}.*?```python\n(.*?)```", README, re.S)
    assert found, heading
    return found.group(1)


def test_the_complete_example_declares_two_images_three_servers_a_share_and_its_acceptor() -> None:
    source = block_after("## A complete example")
    for placeholder, value in PLACEHOLDERS.items():
        source = source.replace(placeholder, value)
    assert "<" not in source.replace("<=", "")  # every placeholder was filled
    mocks = EchoMocks(
        {
            "image_id": "img",
            "min_disk": 40,
            "data_disks": [{"id": ORIGINAL, "size": 100, "type": "SSD"}],
            "source_disks": {
                "system": {"id": "b0000000-0000-4000-8000-000000000001", "size": 40, "type": "SSD"},
                "data": [{"id": ORIGINAL, "size": 100, "type": "SSD"}],
            },
        }
    )
    use_mocks(mocks, preview=False)
    # The example reads the other project's keys as secrets from stack config.
    pulumi.runtime.set_all_config({"full-ecs-image:otherAk": "OTHERAK", "full-ecs-image:otherSk": "OTHERSK"})

    def program() -> pulumi.Output[Any]:
        exec(compile(source, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102 - our own README
        return pulumi.Output.from_input(None)

    run(program)
    kinds = [r.typ for r in mocks.registered]
    assert kinds.count("huaweicloud:Ecs/instance:Instance") == 3
    assert kinds.count(SHARE_TYPE) == 1
    assert kinds.count(ACCEPTER_TYPE) == 1
    assert kinds.count("pulumi:providers:huaweicloud") == 1
    assert kinds.count("hwc:ims:FullEcsImage") == 2


def test_the_unit_test_example_passes_and_can_fail(tmp_path: Path) -> None:
    example = block_after("### Unit-testing a stack that uses it")
    (tmp_path / "test_stack.py").write_text(example, encoding="utf-8")
    broken = example.replace("assert backup_id == BACKUP", 'assert backup_id == "another backup"')
    (tmp_path / "test_broken.py").write_text(broken, encoding="utf-8")

    def pytest(name: str) -> int:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name]
        env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
        return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, check=False).returncode

    assert pytest("test_stack.py") == 0
    assert pytest("test_broken.py") == 1
