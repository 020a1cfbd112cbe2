package impact

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// benign answers every always-shown question of the screening with "no" or
// "none", so that each case states only what makes it different.
func benign(role ...string) Answers {
	if len(role) == 0 {
		role = []string{"provider"}
	}
	return Answers{
		"role":                        ListValue(role...),
		"manipulation":                BoolValue(false),
		"exploits-vulnerabilities":    BoolValue(false),
		"social-scoring":              BoolValue(false),
		"crime-prediction":            BoolValue(false),
		"face-scraping":               BoolValue(false),
		"emotion-recognition":         BoolValue(false),
		"sensitive-categorisation":    BoolValue(false),
		"realtime-rbi":                BoolValue(false),
		"annex-i-product":             BoolValue(false),
		"annex-iii":                   ListValue("none"),
		"interacts-with-people":       BoolValue(false),
		"generates-synthetic-content": BoolValue(false),
		"biometric-categorisation":    BoolValue(false),
		"deep-fake":                   BoolValue(false),
		"public-interest-text":        BoolValue(false),
		"gpai-model":                  BoolValue(false),
	}
}

func with(a Answers, kv ...any) Answers {
	out := maps.Clone(a)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1].(Value)
	}
	return out
}

// day0 is midnight UTC of a day, as schedules write application days.
func day0(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestScreenWorkedCases(t *testing.T) {
	t.Parallel()
	annexIII, annexI := day0(2027, time.December, 2), day0(2028, time.August, 2)
	for _, tt := range []struct {
		name     string
		answers  Answers
		tier     Tier
		decisive []string // references of the decisive reasons, "(none)" for none
		alsoRefs []string // other references that must be present
		duties   []string // obligation ids that must be present
		noDuties []string // obligation ids that must be absent
		from     time.Time
		dutyFrom map[string]time.Time // application day of some duties
	}{
		{
			name: "creditworthiness model, provider",
			answers: with(benign("provider"), "annex-iii", ListValue("5b"),
				"derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 5(b)"},
			alsoRefs: []string{"Art. 4"},
			duties:   []string{"art-9", "art-10", "art-11", "art-12", "art-13", "art-14", "art-15", "art-17", "art-43", "art-47", "art-48", "art-49", "art-72", "art-73", "art-4"},
			noDuties: []string{"art-26", "art-27", "art-49-5"},
			from:     annexIII,
			dutyFrom: map[string]time.Time{"art-9": annexIII, "art-49": annexIII, "art-4": day0(2025, time.February, 2)},
		},
		{
			name: "creditworthiness model, deployer bank",
			answers: with(benign("deployer"), "public-service", BoolValue(false), "annex-iii", ListValue("5b"),
				"derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 5(b)"},
			duties:   []string{"art-26", "art-27", "art-4"},
			noDuties: []string{"art-9", "art-43"},
			dutyFrom: map[string]time.Time{"art-26": annexIII, "art-27": annexIII},
		},
		{
			name: "CV-screening tool",
			answers: with(benign("provider", "deployer"), "public-service", BoolValue(false), "annex-iii", ListValue("4a"),
				"derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 4(a)"},
			duties:   []string{"art-9", "art-26", "art-49"},
			noDuties: []string{"art-27"},
		},
		{
			name: "public body deploying a CV-screening tool owes a FRIA",
			answers: with(benign("deployer"), "public-service", BoolValue(true), "annex-iii", ListValue("4a"),
				"derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 4(a)"},
			duties:   []string{"art-26", "art-27"},
		},
		{
			name: "public body deploying a critical-infrastructure component owes no FRIA",
			answers: with(benign("deployer"), "public-service", BoolValue(true), "annex-iii", ListValue("2"),
				"derogation", ListValue("none"), "profiling", BoolValue(false)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 2"},
			duties:   []string{"art-26"},
			noDuties: []string{"art-27"},
		},
		{
			name: "critical-infrastructure component registers at national level",
			answers: with(benign("provider"), "annex-iii", ListValue("2"),
				"derogation", ListValue("none"), "profiling", BoolValue(false)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 2"},
			duties:   []string{"art-9", "art-49-5"},
			noDuties: []string{"art-49"},
		},
		{
			name: "emotion recognition of employees",
			answers: with(benign("deployer"), "public-service", BoolValue(false), "emotion-recognition", BoolValue(true),
				"emotion-workplace-education", BoolValue(true), "emotion-medical-safety", BoolValue(false),
				"annex-iii", ListValue("1c"), "derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierProhibited,
			decisive: []string{"Art. 5(1)(f)"},
			alsoRefs: []string{"Art. 6(2), Annex III point 1(c)", "Art. 50(3)"},
			duties:   []string{"art-5-cease"},
			noDuties: []string{"art-26", "art-50-3", "art-4"},
			from:     day0(2025, time.February, 2),
			dutyFrom: map[string]time.Time{"art-5-cease": day0(2025, time.February, 2)},
		},
		{
			name: "emotion recognition for pilot safety is not prohibited",
			answers: with(benign("deployer"), "public-service", BoolValue(false), "emotion-recognition", BoolValue(true),
				"emotion-workplace-education", BoolValue(true), "emotion-medical-safety", BoolValue(true),
				"annex-iii", ListValue("1c"), "derogation", ListValue("none"), "profiling", BoolValue(false)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 1(c)"},
			alsoRefs: []string{"Art. 50(3)"},
			duties:   []string{"art-26", "art-50-3"},
			dutyFrom: map[string]time.Time{"art-26": annexIII, "art-50-3": day0(2026, time.August, 2)},
		},
		{
			name:     "customer-service chatbot",
			answers:  with(benign("provider", "deployer"), "public-service", BoolValue(false), "interacts-with-people", BoolValue(true), "interaction-obvious", BoolValue(false)),
			tier:     TierTransparency,
			decisive: []string{"Art. 50(1)"},
			duties:   []string{"art-50-1", "art-4"},
			noDuties: []string{"art-9", "art-26"},
			from:     day0(2026, time.August, 2),
		},
		{
			name:     "spam filter: nothing applies, and no article is cited for it",
			answers:  with(benign("provider", "deployer"), "public-service", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"(none)"},
			alsoRefs: []string{"Art. 4"},
			duties:   []string{"art-4"},
		},
		{
			name: "derogation (a): narrow procedural task",
			answers: with(benign("provider"), "annex-iii", ListValue("4a"),
				"derogation", ListValue("narrow-procedural-task"), "profiling", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"Art. 6(3)(a)"},
			alsoRefs: []string{"Art. 6(4)"},
			duties:   []string{"art-6-4", "art-49-2"},
			noDuties: []string{"art-9", "art-49"},
			from:     annexIII,
			dutyFrom: map[string]time.Time{"art-6-4": annexIII, "art-49-2": annexIII},
		},
		{
			name: "derogation (b): improves a completed human activity",
			answers: with(benign("provider"), "annex-iii", ListValue("3b"),
				"derogation", ListValue("improves-human-activity"), "profiling", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"Art. 6(3)(b)"},
			duties:   []string{"art-6-4", "art-49-2"},
		},
		{
			name: "derogation (c): detects decision patterns",
			answers: with(benign("provider"), "annex-iii", ListValue("5a"),
				"derogation", ListValue("detects-patterns"), "profiling", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"Art. 6(3)(c)"},
			duties:   []string{"art-6-4"},
		},
		{
			name: "derogation (d): preparatory task, deployer owes no provider duty",
			answers: with(benign("deployer"), "public-service", BoolValue(false), "annex-iii", ListValue("8a"),
				"derogation", ListValue("preparatory-task"), "profiling", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"Art. 6(3)(d)"},
			noDuties: []string{"art-6-4", "art-49-2", "art-26"},
		},
		{
			name: "two derogation points are both cited",
			answers: with(benign("provider"), "annex-iii", ListValue("4a"),
				"derogation", ListValue("narrow-procedural-task", "preparatory-task"), "profiling", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"Art. 6(3)(a)", "Art. 6(3)(d)"},
			duties:   []string{"art-6-4", "art-49-2"},
		},
		{
			name: "profiling voids the derogation",
			answers: with(benign("provider"), "annex-iii", ListValue("4a"),
				"derogation", ListValue("narrow-procedural-task"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 4(a)", "Art. 6(3), third subparagraph"},
			duties:   []string{"art-9", "art-49"},
			noDuties: []string{"art-6-4", "art-49-2"},
		},
		{
			name:     "exclusion 1(a): biometric verification only",
			answers:  with(benign("provider"), "annex-iii", ListValue("1a-verification")),
			tier:     TierMinimal,
			decisive: []string{"Annex III point 1(a)"},
			noDuties: []string{"art-9", "art-6-4", "art-49", "art-49-2"},
		},
		{
			name:     "exclusion 5(b): financial fraud detection",
			answers:  with(benign("provider"), "annex-iii", ListValue("5b-fraud")),
			tier:     TierMinimal,
			decisive: []string{"Annex III point 5(b)"},
			noDuties: []string{"art-9", "art-6-4", "art-49"},
		},
		{
			name:     "exclusion 7(d): travel-document verification",
			answers:  with(benign("provider"), "annex-iii", ListValue("7d-travel-documents")),
			tier:     TierMinimal,
			decisive: []string{"Annex III point 7(d)"},
			noDuties: []string{"art-9", "art-6-4", "art-49"},
		},
		{
			name:     "exclusion 8(b): campaign logistics tool",
			answers:  with(benign("provider"), "annex-iii", ListValue("8b-campaign-logistics")),
			tier:     TierMinimal,
			decisive: []string{"Annex III point 8(b)"},
			noDuties: []string{"art-9", "art-6-4", "art-49"},
		},
		{
			name: "an exclusion does not relieve another listed use",
			answers: with(benign("provider"), "annex-iii", ListValue("5b", "5b-fraud"),
				"derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III point 5(b)"},
			alsoRefs: []string{"Annex III point 5(b)"},
			duties:   []string{"art-9", "art-49"},
		},
		{
			name:     "an excluded use with a transparency duty",
			answers:  with(benign("provider"), "annex-iii", ListValue("8b-campaign-logistics"), "generates-synthetic-content", BoolValue(true)),
			tier:     TierTransparency,
			decisive: []string{"Art. 50(2)"},
			alsoRefs: []string{"Annex III point 8(b)"},
			duties:   []string{"art-50-2"},
		},
		{
			name:     "Annex I medical device: no EU database registration, later application day",
			answers:  with(benign("provider", "deployer"), "public-service", BoolValue(true), "annex-i-product", BoolValue(true), "annex-i-third-party", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(1), Annex I"},
			duties:   []string{"art-9", "art-43", "art-26"},
			noDuties: []string{"art-49", "art-49-5", "art-27"},
			from:     annexI,
			dutyFrom: map[string]time.Time{"art-9": annexI, "art-26": annexI, "art-72": annexI},
		},
		{
			name: "Annex I product that is also an Annex III use follows the earlier day",
			answers: with(benign("provider"), "annex-i-product", BoolValue(true), "annex-i-third-party", BoolValue(true),
				"annex-iii", ListValue("5d"), "derogation", ListValue("none"), "profiling", BoolValue(false)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(1), Annex I", "Art. 6(2), Annex III point 5(d)"},
			duties:   []string{"art-9", "art-49"},
			from:     annexIII,
			dutyFrom: map[string]time.Time{"art-9": annexIII},
		},
		{
			name: "general-purpose model above 10^25 FLOP",
			answers: with(benign("provider"), "gpai-model", BoolValue(true), "gpai-training-flop", TextValue("3e25"),
				"gpai-designated", BoolValue(false), "gpai-open-source", BoolValue(true), "generates-synthetic-content", BoolValue(true)),
			tier:     TierTransparency,
			decisive: []string{"Art. 50(2)"},
			alsoRefs: []string{"Art. 53", "Art. 51(2)"},
			duties:   []string{"art-50-2", "art-52", "art-55", "art-53-1-c", "art-53-1-systemic"},
			noDuties: []string{"art-53-1"},
			dutyFrom: map[string]time.Time{"art-52": day0(2025, time.August, 2), "art-53-1-c": day0(2025, time.August, 2)},
		},
		{
			name: "general-purpose model at exactly 10^25 FLOP is not presumed systemic",
			answers: with(benign("provider"), "gpai-model", BoolValue(true), "gpai-training-flop", NumberValue(1e25),
				"gpai-designated", BoolValue(false), "gpai-open-source", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"(none)"},
			alsoRefs: []string{"Art. 53"},
			duties:   []string{"art-53-1", "art-53-1-c", "art-53-1-d"},
			noDuties: []string{"art-52", "art-55", "art-53-1-systemic"},
		},
		{
			name: "general-purpose model just above 10^25 FLOP",
			answers: with(benign("provider"), "gpai-model", BoolValue(true), "gpai-training-flop", NumberValue(math.Nextafter(1e25, math.Inf(1))),
				"gpai-designated", BoolValue(false), "gpai-open-source", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"(none)"},
			alsoRefs: []string{"Art. 51(2)"},
			duties:   []string{"art-52", "art-55"},
		},
		{
			name: "general-purpose model designated by the Commission",
			answers: with(benign("provider"), "gpai-model", BoolValue(true), "gpai-training-flop", NumberValue(2e24),
				"gpai-designated", BoolValue(true), "gpai-open-source", BoolValue(true)),
			tier:     TierMinimal,
			decisive: []string{"(none)"},
			alsoRefs: []string{"Art. 51(1)(b)"},
			duties:   []string{"art-55", "art-53-1-systemic"},
			noDuties: []string{"art-52", "art-53-1"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Screen(tt.answers)
			if err != nil {
				t.Fatal(err)
			}
			if s.Tier != tt.tier {
				t.Errorf("tier = %s, want %s; reasons %v", s.Tier, tt.tier, s.References())
			}
			if diff := cmp.Diff(tt.decisive, decisiveRefs(s)); diff != "" {
				t.Errorf("decisive references (-want +got):\n%s", diff)
			}
			for _, ref := range tt.alsoRefs {
				if !slices.Contains(s.References(), ref) {
					t.Errorf("reasons lack %q: %v", ref, s.References())
				}
			}
			if slices.Contains(s.References(), "Art. 95") {
				t.Errorf("a reason cites Art. 95, which decides nothing: %v", s.References())
			}
			ids := dutyIDs(s)
			for _, id := range tt.duties {
				if !slices.Contains(ids, id) {
					t.Errorf("obligations lack %s: %v", id, ids)
				}
			}
			for _, id := range tt.noDuties {
				if slices.Contains(ids, id) {
					t.Errorf("obligations hold %s, want it absent: %v", id, ids)
				}
			}
			if !tt.from.IsZero() && !s.From.Equal(tt.from) {
				t.Errorf("tier applies from %s, want %s", s.From.Format(time.DateOnly), tt.from.Format(time.DateOnly))
			}
			from := map[string]time.Time{}
			for _, a := range s.Applies {
				from[a.Obligation] = a.From
			}
			for id, want := range tt.dutyFrom {
				if got := from[id]; !got.Equal(want) {
					t.Errorf("%s applies from %s, want %s", id, got.Format(time.DateOnly), want.Format(time.DateOnly))
				}
			}
			if len(s.Applies) != len(s.Obligations) {
				t.Errorf("%d of %d obligations dated: %v", len(s.Applies), len(s.Obligations), s.Applies)
			}
			if !strings.Contains(s.Notice, "not legal advice") {
				t.Errorf("notice %q does not say it is not legal advice", s.Notice)
			}
			for _, r := range s.Reasons {
				if r.Decisive && r.Rule != "no-trigger" && len(r.Trace) == 0 {
					t.Errorf("decisive reason %s is not traced to any answer", r.Rule)
				}
			}
		})
	}
}

func TestScreenTraceNamesAnswers(t *testing.T) {
	t.Parallel()
	s, err := Screen(with(benign("provider"), "annex-iii", ListValue("5b"), "derogation", ListValue("none"), "profiling", BoolValue(true)))
	if err != nil {
		t.Fatal(err)
	}
	var got []Trace
	for _, r := range s.Reasons {
		if r.Rule == "annex-iii-5b" {
			got = r.Trace
		}
	}
	var qs []string
	for _, tr := range got {
		qs = append(qs, tr.Question+"="+tr.Answer.String())
	}
	want := []string{"annex-iii=5b", "derogation=none", "profiling=yes"}
	if diff := cmp.Diff(want, qs); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

func TestScreenRefusesBadAnswers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		answers Answers
		paths   []string
	}{
		{"unknown question", with(benign(), "colour", TextValue("blue")), []string{"answers.colour"}},
		{"wrong type", with(benign(), "manipulation", NumberValue(3)), []string{"answers.manipulation"}},
		{"missing required", func() Answers { a := benign(); delete(a, "deep-fake"); return a }(), []string{"answers.deep-fake"}},
		{"hidden question answered", with(benign(), "emotion-workplace-education", BoolValue(true)), []string{"answers.emotion-workplace-education"}},
		{"unknown choice", with(benign(), "annex-iii", ListValue("9z")), []string{"answers.annex-iii[0]"}},
		{"exclusive choice combined", with(benign(), "annex-iii", ListValue("none", "5b")), []string{"answers.annex-iii"}},
		{"derogation shown but unanswered", with(benign(), "annex-iii", ListValue("5b")), []string{"answers.derogation", "answers.profiling"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Screen(tt.answers)
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			var ve *aims.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %T, want *aims.ValidationError", err)
			}
			var paths []string
			for _, p := range ve.Problems {
				paths = append(paths, p.Path)
			}
			if diff := cmp.Diff(tt.paths, paths); diff != "" {
				t.Errorf("problem paths (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
}

func TestIsScreeningAnswers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		answers Answers
		want    bool
	}{
		{"screening answers", creditScreening(), true},
		{"partial screening answers", Answers{"role": ListValue("provider")}, true},
		{"baseline answers", baselineAnswers(), false},
		{"mixed", with(creditScreening(), "intended-uses", TextValue("scoring")), false},
		{"none", Answers{}, false},
	} {
		if got := IsScreeningAnswers(tt.answers); got != tt.want {
			t.Errorf("%s: IsScreeningAnswers = %v, want %v", tt.name, got, tt.want)
		}
	}
}
