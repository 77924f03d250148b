package complaints

import "math"

// publicGrid is the step, in degrees, of the positions the public sees
// (about 111 m of latitude): the public map, tracking pages and duplicate
// hints never show a case finer than this.
const publicGrid = 0.001

// PublicPoint is the position the public may see of a case at p: p rounded
// to the public grid. It is the only position of a case that any public
// answer is computed from.
func PublicPoint(p Point) Point {
	return Point{Lat: math.Round(p.Lat/publicGrid) * publicGrid, Lon: math.Round(p.Lon/publicGrid) * publicGrid}
}

// publicSlack is how far a point near lat can lie from its PublicPoint:
// half the grid cell's diagonal.
func publicSlack(lat float64) float64 {
	const half = publicGrid / 2 * math.Pi / 180 * 6371008.8
	return math.Hypot(half, half*math.Cos(lat*math.Pi/180))
}

// DistanceBands are the distances, in metres, a public duplicate hint is
// reported in ("within 50 m"); the last one bounds every hint.
var DistanceBands = []int{50, 100, 200, 300}

// publicDistance says whether a case at p is a duplicate candidate for a
// filing at q under radius, and how far it is, judged only from the case's
// PublicPoint. A real duplicate (p within radius of q) always matches,
// since p is at most publicSlack from its public point; and because the
// answer depends on p only through PublicPoint(p), no sequence of queries
// locates a case more finely than the public map shows it (issue 15 row 2:
// exact distances from chosen points trilaterated a reporter to 0.4 m).
func publicDistance(q, p Point, radius float64) (float64, bool) {
	d := DistanceMeters(q, PublicPoint(p))
	return d, d <= radius+publicSlack(q.Lat)
}

// Within returns the smallest of DistanceBands the candidate lies within,
// or 0 when it was matched by community (no distance).
func (c Candidate) Within() int {
	if c.Distance < 0 {
		return 0
	}
	for _, b := range DistanceBands {
		if c.Distance <= float64(b) {
			return b
		}
	}
	return DistanceBands[len(DistanceBands)-1]
}
