"""The installed package: import name `hwc_full_ecs_image` (also in a project with its own `components`
package), the plugin's launcher, the schema with a description for every property."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hwc_full_ecs_image.install import install, launcher_text
from hwc_full_ecs_image.package_schema import VERSION, WHOLE_IMAGE, package_schema

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(out),
        str(REPO),
    ]
    subprocess.run(command, check=True, capture_output=True)
    [built] = out.glob("hwc_full_ecs_image-*.whl")
    return built


def test_the_wheel_installs_hwc_full_ecs_image_with_its_plugin_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("__init__.py", "plugin.py", "component.py", "py.typed", "pulumi-plugin.json"):
        assert f"hwc_full_ecs_image/{name}" in names, name
    assert f"hwc_full_ecs_image-{VERSION}.dist-info/METADATA" in names


def test_a_project_with_its_own_components_package_imports_both(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    install_command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "-q",
        "--target",
        str(site),
        str(wheel),
    ]
    subprocess.run(install_command, check=True, capture_output=True)
    project = tmp_path / "project"
    (project / "components").mkdir(parents=True)
    (project / "components" / "__init__.py").write_text("WHOSE = 'the project'\n")
    program = (
        "import components, hwc_full_ecs_image\n"
        "from hwc_full_ecs_image import FullEcsImage, FullEcsImageArgs, WholeImage\n"
        "print(components.WHOSE, hwc_full_ecs_image.__file__)\n"
    )
    # The project directory first (as `python __main__.py` puts it), the installed wheel, then this
    # virtualenv's dependencies; never this checkout.
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1"}
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path[:0] = ['{project}', '{site}']\n{program}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    whose, where = result.stdout.strip().rsplit(" ", 1)
    assert whose == "the project"
    assert where.startswith(str(site)), where


def test_install_plugin_writes_an_absolute_interpreter_launcher(tmp_path: Path) -> None:
    launcher = install(tmp_path / "home", python=".venv/bin/python")
    assert launcher == tmp_path / "home" / "plugins" / f"resource-hwc-v{VERSION}" / "pulumi-resource-hwc"
    assert os.access(launcher, os.X_OK)
    text = launcher.read_text()
    assert f"exec {Path('.venv/bin/python').absolute()} -m hwc_full_ecs_image.plugin" in text
    assert (tmp_path / "home" / "plugins" / f"resource-hwc-v{VERSION}.lock").exists()
    assert "'" in launcher_text("/path with space/python")  # quoted for sh


def test_every_schema_property_is_typed_and_described() -> None:
    schema = package_schema()
    resource = schema["resources"][WHOLE_IMAGE]
    properties = [resource["inputProperties"], resource["properties"]] + [
        t["properties"] for t in schema["types"].values()
    ]
    for group in properties:
        for name, spec in group.items():
            assert spec.get("description"), name
            assert "type" in spec or "$ref" in spec, name
    assert resource["requiredInputs"] == ["backup_id", "marker", "name"]
    assert "hwc:ims:DiskRequest" in schema["types"]
