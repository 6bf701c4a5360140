#!/bin/bash
# nommer worker on EC2: the user-data of an Auto Scaling group's launch template (see the README, "On EC2").
#
# On an instance's first boot cloud-init runs it once, as root, on Debian 12/13 or Ubuntu 22.04/24.04. It
#   1. installs Java 21 (headless) and ffmpeg;
#   2. downloads the nommer jar from NOMMER_JAR_URL below (a placeholder: build nommer-cli/target/nommer-all.jar
#      with `./mvnw -pl nommer-cli -am package -DskipTests` and host it, e.g. in S3 behind a presigned URL);
#   3. writes /etc/nommer/worker.env: the orchestrator's store and storage, this group's cloud, the idle exit;
#   4. installs, enables and starts nommer-worker.service.
#
# How the group shrinks: after NOMMER_EXIT_WHEN_IDLE without work the worker terminates this instance through the
# Auto Scaling API with ShouldDecrementDesiredCapacity (NOMMER_EC2_TERMINATE_WHEN_IDLE=true) and exits 0, which
# systemd leaves stopped (RestartPreventExitStatus=0); the group's desired capacity is one lower and no busy instance
# is touched. When AWS refuses because the group is at its MinSize, or anything else fails, the worker exits 1 and
# systemd starts it again (Restart=always): the instance keeps serving, and asks again after its next idle period.
# That loop is how MinSize instances stay up; give the cloud's scaling policy min_workers = the group's MinSize.
#
# Needs: an instance profile with deploy/ec2/iam-worker-policy.json and access to the storage bucket; IMDSv2 (the
# worker runs on the host, so a hop limit of 1 is enough); network access to the store. The worker reports itself by
# its instance id, asked of IMDS: leave NOMMER_WORKER_ID unset.
set -euo pipefail

# ---- placeholders: replace before use ----
NOMMER_JAR_URL="https://example.com/CHANGE-ME/nommer-all.jar"
NOMMER_CLOUD="default" # the cloud this group serves: the group is named nommer-workers-CLOUD by default

# ---- Java 21, ffmpeg, bubblewrap (ffmpeg's sandbox) ----
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q ca-certificates curl ffmpeg bubblewrap
if ! apt-get install -y -q openjdk-21-jre-headless; then
  # why: Debian 12 has no OpenJDK 21; Eclipse Temurin's repository has it
  . /etc/os-release
  install -d -m 755 /etc/apt/keyrings
  curl -fsSL https://packages.adoptium.net/artifactory/api/gpg/key/public -o /etc/apt/keyrings/adoptium.asc
  echo "deb [signed-by=/etc/apt/keyrings/adoptium.asc] https://packages.adoptium.net/artifactory/deb $VERSION_CODENAME main" \
    >/etc/apt/sources.list.d/adoptium.list
  apt-get update -q
  apt-get install -y -q temurin-21-jre
fi

# ---- the jar, a user, a data folder ----
install -d -m 755 /opt/nommer
curl -fsSL --retry 5 -o /opt/nommer/nommer-all.jar "$NOMMER_JAR_URL"
id nommer >/dev/null 2>&1 || useradd --system --home-dir /var/lib/nommer --shell /usr/sbin/nologin nommer
install -d -m 750 -o nommer -g nommer /var/lib/nommer

# ---- this instance's region, from IMDSv2, for the Auto Scaling calls ----
imds_token="$(curl -fsS -X PUT http://169.254.169.254/latest/api/token \
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
region="$(curl -fsS -H "X-aws-ec2-metadata-token: $imds_token" \
  http://169.254.169.254/latest/meta-data/placement/region)"

# ---- the worker's settings (every one is NOMMER_<SETTING>; see the README's Configuration table) ----
install -d -m 755 /etc/nommer
install -m 600 /dev/null /etc/nommer/worker.env
cat >/etc/nommer/worker.env <<ENV
# The orchestrator's store and storage (placeholders)
NOMMER_STORE=postgresql://nommer:CHANGE-ME@CHANGE-ME.internal:5432/nommer
NOMMER_STORAGE=s3://CHANGE-ME-bucket/nommer
NOMMER_S3_REGION=$region
# S3 credentials come from the instance profile; NOMMER_S3_ENDPOINT only for an S3-compatible service
NOMMER_DATA=/var/lib/nommer
NOMMER_CLOUDS=$NOMMER_CLOUD
# Tasks this worker runs at once (default: one per two cores)
# NOMMER_WORKERS=4
NOMMER_SHUTDOWN_GRACE_SECONDS=20
# Scaling down: exit after this long without work, then terminate this instance, lowering the group's desired capacity
NOMMER_EXIT_WHEN_IDLE=10m
NOMMER_EC2_TERMINATE_WHEN_IDLE=true
NOMMER_EC2_REGION=$region
ENV

# ---- the service ----
# TimeoutStopSec: above the shutdown grace (20 s) plus the worker's own 30 s to cancel, release and close, so that
# a SIGTERM (instance shutdown, systemctl stop) lets running encodes finish before systemd kills anything.
cat >/etc/systemd/system/nommer-worker.service <<'UNIT'
[Unit]
Description=nommer worker
Wants=network-online.target
After=network-online.target

[Service]
User=nommer
Group=nommer
EnvironmentFile=/etc/nommer/worker.env
ExecStart=/usr/bin/java --enable-native-access=ALL-UNNAMED -jar /opt/nommer/nommer-all.jar worker
Restart=always
RestartSec=15
RestartPreventExitStatus=0
SuccessExitStatus=143
KillMode=mixed
TimeoutStopSec=90

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now nommer-worker.service
