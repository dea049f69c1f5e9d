"""The environment of every program haikutui starts that may run a repository's code.

Tests, `[checks] test_command` and `[auth] key_command` run as the user, so they would see
every credential in the user's environment: the Anthropic key, AWS and Google tokens. They
get this trimmed copy instead; the user opts a variable back in by name (`[env] pass`).
It is no sandbox: it keeps secrets out of the environment and points the cloud SDKs'
credential lookups (files, keyring, metadata servers) at nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

SECRET_PREFIXES = (
    "ANTHROPIC_",
    "CLAUDE_",
    "AWS_",
    "GOOGLE_",
    "GCLOUD_",
    "CLOUDSDK_",
    "CLOUD_ML_",
    "AZURE_",
)
SECRET_WORDS = re.compile(
    r"(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIALS?|PRIVATE_KEY)(?:_|$)"
)
"""GITHUB_TOKEN, DB_PASSWORD, OPENAI_API_KEY; not TOKENIZERS_PARALLELISM or GIT_AUTHOR_NAME."""
KEYRING = ("DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL", "SSH_AUTH_SOCK", "GPG_AGENT_INFO")
"""How a process reaches the keyring and the user's agents."""

_NOWHERE_AWS = {
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
_NOWHERE_GOOGLE = {
    # google-auth looks for application-default credentials under CLOUDSDK_CONFIG.
    "CLOUDSDK_CONFIG": os.path.join(os.devnull, "gcloud"),
    "GCE_METADATA_HOST": "127.0.0.1:9",
    "GCE_METADATA_IP": "127.0.0.1:9",
    "NO_GCE_CHECK": "True",
}
_NOWHERE_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def is_secret(name: str) -> bool:
    """A name that holds or leads to a credential (by family, by word, or the keyring's)."""
    upper = name.upper()
    return upper.startswith(SECRET_PREFIXES) or upper in KEYRING or bool(SECRET_WORDS.search(upper))


def child_env(passed: Iterable[str] = (), base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (the environment) without its credentials, but for the names in `passed`."""
    base = os.environ if base is None else base
    allowed = {name.upper() for name in passed}
    env = {k: v for k, v in base.items() if k.upper() in allowed or not is_secret(k)}
    for family, nowhere in (
        ("AWS_", _NOWHERE_AWS),
        (("GOOGLE_", "CLOUDSDK_", "GCE_"), _NOWHERE_GOOGLE),
        ("PYTHON_KEYRING", _NOWHERE_KEYRING),
    ):
        if not any(name.startswith(family) for name in allowed):
            env.update(nowhere)
    return env


def dropped(passed: Iterable[str] = (), base: Mapping[str, str] | None = None) -> list[str]:
    """The names `child_env` leaves out, for the README's and the user's benefit."""
    base = os.environ if base is None else base
    kept = child_env(passed, base)
    return sorted(name for name in base if name not in kept)
