// Package frontend holds the built web UI (Vue 3 + Vite, source beside this
// file) so the portal binary serves it without Node: `npm run build`
// writes dist/, which is committed and embedded here.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built UI: index.html, sw.js, manifest.webmanifest, icons
// and the content-hashed files under assets/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a constant, valid path
	}
	return sub
}
