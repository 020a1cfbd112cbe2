package controls

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// allocated runs f and returns the bytes the process allocated meanwhile
// (parallel tests included, so bounds are generous).
func allocated(f func() error) (uint64, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

// repeatTo repeats unit between head and tail until the whole is about n
// bytes long.
func repeatTo(head, unit, sep, tail string, n int) []byte {
	k := (n - len(head) - len(tail)) / (len(unit) + len(sep))
	return []byte(head + strings.Repeat(unit+sep, k) + unit + tail)
}

func TestDecodersRefuseBombs(t *testing.T) {
	// Not parallel: runtime.MemStats.TotalAlloc counts every goroutine, so
	// the allocations are measured while no other test of the package runs.
	const size = 31 << 20 // under MaxDocumentSize, as a hostile file would be
	decode := func(in []byte) error { _, err := Decode(bytes.NewReader(in)); return err }
	importOSCAL := func(in []byte) error { _, err := ImportOSCAL(bytes.NewReader(in)); return err }
	tests := []struct {
		name   string
		decode func([]byte) error
		in     []byte
		want   string
	}{
		{"Decode: deep arrays", decode, []byte(`{"controls":` + strings.Repeat("[", size)), "input nests deeper than 64 levels"},
		{"Decode: empty controls", decode, repeatTo(`{"controls":[`, "{}", ",", "]}", size), "input has more than 500000 values"},
		{"Decode: many keys", decode, repeatTo(`{"controls":[{"id":"A.2.2",`, `"x":0`, ",", "}]}", size), "input has more than 500000 values"},
		{"Decode: too large", decode, bytes.Repeat([]byte(" "), MaxDocumentSize+1), "document larger than 33554432 bytes"},
		{"ImportOSCAL: empty groups", importOSCAL, repeatTo(`{"catalog":{"groups":[`, "{}", ",", "]}}", size), "input has more than 500000 values"},
		{"ImportOSCAL: nested groups", importOSCAL, []byte(`{"catalog":` + strings.Repeat(`{"groups":[`, size/11)), "input nests deeper than 64 levels"},
		{"ImportOSCAL: long prop lists", importOSCAL, repeatTo(`{"catalog":{"metadata":{"props":[`, `{"name":"a","value":"b"}`, ",", "]}}}", size), "input has more than 500000 values"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			alloc, err := allocated(func() error { return tc.decode(tc.in) })
			t.Logf("%d-byte bomb refused after %d bytes allocated: %v", len(tc.in), alloc, err)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalid mentioning %q", err, tc.want)
			}
			// The input itself is read into memory once (ReadAll doubles
			// its buffer as it grows); nothing else may grow with it.
			if alloc > 100<<20 {
				t.Errorf("refusing it allocated %d bytes, want under 100 MB", alloc)
			}
		})
	}
}

func TestDecodeRefusesBadText(t *testing.T) {
	t.Parallel()
	valid := encoded(t, ISO42001())
	tests := []struct {
		name     string
		in       []byte
		want     []Problem
		viaOSCAL bool
	}{
		{"invalid UTF-8 is not rewritten", bytes.Replace(valid, []byte(`"title": "Policies related to AI"`), []byte("\"title\": \"Policies \xff\""), 1),
			[]Problem{{Path: "objectives[0].title", Message: "invalid UTF-8"}}, false},
		{"line break in a title", bytes.Replace(valid, []byte(`"title": "Policies related to AI"`), []byte(`"title": "Policies\nrelated"`), 1),
			[]Problem{{Path: "objectives[0].title", Message: "must not contain a line break (U+000A at offset 8)"}}, false},
		{"duplicate key", bytes.Replace(valid, []byte(`"title": "Policies related to AI"`), []byte(`"title": "a", "title": "b"`), 1),
			[]Problem{{Path: "objectives[0].title", Message: "duplicate key"}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if bytes.Equal(tc.in, valid) {
				t.Fatal("the test's replacement did not apply; the catalog changed")
			}
			_, err := Decode(bytes.NewReader(tc.in))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Decode = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tc.want, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportOSCALRefusesBadText(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := ExportOSCAL(&buf, ISO42001(), nil); err != nil {
		t.Fatal(err)
	}
	valid := buf.Bytes()
	tests := []struct {
		name, old, new, want string
	}{
		{"invalid UTF-8", `"title": "Context of the organization"`, "\"title\": \"Context \xff\"", "invalid UTF-8"},
		{"line break in a title", `"title": "Context of the organization"`, `"title": "Context\nof"`, "clauses[0].title: must not contain a line break"},
		{"duplicate key", `"title": "Context of the organization"`, `"title": "a", "title": "b"`, "title: duplicate key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := bytes.Replace(valid, []byte(tc.old), []byte(tc.new), 1)
			if bytes.Equal(in, valid) {
				t.Fatal("the test's replacement did not apply; the export changed")
			}
			_, err := ImportOSCAL(bytes.NewReader(in))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ImportOSCAL = %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
}

// BenchmarkDecodeCatalog is Decode of the ISO/IEC 42001 catalog without
// the build step's indexes: the bounded strict decoder alone.
// BenchmarkDecodeCatalogBaseline is json.Unmarshal of the same bytes.
func BenchmarkDecodeCatalog(b *testing.B) {
	b.SetBytes(int64(len(embedded)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeDocument(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCatalogBaseline(b *testing.B) {
	b.SetBytes(int64(len(embedded)))
	b.ReportAllocs()
	for b.Loop() {
		var d Document
		if err := json.Unmarshal(embedded, &d); err != nil {
			b.Fatal(err)
		}
	}
}
