package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aimsgo/iso42001/aims"
)

// TestUnstorable: text PostgreSQL cannot hold (NUL bytes, invalid UTF-8)
// and times RFC 3339 cannot carry are refused as ErrInvalid on every
// dialect, before anything is written.
func TestUnstorable(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			be.available(t)
			s := be.store(t)
			ctx := t.Context()
			good := aims.Entry{Seq: 1, Time: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC), Actor: "ana", Event: "note"}
			calls := []struct {
				name string
				call func() error
			}{
				{"AttrValueNUL", func() error {
					_, err := s.Put(ctx, "t", aims.Record{Kind: "k", ID: "i", Attrs: map[string]string{"a": "x\x00y"}}, 0)
					return err
				}},
				{"AttrValueInvalidUTF8", func() error {
					_, err := s.Put(ctx, "t", aims.Record{Kind: "k", ID: "i", Attrs: map[string]string{"a": "\xff"}}, 0)
					return err
				}},
				{"AttrKeyInvalid", func() error {
					_, err := s.Put(ctx, "t", aims.Record{Kind: "k", ID: "i", Attrs: map[string]string{"": "x"}}, 0)
					return err
				}},
				{"WhereValueNUL", func() error {
					_, err := s.List(ctx, "t", aims.Query{Kind: "k", Where: map[string]string{"a": "\x00"}})
					return err
				}},
				{"AfterInvalidUTF8", func() error {
					_, err := s.List(ctx, "t", aims.Query{Kind: "k", After: "\xfe"})
					return err
				}},
				{"EntryActorNUL", func() error {
					e := good
					e.Actor = "a\x00"
					return s.Append(ctx, "t", e)
				}},
				{"EntryYear10000", func() error {
					e := good
					e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
					return s.Append(ctx, "t", e)
				}},
				{"BatchEntryInvalid", func() error {
					e := good
					e.Event = "\xff"
					_, err := s.Apply(ctx, "t", aims.Batch{Writes: []aims.Write{{Record: aims.Record{Kind: "k", ID: "i"}}}, Entries: []aims.Entry{e}})
					return err
				}},
				{"BatchNegativeExpected", func() error {
					_, err := s.Apply(ctx, "t", aims.Batch{Writes: []aims.Write{{Record: aims.Record{Kind: "k", ID: "i"}, Expected: -1}}})
					return err
				}},
			}
			for _, c := range calls {
				if err := c.call(); !errors.Is(err, aims.ErrInvalid) {
					t.Errorf("%s: error = %v, want ErrInvalid", c.name, err)
				}
			}
			if _, err := s.Get(ctx, "t", "k", "i"); !errors.Is(err, aims.ErrNotFound) {
				t.Errorf("Get after refused writes: error = %v, want ErrNotFound", err)
			}
			if _, err := s.Head(ctx, "t"); !errors.Is(err, aims.ErrNotFound) {
				t.Errorf("Head after refused appends: error = %v, want ErrNotFound", err)
			}
		})
	}
}

// TestAttrsRoundTrip: attribute values with JSON's special characters and
// records without data or attributes come back as they went in.
func TestAttrsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			be.available(t)
			s := be.store(t)
			ctx := t.Context()
			tests := []aims.Record{
				{Kind: "k", ID: "special", Attrs: map[string]string{"q": `"quoted"`, "html": "<a&b>", "ctl": "tab\there\nnl\u2028", "empty": "", "back\\slash": `\u0041`}, Data: []byte("x")},
				{Kind: "k", ID: "bare"},
			}
			for _, in := range tests {
				if _, err := s.Put(ctx, "t", in, 0); err != nil {
					t.Fatalf("Put %s: %v", in.ID, err)
				}
				got, err := s.Get(ctx, "t", in.Kind, in.ID)
				if err != nil {
					t.Fatalf("Get %s: %v", in.ID, err)
				}
				in.Version = 1
				if len(in.Data) == 0 && len(got.Data) == 0 {
					got.Data = in.Data
				}
				if diff := cmp.Diff(in, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", in.ID, diff)
				}
			}
			page, err := s.List(ctx, "t", aims.Query{Kind: "k", Where: map[string]string{"html": "<a&b>", "empty": ""}})
			if err != nil || len(page.Records) != 1 || page.Records[0].ID != "special" {
				t.Errorf("List by special values = %+v, %v; want [special]", page.Records, err)
			}
		})
	}
}
