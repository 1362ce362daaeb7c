package sources_test

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"atalaya/internal/feeds"
	"atalaya/internal/sources"
)

// writeAged writes a file and sets its modification time age ago.
func writeAged(t *testing.T, path string, content []byte, age time.Duration) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	mod := time.Now().Add(-age)
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func names(ins []feeds.Input) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.Name)
	}
	return out
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestDirPull: the files waiting in a watched directory are taken oldest
// first, gunzipped where they are gzip; hidden files, files still being
// written, subdirectories and what done/ and failed/ hold are left; Done
// moves a file to done/ so that it is read once.
func TestDirPull(t *testing.T) {
	dir := t.TempDir()
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write([]byte("second\n"))
	_ = zw.Close()
	writeAged(t, filepath.Join(dir, "b-second.csv.gz"), zipped.Bytes(), time.Hour)
	writeAged(t, filepath.Join(dir, "z-first.csv"), []byte("first\n"), 2*time.Hour)
	writeAged(t, filepath.Join(dir, ".partial.csv"), []byte("hidden\n"), 3*time.Hour)
	writeAged(t, filepath.Join(dir, "writing.csv"), []byte("fresh\n"), 0)
	writeAged(t, filepath.Join(dir, "done", "old.csv"), []byte("done\n"), 5*time.Hour)
	writeAged(t, filepath.Join(dir, "failed", "bad.csv"), []byte("failed\n"), 5*time.Hour)
	writeAged(t, filepath.Join(dir, "sub", "nested.csv"), []byte("nested\n"), 5*time.Hour)
	if err := os.Symlink(filepath.Join(dir, "z-first.csv"), filepath.Join(dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	f := sources.New(nil)
	feed := feeds.Feed{Name: "drop", Source: feeds.SourceDir, Dir: dir}

	got := fetch(t, f, feed, []byte(`{"kept":1}`))
	if want := []string{"z-first.csv", "b-second.csv.gz"}; !slices.Equal(names(got.Inputs), want) {
		t.Fatalf("inputs %v, want %v", names(got.Inputs), want)
	}
	if string(got.State) != `{"kept":1}` {
		t.Errorf("state %s, want the previous one kept", got.State)
	}
	for i, want := range []string{"first\n", "second\n"} {
		if b := readInput(t, got.Inputs[i]); string(b) != want {
			t.Errorf("%s read %q, want %q", got.Inputs[i].Name, b, want)
		}
		// The pipeline resumes an interrupted file it can Stat.
		rc, err := got.Inputs[i].Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := rc.(interface{ Stat() (fs.FileInfo, error) }); !ok {
			t.Errorf("%s opens as a %T, which has no Stat", got.Inputs[i].Name, rc)
		}
		rc.Close()
	}
	// Taken again until Done: an input not yet durable is not lost.
	if again := fetch(t, f, feed, nil); len(again.Inputs) != 2 {
		t.Fatalf("before Done: %d inputs, want 2", len(again.Inputs))
	}
	for _, in := range got.Inputs {
		if in.Done == nil {
			t.Fatalf("%s has no Done", in.Name)
		}
		if err := in.Done(); err != nil {
			t.Fatalf("Done of %s: %v", in.Name, err)
		}
	}
	if want := []string{"b-second.csv.gz", "old.csv", "z-first.csv"}; !slices.Equal(listDir(t, filepath.Join(dir, "done")), want) {
		t.Errorf("done/ holds %v, want %v", listDir(t, filepath.Join(dir, "done")), want)
	}
	if rest := fetch(t, f, feed, nil); !rest.NotModified || len(rest.Inputs) != 0 {
		t.Errorf("after Done: not-modified %v, inputs %v; want nothing new", rest.NotModified, names(rest.Inputs))
	}

	// The file being written settles; a file of a name already done keeps
	// the earlier one.
	writeAged(t, filepath.Join(dir, "writing.csv"), []byte("fresh\n"), time.Minute)
	writeAged(t, filepath.Join(dir, "old.csv"), []byte("old again\n"), 2*time.Minute)
	later := fetch(t, f, feed, nil)
	if want := []string{"old.csv", "writing.csv"}; !slices.Equal(names(later.Inputs), want) {
		t.Fatalf("later inputs %v, want %v", names(later.Inputs), want)
	}
	for _, in := range later.Inputs {
		if err := in.Done(); err != nil {
			t.Fatal(err)
		}
	}
	done := filepath.Join(dir, "done")
	if b, _ := os.ReadFile(filepath.Join(done, "old.csv")); string(b) != "done\n" {
		t.Errorf("done/old.csv holds %q, want the first one kept", b)
	}
	if b, _ := os.ReadFile(filepath.Join(done, "old.csv.1")); string(b) != "old again\n" {
		t.Errorf("done/old.csv.1 holds %q, want the second one", b)
	}
}

func TestDirMissing(t *testing.T) {
	feed := feeds.Feed{Name: "drop", Source: feeds.SourceDir, Dir: filepath.Join(t.TempDir(), "absent")}
	if _, err := sources.New(nil).Fetch(t.Context(), feed, nil); err == nil {
		t.Error("no error for a missing directory")
	}
}
