package lifecycle_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aimsgo/iso42001/aims"
	"github.com/aimsgo/iso42001/lifecycle"
)

// fuzzDecode seeds f with marshalled valid values and broken variants of
// them, then checks: aims.Decode never panics; it refuses with an error
// matching ErrInvalid, or accepts a value that re-marshals and re-decodes
// equal.
func fuzzDecode[T any, P aims.Doc[T]](f *testing.F, seeds ...P) {
	for _, s := range seeds {
		data, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		if _, err := aims.Decode[T, P](data); err != nil {
			f.Fatalf("seed does not decode: %v\n%s", err, data)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
		f.Add(bytes.Replace(data, []byte("{"), []byte(`{"zz":1,`), 1))
		f.Add(bytes.Replace(data, []byte(`":"`), []byte(`":7,"x":"`), 1))
		f.Add(bytes.Replace(data, []byte(`":"`), []byte(`":"\u0000`), 1))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := aims.Decode[T, P](data)
		if err != nil {
			if !errors.Is(err, aims.ErrInvalid) {
				t.Fatalf("Decode error %v (%T) does not match ErrInvalid", err, err)
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("accepted value does not marshal: %v", err)
		}
		q, err := aims.Decode[T, P](out)
		if err != nil {
			t.Fatalf("re-decoding failed: %v\ninput:  %q\noutput: %s", err, data, out)
		}
		if diff := cmp.Diff(p, q, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip changed the value (-first +second):\n%s", diff)
		}
	})
}

func withState[P interface{ Header() *aims.Meta }](p P, state string) P {
	p.Header().State = state
	return p
}

func FuzzDecodeChange(f *testing.F) {
	done := validChange()
	done.ApprovedBy, done.Outcome = "mia", "done"
	fuzzDecode(f, validChange(), withState(done, "done"))
}
func FuzzDecodeResource(f *testing.F)      { fuzzDecode(f, validResource()) }
func FuzzDecodeAwareness(f *testing.F)     { fuzzDecode(f, validAwareness()) }
func FuzzDecodeCommunication(f *testing.F) { fuzzDecode(f, validCommunication()) }
func FuzzDecodeRequirement(f *testing.F) {
	r := validRequirement()
	r.Source = &lifecycle.Source{Format: lifecycle.FormatModelCard, SHA256: "ab" + string(bytes.Repeat([]byte("0"), 62))}
	fuzzDecode(f, validRequirement(), r)
}
func FuzzDecodeDesignRecord(f *testing.F)       { fuzzDecode(f, validDesign()) }
func FuzzDecodeVerification(f *testing.F)       { fuzzDecode(f, validVerification()) }
func FuzzDecodeDeploymentApproval(f *testing.F) { fuzzDecode(f, validDeployment()) }
func FuzzDecodeTechnicalDoc(f *testing.F)       { fuzzDecode(f, validTechDoc()) }
func FuzzDecodeEventLogPolicy(f *testing.F)     { fuzzDecode(f, validLogPolicy()) }
func FuzzDecodeDataset(f *testing.F)            { fuzzDecode(f, validDataset()) }
func FuzzDecodeConcern(f *testing.F) {
	named := validConcern()
	named.Anonymous, named.Reporter = false, "ana"
	fuzzDecode(f, validConcern(), named)
}
func FuzzDecodeUserInformation(f *testing.F) { fuzzDecode(f, validUserInfo()) }
func FuzzDecodeResponsibleUse(f *testing.F)  { fuzzDecode(f, validUse()) }
func FuzzDecodeParty(f *testing.F)           { fuzzDecode(f, validParty()) }
