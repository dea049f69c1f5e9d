"""The API client, imported lazily (it costs ~1.7 s), and SDK errors turned into one line.

`make_client` gives the SDK client for the chosen provider: Anthropic (the key from
`core.keys`, in its documented order), or Bedrock / Vertex AI (`model.providers`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, KeyRejected, ModelError
from haikutui.core.keys import env_key, find_key, stored_key
from haikutui.model.pricing import use_prices
from haikutui.model.providers import make_platform_client, provider_name

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

KEY_HINT = (
    "export ANTHROPIC_API_KEY=sk-ant-..., set [auth] key_command, "
    "or add one in the app (ctrl+p: Add API key)"
)


def has_key(settings: Settings | None = None, *, quick: bool = False) -> bool:
    """Whether a request could be signed, without running the key command.

    Bedrock and Vertex sign with the cloud's own credentials, found by the SDK at request
    time; a missing one is reported then, as one line. `quick` skips the OS keyring, whose
    first lookup costs ~0.3 s: for start-up and typing, never before a request.
    """
    settings = settings or Settings()
    try:
        if provider_name(settings) != "anthropic":
            return True
    except HaikutuiError:
        return True  # the request itself reports the bad provider name
    if env_key() or settings.key_command:
        return True
    return stored_key(keyring=not quick)


def make_client(settings: Settings) -> AsyncAnthropic:
    """The provider's client with a short timeout; Anthropic's with the first key found.

    The user's `[prices]` take effect here too: every cost of the requests it makes uses them.
    """
    use_prices(settings.prices)
    provider = provider_name(settings)
    if provider != "anthropic":
        return make_platform_client(settings, provider)
    found = find_key(settings.key_command, settings.key_ttl, settings.pass_env)
    if found is None:
        raise ModelError(f"No Anthropic API key: {KEY_HINT}")
    from anthropic import AsyncAnthropic

    if found.source == "environment":  # the SDK reads it, with ANTHROPIC_AUTH_TOKEN's rules
        return AsyncAnthropic(timeout=settings.timeout, max_retries=settings.max_retries)
    return AsyncAnthropic(
        api_key=found.value, timeout=settings.timeout, max_retries=settings.max_retries
    )


def _api_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(getattr(exc, "message", "") or exc)


def describe_error(
    exc: BaseException, model: str = "", *, began: bool = False
) -> ModelError | None:
    """One clear line for each SDK error type; None when `exc` is not an SDK error.

    `began`: the response had arrived and its body was streaming, so a connection error is
    a reply cut half-way, not an API that cannot be reached.
    """
    import anthropic

    from haikutui.model.provider_errors import (
        cut_mid_reply,
        describe_platform_error,
        request_host,
    )

    platform = describe_platform_error(exc, model, began=began)
    if platform is not None:
        return platform
    if cut_mid_reply(exc, began):
        return ModelError("The connection dropped mid-reply; nothing applied. Retry")
    if not isinstance(exc, anthropic.AnthropicError):
        return None
    if isinstance(exc, anthropic.APITimeoutError):
        return ModelError("The API timed out; check your connection and retry")
    if isinstance(exc, anthropic.APIConnectionError):
        base = request_host(exc) or "https://api.anthropic.com"
        return ModelError(f"Cannot reach the API at {base}: offline, or the server is down")
    if not isinstance(exc, anthropic.APIStatusError):
        return ModelError(f"API error: {_api_message(exc)}")
    status, detail = exc.status_code, _api_message(exc)
    if status == 200:
        # An `error` event after the stream began: the HTTP status says nothing, the type does.
        kind = getattr(exc, "type", None) or "error"
        return ModelError(f"The API failed mid-reply ({kind}): {detail}; nothing applied. Retry")
    if isinstance(exc, anthropic.AuthenticationError):
        return KeyRejected(f"API key rejected (401); check it, or {KEY_HINT}")
    if isinstance(exc, anthropic.PermissionDeniedError):
        return ModelError(f"Permission denied (403): {detail}")
    if isinstance(exc, anthropic.NotFoundError):
        return ModelError(f"Not found (404): is '{model}' a valid model ID? {detail}")
    if isinstance(exc, anthropic.RateLimitError):
        wait = exc.response.headers.get("retry-after") if exc.response is not None else None
        when = f"; retry in {wait}s" if wait else "; retry in a minute"
        return ModelError(f"Rate limited (429) after retries{when}")
    if isinstance(exc, anthropic.OverloadedError) or status == 529:
        return ModelError("Anthropic is overloaded (529) after retries; retry, or escalate")
    if status == 413:
        return ModelError("Request too large (413): select fewer lines")
    if status >= 500:
        return ModelError(f"API server error ({status}): {detail}; retry in a moment")
    return ModelError(f"API error ({status}): {detail}")
