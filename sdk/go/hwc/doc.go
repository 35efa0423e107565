// Full-ECS images from CSBS or CBR backups (Huawei Cloud IMS), and new ECSs from them.
package hwc
