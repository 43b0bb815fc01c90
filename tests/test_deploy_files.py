"""The files docs/deploying.md installs: Prometheus alert rules, the systemd unit, the nginx site."""

from __future__ import annotations

import re

from ruamel.yaml import YAML

from .conftest import ROOT

DEPLOY = ROOT / "deploy"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def exported(client) -> set[str]:
    """Every sample name /metrics can carry: the metric families in ivr/metrics.py and the queue's gauges."""
    from ivr import metrics

    names = set()
    for family in (
        metrics.WEBHOOK_SECONDS,
        metrics.CALLS,
        metrics.TRANSFERS,
        metrics.BOOKINGS,
        metrics.FALLBACKS,
        metrics.REFUSED,
    ):
        for described in family.describe():
            names |= {described.name + suffix for suffix in SUFFIXES[described.type]}
    text = client.get("/metrics").get_data(as_text=True)
    names |= set(re.findall(r"^# TYPE (\S+) gauge$", text, re.M))
    return names


def test_every_alert_names_metrics_the_line_exports(client):
    rules = YAML(typ="safe").load((DEPLOY / "prometheus-rules.yml").read_text(encoding="utf-8"))
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert {"IvrFallbacks", "IvrWebhookSlow", "IvrWebhooksRefused", "IvrCallbacksOverdue"} <= {
        a["alert"] for a in alerts
    }
    known = exported(client) | {"up"}
    for alert in alerts:
        assert alert["annotations"]["summary"] and alert["labels"]["severity"] in ("page", "ticket")
        used = set(re.findall(r"\b(ivr_\w+|up)\b", alert["expr"]))
        assert used and used <= known, f"{alert['alert']} names {sorted(used - known)}, which /metrics never has"


def test_the_systemd_unit_runs_as_a_service_user_and_restarts():
    unit = (DEPLOY / "after-trial-line.service").read_text(encoding="utf-8")
    for line in ("User=ivr", "Restart=on-failure", "EnvironmentFile=/etc/after-trial-line/env", "UMask=0077"):
        assert re.search(rf"^{re.escape(line)}$", unit, re.M), line
    assert re.search(r"^ExecStart=\S+/ivr serve --host 127\.0\.0\.1 ", unit, re.M)


def test_the_nginx_site_redirects_to_https_renews_and_sends_security_headers():
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "return 301 https://$host$request_uri;" in site
    assert "/.well-known/acme-challenge/" in site
    assert "Strict-Transport-Security" in site and "X-Content-Type-Options" in site
    assert "access_log off;" in site and "location /metrics { deny all; }" in site


def test_the_guide_points_at_each_file():
    guide = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
    for name in ("deploy/prometheus-rules.yml", "deploy/after-trial-line.service", "deploy/nginx.conf"):
        assert name in guide
