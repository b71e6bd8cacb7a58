"""Where a running service says how to reach it: `serve.json` in the user's config folder.

Written at each start, readable by the user only (mode 0600, its folder 0700 when we create
it): the port, the token every API request must carry, the process id and the version. The WPS
add-in reads it with `Application.FileSystem.ReadFile` (a web page cannot), `xladdin serve
--stop/--status` read it too. A start replaces it; a stop removes it if it is still ours.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import OutputError, os_reason

STATE_NAME = "serve.json"
DEFAULT_PORT = 18230  # fixed, so that a page WPS loaded before a restart reaches the new service
HOST = "127.0.0.1"


def config_dir() -> Path:
    """~/.config/xladdin (or $XDG_CONFIG_HOME/xladdin): the folder the export settings use too."""
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return home / "xladdin"


def state_path() -> Path:
    return config_dir() / STATE_NAME


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class State:
    port: int
    token: str
    pid: int
    version: str
    started: str
    idle_minutes: float

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "url": self.url}


def write_state(state: State, path: Path | None = None) -> Path:
    """Atomically, mode 0600 from the first byte (the token must never be readable by others)."""
    target = path or state_path()
    try:
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".serve-", suffix=".tmp", dir=target.parent)  # 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(state.to_dict(), f, ensure_ascii=False, indent=2)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise OutputError(f"无法写入服务的令牌文件（{os_reason(exc)}）", path=str(target)) from exc
    return target


def read_state(path: Path | None = None) -> State | None:
    target = path or state_path()
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        return State(int(data["port"]), str(data["token"]), int(data["pid"]), str(data["version"]),
                     str(data["started"]), float(data.get("idle_minutes", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_state(pid: int, path: Path | None = None) -> None:
    """Remove serve.json if it still describes process `pid` (a newer start may have replaced it)."""
    target = path or state_path()
    current = read_state(target)
    if current is not None and current.pid == pid:
        try:
            target.unlink()
        except OSError:
            pass


def health(port: int, timeout: float = 1.0) -> dict[str, object] | None:
    """The /health answer of a service on this port, None if nothing (ours) answers."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/health", timeout=timeout) as r:
            data = json.loads(r.read().decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return data if isinstance(data, dict) and data.get("service") == "xladdin" else None


def running() -> State | None:
    """The service described by serve.json, if it answers."""
    state = read_state()
    if state is None:
        return None
    answer = health(state.port)
    return state if answer is not None and answer.get("pid") == state.pid else None


__all__ = ["DEFAULT_PORT", "HOST", "State", "config_dir", "health", "new_token", "read_state", "remove_state",
           "running", "state_path", "write_state"]
