package complaints

import (
	"errors"

	"cleancity/portal/apperr"
)

// Sentinel errors. Their messages are English; Localize translates them
// (and the field messages of validation errors) for Chinese clients.
var (
	ErrNotFound         = apperr.New(apperr.NotFound, "no such complaint")
	ErrCategoryNotFound = apperr.New(apperr.NotFound, "no such category")
	ErrStale            = apperr.New(apperr.Conflict, "the complaint was changed by someone else; reload it and try again")
	ErrCodeTaken        = apperr.New(apperr.Conflict, "tracking code already in use")
	ErrBadSecret        = apperr.New(apperr.Forbidden, "the follow-up secret does not match")
	ErrNotReporter      = apperr.New(apperr.Forbidden, "only the reporter may answer a resolution")
	ErrOutOfScope       = apperr.New(apperr.Forbidden, "this complaint is outside your department or district")
	ErrReopenWindow     = apperr.New(apperr.Conflict, "the 7-day window to reopen this resolution has passed")
	ErrAlreadyJoined    = apperr.New(apperr.Conflict, "you have already joined this complaint")
	ErrMergeSelf        = apperr.New(apperr.Invalid, "a complaint cannot be merged into itself")
)

// IsNotFound reports whether err is a not_found error.
func IsNotFound(err error) bool { return apperr.Is(err, apperr.NotFound) }

// IsConflict reports whether err is a conflict error.
func IsConflict(err error) bool { return apperr.Is(err, apperr.Conflict) }

// zhText translates the domain's English messages.
var zhText = map[string]string{
	"no such complaint": "没有这个投诉",
	"no such category":  "没有这个投诉类别",
	"the complaint was changed by someone else; reload it and try again":   "投诉已被他人修改，请刷新后重试",
	"tracking code already in use":                                         "查询码已被使用",
	"the follow-up secret does not match":                                  "跟进密钥不正确",
	"only the reporter may answer a resolution":                            "只有投诉人可以回复处理结果",
	"this complaint is outside your department or district":                "该投诉不属于您的部门或辖区",
	"the 7-day window to reopen this resolution has passed":                "已超过处理完成后7天的重新打开期限",
	"you have already joined this complaint":                               "您已附议过该投诉",
	"a complaint cannot be merged into itself":                             "投诉不能合并到自身",
	"some fields are invalid":                                              "部分字段无效",
	"required":                                                             "必填",
	"unknown attribute":                                                    "未知的附加字段",
	"not one of the listed values":                                         "不是可选值之一",
	"must be a number":                                                     "必须是数字",
	"at most 500 characters of plain text":                                 "最多500个字符的纯文本",
	"unknown or inactive category":                                         "类别不存在或已停用",
	"at most 4000 characters":                                              "最多4000个字符",
	"plain text without HTML or control characters":                        "须为纯文本，不能包含HTML或控制字符",
	"give a point (lat, lon) or a community_id with an address":            "请提供位置坐标（lat、lon）或社区（community_id）和地址",
	"the point is outside the city":                                        "该位置不在本市范围内",
	"latitude must be between -90 and 90":                                  "纬度须在-90到90之间",
	"longitude must be between -180 and 180":                               "经度须在-180到180之间",
	"lat and lon go together":                                              "lat和lon须同时提供",
	"unknown community":                                                    "社区不存在",
	"at most 200 characters of plain text":                                 "最多200个字符的纯文本",
	"at most 4 photos":                                                     "最多4张照片",
	"at most 50 characters of plain text":                                  "最多50个字符的纯文本",
	"not a valid phone number":                                             "电话号码格式不正确",
	"not a valid email address":                                            "邮箱格式不正确",
	"no department handles this category here":                             "该类别在此处没有负责部门",
	"action not allowed from the current status":                           "当前状态不允许此操作",
	"your role may not do this action":                                     "您的角色不能执行此操作",
	"a note is required":                                                   "必须填写说明",
	"give the department to reassign to":                                   "请指定改派的部门",
	"unknown department":                                                   "部门不存在",
	"the case is already with this department":                             "该投诉已在此部门",
	"give the case to merge into":                                          "请指定合并到的投诉",
	"the target case is closed to merging":                                 "目标投诉不能再合并",
	"between 1 and 5":                                                      "须在1到5之间",
	"at most 1000 characters of plain text":                                "最多1000个字符的纯文本",
	"photos are only taken when resolving":                                 "只有在办结时可以上传照片",
	"unknown action":                                                       "未知操作",
	"the photo is not a JPEG, PNG or WebP image":                           "照片不是JPEG、PNG或WebP图片",
	"the photo is larger than 8 MiB":                                       "照片超过8 MiB",
	"the photo is too large in pixels":                                     "照片像素尺寸过大",
	"the photo cannot be decoded":                                          "照片无法解码",
	"a district official sees only the district's cases":                   "区级官员只能查看本区的投诉",
	"the reporter asked to keep this text private; it cannot be published": "投诉人要求不公开此内容，不能发布",
	"only a redaction carries text":                                        "只有“编辑后发布”才需要填写文字",
	"between 1 and 4000 characters of plain text":                          "须为1到4000个字符的纯文本",
	"one of approve, redact, withhold":                                     "须为 approve、redact 或 withhold",
	"this report has already been placed":                                  "该投诉已被定位分派",
	"photos need a place; give a point or a community":                     "带照片的投诉须提供位置坐标或社区",
	"give a point or a community, not both":                                "请提供位置坐标或社区，不能同时提供",
	"give a point or a community":                                          "请提供位置坐标或社区",
	"the target case is outside your department or district":               "目标投诉不属于您的部门或辖区",
	"the target case is of another category":                               "目标投诉属于其他类别",
	"this department does not serve the case's district":                   "该部门不负责此投诉所在的区",
	"the photo would take too much memory to process; send it at 8 bits per channel or smaller": "照片解码所需内存过大，请改用每通道8位或更小的图片",
	"the confirmation code does not match":                                                      "确认码不正确",
	"too many wrong confirmation codes for this case":                                           "该投诉的确认码错误次数过多",
	"this case has no contact waiting for confirmation":                                         "该投诉没有待确认的联系方式",
	"the code has 6 digits":                                                                     "确认码为6位数字",
}

// Localize returns err with its messages in lang ("zh" or "en"). Errors
// that are not the domain's pass through unchanged.
func Localize(err error, lang string) error {
	var ae *apperr.Error
	if lang == "en" || !errors.As(err, &ae) {
		return err
	}
	out := *ae
	if t, ok := zhText[ae.Message]; ok {
		out.Message = t
	}
	if len(ae.Fields) > 0 {
		out.Fields = make(map[string]string, len(ae.Fields))
		for k, v := range ae.Fields {
			if t, ok := zhText[v]; ok {
				v = t
			}
			out.Fields[k] = v
		}
	}
	return &out
}

func invalid(fields map[string]string) error {
	return apperr.Fields("some fields are invalid", fields)
}
