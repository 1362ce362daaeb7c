package exchange

import (
	"bytes"
	"context"
	"io"
	"testing"

	"atalaya/internal/access"
	"atalaya/internal/intel"
	"atalaya/internal/sharedtest"
	"atalaya/internal/store/storetest"
)

// BenchmarkImportATTACKMobile imports ATT&CK Mobile (2,148 objects) into a
// fresh SQLite store: the issue asks for under a second.
func BenchmarkImportATTACKMobile(b *testing.B) {
	data := readFile(b, sharedtest.Path(b, "stix", "attack", "mobile-attack-17.1.json"))
	a := member("org-a")
	for b.Loop() {
		b.StopTimer()
		st := intel.New(storetest.SQLite(b, migrations()), intel.Options{})
		b.StartTimer()
		rep, err := Import(context.Background(), st, a, bytes.NewReader(data), ImportOptions{Format: STIX, Sharing: intel.Sharing{TLP: access.TLPGreen, Members: true}})
		if err != nil || len(rep.Refused) > 0 {
			b.Fatalf("import: %v, %d refused", err, len(rep.Refused))
		}
	}
}

// BenchmarkExportATTACKMobile exports ATT&CK Mobile as a STIX bundle from
// a SQLite store.
func BenchmarkExportATTACKMobile(b *testing.B) {
	data := readFile(b, sharedtest.Path(b, "stix", "attack", "mobile-attack-17.1.json"))
	a := member("org-a")
	st := intel.New(storetest.SQLite(b, migrations()), intel.Options{})
	if _, err := Import(context.Background(), st, a, bytes.NewReader(data), ImportOptions{Format: STIX}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n, err := Export(context.Background(), st, a, io.Discard, ExportOptions{Format: STIX})
		if err != nil || n < 2148 {
			b.Fatalf("export: %d objects, %v", n, err)
		}
	}
}
