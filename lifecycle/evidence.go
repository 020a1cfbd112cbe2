package lifecycle

import "slices"

// evidence is the table behind [Evidence]; kinds in each row sorted.
var evidence = map[string][]string{
	"6.3": {KindChange},
	"7.1": {KindResource},
	"7.3": {KindAwareness},
	"7.4": {KindCommunication},

	"A.2.3":   {KindRequirement},
	"A.3.3":   {KindConcern},
	"A.4.2":   {KindResource},
	"A.4.3":   {KindResource, KindDataset},
	"A.4.4":   {KindResource},
	"A.4.5":   {KindResource},
	"A.4.6":   {KindResource},
	"A.6.1.3": {KindDesignRecord, KindRequirement, KindChange},
	"A.6.2.2": {KindRequirement},
	"A.6.2.3": {KindDesignRecord},
	"A.6.2.4": {KindVerification},
	"A.6.2.5": {KindDeploymentApproval},
	"A.6.2.6": {KindEventLogPolicy},
	"A.6.2.7": {KindTechnicalDoc},
	"A.6.2.8": {KindEventLogPolicy},
	"A.7.2":   {KindDataset},
	"A.7.3":   {KindDataset},
	"A.7.4":   {KindDataset},
	"A.7.5":   {KindDataset},
	"A.7.6":   {KindDataset},
	"A.8.2":   {KindUserInformation},
	"A.8.3":   {KindUserInformation},
	"A.8.4":   {KindUserInformation},
	"A.8.5":   {KindUserInformation},
	"A.9.2":   {KindResponsibleUse},
	"A.9.3":   {KindResponsibleUse},
	"A.9.4":   {KindResponsibleUse},
	"A.10.2":  {KindParty},
	"A.10.3":  {KindParty},
	"A.10.4":  {KindParty},
}

// Evidence returns, for each clause and Annex A control id of ISO/IEC
// 42001, the record kinds of this package that hold its evidence, each
// list sorted. Ids the package holds no evidence for are absent. The map
// is the caller's.
func Evidence() map[string][]string {
	out := make(map[string][]string, len(evidence))
	for id, kinds := range evidence {
		k := slices.Clone(kinds)
		slices.Sort(k)
		out[id] = k
	}
	return out
}
