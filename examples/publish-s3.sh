#!/usr/bin/env sh
# Build and publish to an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, ...)
# with rclone, uploading only files whose checksum changed.
# Usage: examples/publish-s3.sh remote:bucket https://news.example.org/
# (configure the remote once with `rclone config`).
set -eu
remote="$1"
base_url="$2"
newsgen check
newsgen build --base-url "$base_url"
rclone sync --checksum dist/ "$remote" --exclude ".newsgen-output"
