package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"cleancity/portal/apperr"
	"cleancity/portal/auth"
	"cleancity/survey"
)

// registerSurveyRoutes registers the survey rounds API (issue 7).
//
// Who may do what: city-wide officials and admins run rounds (create,
// plan, open, close, census, CSV export); district officials review and
// assign within their district and read results; volunteers read rounds,
// their assignments and the questionnaire, and submit responses.
func (s *Server) registerSurveyRoutes(api fiber.Router) {
	staff := requireRoles(RoleOfficial, RoleAdmin)
	field := requireRoles(RoleVolunteer, RoleOfficial, RoleAdmin)
	api.Get("/questionnaires", staff, s.listQuestionnaires)
	api.Post("/questionnaires", staff, s.cityWide, s.createQuestionnaire)
	api.Get("/rounds", field, s.listRounds)
	api.Post("/rounds", staff, s.cityWide, s.createRound)
	api.Get("/rounds/:id", field, s.getRound)
	api.Put("/rounds/:id/plan", staff, s.cityWide, s.setRoundPlan)
	api.Get("/rounds/:id/plan/suggestion", staff, s.suggestTargets)
	api.Post("/rounds/:id/open", staff, s.cityWide, s.setRoundStatus(survey.Open))
	api.Post("/rounds/:id/close", staff, s.cityWide, s.setRoundStatus(survey.Closed))
	api.Put("/rounds/:id/census", staff, s.cityWide, s.setRoundCensus)
	api.Get("/rounds/:id/questionnaire", field, s.roundQuestionnaire)
	api.Get("/rounds/:id/assignments/me", requireRoles(RoleVolunteer), s.myAssignments)
	api.Get("/rounds/:id/assignments", staff, s.listAssignments)
	api.Post("/rounds/:id/assignments", staff, s.addAssignments)
	api.Delete("/rounds/:id/assignments/:unit/:volunteer", staff, s.removeAssignment)
	api.Post("/rounds/:id/responses", field, s.submitResponses)
	api.Get("/rounds/:id/responses.csv", staff, s.cityWide, s.exportResponses)
	api.Get("/rounds/:id/responses", staff, s.listResponses)
	api.Get("/rounds/:id/responses/:rid", staff, s.getResponse)
	api.Post("/rounds/:id/responses/:rid/review", staff, s.reviewResponse)
	api.Post("/rounds/:id/reviews", staff, s.bulkReview)
	api.Get("/rounds/:id/progress", staff, s.roundProgress)
	api.Get("/rounds/:id/results", staff, s.roundResults)
	api.Get("/rounds/:id/calibration/:file", staff, s.calibrationFile)
}

// cityWide lets only city-wide officials and admins through: a district
// official's scope does not cover running the city's survey.
func (s *Server) cityWide(c *fiber.Ctx) error {
	if p := principalOf(c); p == nil || p.Role == RoleOfficial && p.Scope != "" {
		return apperr.New(apperr.Forbidden, msg(languageOf(c), "仅市级创卫办可执行此操作", "only city-wide officials may do this"))
	}
	return c.Next()
}

// districtScope is the district a caller is limited to ("" = city-wide).
func districtScope(p *Principal) string {
	if p != nil && p.Role == RoleOfficial {
		return p.Scope
	}
	return ""
}

// surveyErr localizes the survey domain's common errors.
func surveyErr(c *fiber.Ctx, err error) error {
	lang := languageOf(c)
	switch {
	case survey.IsNotFound(err):
		return apperr.New(apperr.NotFound, msg(lang, "未找到（调查轮次、问卷或答卷）", "not found (round, questionnaire or response)"))
	case err == survey.ErrNoData:
		return apperr.New(apperr.Conflict, msg(lang, "本轮尚无已审核通过的答卷", "the round has no accepted responses yet"))
	case errors.Is(err, survey.ErrVersion):
		return apperr.New(apperr.Conflict, msg(lang, "数据已被他人修改，请刷新后重试", "changed by someone else; reload and retry"))
	}
	return err
}

func (s *Server) loadRound(c *fiber.Ctx) (survey.Round, error) {
	id := c.Params("id")
	if !survey.ValidRoundID(id) {
		return survey.Round{}, apperr.New(apperr.NotFound, msg(languageOf(c), "没有这个调查轮次", "no such round"))
	}
	r, err := s.Survey.Round(c.UserContext(), id)
	if err != nil {
		return survey.Round{}, surveyErr(c, err)
	}
	return r, nil
}

// ---- DTOs ----

type optionDTO struct {
	Value   string `json:"value"`
	Label   string `json:"label"`
	LabelZH string `json:"label_zh"`
	LabelEN string `json:"label_en,omitempty"`
}

type itemDTO struct {
	ID              string      `json:"id"`
	Type            string      `json:"type"`
	Role            string      `json:"role,omitempty"`
	Label           string      `json:"label"`
	LabelZH         string      `json:"label_zh"`
	LabelEN         string      `json:"label_en,omitempty"`
	Options         []optionDTO `json:"options,omitempty"`
	Required        bool        `json:"required"`
	Relevant        string      `json:"relevant,omitempty"`
	Constraint      string      `json:"constraint,omitempty"`
	ConstraintMsg   string      `json:"constraint_msg,omitempty"`
	ConstraintMsgEN string      `json:"constraint_msg_en,omitempty"`
	// Answer and Satisfied are sent only to staff, never to volunteers.
	Answer    string   `json:"answer,omitempty"`
	Satisfied []string `json:"satisfied,omitempty"`
}

type questionnaireDTO struct {
	ID         string    `json:"id"`
	Version    int       `json:"version"`
	Title      string    `json:"title"`
	TitleEN    string    `json:"title_en,omitempty"`
	QuizCutoff float64   `json:"quiz_cutoff"`
	Items      []itemDTO `json:"items"`
}

// toQuestionnaireDTO renders a questionnaire; withKeys adds the answer keys
// (staff only).
func toQuestionnaireDTO(q survey.Questionnaire, lang string, withKeys bool) questionnaireDTO {
	d := questionnaireDTO{ID: q.ID, Version: q.Version, Title: msg(lang, q.Title, orDefault(q.TitleEN, q.Title)), TitleEN: q.TitleEN,
		QuizCutoff: q.QuizCutoff, Items: make([]itemDTO, 0, len(q.Items))}
	for _, it := range q.Items {
		item := itemDTO{ID: it.ID, Type: string(it.Type), Role: string(it.Role), Label: msg(lang, it.Label, orDefault(it.LabelEN, it.Label)),
			LabelZH: it.Label, LabelEN: it.LabelEN, Required: it.Required, Relevant: it.Relevant, Constraint: it.Constraint,
			ConstraintMsg: it.ConstraintMsg, ConstraintMsgEN: it.ConstraintMsgEN}
		if withKeys {
			item.Answer, item.Satisfied = it.Answer, it.Satisfied
		}
		for _, o := range it.Options {
			item.Options = append(item.Options, optionDTO{Value: o.Value, Label: msg(lang, o.Label, orDefault(o.LabelEN, o.Label)), LabelZH: o.Label, LabelEN: o.LabelEN})
		}
		d.Items = append(d.Items, item)
	}
	return d
}

func orDefaultInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

type optionReq struct {
	Value   string `json:"value" validate:"required,max=40"`
	Label   string `json:"label" validate:"required,max=200,plaintext"`
	LabelEN string `json:"label_en" validate:"max=200,plaintext"`
}

type itemReq struct {
	ID              string      `json:"id" validate:"required,max=40"`
	Type            string      `json:"type" validate:"required,oneof=select_one true_false integer text"`
	Role            string      `json:"role" validate:"max=40"`
	Label           string      `json:"label" validate:"required,max=500,plaintext"`
	LabelEN         string      `json:"label_en" validate:"max=500,plaintext"`
	Options         []optionReq `json:"options" validate:"max=50,dive"`
	Required        bool        `json:"required"`
	Relevant        string      `json:"relevant" validate:"max=1000"`
	Constraint      string      `json:"constraint" validate:"max=1000"`
	ConstraintMsg   string      `json:"constraint_msg" validate:"max=200,plaintext"`
	ConstraintMsgEN string      `json:"constraint_msg_en" validate:"max=200,plaintext"`
	Answer          string      `json:"answer" validate:"max=40"`
	Satisfied       []string    `json:"satisfied" validate:"max=10"`
}

type createQuestionnaireReq struct {
	// Template "default" builds the seeded questionnaire over the current
	// districts instead of taking items.
	Template   string    `json:"template" validate:"omitempty,oneof=default"`
	ID         string    `json:"id" validate:"required,max=40"`
	Version    int       `json:"version" validate:"required,min=1,max=10000"`
	Title      string    `json:"title" validate:"required_without=Template,max=200,plaintext"`
	TitleEN    string    `json:"title_en" validate:"max=200,plaintext"`
	QuizCutoff float64   `json:"quiz_cutoff" validate:"min=0,max=1"`
	Items      []itemReq `json:"items" validate:"max=200,dive"`
}

func (s *Server) listQuestionnaires(c *fiber.Ctx) error {
	list, err := s.Survey.Store().ListQuestionnaires(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]questionnaireDTO, 0, len(list))
	for _, q := range list {
		out = append(out, toQuestionnaireDTO(q, languageOf(c), true))
	}
	return c.JSON(fiber.Map{"questionnaires": out})
}

func (s *Server) createQuestionnaire(c *fiber.Ctx) error {
	var req createQuestionnaireReq
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	var q survey.Questionnaire
	if req.Template == "default" {
		q = survey.DefaultQuestionnaire(surveyGeo{s.Areas}.districtOptions())
		if req.Title != "" {
			q.Title, q.TitleEN = req.Title, req.TitleEN
		}
	} else {
		q = survey.Questionnaire{Title: req.Title, TitleEN: req.TitleEN, QuizCutoff: req.QuizCutoff}
		for _, it := range req.Items {
			item := survey.Item{ID: it.ID, Type: survey.ItemType(it.Type), Role: survey.Role(it.Role), Label: it.Label, LabelEN: it.LabelEN,
				Required: it.Required, Relevant: it.Relevant, Constraint: it.Constraint, ConstraintMsg: it.ConstraintMsg,
				ConstraintMsgEN: it.ConstraintMsgEN, Answer: it.Answer, Satisfied: it.Satisfied}
			for _, o := range it.Options {
				item.Options = append(item.Options, survey.Option{Value: o.Value, Label: o.Label, LabelEN: o.LabelEN})
			}
			q.Items = append(q.Items, item)
		}
	}
	q.ID, q.Version = req.ID, req.Version
	saved, err := s.Survey.CreateQuestionnaire(c.UserContext(), q)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toQuestionnaireDTO(saved, languageOf(c), true))
}

type stratumDTO struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	NameEN      string `json:"name_en,omitempty"`
	Communities int    `json:"communities"`
}

type unitDTO struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	NameEN    string `json:"name_en,omitempty"`
	Stratum   string `json:"stratum"`
	Street    string `json:"street"`
	District  string `json:"district"`
	Residents int    `json:"residents"`
	Target    int    `json:"target"`
	// Inclusion is the unit's inclusion probability of a PPS draw (absent:
	// not drawn that way).
	Inclusion float64 `json:"inclusion,omitempty"`
}

type planDTO struct {
	StratumLevel string       `json:"stratum_level"`
	Method       string       `json:"method"`
	Seed         uint64       `json:"seed"`
	Strata       []stratumDTO `json:"strata"`
	Units        []unitDTO    `json:"units"`
}

type censusCellDTO struct {
	AgeGroup string  `json:"age_group" validate:"required,max=20"`
	Sex      string  `json:"sex" validate:"required,max=10"`
	Count    float64 `json:"count" validate:"gt=0"`
}

type qualityDTO struct {
	MinDurationSec int     `json:"min_duration_sec" validate:"min=0,max=7200"`
	MaxPerHour     int     `json:"max_per_hour" validate:"min=0,max=100"`
	MaxGPSAccuracy float64 `json:"max_gps_accuracy" validate:"min=0,max=100000"`
}

type roundDTO struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	NameEN               string          `json:"name_en,omitempty"`
	Status               string          `json:"status"`
	QuestionnaireID      string          `json:"questionnaire_id"`
	QuestionnaireVersion int             `json:"questionnaire_version"`
	Threshold            float64         `json:"threshold"`
	StartsOn             string          `json:"starts_on"`
	EndsOn               string          `json:"ends_on"`
	PreviousRoundID      string          `json:"previous_round_id,omitempty"`
	Calibration          string          `json:"calibration"`
	Census               []censusCellDTO `json:"census"`
	Quality              qualityDTO      `json:"quality"`
	Units                int             `json:"units"`
	TargetTotal          int             `json:"target_total"`
	Plan                 *planDTO        `json:"plan,omitempty"`
	Version              int64           `json:"version"`
	CreatedAt            time.Time       `json:"created_at"`
	UpdatedAt            time.Time       `json:"updated_at"`
}

const dateLayout = "2006-01-02"

func toRoundDTO(r survey.Round, withPlan bool) roundDTO {
	d := roundDTO{ID: r.ID, Name: r.Name, NameEN: r.NameEN, Status: string(r.Status), QuestionnaireID: r.QuestionnaireID,
		QuestionnaireVersion: r.QuestionnaireVersion, Threshold: r.Threshold, StartsOn: r.StartsOn.Format(dateLayout),
		EndsOn: r.EndsOn.Format(dateLayout), PreviousRoundID: r.PreviousRoundID, Calibration: orDefault(string(r.Calibration), "none"),
		Census: []censusCellDTO{}, Units: len(r.Plan.Units), TargetTotal: r.Plan.TargetTotal(),
		Quality: qualityDTO{MinDurationSec: int(r.Quality.MinDuration / time.Second), MaxPerHour: r.Quality.MaxPerHour, MaxGPSAccuracy: r.Quality.MaxGPSAccuracy},
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	for _, cc := range r.Census {
		d.Census = append(d.Census, censusCellDTO{cc.AgeGroup, cc.Sex, cc.Count})
	}
	if withPlan {
		p := &planDTO{StratumLevel: string(r.Plan.StratumLevel), Method: orDefault(string(r.Plan.Method), "manual"), Seed: r.Plan.Seed, Strata: []stratumDTO{}, Units: []unitDTO{}}
		for _, st := range r.Plan.Strata {
			p.Strata = append(p.Strata, stratumDTO{st.ID, st.Name, st.NameEN, st.Communities})
		}
		for _, u := range r.Plan.Units {
			p.Units = append(p.Units, unitDTO{u.ID, u.Name, u.NameEN, u.Stratum, u.Street, u.District, u.Residents, u.Target, u.Inclusion})
		}
		d.Plan = p
	}
	return d
}

type planReq struct {
	StratumLevel    string        `json:"stratum_level" validate:"required,oneof=district street"`
	UnitsPerStratum int           `json:"units_per_stratum" validate:"min=0,max=1000"`
	TargetPerUnit   int           `json:"target_per_unit" validate:"min=0,max=10000"`
	Seed            uint64        `json:"seed"`
	Method          string        `json:"method" validate:"omitempty,oneof=srs pps"`
	Units           []unitSpecReq `json:"units" validate:"max=5000,dive"`
}

type unitSpecReq struct {
	ID     string `json:"id" validate:"required,max=64"`
	Target int    `json:"target" validate:"min=0,max=10000"`
}

func (p *planReq) toSpec() survey.PlanSpec {
	spec := survey.PlanSpec{StratumLevel: survey.StratumLevel(p.StratumLevel), UnitsPerStratum: p.UnitsPerStratum,
		TargetPerUnit: p.TargetPerUnit, Seed: p.Seed, Method: survey.SampleMethod(p.Method)}
	for _, u := range p.Units {
		spec.Units = append(spec.Units, survey.UnitSpec{ID: u.ID, Target: u.Target})
	}
	return spec
}

type createRoundReq struct {
	ID                   string      `json:"id" validate:"omitempty,max=40"`
	Name                 string      `json:"name" validate:"required,max=100,plaintext"`
	NameEN               string      `json:"name_en" validate:"max=100,plaintext"`
	QuestionnaireID      string      `json:"questionnaire_id" validate:"required,max=40"`
	QuestionnaireVersion int         `json:"questionnaire_version" validate:"required,min=1"`
	Threshold            float64     `json:"threshold" validate:"min=0,max=1"`
	StartsOn             string      `json:"starts_on" validate:"required,datetime=2006-01-02"`
	EndsOn               string      `json:"ends_on" validate:"required,datetime=2006-01-02"`
	PreviousRoundID      string      `json:"previous_round_id" validate:"max=40"`
	Plan                 *planReq    `json:"plan"`
	Quality              *qualityDTO `json:"quality"`
}

func (s *Server) listRounds(c *fiber.Ctx) error {
	list, err := s.Survey.Rounds(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]roundDTO, 0, len(list))
	for _, r := range list {
		out = append(out, toRoundDTO(r, false))
	}
	return c.JSON(fiber.Map{"rounds": out})
}

func (s *Server) createRound(c *fiber.Ctx) error {
	var req createRoundReq
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	starts, _ := time.Parse(dateLayout, req.StartsOn)
	ends, _ := time.Parse(dateLayout, req.EndsOn)
	in := survey.NewRound{ID: req.ID, Name: req.Name, NameEN: req.NameEN, QuestionnaireID: req.QuestionnaireID,
		QuestionnaireVersion: req.QuestionnaireVersion, Threshold: req.Threshold, StartsOn: starts, EndsOn: ends,
		PreviousRoundID: req.PreviousRoundID, By: principalOf(c).Username}
	if req.Plan != nil {
		spec := req.Plan.toSpec()
		in.Plan = &spec
	}
	if req.Quality != nil {
		in.Quality = &survey.QualityRules{MinDuration: time.Duration(req.Quality.MinDurationSec) * time.Second,
			MaxPerHour: req.Quality.MaxPerHour, MaxGPSAccuracy: req.Quality.MaxGPSAccuracy}
	}
	r, err := s.Survey.CreateRound(c.UserContext(), in)
	if err != nil {
		return surveyErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(toRoundDTO(r, true))
}

func (s *Server) getRound(c *fiber.Ctx) error {
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	return c.JSON(toRoundDTO(r, true))
}

func (s *Server) setRoundPlan(c *fiber.Ctx) error {
	var req planReq
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	r, err := s.Survey.SetPlan(c.UserContext(), c.Params("id"), req.toSpec())
	if err != nil {
		return surveyErr(c, err)
	}
	return c.JSON(toRoundDTO(r, true))
}

func (s *Server) setRoundStatus(to survey.Status) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := s.Survey.SetStatus(c.UserContext(), c.Params("id"), to)
		if err != nil {
			return surveyErr(c, err)
		}
		return c.JSON(toRoundDTO(r, false))
	}
}

type censusReq struct {
	Calibration string          `json:"calibration" validate:"required,oneof=none poststratify rake"`
	Cells       []censusCellDTO `json:"cells" validate:"max=100,dive"`
}

func (s *Server) setRoundCensus(c *fiber.Ctx) error {
	var req censusReq
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	cells := make([]survey.CensusCell, 0, len(req.Cells))
	for _, cc := range req.Cells {
		cells = append(cells, survey.CensusCell{AgeGroup: cc.AgeGroup, Sex: cc.Sex, Count: cc.Count})
	}
	mode := survey.Calibration(req.Calibration)
	if mode == "none" {
		mode = survey.CalibrateNone
	}
	r, err := s.Survey.SetCensus(c.UserContext(), c.Params("id"), cells, mode)
	if err != nil {
		return surveyErr(c, err)
	}
	return c.JSON(toRoundDTO(r, false))
}

func (s *Server) roundQuestionnaire(c *fiber.Ctx) error {
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	q, err := s.Survey.Questionnaire(c.UserContext(), r.QuestionnaireID, r.QuestionnaireVersion)
	if err != nil {
		return surveyErr(c, err)
	}
	// Answer keys stay with staff: a volunteer who saw them could coach.
	withKeys := principalOf(c).Is(RoleOfficial, RoleAdmin)
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	return c.JSON(toQuestionnaireDTO(*q, languageOf(c), withKeys))
}

// ---- assignments ----

type assignmentDTO struct {
	Unit       string    `json:"unit"`
	Volunteer  string    `json:"volunteer"`
	AssignedBy string    `json:"assigned_by,omitempty"`
	AssignedAt time.Time `json:"assigned_at"`
}

type myUnitDTO struct {
	Unit     string `json:"unit"`
	Name     string `json:"name"`
	NameEN   string `json:"name_en,omitempty"`
	Stratum  string `json:"stratum"`
	District string `json:"district"`
	Target   int    `json:"target"`
	// Accepted, Submitted (awaiting review) and Rejected count the unit's
	// responses the server holds, from every volunteer; their sum is what
	// the unit has sent.
	Accepted  int `json:"accepted"`
	Submitted int `json:"submitted"`
	Rejected  int `json:"rejected"`
	// Polygon is the community's GeoJSON geometry, for the phone's map and
	// its own outside-the-unit warning.
	Polygon any `json:"polygon"`
}

func (s *Server) myAssignments(c *fiber.Ctx) error {
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	p := principalOf(c)
	list, err := s.Survey.Assignments(c.UserContext(), r.ID, p.Username)
	if err != nil {
		return err
	}
	prog, err := s.Survey.Progress(c.UserContext(), &r)
	if err != nil {
		return err
	}
	byUnit := map[string]survey.Progress{}
	for _, pr := range prog {
		byUnit[pr.ID] = pr
	}
	out := make([]myUnitDTO, 0, len(list))
	for _, a := range list {
		pr := byUnit[a.Unit]
		d := myUnitDTO{Unit: a.Unit, Name: pr.Name, NameEN: pr.NameEN, Stratum: pr.Stratum, District: pr.District,
			Target: pr.Target, Accepted: pr.Accepted, Submitted: pr.Submitted, Rejected: pr.Rejected}
		if area, ok := s.Areas.Area(a.Unit); ok {
			d.Polygon = geometryJSON(area.Geometry)
		}
		out = append(out, d)
	}
	return c.JSON(fiber.Map{"round_id": r.ID, "status": r.Status, "units": out})
}

// geometryJSON renders a multipolygon as a GeoJSON geometry.
func geometryJSON(m any) any {
	return fiber.Map{"type": "MultiPolygon", "coordinates": m}
}

func (s *Server) listAssignments(c *fiber.Ctx) error {
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	list, err := s.Survey.Assignments(c.UserContext(), r.ID, c.Query("volunteer"))
	if err != nil {
		return err
	}
	scope := districtScope(principalOf(c))
	out := make([]assignmentDTO, 0, len(list))
	for _, a := range list {
		if u, ok := r.Plan.UnitOf(a.Unit); scope != "" && (!ok || u.District != scope) {
			continue
		}
		out = append(out, assignmentDTO{a.Unit, a.Volunteer, a.AssignedBy, a.AssignedAt})
	}
	return c.JSON(fiber.Map{"assignments": out})
}

type addAssignmentsReq struct {
	Assignments []struct {
		Unit      string `json:"unit" validate:"required,max=64"`
		Volunteer string `json:"volunteer" validate:"required,max=64"`
	} `json:"assignments" validate:"required,min=1,max=1000,dive"`
}

func (s *Server) addAssignments(c *fiber.Ctx) error {
	var req addAssignmentsReq
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	p := principalOf(c)
	lang := languageOf(c)
	scope := districtScope(p)
	list := make([]survey.Assignment, 0, len(req.Assignments))
	// Each name must be an active volunteer's account (issue 15 row 13:
	// units went to unknown names and to staff).
	volunteers := map[string]string{} // as given -> account username, "" when not one
	fields := map[string]string{}
	for i, a := range req.Assignments {
		if u, ok := r.Plan.UnitOf(a.Unit); ok && scope != "" && u.District != scope {
			return apperr.New(apperr.Forbidden, msg(lang, fmt.Sprintf("第%d项：不能分配其他区的社区", i+1), fmt.Sprintf("assignment %d: unit outside your district", i+1)))
		}
		name, seen := volunteers[a.Volunteer]
		if !seen {
			u, err := s.Auth.UserByUsername(c.UserContext(), a.Volunteer)
			switch {
			case err == nil && Role(u.Role) == RoleVolunteer && !u.Disabled:
				name = u.Username
			case err != nil && !errors.Is(err, auth.ErrUserNotFound):
				return err
			}
			volunteers[a.Volunteer] = name
		}
		if name == "" {
			fields[fmt.Sprintf("assignments.%d.volunteer", i)] = msg(lang, "不是在用的志愿者账号", "not an active volunteer's account")
			continue
		}
		list = append(list, survey.Assignment{Unit: a.Unit, Volunteer: name})
	}
	if len(fields) > 0 {
		return apperr.Fields(invalidMessage(lang), fields)
	}
	if err := s.Survey.Assign(c.UserContext(), r.ID, list, p.Username); err != nil {
		return surveyErr(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"assigned": len(list)})
}

func (s *Server) removeAssignment(c *fiber.Ctx) error {
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	if u, ok := r.Plan.UnitOf(c.Params("unit")); ok && districtScope(principalOf(c)) != "" && u.District != districtScope(principalOf(c)) {
		return apperr.New(apperr.Forbidden, msg(languageOf(c), "不能修改其他区的分配", "unit outside your district"))
	}
	if err := s.Survey.Unassign(c.UserContext(), r.ID, c.Params("unit"), c.Params("volunteer")); err != nil {
		return surveyErr(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ---- responses ----

type gpsReq struct {
	Lat      *float64 `json:"lat"`
	Lon      *float64 `json:"lon"`
	Accuracy *float64 `json:"accuracy"`
}

type submissionReq struct {
	ClientID  string         `json:"client_id"`
	Unit      string         `json:"unit"`
	StartedAt string         `json:"started_at"`
	EndedAt   string         `json:"ended_at"`
	GPS       *gpsReq        `json:"gps"`
	Answers   map[string]any `json:"answers"`
}

// toSubmission checks the shape of one submission; the domain checks the
// rest.
func (r *submissionReq) toSubmission(lang string) (survey.Submission, error) {
	fields := map[string]string{}
	sub := survey.Submission{ClientID: r.ClientID, Unit: r.Unit, Answers: r.Answers}
	if r.ClientID == "" {
		fields["client_id"] = msg(lang, "必填", "required")
	}
	if r.Unit == "" {
		fields["unit"] = msg(lang, "必填", "required")
	}
	for _, t := range []struct {
		name string
		src  string
		dst  *time.Time
	}{{"started_at", r.StartedAt, &sub.StartedAt}, {"ended_at", r.EndedAt, &sub.EndedAt}} {
		if t.src == "" {
			fields[t.name] = msg(lang, "必填", "required")
			continue
		}
		v, err := time.Parse(time.RFC3339Nano, t.src)
		if err != nil {
			fields[t.name] = msg(lang, "应为 RFC 3339 时间，如 2025-05-10T09:30:00+08:00", "must be an RFC 3339 time such as 2025-05-10T09:30:00+08:00")
			continue
		}
		*t.dst = v
	}
	if r.GPS != nil {
		if r.GPS.Lat == nil || r.GPS.Lon == nil {
			fields["gps"] = msg(lang, "需要 lat 和 lon", "needs lat and lon")
		} else {
			g := &survey.GPS{Lat: *r.GPS.Lat, Lon: *r.GPS.Lon}
			if r.GPS.Accuracy != nil {
				g.Accuracy = *r.GPS.Accuracy
			}
			sub.GPS = g
		}
	}
	if r.Answers == nil {
		fields["answers"] = msg(lang, "必填", "required")
	}
	if len(fields) > 0 {
		return sub, apperr.Fields(invalidMessage(lang), fields)
	}
	return sub, nil
}

type responseDTO struct {
	ID          string            `json:"id"`
	ClientID    string            `json:"client_id"`
	Status      string            `json:"status"`
	Unit        string            `json:"unit"`
	Stratum     string            `json:"stratum"`
	District    string            `json:"district"`
	Volunteer   string            `json:"volunteer"`
	StartedAt   time.Time         `json:"started_at"`
	EndedAt     time.Time         `json:"ended_at"`
	DurationSec int64             `json:"duration_sec"`
	GPS         *gpsDTO           `json:"gps,omitempty"`
	Answers     map[string]string `json:"answers,omitempty"`
	// The scores are staff's, for review: nil in the answer to a
	// submission, where a volunteer could read the quiz keys off the
	// correct count by trying answers (issue 15 row 9).
	Satisfied  *int       `json:"satisfied,omitempty"`
	Correct    *int       `json:"correct,omitempty"`
	Answered   *int       `json:"answered,omitempty"`
	Aware      *int       `json:"aware,omitempty"`
	Flags      []string   `json:"flags"`
	Reason     string     `json:"reason,omitempty"`
	ReviewedBy string     `json:"reviewed_by,omitempty"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
	ReceivedAt time.Time  `json:"received_at"`
	Version    int64      `json:"version"`
}

type gpsDTO struct {
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
	Accuracy float64 `json:"accuracy"`
}

// toResponseDTO renders a response; withAnswers (staff review) adds the
// answers and the scores.
func toResponseDTO(r survey.Response, withAnswers bool) responseDTO {
	d := responseDTO{ID: r.ID, ClientID: r.ClientID, Status: string(r.Status), Unit: r.Unit, Stratum: r.Stratum, District: r.District,
		Volunteer: r.Volunteer, StartedAt: r.StartedAt, EndedAt: r.EndedAt, DurationSec: int64(r.EndedAt.Sub(r.StartedAt) / time.Second),
		Flags: []string{}, Reason: r.Reason, ReviewedBy: r.ReviewedBy, ReceivedAt: r.ReceivedAt, Version: r.Version}
	if r.GPS != nil {
		d.GPS = &gpsDTO{r.GPS.Lat, r.GPS.Lon, r.GPS.Accuracy}
	}
	if withAnswers {
		d.Answers = r.Answers
		d.Satisfied, d.Correct, d.Answered, d.Aware = &r.Satisfied, &r.Correct, &r.Answered, &r.Aware
	}
	for _, f := range r.Flags {
		d.Flags = append(d.Flags, string(f))
	}
	if !r.ReviewedAt.IsZero() {
		t := r.ReviewedAt
		d.ReviewedAt = &t
	}
	return d
}

// outcomeDTO answers one response of a batch.
type outcomeDTO struct {
	ClientID string `json:"client_id"`
	// Status is the HTTP status this response would have had alone: 201
	// stored, 200 already stored (a retry), 400, 403 or 409.
	Status int `json:"status"`
	// Outcome is created, duplicate, invalid, forbidden or conflict.
	Outcome  string        `json:"outcome"`
	Response *responseDTO  `json:"response,omitempty"`
	Error    *errorPayload `json:"error,omitempty"`
}

// submitResponses takes one response or {"responses":[...]} (up to 500)
// and answers each. One response answers with its own status; a batch
// answers 200 with a status per response.
func (s *Server) submitResponses(c *fiber.Ctx) error {
	lang := languageOf(c)
	ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
	if ct != fiber.MIMEApplicationJSON {
		return apperr.New(apperr.Unsupported, msg(lang, "请使用 application/json", "use Content-Type: application/json"))
	}
	var envelope map[string]json.RawMessage
	if err := decodeStrict(lang, c.Body(), &envelope); err != nil {
		return err
	}
	raw, batch := envelope["responses"]
	var items []json.RawMessage
	if batch {
		if len(envelope) != 1 {
			return apperr.Fields(invalidMessage(lang), map[string]string{"body": msg(lang, "批量提交只能包含 responses 字段", "a batch has only the responses field")})
		}
		if err := decodeStrict(lang, raw, &items); err != nil {
			return apperr.Fields(invalidMessage(lang), map[string]string{"responses": msg(lang, "应为答卷数组", "must be an array of responses")})
		}
		if len(items) == 0 || len(items) > survey.MaxBatch {
			return apperr.Fields(invalidMessage(lang), map[string]string{"responses": msg(lang, fmt.Sprintf("每批1到%d份", survey.MaxBatch), fmt.Sprintf("send 1 to %d responses", survey.MaxBatch))})
		}
	} else {
		items = []json.RawMessage{c.Body()}
	}
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	// Shape errors answer per response; the valid ones go to the domain.
	outs := make([]outcomeDTO, len(items))
	var subs []survey.Submission
	var subIdx []int
	for i, it := range items {
		var req submissionReq
		if err := decodeStrict(lang, bytes.TrimSpace(it), &req); err != nil {
			outs[i] = s.outcomeOf(c, "", err)
			continue
		}
		sub, err := req.toSubmission(lang)
		if err != nil {
			outs[i] = s.outcomeOf(c, req.ClientID, err)
			continue
		}
		subs = append(subs, sub)
		subIdx = append(subIdx, i)
	}
	p := principalOf(c)
	if len(subs) > 0 {
		res, err := s.Survey.Submit(c.UserContext(), r.ID, survey.Submitter{Username: p.Username, Supervisor: p.Is(RoleOfficial, RoleAdmin),
			District: districtScope(p)}, subs)
		if err != nil {
			return surveyErr(c, err)
		}
		for k, o := range res {
			i := subIdx[k]
			if o.Err != nil {
				outs[i] = s.outcomeOf(c, o.ClientID, o.Err)
				continue
			}
			d := toResponseDTO(o.Response, false)
			outs[i] = outcomeDTO{ClientID: o.ClientID, Status: fiber.StatusOK, Outcome: "duplicate", Response: &d}
			if o.Created {
				outs[i].Status, outs[i].Outcome = fiber.StatusCreated, "created"
			}
		}
	}
	if !batch {
		o := outs[0]
		if o.Error != nil {
			return c.Status(o.Status).JSON(errorBody{Error: *o.Error})
		}
		return c.Status(o.Status).JSON(fiber.Map{"outcome": o.Outcome, "response": o.Response})
	}
	counts := map[string]int{}
	for _, o := range outs {
		counts[o.Outcome]++
	}
	return c.JSON(fiber.Map{"results": outs, "counts": counts})
}

// outcomeOf renders one response's error the way the error handler would.
func (s *Server) outcomeOf(c *fiber.Ctx, clientID string, err error) outcomeDTO {
	lang := languageOf(c)
	ae, ok := apperr.As(err)
	if !ok || ae.Code == apperr.Internal {
		s.log.Error("survey submission failed", "request_id", requestIDOf(c), "err", err)
		return outcomeDTO{ClientID: clientID, Status: fiber.StatusInternalServerError, Outcome: "error",
			Error: &errorPayload{Code: apperr.Internal, Message: genericMessage(lang, apperr.Internal)}}
	}
	status := statusOf[ae.Code]
	outcome := map[apperr.Code]string{apperr.Invalid: "invalid", apperr.Conflict: "conflict", apperr.Forbidden: "forbidden", apperr.NotFound: "not_found"}[ae.Code]
	p := errorPayload{Code: ae.Code, Message: ae.Message, Fields: ae.Fields, Details: ae.Details}
	if lang != "en" {
		p.Message = genericMessage(lang, ae.Code)
		if zh, ok := ae.Details["fields_zh"].(map[string]string); ok {
			p.Fields = map[string]string{}
			for k, v := range ae.Fields {
				p.Fields[k] = v
			}
			for k, v := range zh {
				p.Fields[k] = v
			}
		}
	}
	if p.Details != nil {
		d := map[string]any{}
		for k, v := range p.Details {
			if k != "fields_zh" {
				d[k] = v
			}
		}
		p.Details = d
		if len(d) == 0 {
			p.Details = nil
		}
	}
	return outcomeDTO{ClientID: clientID, Status: status, Outcome: outcome, Error: &p}
}

type listResponsesQuery struct {
	Status    string `query:"status" validate:"omitempty,oneof=submitted accepted rejected"`
	Unit      string `query:"unit" validate:"max=64"`
	Volunteer string `query:"volunteer" validate:"max=64"`
	District  string `query:"district" validate:"max=64"`
	Flagged   string `query:"flagged" validate:"omitempty,oneof=true false"`
	After     string `query:"after" validate:"max=64"`
	Limit     int    `query:"limit" validate:"min=0,max=500"`
}

func (s *Server) listResponses(c *fiber.Ctx) error {
	var q listResponsesQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	f := survey.ResponseFilter{RoundID: r.ID, Status: survey.ResponseStatus(q.Status), Unit: q.Unit, Volunteer: q.Volunteer,
		District: q.District, After: q.After, Limit: q.Limit}
	if scope := districtScope(principalOf(c)); scope != "" {
		if q.District != "" && q.District != scope {
			return apperr.New(apperr.Forbidden, msg(languageOf(c), "不能查看其他区的答卷", "responses of another district are not yours to see"))
		}
		f.District = scope
	}
	if q.Flagged != "" {
		b := q.Flagged == "true"
		f.Flagged = &b
	}
	list, err := s.Survey.Responses(c.UserContext(), f)
	if err != nil {
		return err
	}
	out := make([]responseDTO, 0, len(list))
	for _, x := range list {
		out = append(out, toResponseDTO(x, true))
	}
	next := ""
	if limit := orDefaultInt(q.Limit, 100); len(list) == limit {
		next = list[len(list)-1].ID
	}
	return c.JSON(fiber.Map{"responses": out, "next_after": next})
}

// responseInScope loads a response and checks a district official's scope.
func (s *Server) responseInScope(c *fiber.Ctx, roundID, id string) (survey.Response, error) {
	resp, err := s.Survey.Response(c.UserContext(), roundID, id)
	if err != nil {
		return survey.Response{}, surveyErr(c, err)
	}
	if scope := districtScope(principalOf(c)); scope != "" && resp.District != scope {
		return survey.Response{}, apperr.New(apperr.Forbidden, msg(languageOf(c), "不能处理其他区的答卷", "this response belongs to another district"))
	}
	return resp, nil
}

func (s *Server) getResponse(c *fiber.Ctx) error {
	resp, err := s.responseInScope(c, c.Params("id"), c.Params("rid"))
	if err != nil {
		return err
	}
	return c.JSON(toResponseDTO(resp, true))
}

type reviewReq struct {
	Decision string `json:"decision" validate:"required,oneof=accept reject"`
	Reason   string `json:"reason" validate:"max=500,plaintext"`
	// Version, when given, must match the response's (optimistic check).
	Version int64 `json:"version" validate:"min=0"`
}

func decisionStatus(d string) survey.ResponseStatus {
	if d == "accept" {
		return survey.Accepted
	}
	return survey.Rejected
}

func (s *Server) reviewResponse(c *fiber.Ctx) error {
	var req reviewReq
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	if req.Decision == "reject" && strings.TrimSpace(req.Reason) == "" {
		return apperr.Fields(invalidMessage(languageOf(c)), map[string]string{"reason": msg(languageOf(c), "退回答卷须说明理由", "a rejection needs a reason")})
	}
	cur, err := s.responseInScope(c, c.Params("id"), c.Params("rid"))
	if err != nil {
		return err
	}
	version := req.Version
	if version == 0 {
		version = cur.Version
	}
	resp, err := s.Survey.ReviewResponse(c.UserContext(), cur.RoundID, cur.ID, version,
		survey.Review{Status: decisionStatus(req.Decision), Reason: strings.TrimSpace(req.Reason), By: principalOf(c).Username})
	if err != nil {
		return surveyErr(c, err)
	}
	return c.JSON(toResponseDTO(resp, true))
}

type bulkReviewReq struct {
	// AllUnflagged accepts every submitted response without a quality flag
	// (in the caller's district for a district official) instead of IDs.
	AllUnflagged bool     `json:"all_unflagged"`
	IDs          []string `json:"ids" validate:"required_without=AllUnflagged,max=500,dive,max=64"`
	Decision     string   `json:"decision" validate:"required,oneof=accept reject"`
	Reason       string   `json:"reason" validate:"max=500,plaintext"`
}

// bulkReview decides many responses at once (for example, accept every
// unflagged one after a look at the list) and answers per id.
func (s *Server) bulkReview(c *fiber.Ctx) error {
	var req bulkReviewReq
	if err := s.BindJSON(c, &req); err != nil {
		return err
	}
	lang := languageOf(c)
	if req.Decision == "reject" && strings.TrimSpace(req.Reason) == "" {
		return apperr.Fields(invalidMessage(lang), map[string]string{"reason": msg(lang, "退回答卷须说明理由", "a rejection needs a reason")})
	}
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	if req.AllUnflagged {
		if req.Decision != "accept" || len(req.IDs) > 0 {
			return apperr.Fields(invalidMessage(lang), map[string]string{"all_unflagged": msg(lang, "仅可与 decision=accept 同用且不带 ids", "only with decision accept and no ids")})
		}
		n, err := s.Survey.AcceptUnflagged(c.UserContext(), r.ID, districtScope(principalOf(c)), principalOf(c).Username)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"accepted": n})
	}
	type result struct {
		ID     string        `json:"id"`
		Status int           `json:"status"`
		Error  *errorPayload `json:"error,omitempty"`
	}
	out := make([]result, 0, len(req.IDs))
	for _, id := range req.IDs {
		_, err := s.responseInScope(c, r.ID, id)
		if err == nil {
			_, err = s.Survey.ReviewResponse(c.UserContext(), r.ID, id, 0,
				survey.Review{Status: decisionStatus(req.Decision), Reason: strings.TrimSpace(req.Reason), By: principalOf(c).Username})
			err = surveyErr(c, err)
		}
		if err != nil {
			o := s.outcomeOf(c, "", err)
			out = append(out, result{ID: id, Status: o.Status, Error: o.Error})
			continue
		}
		out = append(out, result{ID: id, Status: fiber.StatusOK})
	}
	return c.JSON(fiber.Map{"results": out})
}

// ---- progress, results, export ----

type progressDTO struct {
	Unit      string `json:"unit"`
	Name      string `json:"name"`
	NameEN    string `json:"name_en,omitempty"`
	Stratum   string `json:"stratum"`
	District  string `json:"district"`
	Target    int    `json:"target"`
	Accepted  int    `json:"accepted"`
	Submitted int    `json:"submitted"`
	Rejected  int    `json:"rejected"`
}

func (s *Server) progressOf(c *fiber.Ctx, r *survey.Round) ([]progressDTO, map[string]int, error) {
	prog, err := s.Survey.Progress(c.UserContext(), r)
	if err != nil {
		return nil, nil, err
	}
	out := make([]progressDTO, 0, len(prog))
	tot := map[string]int{}
	for _, p := range prog {
		out = append(out, progressDTO{p.ID, p.Name, p.NameEN, p.Stratum, p.District, p.Target, p.Accepted, p.Submitted, p.Rejected})
		tot["target"] += p.Target
		tot["accepted"] += p.Accepted
		tot["submitted"] += p.Submitted
		tot["rejected"] += p.Rejected
	}
	return out, tot, nil
}

func (s *Server) roundProgress(c *fiber.Ctx) error {
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	units, tot, err := s.progressOf(c, &r)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"round_id": r.ID, "units": units, "total": tot})
}

type estimateDTO struct {
	Estimate   float64  `json:"estimate"`
	SE         float64  `json:"se"`
	CILow      *float64 `json:"ci_low"`
	CIHigh     *float64 `json:"ci_high"`
	Deff       *float64 `json:"deff"`
	N          int      `json:"n"`
	DF         int      `json:"df"`
	PointMeets bool     `json:"point_meets"`
	// Verdict is an open round's interim verdict (see Interim).
	Verdict  *string      `json:"verdict"`
	Interim  *interimDTO  `json:"interim,omitempty"`
	Forecast *forecastDTO `json:"forecast,omitempty"`
}

type domainDTO struct {
	ID     string                 `json:"id"`
	Name   string                 `json:"name"`
	NameEN string                 `json:"name_en,omitempty"`
	Rates  map[string]estimateDTO `json:"rates"`
}

func toEstimates(list []survey.Estimate) map[string]estimateDTO {
	out := map[string]estimateDTO{}
	for _, e := range list {
		d := estimateDTO{Estimate: e.Value, SE: e.SE, N: e.N, DF: e.DF, PointMeets: e.PointMeets}
		if e.HasCI {
			lo, hi := e.CILow, e.CIHigh
			d.CILow, d.CIHigh = &lo, &hi
			v := string(e.Verdict)
			d.Verdict = &v
		}
		if e.DeffValid {
			df := e.Deff
			d.Deff = &df
		}
		d.Interim, d.Forecast = monitorDTOs(e)
		out[e.Indicator] = d
	}
	return out
}

type resultsQuery struct {
	By string `query:"by" validate:"omitempty,oneof=district street none"`
}

func (s *Server) roundResults(c *fiber.Ctx) error {
	var q resultsQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	if q.By == "none" {
		q.By = ""
	}
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	res, err := s.Survey.Results(ctx, &r, q.By)
	if err != nil {
		return surveyErr(c, err)
	}
	units, tot, err := s.progressOf(c, &r)
	if err != nil {
		return err
	}
	domains := make([]domainDTO, 0, len(res.Domains))
	for _, d := range res.Domains {
		zh, en, _ := surveyGeo{s.Areas}.AreaName(d.Domain)
		domains = append(domains, domainDTO{ID: d.Domain, Name: zh, NameEN: en, Rates: toEstimates(d.Estimates)})
	}
	base := "/api/v1/rounds/" + r.ID
	rep := r.Reproduce("responses.csv", q.By)
	files := map[string]string{"responses.csv": base + "/responses.csv"}
	for name := range rep.Files {
		files[name] = base + "/calibration/" + name
	}
	var shell []string
	for _, args := range rep.Args {
		shell = append(shell, "portal stats estimate "+strings.Join(args, " "))
	}
	out := fiber.Map{
		"round_id": r.ID, "status": r.Status, "threshold": r.Threshold, "by": orDefault(q.By, "none"),
		"calibration": orDefault(string(r.Calibration), "none"),
		"design":      fiber.Map{"n": res.Design.N, "strata": res.Design.Strata, "psus": res.Design.PSUs, "df": res.Design.DF},
		"overall":     toEstimates(res.Overall),
		"domains":     domains,
		"progress":    fiber.Map{"units": units, "total": tot},
		"method": msg(languageOf(c),
			"分层整群设计（层="+string(r.Plan.StratumLevel)+"，初级抽样单元=社区），设计权重=（层内社区数÷有应答的抽中社区数）×（社区居民数÷社区有效答卷数）；泰勒线性化标准误，logit 置信区间（95%），与 R survey 包一致",
			"stratified cluster design (strata = "+string(r.Plan.StratumLevel)+", PSU = community); design weight = (communities in stratum / responding sampled communities) x (residents / accepted interviews in the community); Taylor-linearised SE, logit 95% CI, as R's survey package"),
		"reproduce":  fiber.Map{"files": files, "args": rep.Args, "commands": shell},
		"allocation": toAllocations(&r, res.Allocation),
	}
	if r.PreviousRoundID != "" {
		if prev, err := s.Survey.Round(ctx, r.PreviousRoundID); err == nil {
			if pres, err := s.Survey.Results(ctx, &prev, ""); err == nil {
				cur, old := toEstimates(res.Overall), toEstimates(pres.Overall)
				change := map[string]float64{}
				for k, v := range cur {
					if o, ok := old[k]; ok {
						change[k] = v.Estimate - o.Estimate
					}
				}
				out["previous"] = fiber.Map{"round_id": prev.ID, "name": prev.Name, "overall": old, "change": change}
			}
		}
	}
	return c.JSON(out)
}

// exportResponses streams the accepted responses as CSV: the columns the
// results' reproduce arguments name.
func (s *Server) exportResponses(c *fiber.Ctx) error {
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Survey.ExportCSV(c.UserContext(), &r, &buf); err != nil {
		return surveyErr(c, err)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+r.ID+`-responses.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// calibrationFile serves a round's calibration targets (COL,Freq).
func (s *Server) calibrationFile(c *fiber.Ctx) error {
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	body, ok := r.TargetsCSV(c.Params("file"))
	if !ok {
		return apperr.New(apperr.NotFound, msg(languageOf(c), "没有这个校准文件（本轮未录入人口普查数）", "no such calibration file (no census entered)"))
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+c.Params("file")+`"`)
	return c.SendString(body)
}

type suggestionQuery struct {
	HalfWidth float64 `query:"half_width" validate:"omitempty,gt=0,lt=0.5"`
}

// suggestTargets answers the sample-size planner's advice: interviews per
// stratum and per unit for the wanted interval half-width (default 0.03),
// from the previous round's rate and design effect.
func (s *Server) suggestTargets(c *fiber.Ctx) error {
	var q suggestionQuery
	if err := s.BindQuery(c, &q); err != nil {
		return err
	}
	if q.HalfWidth == 0 {
		q.HalfWidth = 0.03
	}
	r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	sg, err := s.Survey.SuggestTargets(c.UserContext(), &r, q.HalfWidth)
	if err != nil {
		return surveyErr(c, err)
	}
	strata := make([]fiber.Map, 0, len(sg.Strata))
	for _, st := range sg.Strata {
		strata = append(strata, fiber.Map{"stratum": st.Stratum, "interviews": st.Interviews, "units": st.Units, "target_per_unit": st.TargetPerUnit})
	}
	return c.JSON(fiber.Map{"round_id": r.ID, "based_on": sg.BasedOn, "expected_rate": sg.ExpectedRate, "deff": sg.Deff,
		"half_width": sg.HalfWidth, "total": sg.Total, "strata": strata})
}
