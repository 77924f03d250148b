package portal

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/complaints"
	"cleancity/complaints/summary"
	"cleancity/portal/apperr"
	"cleancity/portal/areas"
	"cleancity/survey"
)

// The oversight dashboard (issue 8). Every figure comes from the summary
// read model (complaints/summary): per-day counters and the open-case
// sets, kept in memory and refreshed by revision, so an answer costs the
// same at a million cases as at a hundred.
//
// Periods are city days (China Standard Time), from and to inclusive;
// the default is the 30 days up to today. Counts of events (filed,
// resolved, closed, notices, ratings, "me too") are of the events in the
// period; the status totals are the current status of the cases filed in
// the period; the on-time rate is over the cases whose service-level due
// time falls in the period (first final answer - resolve, reject or merge -
// at or before it; cases not yet due and not yet answered are left out);
// overdue counts are open cases past their current due time now. Median
// and p90 time to close are interpolated inside log-spaced histogram
// buckets (each 1.5 times the previous, from 15 minutes), so they are
// estimates within one bucket; the mean is exact.
func (s *Server) registerDashboardRoutes(api fiber.Router) {
	officials := requireRoles(RoleOfficial, RoleAdmin)
	api.Get("/dashboard/complaints", officials, s.dashboardComplaints)
	api.Get("/dashboard/complaints.csv", officials, s.dashboardComplaintsCSV)
	api.Get("/dashboard/departments", officials, s.dashboardDepartments)
	api.Get("/dashboard/departments.csv", officials, s.dashboardDepartmentsCSV)
	api.Get("/dashboard/satisfaction", officials, s.dashboardSatisfaction)
	api.Get("/dashboard/satisfaction.csv", officials, s.dashboardSatisfactionCSV)
}

type dashboardQuery struct {
	From       string `query:"from" validate:"omitempty,datetime=2006-01-02"`
	To         string `query:"to" validate:"omitempty,datetime=2006-01-02"`
	District   string `query:"district" validate:"omitempty,max=40,plaintext"`
	Category   string `query:"category" validate:"omitempty,max=40,plaintext"`
	Department string `query:"department" validate:"omitempty,max=80,plaintext"`
	MinCases   int    `query:"min_cases" validate:"omitempty,min=1,max=1000000"`
	Table      string `query:"table" validate:"omitempty,max=40"`
}

// maxDashboardDays bounds a period (about three years).
const maxDashboardDays = 1100

// dashboardQueryOf binds and checks the filters and applies the caller's
// scope: a district official sees only that district (another is 403).
func (s *Server) dashboardQueryOf(c *fiber.Ctx) (summary.Query, dashboardQuery, error) {
	var in dashboardQuery
	if err := s.BindQuery(c, &in); err != nil {
		return summary.Query{}, in, err
	}
	lang := languageOf(c)
	now := s.now()
	if in.To == "" {
		in.To = summary.DayOf(now)
	}
	if in.From == "" {
		t, _ := time.ParseInLocation(summary.DateLayout, in.To, summary.Zone)
		in.From = t.AddDate(0, 0, -29).Format(summary.DateLayout)
	}
	if in.From > in.To {
		return summary.Query{}, in, apperr.Field("from", msg(lang, "开始日期不能晚于结束日期", "must not be after to"))
	}
	if n := len(summary.Dates(in.From, in.To)); n > maxDashboardDays || n == 0 {
		return summary.Query{}, in, apperr.Field("from", msg(lang, "时间段最长 1100 天", "the period is at most 1100 days"))
	}
	if p := principalOf(c); p != nil && p.Role == RoleOfficial && p.Scope != "" {
		if in.District != "" && in.District != p.Scope {
			return summary.Query{}, in, apperr.New(apperr.Forbidden, msg(lang, "只能查看本区的数据", "you may only see your own district"))
		}
		in.District = p.Scope
	}
	if in.District != "" {
		if a, ok := s.Areas.Area(in.District); !ok || a.Level != areas.District {
			return summary.Query{}, in, apperr.Field("district", msg(lang, "没有这个区", "unknown district"))
		}
	}
	if in.Category != "" {
		if _, ok := s.Complaints.Category(in.Category); !ok {
			return summary.Query{}, in, apperr.Field("category", msg(lang, "没有这个类别", "unknown category"))
		}
	}
	if in.Department != "" {
		if _, ok := s.Areas.Department(in.Department); !ok {
			return summary.Query{}, in, apperr.Field("department", msg(lang, "没有这个部门", "unknown department"))
		}
	}
	return summary.Query{From: in.From, To: in.To, District: in.District, Category: in.Category,
		Department: in.Department, Now: now, MinCases: in.MinCases, TopGrids: 10}, in, nil
}

// Names for the tables.

func (s *Server) areaName(lang, id string) string {
	if a, ok := s.Areas.Area(id); ok {
		return msg(lang, a.Name, a.NameEN)
	}
	return id
}

func (s *Server) deptName(lang, id string) string {
	if d, ok := s.Areas.Department(id); ok {
		return msg(lang, d.Name, d.NameEN)
	}
	return id
}

func (s *Server) categoryName(lang, code string) string {
	if c, ok := s.Complaints.Category(code); ok {
		return msg(lang, c.Name, c.NameEN)
	}
	return code
}

// DTOs.

type dashPeriod struct {
	From string    `json:"from"`
	To   string    `json:"to"`
	Now  time.Time `json:"now"`
	Zone string    `json:"zone"`
}

type dashFilters struct {
	District   string `json:"district,omitempty"`
	Category   string `json:"category,omitempty"`
	Department string `json:"department,omitempty"`
}

type dashCount struct {
	Date  string `json:"date"`
	Count int64  `json:"count"`
}

type dashRow struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Filed    int64  `json:"filed"`
	Resolved int64  `json:"resolved"`
	Closed   int64  `json:"closed"`
}

type dashRate struct {
	Num  int64    `json:"num"`
	Den  int64    `json:"den"`
	Rate *float64 `json:"rate"`
}

func toDashRate(r summary.Rate) dashRate {
	d := dashRate{Num: r.Num, Den: r.Den}
	if r.Den > 0 {
		v := r.Rate
		d.Rate = &v
	}
	return d
}

type dashCloseTimes struct {
	Closed      int64    `json:"closed"`
	MeanHours   *float64 `json:"mean_hours"`
	MedianHours *float64 `json:"median_hours"`
	P90Hours    *float64 `json:"p90_hours"`
}

// hours rounds a duration to hundredths of an hour.
func hours(d time.Duration) *float64 {
	v := math.Round(d.Hours()*100) / 100
	return &v
}

func toDashCloseTimes(ct summary.CloseTimes) dashCloseTimes {
	d := dashCloseTimes{Closed: ct.Closed}
	if ct.Closed > 0 {
		d.MeanHours, d.MedianHours, d.P90Hours = hours(ct.Mean), hours(ct.Median), hours(ct.P90)
	}
	return d
}

type dashOverdue struct {
	ID        string `json:"id,omitempty"`
	Name      string `json:"name,omitempty"`
	Level0    int64  `json:"level0"`
	Level1    int64  `json:"level1"`
	Level2    int64  `json:"level2"`
	Published int64  `json:"published"`
	Total     int64  `json:"total"`
}

type dashRatings struct {
	Count   int64    `json:"count"`
	Mean    *float64 `json:"mean"`
	Share45 *float64 `json:"share_4_5"`
}

func toDashRatings(r summary.Ratings) dashRatings {
	d := dashRatings{Count: r.Count}
	if r.Count > 0 {
		m, sh := r.Mean, r.Share45
		d.Mean, d.Share45 = &m, &sh
	}
	return d
}

type dashComplaintsResponse struct {
	Period  dashPeriod  `json:"period"`
	Filters dashFilters `json:"filters"`
	Totals  struct {
		Filed    int64            `json:"filed"`
		ByStatus map[string]int64 `json:"by_status"`
	} `json:"totals"`
	FiledPerDay  []dashCount    `json:"filed_per_day"`
	FiledPerWeek []dashCount    `json:"filed_per_week"`
	ByCategory   []dashRow      `json:"by_category"`
	ByDistrict   []dashRow      `json:"by_district"`
	ByStreet     []dashRow      `json:"by_street"`
	ByDepartment []dashRow      `json:"by_department"`
	OnTime       dashRate       `json:"on_time"`
	TimeToClose  dashCloseTimes `json:"time_to_close"`
	Overdue      struct {
		Total        dashOverdue   `json:"total"`
		ByDepartment []dashOverdue `json:"by_department"`
	} `json:"overdue"`
	Reopen  dashRate    `json:"reopen"`
	Rating  dashRatings `json:"rating"`
	MeToo   int64       `json:"me_too"`
	Notices struct {
		Level1    int64 `json:"level1"`
		Level2    int64 `json:"level2"`
		Published int64 `json:"published"`
	} `json:"notices"`
	TopGrids []dashRow `json:"top_grids"`
	Method   string    `json:"method"`
}

func (s *Server) rows(lang string, list []summary.Breakdown, name func(lang, id string) string) []dashRow {
	out := make([]dashRow, 0, len(list))
	for _, b := range list {
		out = append(out, dashRow{ID: b.Key, Name: name(lang, b.Key), Filed: b.Filed, Resolved: b.Resolved, Closed: b.Closed})
	}
	return out
}

func (s *Server) complaintsResponse(lang string, q summary.Query, f *summary.Figures) *dashComplaintsResponse {
	r := &dashComplaintsResponse{
		Period:  dashPeriod{From: q.From, To: q.To, Now: q.Now.UTC(), Zone: "Asia/Shanghai (UTC+8)"},
		Filters: dashFilters{District: q.District, Category: q.Category, Department: q.Department},
	}
	r.Totals.Filed = f.Filed
	r.Totals.ByStatus = map[string]int64{}
	for k, v := range f.ByStatus {
		r.Totals.ByStatus[string(k)] = v
	}
	for _, c := range f.PerDay {
		r.FiledPerDay = append(r.FiledPerDay, dashCount{Date: c.Key, Count: c.Count})
	}
	for _, c := range f.PerWeek {
		r.FiledPerWeek = append(r.FiledPerWeek, dashCount{Date: c.Key, Count: c.Count})
	}
	r.ByCategory = s.rows(lang, f.ByCategory, s.categoryName)
	r.ByDistrict = s.rows(lang, f.ByDistrict, s.areaName)
	r.ByStreet = s.rows(lang, f.ByStreet, s.areaName)
	r.ByDepartment = s.rows(lang, f.ByDepartment, s.deptName)
	r.OnTime = toDashRate(f.OnTime)
	r.TimeToClose = toDashCloseTimes(f.CloseTimes)
	r.Overdue.Total = dashOverdue{Level0: f.OverdueTotal.Level0, Level1: f.OverdueTotal.Level1,
		Level2: f.OverdueTotal.Level2, Published: f.OverdueTotal.Published, Total: f.OverdueTotal.Total}
	r.Overdue.ByDepartment = []dashOverdue{}
	for _, o := range f.Overdue {
		r.Overdue.ByDepartment = append(r.Overdue.ByDepartment, dashOverdue{ID: o.Department, Name: s.deptName(lang, o.Department),
			Level0: o.Level0, Level1: o.Level1, Level2: o.Level2, Published: o.Published, Total: o.Total})
	}
	r.Reopen = toDashRate(f.Reopen)
	r.Rating = toDashRatings(f.Ratings)
	r.MeToo = f.Joins
	r.Notices.Level1, r.Notices.Level2, r.Notices.Published = f.Notices1, f.Notices2, f.Published
	r.TopGrids = []dashRow{}
	for _, g := range f.TopGrids {
		r.TopGrids = append(r.TopGrids, dashRow{ID: g.Key, Name: s.areaName(lang, g.Key), Filed: g.Count})
	}
	r.Method = msg(lang,
		"按城市日（北京时间）统计，起止日期均含；事件类数字为期间内发生的事件；状态合计为期间内受理案件的当前状态；按时办结率以期间内到期的案件为分母（首次答复即办结、驳回或合并不晚于承诺时限为按时，未到期且未答复的不计）；超期数为当前未办结且已过期限的案件；办结时长中位数和 P90 在对数分桶直方图内线性插值，均值精确。",
		"city days (UTC+8), from and to inclusive; event counts are events in the period; status totals are the current status of cases filed in the period; on-time rate is over cases due in the period (first final answer - resolve, reject or merge - by the service-level due time; cases not yet due and unanswered are left out); overdue counts open cases past their due time now; median and p90 time to close are interpolated within log-spaced histogram buckets, the mean is exact.")
	return r
}

func (s *Server) dashboardComplaints(c *fiber.Ctx) error {
	q, _, err := s.dashboardQueryOf(c)
	if err != nil {
		return err
	}
	f, err := s.Dashboard.Figures(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s.complaintsResponse(languageOf(c), q, f))
}

// sendCSV writes a table with a UTF-8 byte order mark (so spreadsheet
// programs read the Chinese names).
func sendCSV(c *fiber.Ctx, name string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write(header)
	for _, r := range rows {
		_ = w.Write(r)
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func fptr(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// complaintTables are the tables of the complaint dashboard's CSV export.
var complaintTables = []string{"status", "per_day", "per_week", "by_category", "by_district", "by_street",
	"by_department", "overdue", "top_grids"}

func (s *Server) dashboardComplaintsCSV(c *fiber.Ctx) error {
	q, in, err := s.dashboardQueryOf(c)
	if err != nil {
		return err
	}
	lang := languageOf(c)
	table := in.Table
	if table == "" {
		table = "by_category"
	}
	known := false
	for _, t := range complaintTables {
		known = known || t == table
	}
	if !known {
		return apperr.Field("table", msg(lang, "可选：", "one of: ")+joinComma(complaintTables))
	}
	f, err := s.Dashboard.Figures(c.UserContext(), q)
	if err != nil {
		return err
	}
	r := s.complaintsResponse(lang, q, f)
	name := "complaints-" + table + "-" + q.From + "-" + q.To
	var rows [][]string
	switch table {
	case "status":
		for _, st := range complaints.Statuses {
			rows = append(rows, []string{string(st), i64(r.Totals.ByStatus[string(st)])})
		}
		return sendCSV(c, name, []string{"status", "cases"}, rows)
	case "per_day", "per_week":
		list := r.FiledPerDay
		if table == "per_week" {
			list = r.FiledPerWeek
		}
		for _, x := range list {
			rows = append(rows, []string{x.Date, i64(x.Count)})
		}
		return sendCSV(c, name, []string{"date", "filed"}, rows)
	case "overdue":
		for _, o := range r.Overdue.ByDepartment {
			rows = append(rows, []string{o.ID, o.Name, i64(o.Level0), i64(o.Level1), i64(o.Level2), i64(o.Published), i64(o.Total)})
		}
		return sendCSV(c, name, []string{"department", "name", "no_notice", "notice_1", "notice_2", "published", "total"}, rows)
	}
	list := map[string][]dashRow{"by_category": r.ByCategory, "by_district": r.ByDistrict, "by_street": r.ByStreet,
		"by_department": r.ByDepartment, "top_grids": r.TopGrids}[table]
	for _, x := range list {
		rows = append(rows, []string{x.ID, x.Name, i64(x.Filed), i64(x.Resolved), i64(x.Closed)})
	}
	return sendCSV(c, name, []string{"id", "name", "filed", "resolved", "closed"}, rows)
}

func joinComma(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

type dashLeagueRow struct {
	Rank        *int           `json:"rank"`
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Volume      int64          `json:"volume"`
	Resolved    int64          `json:"resolved"`
	OnTime      dashRate       `json:"on_time"`
	TimeToClose dashCloseTimes `json:"time_to_close"`
	Notices     struct {
		Level1  int64 `json:"level1"`
		Level2  int64 `json:"level2"`
		Penalty int64 `json:"penalty"`
	} `json:"notices"`
	Rating dashRatings `json:"rating"`
}

type dashLeagueResponse struct {
	Period      dashPeriod      `json:"period"`
	Filters     dashFilters     `json:"filters"`
	MinCases    int             `json:"min_cases"`
	Departments []dashLeagueRow `json:"departments"`
	Method      string          `json:"method"`
}

func (s *Server) leagueResponse(lang string, q summary.Query, list []summary.LeagueRow) *dashLeagueResponse {
	if q.MinCases <= 0 {
		q.MinCases = summary.DefaultMinCases
	}
	r := &dashLeagueResponse{
		Period:      dashPeriod{From: q.From, To: q.To, Now: q.Now.UTC(), Zone: "Asia/Shanghai (UTC+8)"},
		Filters:     dashFilters{District: q.District, Category: q.Category, Department: q.Department},
		MinCases:    q.MinCases,
		Departments: []dashLeagueRow{},
		Method: msg(lang,
			"只对期间内受理量（新受理+转入）不少于 min_cases 的部门排名：先比按时办结率（高者在前），再比办结时长中位数（短者在前），再比受理量；其余部门列在后面不排名。督办扣分：一级督办 1 分，二级督办 2 分。",
			"only departments that received at least min_cases cases in the period (filed to them or reassigned to them) are ranked: by on-time rate (higher first), then median time to close (shorter first), then volume; the others follow unranked. Notice penalty: level 1 counts 1, level 2 counts 2."),
	}
	for _, l := range list {
		row := dashLeagueRow{ID: l.Department, Name: s.deptName(lang, l.Department), Volume: l.Volume, Resolved: l.Resolved,
			OnTime: toDashRate(l.OnTime), TimeToClose: toDashCloseTimes(l.CloseTimes), Rating: toDashRatings(l.Ratings)}
		if l.Rank > 0 {
			rank := l.Rank
			row.Rank = &rank
		}
		row.Notices.Level1, row.Notices.Level2, row.Notices.Penalty = l.Notices1, l.Notices2, l.Penalty
		r.Departments = append(r.Departments, row)
	}
	return r
}

func (s *Server) dashboardDepartments(c *fiber.Ctx) error {
	q, _, err := s.dashboardQueryOf(c)
	if err != nil {
		return err
	}
	list, err := s.Dashboard.League(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s.leagueResponse(languageOf(c), q, list))
}

func (s *Server) dashboardDepartmentsCSV(c *fiber.Ctx) error {
	q, _, err := s.dashboardQueryOf(c)
	if err != nil {
		return err
	}
	list, err := s.Dashboard.League(c.UserContext(), q)
	if err != nil {
		return err
	}
	r := s.leagueResponse(languageOf(c), q, list)
	var rows [][]string
	for _, d := range r.Departments {
		rank := ""
		if d.Rank != nil {
			rank = strconv.Itoa(*d.Rank)
		}
		rows = append(rows, []string{rank, d.ID, d.Name, i64(d.Volume), i64(d.Resolved), i64(d.OnTime.Num), i64(d.OnTime.Den),
			fptr(d.OnTime.Rate), i64(d.TimeToClose.Closed), fptr(d.TimeToClose.MedianHours), fptr(d.TimeToClose.P90Hours),
			i64(d.Notices.Level1), i64(d.Notices.Level2), i64(d.Notices.Penalty), i64(d.Rating.Count), fptr(d.Rating.Mean), fptr(d.Rating.Share45)})
	}
	return sendCSV(c, "departments-"+q.From+"-"+q.To, []string{"rank", "id", "name", "volume", "resolved", "on_time", "due_decided",
		"on_time_rate", "closed", "median_hours", "p90_hours", "notices_1", "notices_2", "penalty", "ratings", "rating_mean", "rating_share_4_5"}, rows)
}

// Satisfaction.

type dashEstimate struct {
	Estimate float64  `json:"estimate"`
	SE       float64  `json:"se"`
	CILow    *float64 `json:"ci_low"`
	CIHigh   *float64 `json:"ci_high"`
	N        int      `json:"n"`
	Verdict  *string  `json:"verdict"`
}

func toDashEstimates(list []survey.Estimate) map[string]dashEstimate {
	out := map[string]dashEstimate{}
	for _, e := range list {
		d := dashEstimate{Estimate: e.Value, SE: e.SE, N: e.N}
		if e.HasCI {
			lo, hi, v := e.CILow, e.CIHigh, string(e.Verdict)
			d.CILow, d.CIHigh, d.Verdict = &lo, &hi, &v
		}
		out[e.Indicator] = d
	}
	return out
}

type dashComplaintRate struct {
	Residents  int      `json:"residents"`
	Complaints int64    `json:"complaints"`
	Per10k     *float64 `json:"per_10k"`
}

func complaintRate(residents int, n int64) dashComplaintRate {
	r := dashComplaintRate{Residents: residents, Complaints: n}
	if residents > 0 {
		v := math.Round(float64(n)/float64(residents)*10000*100) / 100
		r.Per10k = &v
	}
	return r
}

type dashRoundDistrict struct {
	ID         string                  `json:"id"`
	Name       string                  `json:"name"`
	Rates      map[string]dashEstimate `json:"rates"`
	Complaints dashComplaintRate       `json:"complaints"`
}

type dashRound struct {
	ID        string                  `json:"id"`
	Name      string                  `json:"name"`
	Status    string                  `json:"status"`
	StartsOn  string                  `json:"starts_on"`
	EndsOn    string                  `json:"ends_on"`
	Threshold float64                 `json:"threshold"`
	Overall   map[string]dashEstimate `json:"overall"`
	Districts []dashRoundDistrict     `json:"districts"`
	// Note explains a round without results (no accepted responses yet).
	Note string `json:"note,omitempty"`
}

type dashSatisfactionResponse struct {
	Period     dashPeriod  `json:"period"`
	Rounds     []dashRound `json:"rounds"`
	Complaints []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		dashComplaintRate
	} `json:"complaints_by_district"`
	Method string `json:"method"`
}

func (s *Server) satisfactionResponse(c *fiber.Ctx) (*dashSatisfactionResponse, error) {
	q, _, err := s.dashboardQueryOf(c)
	if err != nil {
		return nil, err
	}
	lang := languageOf(c)
	ctx := c.UserContext()
	src, err := s.Dashboard.View(ctx)
	if err != nil {
		return nil, err
	}
	residents := map[string]int{}
	var districts []*areas.Area
	for _, d := range s.Areas.List(areas.District, "") {
		if q.District == "" || d.ID == q.District {
			districts = append(districts, d)
			residents[d.ID] = d.Residents
		}
	}
	out := &dashSatisfactionResponse{Period: dashPeriod{From: q.From, To: q.To, Now: q.Now.UTC(), Zone: "Asia/Shanghai (UTC+8)"},
		Rounds: []dashRound{}}
	filed := summary.FiledByDistrict(src, q.From, q.To)
	for _, d := range districts {
		row := struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			dashComplaintRate
		}{ID: d.ID, Name: msg(lang, d.Name, d.NameEN), dashComplaintRate: complaintRate(d.Residents, filed[d.ID])}
		out.Complaints = append(out.Complaints, row)
	}
	rounds, err := s.dashboard.rounds.list(ctx)
	if err != nil {
		return nil, err
	}
	rounds = slices.Clone(rounds)
	sort.SliceStable(rounds, func(i, j int) bool { return rounds[i].StartsOn.Before(rounds[j].StartsOn) })
	for _, r := range rounds {
		if r.Status == survey.Planned {
			continue
		}
		dr := dashRound{ID: r.ID, Name: msg(lang, r.Name, r.NameEN), Status: string(r.Status), Threshold: r.Threshold,
			StartsOn: r.StartsOn.In(summary.Zone).Format(summary.DateLayout), EndsOn: r.EndsOn.In(summary.Zone).Format(summary.DateLayout),
			Districts: []dashRoundDistrict{}}
		roundFiled := summary.FiledByDistrict(src, dr.StartsOn, dr.EndsOn)
		res, err := s.dashboard.rounds.get(ctx, r)
		switch {
		case err == nil:
			if q.District == "" {
				dr.Overall = toDashEstimates(res.Overall)
			}
			byID := map[string]survey.DomainResult{}
			for _, d := range res.Domains {
				byID[d.Domain] = d
			}
			for _, d := range districts {
				row := dashRoundDistrict{ID: d.ID, Name: msg(lang, d.Name, d.NameEN), Complaints: complaintRate(d.Residents, roundFiled[d.ID])}
				if dom, ok := byID[d.ID]; ok {
					row.Rates = toDashEstimates(dom.Estimates)
				}
				dr.Districts = append(dr.Districts, row)
			}
		case errors.Is(err, errResultsPending):
			dr.Note = msg(lang, "估计值正在计算，请稍后刷新", "estimates are being computed; reload shortly")
		case apperr.Is(err, apperr.Conflict):
			dr.Note = msg(lang, "本轮尚无可估计的已审核答卷", "no estimate yet: the round has no usable accepted responses")
		default:
			return nil, err
		}
		out.Rounds = append(out.Rounds, dr)
	}
	out.Method = msg(lang,
		"每轮的加权满意率和知晓率（分层整群设计，logit 95% 置信区间，对照阈值的判定），总体和分区；估计值在后台重算，进行中的轮次至多 2 分钟、已结束的轮次至多 30 分钟更新一次。每万名居民投诉数 = 期间（或该轮调查起止日期）内受理的投诉数 ÷ 区常住成年居民数 × 10000。",
		"each round's weighted satisfaction and awareness rates (stratified cluster design, logit 95% CI, verdict against the threshold), overall and by district; estimates are recomputed in the background, at most 2 minutes old for open rounds and 30 minutes for closed ones. Complaints per 10,000 residents = cases filed in the period (or the round's dates) / the district's adult residents x 10,000.")
	return out, nil
}

func (s *Server) dashboardSatisfaction(c *fiber.Ctx) error {
	r, err := s.satisfactionResponse(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(r)
}

func (s *Server) dashboardSatisfactionCSV(c *fiber.Ctx) error {
	r, err := s.satisfactionResponse(c)
	if err != nil {
		return err
	}
	var rows [][]string
	est := func(m map[string]dashEstimate, k string) []string {
		e, ok := m[k]
		if !ok {
			return []string{"", "", "", ""}
		}
		v := ""
		if e.Verdict != nil {
			v = *e.Verdict
		}
		return []string{strconv.FormatFloat(e.Estimate, 'f', -1, 64), fptr(e.CILow), fptr(e.CIHigh), v}
	}
	for _, rd := range r.Rounds {
		if rd.Overall != nil {
			row := []string{rd.ID, rd.StartsOn, rd.EndsOn, "", ""}
			row = append(row, est(rd.Overall, survey.IndSatisfaction)...)
			row = append(row, est(rd.Overall, survey.IndAwareness)...)
			row = append(row, "", "", "")
			rows = append(rows, row)
		}
		for _, d := range rd.Districts {
			row := []string{rd.ID, rd.StartsOn, rd.EndsOn, d.ID, d.Name}
			row = append(row, est(d.Rates, survey.IndSatisfaction)...)
			row = append(row, est(d.Rates, survey.IndAwareness)...)
			row = append(row, strconv.Itoa(d.Complaints.Residents), i64(d.Complaints.Complaints), fptr(d.Complaints.Per10k))
			rows = append(rows, row)
		}
	}
	return sendCSV(c, "satisfaction", []string{"round", "starts_on", "ends_on", "district", "name",
		"satisfaction", "satisfaction_ci_low", "satisfaction_ci_high", "satisfaction_verdict",
		"awareness", "awareness_ci_low", "awareness_ci_high", "awareness_verdict",
		"residents", "complaints", "complaints_per_10k"}, rows)
}
