"""Deliveries survive what kills them: a real consumer process killed mid-request, a receiver down then up.

Everything listens on 127.0.0.1; the consumers may reach 127.0.0.1/32 only.
"""

import socket
import time

import pytest

from tests.live import consumer_process, kill_hard, server_output, start_consumer
from tests.live.test_jobs_reliability_live import wait_until
from tests.webhooks.conftest import LOOPBACK_ONLY
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.live


@pytest.fixture
def app(make_app):
    """Retries a second apart, so a receiver that comes back is reached within the test."""
    return make_app(WEBHOOK_ALLOWED_NETWORKS=LOOPBACK_ONLY, WEBHOOK_RETRY_SCHEDULE=[1] * 10)


def consumer_env(queue_settings, **extra):
    """A consumer process on the test's queue, beating fast, allowed to reach 127.0.0.1 over http."""
    return {"JOBS_POLL_SECONDS": "0.2", "JOBS_HEARTBEAT_SECONDS": "0.5", "JOBS_CONSUMER_TIMEOUT_SECONDS": "3",
            "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32", "WEBHOOK_ALLOW_HTTP": "true", **queue_settings, **extra}


def deliveries(client, team, hook):
    return client.get(team.hooks(f"/{hook['id']}/deliveries"), headers=team.admin).get_json()


def test_kill_9_of_the_consumer_mid_delivery_it_arrives_after_a_restart(database_url, app, client, team, create_hook,
                                                                         queue_settings):
    tarpit = socket.create_server(("127.0.0.1", 0))  # accepts, never answers: the try hangs
    port = tarpit.getsockname()[1]
    hook = create_hook(f"http://127.0.0.1:{port}/hook")
    env = consumer_env(queue_settings, WEBHOOK_TIMEOUT_SECONDS="60")
    first = start_consumer(database_url, env)
    try:
        queued = client.post(team.hooks(f"/{hook['id']}/ping"), headers=team.admin).get_json()
        tarpit.settimeout(30)
        hanging = tarpit.accept()[0]  # the consumer is mid-delivery
    finally:
        kill_hard(first)
    hanging.close()
    tarpit.close()
    with Receiver(port=port) as receiver, consumer_process(database_url, env) as second:
        [request] = receiver.wait_for(1, timeout=30)
        assert request.headers["webhook-id"] == queued["message_id"]
        assert request.verified_with(hook["secret"])["type"] == "webhook.ping"
        wait_until(lambda: deliveries(client, team, hook)[0]["status"] == "succeeded")
        assert "was running on a consumer that stopped; queued again" in server_output(second)
        time.sleep(1)
        assert len(receiver.requests) == 1


def test_receiver_down_then_up_the_queue_retries_with_the_same_webhook_id(database_url, app, client, team,
                                                                           create_hook, queue_settings):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # down: connections are refused
    hook = create_hook(f"http://127.0.0.1:{port}/hook")
    with consumer_process(database_url, consumer_env(queue_settings, WEBHOOK_RETRY_SCHEDULE="1,1,1,1,1,1,1,1")):
        queued = client.post(team.hooks(f"/{hook['id']}/ping"), headers=team.admin).get_json()
        wait_until(lambda: deliveries(client, team, hook)[0]["attempts"] >= 2)
        assert deliveries(client, team, hook)[0]["status"] == "retrying"
        with Receiver(port=port) as receiver:
            [request] = receiver.wait_for(1, timeout=30)
            wait_until(lambda: deliveries(client, team, hook)[0]["status"] == "succeeded")
    assert request.headers["webhook-id"] == queued["message_id"]
    assert request.verified_with(hook["secret"]) is not None
