package complaints

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
)

// DemoOptions shapes the demo history.
type DemoOptions struct {
	// Now is the end of the history; Days how far back it starts.
	Now  time.Time
	Days int
	// PerDay is the mean number of filings a day.
	PerDay int
	// Box bounds the random points (they are located; points in no grid
	// are skipped).
	MinLat, MaxLat, MinLon, MaxLon float64
	// Seed makes the history (and so the ids) repeatable.
	Seed uint64
}

// demoDescriptions are the residents' words, per category.
var demoDescriptions = map[string][]string{
	"garbage":           {"小区门口的垃圾桶满了好几天没人清运，气味很大", "路边堆了一大堆装修垃圾，占了半条人行道", "垃圾中转站周边污水横流，苍蝇很多", "菜市场后门垃圾堆积如山，已经三天了"},
	"street_cleaning":   {"背街小巷地面有大量烟头和纸屑，长期没人打扫", "巷子里的落叶和积水一直没人清理", "人行道上有油污和痰迹，走路很不舒服", "桥下通道地面很脏，有人随地便溺"},
	"public_toilet":     {"公厕没有水，便池堵塞，臭气熏天", "公共厕所洗手池坏了，也没有纸巾", "公厕夜间不开灯，地面湿滑很危险"},
	"flyers":            {"单元门口和电线杆上贴满了小广告", "墙上喷涂了办证的电话号码", "公交站台被贴满了牛皮癣广告"},
	"street_occupation": {"早上有流动摊贩在路口占道卖菜，堵塞交通", "店铺把货物摆到人行道上经营", "夜宵摊占用人行道，油烟和垃圾很多"},
	"construction_dust": {"工地没有围挡和洒水，扬尘很大", "渣土车没有覆盖，一路撒落泥土", "工地门口道路全是泥浆，没有冲洗设施"},
	"small_shops":       {"小餐馆后厨卫生很差，餐具不消毒", "理发店没有健康证公示，毛巾重复使用", "小卖部出售过期食品"},
	"farmers_market":    {"农贸市场水产区地面积水发臭", "市场活禽区卫生很差，没有定期消毒", "市场内垃圾没有分类，堆在过道"},
	"pests":             {"小区绿化带里老鼠很多，晚上到处跑", "垃圾站附近苍蝇成群", "楼道积水，蚊子特别多", "餐馆周边发现大量蟑螂"},
	"sewage":            {"下水道堵塞，污水漫到路面", "雨水井盖周围污水外溢，气味难闻", "化粪池满溢，流到了小区道路上"},
	"smoking":           {"医院候诊区有人吸烟，无人劝阻", "网吧里吸烟现象严重，没有禁烟标识", "商场室内楼梯间经常有人吸烟"},
	"other":             {"小区内有人饲养家禽，环境很差", "河道边有人倾倒生活垃圾", "废弃车辆长期停放，里面堆满垃圾"},
}

var demoCategoryWeights = []struct {
	code   string
	weight float64
}{
	{"garbage", 25}, {"street_cleaning", 15}, {"flyers", 10}, {"street_occupation", 10}, {"public_toilet", 6},
	{"construction_dust", 6}, {"small_shops", 6}, {"farmers_market", 4}, {"pests", 5}, {"sewage", 6},
	{"smoking", 3}, {"other", 4},
}

// demoSlowness makes some departments slower, so the oversight pages show
// differences between them.
var demoSlowness = map[string]float64{"sanitation": 0.7, "citymgmt": 1.1, "housing": 1.5, "market": 0.9,
	"aiweiban": 1.2, "water": 1.3, "health": 1.0}

// demoSim builds one demo case's history.
type demoSim struct {
	s   *Service
	rng *rand.Rand
	now time.Time
}

func (d *demoSim) hours(mean float64) time.Duration {
	return time.Duration(d.rng.ExpFloat64() * mean * float64(time.Hour))
}

func (d *demoSim) code() string {
	b := make([]byte, CodeLength)
	for i := range b {
		b[i] = codeAlphabet[d.rng.IntN(32)]
	}
	return string(b)
}

// add appends an event if it happened before now; it reports whether it did.
func (d *demoSim) add(c *Complaint, at time.Time, actor Actor, a Action, to Status, note string) bool {
	if at.After(d.now) {
		return false
	}
	ev := Event{At: at, ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role, Action: a,
		From: c.Status, To: to, Note: note}
	if to == "" {
		ev.To = c.Status
	}
	c.Events = append(c.Events, ev)
	c.Status = ev.To
	c.UpdatedAt = at
	return true
}

// escalate issues the notices (and publication) the sweeper would have
// issued before the case got resolved at doneAt (or before now).
func (d *demoSim) escalate(c *Complaint, sl time.Duration, doneAt time.Time) {
	for c.NoticeLevel < 2 || !c.Published {
		limit := doneAt
		if limit.IsZero() || limit.After(d.now) {
			limit = d.now
		}
		at := c.DueAt.Add(time.Minute)
		if !at.Before(limit) {
			return
		}
		if c.NoticeLevel < 2 {
			level := c.NoticeLevel + 1
			c.NoticeLevel = level
			c.DueAt = at.Add(sl / 2)
			n := Notice{Level: level, Number: NoticeNumber(at, c.ID, level), IssuedAt: at, Department: c.Department, DueAt: c.DueAt}
			c.Notices = append(c.Notices, n)
			d.add(c, at, System, ActionNotice, "", n.Number)
			c.Events[len(c.Events)-1].NoticeLevel = level
			continue
		}
		c.Published = true
		d.add(c, at, System, ActionPublish, "", "")
		c.Events[len(c.Events)-1].NoticeLevel = 2
		return
	}
}

// DemoCases builds a repeatable demo history of the categories over the
// located area: cases in every state, overdue ones at each notice level,
// duplicates joined and merged, reopened and rated cases. It stores nothing.
func (s *Service) DemoCases(opts DemoOptions) []*Complaint {
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	d := &demoSim{s: s, rng: rng, now: opts.Now}
	total := 0.0
	for _, w := range demoCategoryWeights {
		total += w.weight
	}
	pickCategory := func() string {
		x := rng.Float64() * total
		for _, w := range demoCategoryWeights {
			if x < w.weight {
				return w.code
			}
			x -= w.weight
		}
		return "other"
	}
	// Hot spots make duplicates: a market, a school gate, a construction site...
	type spot struct {
		lat, lon float64
		cat      string
	}
	var spots []spot
	for range 30 {
		spots = append(spots, spot{opts.MinLat + rng.Float64()*(opts.MaxLat-opts.MinLat), opts.MinLon + rng.Float64()*(opts.MaxLon-opts.MinLon), pickCategory()})
	}
	var out []*Complaint
	byID := map[string]*Complaint{}
	start := opts.Now.Add(-time.Duration(opts.Days) * 24 * time.Hour)
	for day := 0; day < opts.Days; day++ {
		dayStart := start.Add(time.Duration(day) * 24 * time.Hour)
		n := opts.PerDay
		if wd := dayStart.Weekday(); wd == time.Saturday || wd == time.Sunday {
			n = n * 7 / 10
		}
		n += rng.IntN(max(1, opts.PerDay/3)) - opts.PerDay/6
		for range n {
			// Filings peak in the day time (7:00-22:00 China time = 23:00-14:00 UTC).
			filed := dayStart.Add(time.Duration(rng.Float64()*15*float64(time.Hour)) - time.Hour)
			if filed.After(opts.Now) {
				continue
			}
			catCode := pickCategory()
			var p Point
			if rng.Float64() < 0.3 {
				sp := spots[rng.IntN(len(spots))]
				catCode = sp.cat
				p = Point{Lat: sp.lat + rng.NormFloat64()*0.0002, Lon: sp.lon + rng.NormFloat64()*0.0002}
			} else {
				p = Point{Lat: opts.MinLat + rng.Float64()*(opts.MaxLat-opts.MinLat), Lon: opts.MinLon + rng.Float64()*(opts.MaxLon-opts.MinLon)}
			}
			p.Lat, p.Lon = math.Round(p.Lat*1e6)/1e6, math.Round(p.Lon*1e6)/1e6
			cat, ok := s.Category(catCode)
			if !ok {
				continue
			}
			place, err := s.loc.Locate(p.Lat, p.Lon)
			if err != nil {
				continue
			}
			dept, err := s.route(cat, place)
			if err != nil {
				continue
			}
			texts := demoDescriptions[catCode]
			c := &Complaint{
				ID: d.code(), Category: catCode, Description: texts[rng.IntN(len(texts))], Point: &p, Place: place,
				Department: dept, Status: StatusSubmitted, FiledAt: filed, UpdatedAt: filed, DueAt: filed.Add(cat.ServiceLevel()),
				Source: "demo", SecretHash: HashSecret(d.code() + d.code()),
			}
			// Older texts have been moderated (published as filed); the last
			// two days' wait in the queue; a few reporters chose privacy.
			// Derived from the code, not the generator, so the rest of the
			// demo data stays as it was.
			c.Private = c.ID[0] == 'Z'
			c.Publication = Publication{State: ModerationPending}
			if !c.Private && filed.Before(opts.Now.Add(-48*time.Hour)) {
				c.Publication = Publication{State: ModerationApproved, Description: c.Description, By: "demo", At: filed.Add(time.Hour)}
			}
			if catCode == "pests" {
				c.Attributes = map[string]string{"pest_type": []string{"rats", "flies", "mosquitoes", "cockroaches"}[rng.IntN(4)]}
			}
			if rng.Float64() < 0.4 {
				c.Contact = Contact{Phone: fmt.Sprintf("13%d%08d", 5+rng.IntN(5), rng.IntN(100000000))}
			}
			if _, dup := byID[c.ID]; dup {
				continue
			}
			d.add(c, filed, Actor{Role: RoleAnonymous}, ActionFile, StatusSubmitted, "")
			d.simulate(c, cat, out)
			byID[c.ID] = c
			out = append(out, c)
		}
	}
	for _, c := range out {
		finish(c)
	}
	return out
}

// simulate plays a case's life: acceptance, work, notices when late,
// resolution, the reporter's answer, or rejection, reassignment and merges.
func (d *demoSim) simulate(c *Complaint, cat Category, earlier []*Complaint) {
	rng := d.rng
	sl := cat.ServiceLevel()
	slow := demoSlowness[c.Department]
	if slow == 0 {
		slow = 1.2 // street offices
	}
	staff := Actor{ID: "demo-" + c.Department, Name: c.Department + " 值班员", Role: RoleDepartment, Scope: c.Department}
	official := Actor{ID: "demo-official", Name: "市创卫办", Role: RoleOfficial}
	t := c.FiledAt

	// A duplicate of a recent open case nearby: merged into it by staff.
	if rng.Float64() < 0.3 {
		for i := len(earlier) - 1; i >= 0 && i > len(earlier)-400; i-- {
			o := earlier[i]
			if o.Category != c.Category || o.Point == nil || c.FiledAt.Sub(o.FiledAt) > DuplicateWindow {
				continue
			}
			if DistanceMeters(*o.Point, *c.Point) > cat.Radius() || !o.Status.Open() && o.ResolvedAt.Before(c.FiledAt) {
				continue
			}
			at := t.Add(d.hours(2 * slow))
			if d.add(c, at, staff, ActionMerge, StatusRejected, "重复投诉，已合并") {
				c.MergedInto, c.ClosedAt = o.ID, at
				c.Events[len(c.Events)-1].Into = o.ID
				o.Supporters++
				o.Events = append(o.Events, Event{At: at, ActorID: staff.ID, ActorName: staff.Name, Role: staff.Role,
					Action: ActionJoin, From: o.Status, To: o.Status, Note: "merged from " + c.ID})
			}
			return
		}
	}
	// "Me too" from neighbours.
	for range rng.IntN(3) {
		if at := t.Add(d.hours(6)); rng.Float64() < 0.3 && at.Before(d.now) {
			c.Supporters++
			c.Events = append(c.Events, Event{At: at, Role: RoleAnonymous, Action: ActionJoin,
				From: StatusSubmitted, To: StatusSubmitted})
		}
	}
	// Wrongly routed: an official reassigns it (about 4%).
	if rng.Float64() < 0.04 {
		at := t.Add(d.hours(1.5))
		to := "citymgmt"
		if c.Department == to {
			to = "sanitation"
		}
		prev := c.Department
		c.Department = to
		if !d.add(c, at, official, ActionReassign, StatusSubmitted, "不属于本部门职责，改派") {
			c.Department = prev
			return
		}
		c.Events[len(c.Events)-1].PrevDepartment = prev
		staff = Actor{ID: "demo-" + to, Name: to + " 值班员", Role: RoleDepartment, Scope: to}
		t = at
	}
	// Most late cases are late from the start.
	late := rng.Float64() < 0.12*slow
	acceptAt := t.Add(d.hours(3 * slow))
	if late {
		acceptAt = t.Add(time.Duration(float64(sl) * (0.3 + rng.Float64())))
	}
	d.escalate(c, sl, acceptAt)
	if rng.Float64() < 0.05 {
		if d.add(c, acceptAt, staff, ActionReject, StatusRejected, []string{"经核实不属实", "不属于本部门管辖范围", "信息不全，无法核实"}[rng.IntN(3)]) {
			c.RejectReason, c.ClosedAt = c.Events[len(c.Events)-1].Note, acceptAt
		}
		return
	}
	if !d.add(c, acceptAt, staff, ActionAccept, StatusAccepted, "") {
		return
	}
	c.AcceptedAt = acceptAt
	startAt := acceptAt.Add(d.hours(6 * slow))
	d.escalate(c, sl, startAt)
	if !d.add(c, startAt, staff, ActionStart, StatusInProgress, "") {
		return
	}
	resolveAt := startAt.Add(time.Duration(float64(sl) * 0.4 * slow * (0.3 + rng.ExpFloat64())))
	if late {
		resolveAt = resolveAt.Add(time.Duration(float64(sl) * (0.5 + 2*rng.Float64())))
	}
	for round := 0; ; round++ {
		d.escalate(c, sl, resolveAt)
		note := []string{"已安排人员清理完毕", "已责令整改，复查合格", "已疏通并消毒", "已清除并加强巡查"}[rng.IntN(4)]
		if !d.add(c, resolveAt, staff, ActionResolve, StatusResolved, note) {
			return
		}
		c.ResolvedAt, c.ResolutionNote = resolveAt, note
		x := rng.Float64()
		switch {
		case round == 0 && x < 0.10: // the reporter disagrees
			at := resolveAt.Add(d.hours(20))
			rating := 1 + rng.IntN(2)
			if !d.add(c, at, Actor{Role: RoleReporter}, ActionReopen, StatusReopened, "问题没有解决") {
				return
			}
			c.Events[len(c.Events)-1].Rating = rating
			c.Feedback = append(c.Feedback, Feedback{Rating: rating, Comment: "问题没有解决", At: at})
			c.Reopens++
			c.ResolvedAt = time.Time{}
			c.DueAt = at.Add(sl)
			restart := at.Add(d.hours(18 * slow))
			d.escalate(c, sl, restart)
			if !d.add(c, restart, staff, ActionStart, StatusInProgress, "") {
				return
			}
			resolveAt = restart.Add(time.Duration(float64(sl) * 0.4 * slow * rng.ExpFloat64()))
			continue
		case x < 0.65: // confirmed and rated
			at := resolveAt.Add(d.hours(24))
			rating := 5 - int(math.Min(3, rng.ExpFloat64()*slow))
			if d.add(c, at, Actor{Role: RoleReporter}, ActionConfirm, StatusClosed, "") {
				c.Events[len(c.Events)-1].Rating = rating
				c.Feedback = append(c.Feedback, Feedback{Confirmed: true, Rating: rating, At: at})
				c.ClosedAt = at
			}
		default: // nobody answers: closed after 7 days
			at := resolveAt.Add(AutoCloseAfter + time.Minute)
			if d.add(c, at, System, ActionAutoClose, StatusClosed, "closed automatically: no answer 7 days after the resolution") {
				c.ClosedAt = at
			}
		}
		return
	}
}

// finish orders a case's events, numbers them and fills the copies each
// event carries.
func finish(c *Complaint) {
	sort.SliceStable(c.Events, func(i, j int) bool { return c.Events[i].At.Before(c.Events[j].At) })
	dept := ""
	for i := range c.Events {
		e := &c.Events[i]
		e.Seq, e.ID, e.CaseID = i+1, EventID(c.ID, i+1), c.ID
		e.Category, e.DistrictID = c.Category, c.Place.DistrictID
		if e.Action == ActionFile {
			dept = c.Department
			for _, later := range c.Events {
				if later.Action == ActionReassign {
					dept = later.PrevDepartment
				}
			}
		}
		if e.Action == ActionReassign {
			dept = c.Department
		}
		e.Department = dept
		if e.Action == ActionJoin {
			// A join leaves the status as it was at that time.
			if i > 0 {
				e.From, e.To = c.Events[i-1].To, c.Events[i-1].To
			}
		}
	}
	c.Version = len(c.Events)
	c.UpdatedAt = c.Events[len(c.Events)-1].At
}

// SeedDemo stores the demo history once: when its first case exists it
// does nothing. It returns how many cases it stored. Demo cases skip the
// event hooks and the outbox; consumers read their events with Events.
func (s *Service) SeedDemo(ctx context.Context, opts DemoOptions) (int, error) {
	cases := s.DemoCases(opts)
	if len(cases) == 0 {
		return 0, nil
	}
	if _, err := s.store.Get(ctx, cases[0].ID); err == nil {
		return 0, nil
	} else if !IsNotFound(err) {
		return 0, err
	}
	if err := s.store.CreateMany(ctx, cases); err != nil {
		return 0, err
	}
	// The duplicate index needs only the cases a filing may match.
	since := opts.Now.Add(-DuplicateWindow)
	var recent []*Complaint
	for _, c := range cases {
		if !c.FiledAt.Before(since) {
			recent = append(recent, c)
		}
	}
	if err := s.store.IndexDuplicates(ctx, recent); err != nil {
		return 0, err
	}
	return len(cases), nil
}
