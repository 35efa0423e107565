"""Pulumi components for Huawei Cloud, importable from any stack after `pip install`."""
