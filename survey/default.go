package survey

// DefaultQuestionnaireID names the seeded questionnaire.
const DefaultQuestionnaireID = "sanitation"

// Age groups and sexes of the default questionnaire; census targets for
// calibration are entered in these cells.
var (
	AgeGroups = []string{"18-34", "35-59", "60+"}
	Sexes     = []string{"M", "F"}
)

// fivePoint is the satisfaction scale, best first; "5" and "4" are satisfied.
var fivePoint = []Option{
	{"5", "非常满意", "Very satisfied"},
	{"4", "比较满意", "Satisfied"},
	{"3", "一般", "Neither satisfied nor dissatisfied"},
	{"2", "不太满意", "Dissatisfied"},
	{"1", "很不满意", "Very dissatisfied"},
}

// SatisfiedValues are the top two values of the five-point scale.
var SatisfiedValues = []string{"5", "4"}

// DefaultQuestionnaire returns version 1 of the seeded questionnaire: the
// demographics, the overall sanitation satisfaction item and six sub-items
// (two behind skip logic), and a ten-item health-knowledge quiz drawn from
// the national health-literacy topics (hand washing, vector control,
// smoking, food and water safety). districts are the options of the
// district-of-residence item.
func DefaultQuestionnaire(districts []Option) Questionnaire {
	sub := func(id, zh, en, relevant string) Item {
		return Item{ID: id, Type: SelectOne, Role: RoleSubSatisfaction, Label: zh, LabelEN: en,
			Options: fivePoint, Required: true, Relevant: relevant}
	}
	quiz := func(id, zh, en, answer string, opts ...Option) Item {
		it := Item{ID: id, Type: TrueFalse, Role: RoleQuiz, Label: zh, LabelEN: en, Required: true, Answer: answer}
		if len(opts) > 0 {
			it.Type = SelectOne
			it.Options = opts
		}
		return it
	}
	dontKnow := Option{"dk", "不知道", "Don't know"}
	districtOpts := append(append([]Option(nil), districts...), Option{"other", "外市/其他", "Elsewhere"})
	items := []Item{
		{ID: "age_group", Type: SelectOne, Role: RoleAgeGroup, Label: "您的年龄段", LabelEN: "Your age group", Required: true,
			Options: []Option{{"18-34", "18–34岁", "18–34"}, {"35-59", "35–59岁", "35–59"}, {"60+", "60岁及以上", "60 and over"}}},
		{ID: "sex", Type: SelectOne, Role: RoleSex, Label: "性别", LabelEN: "Sex", Required: true,
			Options: []Option{{"M", "男", "Male"}, {"F", "女", "Female"}}},
		{ID: "years_resident", Type: Integer, Role: RoleYearsResident, Label: "您在本市居住了多少年？", LabelEN: "How many years have you lived in this city?",
			Required: true, Constraint: ". >= 0 and . <= 100",
			ConstraintMsg: "请填写0到100之间的整数", ConstraintMsgEN: "enter a whole number from 0 to 100"},
		{ID: "district_res", Type: SelectOne, Role: RoleDistrict, Label: "您居住在哪个区？", LabelEN: "Which district do you live in?",
			Required: true, Options: districtOpts},
		{ID: "sat_overall", Type: SelectOne, Role: RoleSatisfaction, Label: "总体来说，您对本市的环境卫生状况是否满意？",
			LabelEN: "Overall, how satisfied are you with the city's sanitation?", Options: fivePoint, Required: true,
			Satisfied: SatisfiedValues},
		sub("sat_streets", "您对主次干道的清扫保洁是否满意？", "Cleaning of main and secondary roads", ""),
		sub("sat_alleys", "您对背街小巷的环境卫生是否满意？", "Sanitation of back alleys", ""),
		{ID: "visits_market", Type: TrueFalse, Label: "最近一个月您去过农贸市场吗？", LabelEN: "Have you been to a farmers' market in the past month?", Required: true},
		sub("sat_market", "您对农贸市场的环境卫生是否满意？", "Sanitation of farmers' markets", "${visits_market} = 'true'"),
		{ID: "uses_toilets", Type: TrueFalse, Label: "最近一个月您使用过公共厕所吗？", LabelEN: "Have you used a public toilet in the past month?", Required: true},
		sub("sat_toilets", "您对公共厕所的卫生是否满意？", "Cleanliness of public toilets", "${uses_toilets} = 'true'"),
		sub("sat_garbage", "您对生活垃圾的收集清运是否满意？", "Household garbage collection", ""),
		sub("sat_pests", "您对老鼠、蚊子、苍蝇、蟑螂的防制效果是否满意？", "Control of rats, mosquitoes, flies and cockroaches", ""),
		quiz("q_handwash", "用流动水和肥皂（洗手液）洗手，搓洗时间至少应为多少？", "With running water and soap, how long should you rub your hands at least?", "20s",
			Option{"5s", "5秒", "5 seconds"}, Option{"10s", "10秒", "10 seconds"}, Option{"20s", "20秒", "20 seconds"}, dontKnow),
		quiz("q_handwash_when", "饭前便后、接触垃圾后都应当洗手。", "Wash your hands before meals, after the toilet and after handling rubbish.", "true"),
		quiz("q_mosquito", "预防蚊媒传染病（如登革热），最有效的家庭措施是：", "The most effective household measure against mosquito-borne disease (such as dengue) is:", "water",
			Option{"water", "清除积水，翻盆倒罐", "Remove standing water"}, Option{"window", "经常开窗通风", "Open windows often"},
			Option{"incense", "点香驱味", "Burn incense"}, dontKnow),
		quiz("q_pests", "“四害”指老鼠、蟑螂、苍蝇和蚊子。", "The \"four pests\" are rats, cockroaches, flies and mosquitoes.", "true"),
		quiz("q_smoke_ban", "室内公共场所、工作场所和公共交通工具内禁止吸烟。", "Smoking is banned in indoor public places, workplaces and public transport.", "true"),
		quiz("q_low_tar", "低焦油卷烟的危害比普通卷烟小。", "Low-tar cigarettes are less harmful than ordinary cigarettes.", "false"),
		quiz("q_food_sep", "处理食物时，生食和熟食应当：", "When handling food, raw and cooked food should be:", "separate",
			Option{"separate", "分开存放、分开加工", "Stored and prepared separately"}, Option{"together", "放在一起节省空间", "Kept together to save space"},
			Option{"any", "无所谓", "It does not matter"}, dontKnow),
		quiz("q_leftovers", "剩饭剩菜放进冰箱就可以长期安全食用。", "Leftovers kept in the fridge are safe to eat indefinitely.", "false"),
		quiz("q_boil", "生水烧开后饮用可以预防肠道传染病。", "Boiling water before drinking helps prevent intestinal infections.", "true"),
		quiz("q_cough", "咳嗽、打喷嚏时应用纸巾或肘部遮掩口鼻。", "Cover your mouth and nose with a tissue or your elbow when coughing or sneezing.", "true"),
		{ID: "comments", Type: Text, Label: "您对改善本市环境卫生还有什么意见和建议？", LabelEN: "Any suggestions to improve the city's sanitation?",
			Constraint: "string-length(.) <= 200", ConstraintMsg: "请不超过200字", ConstraintMsgEN: "at most 200 characters"},
	}
	return Questionnaire{
		ID: DefaultQuestionnaireID, Version: 1,
		Title:   "城市环境卫生满意度与健康知识调查问卷",
		TitleEN: "City sanitation satisfaction and health knowledge survey",
		Items:   items, QuizCutoff: DefaultQuizCutoff,
	}
}
