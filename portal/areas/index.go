package areas

import (
	"math"
	"sort"
)

// gridIndex finds the grid containing a point: a uniform bucket lattice over
// the grids' extent, each cell listing the grids whose bounding box meets it,
// then an exact polygon test on the few candidates.
type gridIndex struct {
	extent     bbox
	cols, rows int
	cellW      float64
	cellH      float64
	cells      [][]int32 // cell -> indexes into grids
	grids      []*Area
	boxes      []bbox
}

func newGridIndex(grids []*Area) *gridIndex {
	ix := &gridIndex{grids: grids, extent: emptyBBox()}
	ix.boxes = make([]bbox, len(grids))
	for i, g := range grids {
		ix.boxes[i] = g.Geometry.bbox()
		for _, p := range []Point{{ix.boxes[i].minLon, ix.boxes[i].minLat}, {ix.boxes[i].maxLon, ix.boxes[i].maxLat}} {
			ix.extent.extend(p)
		}
	}
	if len(grids) == 0 {
		return ix
	}
	// About one cell per grid keeps candidate lists short (1-4 typically).
	side := int(math.Ceil(math.Sqrt(float64(len(grids)))))
	ix.cols, ix.rows = side, side
	ix.cellW = (ix.extent.maxLon - ix.extent.minLon) / float64(ix.cols)
	ix.cellH = (ix.extent.maxLat - ix.extent.minLat) / float64(ix.rows)
	if ix.cellW <= 0 {
		ix.cellW = 1
	}
	if ix.cellH <= 0 {
		ix.cellH = 1
	}
	ix.cells = make([][]int32, ix.cols*ix.rows)
	for i, b := range ix.boxes {
		c0, r0 := ix.cellOf(b.minLon, b.minLat)
		c1, r1 := ix.cellOf(b.maxLon, b.maxLat)
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				ix.cells[r*ix.cols+c] = append(ix.cells[r*ix.cols+c], int32(i))
			}
		}
	}
	// Smaller grids first: where grids overlap by mistake, the most specific wins.
	for _, cell := range ix.cells {
		sort.Slice(cell, func(a, b int) bool { return ix.grids[cell[a]].ID < ix.grids[cell[b]].ID })
	}
	return ix
}

func (ix *gridIndex) cellOf(lon, lat float64) (int, int) {
	c := int((lon - ix.extent.minLon) / ix.cellW)
	r := int((lat - ix.extent.minLat) / ix.cellH)
	return clamp(c, 0, ix.cols-1), clamp(r, 0, ix.rows-1)
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// find returns the grid containing the point, or nil.
func (ix *gridIndex) find(lon, lat float64) *Area {
	if len(ix.grids) == 0 || !ix.extent.contains(lon, lat) {
		return nil
	}
	c, r := ix.cellOf(lon, lat)
	for _, i := range ix.cells[r*ix.cols+c] {
		if ix.boxes[i].contains(lon, lat) && ix.grids[i].Geometry.Contains(lon, lat) {
			return ix.grids[i]
		}
	}
	return nil
}
