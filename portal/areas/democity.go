package areas

import (
	"fmt"
	"math"
)

// The demo city covers this box without gaps or overlaps.
const (
	DemoMinLat, DemoMaxLat = 27.78, 27.90
	DemoMinLon, DemoMaxLon = 113.08, 113.22
)

// Demo city lattice: 12 x 10 grid cells; a community is two cells side by
// side; a street is a column of five communities; a district is a quadrant
// of three streets. So 4 districts, 12 streets, 60 communities, 120 grids.
const (
	demoCols = 12
	demoRows = 10
)

var demoDistricts = []struct{ id, zh, en string }{
	{"D01", "清源区", "Qingyuan District"},
	{"D02", "东湖区", "Donghu District"},
	{"D03", "南岭区", "Nanling District"},
	{"D04", "西岸区", "Xi'an District"},
}

var demoStreetNames = [][2]string{
	{"解放路街道", "Jiefang Road Subdistrict"}, {"文昌街道", "Wenchang Subdistrict"}, {"桃源街道", "Taoyuan Subdistrict"},
	{"湖滨街道", "Hubin Subdistrict"}, {"新华街道", "Xinhua Subdistrict"}, {"建设街道", "Jianshe Subdistrict"},
	{"岭南街道", "Lingnan Subdistrict"}, {"金盆街道", "Jinpen Subdistrict"}, {"白沙街道", "Baisha Subdistrict"},
	{"河西街道", "Hexi Subdistrict"}, {"望江街道", "Wangjiang Subdistrict"}, {"枫林街道", "Fenglin Subdistrict"},
}

var demoCommunityWords = [][2]string{
	{"和平", "Heping"}, {"育才", "Yucai"}, {"幸福", "Xingfu"}, {"光明", "Guangming"}, {"友谊", "Youyi"},
	{"春华", "Chunhua"}, {"绿荫", "Lüyin"}, {"长青", "Changqing"}, {"滨江", "Binjiang"}, {"朝阳", "Chaoyang"},
	{"红星", "Hongxing"}, {"安居", "Anju"}, {"书院", "Shuyuan"}, {"园丁", "Yuanding"}, {"锦绣", "Jinxiu"},
	{"汇丰", "Huifeng"}, {"湘江", "Xiangjiang"}, {"花园", "Huayuan"}, {"新村", "Xincun"}, {"民主", "Minzhu"},
	{"东风", "Dongfeng"}, {"北塘", "Beitang"}, {"南苑", "Nanyuan"}, {"西城", "Xicheng"}, {"月湖", "Yuehu"},
	{"杏林", "Xinglin"}, {"桂花", "Guihua"}, {"荷塘", "Hetang"}, {"竹山", "Zhushan"}, {"石门", "Shimen"},
}

// DemoDepartments are the demo city's departments: the city bureaus and one
// office per street.
func DemoDepartments() []Department {
	depts := []Department{
		{ID: "sanitation", Name: "市环境卫生管理处", NameEN: "Environmental Sanitation Bureau", Type: DeptSanitation},
		{ID: "citymgmt", Name: "市城市管理局", NameEN: "City Management Bureau", Type: DeptCityManagement},
		{ID: "market", Name: "市市场监督管理局", NameEN: "Market Supervision Bureau", Type: DeptMarket},
		{ID: "health", Name: "市卫生健康委员会", NameEN: "Health Commission", Type: DeptHealth},
		{ID: "aiweiban", Name: "市爱国卫生运动委员会办公室", NameEN: "Patriotic Health Campaign Office", Type: DeptPatrioticHealth},
		{ID: "housing", Name: "市住房和城乡建设局", NameEN: "Housing and Construction Bureau", Type: DeptHousing},
		{ID: "ecology", Name: "市生态环境局", NameEN: "Ecology and Environment Bureau", Type: DeptEcology},
		{ID: "water", Name: "市水务局", NameEN: "Water Bureau", Type: DeptWater},
	}
	for i, n := range demoStreetNames {
		st := demoStreetID(i)
		depts = append(depts, Department{ID: "office-" + st, Name: n[0] + "办事处", NameEN: n[1] + " Office",
			Type: DeptStreetOffice, StreetID: st})
	}
	return depts
}

func demoStreetID(i int) string { return fmt.Sprintf("D%02d-S%02d", i/3+1, i%3+1) }

// demoVertex returns lattice vertex (c, r) with a deterministic jitter so
// the tiles look like real boundaries; vertices on the city's edge slide
// only along it, and shared vertices are computed once per (c, r), so the
// tiles still cover the box with no gap and no overlap.
func demoVertex(c, r int) Point {
	w := (DemoMaxLon - DemoMinLon) / demoCols
	h := (DemoMaxLat - DemoMinLat) / demoRows
	lon := DemoMinLon + float64(c)*w
	lat := DemoMinLat + float64(r)*h
	jx := 0.22 * w * math.Sin(float64(c*7+r*13)*1.7)
	jy := 0.22 * h * math.Cos(float64(c*11+r*5)*1.3)
	if c > 0 && c < demoCols && c != demoCols/2 {
		lon += jx
	}
	if r > 0 && r < demoRows && r != demoRows/2 {
		lat += jy
	}
	return Point{round7(lon), round7(lat)}
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// blockRing walks the lattice boundary of cells [c0,c1) x [r0,r1)
// counter-clockwise, through every lattice vertex on it.
func blockRing(c0, c1, r0, r1 int) Ring {
	var ring Ring
	for c := c0; c < c1; c++ {
		ring = append(ring, demoVertex(c, r0))
	}
	for r := r0; r < r1; r++ {
		ring = append(ring, demoVertex(c1, r))
	}
	for c := c1; c > c0; c-- {
		ring = append(ring, demoVertex(c, r1))
	}
	for r := r1; r > r0; r-- {
		ring = append(ring, demoVertex(c0, r))
	}
	return append(ring, ring[0])
}

// DemoAreas returns the demo city's districts, streets, communities and grids.
func DemoAreas() []Area {
	var list []Area
	half := demoCols / 2
	halfRows := demoRows / 2
	// Districts are quadrants: D01 north-west, D02 north-east, D03 south-west, D04 south-east.
	quadrants := [][2]int{{0, halfRows}, {half, halfRows}, {0, 0}, {half, 0}}
	word := 0
	for di, d := range demoDistricts {
		c0, r0 := quadrants[di][0], quadrants[di][1]
		list = append(list, Area{ID: d.id, Level: District, Name: d.zh, NameEN: d.en,
			Geometry: MultiPolygon{{blockRing(c0, c0+half, r0, r0+halfRows)}}})
		for si := 0; si < 3; si++ {
			idx := di*3 + si
			stID := demoStreetID(idx)
			sc := c0 + si*2
			list = append(list, Area{ID: stID, Level: Street, Name: demoStreetNames[idx][0], NameEN: demoStreetNames[idx][1],
				ParentID: d.id, Geometry: MultiPolygon{{blockRing(sc, sc+2, r0, r0+halfRows)}}})
			for ci := 0; ci < halfRows; ci++ {
				cID := fmt.Sprintf("%s-C%02d", stID, ci+1)
				w := demoCommunityWords[word%len(demoCommunityWords)]
				suffix := ""
				if word >= len(demoCommunityWords) {
					suffix = "二"
				}
				word++
				r := r0 + ci
				// Adult residents 2,800-9,400, varied but deterministic.
				residents := 2800 + (idx*937+ci*1543)%6600
				list = append(list, Area{ID: cID, Level: Community, Name: w[0] + suffix + "社区",
					NameEN:   w[1] + map[bool]string{true: " II", false: ""}[suffix != ""] + " Community",
					ParentID: stID, Residents: residents, Geometry: MultiPolygon{{blockRing(sc, sc+2, r, r+1)}}})
				for gi := 0; gi < 2; gi++ {
					list = append(list, Area{ID: fmt.Sprintf("%s-G%d", cID, gi+1), Level: Grid,
						Name: fmt.Sprintf("%s%s社区第%d网格", w[0], suffix, gi+1), NameEN: fmt.Sprintf("%s grid %d", w[1], gi+1),
						ParentID: cID, LeadDepartment: "office-" + stID,
						Geometry: MultiPolygon{{blockRing(sc+gi, sc+gi+1, r, r+1)}}})
				}
			}
		}
	}
	return list
}
