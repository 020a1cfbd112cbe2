package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/aimsgo/iso42001/aims"
)

// The journal commands. A checkpoint anchors the journal outside the
// database: make a key once, sign the head from time to time, keep the
// checkpoint files somewhere the database's users cannot write, and verify
// against them:
//
//	aimsctl journal keygen --out journal-key.pem > journal-key.pub.pem
//	aimsctl journal checkpoint --key journal-key.pem > cp-2026-12-01.json
//	aimsctl journal verify --checkpoint cp-2026-12-01.json --key journal-key.pub.pem
func journalCommand() *command {
	return &command{
		name:    "journal",
		summary: "the tamper-evident journal",
		usage:   "head|log|checkpoint|keygen|verify",
		sub: []*command{
			{name: "head", summary: "print the journal's last entry", usage: "", run: runJournalHead},
			{name: "log", summary: "list the journal's entries: who did what to which record, when", usage: "[--kind K] [--id ID] [--limit N]", run: runJournalLog},
			{name: "keygen", summary: "make an Ed25519 key for signing checkpoints", usage: "--out FILE", run: runJournalKeygen},
			{name: "checkpoint", summary: "sign the verified journal head; the checkpoint goes to stdout", usage: "--key FILE", run: runJournalCheckpoint},
			{name: "verify", summary: "check the hash chain, records and checkpoints; exit 0 when intact", usage: "[--checkpoint FILE]... [--key FILE] [--incremental]", run: runJournalVerify},
		},
	}
}

func runJournalHead(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl journal head", "print the tenant's last journal entry: its sequence number, hash, time and what it records", "")
	wf := addWorkspaceFlags(f)
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	wf.anyTenant = true
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	h, err := ws.Store().Head(ctx, ws.Tenant())
	if errors.Is(err, aims.ErrNotFound) {
		fmt.Fprintf(a.stdout, "tenant: %s\nseq:    0\nhash:   %s (the journal is empty)\n", ws.Tenant(), aims.GenesisHash)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "tenant: %s\nseq:    %d\nhash:   %s\ntime:   %s\nentry:  %s %s/%s v%d by %s\n",
		ws.Tenant(), h.Seq, h.Hash, h.Time.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"), h.Event, h.Kind, h.ID, h.Version, h.Actor)
	return nil
}

func runJournalKeygen(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl journal keygen", "make an Ed25519 private key for 'journal checkpoint' in FILE (PKCS #8 PEM, mode 0600, never overwritten) and print its public key (PEM) on stdout", "--out FILE")
	out := f.String("out", "", "file to create with the private key (required)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *out == "" {
		f.printHelp(a.stderr)
		return usageError("aimsctl journal keygen: --out FILE is required")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists: keygen never overwrites a key; choose another --out", *out)
	}
	if err != nil {
		return err
	}
	if err := pem.Encode(file, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	if err := pem.Encode(a.stdout, &pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "wrote the private key to %s (mode 0600); public key %s is on stdout. Keep the private key off the database host.\n", *out, hex.EncodeToString(pub))
	return nil
}

// readKey reads a PEM file holding an Ed25519 private key (PKCS #8) or
// public key (PKIX). priv is nil for a public key.
func readKey(path string) (ed25519.PublicKey, ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("no key at %s: make one with 'aimsctl journal keygen --out %s'", path, path)
	}
	if err != nil {
		return nil, nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, nil, fmt.Errorf("%s: not a PEM file (make a key with 'aimsctl journal keygen --out FILE')", path)
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		priv, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, nil, fmt.Errorf("%s: a %T, not an Ed25519 key", path, k)
		}
		return priv.Public().(ed25519.PublicKey), priv, nil
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, nil, fmt.Errorf("%s: a %T, not an Ed25519 key", path, k)
		}
		return pub, nil, nil
	}
	return nil, nil, fmt.Errorf("%s: PEM block %q, want PRIVATE KEY or PUBLIC KEY", path, block.Type)
}

func runJournalCheckpoint(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl journal checkpoint", "verify the journal, then sign its head with the Ed25519 key in FILE and write the checkpoint (JSON) to stdout; keep it outside the database. Make a key with 'aimsctl journal keygen --out FILE'", "--key FILE")
	wf := addWorkspaceFlags(f)
	keyFile := f.String("key", "", "PEM file with the Ed25519 private key (required)")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	if *keyFile == "" {
		f.printHelp(a.stderr)
		return usageError("aimsctl journal checkpoint: --key FILE is required (make one with 'aimsctl journal keygen --out FILE')")
	}
	_, priv, err := readKey(*keyFile)
	if err != nil {
		return err
	}
	if priv == nil {
		return fmt.Errorf("%s holds a public key; checkpoint needs the private key", *keyFile)
	}
	wf.anyTenant = true
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	cp, err := ws.Checkpoint(ctx, priv, nil)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n", data)
	return err
}

// fileList is a repeatable flag.
type fileList []string

func (l *fileList) String() string     { return strings.Join(*l, ",") }
func (l *fileList) Set(v string) error { *l = append(*l, v); return nil }

func runJournalVerify(ctx context.Context, a *app, args []string) error {
	f := a.flags("aimsctl journal verify", "check the journal's hash chain, compare records and journal both ways, and check the journal against signed checkpoints; exit 0 when intact, 1 naming what is wrong", "[--checkpoint FILE]... [--key FILE] [--incremental]")
	wf := addWorkspaceFlags(f)
	var cpFiles fileList
	f.Var(&cpFiles, "checkpoint", "checkpoint file from 'aimsctl journal checkpoint' (repeatable)")
	keyFile := f.String("key", "", "PEM file with the trusted public (or private) key; default: the key each checkpoint names")
	incremental := f.Bool("incremental", false, "trust the journal up to the newest checkpoint and check only what came after")
	if _, err := leaf(f, args, 0, 0); err != nil {
		return err
	}
	opts := &aims.VerifyOptions{Incremental: *incremental}
	for _, name := range cpFiles {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		cp, err := aims.ParseCheckpoint(data)
		if err != nil {
			return fmt.Errorf("checkpoint %s: %w", name, err)
		}
		opts.Checkpoints = append(opts.Checkpoints, cp)
	}
	if *incremental && len(opts.Checkpoints) == 0 {
		return usageError("aimsctl journal verify: --incremental needs a --checkpoint")
	}
	if *keyFile != "" {
		pub, _, err := readKey(*keyFile)
		if err != nil {
			return err
		}
		opts.Keys = []ed25519.PublicKey{pub}
	} else {
		seen := map[string]bool{}
		for _, cp := range opts.Checkpoints {
			if k := hex.EncodeToString(cp.PublicKey); !seen[k] {
				seen[k] = true
				opts.Keys = append(opts.Keys, ed25519.PublicKey(cp.PublicKey))
				fmt.Fprintf(a.stderr, "note: trusting the key the checkpoint names, %s; pass --key to pin it\n", k)
			}
		}
	}
	wf.anyTenant = true
	ws, err := wf.open(ctx, a, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	rep, err := ws.VerifyWith(ctx, opts)
	var ce *aims.ChainError
	if errors.As(err, &ce) {
		return fmt.Errorf("journal is NOT intact: %w", ce)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "journal intact: %d entries verified, %d records match their last entry", rep.Entries, rep.Records)
	if rep.Checkpoints > 0 {
		fmt.Fprintf(a.stdout, ", consistent with %d signed checkpoint(s)", rep.Checkpoints)
	}
	fmt.Fprintln(a.stdout)
	return nil
}
