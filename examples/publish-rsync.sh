#!/usr/bin/env sh
# Build and publish to any web server over SSH, uploading only what changed.
# Usage: examples/publish-rsync.sh user@host:/var/www/news https://news.example.org/
set -eu
target="$1"
base_url="$2"
newsgen check
newsgen build --base-url "$base_url"
# --checksum compares contents, --delete removes pages that are gone (the build
# itself never leaves stale files in dist/).
rsync -rlz --checksum --delete --exclude ".newsgen-output" dist/ "$target/"
