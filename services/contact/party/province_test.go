package party

import "testing"

func TestFormerProvinceMapsToItsProvinceFromJuly2025(t *testing.T) {
	tests := []struct {
		entered, want string
	}{
		{"Tỉnh Bình Dương", "Thành phố Hồ Chí Minh"},
		{"Bình Dương", "Thành phố Hồ Chí Minh"},
		{"binh duong", "Thành phố Hồ Chí Minh"},
		{"  BÌNH   DƯƠNG ", "Thành phố Hồ Chí Minh"},
		{"Bà Rịa - Vũng Tàu", "Thành phố Hồ Chí Minh"},
		{"Ba Ria-Vung Tau", "Thành phố Hồ Chí Minh"},
		{"TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh"},
		{"TP.HCM", "Thành phố Hồ Chí Minh"},
		{"Thành phố Hà Nội", "Thành phố Hà Nội"},
		{"Hà Nội", "Thành phố Hà Nội"},
		{"Tp Hải Phòng", "Thành phố Hải Phòng"},
		{"Hải Dương", "Thành phố Hải Phòng"},
		{"Thừa Thiên Huế", "Thành phố Huế"},
		{"Hoà Bình", "Tỉnh Phú Thọ"}, // old-style tone placement
		{"Đắk Nông", "Tỉnh Lâm Đồng"},
		{"Dak Nong", "Tỉnh Lâm Đồng"},
		{"Quảng Nam", "Thành phố Đà Nẵng"},
		{"Tỉnh Đồng Nai", "Tỉnh Đồng Nai"}, // a current name maps to itself
		{"Hà Tây", "Thành phố Hà Nội"},     // merged in 2008, still in old registers
	}
	for _, tt := range tests {
		t.Run(tt.entered, func(t *testing.T) {
			got, ok := CurrentProvince(tt.entered)
			if !ok || got != tt.want {
				t.Errorf("CurrentProvince(%q) = %q, %v; want %q", tt.entered, got, ok, tt.want)
			}
		})
	}
}

func TestUnknownProvinceIsNotMapped(t *testing.T) {
	for _, in := range []string{"", "Tỉnh", "Quận 1", "Bangkok", "Binh", "Hà Bắc"} {
		if got, ok := CurrentProvince(in); ok {
			t.Errorf("CurrentProvince(%q) = %q, true; want no match", in, got)
		}
	}
}

func TestEmbeddedProvinceTableCoversAll63FormerProvincesAnd34Current(t *testing.T) {
	table, err := parseProvinces(provincesCSV)
	if err != nil {
		t.Fatal(err)
	}
	current := map[string]bool{}
	for _, c := range table {
		current[c] = true
	}
	if len(table) != 63 || len(current) != 34 {
		t.Errorf("table maps %d former to %d current provinces, want 63 to 34", len(table), len(current))
	}
}
