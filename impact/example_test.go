package impact_test

import (
	"fmt"

	"github.com/aimsgo/iso42001/impact"
)

// A customer-service chatbot screened against the EU AI Act: the answers
// file is a YAML map from question id to answer.
func ExampleScreen() {
	answers, err := impact.DecodeAnswers([]byte(`
role: [provider, deployer]
public-service: no
manipulation: no
exploits-vulnerabilities: no
social-scoring: no
crime-prediction: no
face-scraping: no
emotion-recognition: no
sensitive-categorisation: no
realtime-rbi: no
annex-i-product: no
annex-iii: [none]
interacts-with-people: yes
interaction-obvious: no
generates-synthetic-content: no
biometric-categorisation: no
deep-fake: no
public-interest-text: no
gpai-model: no
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := impact.Screen(answers)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("tier:", s.Tier)
	for _, r := range s.Reasons {
		fmt.Printf("- %s: %s\n", r.Reference, r.Text)
	}
	for _, d := range s.Obligations {
		fmt.Printf("* %s %s\n", d.Role, d.Reference)
	}
	// Output:
	// tier: transparency
	// - Art. 50(1): Interacts directly with natural persons who may not realise they are dealing with an AI system.
	// - Art. 4: Everyone who provides or deploys an AI system must ensure a sufficient level of AI literacy of the staff dealing with it.
	// * provider Art. 50(1)
	// * all Art. 4
}

// A questionnaire is data: questions shown only when earlier answers call
// for them, and rules that turn answers into an outcome with reasons.
func ExampleDecodeQuestionnaire() {
	form, err := impact.DecodeQuestionnaire([]byte(`
id: data-check
version: "1"
title: Data check
sections:
  - id: data
    title: Data
    questions:
      - {id: personal, text: "Personal data?", type: yes-no, required: true}
      - id: kinds
        text: Which kinds?
        type: multiple
        required: true
        when: {question: personal, equals: true}
        choices: [{id: health, label: Health}, {id: contact, label: Contact details}]
outcomes:
  - {id: sensitive, title: Sensitive}
  - {id: ordinary, title: Ordinary}
rules:
  - {id: health, outcome: sensitive, when: {question: kinds, includes: health}, text: "Health data is a special category.", reference: "GDPR Art. 9"}
default: {id: none, outcome: ordinary, text: "No special category."}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := form.Evaluate(impact.Answers{"personal": impact.BoolValue(true), "kinds": impact.ListValue("health")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Outcome, "-", res.Reasons[0].Reference, "-", res.Reasons[0].Trace[0].Question, "=", res.Reasons[0].Trace[0].Answer)

	_, err = form.Evaluate(impact.Answers{"personal": impact.BoolValue(false), "kinds": impact.ListValue("contact")})
	fmt.Println(err)
	// Output:
	// sensitive - GDPR Art. 9 - kinds = health
	// invalid: answers.kinds: answers a hidden question: it is asked only when personal = yes
}
