#!/usr/bin/env bash
# The MQTT tests run against a real broker: Debian's mosquitto, started by each test on a free loopback
# port with a generated configuration. It is installed here when missing, so those tests never skip.
set -euo pipefail
if [ -x /usr/sbin/mosquitto ] && command -v mosquitto_passwd >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Mosquitto is missing: install Debian's package with: sudo apt-get update && sudo apt-get install -y mosquitto openssl" >&2
  exit 1
fi
echo "Installing Debian's mosquitto (needed by the MQTT tests)..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto openssl >/dev/null
# The package starts a system broker on port 1883 on some machines; the tests start their own.
(systemctl stop mosquitto 2>/dev/null || service mosquitto stop 2>/dev/null || true) >/dev/null 2>&1
/usr/sbin/mosquitto -h 2>/dev/null | head -1 || true
