package impact

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// maxConditionDepth bounds how deeply conditions nest, so that a hostile
// questionnaire cannot make validation or evaluation recurse without end.
const maxConditionDepth = 32

// maxIDLen bounds questionnaire, section, question, choice, rule and
// outcome ids.
const maxIDLen = 100

// validID reports whether s may name a questionnaire element: 1 to 100
// ASCII letters, digits and "._:-", starting with a letter or digit, so
// that ids are safe as YAML keys, field paths and HTML anchors.
func validID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == ':' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// Form is a compiled, validated [Questionnaire]: it evaluates answers. It
// is immutable and safe for concurrent use.
type Form struct {
	doc       Questionnaire
	questions []*Question // in asking order
	section   []int       // section index of each question
	index     map[string]int
	qcond     []*cond // own condition of each question, or nil
	scond     []*cond // condition of each section, or nil
	named     []*cond
	namedIdx  map[string]int
	outcomes  map[string]int // outcome id -> rank (0 = most significant)
	outOblig  [][]*cond      // conditions of each outcome's obligations
	rules     []compiledRule
	def       *compiledRule
}

type compiledRule struct {
	rule  *Rule
	when  *cond
	refs  []int // questions the condition reads, ascending
	rank  int   // outcome rank, -1 for a note
	oblig []*cond
}

// condOp is the operation of a compiled condition.
type condOp uint8

const (
	opEquals condOp = iota + 1
	opIn
	opIncludes
	opIncludesAny
	opRange
	opAnswered
	opAll
	opAny
	opNot
	opRef
)

// cond is a compiled [Condition]: question ids resolved to indexes.
type cond struct {
	op       condOp
	q        int
	val      Value
	vals     []Value
	ids      []string
	lo, hi   float64
	answered bool
	kids     []*cond
	ref      int
	maxQ     int // highest question index read, -1 if none
}

// Compile validates q and returns its [Form]. It reports every problem at
// once as a [*aims.ValidationError] with field paths such as
// "sections[1].questions[3].when.question": ids unique and well formed,
// question types known, choices present and distinct, conditions
// referring only to questions asked earlier (so that conditions cannot
// form a cycle) and to choices that exist, rules naming declared outcomes.
// The Form keeps a deep copy of q.
func Compile(q Questionnaire) (*Form, error) {
	q = cloneQuestionnaire(q)
	f := &Form{doc: q, index: map[string]int{}, namedIdx: map[string]int{}, outcomes: map[string]int{}}
	var p aims.Problems
	if !validID(q.ID) {
		p.Addf("id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, q.ID)
	}
	p.Require("version", q.Version)
	if len(q.Version) > maxIDLen {
		p.Addf("version", "must be at most %d bytes", maxIDLen)
	}
	p.Require("title", q.Title)
	if len(q.Sections) == 0 {
		p.Add("sections", "must hold at least one section")
	}
	// Index every question first so that a condition naming a later
	// question is reported as "not asked before", not as unknown.
	seenSection := map[string]bool{}
	for si := range q.Sections {
		s := &f.doc.Sections[si]
		path := fmt.Sprintf("sections[%d]", si)
		switch {
		case !validID(s.ID):
			p.Addf(path+".id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, s.ID)
		case seenSection[s.ID]:
			p.Addf(path+".id", "duplicate section id %q", s.ID)
		}
		seenSection[s.ID] = true
		p.Require(path+".title", s.Title)
		if len(s.Questions) == 0 {
			p.Add(path+".questions", "must hold at least one question")
		}
		for qi := range s.Questions {
			qq := &s.Questions[qi]
			qpath := fmt.Sprintf("%s.questions[%d]", path, qi)
			switch _, dup := f.index[qq.ID]; {
			case !validID(qq.ID):
				p.Addf(qpath+".id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, qq.ID)
			case dup:
				p.Addf(qpath+".id", "duplicate question id %q", qq.ID)
			default:
				f.index[qq.ID] = len(f.questions)
			}
			f.questions = append(f.questions, qq)
			f.section = append(f.section, si)
			checkQuestion(&p, qpath, qq)
		}
	}
	for i := range q.Conditions {
		nc := &f.doc.Conditions[i]
		path := fmt.Sprintf("conditions[%d]", i)
		switch _, dup := f.namedIdx[nc.ID]; {
		case !validID(nc.ID):
			p.Addf(path+".id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, nc.ID)
		case dup:
			p.Addf(path+".id", "duplicate condition id %q", nc.ID)
		default:
			f.namedIdx[nc.ID] = i
		}
	}
	for i := range q.Conditions {
		nc := &f.doc.Conditions[i]
		// A definition may refer to definitions before it only: that rules
		// out cycles between named conditions.
		f.named = append(f.named, f.compileCond(&p, fmt.Sprintf("conditions[%d].when", i), &nc.When, len(f.questions), i, 0))
	}
	first := 0
	for si := range f.doc.Sections {
		s := &f.doc.Sections[si]
		if s.When != nil {
			f.scond = append(f.scond, f.compileCond(&p, fmt.Sprintf("sections[%d].when", si), s.When, first, len(f.named), 0))
		} else {
			f.scond = append(f.scond, nil)
		}
		first += len(s.Questions)
	}
	for i, qq := range f.questions {
		if qq.When == nil {
			f.qcond = append(f.qcond, nil)
			continue
		}
		si, qi := f.position(i)
		f.qcond = append(f.qcond, f.compileCond(&p, fmt.Sprintf("sections[%d].questions[%d].when", si, qi), qq.When, i, len(f.named), 0))
	}
	for i, o := range q.Outcomes {
		path := fmt.Sprintf("outcomes[%d]", i)
		switch _, dup := f.outcomes[o.ID]; {
		case !validID(o.ID):
			p.Addf(path+".id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, o.ID)
		case dup:
			p.Addf(path+".id", "duplicate outcome id %q", o.ID)
		default:
			f.outcomes[o.ID] = i
		}
		p.Require(path+".title", o.Title)
		f.outOblig = append(f.outOblig, f.compileObligations(&p, path, o.Obligations))
	}
	seenRule := map[string]bool{}
	for i := range f.doc.Rules {
		r := &f.doc.Rules[i]
		path := fmt.Sprintf("rules[%d]", i)
		switch {
		case !validID(r.ID):
			p.Addf(path+".id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, r.ID)
		case seenRule[r.ID]:
			p.Addf(path+".id", "duplicate rule id %q", r.ID)
		}
		seenRule[r.ID] = true
		f.rules = append(f.rules, f.compileRule(&p, path, r))
	}
	if d := f.doc.Default; d != nil {
		if d.When != nil {
			p.Add("default.when", "must be absent: the default applies when no rule names an outcome")
		}
		if d.Outcome == "" {
			p.Add("default.outcome", "is required")
		}
		if !validID(d.ID) {
			p.Addf("default.id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, d.ID)
		} else if seenRule[d.ID] {
			p.Addf("default.id", "duplicate rule id %q", d.ID)
		}
		cr := f.compileRule(&p, "default", &Rule{ID: d.ID, Outcome: d.Outcome, Text: d.Text, Reference: d.Reference, Obligations: d.Obligations})
		cr.rule = d
		f.def = &cr
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// position returns the section and in-section index of question i.
func (f *Form) position(i int) (si, qi int) {
	si = f.section[i]
	qi = i
	for s := 0; s < si; s++ {
		qi -= len(f.doc.Sections[s].Questions)
	}
	return si, qi
}

func checkQuestion(p *aims.Problems, path string, q *Question) {
	p.Require(path+".text", q.Text)
	if !q.Type.Valid() {
		p.Addf(path+".type", "must be yes-no, single, multiple, number or text, got %q", q.Type)
	}
	choice := q.Type == SingleChoice || q.Type == MultipleChoice
	switch {
	case choice && len(q.Choices) == 0:
		p.Addf(path+".choices", "a %s question must list its choices", q.Type)
	case !choice && len(q.Choices) > 0 && q.Type.Valid():
		p.Addf(path+".choices", "a %s question takes no choices", q.Type)
	}
	seen := map[string]bool{}
	for i, c := range q.Choices {
		cpath := fmt.Sprintf("%s.choices[%d]", path, i)
		switch {
		case !validID(c.ID):
			p.Addf(cpath+".id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, c.ID)
		case seen[c.ID]:
			p.Addf(cpath+".id", "duplicate choice id %q", c.ID)
		}
		seen[c.ID] = true
		p.Require(cpath+".label", c.Label)
		if c.Exclusive && q.Type != MultipleChoice {
			p.Add(cpath+".exclusive", "applies to multiple-choice questions only")
		}
	}
	if q.Type != Number && (q.Min != nil || q.Max != nil) && q.Type.Valid() {
		p.Addf(path, "min and max apply to number questions only, not %s", q.Type)
	}
	for _, b := range []struct {
		name string
		v    *float64
	}{{"min", q.Min}, {"max", q.Max}} {
		if b.v != nil && (math.IsNaN(*b.v) || math.IsInf(*b.v, 0)) {
			p.Add(path+"."+b.name, "must be a finite number")
		}
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		p.Addf(path+".max", "must not be less than min (%v), got %v", *q.Min, *q.Max)
	}
}

func (f *Form) compileRule(p *aims.Problems, path string, r *Rule) compiledRule {
	cr := compiledRule{rule: r, rank: -1}
	if r.When != nil {
		cr.when = f.compileCond(p, path+".when", r.When, len(f.questions), len(f.named), 0)
		cr.refs = f.reads(cr.when, nil)
		slices.Sort(cr.refs)
		cr.refs = slices.Compact(cr.refs)
	}
	if r.Outcome != "" {
		rank, ok := f.outcomes[r.Outcome]
		if !ok {
			p.Addf(path+".outcome", "unknown outcome %q (declare it under outcomes)", r.Outcome)
		}
		cr.rank = rank
		if !ok {
			cr.rank = -1
		}
	}
	p.Require(path+".text", r.Text)
	cr.oblig = f.compileObligations(p, path, r.Obligations)
	return cr
}

func (f *Form) compileObligations(p *aims.Problems, path string, obs []Obligation) []*cond {
	var out []*cond
	for i := range obs {
		o := &obs[i]
		opath := fmt.Sprintf("%s.obligations[%d]", path, i)
		if !validID(o.ID) {
			p.Addf(opath+".id", "must be 1-%d letters, digits or ._:- starting with a letter or digit, got %q", maxIDLen, o.ID)
		}
		p.Require(opath+".text", o.Text)
		var c *cond
		if o.When != nil {
			c = f.compileCond(p, opath+".when", o.When, len(f.questions), len(f.named), 0)
		}
		out = append(out, c)
	}
	return out
}

// reads appends the questions c reads, following named conditions.
func (f *Form) reads(c *cond, out []int) []int {
	if c == nil {
		return out
	}
	switch c.op {
	case opAll, opAny, opNot:
		for _, k := range c.kids {
			out = f.reads(k, out)
		}
	case opRef:
		if c.ref >= 0 && c.ref < len(f.named) {
			out = f.reads(f.named[c.ref], out)
		}
	default:
		if c.q >= 0 {
			out = append(out, c.q)
		}
	}
	return out
}

// compileCond validates c at path. before is the number of questions that
// c may read (those asked earlier), refs the number of named conditions it
// may refer to. Problems are recorded; the returned cond is usable only
// when there were none.
func (f *Form) compileCond(p *aims.Problems, path string, c *Condition, before, refs, depth int) *cond {
	out := &cond{q: -1, ref: -1, maxQ: -1}
	if depth >= maxConditionDepth {
		p.Addf(path, "conditions nest more than %d deep", maxConditionDepth)
		return out
	}
	forms := 0
	if c.Question != "" {
		forms++
	}
	for _, set := range []bool{c.All != nil, c.Any != nil, c.Not != nil, c.Ref != ""} {
		if set {
			forms++
		}
	}
	if forms != 1 {
		p.Add(path, "must have exactly one of question, all, any, not or ref")
		return out
	}
	switch {
	case c.All != nil || c.Any != nil:
		out.op = opAll
		kids, kpath := c.All, path+".all"
		if c.Any != nil {
			out.op, kids, kpath = opAny, c.Any, path+".any"
		}
		if out.op == opAny && len(kids) == 0 {
			p.Add(kpath, "must hold at least one condition")
		}
		for i := range kids {
			k := f.compileCond(p, fmt.Sprintf("%s[%d]", kpath, i), &kids[i], before, refs, depth+1)
			out.kids = append(out.kids, k)
			out.maxQ = max(out.maxQ, k.maxQ)
		}
		checkNoPredicate(p, path, c)
	case c.Not != nil:
		out.op = opNot
		k := f.compileCond(p, path+".not", c.Not, before, refs, depth+1)
		out.kids = []*cond{k}
		out.maxQ = k.maxQ
		checkNoPredicate(p, path, c)
	case c.Ref != "":
		out.op = opRef
		i, ok := f.namedIdx[c.Ref]
		switch {
		case !ok:
			p.Addf(path+".ref", "unknown condition %q", c.Ref)
		case i >= refs:
			p.Addf(path+".ref", "condition %q is not defined before this one (a definition may refer only to earlier ones)", c.Ref)
		default:
			out.ref = i
			out.maxQ = f.named[i].maxQ
			if out.maxQ >= before {
				p.Addf(path+".ref", "condition %q reads question %q, which is not asked before this point", c.Ref, f.questions[out.maxQ].ID)
			}
		}
		checkNoPredicate(p, path, c)
	default:
		f.compilePredicate(p, path, c, before, out)
	}
	return out
}

func checkNoPredicate(p *aims.Problems, path string, c *Condition) {
	if c.Equals != nil || c.In != nil || c.Includes != "" || c.IncludesAny != nil || c.AtLeast != nil || c.AtMost != nil || c.Answered != nil {
		p.Add(path, "a predicate (equals, in, includes, includesAny, atLeast, atMost, answered) needs a question")
	}
}

func (f *Form) compilePredicate(p *aims.Problems, path string, c *Condition, before int, out *cond) {
	qi, ok := f.index[c.Question]
	switch {
	case !ok:
		p.Addf(path+".question", "unknown question %q", c.Question)
		return
	case qi >= before:
		p.Addf(path+".question", "question %q is not asked before this point (conditions may refer only to earlier questions)", c.Question)
		return
	}
	q := f.questions[qi]
	out.q, out.maxQ = qi, qi
	preds := 0
	for _, set := range []bool{c.Equals != nil, c.In != nil, c.Includes != "", c.IncludesAny != nil, c.AtLeast != nil || c.AtMost != nil, c.Answered != nil} {
		if set {
			preds++
		}
	}
	if preds != 1 {
		p.Add(path, "must have exactly one predicate: equals, in, includes, includesAny, atLeast/atMost or answered")
		return
	}
	switch {
	case c.Equals != nil:
		out.op, out.val = opEquals, *c.Equals
		checkOperand(p, path+".equals", q, *c.Equals)
	case c.In != nil:
		out.op, out.vals = opIn, c.In
		if len(c.In) == 0 {
			p.Add(path+".in", "must hold at least one value")
		}
		for i, v := range c.In {
			checkOperand(p, fmt.Sprintf("%s.in[%d]", path, i), q, v)
		}
	case c.Includes != "" || c.IncludesAny != nil:
		out.op, out.ids = opIncludes, []string{c.Includes}
		ppath := path + ".includes"
		if c.IncludesAny != nil {
			out.op, out.ids, ppath = opIncludesAny, c.IncludesAny, path+".includesAny"
			if len(c.IncludesAny) == 0 {
				p.Add(ppath, "must hold at least one choice id")
			}
		}
		if q.Type != MultipleChoice {
			p.Addf(ppath, "applies to multiple-choice questions; %q is %s", q.ID, q.Type)
			return
		}
		for i, id := range out.ids {
			if !hasChoice(q, id) {
				ip := ppath
				if c.IncludesAny != nil {
					ip = fmt.Sprintf("%s[%d]", ppath, i)
				}
				p.Addf(ip, "question %q has no choice %q", q.ID, id)
			}
		}
	case c.AtLeast != nil || c.AtMost != nil:
		out.op, out.lo, out.hi = opRange, math.Inf(-1), math.Inf(1)
		if q.Type != Number {
			p.Addf(path, "atLeast and atMost apply to number questions; %q is %s", q.ID, q.Type)
		}
		if c.AtLeast != nil {
			out.lo = *c.AtLeast
		}
		if c.AtMost != nil {
			out.hi = *c.AtMost
		}
		if math.IsNaN(out.lo) || math.IsNaN(out.hi) {
			p.Add(path, "atLeast and atMost must be numbers")
		}
	default:
		out.op, out.answered = opAnswered, *c.Answered
	}
}

func hasChoice(q *Question, id string) bool {
	for _, c := range q.Choices {
		if c.ID == id {
			return true
		}
	}
	return false
}

// checkOperand checks that v can equal an answer to q.
func checkOperand(p *aims.Problems, path string, q *Question, v Value) {
	switch q.Type {
	case YesNo:
		if v.kind != ValueBool {
			p.Addf(path, "question %q is yes-no: compare with true or false, got %s", q.ID, v.kind)
		}
	case SingleChoice:
		if v.kind != ValueText {
			p.Addf(path, "question %q is single choice: compare with a choice id, got %s", q.ID, v.kind)
		} else if !hasChoice(q, v.s) {
			p.Addf(path, "question %q has no choice %q", q.ID, v.s)
		}
	case Number:
		if v.kind != ValueNumber {
			p.Addf(path, "question %q is a number: compare with a number, got %s", q.ID, v.kind)
		}
	case FreeText:
		if v.kind != ValueText {
			p.Addf(path, "question %q is text: compare with a string, got %s", q.ID, v.kind)
		}
	case MultipleChoice:
		p.Addf(path, "question %q is multiple choice: use includes or includesAny", q.ID)
	}
}

// Questionnaire returns a deep copy of the questionnaire the form was
// compiled from.
func (f *Form) Questionnaire() Questionnaire { return cloneQuestionnaire(f.doc) }

// ID returns the questionnaire's id.
func (f *Form) ID() string { return f.doc.ID }

// Version returns the questionnaire's version.
func (f *Form) Version() string { return f.doc.Version }

// Ref returns "id@version", the reference an assessment records.
func (f *Form) Ref() string { return f.doc.ID + "@" + f.doc.Version }

// Title returns the questionnaire's title.
func (f *Form) Title() string { return f.doc.Title }

// Len returns the number of questions.
func (f *Form) Len() int { return len(f.questions) }

// Question returns the question with id.
func (f *Form) Question(id string) (Question, bool) {
	i, ok := f.index[id]
	if !ok {
		return Question{}, false
	}
	return cloneQuestion(*f.questions[i]), true
}

// Outcome returns the outcome with id.
func (f *Form) Outcome(id string) (Outcome, bool) {
	i, ok := f.outcomes[id]
	if !ok {
		return Outcome{}, false
	}
	return f.doc.Outcomes[i], true
}

// Describe renders a condition for people, e.g.
// "uses-emotion = yes and not (derogation)". It does not validate.
func Describe(c *Condition) string {
	if c == nil {
		return "always"
	}
	switch {
	case c.All != nil:
		return joinConds(c.All, " and ")
	case c.Any != nil:
		return joinConds(c.Any, " or ")
	case c.Not != nil:
		return "not (" + Describe(c.Not) + ")"
	case c.Ref != "":
		return "(" + c.Ref + ")"
	case c.Equals != nil:
		return c.Question + " = " + c.Equals.String()
	case c.In != nil:
		s := make([]string, len(c.In))
		for i, v := range c.In {
			s[i] = v.String()
		}
		return c.Question + " in [" + strings.Join(s, ", ") + "]"
	case c.Includes != "":
		return c.Question + " includes " + c.Includes
	case c.IncludesAny != nil:
		return c.Question + " includes any of [" + strings.Join(c.IncludesAny, ", ") + "]"
	case c.AtLeast != nil && c.AtMost != nil:
		return fmt.Sprintf("%s between %s and %s", c.Question, fmtNum(*c.AtLeast), fmtNum(*c.AtMost))
	case c.AtLeast != nil:
		return c.Question + " >= " + fmtNum(*c.AtLeast)
	case c.AtMost != nil:
		return c.Question + " <= " + fmtNum(*c.AtMost)
	case c.Answered != nil:
		if *c.Answered {
			return c.Question + " answered"
		}
		return c.Question + " not answered"
	}
	return c.Question
}

func fmtNum(n float64) string { return strconv.FormatFloat(n, 'g', -1, 64) }

func joinConds(cs []Condition, sep string) string {
	if len(cs) == 0 {
		return "always"
	}
	s := make([]string, len(cs))
	for i := range cs {
		d := Describe(&cs[i])
		if len(cs) > 1 && (cs[i].All != nil || cs[i].Any != nil) {
			d = "(" + d + ")"
		}
		s[i] = d
	}
	return strings.Join(s, sep)
}
