"""The error types of this package.

Every expected failure is a FullEcsImageError whose message reads
"error <verb> <subject>: <cause>. <what to do>". It subclasses pulumi.RunError so that, raised in
the Pulumi program (construction-time validation, the wait for `active`), the language host prints
the message alone instead of a stack trace.
"""

from __future__ import annotations

import logging

import pulumi

LOG = logging.getLogger("hwc_full_ecs_image")
DEBUG_ENV = "FULL_ECS_IMAGE_DEBUG"
"""Set to 1 to have tracebacks of unexpected errors written to stderr (debug level)."""


class FullEcsImageError(pulumi.RunError):
    """An expected failure with a cause and a hint; the verb is filled in by the caller's context."""

    def __init__(
        self, cause: str, hint: str = "", *, verb: str = "", subject: str = "full-ECS image"
    ) -> None:
        self.cause = cause
        self.hint = hint
        self.verb = verb
        self.subject = subject
        super().__init__(self.message)

    @property
    def reason(self) -> str:
        """The cause, then what to do: the message without its "error <verb> <subject>: " head."""
        return f"{self.cause}. {self.hint[:1].upper()}{self.hint[1:]}" if self.hint else self.cause

    @property
    def message(self) -> str:
        head = f"error {self.verb} {self.subject}" if self.verb else f"error with {self.subject}"
        return f"{head}: {self.reason}"

    def in_context(self, verb: str, subject: str) -> FullEcsImageError:
        """Sets the verb and subject unless an inner caller already set them; returns self."""
        if not self.verb:
            self.verb = verb
            self.subject = subject
            self.args = (self.message,)
        return self

    def add_cause(self, note: str) -> None:
        """Appends what happened next (e.g. the cleanup) to the cause; empty notes are ignored."""
        if note:
            self.cause = f"{self.cause}; {note}"
            self.args = (self.message,)

    def __str__(self) -> str:
        return self.message


class SettingsError(FullEcsImageError):
    """A credential, region or endpoint setting is missing or malformed."""


class InputValidationError(FullEcsImageError):
    """One or more inputs break an IMS rule; the cause lists every problem."""


class PreflightError(FullEcsImageError):
    """A rule of the console procedure is broken by the backup, its server or its disks."""


class ApiError(FullEcsImageError):
    """The cloud answered with an error status."""

    def __init__(self, operation: str, status: int, code: str, detail: str, request_id: str = "") -> None:
        self.operation = operation
        self.status = status
        self.code = code
        self.detail = detail
        self.request_id = request_id
        rid = f", request id {request_id}" if request_id else ""
        super().__init__(f"{operation} returned HTTP {status} {code}: {detail}{rid}", _api_hint(status))


def _api_hint(status: int) -> str:
    """What to do about an error status, when the caller has nothing more specific to say."""
    if status == 401:
        return (
            "check huaweicloud:accessKey and huaweicloud:secretKey (or HW_ACCESS_KEY and HW_SECRET_KEY), "
            "and that they belong to huaweicloud:projectId"
        )
    if status == 403:
        return "check that these keys may use IMS, CSBS, CBR, ECS and EVS in this project"
    if status == 429 or status >= 500:
        return "the service is busy or failing; run the command again later"
    return "fix what the message names, then run the command again"


class TransportError(FullEcsImageError):
    """The cloud could not be reached after the bounded retries."""


class JobFailedError(FullEcsImageError):
    """The IMS job that builds the image ended in FAIL."""


class WaitTimeoutError(FullEcsImageError):
    """A wait did not reach its target state before the deadline."""


class ImageUnusableError(FullEcsImageError):
    """The image failed (killed) or disappeared while being waited for."""


def for_host(error: FullEcsImageError) -> FullEcsImageError:
    """The same error, shaped so that the dynamic-provider host prints exactly our one line.

    The host (pulumi/dynamic/__main__.py, `_abort_with_traceback`) reports `traceback.format_exc()`.
    With sys.tracebacklimit = 0 that is the final line only: `<module>.<Class>: <str(error)>`,
    the module left out for builtins (https://docs.python.org/3/library/traceback.html). So the
    copy is of a one-off builtins subclass named "error <verb> <subject>" whose str is
    "<cause>. <hint>": the line reads exactly like `message`, with no module path or class name.
    It is still an instance of the original class, with the same attributes.
    """
    head, tail = error.message.removesuffix(error.reason).removesuffix(": "), error.reason
    shaped = type(
        head, (type(error),), {"__module__": "builtins", "__qualname__": head, "__str__": lambda _self: tail}
    )
    copy: FullEcsImageError = Exception.__new__(shaped)
    copy.__dict__.update(error.__dict__)
    copy.args = error.args
    copy.__suppress_context__ = True
    return copy


def unexpected(error: BaseException, verb: str = "", subject: str = "full-ECS image") -> FullEcsImageError:
    """An unexpected error as one line for the user; its traceback goes to the debug log only."""
    LOG.debug("unexpected error %s %s", verb, subject, exc_info=error)
    detail = str(error).strip().splitlines()[0] if str(error).strip() else "no detail"
    return FullEcsImageError(
        f"unexpected error ({detail})",
        f"this is a bug: rerun with {DEBUG_ENV}=1 to see its traceback, and report it",
        verb=verb,
        subject=subject,
    )
