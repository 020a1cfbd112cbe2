package soa

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aimsgo/iso42001/internal/firstfew"
	"github.com/aimsgo/iso42001/internal/mdtext"
)

// ChangeKind says how a control's entry changed between two versions.
type ChangeKind string

// Change kinds.
const (
	ChangeAdded   ChangeKind = "added"   // in the newer version only
	ChangeRemoved ChangeKind = "removed" // in the older version only
	ChangeChanged ChangeKind = "changed" // in both, with different fields
)

// Fields a [FieldChange] can name.
const (
	FieldApplicability = "applicability"
	FieldStatus        = "status"
	FieldJustification = "justification"
	FieldOwner         = "owner"
	FieldEvidence      = "evidence"
	FieldLastReview    = "lastReview"
)

// FieldChange is one field of an entry that changed, as the text a
// reviewer reads.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Change is what happened to one control's entry.
type Change struct {
	Control string        `json:"control"`
	Title   string        `json:"title"`
	Kind    ChangeKind    `json:"kind"`
	Fields  []FieldChange `json:"fields,omitempty"`
}

// Delta is the structured difference between two SoA versions: what a
// reviewer must look at before approving the newer one.
type Delta struct {
	From    int      `json:"from"`
	To      int      `json:"to"`
	Changes []Change `json:"changes,omitempty"`
}

// Diff compares the entries of a (older) and b (newer), control by
// control: added, removed, and changed applicability, status,
// justification, owner, evidence and last review. Changes follow natural
// control order, Annex A first.
func Diff(a, b *SoA) Delta {
	d := Delta{From: a.Number, To: b.Number}
	old := make(map[string]*Entry, len(a.Entries))
	for i := range a.Entries {
		old[a.Entries[i].Control] = &a.Entries[i]
	}
	inB := make(map[string]bool, len(b.Entries))
	var order []*Entry
	for i := range b.Entries {
		e := &b.Entries[i]
		inB[e.Control] = true
		o, ok := old[e.Control]
		if !ok {
			d.Changes = append(d.Changes, Change{Control: e.Control, Title: e.Title, Kind: ChangeAdded})
			order = append(order, e)
			continue
		}
		if fs := fieldChanges(o, e); len(fs) > 0 {
			d.Changes = append(d.Changes, Change{Control: e.Control, Title: e.Title, Kind: ChangeChanged, Fields: fs})
			order = append(order, e)
		}
	}
	for i := range a.Entries {
		e := &a.Entries[i]
		if !inB[e.Control] {
			d.Changes = append(d.Changes, Change{Control: e.Control, Title: e.Title, Kind: ChangeRemoved})
			order = append(order, e)
		}
	}
	// Sort changes by their entries' order (origin, then natural id).
	idx := make([]int, len(d.Changes))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int { return entryOrder(order[i], order[j]) })
	sorted := make([]Change, len(d.Changes))
	for i, k := range idx {
		sorted[i] = d.Changes[k]
	}
	d.Changes = sorted
	return d
}

func fieldChanges(a, b *Entry) []FieldChange {
	var fs []FieldChange
	add := func(field, from, to string) {
		if from != to {
			fs = append(fs, FieldChange{Field: field, From: from, To: to})
		}
	}
	add(FieldApplicability, applicability(a), applicability(b))
	add(FieldStatus, string(a.Status), string(b.Status))
	add(FieldJustification, a.Justification, b.Justification)
	add(FieldOwner, a.Owner, b.Owner)
	add(FieldEvidence, evidenceText(a.Evidence), evidenceText(b.Evidence))
	add(FieldLastReview, dateText(a.LastReview), dateText(b.LastReview))
	return fs
}

func applicability(e *Entry) string {
	if e.Undecided {
		return "undecided"
	}
	if e.Applicable {
		return "applicable"
	}
	return "not applicable"
}

func evidenceText(ev []Evidence) string {
	parts := make([]string, len(ev))
	for i, e := range ev {
		parts[i] = e.URI + " (sha256 " + e.SHA256 + ")"
	}
	return strings.Join(parts, "; ")
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// Counts returns how many controls were added, removed and changed.
func (d Delta) Counts() (added, removed, changed int) {
	for _, c := range d.Changes {
		switch c.Kind {
		case ChangeAdded:
			added++
		case ChangeRemoved:
			removed++
		case ChangeChanged:
			changed++
		}
	}
	return
}

func (d Delta) summary() string {
	if len(d.Changes) == 0 {
		return "No control changed."
	}
	a, r, c := d.Counts()
	return fmt.Sprintf("%s changed, %s added, %s removed.", firstfew.Count(c, "control"), firstfew.Count(a, "control"), firstfew.Count(r, "control"))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// WriteMarkdown renders d for a reviewer as Markdown: a summary line,
// then one section per control with its changed fields, old and new.
func (d Delta) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# SoA changes: version %d to version %d\n\n%s\n", d.From, d.To, d.summary())
	for _, c := range d.Changes {
		fmt.Fprintf(bw, "\n## %s %s (%s)\n", mdtext.Escape(c.Control), mdtext.Escape(c.Title), c.Kind)
		for _, f := range c.Fields {
			fmt.Fprintf(bw, "\n- **%s**\n  - before: %s\n  - after: %s\n", f.Field, mdtext.Escape(orNone(f.From)), mdtext.Escape(orNone(f.To)))
		}
	}
	return bw.Flush()
}

// WriteText renders d as plain text, one line per changed field.
func (d Delta) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "SoA changes: version %d to version %d\n%s\n", d.From, d.To, d.summary())
	for _, c := range d.Changes {
		fmt.Fprintf(bw, "\n%s %s: %s\n", c.Control, oneLine(c.Title), c.Kind)
		for _, f := range c.Fields {
			fmt.Fprintf(bw, "  %s: %s -> %s\n", f.Field, oneLine(orNone(f.From)), oneLine(orNone(f.To)))
		}
	}
	return bw.Flush()
}
