package summary

import (
	"fmt"
	"testing"
	"time"
)

type memSource struct {
	days map[string]*Day
	sets []*OpenSet
}

func (m *memSource) Day(d string) *Day    { return m.days[d] }
func (m *memSource) OpenSets() []*OpenSet { return m.sets }

// bigSource is a year at a million cases a year: 12 streets x 12
// categories (x1.2 departments) cells and 1,440 grid keys a day, and
// 30,000 open cases.
func bigSource() *memSource {
	src := &memSource{days: map[string]*Day{}}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, Zone)
	for i := 0; i < 365; i++ {
		d := NewDay(start.AddDate(0, 0, i).Format(DateLayout))
		for s := 0; s < 12; s++ {
			for c := 0; c < 12; c++ {
				for p := 0; p < 1+(c%5)/4; p++ {
					k := Key{District: fmt.Sprintf("D0%d", s/3+1), Street: fmt.Sprintf("D0%d-S%02d", s/3+1, s), Category: fmt.Sprintf("cat%02d", c), Department: fmt.Sprintf("dept%d", (c+p)%9)}
					d.Cells[k] = &Cell{Filed: 20, Resolved: 18, Closed: 17, Due: 19, OnTime: 15, Ratings: 12, RatingSum: 50, Hist: [NumBuckets]int64{0, 0, 0, 1, 2, 3, 4, 5, 2}}
				}
				for g := 0; g < 10; g++ {
					d.Grids[GridKey{Grid: fmt.Sprintf("D0%d-S%02d-C%02d-G1", s/3+1, s, g), Category: fmt.Sprintf("cat%02d", c), Department: "dept1"}] = 2
				}
			}
		}
		src.days[d.Date] = d
	}
	for p := 0; p < 20; p++ {
		o := NewOpenSet(fmt.Sprintf("dept%d", p))
		for i := 0; i < 1500; i++ {
			id := fmt.Sprintf("C%d-%d", p, i)
			o.Cases[id] = OpenCase{ID: id, Open: true, District: "D01", Category: "cat01", Department: o.Department,
				Due: start.AddDate(0, 0, i%400), OrigDue: start.AddDate(0, 0, i%400)}
		}
		src.sets = append(src.sets, o)
	}
	return src
}

func BenchmarkComputeYear(b *testing.B) {
	src := bigSource()
	q := Query{From: "2025-01-01", To: "2025-12-31", Now: time.Date(2025, 12, 31, 12, 0, 0, 0, Zone)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Compute(src, q)
	}
}

func BenchmarkLeagueYear(b *testing.B) {
	src := bigSource()
	q := Query{From: "2025-01-01", To: "2025-12-31", Now: time.Date(2025, 12, 31, 12, 0, 0, 0, Zone)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		League(src, q)
	}
}
