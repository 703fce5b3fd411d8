package readiness

import "github.com/rapportcrm/rapport/services/training/course"

// The checklist templates. Vietnamese labels are the source text's own words
// ("II. BÁO CÁO CT CHUẨN BỊ + TẬP HUẤN"), so the lead sees the list they already use.
// Keys are stable: checks are stored against them, so a key is never renamed.
// Where the in-person and online lists ask the same thing in slightly different words,
// the item is common and keeps the fuller in-person wording.
//
// Required flags are starting values: an item that is not required is still shown,
// but never raises "readiness at risk".

// Sections group items the way the source text numbers them.
const (
	SectionRoom         = "room"             // Chuẩn bị Phòng máy/ hội trường
	SectionConfirmation = "confirmation"     // Tình hình gọi điện/xác nhận tập huấn
	SectionUsers        = "training_users"   // Chuẩn bị user tập huấn
	SectionSupervisor   = "supervising_unit" // Chủ quản phát biểu
	SectionSurvey       = "survey"           // Chuẩn bị link khảo sát MISA Survey
)

func sections() []string {
	return []string{SectionRoom, SectionConfirmation, SectionUsers, SectionSupervisor, SectionSurvey}
}

// CommonItems are checked for every course, in person or online.
func CommonItems() []Item {
	return []Item{
		{"attendees_confirmed", SectionConfirmation, "Số lượng tham gia?", "Number of attendees confirmed by phone", Count, true},
		{"login_domain_checked", SectionUsers, "Kiểm tra miền đăng nhập?", "Training accounts' login domain checked", Boolean, true},
		{"special_forms_checked", SectionUsers, "Kiểm tra số liệu, mẫu biểu, báo cáo đặc thù?", "Data, special forms and reports checked", Boolean, true},
		{"supervisor_speaks", SectionSupervisor, "Đồng ý tham gia phát biểu: Có, Không (Lý do không)", "Supervising unit agreed to speak (yes, or no and why)", Text, true},
		{"class_supervisor", SectionSupervisor, "Đối tác giám sát lớp là ai?", "Who supervises the class for the partner", Text, true},
		{"survey_link_ready", SectionSurvey, "Chuẩn bị link khảo sát MISA Survey", "MISA Survey link prepared", Text, true},
	}
}

// InPersonItems are checked only for courses held at a venue.
func InPersonItems() []Item {
	return []Item{
		{"seating", SectionRoom, "Số lượng chỗ ngồi (Chụp hình gửi về)", "Seats in the room (photo sent back)", Photo, true},
		{"wifi", SectionRoom, "Wifi mạnh", "Strong wifi", Boolean, true},
		{"projector_sound", SectionRoom, "Màn chiếu, máy chiếu âm thanh", "Screen, projector and sound", Boolean, true},
		{"air_conditioning", SectionRoom, "Máy lạnh", "Air conditioning", Boolean, true},
		{"drinking_water", SectionRoom, "Nước uống", "Drinking water", Boolean, true},
		{"power_outlets", SectionRoom, "Ổ cắm điện", "Power outlets", Boolean, true},
		{"parking", SectionRoom, "Chỗ giữ xe: (Đã báo bảo vệ chưa?)", "Parking (security told?)", Boolean, false},
		{"laptops_confirmed", SectionConfirmation, "Mang máy tính?", "Attendees bringing laptops", Count, true},
		{"vouchers_data_confirmed", SectionConfirmation, "Mang chứng từ, dữ liệu?", "Attendees bringing vouchers and data", Count, true},
		{"supervisor_briefed", SectionSupervisor, "Đã qua gặp trao đổi kế hoạch tập huấn chưa? Tên đối tác?", "Supervising unit met and briefed (partner's name)", Text, true},
	}
}

// OnlineItems are checked only for courses held on a meeting link.
func OnlineItems() []Item {
	return []Item{
		{"zoom_installed", SectionConfirmation, "Số lượng đã cài đặt Zoom thành công?", "Units that installed Zoom successfully", Count, true},
		{"documents_prepared", SectionConfirmation, "Số lượng đã chuẩn bị chứng từ, dữ liệu?", "Units that prepared vouchers and data", Count, true},
		{"partner_zoom_login", SectionSupervisor, "Đối tác đã đăng nhập Zoom?", "Supervising unit has logged in to Zoom", Boolean, true},
	}
}

// ItemsFor is the checklist of a course: common items plus those of its mode, grouped
// by section in the source text's order. An unknown mode gets the common items only.
func ItemsFor(mode course.Mode) []Item {
	var own []Item
	switch mode {
	case course.InPerson:
		own = InPersonItems()
	case course.Online:
		own = OnlineItems()
	}
	all := append(own, CommonItems()...)
	out := make([]Item, 0, len(all))
	for _, s := range sections() {
		for _, it := range all {
			if it.Section == s {
				out = append(out, it)
			}
		}
	}
	return out
}
