package main

// IMS, CBR and EVS operations of tests/sdk_clients/scenario.py OPERATIONS, in the same order as the
// Python run (tests/sdk_clients/py_run.py).

import (
	cbr "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cbr/v1"
	cbrmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/cbr/v1/model"
	evs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/evs/v2"
	evsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/evs/v2/model"
	ims "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2"
	imsmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/ims/v2/model"
)

func ptr[T any](value T) *T { return &value }

func cbrAndEvs(r *recorder) {
	backups := cbr.NewCbrClient(r.client(cbr.CbrClientBuilder(), r.in.ProjectID))
	r.call("cbr.list_backups", func() (interface{}, error) {
		kind := cbrmodel.GetListBackupsRequestImageTypeEnum().BACKUP
		return backups.ListBackups(&cbrmodel.ListBackupsRequest{ImageType: &kind, Limit: ptr(int32(10))})
	})
	r.call("cbr.show_backup", func() (interface{}, error) {
		return backups.ShowBackup(&cbrmodel.ShowBackupRequest{BackupId: r.in.CbrBackupID})
	})
	volumes := evs.NewEvsClient(r.client(evs.EvsClientBuilder(), r.in.ProjectID))
	r.call("evs.show_volume", func() (interface{}, error) {
		return volumes.ShowVolume(&evsmodel.ShowVolumeRequest{VolumeId: r.in.VolumeID})
	})
}

// imsRun makes a full-ECS image from the CBR backup and drives it through every IMS route but deletion;
// it returns the image id ("" when creation failed).
func imsRun(r *recorder) string {
	client := ims.NewImsClient(r.client(ims.ImsClientBuilder(), r.in.ProjectID))
	created, _ := r.call("ims.create_whole_image", func() (interface{}, error) {
		body := &imsmodel.CreateWholeImageRequestBody{
			Name:           "sdk-check-image",
			BackupId:       ptr(r.in.CbrBackupID),
			WholeImageType: ptr("CBR"),
			ImageTags:      &[]imsmodel.TagKeyValue{{Key: "origin", Value: "sdk"}},
		}
		return client.CreateWholeImage(&imsmodel.CreateWholeImageRequest{Body: body})
	}).(*imsmodel.CreateWholeImageResponse)
	if created == nil || created.JobId == nil {
		return ""
	}
	job, _ := r.call("ims.show_job", func() (interface{}, error) {
		return client.ShowJob(&imsmodel.ShowJobRequest{JobId: *created.JobId})
	}).(*imsmodel.ShowJobResponse)
	r.call("ims.show_job_progress", func() (interface{}, error) {
		return client.ShowJobProgress(&imsmodel.ShowJobProgressRequest{JobId: *created.JobId})
	})
	if job == nil || job.Entities == nil || job.Entities.ImageId == nil {
		return ""
	}
	imageID := *job.Entities.ImageId
	r.call("ims.list_images", func() (interface{}, error) {
		kind := imsmodel.GetListImagesRequestImagetypeEnum().PRIVATE
		return client.ListImages(&imsmodel.ListImagesRequest{Imagetype: &kind, Limit: ptr(int32(10))})
	})
	r.call("ims.glance_show_image", func() (interface{}, error) {
		return client.GlanceShowImage(&imsmodel.GlanceShowImageRequest{ImageId: imageID})
	})
	r.call("ims.update_image", func() (interface{}, error) {
		patch := []imsmodel.UpdateImageRequestBody{{
			Op: imsmodel.GetUpdateImageRequestBodyOpEnum().REPLACE, Path: "/name", Value: "sdk-check-renamed",
		}}
		return client.UpdateImage(&imsmodel.UpdateImageRequest{ImageId: imageID, Body: &patch})
	})
	imsTags(r, client, imageID)
	imsMembers(r, client, imageID)
	imsRefused(r, client, imageID)
	return imageID
}

func imsTags(r *recorder, client *ims.ImsClient, imageID string) {
	r.call("ims.list_image_tags", func() (interface{}, error) {
		return client.ListImageTags(&imsmodel.ListImageTagsRequest{ImageId: imageID})
	})
	r.call("ims.batch_add_or_delete_tags", func() (interface{}, error) {
		body := &imsmodel.BatchAddOrDeleteTagsRequestBody{
			Action: imsmodel.GetBatchAddOrDeleteTagsRequestBodyActionEnum().CREATE,
			Tags:   []imsmodel.ResourceTag{{Key: "team", Value: "core"}},
		}
		return client.BatchAddOrDeleteTags(&imsmodel.BatchAddOrDeleteTagsRequest{ImageId: imageID, Body: body})
	})
	r.call("ims.add_image_tag", func() (interface{}, error) {
		body := &imsmodel.AddImageTagRequestBody{Tag: &imsmodel.ResourceTag{Key: "stage", Value: "test"}}
		return client.AddImageTag(&imsmodel.AddImageTagRequest{ImageId: imageID, Body: body})
	})
	r.call("ims.delete_image_tag", func() (interface{}, error) {
		return client.DeleteImageTag(&imsmodel.DeleteImageTagRequest{ImageId: imageID, Key: "stage"})
	})
}

func imsJob(r *recorder, client *ims.ImsClient, answer interface{}) {
	var jobID *string
	switch typed := answer.(type) {
	case *imsmodel.BatchAddMembersResponse:
		jobID = typed.JobId
	case *imsmodel.BatchUpdateMembersResponse:
		jobID = typed.JobId
	case *imsmodel.BatchDeleteMembersResponse:
		jobID = typed.JobId
	}
	if jobID != nil {
		r.call("ims.show_job", func() (interface{}, error) {
			return client.ShowJob(&imsmodel.ShowJobRequest{JobId: *jobID})
		})
	}
}

func imsMembers(r *recorder, client *ims.ImsClient, imageID string) {
	members := &imsmodel.BatchAddMembersRequestBody{Images: []string{imageID}, Projects: []string{r.in.MemberProjectID}}
	imsJob(r, client, r.call("ims.batch_add_members", func() (interface{}, error) {
		return client.BatchAddMembers(&imsmodel.BatchAddMembersRequest{Body: members})
	}))
	// The member accepts in its own project, as Terraform's accepter does (PUT /v1/cloudimages/members).
	asMember := ims.NewImsClient(
		r.clientAs(ims.ImsClientBuilder(), r.in.MemberProjectID, r.in.MemberAccessKey, r.in.MemberSecretKey),
	)
	imsJob(r, asMember, r.call("ims.batch_update_members", func() (interface{}, error) {
		body := &imsmodel.BatchUpdateMembersRequestBody{
			Images:    []string{imageID},
			ProjectId: r.in.MemberProjectID,
			Status:    imsmodel.GetBatchUpdateMembersRequestBodyStatusEnum().ACCEPTED,
			VaultId:   &r.in.MemberVaultID,
		}
		return asMember.BatchUpdateMembers(&imsmodel.BatchUpdateMembersRequest{Body: body})
	}))
	imsJob(r, client, r.call("ims.batch_delete_members", func() (interface{}, error) {
		return client.BatchDeleteMembers(&imsmodel.BatchDeleteMembersRequest{Body: members})
	}))
	r.call("ims.glance_add_image_member", func() (interface{}, error) {
		body := &imsmodel.GlanceAddImageMemberRequestBody{Member: r.in.GlanceMemberProjectID}
		return client.GlanceAddImageMember(&imsmodel.GlanceAddImageMemberRequest{ImageId: imageID, Body: body})
	})
}

// imsRefused sends each API version's export and copy request: refused for a full-ECS image.
func imsRefused(r *recorder, client *ims.ImsClient, imageID string) {
	export := &imsmodel.ExportImageRequestBody{
		BucketUrl: "sdk-bucket:export.qcow2", FileFormat: imsmodel.GetExportImageRequestBodyFileFormatEnum().QCOW2,
	}
	r.call("ims.export_image", func() (interface{}, error) {
		return client.ExportImage(&imsmodel.ExportImageRequest{ImageId: imageID, Body: export})
	})
	r.call("ims.export_image_in_safe_mode", func() (interface{}, error) {
		return client.ExportImageInSafeMode(&imsmodel.ExportImageInSafeModeRequest{ImageId: imageID, Body: export})
	})
	copyBody := &imsmodel.CopyImageInRegionRequestBody{Name: "sdk-copy"}
	r.call("ims.copy_image_in_region", func() (interface{}, error) {
		return client.CopyImageInRegion(&imsmodel.CopyImageInRegionRequest{ImageId: imageID, Body: copyBody})
	})
	r.call("ims.copy_image_in_region_in_safe_mode", func() (interface{}, error) {
		request := &imsmodel.CopyImageInRegionInSafeModeRequest{ImageId: imageID, Body: copyBody}
		return client.CopyImageInRegionInSafeMode(request)
	})
	r.call("ims.copy_image_cross_region", func() (interface{}, error) {
		body := &imsmodel.CopyImageCrossRegionRequestBody{
			Name: "sdk-copy", Region: "ap-southeast-3", ProjectName: "ap-southeast-3", AgencyName: "ims_admin",
		}
		return client.CopyImageCrossRegion(&imsmodel.CopyImageCrossRegionRequest{ImageId: imageID, Body: body})
	})
}

func deleteImage(r *recorder, imageID string) {
	client := ims.NewImsClient(r.client(ims.ImsClientBuilder(), r.in.ProjectID))
	r.call("ims.glance_delete_image", func() (interface{}, error) {
		body := &imsmodel.GlanceDeleteImageRequestBody{DeleteBackup: ptr(false)}
		return client.GlanceDeleteImage(&imsmodel.GlanceDeleteImageRequest{ImageId: imageID, Body: body})
	})
}
