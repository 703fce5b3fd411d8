package importtest

var (
	mobilePrefixes = []string{
		"090", "091", "093", "094", "096", "097", "098", "086", "088", "087",
		"032", "033", "034", "035", "036", "037", "038", "039", "070", "076",
		"077", "078", "079", "081", "082", "083", "084", "085", "056", "058",
	}
	taxProvinceCodes = []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "23", "28", "31", "37", "40", "46", "48", "58", "79"}
	families         = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middles          = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Bảo", "Thùy", "Gia"}
	givens           = []string{"An", "Bình", "Cường", "Dũng", "Đào", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Ngọc", "Nhung", "Phúc", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Uyên", "Việt", "Yến"}
	asciiGiven       = map[string]string{
		"An": "an", "Bình": "binh", "Cường": "cuong", "Dũng": "dung", "Đào": "dao", "Giang": "giang",
		"Hà": "ha", "Hải": "hai", "Hạnh": "hanh", "Hùng": "hung", "Hương": "huong", "Khánh": "khanh",
		"Lan": "lan", "Linh": "linh", "Long": "long", "Mai": "mai", "Nam": "nam", "Ngọc": "ngoc",
		"Nhung": "nhung", "Phúc": "phuc", "Phương": "phuong", "Quân": "quan", "Quỳnh": "quynh",
		"Sơn": "son", "Tâm": "tam", "Thảo": "thao", "Thắng": "thang", "Trang": "trang", "Tuấn": "tuan",
		"Uyên": "uyen", "Việt": "viet", "Yến": "yen",
	}
	orgTypes = []string{
		"Trường Tiểu học", "Trường THCS", "Trường THPT", "Trường Mầm non", "Trạm Y tế xã",
		"UBND xã", "UBND phường", "Phòng Giáo dục và Đào tạo", "Trung tâm Y tế huyện", "Công ty TNHH",
	}
	namesakes = []string{
		"Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Quang Trung", "Hai Bà Trưng", "Lý Thường Kiệt",
		"Chu Văn An", "Kim Đồng", "Võ Thị Sáu", "Nguyễn Du", "Hòa Bình", "Đồng Tâm", "Tân Phú", "Phước Long",
	}
	kindLabels = []string{"Đơn vị", "Trường học", "Đơn vị chủ quản", "Đối tác", "Nhà cung cấp"}
	provinces  = []string{
		"Tỉnh Bình Dương", "Bình Dương", "TP. Hồ Chí Minh", "Hà Nội", "Thành phố Đà Nẵng", "Tỉnh Quảng Nam",
		"Hải Dương", "Tỉnh Nam Định", "Thừa Thiên Huế", "Đắk Lắk", "Tỉnh Long An", "Cần Thơ", "Bà Rịa - Vũng Tàu",
		"Tỉnh Nghệ An", "Thanh Hóa", "Tỉnh Kiên Giang", "Lâm Đồng", "Quảng Ninh",
	}
	domains = []string{"gmail.com", "yahoo.com.vn", "edu.vn", "moet.edu.vn", "hcm.edu.vn", "hanoi.gov.vn"}
)
