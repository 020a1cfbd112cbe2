package impact

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestScheduleAppliesFrom(t *testing.T) {
	t.Parallel()
	published, amended := asPublished(), asAmended()
	for _, tt := range []struct {
		ref                 string
		published, amended  time.Time // zero: no day
		publishedBasisStart string
	}{
		{"Art. 5(1)(a)", day0(2025, 2, 2), day0(2025, 2, 2), "Art. 113(a)"},
		{"Article 5(1)(f)", day0(2025, 2, 2), day0(2025, 2, 2), "Art. 113(a)"},
		{"Art. 4", day0(2025, 2, 2), day0(2025, 2, 2), "Art. 113(a)"},
		{"Art. 5, Art. 99(3)", day0(2025, 2, 2), day0(2025, 2, 2), "Art. 113(a)"},
		{"Art. 53(1)(c)", day0(2025, 8, 2), day0(2025, 8, 2), "Art. 113(b)"},
		{"Art. 52(1)", day0(2025, 8, 2), day0(2025, 8, 2), "Art. 113(b)"},
		{"Art. 99(3)", day0(2025, 8, 2), day0(2025, 8, 2), "Art. 113(b)"},
		{"Art. 101", day0(2026, 8, 2), day0(2026, 8, 2), "Art. 113, second paragraph"},
		{"Art. 50(2)", day0(2026, 8, 2), day0(2026, 8, 2), "Art. 113, second paragraph"},
		{"Art. 49(2)", day0(2026, 8, 2), day0(2026, 8, 2), "Art. 113, second paragraph"},
		{"Art. 6(5)", day0(2026, 8, 2), day0(2026, 8, 2), "Art. 113, second paragraph"},
		{"Art. 6(2), Annex III point 5(b)", day0(2026, 8, 2), day0(2027, 12, 2), "Art. 113, second paragraph"},
		{"Art. 6(3)(a)", day0(2026, 8, 2), day0(2027, 12, 2), "Art. 113, second paragraph"},
		{"Art. 6(3), third subparagraph", day0(2026, 8, 2), day0(2027, 12, 2), "Art. 113, second paragraph"},
		{"Art. 9", day0(2026, 8, 2), day0(2027, 12, 2), "Art. 113, second paragraph"},
		{"Art. 26", day0(2026, 8, 2), day0(2027, 12, 2), "Art. 113, second paragraph"},
		{"Annex III point 7(d)", day0(2026, 8, 2), day0(2027, 12, 2), "Art. 113, second paragraph"},
		{"Art. 6(1), Annex I", day0(2027, 8, 2), day0(2028, 8, 2), "Art. 113(c)"},
		{"Annex I", day0(2027, 8, 2), day0(2028, 8, 2), "Art. 113(c)"},
		{"Annex IV", time.Time{}, time.Time{}, ""},
		{"", time.Time{}, time.Time{}, ""},
		{"GDPR recital 71", time.Time{}, time.Time{}, ""},
	} {
		t.Run(tt.ref, func(t *testing.T) {
			t.Parallel()
			for _, c := range []struct {
				sch  *Schedule
				want time.Time
			}{{published, tt.published}, {amended, tt.amended}} {
				m, ok := c.sch.AppliesFrom(tt.ref)
				if ok != !c.want.IsZero() || !m.From.Equal(c.want) {
					t.Errorf("%s: AppliesFrom(%q) = %s, %v; want %s", c.sch.Version(), tt.ref, m.From.Format(time.DateOnly), ok, c.want.Format(time.DateOnly))
				}
			}
			if m, _ := published.AppliesFrom(tt.ref); m.Basis != tt.publishedBasisStart {
				t.Errorf("basis = %q, want %q", m.Basis, tt.publishedBasisStart)
			}
		})
	}
}

func TestSchedulesText(t *testing.T) {
	t.Parallel()
	all := EUAIActSchedules()
	var got []string
	for _, s := range all {
		got = append(got, s.Version()+": "+s.Text().String())
	}
	want := []string{
		"2024/1689: Regulation (EU) 2024/1689 (OJ L, 12.7.2024)",
		"2024/1689+2026/1744: Regulation (EU) 2024/1689 (OJ L, 12.7.2024) as amended by Regulation (EU) 2026/1744",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schedules (-want +got):\n%s", diff)
	}
	if EUAIActSchedule() != all[len(all)-1] {
		t.Error("EUAIActSchedule is not the newest schedule")
	}
	cur := EUAIActSchedule().Text()
	if cur.ELI != "http://data.europa.eu/eli/reg/2024/1689/oj" || !cur.InForce.Equal(day0(2024, 8, 1)) {
		t.Errorf("text = %+v, want the ELI of 2024/1689 and entry into force on 2024-08-01", cur)
	}
	if a := cur.Amendments[0]; !a.InForce.Equal(day0(2026, 7, 27)) || a.Published != "OJ L, 24.7.2026" {
		t.Errorf("amendment = %+v", a)
	}
	// The schedule is immutable: callers get copies.
	cur.Amendments[0].Act = "changed"
	EUAIActSchedule().Milestones()[0].Label = "changed"
	if EUAIActSchedule().Text().Amendments[0].Act != "Regulation (EU) 2026/1744" || EUAIActSchedule().Milestones()[0].Label == "changed" {
		t.Error("a caller changed the shared schedule")
	}
	for _, s := range all {
		ms := s.Milestones()
		if !slices.IsSortedFunc(ms, func(a, b Milestone) int { return a.From.Compare(b.From) }) {
			t.Errorf("%s: milestones are not in order", s.Version())
		}
	}
}

// TestBuiltinScreeningDated checks that every rule and obligation of the
// built-in screening cites a provision the schedule dates, but the rule
// that says nothing applies.
func TestBuiltinScreeningDated(t *testing.T) {
	t.Parallel()
	f, err := Builtin(EUAIActID)
	if err != nil {
		t.Fatal(err)
	}
	q := f.Questionnaire()
	sch := EUAIActSchedule()
	check := func(what, ref string) {
		if _, ok := sch.AppliesFrom(ref); !ok {
			t.Errorf("%s cites %q, which the schedule does not date", what, ref)
		}
	}
	for _, o := range q.Outcomes {
		for _, ob := range o.Obligations {
			check("outcome "+o.ID+" obligation "+ob.ID, ob.Reference)
		}
	}
	for _, r := range q.Rules {
		check("rule "+r.ID, r.Reference)
		for _, ob := range r.Obligations {
			check("rule "+r.ID+" obligation "+ob.ID, ob.Reference)
		}
	}
	if q.Default == nil || q.Default.Reference != "" {
		t.Errorf("default rule = %+v, want one that cites nothing", q.Default)
	}
	if !strings.HasPrefix(q.Version, "2026.") {
		t.Errorf("questionnaire version %q was not bumped for the 2026 rules", q.Version)
	}
}

func TestScreeningRecordsRules(t *testing.T) {
	t.Parallel()
	s, err := Screen(creditScreening())
	if err != nil {
		t.Fatal(err)
	}
	want := &RulesVersion{Questionnaire: "eu-ai-act-screening@2026.1", Schedule: "2024/1689+2026/1744", Text: EUAIActSchedule().Text()}
	if diff := cmp.Diff(want, s.Rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

func TestScreeningDatesFollowSchedule(t *testing.T) {
	t.Parallel()
	f, err := Builtin(EUAIActID)
	if err != nil {
		t.Fatal(err)
	}
	annexI := with(benign("provider"), "annex-i-product", BoolValue(true), "annex-i-third-party", BoolValue(true))
	for _, tt := range []struct {
		name    string
		sch     *Schedule
		answers Answers
		from    time.Time
		art9    time.Time
	}{
		{"Annex III as published", asPublished(), creditScreening(), day0(2026, 8, 2), day0(2026, 8, 2)},
		{"Annex III as amended", asAmended(), creditScreening(), day0(2027, 12, 2), day0(2027, 12, 2)},
		{"Annex I as published", asPublished(), annexI, day0(2027, 8, 2), day0(2027, 8, 2)},
		{"Annex I as amended", asAmended(), annexI, day0(2028, 8, 2), day0(2028, 8, 2)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := screenWith(f, tt.sch, tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			if !s.From.Equal(tt.from) {
				t.Errorf("from = %s, want %s", s.From.Format(time.DateOnly), tt.from.Format(time.DateOnly))
			}
			var art9 time.Time
			for _, a := range s.Applies {
				if a.Obligation == "art-9" {
					art9 = a.From
				}
			}
			if !art9.Equal(tt.art9) {
				t.Errorf("art-9 from %s, want %s", art9.Format(time.DateOnly), tt.art9.Format(time.DateOnly))
			}
			if s.Rules.Schedule != tt.sch.Version() {
				t.Errorf("rules schedule = %q, want %q", s.Rules.Schedule, tt.sch.Version())
			}
		})
	}
}

func TestScreeningPendingAndStarting(t *testing.T) {
	t.Parallel()
	s, err := Screen(creditScreening())
	if err != nil {
		t.Fatal(err)
	}
	ids := func(as []Applicability) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Obligation)
		}
		return out
	}
	highRisk := []string{"art-9", "art-10", "art-11", "art-12", "art-13", "art-14", "art-15", "art-17", "art-43", "art-47", "art-48", "art-49", "art-72", "art-73"}
	for _, tt := range []struct {
		name string
		got  []string
		want []string
	}{
		{"pending on 2026-12-01", ids(s.Pending(day0(2026, 12, 1))), highRisk},
		{"pending on 2027-12-02", ids(s.Pending(day0(2027, 12, 2))), nil},
		{"pending before AI literacy applied", ids(s.Pending(day0(2025, 1, 1))), append(slices.Clone(highRisk), "art-4")},
		{"starting in 2026", ids(s.Starting(day0(2026, 1, 1), day0(2026, 12, 31))), nil},
		{"starting up to the Annex III day", ids(s.Starting(day0(2026, 1, 1), day0(2027, 12, 2))), highRisk},
		{"starting after the Annex III day", ids(s.Starting(day0(2027, 12, 2), day0(2030, 1, 1))), nil},
	} {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
