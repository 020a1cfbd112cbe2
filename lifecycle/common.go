package lifecycle

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/aimsgo/iso42001/aims"
)

// Limits on one record, so that it stays small enough to store, journal
// and render.
const (
	maxTitle = 300
	maxText  = 10_000
	maxItems = 200
)

// Source says which file a record was imported from, so that the record
// can be traced back to it (evidence for documented information, 7.5).
type Source struct {
	// Format names the file's format, e.g. [FormatModelCard].
	Format string `json:"format"`
	// Name names the file, e.g. "org/model/README.md"; optional.
	Name string `json:"name,omitempty"`
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string `json:"sha256"`
}

func (s *Source) validate(p *aims.Problems, path string) {
	if s == nil {
		return
	}
	requireLine(p, path+".format", s.Format, maxTitle)
	line(p, path+".name", s.Name, maxText)
	if len(s.SHA256) != 64 || strings.Trim(s.SHA256, "0123456789abcdef") != "" {
		p.Addf(path+".sha256", "must be 64 lowercase hex digits, got %q", clip(s.SHA256))
	}
}

// Metric is one named measurement and, where one is set, the threshold it
// must meet: a verification result (A.6.2.4) or a measured data quality
// (A.7.4).
type Metric struct {
	// Name names what is measured, e.g. "accuracy", "completeness".
	Name string `json:"name"`
	// Value is the measured value.
	Value float64 `json:"value"`
	// Threshold is the value to meet; nil when the metric is only
	// measured.
	Threshold *float64 `json:"threshold,omitempty"`
	// Direction says which side of Threshold counts as met; required with
	// a threshold.
	Direction aims.Direction `json:"direction,omitempty"`
	// Unit of Value and Threshold, e.g. "%"; optional.
	Unit string `json:"unit,omitempty"`
}

// Met reports whether the value meets the threshold; a metric without a
// threshold is not met, since nothing says it is good enough.
func (m Metric) Met() bool {
	if m.Threshold == nil {
		return false
	}
	return aims.Measure{Metric: m.Name, Target: *m.Threshold, Direction: m.Direction}.Met(m.Value)
}

func checkMetrics(p *aims.Problems, path string, list []Metric) {
	checkCount(p, path, len(list))
	seen := make(map[string]bool, len(list))
	for i, m := range list {
		ip := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case strings.TrimSpace(m.Name) == "":
			p.Add(ip+".name", "is required")
		case seen[m.Name]:
			p.Addf(ip+".name", "duplicate metric %q", clip(m.Name))
		}
		seen[m.Name] = true
		line(p, ip+".name", m.Name, maxTitle)
		line(p, ip+".unit", m.Unit, maxTitle)
		if !finite(m.Value) {
			p.Addf(ip+".value", "must be a finite number, got %g", m.Value)
		}
		if m.Threshold != nil {
			if !finite(*m.Threshold) {
				p.Addf(ip+".threshold", "must be a finite number, got %g", *m.Threshold)
			}
			if !m.Direction.Valid() {
				p.Addf(ip+".direction", "must be at-least, at-most or exactly with a threshold, got %q", m.Direction)
			}
		} else if m.Direction != "" {
			p.Add(ip+".direction", "must be empty without a threshold")
		}
	}
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// checkHeader checks what Meta may hold before the kernel stamps it.
func checkHeader(p *aims.Problems, m *aims.Meta, kind string) {
	if m.Kind != "" && m.Kind != kind {
		p.Addf("kind", "must be %q, got %q", kind, clip(m.Kind))
	}
	if m.ID != "" && !aims.ValidName(m.ID) {
		p.Addf("id", "must be a record id of 1-200 printable bytes, got %q", clip(m.ID))
	}
	if m.Version < 0 {
		p.Addf("version", "must not be negative, got %d", m.Version)
	}
	if m.SchemaVersion < 0 {
		p.Addf("schemaVersion", "must not be negative, got %d", m.SchemaVersion)
	}
}

// requireLine requires one line of at most limit bytes.
func requireLine(p *aims.Problems, path, v string, limit int) {
	p.Require(path, v)
	line(p, path, v, limit)
}

// line checks an optional one-line value.
func line(p *aims.Problems, path, v string, limit int) {
	p.Line(path, v)
	if len(v) > limit {
		p.Addf(path, "must be at most %d bytes, got %d", limit, len(v))
	}
}

// requireText requires a text of at most maxText bytes.
func requireText(p *aims.Problems, path, v string) {
	p.Require(path, v)
	text(p, path, v)
}

// text checks an optional multi-line value.
func text(p *aims.Problems, path, v string) {
	p.Text(path, v)
	if len(v) > maxText {
		p.Addf(path, "must be at most %d bytes, got %d", maxText, len(v))
	}
}

// actor checks an actor id; required or optional.
func actor(p *aims.Problems, path, v string, required bool) {
	if v == "" && !required {
		return
	}
	if !aims.ValidName(v) {
		if v == "" {
			p.Add(path, "is required")
			return
		}
		p.Addf(path, "must be an actor id of 1-200 printable bytes, got %q", clip(v))
	}
}

// checkID checks an optional record id.
func checkID(p *aims.Problems, path, id string) {
	if id != "" && !aims.ValidName(id) {
		p.Addf(path, "must be a record id of 1-200 printable bytes, got %q", clip(id))
	}
}

// checkIDs requires record ids: valid and distinct.
func checkIDs(p *aims.Problems, path string, ids []string) {
	checkCount(p, path, len(ids))
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		ip := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case !aims.ValidName(id):
			p.Addf(ip, "must be a record id of 1-200 printable bytes, got %q", clip(id))
		case seen[id]:
			p.Addf(ip, "duplicate id %q", id)
		}
		seen[id] = true
	}
}

// checkTexts requires every element to be non-blank text, distinct.
func checkTexts(p *aims.Problems, path string, list []string) {
	checkCount(p, path, len(list))
	seen := make(map[string]bool, len(list))
	for i, s := range list {
		ip := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case strings.TrimSpace(s) == "":
			p.Add(ip, "must not be blank")
		case seen[s]:
			p.Addf(ip, "duplicate %q", clip(s))
		}
		seen[s] = true
		text(p, ip, s)
	}
}

func checkCount(p *aims.Problems, path string, n int) {
	if n > maxItems {
		p.Addf(path, "must hold at most %d items, got %d", maxItems, n)
	}
}

// checkSystem requires the AI system id and a life cycle stage.
func checkSystem(p *aims.Problems, system string, stage aims.LifecycleStage) {
	if !aims.ValidName(system) {
		p.Addf("system", "must be the id of an AI system, got %q", clip(system))
	}
	if !stage.Valid() {
		p.Addf("stage", "must be an ISO/IEC 22989 life cycle stage such as %q, got %q", aims.StageDesignDevelopment, clip(string(stage)))
	}
}

// systemAttrs returns the attributes every life cycle record shares.
func systemAttrs(system string, stage aims.LifecycleStage) map[string]string {
	a := map[string]string{}
	if aims.ValidName(system) {
		a["system"] = system
	}
	if stage != "" {
		a["stage"] = string(stage)
	}
	return a
}

// systemKeys adds "system:<id>" = "true" for each id that makes a valid
// attribute key.
func systemKeys(a map[string]string, ids []string) {
	for _, id := range ids {
		if k := "system:" + id; aims.ValidName(k) {
			a[k] = "true"
		}
	}
}

// clip shortens a value quoted in a problem, so a hostile input cannot
// make a huge error.
func clip(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
