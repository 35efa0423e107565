// The example stack in TypeScript: one full-ECS image from a CSBS backup and one new ECS from it,
// through the generated Node.js SDK (sdk/nodejs). Config as the Python example: backupId, imageName
// (required); servers (a JSON list of server entries by their schema names: name, flavorId, networks).
import * as pulumi from "@pulumi/pulumi";
import * as hwc from "@hwc/full-ecs-image";

const config = new pulumi.Config();
const servers = config.getObject<hwc.types.input.ims.ServerEntryArgs[]>("servers") ?? [];

const image = new hwc.ims.FullEcsImage("image", {
    backupId: config.require("backupId"),
    name: config.require("imageName"),
    servers,
});

export const image_id = image.imageId;
export const server_ids = image.serverIds;
