#!/bin/sh
# Regenerates the WebP fixtures of photo_test.go (needs Go and the Debian
# "webp" package: cwebp, webpmux).
#   marker.webp       lossless WebP (VP8L) of marker.png
#   marker-lossy.webp lossy WebP (VP8)
#   marker-exif.webp  marker.webp with marker.exif as an EXIF chunk (VP8X)
set -e
cd "$(dirname "$0")"
go run gen.go
cwebp -quiet -lossless marker.png -o marker.webp
cwebp -quiet -q 90 marker.png -o marker-lossy.webp
webpmux -set exif marker.exif marker.webp -o marker-exif.webp
rm marker.png marker.exif
