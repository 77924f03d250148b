package survey

import (
	"math/rand/v2"
	"sort"
)

// PPSDraw is one community drawn by DrawPPS with its inclusion probability.
type PPSDraw struct {
	Community Community
	// Inclusion is the probability that the draw takes this community:
	// n*size/total within its stratum, or 1 for a certainty unit.
	Inclusion float64
	// Certain marks a community so large that n*size/total reached 1: it is
	// always taken, and the rest of the stratum's sample is drawn among the
	// others.
	Certain bool
}

// DrawPPS draws n communities from one stratum's frame with probability
// proportional to size (the resident count), by systematic selection: the
// frame in id order is laid end to end by size, and n points a sampling
// interval apart, from a random start, pick the communities they fall in.
// Communities whose n*size/total is at least 1 are certainty units, taken
// first (again and again until none is left), so every other community's
// inclusion probability is exactly n'*size/total' of what remains. The same
// frame, n and seed always give the same draw. Communities without residents
// can never be drawn. The result is in frame (id) order.
func DrawPPS(frame []Community, n int, seed uint64) []PPSDraw {
	list := make([]Community, 0, len(frame))
	for _, c := range frame {
		if c.Residents > 0 {
			list = append(list, c)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	if n <= 0 || len(list) == 0 {
		return nil
	}
	if n >= len(list) {
		out := make([]PPSDraw, len(list))
		for i, c := range list {
			out[i] = PPSDraw{Community: c, Inclusion: 1, Certain: true}
		}
		return out
	}
	certain := map[string]bool{}
	rest := list
	left := n
	for left > 0 {
		total := 0
		for _, c := range rest {
			total += c.Residents
		}
		var next []Community
		found := false
		for _, c := range rest {
			if left*c.Residents >= total && left > 0 {
				certain[c.ID] = true
				found = true
				continue
			}
			next = append(next, c)
		}
		if !found {
			break
		}
		left = n - len(certain)
		rest = next
	}
	var out []PPSDraw
	for _, c := range list {
		if certain[c.ID] {
			out = append(out, PPSDraw{Community: c, Inclusion: 1, Certain: true})
		}
	}
	if left > 0 && len(rest) > 0 {
		total := 0
		for _, c := range rest {
			total += c.Residents
		}
		step := float64(total) / float64(left)
		rng := rand.New(rand.NewPCG(seed, 0x9955))
		point := rng.Float64() * step
		cum := 0.0
		for _, c := range rest {
			lo := cum
			cum += float64(c.Residents)
			// Each non-certainty size is below the step, so at most one
			// point lands in a community.
			if point >= lo && point < cum {
				out = append(out, PPSDraw{Community: c, Inclusion: float64(left) * float64(c.Residents) / float64(total)})
				point += step
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Community.ID < out[j].Community.ID })
	return out
}
