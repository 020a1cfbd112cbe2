package impact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/invopop/jsonschema"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/internal/strictjson"
)

// Input limits. A questionnaire or an answers file is a document a person
// writes; the limits keep a hostile one from exhausting memory or time.
// They are checked before anything is decoded; YAML input has the
// further limits [MaxYAMLSize], [MaxYAMLEntries] and [MaxYAMLNodes].
const (
	// MaxQuestionnaireSize bounds an encoded questionnaire.
	MaxQuestionnaireSize = 4 << 20
	// MaxAnswersSize bounds an encoded answers file.
	MaxAnswersSize = 1 << 20
	// MaxValues bounds the JSON values (or YAML scalars and collections)
	// of one input.
	MaxValues = 200_000
	// MaxQuestions bounds the questions of a questionnaire, all sections
	// together.
	MaxQuestions = 10_000
	// MaxAnswers bounds the answers of an answers file.
	MaxAnswers = 10_000
)

var jsonLimits = strictjson.Limits{MaxDepth: MaxDepth, MaxValues: MaxValues}

// toJSON returns data as JSON: JSON input as it is, YAML measured, parsed
// once and converted; see [yamlToJSON].
func toJSON(data []byte, limit int, what string) ([]byte, error) {
	if len(data) > limit {
		return nil, aims.Invalid("", fmt.Sprintf("%s is %d bytes, more than the limit of %d", what, len(data), limit))
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, aims.Invalid("", what+" is empty")
	}
	if trimmed[0] == '{' {
		return trimmed, nil
	}
	return yamlToJSON(data, what)
}

// strictJSON decodes one JSON object into v after checking it in one
// bounded pass: size, depth and value count, duplicate keys, UTF-8,
// unknown fields (names matched exactly), JSON types, trailing data; then
// the text of every string. Every problem names its field path.
func strictJSON(data []byte, v any, what string) error {
	lim := jsonLimits
	lim.MaxBytes = max(len(data), 1) // the caller bounded the size
	res, err := strictjson.Unmarshal(data, v, lim)
	if err := resultErr(res); err != nil {
		return err
	}
	if err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return aims.Invalid(te.Field, fmt.Sprintf("must be %s, got %s", jsonKind(te.Type.Kind().String()), te.Value))
		}
		return aims.Invalid("", fmt.Sprintf("%s: %v", what, err))
	}
	return resultErr(strictjson.Tidy(v, false))
}

// resultErr returns res's problems as an [*aims.ValidationError], or nil.
func resultErr(res strictjson.Result) error {
	var p aims.Problems
	for _, q := range res.Problems {
		p.Add(q.Path, q.Rule)
	}
	if res.Omitted > 0 {
		p.Merge("", aims.Invalid("", fmt.Sprintf("and %d more problems", res.Omitted)))
	}
	return p.Err()
}

func jsonKind(k string) string {
	switch k {
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	case "ptr":
		return "an object"
	}
	return "a " + k
}

// DecodeQuestionnaire reads a questionnaire from JSON or YAML, refusing
// unknown fields, and compiles it. Errors are [*aims.ValidationError]
// values matching [aims.ErrInvalid].
func DecodeQuestionnaire(data []byte) (*Form, error) {
	js, err := toJSON(data, MaxQuestionnaireSize, "questionnaire")
	if err != nil {
		return nil, err
	}
	var q Questionnaire
	if err := strictJSON(js, &q, "questionnaire"); err != nil {
		return nil, err
	}
	n := 0
	for _, s := range q.Sections {
		n += len(s.Questions)
	}
	if n > MaxQuestions {
		return nil, aims.Invalid("sections", fmt.Sprintf("more than %d questions (%d)", MaxQuestions, n))
	}
	return Compile(q)
}

// EncodeQuestionnaire writes q as indented JSON, the form
// [DecodeQuestionnaire] reads back.
func EncodeQuestionnaire(w io.Writer, q Questionnaire) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(q)
}

// DecodeAnswers reads an answers file: a JSON object or YAML mapping from
// question id to answer (true/false, a number, a string, a list of
// strings). It checks the form only; [Form.Evaluate] checks the answers
// against a questionnaire.
func DecodeAnswers(data []byte) (Answers, error) {
	js, err := toJSON(data, MaxAnswersSize, "answers")
	if err != nil {
		return nil, err
	}
	js = bytes.TrimSpace(js)
	if len(js) == 0 || js[0] != '{' {
		return nil, aims.Invalid("", "answers must be a mapping from question id to answer")
	}
	var raw map[string]json.RawMessage
	if err := strictJSON(js, &raw, "answers"); err != nil {
		return nil, err
	}
	if len(raw) > MaxAnswers {
		return nil, aims.Invalid("", fmt.Sprintf("more than %d answers (%d)", MaxAnswers, len(raw)))
	}
	var p aims.Problems
	a := make(Answers, len(raw))
	for _, id := range sortedKeys(raw) {
		var v Value
		if err := v.UnmarshalJSON(raw[id]); err != nil {
			p.Add("answers."+id, err.Error())
			continue
		}
		a[id] = v
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return a, nil
}

// EncodeAnswers writes a as indented JSON with sorted keys.
func EncodeAnswers(w io.Writer, a Answers) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// schemaOf reflects v's type into an indented JSON Schema.
func schemaOf(v any, id, title string) ([]byte, error) {
	r := &jsonschema.Reflector{DoNotReference: false, ExpandedStruct: true}
	s := r.Reflect(v)
	s.ID = jsonschema.ID(id)
	s.Title = title
	return json.MarshalIndent(s, "", "  ")
}

// QuestionnaireSchema returns the JSON Schema of a questionnaire document,
// for editors and other tools. It describes the form; [Compile] checks the
// rules a schema cannot (unique ids, conditions on earlier questions).
func QuestionnaireSchema() ([]byte, error) {
	return schemaOf(&Questionnaire{}, "https://github.com/aimsgo/iso42001/schemas/impact-questionnaire.json", "Questionnaire")
}

// AnswersSchema returns the JSON Schema of an answers file.
func AnswersSchema() ([]byte, error) {
	return schemaOf(&Answers{}, "https://github.com/aimsgo/iso42001/schemas/impact-answers.json", "Answers")
}

func cloneQuestionnaire(q Questionnaire) Questionnaire {
	out := q
	out.Sections = slices.Clone(q.Sections)
	for i := range out.Sections {
		s := &out.Sections[i]
		s.When = cloneCond(s.When)
		s.Questions = slices.Clone(s.Questions)
		for j := range s.Questions {
			s.Questions[j] = cloneQuestion(s.Questions[j])
		}
	}
	out.Conditions = slices.Clone(q.Conditions)
	for i := range out.Conditions {
		out.Conditions[i].When = *cloneCond(&out.Conditions[i].When)
	}
	out.Outcomes = slices.Clone(q.Outcomes)
	for i := range out.Outcomes {
		o := &out.Outcomes[i]
		o.Obligations = slices.Clone(o.Obligations)
		for j := range o.Obligations {
			o.Obligations[j].When = cloneCond(o.Obligations[j].When)
		}
	}
	out.Rules = slices.Clone(q.Rules)
	for i := range out.Rules {
		out.Rules[i] = cloneRule(out.Rules[i])
	}
	if q.Default != nil {
		d := cloneRule(*q.Default)
		out.Default = &d
	}
	return out
}

func cloneQuestion(q Question) Question {
	q.Choices = slices.Clone(q.Choices)
	q.When = cloneCond(q.When)
	if q.Min != nil {
		m := *q.Min
		q.Min = &m
	}
	if q.Max != nil {
		m := *q.Max
		q.Max = &m
	}
	return q
}

func cloneRule(r Rule) Rule {
	r.When = cloneCond(r.When)
	r.Obligations = slices.Clone(r.Obligations)
	for i := range r.Obligations {
		r.Obligations[i].When = cloneCond(r.Obligations[i].When)
	}
	return r
}

func cloneCond(c *Condition) *Condition {
	if c == nil {
		return nil
	}
	out := *c
	if c.Equals != nil {
		v := cloneValue(*c.Equals)
		out.Equals = &v
	}
	if c.In != nil {
		out.In = make([]Value, len(c.In))
		for i, v := range c.In {
			out.In[i] = cloneValue(v)
		}
	}
	out.IncludesAny = slices.Clone(c.IncludesAny)
	if c.AtLeast != nil {
		v := *c.AtLeast
		out.AtLeast = &v
	}
	if c.AtMost != nil {
		v := *c.AtMost
		out.AtMost = &v
	}
	if c.Answered != nil {
		v := *c.Answered
		out.Answered = &v
	}
	if c.All != nil {
		out.All = make([]Condition, len(c.All))
		for i := range c.All {
			out.All[i] = *cloneCond(&c.All[i])
		}
	}
	if c.Any != nil {
		out.Any = make([]Condition, len(c.Any))
		for i := range c.Any {
			out.Any[i] = *cloneCond(&c.Any[i])
		}
	}
	out.Not = cloneCond(c.Not)
	return &out
}

func cloneValue(v Value) Value {
	v.l = slices.Clone(v.l)
	return v
}
