import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_tasks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["tasks"] == "ok"
    assert body["tasks_backend"]
