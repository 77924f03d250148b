package surveydb

import (
	"time"

	"cleancity/survey"
)

// The bson shapes, kept apart from the domain types and joined by the
// converters below.

type optionDoc struct {
	Value   string `bson:"value"`
	Label   string `bson:"label"`
	LabelEN string `bson:"label_en,omitempty"`
}

type itemDoc struct {
	ID              string      `bson:"id"`
	Type            string      `bson:"type"`
	Role            string      `bson:"role,omitempty"`
	Label           string      `bson:"label"`
	LabelEN         string      `bson:"label_en,omitempty"`
	Options         []optionDoc `bson:"options,omitempty"`
	Required        bool        `bson:"required"`
	Relevant        string      `bson:"relevant,omitempty"`
	Constraint      string      `bson:"constraint,omitempty"`
	ConstraintMsg   string      `bson:"constraint_msg,omitempty"`
	ConstraintMsgEN string      `bson:"constraint_msg_en,omitempty"`
	Answer          string      `bson:"answer,omitempty"`
	Satisfied       []string    `bson:"satisfied,omitempty"`
}

type formDoc struct {
	QID        string    `bson:"qid"`
	Version    int       `bson:"version"`
	Title      string    `bson:"title"`
	TitleEN    string    `bson:"title_en,omitempty"`
	Items      []itemDoc `bson:"items"`
	QuizCutoff float64   `bson:"quiz_cutoff"`
}

func toFormDoc(q survey.Questionnaire) formDoc {
	d := formDoc{QID: q.ID, Version: q.Version, Title: q.Title, TitleEN: q.TitleEN, QuizCutoff: q.QuizCutoff}
	for _, it := range q.Items {
		id := itemDoc{ID: it.ID, Type: string(it.Type), Role: string(it.Role), Label: it.Label, LabelEN: it.LabelEN,
			Required: it.Required, Relevant: it.Relevant, Constraint: it.Constraint, ConstraintMsg: it.ConstraintMsg,
			ConstraintMsgEN: it.ConstraintMsgEN, Answer: it.Answer, Satisfied: it.Satisfied}
		for _, o := range it.Options {
			id.Options = append(id.Options, optionDoc{o.Value, o.Label, o.LabelEN})
		}
		d.Items = append(d.Items, id)
	}
	return d
}

func (d formDoc) toQuestionnaire() survey.Questionnaire {
	q := survey.Questionnaire{ID: d.QID, Version: d.Version, Title: d.Title, TitleEN: d.TitleEN, QuizCutoff: d.QuizCutoff}
	for _, it := range d.Items {
		item := survey.Item{ID: it.ID, Type: survey.ItemType(it.Type), Role: survey.Role(it.Role), Label: it.Label, LabelEN: it.LabelEN,
			Required: it.Required, Relevant: it.Relevant, Constraint: it.Constraint, ConstraintMsg: it.ConstraintMsg,
			ConstraintMsgEN: it.ConstraintMsgEN, Answer: it.Answer, Satisfied: it.Satisfied}
		for _, o := range it.Options {
			item.Options = append(item.Options, survey.Option{Value: o.Value, Label: o.Label, LabelEN: o.LabelEN})
		}
		q.Items = append(q.Items, item)
	}
	return q
}

type stratumDoc struct {
	ID          string `bson:"id"`
	Name        string `bson:"name"`
	NameEN      string `bson:"name_en,omitempty"`
	Communities int    `bson:"communities"`
}

type unitDoc struct {
	ID        string `bson:"id"`
	Name      string `bson:"name"`
	NameEN    string `bson:"name_en,omitempty"`
	Stratum   string `bson:"stratum"`
	Street    string `bson:"street"`
	District  string `bson:"district"`
	Residents int    `bson:"residents"`
	Target    int    `bson:"target"`
	// Inclusion is the unit's inclusion probability of a PPS draw.
	Inclusion float64 `bson:"inclusion,omitempty"`
}

type censusDoc struct {
	AgeGroup string  `bson:"age_group"`
	Sex      string  `bson:"sex"`
	Count    float64 `bson:"count"`
}

type roundDoc struct {
	ID                   string       `bson:"_id"`
	Name                 string       `bson:"name"`
	NameEN               string       `bson:"name_en,omitempty"`
	Status               string       `bson:"status"`
	QuestionnaireID      string       `bson:"questionnaire_id"`
	QuestionnaireVersion int          `bson:"questionnaire_version"`
	Threshold            float64      `bson:"threshold"`
	StartsOn             time.Time    `bson:"starts_on"`
	EndsOn               time.Time    `bson:"ends_on"`
	StratumLevel         string       `bson:"stratum_level,omitempty"`
	Strata               []stratumDoc `bson:"strata"`
	Units                []unitDoc    `bson:"units"`
	Seed                 int64        `bson:"seed"`
	Method               string       `bson:"method,omitempty"`
	Census               []censusDoc  `bson:"census"`
	Calibration          string       `bson:"calibration,omitempty"`
	MinDurationSec       int64        `bson:"min_duration_sec"`
	MaxPerHour           int          `bson:"max_per_hour"`
	MaxGPSAccuracy       float64      `bson:"max_gps_accuracy"`
	PreviousRoundID      string       `bson:"previous_round_id,omitempty"`
	CreatedBy            string       `bson:"created_by,omitempty"`
	CreatedAt            time.Time    `bson:"created_at"`
	UpdatedAt            time.Time    `bson:"updated_at"`
	OpenedAt             time.Time    `bson:"opened_at,omitempty"`
	ClosedAt             time.Time    `bson:"closed_at,omitempty"`
	Version              int64        `bson:"version"`
}

func toRoundDoc(r survey.Round) roundDoc {
	d := roundDoc{ID: r.ID, Name: r.Name, NameEN: r.NameEN, Status: string(r.Status),
		QuestionnaireID: r.QuestionnaireID, QuestionnaireVersion: r.QuestionnaireVersion, Threshold: r.Threshold,
		StartsOn: r.StartsOn, EndsOn: r.EndsOn, StratumLevel: string(r.Plan.StratumLevel),
		Strata: []stratumDoc{}, Units: []unitDoc{}, Census: []censusDoc{},
		// bson has no unsigned 64-bit integer: keep the seed's bits in an int64.
		Seed:           int64(r.Plan.Seed),
		Method:         string(r.Plan.Method),
		Calibration:    string(r.Calibration),
		MinDurationSec: int64(r.Quality.MinDuration / time.Second), MaxPerHour: r.Quality.MaxPerHour,
		MaxGPSAccuracy: r.Quality.MaxGPSAccuracy, PreviousRoundID: r.PreviousRoundID, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, OpenedAt: r.OpenedAt, ClosedAt: r.ClosedAt, Version: r.Version}
	for _, s := range r.Plan.Strata {
		d.Strata = append(d.Strata, stratumDoc{s.ID, s.Name, s.NameEN, s.Communities})
	}
	for _, u := range r.Plan.Units {
		d.Units = append(d.Units, unitDoc{u.ID, u.Name, u.NameEN, u.Stratum, u.Street, u.District, u.Residents, u.Target, u.Inclusion})
	}
	for _, c := range r.Census {
		d.Census = append(d.Census, censusDoc{c.AgeGroup, c.Sex, c.Count})
	}
	return d
}

func (d roundDoc) toRound() survey.Round {
	r := survey.Round{ID: d.ID, Name: d.Name, NameEN: d.NameEN, Status: survey.Status(d.Status),
		QuestionnaireID: d.QuestionnaireID, QuestionnaireVersion: d.QuestionnaireVersion, Threshold: d.Threshold,
		StartsOn: d.StartsOn.UTC(), EndsOn: d.EndsOn.UTC(),
		Plan:        survey.Plan{StratumLevel: survey.StratumLevel(d.StratumLevel), Seed: uint64(d.Seed), Method: survey.SampleMethod(d.Method)},
		Calibration: survey.Calibration(d.Calibration),
		Quality: survey.QualityRules{MinDuration: time.Duration(d.MinDurationSec) * time.Second, MaxPerHour: d.MaxPerHour,
			MaxGPSAccuracy: d.MaxGPSAccuracy},
		PreviousRoundID: d.PreviousRoundID, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
		OpenedAt: utcOrZero(d.OpenedAt), ClosedAt: utcOrZero(d.ClosedAt), Version: d.Version}
	for _, s := range d.Strata {
		r.Plan.Strata = append(r.Plan.Strata, survey.Stratum{ID: s.ID, Name: s.Name, NameEN: s.NameEN, Communities: s.Communities})
	}
	for _, u := range d.Units {
		r.Plan.Units = append(r.Plan.Units, survey.Unit{ID: u.ID, Name: u.Name, NameEN: u.NameEN, Stratum: u.Stratum,
			Street: u.Street, District: u.District, Residents: u.Residents, Target: u.Target, Inclusion: u.Inclusion})
	}
	for _, c := range d.Census {
		r.Census = append(r.Census, survey.CensusCell{AgeGroup: c.AgeGroup, Sex: c.Sex, Count: c.Count})
	}
	return r
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() || t.Unix() <= 0 {
		return time.Time{}
	}
	return t.UTC()
}

type assignmentDoc struct {
	RoundID    string    `bson:"round_id"`
	Unit       string    `bson:"unit"`
	Volunteer  string    `bson:"volunteer"`
	AssignedBy string    `bson:"assigned_by"`
	AssignedAt time.Time `bson:"assigned_at"`
}

type gpsDoc struct {
	Lat      float64 `bson:"lat"`
	Lon      float64 `bson:"lon"`
	Accuracy float64 `bson:"accuracy"`
}

type responseDoc struct {
	ID            string            `bson:"_id"`
	RoundID       string            `bson:"round_id"`
	ClientID      string            `bson:"client_id"`
	Unit          string            `bson:"unit"`
	Stratum       string            `bson:"stratum"`
	District      string            `bson:"district"`
	Volunteer     string            `bson:"volunteer"`
	StartedAt     time.Time         `bson:"started_at"`
	EndedAt       time.Time         `bson:"ended_at"`
	GPS           *gpsDoc           `bson:"gps,omitempty"`
	Answers       map[string]string `bson:"answers,omitempty"`
	ContentHash   string            `bson:"content_hash,omitempty"`
	AnswersHash   string            `bson:"answers_hash,omitempty"`
	Satisfied     int               `bson:"satisfied"`
	Correct       int               `bson:"correct"`
	Answered      int               `bson:"answered"`
	Aware         int               `bson:"aware"`
	AgeGroup      string            `bson:"age_group"`
	Sex           string            `bson:"sex"`
	YearsResident int               `bson:"years_resident"`
	DistrictRes   string            `bson:"district_res"`
	Flags         []string          `bson:"flags"`
	Flagged       bool              `bson:"flagged"`
	Status        string            `bson:"status"`
	Reason        string            `bson:"reason,omitempty"`
	ReviewedBy    string            `bson:"reviewed_by,omitempty"`
	ReviewedAt    time.Time         `bson:"reviewed_at,omitempty"`
	ReceivedAt    time.Time         `bson:"received_at"`
	Version       int64             `bson:"version"`
}

func toResponseDoc(r survey.Response) responseDoc {
	d := responseDoc{ID: r.ID, RoundID: r.RoundID, ClientID: r.ClientID, Unit: r.Unit, Stratum: r.Stratum, District: r.District,
		Volunteer: r.Volunteer, StartedAt: r.StartedAt, EndedAt: r.EndedAt, Answers: r.Answers, ContentHash: r.ContentHash,
		AnswersHash: r.AnswersHash, Satisfied: r.Satisfied, Correct: r.Correct, Answered: r.Answered, Aware: r.Aware,
		AgeGroup: r.AgeGroup, Sex: r.Sex, YearsResident: r.YearsResident, DistrictRes: r.DistrictRes,
		Flags: make([]string, 0, len(r.Flags)), Flagged: len(r.Flags) > 0, Status: string(r.Status), Reason: r.Reason,
		ReviewedBy: r.ReviewedBy, ReviewedAt: r.ReviewedAt, ReceivedAt: r.ReceivedAt, Version: r.Version}
	if r.GPS != nil {
		d.GPS = &gpsDoc{r.GPS.Lat, r.GPS.Lon, r.GPS.Accuracy}
	}
	for _, f := range r.Flags {
		d.Flags = append(d.Flags, string(f))
	}
	return d
}

func (d responseDoc) toResponse() survey.Response {
	r := survey.Response{ID: d.ID, RoundID: d.RoundID, ClientID: d.ClientID, Unit: d.Unit, Stratum: d.Stratum, District: d.District,
		Volunteer: d.Volunteer, StartedAt: d.StartedAt.UTC(), EndedAt: d.EndedAt.UTC(), Answers: d.Answers, ContentHash: d.ContentHash,
		AnswersHash: d.AnswersHash, Satisfied: d.Satisfied, Correct: d.Correct, Answered: d.Answered, Aware: d.Aware,
		AgeGroup: d.AgeGroup, Sex: d.Sex, YearsResident: d.YearsResident, DistrictRes: d.DistrictRes,
		Status: survey.ResponseStatus(d.Status), Reason: d.Reason, ReviewedBy: d.ReviewedBy, ReviewedAt: utcOrZero(d.ReviewedAt),
		ReceivedAt: d.ReceivedAt.UTC(), Version: d.Version}
	if d.GPS != nil {
		r.GPS = &survey.GPS{Lat: d.GPS.Lat, Lon: d.GPS.Lon, Accuracy: d.GPS.Accuracy}
	}
	for _, f := range d.Flags {
		r.Flags = append(r.Flags, survey.Flag(f))
	}
	return r
}
