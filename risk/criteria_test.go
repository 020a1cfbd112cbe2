package risk

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/aimsgo/iso42001/aims"
	"github.com/google/go-cmp/cmp"
)

func TestDefaultCriteria(t *testing.T) {
	t.Parallel()
	c := DefaultCriteria()
	if c.LikelihoodLevels() != 5 || c.ConsequenceLevels() != 5 || c.Bands() != 4 {
		t.Fatalf("default criteria are %dx%d with %d bands", c.LikelihoodLevels(), c.ConsequenceLevels(), c.Bands())
	}
	if c.LikelihoodLabel(1) != "rare" || c.LikelihoodLabel(5) != "almost-certain" || c.ConsequenceLabel(1) != "negligible" || c.ConsequenceLabel(5) != "severe" {
		t.Error("default labels changed")
	}
	if c.LikelihoodLabel(0) != "" || c.ConsequenceLabel(6) != "" {
		t.Error("out-of-range labels are not empty")
	}
	tests := []struct {
		score float64
		band  string
	}{{1, "low"}, {4.99, "low"}, {5, "medium"}, {9, "medium"}, {10, "high"}, {16, "high"}, {17, "critical"}, {25, "critical"}}
	for _, tt := range tests {
		lvl, err := c.BandOf(tt.score)
		if err != nil || c.Band(lvl).Name != tt.band {
			t.Errorf("BandOf(%g) = %d, %v, want %s", tt.score, lvl, err, tt.band)
		}
	}
	for _, bad := range []float64{0, 25.5, math.NaN(), math.Inf(1)} {
		if _, err := c.BandOf(bad); !errors.Is(err, aims.ErrInvalid) {
			t.Errorf("BandOf(%g) = %v, want ErrInvalid", bad, err)
		}
	}
	if !c.WithinAppetite(1) || c.WithinAppetite(2) || !c.Acceptable(3) || c.Acceptable(4) || c.Acceptable(0) {
		t.Error("appetite low / tolerance high not applied")
	}
	if diff := cmp.Diff([]aims.Role{aims.RoleTopManagement}, c.AcceptanceRoles(4)); diff != "" {
		t.Errorf("critical acceptance roles (-want +got):\n%s", diff)
	}
	if c.AcceptanceRoles(9) != nil || c.Cell(0, 1) != 0 || c.Level("none") != 0 {
		t.Error("out-of-range lookups are not zero")
	}
	// Spec returns a copy: changing it does not change the criteria.
	s := c.Spec()
	s.Bands[0].Name = "changed"
	if c.Band(1).Name != "low" {
		t.Error("Spec shares memory with the criteria")
	}
}

func TestNewCriteriaProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*CriteriaSpec)
		want   []aims.Problem
	}{
		{"one-level scale and duplicate label", func(s *CriteriaSpec) {
			s.Likelihood.Levels = []Level{{Label: "only"}}
			s.Consequence.Levels[1].Label = "negligible"
		}, []aims.Problem{
			{Path: "likelihood.levels", Rule: "must list at least 2 levels, got 1"},
			{Path: "consequence.levels[1].label", Rule: `duplicate level "negligible"`},
		}},
		{"gap between bands", func(s *CriteriaSpec) { s.Bands[2].Min = 11 }, []aims.Problem{
			{Path: "bands[2].min", Rule: "must equal bands[1].max (10), got 11"},
		}},
		{"bands do not cover the products", func(s *CriteriaSpec) { s.Bands[3].Max = 20 }, []aims.Problem{
			{Path: "bands", Rule: "must cover every likelihood x consequence product 1..25: 25 is outside [1, 20]"},
		}},
		{"unknown appetite, tolerance below appetite", func(s *CriteriaSpec) { s.Appetite = "tiny" }, []aims.Problem{
			{Path: "appetite", Rule: `must name a band, got "tiny"`},
		}},
		{"tolerance below appetite", func(s *CriteriaSpec) { s.Appetite, s.Tolerance = "high", "medium" }, []aims.Problem{
			{Path: "tolerance", Rule: `must not be below the appetite "high", got "medium"`},
		}},
		{"no appetite", func(s *CriteriaSpec) { s.Appetite = "" }, []aims.Problem{
			{Path: "appetite", Rule: "is required: name the highest band accepted without treatment"},
		}},
		{"bad band fields", func(s *CriteriaSpec) {
			s.Bands[0].Name = "lo|w"
			s.Bands[1].Max = math.NaN()
			s.Bands[1].Color = "red"
			s.Bands[1].AcceptedBy = []aims.Role{""}
			s.Appetite = "medium"
		}, []aims.Problem{
			{Path: "bands[0].name", Rule: `must be 1-64 printable bytes without '|', got "lo|w"`},
			{Path: "bands[1]", Rule: "min must be below max, both finite, got [5, NaN]"},
			{Path: "bands[1].acceptedBy[0]", Rule: `must be a role name, got ""`},
			{Path: "bands[1].color", Rule: `must be #rrggbb, got "red"`},
			{Path: "bands[2].min", Rule: "must equal bands[1].max (NaN), got 10"},
		}},
		{"matrix shape and names", func(s *CriteriaSpec) {
			s.Matrix = [][]string{{"low", "low", "low", "low", "low"}, {"low"}, {"low", "low", "low", "low", "blue"}, {"low", "low", "low", "low", "low"}, {"low", "low", "low", "low", "low"}}
		}, []aims.Problem{
			{Path: "matrix[1]", Rule: "must have 5 cells (one per consequence level), got 1"},
			{Path: "matrix[2][4]", Rule: `must name a band, got "blue"`},
		}},
		{"review days and scorer", func(s *CriteriaSpec) {
			s.ReviewDays = -1
			s.Scorer = "\x00"
			s.ScorerConfig = json.RawMessage("{")
		}, []aims.Problem{
			{Path: "reviewDays", Rule: "must be between 0 and 3660, got -1"},
			{Path: "scorer", Rule: `must be a scorer name, got "\x00"`},
			{Path: "scorerConfig", Rule: "must be valid JSON"},
		}},
		{"no bands", func(s *CriteriaSpec) { s.Bands, s.Appetite, s.Tolerance = nil, "", "" }, []aims.Problem{
			{Path: "bands", Rule: "must list at least one band"},
			{Path: "appetite", Rule: "is required: name the highest band accepted without treatment"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := DefaultSpec()
			tt.modify(&spec)
			_, err := NewCriteria(spec)
			var ve *aims.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("NewCriteria = %v, want a validation error", err)
			}
			if diff := cmp.Diff(tt.want, ve.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCriteriaAnySize(t *testing.T) {
	t.Parallel()
	spec := CriteriaSpec{
		Likelihood:  Scale{Name: "likelihood", Levels: []Level{{Label: "low"}, {Label: "medium"}, {Label: "high"}}},
		Consequence: Scale{Name: "impact", Levels: []Level{{Label: "i1"}, {Label: "i2"}, {Label: "i3"}, {Label: "i4"}, {Label: "i5"}, {Label: "i6"}, {Label: "i7"}}},
		Bands:       []Band{{Name: "acceptable", Min: 1, Max: 8}, {Name: "unacceptable", Min: 8, Max: 21}},
		Appetite:    "acceptable",
	}
	c, err := NewCriteria(spec)
	if err != nil {
		t.Fatal(err)
	}
	if c.Cell(3, 7) != 2 || c.Cell(1, 7) != 1 || c.Tolerance() != 2 {
		t.Errorf("3x7 cells: (3,7)=%d (1,7)=%d tolerance %d", c.Cell(3, 7), c.Cell(1, 7), c.Tolerance())
	}
	if _, err := NewMatrix(c).Score(Assessment{Likelihood: 3, Consequence: 8}); err == nil || err.Error() != "invalid: consequence: must be between 1 and 7, got 8" {
		t.Errorf("3x7 out of range = %v", err)
	}
}

func TestSaveLoadCriteria(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	got, err := LoadCriteria(ctx, f.ws)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultSpec(), got.Spec()); diff != "" {
		t.Errorf("loaded spec (-want +got):\n%s", diff)
	}
	spec := DefaultSpec()
	spec.Appetite, spec.Scorer = "medium", "lxc"
	c2, err := NewCriteria(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := SaveCriteria(ctx, f.ws, admin, c2); err != nil {
		t.Fatal(err)
	}
	got, err = LoadCriteria(ctx, f.ws)
	if err != nil {
		t.Fatal(err)
	}
	if got.Band(got.Appetite()).Name != "medium" {
		t.Errorf("appetite after update = %s", got.Band(got.Appetite()).Name)
	}
	s, err := Builtins().ForCriteria(got)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*LxC); !ok {
		t.Errorf("scorer of saved criteria = %T, want *LxC", s)
	}
	empty := newFixture(t)
	if err := empty.ws.Store().Delete(ctx, empty.ws.Tenant(), KindCriteria, CriteriaID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCriteria(ctx, empty.ws); !errors.Is(err, aims.ErrNotFound) {
		t.Errorf("LoadCriteria on an empty workspace = %v, want ErrNotFound", err)
	}
}

func TestDecodeCriteria(t *testing.T) {
	t.Parallel()
	data, err := json.Marshal(DefaultSpec())
	if err != nil {
		t.Fatal(err)
	}
	c, err := DecodeCriteria(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultSpec(), c.Spec()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"appetite":"low","extra":1}`, `[]`, `{"bands":[{"name":"x","min":"a"}]}`, ``} {
		if _, err := DecodeCriteria([]byte(bad)); !errors.Is(err, aims.ErrInvalid) {
			t.Errorf("DecodeCriteria(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

// FuzzDecodeCriteria: decoding any bytes never panics, and criteria that
// decode survive a JSON round trip unchanged and score their own cells.
func FuzzDecodeCriteria(f *testing.F) {
	def, _ := json.Marshal(DefaultSpec())
	f.Add(def)
	small, _ := json.Marshal(CriteriaSpec{
		Likelihood:  Scale{Levels: []Level{{Label: "a"}, {Label: "b"}}},
		Consequence: Scale{Levels: []Level{{Label: "c"}, {Label: "d"}}},
		Bands:       []Band{{Name: "ok", Min: 0, Max: 2}, {Name: "bad", Min: 2, Max: 4}},
		Appetite:    "ok", Matrix: [][]string{{"ok", "ok"}, {"ok", "bad"}},
	})
	f.Add(small)
	f.Add([]byte(`{"bands":[{"name":"x","min":1e308,"max":1.7976931348623157e308}],"appetite":"x"}`))
	f.Add([]byte(`{"likelihood":{"levels":[{"label":"a"},{"label":"a"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCriteria(data)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		again, err := json.Marshal(c.Spec())
		if err != nil {
			t.Fatal(err)
		}
		c2, err := DecodeCriteria(again)
		if err != nil {
			t.Fatalf("re-decoding valid criteria: %v", err)
		}
		if diff := cmp.Diff(c.Spec(), c2.Spec()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		m := NewMatrix(c)
		for l := 1; l <= c.LikelihoodLevels(); l++ {
			for k := 1; k <= c.ConsequenceLevels(); k++ {
				s, err := m.Score(Assessment{Likelihood: l, Consequence: k})
				if err != nil || s.Level() < 1 || s.Level() > c.Bands() {
					t.Fatalf("Score(%d,%d) = %+v, %v", l, k, s, err)
				}
			}
		}
	})
}
