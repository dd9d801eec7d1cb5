#!/usr/bin/env bash
# A fresh machine: install requirements.txt alone into a new virtual environment, start the
# app from it and ask `/spectrogram` for a picture, so a dependency missing from
# requirements.txt cannot hide behind the test requirements. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(mktemp -d)/venv"
python -m venv "$venv"
"$venv/bin/pip" install -q -r requirements.txt
port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GRADIO_ANALYTICS_ENABLED=False "$venv/bin/python" app.py --port "$port" > "$venv.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$(dirname "$venv")"' EXIT
# the check runs in the test environment, whose gradio_client talks to the fresh app
python - "$port" <<'PY'
import sys, time
from gradio_client import Client, handle_file

url = f"http://127.0.0.1:{sys.argv[1]}/"
for _ in range(180):
    try:
        client = Client(url, verbose=False)
        break
    except Exception:
        time.sleep(1)
else:
    sys.exit("the app from requirements.txt alone did not start")
*_, text = client.predict(handle_file("assets/chirp.wav"), "512", 256, "hann", "log", True, 80,
                          "magma", api_name="/spectrogram")
assert "Δf" in text, text
print("fresh install: the app answered /spectrogram:", text.split(".")[0])
PY
