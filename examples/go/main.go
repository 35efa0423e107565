// The example stack in Go: one full-ECS image from a CSBS backup and one new ECS from it, through the
// generated Go SDK (sdk/go). Config as the Python example: backupId, imageName (required); servers
// (a JSON list of server entries by their schema names: name, flavorId, networks [{uuid}], ...).
package main

import (
	"example.invalid/hwc-full-ecs-image/sdk/go/hwc/ims"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

type network struct {
	UUID string `json:"uuid"`
}

type server struct {
	Name             string    `json:"name"`
	FlavorID         string    `json:"flavorId"`
	AvailabilityZone string    `json:"availabilityZone"`
	Networks         []network `json:"networks"`
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		var servers []server
		if err := cfg.TryObject("servers", &servers); err != nil && cfg.Get("servers") != "" {
			return err
		}
		entries := ims.ServerEntryArray{}
		for _, s := range servers {
			nics := ims.ServerNetworkArray{}
			for _, n := range s.Networks {
				nics = append(nics, ims.ServerNetworkArgs{Uuid: pulumi.String(n.UUID)})
			}
			entries = append(entries, ims.ServerEntryArgs{
				Name:             pulumi.String(s.Name),
				FlavorId:         pulumi.String(s.FlavorID),
				AvailabilityZone: pulumi.StringPtr(s.AvailabilityZone),
				Networks:         nics,
			})
		}
		image, err := ims.NewFullEcsImage(ctx, "image", &ims.FullEcsImageArgs{
			BackupId: pulumi.String(cfg.Require("backupId")),
			Name:     pulumi.String(cfg.Require("imageName")),
			Servers:  entries,
		})
		if err != nil {
			return err
		}
		ctx.Export("image_id", image.ImageId)
		ctx.Export("server_ids", image.ServerIds)
		return nil
	})
}
