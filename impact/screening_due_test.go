package impact

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRescreen(t *testing.T) {
	t.Parallel()
	f, err := Builtin(EUAIActID)
	if err != nil {
		t.Fatal(err)
	}
	cur := EUAIActSchedule()
	current := func(a Answers) *Screening {
		s, err := screenWith(f, cur, a)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	published := func(a Answers) *Screening {
		s, err := screenWith(f, asPublished(), a)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	spam := with(benign("provider"))
	// legacy is a screening recorded before rules were versioned: the old
	// questionnaire version, no rules, no days, and the generic Art. 95
	// basis the old default cited.
	legacy := func(a Answers) *Screening {
		s := current(a)
		s.Questionnaire, s.Rules, s.From, s.Applies = "eu-ai-act-screening@2024.1", nil, time.Time{}, nil
		for i := range s.Reasons {
			if s.Reasons[i].Rule == "no-trigger" {
				s.Reasons[i].Reference = "Art. 95"
			}
		}
		return s
	}
	foreign := legacy(spam)
	foreign.Answers = with(foreign.Answers, "legacy-question", BoolValue(true))
	for _, tt := range []struct {
		name  string
		was   *Screening
		due   bool
		parts []string // substrings of the reason's detail
	}{
		{name: "same rules", was: current(creditScreening())},
		{name: "same rules, minimal", was: current(spam)},
		{
			name: "schedule as published moved the Annex III days",
			was:  published(creditScreening()), due: true,
			parts: []string{
				"screened under eu-ai-act-screening@2026.1 (schedule 2024/1689);",
				"the current rules eu-ai-act-screening@2026.1 (schedule 2024/1689+2026/1744) change the outcome:",
				"application days: art-9 2026-08-02 -> 2027-12-02,",
			},
		},
		{name: "schedule as published, nothing dated differently", was: published(spam)},
		{
			name: "unversioned screening citing Art. 95",
			was:  legacy(spam), due: true,
			parts: []string{"screened under eu-ai-act-screening@2024.1 (no legal schedule recorded)", "basis [Art. 95] -> [(none)]"},
		},
		{
			name: "unversioned screening with the same outcome",
			was:  legacy(creditScreening()),
		},
		{
			name: "answers the current rules refuse",
			was:  foreign, due: true,
			parts: []string{"the answers do not fit the current rules", "answers.legacy-question: unknown question"},
		},
		{
			name: "other questionnaire version with another outcome",
			was: func() *Screening {
				s := current(creditScreening())
				s.Rules.Questionnaire, s.Questionnaire, s.Tier = "eu-ai-act-screening@2025.9", "eu-ai-act-screening@2025.9", TierMinimal
				s.Obligations = s.Obligations[:1]
				return s
			}(), due: true,
			parts: []string{"tier minimal -> high-risk", "duties added: art-10,"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, due := rescreen(f, cur, tt.was)
			if due != tt.due {
				t.Fatalf("due = %v, want %v (%q)", due, tt.due, r.Detail)
			}
			if !due {
				return
			}
			if r.Trigger != TriggerScreeningRules {
				t.Errorf("trigger = %s, want %s", r.Trigger, TriggerScreeningRules)
			}
			for _, p := range tt.parts {
				if !strings.Contains(r.Detail, p) {
					t.Errorf("detail lacks %q:\n%s", p, r.Detail)
				}
			}
		})
	}
}

// TestDueScreening walks an approved assessment of the credit model
// through the calendar: nothing about the screening is due while its
// high-risk duties are pending, and the day they start to apply makes it
// due; a screening made under the rules as published is due at once.
func TestDueScreening(t *testing.T) {
	t.Parallel()
	approve := func(t *testing.T, f *fixture, replace *Screening) *Assessment {
		t.Helper()
		ctx := t.Context()
		a := f.draft(t)
		if replace != nil {
			a.Screening = replace
			if err := f.svc.assessments.Update(ctx, alice, a); err != nil {
				t.Fatal(err)
			}
		}
		must[*Assessment](t)(f.svc.Submit(ctx, alice, a.ID))
		must[[]RiskLink](t)(f.svc.Link(ctx, alice, a.ID))
		return must[*Assessment](t)(f.svc.Approve(ctx, bob, a.ID))
	}
	screeningReasons := func(t *testing.T, f *fixture, now time.Time) []DueReason {
		t.Helper()
		var out []DueReason
		for _, d := range must[[]DueItem](t)(f.svc.Due(t.Context(), now)) {
			for _, r := range d.Reasons {
				if d.System == "credit-model" && (r.Trigger == TriggerScreeningRules || r.Trigger == TriggerApplicationDate) {
					out = append(out, r)
				}
			}
		}
		return out
	}

	t.Run("application day", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		approve(t, f, nil)
		if got := screeningReasons(t, f, day0(2027, 12, 1)); len(got) > 0 {
			t.Errorf("due before the Annex III day: %v", got)
		}
		want := []DueReason{{TriggerApplicationDate, "duties art-9, art-10, art-11, art-12, art-13, art-14, art-15, art-17, art-43, art-47, art-48, art-49, art-72, art-73 apply from 2027-12-02 (Art. 113(c) as amended by Regulation (EU) 2026/1744), after the approval on 2026-03-02"}}
		if diff := cmp.Diff(want, screeningReasons(t, f, day0(2027, 12, 2))); diff != "" {
			t.Errorf("due on the Annex III day (-want +got):\n%s", diff)
		}
	})

	t.Run("rules as published", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		old, err := screenWith(f.svc.screen, asPublished(), creditScreening())
		if err != nil {
			t.Fatal(err)
		}
		approve(t, f, old)
		got := screeningReasons(t, f, t0.Add(24*time.Hour))
		if len(got) != 1 || got[0].Trigger != TriggerScreeningRules || !strings.Contains(got[0].Detail, "art-49 2026-08-02 -> 2027-12-02") {
			t.Fatalf("due a day after approval = %v, want one screening-rules reason moving art-49", got)
		}
		// The record's own days still count: under the text it was made
		// with, its duties applied from 2026-08-02.
		got = screeningReasons(t, f, day0(2026, 8, 2))
		if len(got) != 2 || got[1].Trigger != TriggerApplicationDate || !strings.Contains(got[1].Detail, "apply from 2026-08-02 (Art. 113, second paragraph)") {
			t.Errorf("due on 2026-08-02 = %v, want the rules reason and the recorded application day", got)
		}
	})
}
