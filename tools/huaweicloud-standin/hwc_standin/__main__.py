"""STAND-IN pulumi-resource-huaweicloud entry point: `python -m hwc_standin <engine address>`."""

from hwc_standin.server import main

if __name__ == "__main__":
    main()
