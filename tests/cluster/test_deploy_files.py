"""The shipped deployment files, checked as data (no Docker or Kubernetes here).

`docker compose config` and `kubectl` are not available, so these read the files as
YAML and check what a deployment relies on: probes, ports, a non-root user, secrets,
and that every `DONGNE_*` variable they set is a setting the app knows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dongne.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
APP_PORT = 8000
APP_UID = 10001


def _stages(dockerfile: str) -> list[list[str]]:
    """The Dockerfile's instructions (continuations joined), split at each FROM."""
    text = re.sub(r"\\\n", " ", dockerfile)
    lines = [line.strip() for line in text.splitlines()]
    stages: list[list[str]] = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        assert stages, f"instruction before FROM: {line}"
        stages[-1].append(line)
    return stages


def _instruction(stage: list[str], name: str) -> list[str]:
    return [line[len(name) + 1 :].strip() for line in stage if line.upper().startswith(name + " ")]


def _settings_env_names() -> set[str]:
    return {f"DONGNE_{name.upper()}" for name in Settings.model_fields}


def _k8s_documents() -> list[dict[str, Any]]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                document["__file__"] = path.name
                documents.append(document)
    return documents


def _one(documents: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    (found,) = [d for d in documents if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def test_dockerfile_is_multi_stage_builds_the_web_client_and_runs_as_non_root() -> None:
    stages = _stages((ROOT / "Dockerfile").read_text())
    assert len(stages) >= 2
    web = next(s for s in stages if any("npm" in line for line in s))
    assert any("npm ci" in line for line in web)
    assert any("npm run build" in line for line in web)
    final = stages[-1]
    assert "node" not in final[0], "the runtime image carries no Node toolchain"
    assert any("--from=" in line and "static" in line for stage in stages for line in stage), (
        "the built client (src/dongne/static) is copied into the Python build"
    )
    (user,) = _instruction(final, "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert user.split(":")[0] == str(APP_UID)
    (healthcheck,) = _instruction(final, "HEALTHCHECK")
    assert "/health" in healthcheck
    assert str(APP_PORT) in _instruction(final, "EXPOSE")[0]
    (command,) = _instruction(final, "CMD")
    assert command == '["dongne", "serve"]'
    env = " ".join(_instruction(final, "ENV"))
    assert "DONGNE_HOST=0.0.0.0" in env
    assert f"DONGNE_PORT={APP_PORT}" in env


def test_dockerignore_keeps_local_state_out_of_the_build() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".git", ".venv", "**/node_modules", "src/dongne/static", "var"):
        assert entry in ignored


def test_compose_runs_two_nodes_behind_nginx_with_postgres_and_redis() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"app1", "app2", "nginx", "postgres", "redis", "migrate"} <= set(services)
    known = _settings_env_names()
    for name in ("app1", "app2"):
        app = services[name]
        env = app["environment"]
        assert env["DONGNE_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert "@postgres:5432/" in env["DONGNE_DATABASE_URL"]
        assert env["DONGNE_REDIS_URL"].startswith("redis://redis:6379/")
        assert env["DONGNE_ENV"] == "production"
        assert "DONGNE_JWT_SECRET" in env
        assert set(env) <= known, set(env) - known
        assert "/health" in " ".join(app["healthcheck"]["test"])
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert app["depends_on"]["redis"]["condition"] == "service_healthy"
        assert str(APP_PORT) in app["expose"]
        # Shared data folder: one VAPID key and one set of uploads for every node.
        assert any(v.endswith(":/var/lib/dongne") for v in app["volumes"])
    assert services["app1"]["image"] == services["app2"]["image"]
    assert services["migrate"]["command"] == ["dongne", "migrate"]

    nginx = services["nginx"]
    assert any(port.endswith(":80") for port in nginx["ports"])
    (mount,) = nginx["volumes"]
    source = mount.split(":")[0]
    assert (DEPLOY / source).resolve() == (DEPLOY / "nginx" / "dongne.conf").resolve()
    assert set(nginx["depends_on"]) == {"app1", "app2"}
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]


def test_nginx_config_upgrades_websockets_and_keeps_polling_sticky() -> None:
    conf = (DEPLOY / "nginx" / "dongne.conf").read_text()
    code = "\n".join(line.split("#")[0] for line in conf.splitlines())
    assert re.search(r"server\s+app1:8000", code)
    assert re.search(r"server\s+app2:8000", code)
    assert re.search(r"^\s*(ip_hash|hash\s+\$remote_addr)", code, re.MULTILINE)
    assert "proxy_http_version 1.1;" in code
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", code)
    assert re.search(r"proxy_set_header\s+Connection\s+\$\w+;", code)
    read_timeout = re.search(r"proxy_read_timeout\s+(\d+)s;", code)
    assert read_timeout is not None
    assert int(read_timeout.group(1)) > 25, "longer than Socket.IO's ping interval"
    assert re.search(r"listen\s+80\s*;", code)


def test_k8s_deployment_has_probes_limits_secrets_and_a_non_root_user() -> None:
    documents = _k8s_documents()
    deployment = _one(documents, "Deployment", "dongne")
    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == APP_UID
    assert pod["terminationGracePeriodSeconds"] >= 15
    (container,) = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": APP_PORT}

    liveness, readiness = container["livenessProbe"], container["readinessProbe"]
    assert liveness["httpGet"]["path"] == "/health"
    assert readiness["httpGet"]["path"] == "/ready"
    for probe in (liveness, readiness):
        assert probe["httpGet"]["port"] in ("http", APP_PORT)
        # /ready itself waits up to 2 s for a database or Redis that does not answer.
        assert probe["timeoutSeconds"] >= 3

    resources = container["resources"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[bound])
    assert container["securityContext"]["allowPrivilegeEscalation"] is False

    env = {item["name"]: item for item in container["env"]}
    assert set(env) <= _settings_env_names(), set(env) - _settings_env_names()
    secret = _one(documents, "Secret", "dongne")
    for name in ("DONGNE_DATABASE_URL", "DONGNE_REDIS_URL", "DONGNE_JWT_SECRET"):
        reference = env[name]["valueFrom"]["secretKeyRef"]
        assert reference["name"] == "dongne"
        assert reference["key"] in secret["stringData"]
    assert env["DONGNE_PORT"]["value"] == str(APP_PORT)
    assert secret["stringData"]["database-url"].startswith("postgresql+asyncpg://")
    assert secret["stringData"]["redis-url"].startswith("redis://")

    mounts = {m["name"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert set(mounts) <= set(volumes)
    vapid = volumes[mounts["vapid-key"]["name"]]["secret"]
    assert vapid["secretName"] == "dongne"
    assert vapid["items"][0]["key"] in secret["stringData"]
    claim = volumes["media"]["persistentVolumeClaim"]["claimName"]
    assert _one(documents, "PersistentVolumeClaim", claim)["spec"]["accessModes"] == [
        "ReadWriteMany"
    ]


def test_k8s_service_reaches_the_pods_and_the_migration_job_runs_migrate() -> None:
    documents = _k8s_documents()
    deployment = _one(documents, "Deployment", "dongne")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    service = _one(documents, "Service", "dongne")
    assert service["spec"]["selector"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] in ("http", APP_PORT)
    assert service["spec"]["sessionAffinity"] == "ClientIP"  # long-polling clients

    job = _one(documents, "Job", "dongne-migrate")
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["dongne", "migrate"]
    assert job["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True

    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    # The example Secret holds placeholders only and is applied by hand.
    assert "secret.example.yaml" not in kustomization["resources"]


@pytest.mark.parametrize("path", sorted(p.name for p in K8S.glob("*.yaml")))
def test_k8s_manifests_parse_with_kind_and_api_version(path: str) -> None:
    for document in yaml.safe_load_all((K8S / path).read_text()):
        assert document["apiVersion"]
        assert document["kind"]
        if document["kind"] != "Kustomization":
            assert document["metadata"]["name"]
