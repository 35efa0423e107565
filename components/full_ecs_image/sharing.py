"""Sharing the image with other projects, and accepting the share there: pulumi-huaweicloud children.

Sharing adds the other project as a member of the image, and the member stays `pending`: the
target project can neither list nor use the image until it accepts the share with its own
credentials (PUT /v1/cloudimages/members, status `accepted`; for a full-ECS image made from a CBR
backup a `vault_id` of the target project is mandatory:
https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0616.html,
https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0218.html). A `share_acceptors`
entry does that in the same stack: a pulumi_huaweicloud.ims.ImageShareAccepter made with the target
project's own Provider, after the share. Only full-ECS images made from CBR backups can be shared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pydantic import BaseModel, ConfigDict, ValidationError

from .rules import MemberProjectId, Problem, Uuid, problems_from
from .servers import ServerSpec, huaweicloud

ACCEPTED = "accepted"
PENDING = "pending"


class ShareAcceptor(BaseModel):
    """Accepts the share in one target project: that project's id, a pulumi_huaweicloud.Provider
    holding its credentials (region, access_key, secret_key, project_id), and the CBR vault of that
    project that receives the image's backup (mandatory for a full-ECS image from a CBR backup)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    project_id: MemberProjectId
    provider: pulumi.ProviderResource
    vault_id: Uuid | pulumi.Output[str]


def parse_acceptors(
    acceptors: Sequence[ShareAcceptor | Mapping[str, Any]] | None,
    shared_with: Any,
    servers: Sequence[ServerSpec],
) -> tuple[list[ShareAcceptor], list[Problem]]:
    """The acceptors as specs, and every problem with them and with servers in other projects:
    each acceptor's project is one the image is shared with, once; a server with a provider names
    one of the acceptors' providers (the share must be accepted where it is created)."""
    specs: list[ShareAcceptor] = []
    problems: list[Problem] = []
    if acceptors is not None and (
        isinstance(acceptors, str | Mapping) or not isinstance(acceptors, Sequence)
    ):
        return [], [Problem("share_acceptors", "must be a list of acceptors (ShareAcceptor or mappings)")]
    for index, acceptor in enumerate(acceptors or ()):
        try:
            specs.append(
                acceptor if isinstance(acceptor, ShareAcceptor) else ShareAcceptor.model_validate(acceptor)
            )
        except ValidationError as error:
            problems.extend(problems_from(error, f"share_acceptors[{index}]"))
    projects = [a.project_id for a in specs]
    plain_targets = isinstance(shared_with, Sequence) and all(isinstance(p, str) for p in shared_with)
    for index, acceptor in enumerate(specs):
        if projects.count(acceptor.project_id) > 1:
            problems.append(Problem(f"share_acceptors[{index}].project_id", "is given twice"))
        elif plain_targets and acceptor.project_id not in shared_with:
            problems.append(
                Problem(
                    f"share_acceptors[{index}].project_id",
                    "is not in share_with_project_ids: a project accepts only a share it was given",
                )
            )
    providers = [a.provider for a in specs]
    for index, server in enumerate(servers):
        if server.provider is not None and not any(server.provider is p for p in providers):
            problems.append(
                Problem(
                    f"servers[{index}].provider",
                    "is not the provider of any share_acceptors entry: a server in another project "
                    "needs the image shared with and accepted by that project",
                )
            )
    return specs, problems


def image_share(
    component: pulumi.ComponentResource,
    name: str,
    image_id: pulumi.Output[str],
    projects: pulumi.Input[Sequence[pulumi.Input[str]]],
) -> pulumi.CustomResource:
    """Shares the active image with other projects (only CBR-sourced images can be shared)."""
    ims = huaweicloud().ims

    share: pulumi.CustomResource = ims.ImageShare(
        f"{name}-share",
        ims.ImageShareArgs(source_image_id=image_id, target_project_ids=projects),
        opts=pulumi.ResourceOptions(parent=component, replace_on_changes=["source_image_id"]),
    )
    return share


def accepter(
    component: pulumi.ComponentResource,
    name: str,
    image_id: pulumi.Output[str],
    acceptor: ShareAcceptor,
    share: pulumi.Resource,
) -> pulumi.CustomResource:
    """Accepts the share in the acceptor's project, with that project's provider, after the share."""
    ims = huaweicloud().ims

    accepted: pulumi.CustomResource = ims.ImageShareAccepter(
        f"{name}-accept-{acceptor.project_id}",
        ims.ImageShareAccepterArgs(image_id=image_id, vault_id=acceptor.vault_id),
        opts=pulumi.ResourceOptions(
            parent=component,
            provider=acceptor.provider,
            depends_on=[share],
            replace_on_changes=["image_id"],
        ),
    )
    return accepted


def pending_note(image_id: str, projects: Sequence[str]) -> str:
    """What a pending share means, and what the target project must do."""
    return (
        f"full-ECS image {image_id} is shared with project {', '.join(projects)}, pending until "
        "that project accepts it: add a share_acceptors entry for it (its Provider and CBR vault_id), "
        "or accept it there (PUT /v1/cloudimages/members with status accepted and a vault_id of that "
        "project); until then it can neither list nor use the image"
    )
