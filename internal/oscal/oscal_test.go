package oscal

import (
	"regexp"
	"testing"
)

func TestNewUUIDv5(t *testing.T) {
	t.Parallel()
	// RFC 9562 / Python uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
	if got, want := NewUUIDv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d"; got != want {
		t.Errorf("NewUUIDv5 = %s, want %s", got, want)
	}
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if u := UUID("x"); !re.MatchString(u) || u != UUID("x") || u == UUID("y") {
		t.Errorf("UUID(x) = %s: not a stable v5 UUID", u)
	}
}

func TestValidToken(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"a.6.2.8": true, "A.6.2.8": true, "c-6.1.2": true, "6.1.2": false, "": false, "a b": false} {
		if got := ValidToken(s); got != want {
			t.Errorf("ValidToken(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestSupportedVersion(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"1.2.1": true, "1.1.2": true, "1.0.4": false, "2.0.0": false} {
		if got := SupportedVersion(s); got != want {
			t.Errorf("SupportedVersion(%q) = %v, want %v", s, got, want)
		}
	}
}
