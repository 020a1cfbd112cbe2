package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aimsgo/iso42001/controls"
	"github.com/aimsgo/iso42001/internal/oscaltest"
)

func TestRunUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage: oscalcheck"},
		{[]string{"-model", "mapping"}, "usage: oscalcheck"},
		{[]string{"-model", "crosswalk", "x.json"}, `unknown model "crosswalk"`},
		{[]string{"-nope"}, "flag provided but not defined"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			if code := run(&out, &errb, tc.args); code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 mentioning %q", code, errb.String(), tc.want)
			}
		})
	}
}

// TestRunMapping validates a crosswalk the SDK exports, and rejects it
// once broken, through the command's own entry point.
func TestRunMapping(t *testing.T) {
	t.Parallel()
	dir := oscaltest.SchemaDir()
	if dir == "" {
		if os.Getenv("ISO42001_REQUIRE_OSCAL") == "1" {
			t.Fatal("OSCAL schemas not found but ISO42001_REQUIRE_OSCAL=1")
		}
		t.Skip("OSCAL schemas not found (../shared/oscal/schemas)")
	}
	var good bytes.Buffer
	if err := controls.ExportOSCALMapping(&good, controls.ISO42001(), controls.FrameworkEUAIAct, nil); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(good.Bytes(), []byte(`"relationship": "intersects-with"`), []byte(`"relationship": "intersects with"`), 1)
	tmp := t.TempDir()
	for _, tc := range []struct {
		name, model string
		doc         []byte
		code        int
		want        string
	}{
		{"good.json", "mapping", good.Bytes(), 0, "good.json: valid OSCAL mapping"},
		{"bad.json", "mapping", bad, 1, "bad.json: invalid OSCAL mapping"},
		{"not-a-catalog.json", "catalog", good.Bytes(), 1, "invalid OSCAL catalog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(tmp, tc.name)
			if err := os.WriteFile(path, tc.doc, 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			code := run(&out, &errb, []string{"-model", tc.model, "-schemas", dir, path})
			if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %.300q; want %d mentioning %q", code, out.String(), errb.String(), tc.code, tc.want)
			}
		})
	}
}
