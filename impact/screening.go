package impact

import (
	"fmt"
	"time"
)

// Tier is the EU AI Act risk tier a screening reaches. Values are
// append-only.
type Tier string

// Tiers, most severe first.
const (
	// TierProhibited: an Article 5 practice; the system may not be placed
	// on the market, put into service or used for it.
	TierProhibited Tier = "prohibited"
	// TierHighRisk: high-risk under Article 6(1) (Annex I products) or
	// 6(2) (Annex III areas) and not relieved by Article 6(3).
	TierHighRisk Tier = "high-risk"
	// TierTransparency: not high-risk, but an Article 50 transparency duty
	// applies.
	TierTransparency Tier = "transparency"
	// TierMinimal: none of the above; AI literacy (Article 4) still
	// applies.
	TierMinimal Tier = "minimal"
)

// Valid reports whether t is a known tier.
func (t Tier) Valid() bool {
	switch t {
	case TierProhibited, TierHighRisk, TierTransparency, TierMinimal:
		return true
	}
	return false
}

// Screening is the result of an EU AI Act screening: the tier, every
// reason traced to the answers and the article behind it, the duties that
// follow for the roles the organisation declared with the day each
// applies from, the rules version applied, and the notice that the
// screening is an aid, not legal advice.
type Screening struct {
	// Questionnaire is the "id@version" of the screening questionnaire.
	Questionnaire string `json:"questionnaire"`
	// Tier is the tier reached.
	Tier Tier `json:"tier"`
	// Roles are the roles the organisation declared (provider, deployer,
	// importer, distributor).
	Roles []string `json:"roles"`
	// Reasons are every fired rule, decisive ones first, each with its
	// article and the answers it rests on.
	Reasons []Reason `json:"reasons"`
	// Obligations are the duties that follow for the declared roles.
	Obligations []Duty `json:"obligations"`
	// Notice says that the screening is not legal advice.
	Notice string `json:"notice"`
	// Answers are the answers screened, normalised.
	Answers Answers `json:"answers"`
	// Rules records the rules version applied: the questionnaire and the
	// legal text whose schedule dated the duties. Screenings recorded
	// before rules were versioned lack it.
	Rules *RulesVersion `json:"rules,omitempty"`
	// From is the day from which the provisions that decided the tier
	// apply (the earliest of the decisive reasons); zero when no decisive
	// reason cites a dated provision, as for a system nothing applies to.
	From time.Time `json:"from,omitzero"`
	// Applies dates each obligation, in the order of Obligations.
	Applies []Applicability `json:"applies,omitempty"`
}

// Pending returns the duties that do not yet apply at t, in the order of
// Obligations.
func (s *Screening) Pending(t time.Time) []Applicability {
	var out []Applicability
	for _, a := range s.Applies {
		if t.Before(a.From) {
			out = append(out, a)
		}
	}
	return out
}

// Starting returns the duties that start to apply after since and no
// later than now, in the order of Obligations: what the passing of time
// has changed in the screening's outcome between the two instants.
func (s *Screening) Starting(since, now time.Time) []Applicability {
	var out []Applicability
	for _, a := range s.Applies {
		if a.From.After(since) && !a.From.After(now) {
			out = append(out, a)
		}
	}
	return out
}

// References lists the references of the reasons, in order; a quick way to
// see which articles a screening rests on.
func (s *Screening) References() []string {
	out := make([]string, 0, len(s.Reasons))
	for _, r := range s.Reasons {
		if r.Reference != "" {
			out = append(out, r.Reference)
		}
	}
	return out
}

// Screen screens answers with the built-in EU AI Act questionnaire
// ([EUAIActID]). Answers that do not fit the questionnaire are a
// [*aims.ValidationError] naming each question.
func Screen(answers Answers) (*Screening, error) {
	f, err := Builtin(EUAIActID)
	if err != nil {
		return nil, err
	}
	return ScreenWith(f, answers)
}

// IsScreeningAnswers reports whether answers are answers to the built-in
// EU AI Act screening ([EUAIActID]): there is at least one, and every
// question id they use is one of the screening's. A tool that receives
// them where another questionnaire's answers are expected can then say
// where they belong.
func IsScreeningAnswers(answers Answers) bool {
	f, err := Builtin(EUAIActID)
	if err != nil || len(answers) == 0 {
		return false
	}
	for id := range answers {
		if _, ok := f.index[id]; !ok {
			return false
		}
	}
	return true
}

// ScreenWith screens answers with f, an organisation's own version of the
// screening questionnaire. Its outcome ids must be tiers and it must ask
// the question "role" (multiple choice of roles). The duties are dated by
// [EUAIActSchedule] from the references of the obligations and of the
// reasons that brought them.
func ScreenWith(f *Form, answers Answers) (*Screening, error) {
	return screenWith(f, EUAIActSchedule(), answers)
}

func screenWith(f *Form, sch *Schedule, answers Answers) (*Screening, error) {
	res, err := f.Evaluate(answers)
	if err != nil {
		return nil, err
	}
	return screeningOf(res, sch)
}

func screeningOf(res *Result, sch *Schedule) (*Screening, error) {
	t := Tier(res.Outcome)
	if !t.Valid() {
		return nil, fmt.Errorf("questionnaire %s reached outcome %q, which is not an EU AI Act tier", res.Questionnaire, res.Outcome)
	}
	s := &Screening{
		Questionnaire: res.Questionnaire,
		Tier:          t,
		Roles:         res.Answers["role"].List(),
		Reasons:       res.Reasons,
		Obligations:   res.Obligations,
		Notice:        res.Notice,
		Answers:       res.Answers,
		Rules:         &RulesVersion{Questionnaire: res.Questionnaire, Schedule: sch.Version(), Text: sch.Text()},
	}
	s.date(sch)
	return s, nil
}

// date sets From and Applies. The tier applies from the earliest day of
// its decisive reasons; a duty the outcome brings applies from the later
// of its own day and the tier's, a duty a rule brings from the later of
// its own day and the rule's. So the duties of an Annex I product follow
// Article 6(1)'s day, those of an Annex III use the Annex III day.
func (s *Screening) date(sch *Schedule) {
	ruleDay := make([]Milestone, len(s.Reasons)) // by reason index
	var tier Milestone
	for i, r := range s.Reasons {
		m, ok := sch.AppliesFrom(r.Reference)
		if !ok {
			continue
		}
		ruleDay[i] = m
		if r.Decisive && (tier.From.IsZero() || m.From.Before(tier.From)) {
			tier = m
		}
	}
	s.From = tier.From
	if len(s.Obligations) > 0 {
		s.Applies = make([]Applicability, 0, len(s.Obligations))
	}
	for _, d := range s.Obligations {
		m, ok := sch.AppliesFrom(d.Reference)
		var from Milestone
		switch {
		case d.Outcome != "":
			from = tier
		case d.Rule != "":
			for i, r := range s.Reasons {
				if r.Rule == d.Rule {
					from = ruleDay[i]
					break
				}
			}
		}
		if !ok || from.From.After(m.From) {
			m = from
		}
		if m.From.IsZero() {
			continue
		}
		s.Applies = append(s.Applies, Applicability{Obligation: d.ID, Reference: d.Reference, From: m.From, Basis: m.Basis})
	}
}
