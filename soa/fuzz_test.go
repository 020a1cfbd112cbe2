package soa_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/soa"
	"github.com/google/go-cmp/cmp"
)

// FuzzDecode feeds arbitrary bytes to the three decoders. Oracles: no
// panic; every error says which decoder failed; a decoded SoA survives
// validation and every renderer, and encodes and decodes back to itself.
func FuzzDecode(f *testing.F) {
	s, err := soa.Generate(f.Context(), lenderInputs(f))
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := soa.Encode(&b, s); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	in := lenderInputs(f)
	for _, v := range []any{in.Decisions[0], in.Obligations[3], in.Implementations[0]} {
		raw, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte(`{"number":1,"title":"t","catalog":"c","entries":[{"control":"A.2.2","origin":"annex-a","applicable":false,"justification":"","evidence":[{"uri":"x","sha256":"00"}]}]}`))
	f.Add([]byte(`{"control":"A.7.4","choice":"exclude","reason":"r"} {}`))
	f.Add([]byte(`{"id":"OBL-1","type":"legal","title":"t","controls":["A.6.2.8"],"extra":1}`))
	f.Add([]byte(`{"number":"1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkErr := func(err error, prefix string) {
			if err != nil && !strings.HasPrefix(err.Error(), prefix) {
				t.Fatalf("error %q does not start with %q", err, prefix)
			}
		}
		_, err := soa.DecodeDecision(bytes.NewReader(data))
		checkErr(err, "soa: decode")
		_, err = soa.DecodeObligation(bytes.NewReader(data))
		checkErr(err, "soa: decode")
		got, err := soa.Decode(bytes.NewReader(data))
		checkErr(err, "soa: decode")
		if err != nil {
			return
		}
		_ = soa.Validate(got)
		for _, format := range soa.Formats() {
			if err := soa.Render(io.Discard, got, format); err != nil && format != soa.FormatOSCAL {
				t.Fatalf("render %s: %v", format, err)
			}
		}
		var out bytes.Buffer
		if err := soa.Encode(&out, got); err != nil {
			t.Fatal(err)
		}
		back, err := soa.Decode(&out)
		if err != nil {
			t.Fatalf("re-decoding our own encoding: %v\n%s", err, out.String())
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
