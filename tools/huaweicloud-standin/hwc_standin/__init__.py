"""STAND-IN for the pulumi-huaweicloud resource plugin (tests and the demo only; NOT the real provider).

The real plugin is a Terraform-bridged Go binary (huaweicloud/pulumi-huaweicloud) that cannot be
downloaded here. This package speaks the same ResourceProvider gRPC protocol under the same name and
version for the two resources this project uses, with the property names of pulumi_huaweicloud 0.0.12,
and calls the Huawei Cloud APIs (the simulator in tests) the way terraform-provider-huaweicloud does.
"""

from __future__ import annotations

NAME = "huaweicloud"
VERSION = "0.0.12"
# What GetPluginInfo reports: semver build metadata marks the stand-in and is ignored in version comparisons
# (the engine's ">= 0.0.12" check in pkg/host/host.go holds).
PLUGIN_INFO_VERSION = f"{VERSION}+standin"
BANNER = (
    f"pulumi-resource-{NAME} v{VERSION} STAND-IN (tests/demo only; not the real pulumi-huaweicloud provider)"
)
