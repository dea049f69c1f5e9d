"""Bedrock's and Vertex AI's failures as one line that names the provider and the fix.

The platforms answer in their own error shapes (`x-amzn-ErrorType` and `{"message"}` on
AWS, `{"error": {"status"}}` on Google), and their credential libraries raise before any
request is sent. Every exit code stays the documented one: these are all ModelErrors (3).
"""

from __future__ import annotations

import json
import os
from typing import Any

from haikutui.core.errors import ModelError

AWS_LOGIN = (
    "set AWS_PROFILE (then `aws sso login`), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)
GCP_LOGIN = "run `gcloud auth application-default login`"


def platform_of(exc: BaseException) -> str | None:
    """`bedrock` or `vertex` from the failed request's URL or the raising library; else None."""
    module = type(exc).__module__
    plain = type(exc) in (RuntimeError, ValueError)  # what the SDK's platform clients raise
    if module.startswith("botocore") or (plain and "AWS credentials" in str(exc)):
        return "bedrock"
    if module.startswith("google.auth") or (plain and "project_id" in str(exc)):
        return "vertex"
    request = _request(exc)
    path = str(request.url.path) if request is not None else ""
    if path.startswith("/model/") and "/invoke" in path:
        return "bedrock"
    if "/publishers/anthropic/models/" in path:
        return "vertex"
    return None


def _request(exc: BaseException) -> Any:
    try:
        return getattr(exc, "request", None)
    except RuntimeError:  # httpx raises when a request was never attached
        return None


def cut_mid_reply(exc: BaseException, began: bool) -> bool:
    """Whether the connection dropped while a reply's body was streaming.

    SDK 2.10-2.16 let the transport error (httpx) escape a stream; 2.17 wraps it as an
    `APIConnectionError`, the same type as a connection that never opened. Only the caller
    knows whether the response had begun (`began`), so it says.
    """
    if type(exc).__module__.startswith("httpx"):
        return True
    names = {cls.__name__ for cls in type(exc).__mro__}
    return began and "APIConnectionError" in names and "APITimeoutError" not in names


def describe_platform_error(
    exc: BaseException, model: str = "", *, began: bool = False
) -> ModelError | None:
    platform = platform_of(exc)
    if platform is not None and cut_mid_reply(exc, began):
        name = {"bedrock": "Bedrock", "vertex": "Vertex AI"}[platform]
        return ModelError(f"{name}: the connection dropped mid-reply; nothing applied. Retry")
    if platform == "bedrock":
        return _bedrock(exc, model)
    if platform == "vertex":
        return _vertex(exc, model)
    return None


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return int(status) if isinstance(status, int) else None


def _body(exc: BaseException) -> Any:
    body = getattr(exc, "body", None)
    if isinstance(body, (dict, list)):
        return body
    response = getattr(exc, "response", None)
    try:
        return json.loads(response.text) if response is not None else None
    except (ValueError, AttributeError):
        return None


def _bedrock(exc: BaseException, model: str) -> ModelError:
    where = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "your region"
    name = type(exc).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError") or (
        type(exc) is RuntimeError and "AWS credentials" in str(exc)
    ):
        return ModelError(f"Bedrock: no AWS credentials found; {AWS_LOGIN}")
    if name == "ProfileNotFound":
        return ModelError(f"Bedrock: {exc}; check AWS_PROFILE")
    if type(exc).__module__.startswith("botocore"):
        return ModelError(f"Bedrock: {name}: {exc}; {AWS_LOGIN}")
    status = _status(exc)
    body = _body(exc)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]  # an exception frame mid-stream, as the SDK passes it on
    detail = str(body.get("message") or body.get("Message") or "") if isinstance(body, dict) else ""
    detail = detail.rstrip(".")
    code = ""
    response = getattr(exc, "response", None)
    if response is not None:
        code = response.headers.get("x-amzn-errortype", "").split(":")[0]
    if status is None or status == 200:
        kind = getattr(exc, "type", None) or code or "error"
        if "timeout" in name.lower():
            return ModelError("Bedrock: the request timed out; check your connection and retry")
        if status is None:
            return ModelError(f"Bedrock: cannot reach {_base(exc)}: offline, or a wrong region")
        return ModelError(f"Bedrock: {kind} mid-reply: {detail}; nothing applied. Retry")
    code = code or {401: "UnrecognizedClientException", 403: "AccessDeniedException"}.get(
        status, f"HTTP {status}"
    )
    said = f"Bedrock: {code}: {detail}" if detail else f"Bedrock: {code}"
    if (
        code
        in ("UnrecognizedClientException", "ExpiredTokenException", "InvalidSignatureException")
        or status == 401
    ):
        return ModelError(f"{said}; the AWS credentials were refused: {AWS_LOGIN}")
    if status == 403:
        return ModelError(
            f"{said} ({where}); enable the model under Bedrock's Model access, "
            "or allow bedrock:InvokeModel* in IAM"
        )
    if status == 429 and code != "ModelNotReadyException":
        return ModelError(f"{said}; throttled after retries: retry in a minute, or raise the quota")
    if status in (503, 529) or code in ("ServiceUnavailableException", "ModelNotReadyException"):
        return ModelError(f"{said}; overloaded after retries: retry, or escalate")
    if status == 404 or "model identifier" in detail.lower():
        return ModelError(f"{said}; is '{model}' offered in {where}? set [models.bedrock]")
    if "inference profile" in detail.lower():
        return ModelError(f'{said}; set [provider] inference_profile = "us" (or eu, global)')
    if status >= 500:
        return ModelError(f"{said} ({status}); a server error: retry in a moment")
    return ModelError(f"{said} ({status})")


def _vertex(exc: BaseException, model: str) -> ModelError:
    where = os.environ.get("CLOUD_ML_REGION") or "your region"
    name = type(exc).__name__
    if name == "DefaultCredentialsError":
        return ModelError(f"Vertex AI: no Google credentials found; {GCP_LOGIN}")
    if name == "RefreshError":
        return ModelError(f"Vertex AI: the Google credentials could not be refreshed; {GCP_LOGIN}")
    if type(exc) in (RuntimeError, ValueError) and "project_id" in str(exc):
        return ModelError("Vertex AI: no project; set ANTHROPIC_VERTEX_PROJECT_ID")
    if type(exc).__module__.startswith("google"):
        return ModelError(f"Vertex AI: {name}; {GCP_LOGIN}")
    status = _status(exc)
    body = _body(exc)
    if isinstance(body, list) and body:
        body = body[0]
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    detail = str(error.get("message") or "").rstrip(".")
    code = str(error.get("status") or error.get("type") or "")
    if status is None:
        if "timeout" in name.lower():
            return ModelError("Vertex AI: the request timed out; check your connection and retry")
        return ModelError(f"Vertex AI: cannot reach {_base(exc)}: offline, or a wrong region")
    if status == 200:
        kind = getattr(exc, "type", None) or "error"
        return ModelError(f"Vertex AI: {kind} mid-reply: {detail}; nothing applied. Retry")
    code = code or f"HTTP {status}"
    said = f"Vertex AI: {code}: {detail}" if detail else f"Vertex AI: {code}"
    if status == 401:
        return ModelError(f"{said}; the Google credentials were refused: {GCP_LOGIN}")
    if status == 403:
        return ModelError(
            f"{said}; enable Claude in Model Garden for the project and grant roles/aiplatform.user"
        )
    if status == 429:
        return ModelError(f"{said}; throttled after retries: retry in a minute, or raise the quota")
    if status in (503, 529):
        return ModelError(f"{said}; overloaded after retries: retry, or escalate")
    if status == 404:
        return ModelError(f"{said}; is '{model}' offered in {where}? set [models.vertex]")
    if status >= 500:
        return ModelError(f"{said} ({status}); a server error: retry in a moment")
    return ModelError(f"{said} ({status})")


def _base(exc: BaseException) -> str:
    return request_host(exc) or "the endpoint"


def request_host(exc: BaseException) -> str | None:
    """Where the failed request really went (scheme, host, port; never a URL's credentials)."""
    request = _request(exc)
    if request is None:
        return None
    url = request.url
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"
