package oscaltest

import "testing"

func TestRejectsInvalidCatalog(t *testing.T) {
	dir := SchemaDir()
	if dir == "" {
		t.Skip("no schemas")
	}
	bad := []byte(`{"catalog":{"uuid":"not-a-uuid","metadata":{}}}`)
	if err := Check(dir, Catalog, bad); err == nil {
		t.Fatal("invalid catalog accepted")
	}
	good := []byte(`{"catalog":{"uuid":"2f1b6c1e-8f0a-4a57-9a3e-6f5f2d0b9c11","metadata":{"title":"t","last-modified":"2026-11-23T00:00:00Z","version":"1","oscal-version":"1.2.1"}}}`)
	if err := Check(dir, Catalog, good); err != nil {
		t.Fatalf("valid catalog rejected: %v", err)
	}
}
