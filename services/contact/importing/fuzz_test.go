package importing

import (
	"slices"
	"strings"
	"testing"
)

// FuzzReadCSV feeds the reader any file: it must not panic, and the rows it
// yields keep their promises whatever the header search, the two-row header,
// the numbering row and the list's end made of the input.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"Tên đơn vị,Số điện thoại\nTrường A,0912345678\n",
		"DANH SÁCH;;\n;;\nTên đơn vị;Mã số thuế\nTrường A;0101234567\n",
		"STT;Họ và tên;Liên hệ;;Ghi chú\n;;Điện thoại;Email;\n(1);(2);(3);(4);(5)\n1;An;0912345678;an@x.vn;x\n",
		"STT,Thông tin,\n,Họ và tên,Ngày sinh\nA,B,1,2\n1,An,05/05/1990\nTổng cộng,,\n,Lê Thị Lập,\n",
		"Họ và tên,Điện thoại,\n,Cơ quan,Di động\n\"An\nB\",1,2\n\n,x\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, file string) {
		line := 0
		var end *ListEnd
		for row, err := range ReadCSV(strings.NewReader(file), DefaultMapping()) {
			if err != nil {
				return
			}
			if row.Line <= line {
				t.Fatalf("row %d after row %d", row.Line, line)
			}
			line = row.Line
			if end != nil && row.End != end {
				t.Fatalf("row %d: the list ended at row %d, the row says %v", row.Line, end.Line, row.End)
			}
			end = row.End
			if len(row.Cells) == 0 && len(row.Unheaded) == 0 {
				t.Fatalf("row %d is blank", row.Line)
			}
			for _, c := range row.Cells {
				if c.Header == "" || !slices.Contains(row.Headers, c.Header) || c.Value == "" || c.Value != strings.TrimSpace(c.Value) {
					t.Fatalf("row %d: cell %q under %q, headers %q", row.Line, c.Value, c.Header, row.Headers)
				}
			}
		}
	})
}
