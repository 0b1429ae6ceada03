"""Several app nodes behind a load balancer (docs/deployment.md §6): what they must share. The
cache (Redis, from CACHE_URL/REDIS_URL), the sessions (the database), and the vault key file (the
same bytes on every node); each is shown here with two "nodes" in one process."""

from __future__ import annotations

import shutil

import fakeredis
import pytest
from cryptography.fernet import InvalidToken
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.test import Client, override_settings
from django.utils import translation

from config.settings import scale
from langnghe.intake import vault
from langnghe.orgs.models import Role
from langnghe.portal import blank_form_cache

from ..factories import user

REDIS_ENV = {"CACHE_URL": "redis://10.0.0.6:6379/1"}


def _fake(config: dict, server: fakeredis.FakeServer) -> dict:
    """The switch's cache settings, connecting to an in-process fake Redis server."""
    default = dict(config["default"])
    default["OPTIONS"] = {"connection_class": fakeredis.FakeRedisConnection, "server": server}
    return default


def _node(config: dict) -> RedisCache:
    params = {k: v for k, v in config.items() if k not in ("BACKEND", "LOCATION")}
    return RedisCache(config["LOCATION"], params)


def test_redis_cache_is_shared_by_the_nodes_and_forgets_everywhere():
    server = fakeredis.FakeServer()
    config = _fake(scale.caches_config(REDIS_ENV), server)
    node_a, node_b = _node(config), _node(config)
    with translation.override("vi"):
        key = blank_form_cache.key("submit")
    node_a.set(key, "<form>…</form>", blank_form_cache.TTL_SECONDS)
    assert node_b.get(key) == "<form>…</form>"
    # A change of the lists forgets the cached form on one node: every node forgets it.
    node_a.delete(key)
    assert node_b.get(key) is None


def test_per_process_cache_is_not_shared_control():
    """Control: what CACHE_URL fixes. Two processes' memory caches do not see each other."""
    config = scale.caches_config({})["default"]
    assert config["BACKEND"].endswith("LocMemCache")
    node_a = LocMemCache("node-a", {})
    node_b = LocMemCache("node-b", {})
    node_a.set("portal:counts:all", 42)
    assert node_b.get("portal:counts:all") is None


@pytest.mark.django_db
def test_the_public_form_is_cached_in_the_shared_redis(client):
    """The portal's own cache use goes to Redis with the switch on."""
    server = fakeredis.FakeServer()
    config = _fake(scale.caches_config(REDIS_ENV), server)
    with override_settings(CACHES={"default": config}):
        response = client.get("/gop-y/")
        assert response.status_code == 200
        other_node = _node(config)
        with translation.override("vi"):
            cached = other_node.get(blank_form_cache.key("submit"))
    assert cached and blank_form_cache.CSRF_PLACEHOLDER in cached
    assert fakeredis.FakeRedis(server=server, db=1).keys("langnghe:1:portal:*")


@pytest.mark.django_db
def test_a_session_opened_on_one_node_is_valid_on_another(tree):
    """Sessions in the database (SESSION_ENGINE of scale.py): no sticky sessions needed."""
    user("canbo", grants=[(tree.commune, Role.HANDLER)])
    node_a, node_b = Client(), Client()
    with override_settings(SESSION_ENGINE=scale.SESSION_ENGINE):
        assert node_a.login(username="canbo", password="pw")  # noqa: S106
        node_b.cookies = node_a.cookies  # the balancer sends the next request elsewhere
        response = node_b.get("/quan-ly/")
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "canbo"


def test_every_node_needs_the_same_vault_key_file(tmp_path, settings):
    node_a_key = tmp_path / "a" / "vault.key"
    node_a_key.parent.mkdir()
    vault.create_key_file(node_a_key)
    langnghe = settings.LANGNGHE
    settings.LANGNGHE = {**langnghe, "VAULT_KEY_FILE": node_a_key, "VAULT_CREATE_KEY": False}
    sealed = vault.seal_bytes(b"Nguyen Van A, 0905 123 456")

    # Node B with a copy of the same file opens what node A sealed …
    node_b_key = tmp_path / "b" / "vault.key"
    node_b_key.parent.mkdir()
    shutil.copy2(node_a_key, node_b_key)
    settings.LANGNGHE = {**langnghe, "VAULT_KEY_FILE": node_b_key, "VAULT_CREATE_KEY": False}
    assert vault.unseal_bytes(sealed) == b"Nguyen Van A, 0905 123 456"

    # … node C with a key of its own cannot: the key must be distributed, never made per node.
    node_c_key = tmp_path / "c" / "vault.key"
    node_c_key.parent.mkdir()
    vault.create_key_file(node_c_key)
    settings.LANGNGHE = {**langnghe, "VAULT_KEY_FILE": node_c_key, "VAULT_CREATE_KEY": False}
    with pytest.raises(InvalidToken):
        vault.unseal_bytes(sealed)
