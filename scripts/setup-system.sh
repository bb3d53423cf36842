#!/usr/bin/env bash
# Debian packages the tests use: Java (HermiT, Jena CLI), Chromium (browser tests), Apache httpd
# (the w3id redirect rules, tests/release/test_w3id_redirects.py), nginx and openssl (the proxy
# test, tests/endpoint/test_proxy.py), Virtuoso Open Source 7 (the
# external-store tests, tests/stores/: only its binaries, virtuoso-t and isql-vt; the tests start
# it themselves, so the package with the init script and a system database is not installed).
# Installs only what is missing; needs root (or sudo) the first time.
set -euo pipefail
needed=()
command -v java >/dev/null 2>&1 || needed+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || needed+=(chromium)
[ -e /usr/share/java/jena-arq.jar ] || needed+=(libapache-jena-java)
# Chinese glyphs for the browser tests' screenshots (no test depends on them)
[ -d /usr/share/fonts/truetype/wqy ] || needed+=(fonts-wqy-microhei)
[ -x /usr/sbin/apache2 ] || needed+=(apache2)
# nginx terminating TLS (a self-signed certificate made by openssl) in front of two serve.py
# replicas (tests/endpoint/test_proxy.py)
[ -x /usr/sbin/nginx ] || needed+=(nginx)
command -v openssl >/dev/null 2>&1 || needed+=(openssl)
command -v virtuoso-t >/dev/null 2>&1 || needed+=(virtuoso-opensource-7-bin)
if [ ${#needed[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${needed[@]}"
fi
