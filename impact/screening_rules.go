package impact

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// LegalText identifies a text of the Regulation: the act as published and
// the amendments it incorporates.
type LegalText struct {
	// Act names the act, e.g. "Regulation (EU) 2024/1689".
	Act string `json:"act"`
	// Published cites its publication, e.g. "OJ L, 12.7.2024".
	Published string `json:"published"`
	// ELI is the act's European Legislation Identifier.
	ELI string `json:"eli"`
	// InForce is the day the act entered into force.
	InForce time.Time `json:"inForce"`
	// Amendments are the amending acts incorporated, oldest first.
	Amendments []Amendment `json:"amendments,omitempty"`
}

// String cites the text in one line, e.g. "Regulation (EU) 2024/1689
// (OJ L, 12.7.2024) as amended by Regulation (EU) 2026/1744".
func (t LegalText) String() string {
	s := t.Act + " (" + t.Published + ")"
	for i, a := range t.Amendments {
		if i == 0 {
			s += " as amended by "
		} else {
			s += ", "
		}
		s += a.Act
	}
	return s
}

// Amendment is an act amending the Regulation.
type Amendment struct {
	// Act names the amending act, e.g. "Regulation (EU) 2026/1744".
	Act string `json:"act"`
	// Name is its common name, e.g. "Digital Omnibus on AI".
	Name string `json:"name,omitempty"`
	// Published cites its publication, e.g. "OJ L, 24.7.2026".
	Published string `json:"published"`
	// InForce is the day it entered into force.
	InForce time.Time `json:"inForce"`
	// Changes says in a few words what it changes that the screening
	// encodes.
	Changes string `json:"changes"`
}

// Milestone is a day from which part of the Regulation applies.
type Milestone struct {
	// From is the day, as midnight UTC.
	From time.Time `json:"from"`
	// Label says in a few words what applies from it.
	Label string `json:"label"`
	// Basis cites the provision that sets the day, e.g. "Art. 113(a)".
	Basis string `json:"basis"`
}

// span is a run of articles that apply from one milestone: articles Lo to
// Hi, only paragraph Para when Para > 0, or the provisions that cite Annex
// (e.g. "III") when Annex is set.
type span struct {
	lo, hi, para int
	annex        string
	milestone    int
}

// Schedule is a version of the screening's legal rules: which text of the
// Regulation they encode and when each of its provisions applies (Article
// 113 of that text). It is immutable.
type Schedule struct {
	version    string
	text       LegalText
	milestones []Milestone
	spans      []span // first match wins
	general    int    // milestone of everything no span names
}

// Version names the schedule, e.g. "2024/1689+2026/1744".
func (s *Schedule) Version() string { return s.version }

// Text is the legal text the schedule encodes.
func (s *Schedule) Text() LegalText {
	t := s.text
	t.Amendments = append([]Amendment(nil), s.text.Amendments...)
	return t
}

// Milestones lists the application days, earliest first.
func (s *Schedule) Milestones() []Milestone { return append([]Milestone(nil), s.milestones...) }

// AppliesFrom returns the milestone from which the provision that
// reference cites applies: the first article it names ("Art. 6(1),
// Annex I" is Article 6(1)), or the Annex when it names no article
// ("Annex III point 5(b)"). It reports false for a reference that names
// neither.
func (s *Schedule) AppliesFrom(reference string) (Milestone, bool) {
	art, para, annex := parseReference(reference)
	if art == 0 && annex == "" {
		return Milestone{}, false
	}
	for _, sp := range s.spans {
		switch {
		case sp.annex != "":
			if art == 0 && annex == sp.annex {
				return s.milestones[sp.milestone], true
			}
		case art >= sp.lo && art <= sp.hi && (sp.para == 0 || sp.para == para):
			return s.milestones[sp.milestone], true
		}
	}
	if art == 0 {
		return Milestone{}, false
	}
	return s.milestones[s.general], true
}

// parseReference finds the first "Art. N(p)" (or "Article N(p)") of a
// reference, and failing that the first "Annex X" it names.
func parseReference(ref string) (art, para int, annex string) {
	for _, key := range []string{"Art. ", "Article "} {
		rest := ref
		for {
			i := strings.Index(rest, key)
			if i < 0 {
				break
			}
			rest = rest[i+len(key):]
			n, tail := leadingInt(rest)
			if n == 0 {
				continue
			}
			art = n
			if strings.HasPrefix(tail, "(") {
				para, _ = leadingInt(tail[1:])
			}
			return art, para, ""
		}
	}
	if i := strings.Index(ref, "Annex "); i >= 0 {
		rest := ref[i+len("Annex "):]
		j := 0
		for j < len(rest) && strings.IndexByte("IVX", rest[j]) >= 0 {
			j++
		}
		return 0, 0, rest[:j]
	}
	return 0, 0, ""
}

func leadingInt(s string) (int, string) {
	j := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == 0 || j > 4 {
		return 0, s
	}
	n, _ := strconv.Atoi(s[:j])
	return n, s[j:]
}

func ymd(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// regulation is Regulation (EU) 2024/1689 as published.
func regulation() LegalText {
	return LegalText{
		Act:       "Regulation (EU) 2024/1689",
		Published: "OJ L, 12.7.2024",
		ELI:       "http://data.europa.eu/eli/reg/2024/1689/oj",
		InForce:   ymd(2024, time.August, 1),
	}
}

// Milestones shared by both texts.
var (
	mChapters12 = Milestone{ymd(2025, time.February, 2), "Chapters I and II: general provisions, AI literacy (Art. 4), prohibited practices (Art. 5)", "Art. 113(a)"}
	mGPAI       = Milestone{ymd(2025, time.August, 2), "Chapter III Section 4, Chapter V (general-purpose AI models), Chapter VII (governance), Chapter XII (penalties, except Art. 101), Art. 78", "Art. 113(b)"}
	mGeneral    = Milestone{ymd(2026, time.August, 2), "The rest of the Regulation, including Art. 50 (transparency)", "Art. 113, second paragraph"}
)

// Spans shared by both texts: Chapters I-II; Chapter III Section 4
// (Art. 28-39), Chapter V (Art. 51-56), Chapter VII (Art. 64-70),
// Art. 78 and Chapter XII (Art. 99-100; Art. 101 applies later).
func earlySpans(ch12, gpai int) []span {
	return []span{
		{lo: 1, hi: 5, milestone: ch12},
		{lo: 28, hi: 39, milestone: gpai},
		{lo: 51, hi: 56, milestone: gpai},
		{lo: 64, hi: 70, milestone: gpai},
		{lo: 78, hi: 78, milestone: gpai},
		{lo: 99, hi: 100, milestone: gpai},
	}
}

// asPublished is the schedule of Regulation (EU) 2024/1689 as published:
// Article 6(1) (Annex I products) and the obligations that go with it
// from 2 August 2027, the rest of the high-risk regime with the general
// day.
func asPublished() *Schedule {
	annexI := Milestone{ymd(2027, time.August, 2), "Art. 6(1): high-risk AI systems under Annex I legislation, and their obligations", "Art. 113(c)"}
	s := &Schedule{
		version:    "2024/1689",
		text:       regulation(),
		milestones: []Milestone{mChapters12, mGPAI, mGeneral, annexI},
		general:    2,
	}
	s.spans = append([]span{{lo: 6, hi: 6, para: 1, milestone: 3}, {annex: "I", milestone: 3}, {annex: "III", milestone: 2}}, earlySpans(0, 1)...)
	return s
}

// asAmended is the schedule of Regulation (EU) 2024/1689 as amended by
// Regulation (EU) 2026/1744 (the Digital Omnibus on AI): Chapter III
// Sections 1-3 (Art. 6-27: classification, requirements, obligations of
// providers and deployers) apply from 2 December 2027 to Annex III
// systems and from 2 August 2028 to Annex I systems; Article 6(5) keeps
// the general day. The amendment's other changes to dates (a grace period
// for Art. 50(2) marking by systems already on the market, the new
// Art. 5(1)(ba)-(bb) prohibitions from 2 December 2026) are not encoded:
// the questionnaire asks no question about them yet.
func asAmended() *Schedule {
	text := regulation()
	text.Amendments = []Amendment{{
		Act:       "Regulation (EU) 2026/1744",
		Name:      "Digital Omnibus on AI",
		Published: "OJ L, 24.7.2026",
		InForce:   ymd(2026, time.July, 27),
		Changes:   "Art. 113(c): the high-risk regime (Chapter III Sections 1-3) applies to Annex III systems from 2 December 2027 and to Annex I systems from 2 August 2028",
	}}
	annexIII := Milestone{ymd(2027, time.December, 2), "Chapter III Sections 1-3 for Annex III high-risk AI systems (Art. 6(2)-(4))", "Art. 113(c) as amended by Regulation (EU) 2026/1744"}
	annexI := Milestone{ymd(2028, time.August, 2), "Chapter III Sections 1-3 for high-risk AI systems under Annex I legislation (Art. 6(1))", "Art. 113(c) as amended by Regulation (EU) 2026/1744"}
	s := &Schedule{
		version:    "2024/1689+2026/1744",
		text:       text,
		milestones: []Milestone{mChapters12, mGPAI, mGeneral, annexIII, annexI},
		general:    2,
	}
	s.spans = append([]span{
		{lo: 6, hi: 6, para: 1, milestone: 4},
		{annex: "I", milestone: 4},
		{lo: 6, hi: 6, para: 5, milestone: 2},
		{lo: 6, hi: 27, milestone: 3},
		{annex: "III", milestone: 3},
	}, earlySpans(0, 1)...)
	return s
}

var schedules = sync.OnceValue(func() []*Schedule { return []*Schedule{asPublished(), asAmended()} })

// EUAIActSchedules lists the versions of the screening's legal rules the
// SDK knows, oldest first: Regulation (EU) 2024/1689 as published, then
// as amended by Regulation (EU) 2026/1744. The schedules are shared and
// immutable.
func EUAIActSchedules() []*Schedule { return append([]*Schedule(nil), schedules()...) }

// EUAIActSchedule returns the newest schedule, the one [Screen] and
// [ScreenWith] apply.
func EUAIActSchedule() *Schedule {
	all := schedules()
	return all[len(all)-1]
}

// RulesVersion records the rules a screening applied: the questionnaire
// that classified the system and the legal text, with its schedule, that
// dated the duties.
type RulesVersion struct {
	// Questionnaire is the "id@version" of the screening questionnaire.
	Questionnaire string `json:"questionnaire"`
	// Schedule is the [Schedule.Version] that dated the duties.
	Schedule string `json:"schedule"`
	// Text is the legal text the schedule encodes.
	Text LegalText `json:"text"`
}

// Applicability is the day from which a duty of a screening applies.
type Applicability struct {
	// Obligation is the duty's id.
	Obligation string `json:"obligation"`
	// Reference cites the duty's provision.
	Reference string `json:"reference,omitempty"`
	// From is the day it applies from: the later of its own provision's
	// day and the day of the provision that brought it (for a high-risk
	// duty, the classification route: Annex III or Annex I).
	From time.Time `json:"from"`
	// Basis cites what sets the day, e.g. "Art. 113(c)".
	Basis string `json:"basis"`
}
