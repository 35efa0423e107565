"""A strict local simulator of the Huawei Cloud APIs (IMS, CSBS, CBR, ECS, EVS) used by the tests and demo."""
