package controls

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func encoded(t testing.TB, c *Catalog) []byte {
	var b bytes.Buffer
	if err := Encode(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func FuzzDecode(f *testing.F) {
	real := encoded(f, ISO42001())
	f.Add(real)
	f.Add(encoded(f, mergedForTest(f)))
	f.Add(real[:len(real)/2])
	f.Add([]byte(strings.Replace(string(real), `"A.6.2.8"`, `"A.99"`, 1)))
	f.Add([]byte(strings.Replace(string(real), `"plan"`, `"later"`, 1)))
	f.Add([]byte(`{"kind":"ControlCatalog","schemaVersion":"1","id":"x","title":"x","version":"1"}`))
	f.Add([]byte(`{"controls":[{"extra":1}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		again, err := Decode(bytes.NewReader(encoded(t, c)))
		if err != nil {
			t.Fatalf("re-decode of an encoded catalog failed: %v", err)
		}
		if diff := cmp.Diff(c.Document(), again.Document()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

func FuzzImportOSCAL(f *testing.F) {
	var b bytes.Buffer
	if err := ExportOSCAL(&b, mergedForTest(f), nil); err != nil {
		f.Fatal(err)
	}
	real := b.Bytes()
	f.Add(real)
	f.Add(real[:len(real)/3])
	f.Add([]byte(strings.Replace(string(real), `"1.2.1"`, `"1.1.2"`, 1)))
	f.Add([]byte(strings.Replace(string(real), `"#a.2.4"`, `"#a.2.99"`, 1)))
	f.Add([]byte(`{"catalog":{"uuid":"x","metadata":{"oscal-version":"1.2.1"}}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ImportOSCAL(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := ExportOSCAL(&out, c, nil); err != nil {
			t.Fatalf("export of an imported catalog failed: %v", err)
		}
		again, err := ImportOSCAL(&out)
		if err != nil {
			t.Fatalf("re-import failed: %v", err)
		}
		if diff := cmp.Diff(c.Document(), again.Document()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
