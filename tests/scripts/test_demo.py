"""`make demo` never undoes what the user changed: it sets stack config only where it is unset."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import demo


def test_a_rerun_keeps_the_users_backup_and_name_and_only_follows_the_simulator_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    already = {"full-ecs-image:backupId", "full-ecs-image:imageName", "huaweicloud:secretKey"}
    commands: list[tuple[str, ...]] = []
    monkeypatch.setattr(demo, "config_is_set", lambda _env, key: key in already)

    def record(_env: object, *args: str, **_options: object) -> str:
        commands.append(args)
        return ""

    monkeypatch.setattr(demo, "pulumi", record)

    demo.configure_stack({}, "http://127.0.0.1:1234")

    set_keys = [args[2] if args[2] != "--secret" else args[3] for args in commands]
    assert "full-ecs-image:backupId" not in set_keys
    assert "full-ecs-image:imageName" not in set_keys
    assert "huaweicloud:secretKey" not in set_keys
    assert {"huaweicloud:endpoints", "huaweicloud:region", "huaweicloud:projectId", "huaweicloud:accessKey",
            "full-ecs-image:servers"} == set(set_keys)  # fmt: skip
    assert all(args[:2] == ("config", "set") for args in commands)
