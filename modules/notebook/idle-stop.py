"""Stop this SageMaker notebook instance once Jupyter has been idle for a while (event-lake, modules/notebook).

Installed by the lifecycle configuration's on-start script and run by cron every 5 minutes, as
`python event-lake-idle-stop.py <idle minutes>`. It needs no internet access: it reads the local Jupyter server's REST
API and calls StopNotebookInstance through the VPC's SageMaker API endpoint (com.amazonaws.<region>.sagemaker.api).

Idle means: no kernel is busy, and no kernel or terminal has been active for the idle time (counted from boot when
nothing has run since). An open browser tab alone does not keep the instance running.

JUPYTER_URL, NOTEBOOK_METADATA, BOOTED_AT (epoch seconds), SAGEMAKER_ENDPOINT and DRY_RUN replace the instance's
own values, for tests.
"""

import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime

JUPYTER_URL = os.environ.get("JUPYTER_URL", "https://localhost:8443")
METADATA = os.environ.get("NOTEBOOK_METADATA", "/opt/ml/metadata/resource-metadata.json")


def get(path):
    # Jupyter serves localhost with a self-signed certificate.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(JUPYTER_URL + path, context=context, timeout=10) as response:
        return json.load(response)


def epoch(timestamp):
    # Jupyter writes "2026-11-22T07:40:56.123456Z"; fromisoformat before Python 3.11 does not read the "Z".
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def booted_at():
    if "BOOTED_AT" in os.environ:
        return float(os.environ["BOOTED_AT"])
    with open("/proc/uptime") as uptime:
        return time.time() - float(uptime.read().split()[0])


def idle_for(sessions, terminals, since, now):
    """Seconds without activity, or None while a kernel is busy."""
    last = since
    for session in sessions:
        kernel = session.get("kernel") or {}
        if kernel.get("execution_state") == "busy":
            return None
        if kernel.get("last_activity"):
            last = max(last, epoch(kernel["last_activity"]))
    for terminal in terminals:
        if terminal.get("last_activity"):
            last = max(last, epoch(terminal["last_activity"]))
    return now - last


def main():
    limit = int(sys.argv[1]) * 60
    sessions = get("/api/sessions")
    try:
        terminals = get("/api/terminals")
    except urllib.error.HTTPError:
        terminals = []  # terminals switched off in this Jupyter
    idle = idle_for(sessions, terminals, booted_at(), time.time())
    if idle is None:
        print("active: a kernel is busy")
        return
    if idle < limit:
        print(f"idle {int(idle)} s of {limit} s")
        return
    with open(METADATA) as metadata_file:
        metadata = json.load(metadata_file)
    name = metadata["ResourceName"]
    print(f"idle {int(idle)} s of {limit} s: stopping {name}")
    if os.environ.get("DRY_RUN"):
        return
    import boto3  # only here: deciding needs nothing outside the standard library

    region = metadata["ResourceArn"].split(":")[3]
    endpoint = os.environ.get("SAGEMAKER_ENDPOINT")
    client = boto3.client("sagemaker", region_name=region, endpoint_url=endpoint)
    client.stop_notebook_instance(NotebookInstanceName=name)


if __name__ == "__main__":
    main()
