package impact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/invopop/jsonschema"

	"github.com/aimsgo/iso42001/aims"
)

// Input limits. A questionnaire or an answers file is a document a person
// writes; the limits keep a hostile one from exhausting memory.
const (
	// MaxQuestionnaireSize bounds an encoded questionnaire.
	MaxQuestionnaireSize = 4 << 20
	// MaxAnswersSize bounds an encoded answers file.
	MaxAnswersSize = 1 << 20
)

// toJSON returns data as JSON: JSON input as it is, YAML converted. YAML
// anchors and aliases are refused, because expanding them is how a small
// file becomes a huge one ("billion laughs"), and a questionnaire or an
// answers file has no need of them. So is a file of several YAML
// documents.
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
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, aims.Invalid("", fmt.Sprintf("%s is not valid YAML: %v", what, err))
	}
	if len(file.Docs) != 1 {
		return nil, aims.Invalid("", fmt.Sprintf("%s must be one YAML document, got %d", what, len(file.Docs)))
	}
	if body := file.Docs[0].Body; body != nil {
		if len(ast.Filter(ast.AliasType, body)) > 0 || len(ast.Filter(ast.AnchorType, body)) > 0 {
			return nil, aims.Invalid("", what+" uses YAML anchors or aliases, which are not supported")
		}
	}
	out, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, aims.Invalid("", fmt.Sprintf("%s is not valid YAML: %v", what, err))
	}
	return out, nil
}

// strictJSON decodes one JSON object into v, refusing unknown fields and
// trailing data.
func strictJSON(data []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return aims.Invalid(te.Field, fmt.Sprintf("must be %s, got %s", jsonKind(te.Type.Kind().String()), te.Value))
		}
		return aims.Invalid("", fmt.Sprintf("%s: %v", what, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return aims.Invalid("", what+" has data after its end")
	}
	return nil
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
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, aims.Invalid("", fmt.Sprintf("answers: %v", err))
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
