package impact

import (
	"fmt"
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
// follow for the roles the organisation declared, and the notice that the
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

// ScreenWith screens answers with f, an organisation's own version of the
// screening questionnaire. Its outcome ids must be tiers and it must ask
// the question "role" (multiple choice of roles).
func ScreenWith(f *Form, answers Answers) (*Screening, error) {
	res, err := f.Evaluate(answers)
	if err != nil {
		return nil, err
	}
	return screeningOf(res)
}

func screeningOf(res *Result) (*Screening, error) {
	t := Tier(res.Outcome)
	if !t.Valid() {
		return nil, fmt.Errorf("questionnaire %s reached outcome %q, which is not an EU AI Act tier", res.Questionnaire, res.Outcome)
	}
	return &Screening{
		Questionnaire: res.Questionnaire,
		Tier:          t,
		Roles:         res.Answers["role"].List(),
		Reasons:       res.Reasons,
		Obligations:   res.Obligations,
		Notice:        res.Notice,
		Answers:       res.Answers,
	}, nil
}
