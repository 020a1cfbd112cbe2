package lifecycle

import (
	"fmt"

	"github.com/aimsgo/iso42001/aims"
)

// KindDataset is the record kind of [Dataset].
const KindDataset = "dataset"

// Dataset documents data used by AI systems (A.7): where it comes from
// (A.7.5), how it was acquired (A.7.3), the quality it must have and the
// quality measured (A.7.4), how it was prepared (A.7.6) and what it is
// for (A.7.2).
type Dataset struct {
	aims.Meta
	// Name names the data set.
	Name string `json:"name"`
	// AISystems lists the ids of the AI systems that use it.
	AISystems []string `json:"aiSystems,omitempty"`
	// Use says what it is used for.
	Use aims.DataKind `json:"use"`
	// Provenance says where the data comes from, who created it and
	// under what terms.
	Provenance string `json:"provenance"`
	// Sources lists the upstream data sets it derives from.
	Sources []string `json:"sources,omitempty"`
	// Acquisition says how the data was obtained: collected, bought,
	// scraped, generated.
	Acquisition string `json:"acquisition,omitempty"`
	// License is the licence it is used under.
	License string `json:"license,omitempty"`
	// Size describes its size, e.g. "10K<n<100K".
	Size string `json:"size,omitempty"`
	// QualityRequirements says what quality the data must have.
	QualityRequirements string `json:"qualityRequirements,omitempty"`
	// Quality lists the quality measured, each metric with its threshold.
	Quality []Metric `json:"quality,omitempty"`
	// Preparation lists the preparation steps in order: cleaning,
	// labelling, imputation, splitting.
	Preparation []string `json:"preparation,omitempty"`
	// IntendedUse says the tasks and purposes it is meant for.
	IntendedUse string `json:"intendedUse,omitempty"`
	// Owner is the actor accountable for it.
	Owner string `json:"owner,omitempty"`
	// Source is the file it was imported from, if any.
	Source *Source `json:"source,omitempty"`
}

// Validate checks the record and returns a [*aims.ValidationError]
// listing every problem.
func (d *Dataset) Validate() error {
	var p aims.Problems
	checkHeader(&p, &d.Meta, KindDataset)
	requireLine(&p, "name", d.Name, maxTitle)
	checkIDs(&p, "aiSystems", d.AISystems)
	if !d.Use.Valid() {
		p.Addf("use", "must be training, validation, test, production or other, got %q", clip(string(d.Use)))
	}
	requireText(&p, "provenance", d.Provenance)
	checkTexts(&p, "sources", d.Sources)
	text(&p, "acquisition", d.Acquisition)
	line(&p, "license", d.License, maxTitle)
	line(&p, "size", d.Size, maxTitle)
	text(&p, "qualityRequirements", d.QualityRequirements)
	checkMetrics(&p, "quality", d.Quality)
	checkTexts(&p, "preparation", d.Preparation)
	text(&p, "intendedUse", d.IntendedUse)
	actor(&p, "owner", d.Owner, false)
	d.Source.validate(&p, "source")
	return p.Err()
}

// QualityMet reports whether every quality metric with a threshold meets
// it, and lists the names of those that miss.
func (d *Dataset) QualityMet() (bool, []string) {
	var miss []string
	for _, m := range d.Quality {
		if m.Threshold != nil && !m.Met() {
			miss = append(miss, m.Name)
		}
	}
	return len(miss) == 0, miss
}

// Attributes returns the filterable attributes: use, owner, qualityMet
// ("true" or "false"), and "system:<id>" = "true" per AI system.
func (d *Dataset) Attributes() map[string]string {
	ok, _ := d.QualityMet()
	a := map[string]string{"use": string(d.Use), "qualityMet": fmt.Sprint(ok)}
	if d.Owner != "" && aims.ValidName(d.Owner) {
		a["owner"] = d.Owner
	}
	systemKeys(a, d.AISystems)
	return a
}

// Datasets returns the collection of data set records in ws.
func Datasets(ws *aims.Workspace) *aims.Collection[Dataset, *Dataset] {
	return aims.NewCollection[Dataset](ws, KindDataset, 1)
}
