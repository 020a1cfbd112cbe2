package impact

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// Answers maps question ids to answers: the form of an answers file.
//
//	uses-emotion-recognition: true
//	annex-iii: [employment-recruitment]
//	role: provider
type Answers map[string]Value

// Result is what a [Form] makes of a set of answers: the outcome, every
// reason traced to the answers and the provision behind it, and the
// obligations that follow.
type Result struct {
	// Questionnaire is the "id@version" the answers were evaluated against.
	Questionnaire string `json:"questionnaire"`
	// Outcome is the id of the outcome reached, empty when no rule named
	// one and there is no default.
	Outcome string `json:"outcome,omitempty"`
	// OutcomeTitle is the outcome's title.
	OutcomeTitle string `json:"outcomeTitle,omitempty"`
	// Reasons lists every fired rule, the decisive ones (those naming the
	// outcome reached) first, then in rule order.
	Reasons []Reason `json:"reasons"`
	// Obligations lists the obligations of the fired rules whose own
	// conditions hold, once per id, in rule order.
	Obligations []Duty `json:"obligations"`
	// Notice is the questionnaire's notice, e.g. "not legal advice".
	Notice string `json:"notice,omitempty"`
	// Missing lists required questions shown but not answered, in asking
	// order; [Form.Evaluate] refuses such answers, [Form.EvaluatePartial]
	// reports them here.
	Missing []string `json:"missing,omitempty"`
	// Answers holds the answers of shown questions, normalised (yes/no
	// words as booleans, a single id as a one-element list).
	Answers Answers `json:"answers"`
}

// Complete reports whether every shown required question was answered.
func (r *Result) Complete() bool { return len(r.Missing) == 0 }

// Reason is one fired rule, traced to the answers its condition read.
type Reason struct {
	// Rule is the rule's id.
	Rule string `json:"rule"`
	// Outcome is the outcome the rule proposes, empty for a note.
	Outcome string `json:"outcome,omitempty"`
	// Decisive marks reasons whose outcome is the one reached.
	Decisive bool `json:"decisive,omitempty"`
	// Text is the reason in plain words.
	Text string `json:"text"`
	// Reference cites the provision behind it.
	Reference string `json:"reference,omitempty"`
	// Trace lists the answers the rule's condition read, in asking order.
	Trace []Trace `json:"trace,omitempty"`
}

// Trace is one answer a reason rests on.
type Trace struct {
	// Question is the question's id.
	Question string `json:"question"`
	// Text is the question as asked.
	Text string `json:"text"`
	// Reference cites what the question is about.
	Reference string `json:"reference,omitempty"`
	// Answer is the answer given.
	Answer Value `json:"answer"`
}

// Duty is an obligation that applies, with the rule or outcome it came
// from.
type Duty struct {
	Obligation
	// Rule is the id of the fired rule that brought it, if a rule did.
	Rule string `json:"rule,omitempty"`
	// Outcome is the id of the outcome that brought it, if the outcome did.
	Outcome string `json:"outcome,omitempty"`
}

// state is an evaluation's working set: answers by question index.
type state struct {
	vals []Value
	has  []bool
}

func (f *Form) holds(c *cond, st *state) bool {
	switch c.op {
	case opAll:
		for _, k := range c.kids {
			if !f.holds(k, st) {
				return false
			}
		}
		return true
	case opAny:
		for _, k := range c.kids {
			if f.holds(k, st) {
				return true
			}
		}
		return false
	case opNot:
		return !f.holds(c.kids[0], st)
	case opRef:
		return f.holds(f.named[c.ref], st)
	case opAnswered:
		return answered(st, c.q) == c.answered
	}
	if !st.has[c.q] {
		return false
	}
	v := &st.vals[c.q]
	switch c.op {
	case opEquals:
		return v.Equal(c.val)
	case opIn:
		for _, w := range c.vals {
			if v.Equal(w) {
				return true
			}
		}
		return false
	case opIncludes:
		return slices.Contains(v.l, c.ids[0])
	case opIncludesAny:
		for _, id := range c.ids {
			if slices.Contains(v.l, id) {
				return true
			}
		}
		return false
	case opRange:
		return v.kind == ValueNumber && v.n >= c.lo && v.n <= c.hi
	}
	return false
}

func answered(st *state, q int) bool {
	if !st.has[q] {
		return false
	}
	v := &st.vals[q]
	return v.kind != ValueList || len(v.l) > 0
}

// Evaluate validates answers against the questionnaire and applies its
// rules. Every problem is reported at once as a [*aims.ValidationError]
// whose paths name the question ("answers.role: ..."): an unknown question
// id, an answer of the wrong type or outside the choices or bounds, an
// answer to a question its condition hides, a required question shown but
// not answered.
func (f *Form) Evaluate(answers Answers) (*Result, error) {
	return f.evaluate(answers, false)
}

// EvaluatePartial is [Form.Evaluate] for answers still being given: a
// required question left unanswered is listed in [Result.Missing] instead
// of being an error. Every other problem is still an error.
func (f *Form) EvaluatePartial(answers Answers) (*Result, error) {
	return f.evaluate(answers, true)
}

func (f *Form) evaluate(answers Answers, partial bool) (*Result, error) {
	n := len(f.questions)
	st := state{vals: make([]Value, n), has: make([]bool, n)}
	var p aims.Problems
	var bad map[int]bool // questions whose answer was refused
	for id, v := range answers {
		i, ok := f.index[id]
		if !ok {
			p.Addf("answers."+id, "unknown question (not in questionnaire %s)", f.Ref())
			continue
		}
		nv, sub, err := normalise(f.questions[i], v)
		if err != nil {
			p.Add("answers."+id+sub, err.Error())
			if bad == nil {
				bad = map[int]bool{}
			}
			bad[i] = true
			continue
		}
		st.vals[i], st.has[i] = nv, true
	}
	res := &Result{Questionnaire: f.Ref(), Notice: f.doc.Notice}
	shownSection := -1
	sectionShown := true
	visible := 0
	for i, q := range f.questions {
		if si := f.section[i]; si != shownSection {
			shownSection = si
			sectionShown = f.scond[si] == nil || f.holds(f.scond[si], &st)
		}
		shown := sectionShown && (f.qcond[i] == nil || f.holds(f.qcond[i], &st))
		switch {
		case !shown && st.has[i]:
			// Forget the answer so that later conditions see the question
			// as unanswered, exactly as if it had not been given.
			st.has[i] = false
			p.Addf("answers."+q.ID, "answers a hidden question: it is asked only when %s", f.shownWhen(i))
		case shown && q.Required && !answered(&st, i) && !bad[i]:
			if partial {
				res.Missing = append(res.Missing, q.ID)
			} else {
				p.Add("answers."+q.ID, "is required")
			}
		}
		if st.has[i] {
			visible++
		}
	}
	if err := p.Err(); err != nil {
		sortProblems(err)
		return nil, err
	}
	res.Answers = make(Answers, visible)
	for i, q := range f.questions {
		if st.has[i] {
			res.Answers[q.ID] = st.vals[i]
		}
	}
	f.applyRules(res, &st)
	return res, nil
}

// sortProblems orders a validation error's problems by path, so that the
// message does not depend on map iteration order.
func sortProblems(err error) {
	var ve *aims.ValidationError
	if errors.As(err, &ve) {
		slices.SortStableFunc(ve.Problems, func(a, b aims.Problem) int { return strings.Compare(a.Path, b.Path) })
	}
}

// shownWhen describes when question i is shown.
func (f *Form) shownWhen(i int) string {
	var parts []string
	if sc := f.doc.Sections[f.section[i]].When; sc != nil {
		parts = append(parts, Describe(sc))
	}
	if qc := f.questions[i].When; qc != nil {
		parts = append(parts, Describe(qc))
	}
	return strings.Join(parts, " and ")
}

func (f *Form) applyRules(res *Result, st *state) {
	fired := make([]int, 0, 8)
	best := -1
	for i := range f.rules {
		r := &f.rules[i]
		if r.when != nil && !f.holds(r.when, st) {
			continue
		}
		fired = append(fired, i)
		if r.rank >= 0 && (best < 0 || r.rank < best) {
			best = r.rank
		}
	}
	var def *compiledRule
	if best < 0 && f.def != nil {
		def = f.def
		best = f.def.rank
	}
	if best >= 0 {
		o := f.doc.Outcomes[best]
		res.Outcome, res.OutcomeTitle = o.ID, o.Title
	}
	exclusive := best >= 0 && f.doc.Outcomes[best].Exclusive
	add := func(r *compiledRule) {
		res.Reasons = append(res.Reasons, Reason{
			Rule: r.rule.ID, Outcome: r.rule.Outcome, Decisive: r.rank >= 0 && r.rank == best,
			Text: r.rule.Text, Reference: r.rule.Reference, Trace: f.trace(r, st),
		})
	}
	if def != nil {
		add(def)
	}
	for _, i := range fired {
		add(&f.rules[i])
	}
	// Decisive reasons first, then by outcome significance (notes last),
	// each group in rule order.
	slices.SortStableFunc(res.Reasons, func(a, b Reason) int {
		return reasonRank(f, a, best) - reasonRank(f, b, best)
	})
	seen := map[string]bool{}
	addDuty := func(o Obligation, c *cond, rule, outcome string) {
		if seen[o.ID] || (c != nil && !f.holds(c, st)) {
			return
		}
		seen[o.ID] = true
		o.When = nil
		res.Obligations = append(res.Obligations, Duty{Obligation: o, Rule: rule, Outcome: outcome})
	}
	if best >= 0 {
		o := f.doc.Outcomes[best]
		for j, ob := range o.Obligations {
			addDuty(ob, f.outOblig[best][j], "", o.ID)
		}
	}
	addDuties := func(r *compiledRule) {
		if exclusive && r.rank != best {
			return
		}
		for j, ob := range r.rule.Obligations {
			addDuty(ob, r.oblig[j], r.rule.ID, "")
		}
	}
	for _, i := range fired {
		addDuties(&f.rules[i])
	}
	if def != nil {
		addDuties(def)
	}
	if res.Reasons == nil {
		res.Reasons = []Reason{}
	}
	if res.Obligations == nil {
		res.Obligations = []Duty{}
	}
}

func reasonRank(f *Form, r Reason, best int) int {
	rank, ok := f.outcomes[r.Outcome]
	switch {
	case !ok || r.Outcome == "":
		return len(f.doc.Outcomes) + 1
	case rank == best:
		return -1
	}
	return rank
}

func (f *Form) trace(r *compiledRule, st *state) []Trace {
	var out []Trace
	for _, q := range r.refs {
		if !st.has[q] {
			continue
		}
		qq := f.questions[q]
		out = append(out, Trace{Question: qq.ID, Text: qq.Text, Reference: qq.Reference, Answer: st.vals[q]})
	}
	return out
}

// normalise checks v against q's type and returns the canonical answer,
// or an error with the path suffix it concerns ("[2]" for a list element).
func normalise(q *Question, v Value) (Value, string, error) {
	nv, err := normaliseValue(q, v)
	var ee *elemError
	if errors.As(err, &ee) {
		return Value{}, fmt.Sprintf("[%d]", ee.i), ee.err
	}
	return nv, "", err
}

// elemError is a problem with one element of a list answer.
type elemError struct {
	i   int
	err error
}

func (e *elemError) Error() string { return fmt.Sprintf("[%d]: %v", e.i, e.err) }

func normaliseValue(q *Question, v Value) (Value, error) {
	switch q.Type {
	case YesNo:
		switch v.kind {
		case ValueBool:
			return v, nil
		case ValueText:
			switch strings.ToLower(strings.TrimSpace(v.s)) {
			case "yes", "y", "true":
				return BoolValue(true), nil
			case "no", "n", "false":
				return BoolValue(false), nil
			}
		}
		return Value{}, fmt.Errorf("must be yes or no (true or false), got %s", describeValue(v))
	case SingleChoice:
		if v.kind != ValueText {
			return Value{}, fmt.Errorf("must be one choice id (%s), got %s", choiceList(q), describeValue(v))
		}
		if !hasChoice(q, v.s) {
			return Value{}, fmt.Errorf("must be one of the choices (%s), got %q", choiceList(q), v.s)
		}
		return v, nil
	case MultipleChoice:
		switch v.kind {
		case ValueText:
			v = ListValue(v.s)
		case ValueList:
		default:
			return Value{}, fmt.Errorf("must be a list of choice ids (%s), got %s", choiceList(q), describeValue(v))
		}
		excl := ""
		for i, id := range v.l {
			if !hasChoice(q, id) {
				return Value{}, &elemError{i, fmt.Errorf("must be one of the choices (%s), got %q", choiceList(q), id)}
			}
			if slices.Contains(v.l[:i], id) {
				return Value{}, &elemError{i, fmt.Errorf("choice %q is given twice", id)}
			}
			for _, c := range q.Choices {
				if c.ID == id && c.Exclusive {
					excl = id
				}
			}
		}
		if excl != "" && len(v.l) > 1 {
			return Value{}, fmt.Errorf("choice %q excludes the others, got %s", excl, describeValue(v))
		}
		return v, nil
	case Number:
		if v.kind == ValueText {
			// YAML reads some numbers, such as 1e25, as strings.
			if n, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64); err == nil {
				v = NumberValue(n)
			}
		}
		if v.kind != ValueNumber {
			return Value{}, fmt.Errorf("must be a number, got %s", describeValue(v))
		}
		if math.IsNaN(v.n) || math.IsInf(v.n, 0) {
			return Value{}, fmt.Errorf("must be a finite number, got %v", v.n)
		}
		if q.Min != nil && v.n < *q.Min {
			return Value{}, fmt.Errorf("must be at least %s, got %s", fmtNum(*q.Min), fmtNum(v.n))
		}
		if q.Max != nil && v.n > *q.Max {
			return Value{}, fmt.Errorf("must be at most %s, got %s", fmtNum(*q.Max), fmtNum(v.n))
		}
		return v, nil
	case FreeText:
		if v.kind != ValueText {
			return Value{}, fmt.Errorf("must be text, got %s", describeValue(v))
		}
		if len(v.s) > maxTextAnswer {
			return Value{}, fmt.Errorf("must be at most %d bytes, got %d", maxTextAnswer, len(v.s))
		}
		return v, nil
	}
	return Value{}, fmt.Errorf("question type %q is unknown", q.Type)
}

// maxTextAnswer bounds a text answer.
const maxTextAnswer = 64 << 10

func describeValue(v Value) string {
	switch v.kind {
	case ValueText:
		s := v.s
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return fmt.Sprintf("text %q", s)
	case ValueNone:
		return "nothing"
	case ValueList:
		return fmt.Sprintf("list [%s]", v.String())
	}
	return v.kind.String() + " " + v.String()
}

func choiceList(q *Question) string {
	ids := make([]string, len(q.Choices))
	for i, c := range q.Choices {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}
