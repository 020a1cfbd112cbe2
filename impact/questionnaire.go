package impact

// QuestionType is the type of answer a [Question] takes. Values are
// append-only.
type QuestionType string

// Question types.
const (
	// YesNo takes true or false (an answers file may also write "yes"/"no").
	YesNo QuestionType = "yes-no"
	// SingleChoice takes the id of one of the question's choices.
	SingleChoice QuestionType = "single"
	// MultipleChoice takes a list of distinct choice ids.
	MultipleChoice QuestionType = "multiple"
	// Number takes a finite number, within Min and Max when set.
	Number QuestionType = "number"
	// FreeText takes a string.
	FreeText QuestionType = "text"
)

// Valid reports whether t is a known question type.
func (t QuestionType) Valid() bool {
	switch t {
	case YesNo, SingleChoice, MultipleChoice, Number, FreeText:
		return true
	}
	return false
}

// Questionnaire is a questionnaire as data, the form it takes in a JSON or
// YAML file: sections of typed questions, each shown only when its
// condition holds, and rules that turn the answers into an outcome with
// reasons and obligations. It is the document; [Compile] validates it and
// returns the [Form] that evaluates answers. Keeping questionnaires as data
// lets an organisation version, review and replace them (a new legal
// reading is a new file, not a new release of this SDK).
type Questionnaire struct {
	// ID names the questionnaire, e.g. "eu-ai-act-screening".
	ID string `json:"id" jsonschema:"minLength=1"`
	// Version is the questionnaire's own version, e.g. "2024.1". An
	// assessment records "id@version" so that its answers are read against
	// the questionnaire they were given for.
	Version string `json:"version" jsonschema:"minLength=1"`
	// Title names the questionnaire for people.
	Title string `json:"title"`
	// Description says what the questionnaire is for.
	Description string `json:"description,omitempty"`
	// Notice is shown with every result, e.g. that a screening is not
	// legal advice.
	Notice string `json:"notice,omitempty"`
	// Sections hold the questions, in the order they are asked.
	Sections []Section `json:"sections"`
	// Conditions are named conditions that questions and rules reuse with
	// {ref: id}; a definition may refer only to definitions before it.
	Conditions []NamedCondition `json:"conditions,omitempty"`
	// Outcomes are the results the rules can reach, most significant
	// first: the result is the first outcome any fired rule names.
	Outcomes []Outcome `json:"outcomes,omitempty"`
	// Rules turn answers into reasons, outcomes and obligations.
	Rules []Rule `json:"rules,omitempty"`
	// Default is the rule that applies when no fired rule names an
	// outcome; it has no condition.
	Default *Rule `json:"default,omitempty"`
}

// Section groups questions under a heading.
type Section struct {
	// ID names the section, unique within the questionnaire.
	ID string `json:"id" jsonschema:"minLength=1"`
	// Title is the heading.
	Title string `json:"title"`
	// Description introduces the section.
	Description string `json:"description,omitempty"`
	// When shows the whole section only when it holds; it may refer only to
	// questions of earlier sections.
	When *Condition `json:"when,omitempty"`
	// Questions are asked in order.
	Questions []Question `json:"questions"`
}

// Question is one typed question.
type Question struct {
	// ID names the question, unique within the questionnaire; answers are
	// keyed by it.
	ID string `json:"id" jsonschema:"minLength=1"`
	// Text is the question as asked.
	Text string `json:"text"`
	// Help explains the question or gives examples.
	Help string `json:"help,omitempty"`
	// Type is the answer's type.
	Type QuestionType `json:"type" jsonschema:"enum=yes-no,enum=single,enum=multiple,enum=number,enum=text"`
	// Required makes an answer mandatory whenever the question is shown.
	Required bool `json:"required,omitempty"`
	// Choices are the options of a single or multiple choice question.
	Choices []Choice `json:"choices,omitempty"`
	// When shows the question only when it holds; it may refer only to
	// questions asked before this one.
	When *Condition `json:"when,omitempty"`
	// Reference cites what the question is about, e.g. "Art. 5(1)(f)".
	Reference string `json:"reference,omitempty"`
	// Min and Max bound a number answer, inclusive, when set.
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
}

// Choice is one option of a choice question.
type Choice struct {
	// ID is the value an answer gives, unique within the question.
	ID string `json:"id" jsonschema:"minLength=1"`
	// Label is the option as shown.
	Label string `json:"label"`
	// Reference cites what the option is about, e.g. "Annex III 5(b)".
	Reference string `json:"reference,omitempty"`
	// Exclusive marks an option such as "none of these" that a multiple
	// choice answer may not combine with others.
	Exclusive bool `json:"exclusive,omitempty"`
}

// Condition is the small condition language of questionnaires. A
// condition either tests one earlier question (Question with exactly one
// predicate, or AtLeast and AtMost together) or combines others (All, Any,
// Not) or refers to a named condition (Ref). A question that is
// unanswered, or hidden, satisfies no predicate but Answered=false.
//
//	when: {question: uses-biometrics, equals: true}
//	when: {all: [{question: area, in: [employment, education]}, {not: {ref: derogation}}]}
type Condition struct {
	// Question is the id of the question tested.
	Question string `json:"question,omitempty"`
	// Equals holds when the answer equals the value (yes-no, single choice,
	// number, text).
	Equals *Value `json:"equals,omitempty"`
	// In holds when the answer equals one of the values.
	In []Value `json:"in,omitempty"`
	// Includes holds when a multiple-choice answer holds the choice id.
	Includes string `json:"includes,omitempty"`
	// IncludesAny holds when a multiple-choice answer holds one of the ids.
	IncludesAny []string `json:"includesAny,omitempty"`
	// AtLeast and AtMost hold when a number answer is within them,
	// inclusive.
	AtLeast *float64 `json:"atLeast,omitempty"`
	AtMost  *float64 `json:"atMost,omitempty"`
	// Answered holds when the question was (true) or was not (false)
	// answered while shown. A multiple-choice answer with no choices counts
	// as not answered.
	Answered *bool `json:"answered,omitempty"`

	// All holds when every condition holds (and when it is empty).
	All []Condition `json:"all,omitempty"`
	// Any holds when one of the conditions holds.
	Any []Condition `json:"any,omitempty"`
	// Not holds when its condition does not.
	Not *Condition `json:"not,omitempty"`
	// Ref holds when the named condition does.
	Ref string `json:"ref,omitempty"`
}

// NamedCondition is a condition defined once and reused by {ref: id}.
type NamedCondition struct {
	// ID names the condition.
	ID string `json:"id" jsonschema:"minLength=1"`
	// When is the condition.
	When Condition `json:"when"`
}

// Outcome is a result a questionnaire can reach, such as a risk tier.
type Outcome struct {
	// ID names the outcome, e.g. "high-risk".
	ID string `json:"id" jsonschema:"minLength=1"`
	// Title names it for people.
	Title string `json:"title"`
	// Description says what it means.
	Description string `json:"description,omitempty"`
	// Exclusive outcomes, when reached, keep only the obligations of rules
	// naming them: for a prohibited practice the lesser tiers' duties are
	// moot.
	Exclusive bool `json:"exclusive,omitempty"`
	// Obligations follow whenever the outcome is reached (each subject to
	// its own condition), before those of the rules.
	Obligations []Obligation `json:"obligations,omitempty"`
}

// Rule turns answers into a reason. When its condition holds it fires:
// its text and reference become a [Reason] traced to the answers the
// condition read, it proposes its outcome (empty: a note that sets no
// outcome), and its obligations whose own conditions hold apply.
type Rule struct {
	// ID names the rule.
	ID string `json:"id" jsonschema:"minLength=1"`
	// When is the rule's condition; absent means always.
	When *Condition `json:"when,omitempty"`
	// Outcome is the id of the outcome the rule proposes, or empty.
	Outcome string `json:"outcome,omitempty"`
	// Text is the reason in plain words.
	Text string `json:"text"`
	// Reference cites the provision behind it, e.g. "Annex III, point 5(b)".
	Reference string `json:"reference,omitempty"`
	// Obligations follow when the rule fires.
	Obligations []Obligation `json:"obligations,omitempty"`
}

// Obligation is a duty that follows from a fired rule, for the roles its
// condition selects.
type Obligation struct {
	// ID names the obligation; obligations are reported once per ID.
	ID string `json:"id" jsonschema:"minLength=1"`
	// Role is who bears it, e.g. "provider", "deployer", "all".
	Role string `json:"role,omitempty"`
	// Reference cites the provision, e.g. "Art. 26".
	Reference string `json:"reference,omitempty"`
	// Text states the duty in plain words.
	Text string `json:"text"`
	// When limits the obligation, e.g. to an answer naming the role.
	When *Condition `json:"when,omitempty"`
}
