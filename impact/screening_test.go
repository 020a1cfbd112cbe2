package impact

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

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

func decisiveRefs(s *Screening) []string {
	var out []string
	for _, r := range s.Reasons {
		if r.Decisive {
			out = append(out, r.Reference)
		}
	}
	return out
}

func dutyIDs(s *Screening) []string {
	var out []string
	for _, d := range s.Obligations {
		out = append(out, d.ID)
	}
	return out
}

func TestScreenWorkedCases(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		answers  Answers
		tier     Tier
		decisive []string // references of the decisive reasons
		alsoRefs []string // other references that must be present
		duties   []string // obligation ids that must be present
		noDuties []string // obligation ids that must be absent
	}{
		{
			name: "creditworthiness model, provider",
			answers: with(benign("provider"), "annex-iii", ListValue("5b"),
				"derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III, point 5(b)"},
			alsoRefs: []string{"Art. 4"},
			duties:   []string{"art-9", "art-10", "art-11", "art-12", "art-13", "art-14", "art-15", "art-17", "art-43", "art-47", "art-48", "art-49", "art-72", "art-73", "art-4"},
			noDuties: []string{"art-26", "art-27"},
		},
		{
			name: "creditworthiness model, deployer bank",
			answers: with(benign("deployer"), "public-service", BoolValue(false), "annex-iii", ListValue("5b"),
				"derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III, point 5(b)"},
			duties:   []string{"art-26", "art-27", "art-4"},
			noDuties: []string{"art-9", "art-43"},
		},
		{
			name: "CV-screening tool",
			answers: with(benign("provider", "deployer"), "public-service", BoolValue(false), "annex-iii", ListValue("4a"),
				"derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III, point 4(a)"},
			duties:   []string{"art-9", "art-26"},
			noDuties: []string{"art-27"},
		},
		{
			name: "emotion recognition of employees",
			answers: with(benign("deployer"), "public-service", BoolValue(false), "emotion-recognition", BoolValue(true),
				"emotion-workplace-education", BoolValue(true), "emotion-medical-safety", BoolValue(false),
				"annex-iii", ListValue("1c"), "derogation", ListValue("none"), "profiling", BoolValue(true)),
			tier:     TierProhibited,
			decisive: []string{"Art. 5(1)(f)"},
			alsoRefs: []string{"Art. 6(2), Annex III, point 1(c)", "Art. 50(3)"},
			duties:   []string{"art-5-cease"},
			noDuties: []string{"art-26", "art-50-3", "art-4"},
		},
		{
			name: "emotion recognition for pilot safety is not prohibited",
			answers: with(benign("deployer"), "public-service", BoolValue(false), "emotion-recognition", BoolValue(true),
				"emotion-workplace-education", BoolValue(true), "emotion-medical-safety", BoolValue(true),
				"annex-iii", ListValue("1c"), "derogation", ListValue("none"), "profiling", BoolValue(false)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III, point 1(c)"},
			alsoRefs: []string{"Art. 50(3)"},
			duties:   []string{"art-26", "art-50-3"},
		},
		{
			name:     "customer-service chatbot",
			answers:  with(benign("provider", "deployer"), "public-service", BoolValue(false), "interacts-with-people", BoolValue(true), "interaction-obvious", BoolValue(false)),
			tier:     TierTransparency,
			decisive: []string{"Art. 50(1)"},
			duties:   []string{"art-50-1", "art-4"},
			noDuties: []string{"art-9", "art-26"},
		},
		{
			name:     "spam filter",
			answers:  with(benign("provider", "deployer"), "public-service", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"Art. 95"},
			alsoRefs: []string{"Art. 4"},
			duties:   []string{"art-4"},
		},
		{
			name: "Annex III system narrowed by an Article 6(3) derogation",
			answers: with(benign("provider"), "annex-iii", ListValue("4a"),
				"derogation", ListValue("narrow-procedural-task"), "profiling", BoolValue(false)),
			tier:     TierMinimal,
			decisive: []string{"Art. 6(3)"},
			duties:   []string{"art-6-4", "art-49-2"},
			noDuties: []string{"art-9"},
		},
		{
			name: "profiling voids the derogation",
			answers: with(benign("provider"), "annex-iii", ListValue("4a"),
				"derogation", ListValue("narrow-procedural-task"), "profiling", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(2), Annex III, point 4(a)", "Art. 6(3), third subparagraph"},
			duties:   []string{"art-9"},
			noDuties: []string{"art-6-4"},
		},
		{
			name:     "Annex I medical device",
			answers:  with(benign("provider"), "annex-i-product", BoolValue(true), "annex-i-third-party", BoolValue(true)),
			tier:     TierHighRisk,
			decisive: []string{"Art. 6(1), Annex I"},
		},
		{
			name: "general-purpose model above 10^25 FLOP",
			answers: with(benign("provider"), "gpai-model", BoolValue(true), "gpai-training-flop", TextValue("3e25"),
				"gpai-designated", BoolValue(false), "gpai-open-source", BoolValue(true), "generates-synthetic-content", BoolValue(true)),
			tier:     TierTransparency,
			decisive: []string{"Art. 50(2)"},
			alsoRefs: []string{"Art. 53", "Art. 51(1)-(2)"},
			duties:   []string{"art-50-2", "art-52", "art-55", "art-53-1-c", "art-53-1-systemic"},
			noDuties: []string{"art-53-1"},
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
