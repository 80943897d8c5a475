"""Two deployments set up as the README says, with the `hito` command only: keys, peers, the
agreement, users, then `hito serve` on each (which runs the exchange): a binational event
reported on one node is readable on the other within two seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.nodes import free_port

HITO = [sys.executable, "-m", "hito.cli"]
PASSWORD = "una clave larga y buena"


def _env(folder: Path, code: str) -> dict[str, str]:
    return {
        **os.environ,
        "HITO_NODE": code,
        "HITO_DATABASE_URL": f"sqlite:///{folder / code.lower()}.db",
        "HITO_KEY_FILE": str(folder / f"{code.lower()}-node.key"),
        "HITO_SECRET_KEY": f"{code}-secret-key-0123456789",
        "HITO_DEMO": "0",
        "HITO_EXCHANGE_INTERVAL": "0.5",
    }


def _hito(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HITO, *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )


@pytest.fixture
def deployments(tmp_path: Path) -> Iterator[dict[str, str]]:
    ports = {"CL": free_port(), "PE": free_port()}
    envs = {code: _env(tmp_path, code) for code in ports}
    for code, env in envs.items():
        assert _hito(env, "db", "upgrade").returncode == 0
        init = _hito(env, "node", "init")
        assert init.returncode == 0 and "fingerprint" in init.stdout, init.stderr
        again = _hito(env, "node", "init")
        assert again.returncode == 1 and "already exists" in again.stderr
        (tmp_path / f"{code}.pem").write_text(_hito(env, "node", "public-key").stdout)
    agreement = tmp_path / "agreement.yaml"
    agreement.write_text(_hito(envs["CL"], "agreement", "example").stdout)
    for code, env in envs.items():
        other = "PE" if code == "CL" else "CL"
        added = _hito(
            env, "node", "add-peer", other, f"http://127.0.0.1:{ports[other]}",
            str(tmp_path / f"{other}.pem"),
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        assert _hito(env, "agreement", "load", str(agreement)).returncode == 0
    assert _hito(envs["CL"], "user", "add", "ana", "--agency", "CL-CARABINEROS",
                 "--role", "operator", stdin=PASSWORD + "\n").returncode == 0  # fmt: skip
    refused = _hito(envs["CL"], "user", "add", "pepe", "--agency", "PE-PNP",
                    "--role", "operator", stdin=PASSWORD + "\n")  # fmt: skip
    assert refused.returncode == 1 and "created on PE's own node" in refused.stderr
    assert _hito(envs["PE"], "user", "add", "pepe", "--agency", "PE-PNP",
                 "--role", "operator", stdin=PASSWORD + "\n").returncode == 0  # fmt: skip
    servers = {
        code: subprocess.Popen(
            [*HITO, "serve", "--port", str(port)],
            env=envs[code],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for code, port in ports.items()
    }
    try:
        for port in ports.values():
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        yield {code: f"http://127.0.0.1:{port}" for code, port in ports.items()} | {
            f"{code}_env": str(tmp_path) for code in ports
        }
    finally:
        for server in servers.values():
            server.send_signal(signal.SIGTERM)
        for server in servers.values():
            assert server.wait(15) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal
            assert server.stderr is not None
            assert "Application shutdown complete" in server.stderr.read().decode()


def _token(url: str, username: str) -> str:
    reply = httpx.post(
        f"{url}/api/v1/auth/token", data={"username": username, "password": PASSWORD}
    )
    assert reply.status_code == 200, reply.text
    return str(reply.json()["access_token"])


def test_an_event_reaches_the_other_deployment_within_two_seconds(
    deployments: dict[str, str], tmp_path: Path
) -> None:
    chile, peru = deployments["CL"], deployments["PE"]
    ana = {"Authorization": f"Bearer {_token(chile, 'ana')}"}
    pepe = {"Authorization": f"Bearer {_token(peru, 'pepe')}"}
    reported = httpx.post(
        f"{chile}/api/v1/events",
        headers=ana,
        json={"type": "stranded_group", "occurred_at": "2025-11-24T13:00:00-03:00",
              "location": {"lat": -18.305, "lon": -70.322}, "headcount": 100,
              "sharing_level": "binational", "description": "Grupo varado"},
    )  # fmt: skip
    assert reported.status_code == 201
    started = time.monotonic()
    found: list[dict[str, object]] = []
    while time.monotonic() - started < 2.0 and not found:
        found = httpx.get(
            f"{peru}/api/v1/events", params={"uid": reported.json()["uid"]}, headers=pepe
        ).json()["items"]
        time.sleep(0.05)
    assert found, "not on Peru's node within 2 s"
    assert found[0]["origin_node"] == "CL" and found[0]["headcount"] == 100
    shown = _hito(_env(tmp_path, "CL"), "node", "show")
    assert shown.returncode == 0
    assert "peer PE" in shown.stdout and "acknowledged 4" in shown.stdout  # 3 places + the event
    synced = _hito(_env(tmp_path, "PE"), "exchange", "sync")
    assert synced.returncode == 0 and "CL:" in synced.stdout
