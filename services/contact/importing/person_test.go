package importing

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rapportcrm/rapport/services/contact/party"
)

func TestAFormsConsentColumnsRecordWhenAndWhereTheyWereGiven(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	received := time.Date(2026, 11, 2, 9, 0, 0, 0, ict)
	c := NewChecker(Options{Received: received, Import: "job-7", Location: ict})
	got, problems := c.Person(Row{Line: 5, Cells: []Cell{
		{"Họ và tên", "Trần Thị Hoa"},
		{"Đồng ý nhận Zalo", "x"},
		{"Đồng ý nhận email", "Không"},
		{"Đồng ý gọi điện", "có; 15/10/2026 14:30; hội thảo Bắc Ninh"},
		{"consent:sms", "granted; 2026-10-01T08:00:00Z; phiếu giấy; bản scan"},
		{"Ngày quan trọng", "Ngày cưới: 20/06/2015\nSinh nhật con: Bảo: 2019-03-08"},
	}})
	if problems != nil {
		t.Fatalf("problems: %v", problems)
	}
	// A tick with no time or source was given by the upload, and is traced
	// to the import's row.
	want := map[party.Channel]party.Consent{
		party.ChannelZalo:  {Granted: true, At: received, Source: "import job-7, row 5"},
		party.ChannelEmail: {Granted: false, At: received, Source: "import job-7, row 5"},
		party.ChannelPhone: {Granted: true, At: time.Date(2026, 10, 15, 14, 30, 0, 0, ict), Source: "hội thảo Bắc Ninh"},
		party.ChannelSMS:   {Granted: true, At: time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC), Source: "phiếu giấy; bản scan"},
	}
	for ch, w := range want {
		if g := got.Consents[ch]; g.Granted != w.Granted || !g.At.Equal(w.At) || g.Source != w.Source {
			t.Errorf("consent %s = %+v, want %+v", ch, g, w)
		}
	}
	dates := []party.ImportantDate{{Label: "Ngày cưới", Date: party.Date{Year: 2015, Month: 6, Day: 20}},
		{Label: "Sinh nhật con: Bảo", Date: party.Date{Year: 2019, Month: 3, Day: 8}}}
	if !reflect.DeepEqual(got.ImportantDates, dates) {
		t.Errorf("important dates = %+v, want %+v", got.ImportantDates, dates)
	}
}

func TestBrokenConsentsAndImportantDatesAreReportedInTheirColumns(t *testing.T) {
	c := NewChecker(Options{Received: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)})
	tests := []struct {
		cell Cell
		want string
	}{
		{Cell{"Đồng ý nhận Zalo", "chưa hỏi"}, `holds "chưa hỏi", which is not a consent`},
		{Cell{"Đồng ý nhận SMS", "có; hôm qua"}, `gives "hôm qua" as when the consent was given, which is not a time`},
		{Cell{"consent:email", "granted; 2027-01-01"}, "must not be in the future (it is 2026-11-02 09:00 +00:00 now)"},
		{Cell{"Ngày quan trọng", "Ngày cưới 20/06/2015"}, `holds "Ngày cưới 20/06/2015", which is not an important date`},
		{Cell{"Ngày quan trọng", ": 20/06/2015"}, "which is not an important date"},
		{Cell{"Ngày quan trọng", "Ngày cưới: 31/02/2015"}, "which is not an important date"},
	}
	for _, tt := range tests {
		_, problems := c.Person(Row{Line: 3, Cells: []Cell{{"Họ và tên", "Trần Thị Hoa"}, tt.cell}})
		if len(problems) != 1 || problems[0].Column != tt.cell.Header || !strings.Contains(problems[0].Message, tt.want) {
			t.Errorf("%q: problems %+v, want one in its column saying %q", tt.cell.Value, problems, tt.want)
		}
	}
}
