package risk

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/aimsgo/iso42001/aims"
)

// TestReportStreams: Report.WriteJSON renders a risk at a time with the
// bytes of json.MarshalIndent of the whole report, and the register's
// streaming writers give the bytes of Report followed by WriteJSON or
// WriteCSV, for an empty register, one risk and the golden register.
func TestReportStreams(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	check := func(name string) {
		t.Helper()
		rep, err := f.reg.Report(ctx)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		whole = append(whole, '\n')
		var got bytes.Buffer
		if err := rep.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole, got.Bytes()) {
			t.Errorf("%s: WriteJSON differs from MarshalIndent:\n%s\nwant:\n%s", name, got.Bytes(), whole)
		}
		var stream bytes.Buffer
		if err := f.reg.WriteReportJSON(ctx, &stream); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole, stream.Bytes()) {
			t.Errorf("%s: WriteReportJSON differs from the report's JSON:\n%s\nwant:\n%s", name, stream.Bytes(), whole)
		}
		var csvWhole, csvStream bytes.Buffer
		if err := rep.WriteCSV(&csvWhole); err != nil {
			t.Fatal(err)
		}
		if err := f.reg.WriteReportCSV(ctx, &csvStream); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(csvWhole.Bytes(), csvStream.Bytes()) {
			t.Errorf("%s: WriteReportCSV differs from the report's CSV:\n%s\nwant:\n%s", name, csvStream.Bytes(), csvWhole.Bytes())
		}
	}
	check("empty register")
	rk := driftRisk()
	rk.Title = `Drift <script>&"quotes"`
	if err := f.reg.Add(ctx, alice, rk); err != nil {
		t.Fatal(err)
	}
	check("one risk with HTML characters")
	f2 := newFixture(t)
	f2.populate(t)
	f = f2
	check("golden register")
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, aims.ErrInvalid }

func TestReportStreamWriteError(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	if err := f.reg.WriteReportJSON(t.Context(), failWriter{}); err == nil {
		t.Error("WriteReportJSON to a failing writer succeeded")
	}
	if err := f.reg.WriteReportCSV(t.Context(), failWriter{}); err == nil {
		t.Error("WriteReportCSV to a failing writer succeeded")
	}
}
