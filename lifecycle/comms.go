package lifecycle

import (
	"time"

	"github.com/aimsgo/iso42001/aims"
)

// Record kinds of [Awareness] and [Communication].
const (
	KindAwareness     = "awareness"
	KindCommunication = "communication"
)

// Awareness records that people working under the organisation's control
// were made aware of the AI policy, their contribution to the AIMS and
// what not conforming implies (clause 7.3): a briefing, a course, a
// signed read-and-understood.
type Awareness struct {
	aims.Meta
	// Topic names what people were made aware of.
	Topic string `json:"topic"`
	// Audience names who, e.g. "data science team", "all staff".
	Audience string `json:"audience"`
	// Participants lists the actor ids of those reached, where known.
	Participants []string `json:"participants,omitempty"`
	// Method says how, e.g. "workshop", "e-learning".
	Method string `json:"method,omitempty"`
	// Date is when it took place.
	Date time.Time `json:"date,omitzero"`
	// CoversPolicy, CoversContribution and CoversNonconformity record
	// which of the three points of 7.3 it covered.
	CoversPolicy        bool `json:"coversPolicy"`
	CoversContribution  bool `json:"coversContribution"`
	CoversNonconformity bool `json:"coversNonconformity"`
	// Responsible is the actor who organised it.
	Responsible string `json:"responsible"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem.
func (a *Awareness) Validate() error {
	var p aims.Problems
	checkHeader(&p, &a.Meta, KindAwareness)
	requireLine(&p, "topic", a.Topic, maxTitle)
	requireLine(&p, "audience", a.Audience, maxTitle)
	checkIDs(&p, "participants", a.Participants)
	line(&p, "method", a.Method, maxTitle)
	actor(&p, "responsible", a.Responsible, true)
	if !a.CoversPolicy && !a.CoversContribution && !a.CoversNonconformity {
		p.Add("coversPolicy", "at least one of coversPolicy, coversContribution and coversNonconformity must be true")
	}
	return p.Err()
}

// Attributes returns the filterable attributes: responsible.
func (a *Awareness) Attributes() map[string]string {
	m := map[string]string{}
	if aims.ValidName(a.Responsible) {
		m["responsible"] = a.Responsible
	}
	return m
}

// Awarenesses returns the collection of awareness records in ws.
func Awarenesses(ws *aims.Workspace) *aims.Collection[Awareness, *Awareness] {
	return aims.NewCollection[Awareness](ws, KindAwareness, 1)
}

// Audience says whether a [Communication] is internal or external.
// Values are append-only.
type Audience string

// Audiences.
const (
	AudienceInternal Audience = "internal"
	AudienceExternal Audience = "external"
)

// Valid reports whether a is internal or external.
func (a Audience) Valid() bool { return a == AudienceInternal || a == AudienceExternal }

// Communication is a planned communication about the AIMS (clause 7.4):
// what, when, with whom, how, and who communicates.
type Communication struct {
	aims.Meta
	// What is communicated.
	What string `json:"what"`
	// When says when or how often, e.g. "quarterly", "on each release".
	When string `json:"when"`
	// With names with whom.
	With string `json:"with"`
	// How says through which channel.
	How string `json:"how"`
	// Communicator is the actor who communicates.
	Communicator string `json:"communicator"`
	// Audience says whether it is internal or external.
	Audience Audience `json:"audience"`
	// AISystems lists the ids of the AI systems it concerns, if any.
	AISystems []string `json:"aiSystems,omitempty"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem.
func (c *Communication) Validate() error {
	var p aims.Problems
	checkHeader(&p, &c.Meta, KindCommunication)
	requireText(&p, "what", c.What)
	requireLine(&p, "when", c.When, maxTitle)
	requireLine(&p, "with", c.With, maxTitle)
	requireLine(&p, "how", c.How, maxTitle)
	actor(&p, "communicator", c.Communicator, true)
	if !c.Audience.Valid() {
		p.Addf("audience", "must be internal or external, got %q", clip(string(c.Audience)))
	}
	checkIDs(&p, "aiSystems", c.AISystems)
	return p.Err()
}

// Attributes returns the filterable attributes: audience, communicator,
// and "system:<id>" = "true" per AI system.
func (c *Communication) Attributes() map[string]string {
	a := map[string]string{"audience": string(c.Audience)}
	if aims.ValidName(c.Communicator) {
		a["communicator"] = c.Communicator
	}
	systemKeys(a, c.AISystems)
	return a
}

// Communications returns the collection of planned communications in ws.
func Communications(ws *aims.Workspace) *aims.Collection[Communication, *Communication] {
	return aims.NewCollection[Communication](ws, KindCommunication, 1)
}
