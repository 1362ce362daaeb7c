package sources

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"atalaya/internal/feeds"
)

// doneDir is the subdirectory of a watched directory where ingested files
// go. Like any subdirectory (failed/, for files people set aside), it is
// never read.
const doneDir = "done"

// fetchDir takes the files waiting in the feed's directory, oldest first.
// A file is taken once it has been left unchanged for f.settle (whoever
// writes it is done); hidden files (".part" downloads, editors' temporary
// files) and anything that is not a regular file are left alone. Each
// file's Done moves it to done/, so it is read once.
func (f *Fetcher) fetchDir(feed feeds.Feed, state []byte) (feeds.Fetched, error) {
	if feed.Dir == "" {
		return feeds.Fetched{}, fmt.Errorf("feed %q: no directory to watch", feed.Name)
	}
	entries, err := os.ReadDir(feed.Dir)
	if err != nil {
		return feeds.Fetched{}, fmt.Errorf("feed %q: reading directory: %w", feed.Name, err)
	}
	type waiting struct {
		name string
		mod  time.Time
	}
	var files []waiting
	now := f.now()
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !e.Type().IsRegular() {
			continue // done/ and failed/ are directories, so skipped here too
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // moved away since the listing
		} else if err != nil {
			return feeds.Fetched{}, fmt.Errorf("feed %q: %w", feed.Name, err)
		}
		if now.Sub(info.ModTime()) < f.settle {
			continue
		}
		files = append(files, waiting{name: name, mod: info.ModTime()})
	}
	if len(files) == 0 {
		return feeds.Fetched{NotModified: true, State: state}, nil
	}
	slices.SortFunc(files, func(a, b waiting) int {
		return cmp.Or(a.mod.Compare(b.mod), strings.Compare(a.name, b.name))
	})
	out := feeds.Fetched{State: state}
	for _, w := range files {
		path := filepath.Join(feed.Dir, w.name)
		out.Inputs = append(out.Inputs, feeds.Input{
			Name: w.name,
			Open: func() (io.ReadCloser, error) { return openFile(path) },
			Done: func() error { return moveToDone(feed.Dir, w.name) },
		})
	}
	return out, nil
}

// openFile opens a waiting file. A plain file is handed over as the
// *os.File itself, and a gzipped one keeps its Stat: the feeds pipeline
// recognises a file by them and resumes one whose ingest was interrupted.
func openFile(path string) (io.ReadCloser, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var magic [2]byte
	if n, _ := file.ReadAt(magic[:], 0); n < 2 || magic != gzipMagic {
		return file, nil
	}
	zr, err := gzip.NewReader(bufio.NewReaderSize(file, 64<<10))
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("%s: reading gzip: %w", filepath.Base(path), err)
	}
	return gzipFile{Reader: zr, file: file}, nil
}

// gzipFile reads a gzipped file decompressed, and is still a file to Stat.
type gzipFile struct {
	*gzip.Reader
	file *os.File
}

func (g gzipFile) Stat() (fs.FileInfo, error) { return g.file.Stat() }

func (g gzipFile) Close() error { return closers{g.Reader, g.file}.Close() }

// moveToDone moves dir/name to dir/done/, creating it. A file of the same
// name ingested before is kept: the new one gets a numbered name.
func moveToDone(dir, name string) error {
	done := filepath.Join(dir, doneDir)
	if err := os.MkdirAll(done, 0o750); err != nil {
		return fmt.Errorf("moving %s to %s/: %w", name, doneDir, err)
	}
	target := filepath.Join(done, name)
	for i := 1; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			break
		} else if err != nil {
			return fmt.Errorf("moving %s to %s/: %w", name, doneDir, err)
		}
		target = filepath.Join(done, name+"."+strconv.Itoa(i))
	}
	if err := os.Rename(filepath.Join(dir, name), target); err != nil {
		return fmt.Errorf("moving %s to %s/: %w", name, doneDir, err)
	}
	return nil
}
