"""Deletions share one wait: the newest delete waits until IMS lists none of the images this process
deleted; an older one returns once a newer one has taken over; a timeout names what IMS still lists."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hwc_full_ecs_image.deletions import Deletions
from hwc_full_ecs_image.errors import WaitTimeoutError


class FakeIms:
    """Images that disappear `rounds` listings after their deletion started."""

    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        self.started: list[str] = []
        self.left: dict[str, int] = {}
        self.listings = 0

    async def start(self, image_id: str, _props: dict[str, Any]) -> bool:
        self.started.append(image_id)
        self.left[image_id] = self.rounds
        return True

    async def listed(self, images: dict[str, dict[str, Any]]) -> list[str]:
        self.listings += 1
        for image_id in list(self.left):
            self.left[image_id] -= 1
            if self.left[image_id] <= 0:
                del self.left[image_id]
        return [i for i in images if i in self.left]


def test_the_newest_delete_waits_for_every_image_and_older_ones_hand_over() -> None:
    ims = FakeIms(rounds=3)
    deletions = Deletions(first=0.01, cap=0.01)
    returned: list[str] = []

    async def one(image_id: str, after: float) -> None:
        await asyncio.sleep(after)
        await deletions.delete(image_id, {}, 5.0, start=ims.start, listed=ims.listed)
        returned.append(image_id)
        if image_id == "c":
            assert ims.left == {}, "the newest delete returned before every image was gone"

    async def main() -> None:
        await asyncio.gather(one("a", 0.0), one("b", 0.002), one("c", 0.004))

    asyncio.run(main())
    assert ims.started == ["a", "b", "c"]
    assert returned[-1] == "c"
    assert ims.left == {}


def test_a_delete_alone_waits_for_its_own_image() -> None:
    ims = FakeIms(rounds=2)
    asyncio.run(Deletions(first=0.01, cap=0.01).delete("a", {}, 5.0, start=ims.start, listed=ims.listed))
    assert ims.left == {}
    assert ims.listings == 2


def test_an_image_that_is_already_gone_needs_no_wait() -> None:
    listings: list[int] = []

    async def gone(_image_id: str, _props: dict[str, Any]) -> bool:
        return False

    async def listed(images: dict[str, dict[str, Any]]) -> list[str]:
        listings.append(len(images))
        return list(images)

    asyncio.run(Deletions(first=0.01).delete("a", {}, 5.0, start=gone, listed=listed))
    assert listings == []


def test_a_timeout_names_every_image_ims_still_lists() -> None:
    ims = FakeIms(rounds=10**6)
    with pytest.raises(WaitTimeoutError) as raised:
        asyncio.run(Deletions(first=0.01, cap=0.01).delete("a", {}, 0.05, start=ims.start, listed=ims.listed))
    assert "timed out waiting for IMS to finish deleting image a" in raised.value.message


def test_a_start_that_finishes_after_the_others_wait_ended_waits_itself() -> None:
    # "a" begins first but its DELETE is throttled; "b" starts, waits and is done before "a" is
    # accepted. "a" must then wait for its own image: nobody else is waiting any more.
    ims = FakeIms(rounds=2)
    deletions = Deletions(first=0.01, cap=0.01)
    b_done = asyncio.Event()

    async def slow_start(image_id: str, props: dict[str, Any]) -> bool:
        await b_done.wait()
        return await ims.start(image_id, props)

    async def a() -> None:
        await deletions.delete("a", {}, 5.0, start=slow_start, listed=ims.listed)
        assert "a" not in ims.left, "a delete returned while IMS still listed its image"

    async def b() -> None:
        await asyncio.sleep(0.002)
        await deletions.delete("b", {}, 5.0, start=ims.start, listed=ims.listed)
        b_done.set()

    async def main() -> None:
        await asyncio.gather(a(), b())

    asyncio.run(main())
    assert ims.left == {}


def test_a_failed_start_does_not_take_the_wait_from_the_one_in_progress() -> None:
    ims = FakeIms(rounds=3)
    deletions = Deletions(first=0.01, cap=0.01)

    async def refused(_image_id: str, _props: dict[str, Any]) -> bool:
        raise RuntimeError("IMS refused the DELETE")

    async def a() -> None:
        await deletions.delete("a", {}, 5.0, start=ims.start, listed=ims.listed)
        assert ims.left == {}, "the waiting delete returned before its image was gone"

    async def b() -> None:
        await asyncio.sleep(0.005)
        with pytest.raises(RuntimeError):
            await deletions.delete("b", {}, 5.0, start=refused, listed=ims.listed)

    async def main() -> None:
        await asyncio.gather(a(), b())

    asyncio.run(main())


def test_an_older_delete_returns_as_soon_as_a_newer_one_takes_over() -> None:
    # Each waiting delete holds one of the engine's --parallel slots: the older one must not sleep
    # out its interval (30 s here) once a newer one waits for its image.
    ims = FakeIms(rounds=1)
    deletions = Deletions(first=30.0, cap=30.0)

    async def main() -> None:
        a = asyncio.create_task(deletions.delete("a", {}, 60.0, start=ims.start, listed=ims.listed))
        await asyncio.sleep(0.01)  # "a" is in its first sleep
        b = asyncio.create_task(deletions.delete("b", {}, 60.0, start=ims.start, listed=ims.listed))
        await asyncio.wait_for(a, timeout=5.0)
        assert not b.done(), "the newer delete waits for both images"
        b.cancel()

    asyncio.run(main())
