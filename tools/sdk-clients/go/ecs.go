package main

// ECS operations of tests/sdk_clients/scenario.py OPERATIONS, in the order of the Python run.

import (
	ecs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2"
	ecsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ecs/v2/model"
)

// ecsJob reads the ECS job an answer names, if any.
func ecsJob(r *recorder, client *ecs.EcsClient, answer interface{}) {
	var jobID *string
	switch typed := answer.(type) {
	case *ecsmodel.BatchStopServersResponse:
		jobID = typed.JobId
	case *ecsmodel.BatchStartServersResponse:
		jobID = typed.JobId
	case *ecsmodel.BatchRebootServersResponse:
		jobID = typed.JobId
	case *ecsmodel.ChangeServerOsWithCloudInitResponse:
		jobID = typed.JobId
	case *ecsmodel.ChangeServerOsWithoutCloudInitResponse:
		jobID = typed.JobId
	case *ecsmodel.ReinstallServerWithCloudInitResponse:
		jobID = typed.JobId
	case *ecsmodel.ReinstallServerWithoutCloudInitResponse:
		jobID = typed.JobId
	case *ecsmodel.CreatePostPaidServersResponse:
		jobID = typed.JobId
	case *ecsmodel.CreateServersResponse:
		jobID = typed.JobId
	case *ecsmodel.DeleteServersResponse:
		jobID = typed.JobId
	}
	if jobID != nil && *jobID != "" {
		r.call("ecs.show_job", func() (interface{}, error) {
			return client.ShowJob(&ecsmodel.ShowJobRequest{JobId: *jobID})
		})
	}
}

func ecsRun(r *recorder, imageID string) {
	client := ecs.NewEcsClient(r.client(ecs.EcsClientBuilder(), r.in.ProjectID))
	r.call("ecs.list_servers_details", func() (interface{}, error) {
		return client.ListServersDetails(&ecsmodel.ListServersDetailsRequest{Limit: ptr(int32(25))})
	})
	r.call("ecs.show_server", func() (interface{}, error) {
		return client.ShowServer(&ecsmodel.ShowServerRequest{ServerId: r.in.RunningServerID})
	})
	running := []ecsmodel.ServerId{{Id: r.in.RunningServerID}}
	ecsJob(r, client, r.call("ecs.batch_stop_servers", func() (interface{}, error) {
		option := &ecsmodel.BatchStopServersOption{Servers: running, Type: ptr(ecsmodel.GetBatchStopServersOptionTypeEnum().SOFT)}
		return client.BatchStopServers(&ecsmodel.BatchStopServersRequest{Body: &ecsmodel.BatchStopServersRequestBody{OsStop: option}})
	}))
	ecsJob(r, client, r.call("ecs.batch_start_servers", func() (interface{}, error) {
		option := &ecsmodel.BatchStartServersOption{Servers: running}
		return client.BatchStartServers(&ecsmodel.BatchStartServersRequest{Body: &ecsmodel.BatchStartServersRequestBody{OsStart: option}})
	}))
	ecsJob(r, client, r.call("ecs.batch_reboot_servers", func() (interface{}, error) {
		option := &ecsmodel.BatchRebootSeversOption{Servers: running, Type: ecsmodel.GetBatchRebootSeversOptionTypeEnum().SOFT}
		return client.BatchRebootServers(&ecsmodel.BatchRebootServersRequest{Body: &ecsmodel.BatchRebootServersRequestBody{Reboot: option}})
	}))
	newImage := imageID
	if newImage == "" {
		newImage = r.in.ExistingImageID
	}
	ecsOs(r, client, newImage)
	ecsCreateDelete(r, client, newImage)
}

func ecsOs(r *recorder, client *ecs.EcsClient, imageID string) {
	stopped := r.in.StoppedServerID
	ecsJob(r, client, r.call("ecs.change_server_os_with_cloud_init", func() (interface{}, error) {
		option := &ecsmodel.ChangeServerOsWithCloudInitOption{Keyname: ptr("kp-1"), Imageid: imageID}
		body := &ecsmodel.ChangeServerOsWithCloudInitRequestBody{OsChange: option}
		return client.ChangeServerOsWithCloudInit(&ecsmodel.ChangeServerOsWithCloudInitRequest{ServerId: stopped, Body: body})
	}))
	ecsJob(r, client, r.call("ecs.change_server_os_without_cloud_init", func() (interface{}, error) {
		option := &ecsmodel.ChangeServerOsWithoutCloudInitOption{Adminpass: ptr("Sdk-check-1"), Imageid: imageID}
		body := &ecsmodel.ChangeServerOsWithoutCloudInitRequestBody{OsChange: option}
		return client.ChangeServerOsWithoutCloudInit(&ecsmodel.ChangeServerOsWithoutCloudInitRequest{ServerId: stopped, Body: body})
	}))
	ecsJob(r, client, r.call("ecs.reinstall_server_with_cloud_init", func() (interface{}, error) {
		option := &ecsmodel.ReinstallServerWithCloudInitOption{Keyname: ptr("kp-1")}
		body := &ecsmodel.ReinstallServerWithCloudInitRequestBody{OsReinstall: option}
		return client.ReinstallServerWithCloudInit(&ecsmodel.ReinstallServerWithCloudInitRequest{ServerId: stopped, Body: body})
	}))
	ecsJob(r, client, r.call("ecs.reinstall_server_without_cloud_init", func() (interface{}, error) {
		option := &ecsmodel.ReinstallServerWithoutCloudInitOption{Adminpass: ptr("Sdk-check-1")}
		body := &ecsmodel.ReinstallServerWithoutCloudInitRequestBody{OsReinstall: option}
		return client.ReinstallServerWithoutCloudInit(&ecsmodel.ReinstallServerWithoutCloudInitRequest{ServerId: stopped, Body: body})
	}))
}

func ecsCreateDelete(r *recorder, client *ecs.EcsClient, imageID string) {
	var serverIDs []string
	postPaid := &ecsmodel.PostPaidServer{
		ImageRef: imageID, FlavorRef: "s6.large.2", Name: "sdk-check-postpaid", Vpcid: "vpc-0001",
		Nics:       []ecsmodel.PostPaidServerNic{{SubnetId: ptr("subnet-0001")}},
		RootVolume: &ecsmodel.PostPaidServerRootVolume{Volumetype: ecsmodel.GetPostPaidServerRootVolumeVolumetypeEnum().SSD},
	}
	// dry_run first: a 202 with no body.
	r.call("ecs.create_post_paid_servers", func() (interface{}, error) {
		body := &ecsmodel.CreatePostPaidServersRequestBody{Server: postPaid, DryRun: ptr(true)}
		return client.CreatePostPaidServers(&ecsmodel.CreatePostPaidServersRequest{Body: body})
	})
	madePostPaid := r.call("ecs.create_post_paid_servers", func() (interface{}, error) {
		body := &ecsmodel.CreatePostPaidServersRequestBody{Server: postPaid}
		return client.CreatePostPaidServers(&ecsmodel.CreatePostPaidServersRequest{Body: body})
	})
	if made, ok := madePostPaid.(*ecsmodel.CreatePostPaidServersResponse); ok {
		ecsJob(r, client, made)
		if made.ServerIds != nil {
			serverIDs = append(serverIDs, *made.ServerIds...)
		}
	}
	madePrePaid := r.call("ecs.create_servers", func() (interface{}, error) {
		server := &ecsmodel.PrePaidServer{
			ImageRef: imageID, FlavorRef: "s6.large.2", Name: "sdk-check-prepaid", Vpcid: "vpc-0001",
			Nics:       []ecsmodel.PrePaidServerNic{{SubnetId: ptr("subnet-0001")}},
			RootVolume: &ecsmodel.PrePaidServerRootVolume{Volumetype: ecsmodel.GetPrePaidServerRootVolumeVolumetypeEnum().SSD},
			Extendparam: &ecsmodel.PrePaidServerExtendParam{
				ChargingMode: ptr(ecsmodel.GetPrePaidServerExtendParamChargingModeEnum().POST_PAID),
			},
		}
		body := &ecsmodel.CreateServersRequestBody{Server: server}
		return client.CreateServers(&ecsmodel.CreateServersRequest{Body: body})
	})
	if made, ok := madePrePaid.(*ecsmodel.CreateServersResponse); ok {
		ecsJob(r, client, made)
		if made.ServerIds != nil {
			serverIDs = append(serverIDs, *made.ServerIds...)
		}
	}
	ids := []ecsmodel.ServerId{}
	for _, id := range serverIDs { // a server made from the image answers as the seeded ones must
		serverID := id
		r.call("ecs.show_server", func() (interface{}, error) {
			return client.ShowServer(&ecsmodel.ShowServerRequest{ServerId: serverID})
		})
		ids = append(ids, ecsmodel.ServerId{Id: serverID})
	}
	ecsJob(r, client, r.call("ecs.delete_servers", func() (interface{}, error) {
		body := &ecsmodel.DeleteServersRequestBody{Servers: ids, DeleteVolume: ptr(true), DeletePublicip: ptr(true)}
		return client.DeleteServers(&ecsmodel.DeleteServersRequest{Body: body})
	}))
}
